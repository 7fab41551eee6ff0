"""What a failed build says: the block's page line and traceback, a check's report, a module that
fails half-way; and two builds of the site are byte-identical (the blocks' digests name any that is not).

The fault matrix (test_fault_matrix.py) checks that every kind of fault fails the build under
every flag with its cause first; these tests read the rest of the message, on the same probe page.
"""

from __future__ import annotations

import filecmp
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import build, build_env
from test_fault_matrix import MESSAGE, MODULE, PAGE, _append, _reduced_copy


@pytest.mark.build
def test_a_block_that_raises_names_page_line_traceback_and_snippet(fork_builder, tmp_path):
    project = _reduced_copy(tmp_path)
    first = _append(project / "docs" / PAGE, (
        '```python exec="on"\nfrom snippets.fault_probe import inverse\n\nprint(inverse(0))\n```\n'
    ))
    result = fork_builder.build(project, tmp_path / "site", "-q")
    assert result.returncode != 0
    [message] = MESSAGE.findall(result.stderr)
    lines = message.splitlines()
    assert lines[0].endswith("ZeroDivisionError: division by zero"), message
    inverse_line = (project / MODULE).read_text(encoding="utf-8").splitlines().index("    return 1 / x") + 1
    assert lines[1].strip() == f"at {MODULE}:{inverse_line}", message  # where it was raised
    assert lines[2].strip() == f"on docs/{PAGE}:{first + 3}", message  # the failing statement's line
    assert f"in the block docs/{PAGE}:{first + 1}" in message  # the block, by its first code line
    assert f'File "<code block: id docs/{PAGE}:{first + 1}>", line {first + 3}, in <module>' in message
    assert "print(inverse(0))" in message and "in inverse" in message  # the traceback shows the code
    assert "markdown_exec" not in message, "the traceback shows markdown-exec's own frames"


@pytest.mark.build
def test_a_failing_check_prints_its_statement_every_outcome_and_its_proof(fork_builder, tmp_path):
    project = _reduced_copy(tmp_path)
    (project / MODULE).write_text(
        (project / MODULE).read_text(encoding="utf-8").replace("equal(2 + 2, 4,", "equal(2 + 3, 4,"),
        encoding="utf-8",
    )
    result = fork_builder.build(project, tmp_path / "site")
    assert result.returncode != 0
    [message] = MESSAGE.findall(result.stderr)
    for expected in (
        "check probe.sum failed: 2 + 2: computed 5, expected 4",
        f"check probe.sum failed on page docs/{PAGE}",
        "statement: Two and two make four",
        f"defined at: {MODULE}:",
        "FAIL [exact",
    ):
        assert expected in message, message
    assert "probe.mean" not in message, "a check that held is reported with the one that failed"


HALF_WAY = """
import sys
from snippets.plumbing import checks, failures, snippet_imports, values
try:
    import snippets.fault_probe
except RuntimeError as error:
    print("raised:", error)
print("registered:", sorted(k for k in checks.REGISTRY if k.startswith("probe.")),
      sorted(k for k in values.VALUES if k.startswith("probe.")))
try:
    import snippets.fault_probe
except ImportError as error:
    print("again:", type(error).__name__, error)
checks.load_all()
print("others:", len(checks.REGISTRY) > 0, "failures:", len(failures.FAILURES))
"""


def test_a_module_that_fails_half_way_registers_nothing_and_is_reported_once(tmp_path):
    project = _reduced_copy(tmp_path)
    line = _append(project / MODULE, 'raise RuntimeError("half way")\n')
    env = build_env() | {"PYTHONPATH": str(project)}
    result = subprocess.run([sys.executable, "-c", HALF_WAY], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "raised: half way"
    assert out[1] == "registered: [] []", "a failed import left its checks or values registered"
    assert out[2].startswith("again: ModuleFailedEarlier snippets.fault_probe failed to import earlier: "
                             f"RuntimeError: half way ({MODULE}:{line}"), out[2]
    assert out[3] == "others: True failures: 1", out[3]
    [message] = MESSAGE.findall(result.stderr)  # printed once, though imported three times
    assert message.splitlines()[0].endswith("RuntimeError: half way") and f"at {MODULE}:{line}" in message


def _digests(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(row)
        found.setdefault(record["block"], []).append(record["sha256"])
    return found


@pytest.mark.build
def test_two_builds_are_byte_identical(built_site, tmp_path):
    second = tmp_path / "again"
    digests = tmp_path / "digests.jsonl"
    result = build(second, env={"EXEC_DIGESTS": str(digests)})
    assert result.returncode == 0, result.stdout + result.stderr
    comparison = filecmp.dircmp(built_site, second)
    differing = []

    def walk(cmp: filecmp.dircmp, prefix: str = "") -> None:
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differing.extend(prefix + name for name in mismatch + errors + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison)
    first = _digests(built_site.parent / f"{built_site.name}.digests.jsonl")
    blocks = [block for block, sha in _digests(digests).items() if first.get(block) != sha]
    assert not differing, f"files differ between two builds: {differing[:10]}; blocks: {blocks[:10]}"
    assert not blocks, f"blocks whose output differs between two builds: {blocks[:10]}"
    assert re.fullmatch(r"docs/.+\.md:\d+", next(iter(first))), "digests do not name blocks"
