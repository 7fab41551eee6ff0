"""A small question module for the fault matrix: one prose value, two checks, one data file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from snippets.plumbing.checks import check, close, equal
from snippets.plumbing.values import value

PAGE = "fault-probe.md"
DATA_FILE = Path(__file__).with_name("data") / "fault_probe.json"


def measured() -> float:
    """The value stored in the probe's data file."""
    return float(json.loads(DATA_FILE.read_text(encoding="utf-8"))["measured"])


@value("probe.sides", statement="sides of a square")
def sides() -> int:
    return 4


@check("probe.sum", page=PAGE, statement="Two and two make four")
def _two_and_two():
    return equal(2 + 2, 4, what="2 + 2")


@check("probe.mean", page=PAGE, statement="The mean of 1, 2 and 3 is 2")
def _mean():
    return close(float(np.mean([1.0, 2.0, 3.0])), 2.0, atol=1e-12, what="mean of 1, 2, 3")


def inverse(x: float) -> float:
    """1/x (the tests call it with 0, to raise inside a snippet)."""
    return 1 / x
