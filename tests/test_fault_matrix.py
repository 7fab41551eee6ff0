"""Each fault, injected into a copy of the project, fails the build under -q, the default and -v,
and the first message names the cause and its file:line.

The copy is reduced to one small page, tests/fault_probe/fault-probe.md, with its question module
(snippets/fault_probe.py: a prose value, two checks, a data file) added, so that a build takes a
second or two and the faults do not depend on the wording of the question pages. Faults at
import go into the project's own modules (every build imports all of them, `load_all`).

One row per fault: it edits the copy and returns the place the first message must name
(`snippets/<file>.py:<line>` or `docs/<page>:<line>`, computed from the copy, not copied from a
run), and says what the first line must state. Every fault may print exactly MESSAGES message
(an `ERROR`/`WARNING` line and its indented lines): what follows from the fault is summarised at
the end, not printed again. Unseeded randomness cannot fail a build by itself; its row builds
twice and the blocks' output digests (EXEC_DIGESTS) must name the block.

To add a row, write an `inject` function that edits the copy and returns the expected place,
and add a Fault to FAULTS.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitebuild import copy_project, keep_only_page

PROBE = Path(__file__).with_name("fault_probe")
PAGE = "fault-probe.md"
MODULE = "snippets/fault_probe.py"
FLAGS = {"quiet": ("-q",), "default": (), "verbose": ("-v",)}
MESSAGES = 1  # what one fault may print; everything that follows from it goes to the summary
MESSAGE = re.compile(r"^(?:ERROR|WARNING) +- .*(?:\n(?: {2,}|\t).*)*", re.MULTILINE)


def _append(path: Path, text: str) -> int:
    """Append `text` to a file; the 1-based line where it starts."""
    original = path.read_text(encoding="utf-8")
    if not original.endswith("\n"):
        original += "\n"
    path.write_text(original + text, encoding="utf-8")
    return original.count("\n") + 1


def _replace(path: Path, old: str, new: str, count: int = -1) -> int:
    """Replace `old` in a file (it must be there); the 1-based line of its first occurrence."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {path.name}: update the fault matrix"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return text.count("\n", 0, text.index(old)) + 1


def _definition(path: Path, name: str) -> int:
    """The line a function's code object starts on (its first decorator), as checks report it."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return (node.decorator_list[0] if node.decorator_list else node).lineno
    raise AssertionError(f"no function {name} in {path.name}: update the fault matrix")


def _question_modules(project: Path) -> list[str]:
    """The project's own question modules (the pages' owners rename and split them)."""
    found = sorted(p.relative_to(project).as_posix() for p in (project / "snippets").glob("q[0-9]*.py"))
    assert len(found) >= 2, found
    return found


def raise_at_import(project: Path) -> str:
    module = _question_modules(project)[-1]
    line = _append(project / module, 'raise RuntimeError("fault matrix: boom")\n')
    return f"{module}:{line}"


def syntax_error(project: Path) -> str:
    module = _question_modules(project)[0]
    line = _append(project / module, "def broken(:\n    pass\n")
    return f"{module}:{line}"


def missing_data_file(project: Path) -> str:
    (project / "snippets/data/fault_probe.json").unlink()
    text = (project / MODULE).read_text(encoding="utf-8")
    return f"{MODULE}:{text.count(chr(10), 0, text.index('DATA_FILE.read_text')) + 1}"


def nan_in_checked_value(project: Path) -> str:
    _replace(project / MODULE, "np.mean([1.0, 2.0, 3.0])", "np.mean([1.0, np.nan, 3.0])")
    return f"{MODULE}:{_definition(project / MODULE, '_mean')}"


def failing_check(project: Path) -> str:
    _replace(project / MODULE, "equal(2 + 2, 4,", "equal(2 + 3, 4,")
    return f"{MODULE}:{_definition(project / MODULE, '_two_and_two')}"


def prose_drift(project: Path) -> str:
    line = _replace(project / "docs" / PAGE, "{{ probe.sides = 4 }}", "{{ probe.sides = 5 }}")
    return f"docs/{PAGE}:{line}"


def unparsable_formula(project: Path) -> str:
    line = _append(project / "docs" / PAGE, "A broken formula: $\\frac{1}{$ here.\n")
    return f"docs/{PAGE}:{line}"


def broken_link(project: Path) -> str:
    line = _append(project / "docs" / PAGE, "See [the lost page](lost-page.md).\n")
    return f"docs/{PAGE}:{line}"


def broken_anchor(project: Path) -> str:
    line = _append(project / "docs" / PAGE, "See [a lost section](#no-such-section).\n")
    return f"docs/{PAGE}:{line}"


def renamed_label(project: Path) -> str:
    _replace(project / "docs" / PAGE, "{#sec-sides}", "{#sec-edges}")
    text = (project / "docs" / PAGE).read_text(encoding="utf-8")
    return f"docs/{PAGE}:{text.count(chr(10), 0, text.index('@sec-sides')) + 1}"


def unknown_citation_key(project: Path) -> str:
    line = _replace(project / "docs" / PAGE, "[@ioffe2015]", "[@ioffe2051]")
    return f"docs/{PAGE}:{line}"


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[Path], str]  # edits the copy; returns the place the first message must name
    cause: str  # what the first message must say (a regular expression)


FAULTS = [
    Fault("raise at import", raise_at_import, r"RuntimeError: fault matrix: boom"),
    Fault("syntax error in a snippet", syntax_error, r"SyntaxError: "),
    Fault("missing data file", missing_data_file, r"FileNotFoundError: .*fault_probe\.json"),
    Fault("NaN in a checked value", nan_in_checked_value, r"check probe\.mean failed: .*nan"),
    Fault("failing check", failing_check, r"check probe\.sum failed: "),
    Fault("prose drift", prose_drift, r"prose value 'probe\.sides' disagrees .*says \"5\".*gives \"4\""),
    Fault("unparsable formula", unparsable_formula, r"KaTeX cannot render formula '\\\\frac\{1\}\{'"),
    Fault("broken link", broken_link, r"a link 'lost-page\.md', but the target (?:.* )?is not found"),
    Fault("broken anchor", broken_anchor, r"contains a link '#no-such-section', but there is no such anchor"),
    Fault("renamed cross-reference label", renamed_label, r"broken reference @sec-sides"),
    Fault("unknown citation key", unknown_citation_key, r"unknown citation key @ioffe2051"),
]


@pytest.fixture(scope="module")
def builder(fork_builder):
    return fork_builder


def _reduced_copy(root: Path) -> Path:
    """A copy of the project whose only page is the probe, with the probe's module and data."""
    project = copy_project(root / "project")
    shutil.copy(PROBE / PAGE, project / "docs" / PAGE)
    shutil.copy(PROBE / "fault_probe.py", project / MODULE)
    shutil.copy(PROBE / "fault_probe.json", project / "snippets/data/fault_probe.json")
    keep_only_page(project, PAGE)
    return project


