"""A test that hangs fails on its own, named, with the line it waited on, and the run goes on.

The suite's pytest configuration (pyproject.toml: pytest-timeout, method signal, under xdist) is
run on a scratch file holding a test that never returns and one that passes; only the timeout is
shortened, so that the hang ends in seconds.
"""

from __future__ import annotations

import subprocess
import sys
import time

from sitebuild import ROOT, build_env

SCRATCH = '''
import time


def test_waits_forever():
    while True:
        time.sleep(1)  # the line the traceback must show


def test_runs_after_the_hang():
    assert 1 + 1 == 2
'''


def test_a_hanging_test_fails_naming_itself_and_the_run_goes_on(tmp_path):
    (tmp_path / "test_scratch.py").write_text(SCRATCH, encoding="utf-8")
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
         "-p", "no:cacheprovider", "-n", "2", "--timeout", "3", str(tmp_path / "test_scratch.py")],
        cwd=tmp_path, env=build_env(), capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - start
    log = result.stdout + result.stderr
    assert result.returncode == 1, log
    assert "FAILED test_scratch.py::test_waits_forever - Failed: Timeout (>3.0s)" in log, log
    assert "time.sleep(1)  # the line the traceback must show" in log, log
    assert "1 failed, 1 passed" in log, log
    assert elapsed < 60, f"the hang took {elapsed:.0f} s to end"
