"""What `make mutate` mutates and how: modules, seeded sample, judged pages, tests, reduced copy."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from snippets.plumbing.module_users import IMPORT_LINE, dependents, registered_checks
from snippets.plumbing.module_users import NOT_USERS as LEFT_OUT

# The mathematics modules (snippets/plumbing is the shared machinery, not measured here).
MODULE_GLOBS = ("snippets/q4*.py", "snippets/q5*.py", "snippets/batchnorm.py")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, order=True)
class Mutant:
    """One cosmic-ray mutation: which file, which operator, which occurrence of it in the file."""

    module: str  # "snippets/q5a_symbolic.py", relative to the project
    operator: str
    occurrence: int

    @property
    def name(self) -> str:
        return f"{self.module}:{self.operator}:{self.occurrence}"


def mathematics_modules(root: Path) -> list[str]:
    """The measured modules, as sorted project-relative paths."""
    return sorted({p.relative_to(root).as_posix() for g in MODULE_GLOBS for p in root.glob(g)})


def draw_sample(mutants: list[Mutant], size: int, seed: int) -> list[Mutant]:
    """A uniform sample without replacement from the sorted pool (independent of enumeration order).

    Kept in the order drawn, which is the order they are judged: a run stopped early has judged a
    uniform sample of its own (a prefix), not the first modules in alphabetical order.
    """
    pool = sorted(mutants)
    return random.Random(seed).sample(pool, min(size, len(pool)))


def judged_pages(root: Path, module: str) -> list[str]:
    """The pages whose blocks import `module` (directly or through snippets) or show one of its checks.

    Proof pages (docs/proofs/) are left out: they print their module's source, so every mutant changes
    them by construction; what a mutant can change is what the executed pages state, tabulate and draw.
    The ledger and the home page (which import every module to list every check) are left out too, to
    keep one build per mutant small: what they list is shown, and checked, on the question pages.
    """
    importers = dependents(root).get(Path(module).stem, {Path(module).stem})
    checks = registered_checks((root / module).read_text(encoding="utf-8"))
    docs = root / "docs"
    pages = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if relative.startswith("proofs/"):
            continue
        text = path.read_text(encoding="utf-8")
        shown = any(f'"{check_id}"' in text for check_id in checks)
        if relative not in LEFT_OUT and (shown or importers & set(IMPORT_LINE.findall(text))):
            pages.append(relative)
    return pages


def module_tests(root: Path, module: str) -> list[str]:
    """The module's own tests: tests/test_<prefix>*.py, prefix being the stem up to its first underscore."""
    prefix = Path(module).stem.split("_")[0]
    return sorted(p.relative_to(root).as_posix() for p in (root / "tests").glob(f"test_{prefix}*.py"))


def headings_only(markdown: str) -> str:
    """A stand-in for a page that is not judged: its headings and display equations (their labels, so
    links and cross-references into it resolve), nothing executed."""
    kept, fenced, in_math = [], False, False
    for line in markdown.splitlines():
        bare = line.strip()
        if FENCE.match(line) and not in_math:
            fenced = not fenced
        elif fenced:
            continue
        elif bare.startswith("$$") or in_math:
            kept.append(bare if in_math or bare.count("$$") < 2 else bare + "\n")
            if bare.startswith("$$") and bare.count("$$") == 1:
                in_math = not in_math
            if not in_math:
                kept[-1] += "\n"
        elif line.startswith("#"):
            kept.append(line + "\n")
    return "\n".join(kept).replace("\n\n\n", "\n\n") + "\n"


def keep_only_pages(project: Path, pages: list[str]) -> None:
    """Reduce a copied project to `pages`; other pages keep only their headings (links into them resolve).

    Proof pages are removed (nothing links to them in Markdown; check boxes link to them in raw HTML).
    """
    docs = project / "docs"
    kept = []
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if relative.startswith("proofs/"):
            path.unlink()
            continue
        kept.append(relative)
        if relative not in pages:
            path.write_text(headings_only(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("\nnav:\n") + 1
    end = re.search(r"^\S", config[start + 5 :], re.MULTILINE).start() + start + 5
    nav = "".join(f"  - {page}\n" for page in kept)
    (project / "mkdocs.yml").write_text(config[:start] + f"nav:\n{nav}\n" + config[end:], encoding="utf-8")