@pytest.mark.build
@pytest.mark.parametrize("flag", FLAGS, ids=list(FLAGS))
def test_the_reduced_copy_builds_cleanly(builder, tmp_path, flag):
    # The control: without a fault, no message and exit 0, under each flag.
    result = builder.build(_reduced_copy(tmp_path), tmp_path / "site", *FLAGS[flag])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not MESSAGE.findall(output), output


@pytest.mark.build
@pytest.mark.parametrize("flag", FLAGS, ids=list(FLAGS))
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_fault_fails_the_build_and_the_first_message_names_its_cause(builder, tmp_path, fault, flag):
    project = _reduced_copy(tmp_path)
    place = fault.inject(project)
    result = builder.build(project, tmp_path / "site", *FLAGS[flag])
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build passed with {fault.name}:\n{output}"
    messages = MESSAGE.findall(result.stderr)
    assert len(messages) == MESSAGES, f"{len(messages)} messages, {MESSAGES} allowed:\n{output}"
    first = messages[0]
    first_line = first.splitlines()[0]
    assert re.search(fault.cause, first_line), f"the first line does not state the cause:\n{first}"
    assert re.search(rf"(?<![\w/]){re.escape(place)}(?!\d)", first), f"{place} not named:\n{first}"
    assert "Aborted" in result.stdout, output


@pytest.mark.build
@pytest.mark.parametrize("flag", FLAGS, ids=list(FLAGS))
def test_unseeded_randomness_is_caught_by_two_builds_and_named_by_its_block(builder, tmp_path, flag):
    project = _reduced_copy(tmp_path)
    line = _append(project / "docs" / PAGE, (
        '```python exec="on"\nimport numpy as np\n\nprint(np.random.default_rng().integers(10**12))\n```\n'
    ))
    digests, pages = [], []
    for run in ("first", "second"):
        record = tmp_path / f"{run}.jsonl"
        result = builder.build(project, tmp_path / run, *FLAGS[flag], env={"EXEC_DIGESTS": str(record)})
        assert result.returncode == 0, result.stdout + result.stderr
        digests.append([json.loads(row) for row in record.read_text(encoding="utf-8").splitlines()])
        pages.append((tmp_path / run / PAGE).with_suffix(".html").read_bytes())
    assert pages[0] != pages[1], "two builds of a page with unseeded randomness were identical"
    differing = [a["block"] for a, b in zip(*digests, strict=True) if a != b]
    assert differing == [f"docs/{PAGE}:{line + 1}"], differing
    shutil.rmtree(tmp_path / "first")
