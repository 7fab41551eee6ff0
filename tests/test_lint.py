"""The project's Python passes ruff with the settings in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

from sitebuild import ROOT


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "snippets", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
