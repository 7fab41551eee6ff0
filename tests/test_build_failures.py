"""Injected faults fail the strict build with a message that names the page and the snippet."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from sitebuild import build, copy_project, keep_only_page

PAGE = "question-5/5b.md"


def _inject(tmp_path: Path, text: str) -> tuple[int, str, int]:
    project = copy_project(tmp_path / "project")
    keep_only_page(project, PAGE)
    page = project / "docs" / PAGE
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n" + text, encoding="utf-8")
    result = build(tmp_path / "site", project)
    return result.returncode, result.stdout + result.stderr, original.count("\n") + 2


@pytest.mark.build
def test_the_reduced_copy_builds_cleanly(tmp_path):
    project = copy_project(tmp_path / "project")
    keep_only_page(project, PAGE)
    result = build(tmp_path / "site", project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


@pytest.mark.build
def test_a_block_that_raises_names_page_line_and_snippet(tmp_path):
    code, log, first_line = _inject(
        tmp_path,
        (
            '```python exec="on" session="q5b"\n'
            "from snippets.q5b_parameter_count import count\n"
            "count(None)\n"
            "```\n"
        ),
    )
    assert code != 0
    assert f"docs/{PAGE}:{first_line + 1}" in log, log  # the block's first code line
    assert f"line {first_line + 2}, in <module>" in log, log  # the failing statement's page line
    assert "snippets/q5b_parameter_count.py" in log and "in count" in log


@pytest.mark.build
def test_a_formula_katex_cannot_parse_names_page_and_formula(tmp_path):
    code, log, _ = _inject(tmp_path, "A broken formula: $\\frac{1}{$ here.\n")
    assert code != 0
    assert f"docs/{PAGE}" in log and "KaTeX cannot render formula" in log and "\\\\frac{1}{" in log


@pytest.mark.build
def test_a_failing_check_names_check_page_and_proof(tmp_path):
    project = copy_project(tmp_path / "project")
    keep_only_page(project, PAGE)
    snippet = project / "snippets" / "q5b_parameter_count.py"
    source = snippet.read_text(encoding="utf-8")
    broken = source.replace("FORMULA_BUFFERS = 2 * n_out", "FORMULA_BUFFERS = 3 * n_out")
    assert broken != source
    snippet.write_text(broken, encoding="utf-8")
    result = build(tmp_path / "site", project)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    for expected in (
        "check q5b.formula failed on page docs/question-5/5b.md",
        "statement: The general formulas match the entries a training step writes",
        "defined at: snippets/q5b_parameter_count.py:",
        "FAIL [exact",
    ):
        assert expected in log, log


@pytest.mark.build
def test_two_builds_are_byte_identical(built_site, tmp_path):
    second = tmp_path / "again"
    result = build(second)
    assert result.returncode == 0, result.stdout + result.stderr
    comparison = filecmp.dircmp(built_site, second)
    differing = []

    def walk(cmp: filecmp.dircmp, prefix: str = "") -> None:
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differing.extend(prefix + name for name in mismatch + errors + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison)
    assert not differing, f"files differ between two builds: {differing[:10]}"
