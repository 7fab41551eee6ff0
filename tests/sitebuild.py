"""Build the site (or a modified copy of the project) in a subprocess, as an author would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"
COPIED = (
    "docs", "snippets", "tests", "overrides", "mkdocs.yml", "pyproject.toml", "requirements.lock",
    "node_modules",
)


def build_env() -> dict[str, str]:
    """The environment the Makefile gives a build: no MkDocs 2 banner, fixed dates and hashing."""
    env = dict(os.environ)
    epoch = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=epoch or "0")
    return env


def build(
    site_dir: Path, project: Path = ROOT, *flags: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict <flags>` of `project` into `site_dir`, with `env` added."""
    env = build_env() | (env or {})
    # A copied project must import its own (possibly mutated) snippets, not the installed ones.
    env["PYTHONPATH"] = str(project)
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(site_dir), *flags],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def copy_project(destination: Path) -> Path:
    """A copy of what a build reads, so a test can change one thing without touching the tree."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if name == "node_modules":
            (destination / name).symlink_to(source, target_is_directory=True)
        elif source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
            shutil.copytree(source, destination / name, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    return destination


def keep_only_page(project: Path, page: str) -> None:
    """Reduce a copied project to one page (nav and files), so a mutation test builds in seconds."""
    docs = project / "docs"
    for path in docs.rglob("*.md"):
        if path.relative_to(docs).as_posix() != page:
            path.unlink()
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("\nnav:\n") + 1
    end = re.search(r"^\S", config[start + 5 :], re.MULTILINE).start() + start + 5
    reduced = config[:start] + f"nav:\n  - {page}\n\n" + config[end:]
    (project / "mkdocs.yml").write_text(reduced, encoding="utf-8")

