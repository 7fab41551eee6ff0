"""Question 4b: the GOE rate, −ln P_n / n² → θ = ln 3 / 4 (Dean & Majumdar 2006), from the exact values."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import mpmath as mp
import numpy as np

from snippets.plumbing.checks import above, at_every, cases, close
from snippets.plumbing.values import value
from snippets.q4b_page import check
from snippets.q4b_pfaffian import p_all_positive

THETA = math.log(3) / 4
EXACT_FILE = Path(__file__).with_name("data") / "q4b_exact.json"
FIT_START = 20
RECHECKED_SIZES = [*range(1, 11), 30]
RATE_RTOL = 1e-5  # the fitted n² coefficient against ln 3 / 4


@cache
def reference_data() -> dict:
    """ln P_n for n = 1..100, committed by snippets/q4b_reference.py."""
    return json.loads(EXACT_FILE.read_text(encoding="utf-8"))


def rate_fit(low: int = FIT_START, high: int | None = None, n=None, log_p=None) -> np.ndarray:
    """Least squares ln P_n ≈ −a n² + b n + c ln n + d + e/n over low ≤ n ≤ high: [a, b, c, d, e]."""
    if n is None:
        n, log_p = reference_data()["n"], reference_data()["log_p"]
    n, log_p = np.asarray(n, dtype=float), np.asarray(log_p, dtype=float)
    keep = (n >= low) & (n <= (high or n.max()))
    n = n[keep]
    design = np.column_stack([-(n**2), n, np.log(n), np.ones_like(n), 1 / n])
    return np.linalg.lstsq(design, log_p[keep], rcond=None)[0]


@value("q4b.theta", statement="θ = ln 3 / 4", fmt=".8f")
def theta() -> float:
    return THETA


@value("q4b.theta-fit", statement="fitted coefficient of n² in ln P_n, n = 20..100", fmt=".8f")
def theta_fit() -> float:
    return float(rate_fit()[0])


@value("q4b.fit-b", statement="fitted coefficient b of n in ln P_n, n = 20..100", fmt=".3f")
def fit_b() -> float:
    return float(rate_fit()[1])


@value("q4b.fit-start", statement="smallest n of the rate fit")
def fit_start() -> int:
    return FIT_START


@value("q4b.rate-at-max", statement="−ln P_n / n² at the largest n of the reference data", fmt=".4f")
def rate_at_max() -> float:
    data = reference_data()
    return -data["log_p"][-1] / data["n"][-1] ** 2


@value("q4b.n-max", statement="largest n of the reference data")
def n_max() -> int:
    return int(reference_data()["n"][-1])


@check(
    "q4b.reference-data",
    statement="The committed ln P_n (n = 1..100) match a fresh Pfaffian computation at n = 1..10 and 30",
)
def _reference_data():
    data = reference_data()
    committed = [data["log_p"][data["n"].index(n)] for n in RECHECKED_SIZES]
    return close(
        committed,
        [float(mp.log(p_all_positive(n))) for n in RECHECKED_SIZES],
        rtol=1e-13,
        what="committed vs recomputed ln P_n",
        over=cases("n", RECHECKED_SIZES),
    )


@check(
    "q4b.rate-theta",
    statement=r"The exact $\ln P_n$ decay like $-\theta n^2$, $\theta = \ln 3/4$: the fitted $n^2$ "
    r"coefficient, and $-\ln P_n / n^2$ falls towards $\theta$",
)
def _rate():
    data = reference_data()
    n = np.array(data["n"], dtype=float)
    per_n2 = -np.array(data["log_p"]) / n**2
    wide, narrow = rate_fit(FIT_START), rate_fit(50)
    return [
        close(
            wide[0],
            THETA,
            rtol=RATE_RTOL,
            what=f"n² coefficient of a 5-term fit over n = {FIT_START}..100 vs ln 3/4",
        ),
        close(narrow[0], THETA, rtol=RATE_RTOL, what="same fit over n = 50..100 vs ln 3/4"),
        at_every(np.diff(per_n2) < 0, f"−ln P_n/n² decreases, n = 1..{int(n[-1])},", unit="steps"),
        above(per_n2, THETA, what="−ln P_n/n², against θ = ln 3/4", over=cases("n", data["n"])),
    ]
