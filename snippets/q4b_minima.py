"""Question 4b: the fraction of minima and the saddles per minimum of an isotropic Gaussian field, n = 2..10.

The numbers come from the committed Kac–Rice sums (snippets/q4b_reference.py, snippets/q4b_kac_rice.py).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np

from snippets.plumbing.checks import cases, close, equal, ratio_of_sums
from snippets.plumbing.values import scientific, value
from snippets.q4b_hessian_law import expected_determinant
from snippets.q4b_kac_rice import (
    CHUNK,
    EXTENDED_SIZES,
    SIZES,
    chunk_sums,
    fraction_of_minima,
    pooled,
    saddles_per_minimum,
)
from snippets.q4b_page import check
from snippets.q4b_pfaffian import p_all_positive

RANDOM_FIELD_FILE = Path(__file__).with_name("data") / "q4b_random_field.json"
FIT_FROM = 5  # the straight-line fit of ln(saddles per minimum) uses n = 5..10
FIT_WINDOWS = range(4, 8)  # other first n, for the fit's sensitivity
BBKS_3D = (
    29 - 6 * math.sqrt(6)
) / 116  # Bardeen, Bond, Kaiser & Szalay (1986): minima among 3-d critical points
AGREEMENT = 4  # standard errors
RERUN_SIZES = (2, 3)
EXACT_DETERMINANT_SIZES = (2, 3, 4)


@cache
def random_field_data() -> dict:
    return json.loads(RANDOM_FIELD_FILE.read_text(encoding="utf-8"))


def sums(n: int) -> dict[str, float]:
    data = random_field_data()
    chunks = data["sums"].get(str(n)) or data["extended"][str(n)]
    return pooled(chunks)


def goe_saddles_per_minimum(n: int) -> float:
    """(1 − 2P_n)/P_n: saddles per minimum if every critical point had a GOE Hessian."""
    p = float(p_all_positive(n))
    return (1 - 2 * p) / p


@cache
def rows() -> tuple[dict, ...]:
    """One row per n: fraction of minima F ± s.e., saddles per minimum ± s.e., coin and GOE counts."""
    table = []
    for n in SIZES:
        fraction, error = fraction_of_minima(sums(n))
        ratio, ratio_error = saddles_per_minimum(fraction, error)
        table.append(
            {
                "n": n,
                "samples": int(sums(n)["count"]),
                "fraction": fraction,
                "fraction_error": error,
                "ratio": ratio,
                "ratio_error": ratio_error,
                "coin": 2**n - 2,
                "goe": goe_saddles_per_minimum(n),
            }
        )
    return tuple(table)


def growth_fit(low: int = FIT_FROM) -> tuple[float, float, float]:
    """Weighted least squares ln R_n = a n + b over n ≥ low: (a, its standard error, χ² per dof)."""
    chosen = [r for r in rows() if r["n"] >= low]
    n = np.array([r["n"] for r in chosen], dtype=float)
    log_ratio = np.log([r["ratio"] for r in chosen])
    weights = np.array([(r["ratio"] / r["ratio_error"]) ** 2 for r in chosen])  # 1 / Var(ln R)
    design = np.column_stack([n, np.ones_like(n)])
    covariance = np.linalg.inv(design.T @ (design * weights[:, None]))
    coefficients = covariance @ design.T @ (weights * log_ratio)
    residual = log_ratio - design @ coefficients
    return (
        float(coefficients[0]),
        float(math.sqrt(covariance[0, 0])),
        float((weights * residual**2).sum() / (n.size - 2)),
    )


def extended_slope() -> tuple[float, float]:
    """(ln R_40 − ln R_20)/20 from the spot estimates beyond the table, with its standard error."""
    low, high = EXTENDED_SIZES
    logs, variances = [], []
    for n in (low, high):
        fraction, error = fraction_of_minima(sums(n))
        ratio, ratio_error = saddles_per_minimum(fraction, error)
        logs.append(math.log(ratio))
        variances.append((ratio_error / ratio) ** 2)
    return (logs[1] - logs[0]) / (high - low), math.sqrt(sum(variances)) / (high - low)


def row(n: int) -> dict:
    return next(r for r in rows() if r["n"] == n)


@value(
    "q4b.field-ratio-10", statement="saddles per minimum of an isotropic Gaussian field, n = 10", fmt=",.0f"
)
def field_ratio_10() -> float:
    return row(10)["ratio"]


@value("q4b.field-ratio-10-se", statement="its standard error", fmt=".0f")
def field_ratio_10_se() -> float:
    return row(10)["ratio_error"]


@value("q4b.field-fraction-10", statement="fraction of critical points that are minima, n = 10")
def field_fraction_10() -> str:
    return scientific(row(10)["fraction"], 2)


@value("q4b.field-samples", statement="sampled GOE matrices per n in the Kac–Rice table", fmt=",")
def field_samples() -> int:
    return row(2)["samples"]


@value("q4b.growth-slope", statement="slope of ln(saddles per minimum) in n, n = 5..10", fmt=".3f")
def growth_slope() -> float:
    return growth_fit()[0]


@value("q4b.growth-slope-se", statement="its statistical standard error", fmt=".3f")
def growth_slope_se() -> float:
    return growth_fit()[1]


@value("q4b.growth-slope-spread", statement="range of the slope over the fit windows starting at n = 4..7")
def growth_slope_spread() -> str:
    slopes = [growth_fit(low)[0] for low in FIT_WINDOWS]
    return f"{min(slopes):.3f}–{max(slopes):.3f}"


@value("q4b.fit-window-first", statement="smallest first n of the other fit windows")
def fit_window_first() -> int:
    return FIT_WINDOWS[0]


@value("q4b.fit-window-last", statement="largest first n of the other fit windows")
def fit_window_last() -> int:
    return FIT_WINDOWS[-1]


@value("q4b.extended-low", statement="smaller n of the spot estimates beyond the table")
def extended_low() -> int:
    return EXTENDED_SIZES[0]


@value("q4b.extended-high", statement="larger n of the spot estimates beyond the table")
def extended_high() -> int:
    return EXTENDED_SIZES[1]


@value("q4b.fit-from", statement="smallest n of the growth fit")
def fit_from() -> int:
    return FIT_FROM


@value("q4b.table-first", statement="smallest n of the Kac–Rice table")
def table_first() -> int:
    return SIZES[0]


@value("q4b.table-last", statement="largest n of the Kac–Rice table (and of the growth fit)")
def table_last() -> int:
    return SIZES[-1]


@value("q4b.coin-slope", statement="ln 2, the coin count's growth per dimension", fmt=".3f")
def coin_slope() -> float:
    return math.log(2)


@value("q4b.extended-slope", statement="(ln R_40 − ln R_20)/20", fmt=".2f")
def extended_slope_value() -> float:
    return extended_slope()[0]


@value("q4b.extended-slope-se", statement="its standard error", fmt=".2f")
def extended_slope_se() -> float:
    return extended_slope()[1]


@value(
    "q4b.ratio-goe-10", statement="saddles per minimum for n = 10 if every Hessian were GOE, (1 − 2P_10)/P_10"
)
def ratio_goe_10() -> str:
    return scientific(goe_saddles_per_minimum(10), 3)


@value("q4b.agreement", statement="standard errors allowed in the random-field checks")
def agreement() -> int:
    return AGREEMENT


@check(
    "q4b.kac-rice-exact",
    statement="The Kac–Rice estimate gives 1/4 at n = 2 (proved above) and Bardeen et al.'s (29 − 6√6)/116 "
    "at n = 3, and E[det H] = 0 (the signed count vanishes, so critical points of even index carry half "
    "the weight): exactly for n = 2..4, within the estimator's uncertainty for n = 2..10",
)
def _kac_rice_exact():
    outcomes = [
        ratio_of_sums(sums(2), "minima", "total", "cross", 0.25, k=AGREEMENT, unit="matrices",
                      what="n = 2: fraction of minima vs 1/4"),
        ratio_of_sums(sums(3), "minima", "total", "cross", BBKS_3D, k=AGREEMENT, unit="matrices",
                      what="n = 3: fraction of minima vs (29 − 6√6)/116"),
    ]
    outcomes += [
        equal(expected_determinant(n), 0, what=f"n = {n}: E[det(M + ξI)], exact (moments of normals)")
        for n in cases("n (exact)", EXACT_DETERMINANT_SIZES)
    ]
    for n in cases("n", SIZES):
        # The even-index share is (1 + E[det H]/E|det H|)/2: it is 1/2 exactly when the ratio is 0.
        outcomes.append(
            ratio_of_sums(sums(n), "signed", "total", "signed_cross", 0.0, k=AGREEMENT, scale=1.0,
                          unit="matrices", what=f"n = {n}: E[det H]/E|det H| (even-index share 1/2 iff 0)")
        )
    return outcomes


@check(
    "q4b.kac-rice-rerun",
    statement="The committed Kac–Rice sums are reproduced by rerunning their first chunk at n = 2 and 3",
)
def _kac_rice_rerun():
    data = random_field_data()
    outcomes = []
    for n in cases("n (first chunk)", RERUN_SIZES):
        fresh, committed = chunk_sums(n, 0, CHUNK), data["sums"][str(n)][0]
        outcomes.append(
            close(
                [fresh[k] for k in sorted(fresh)],
                [committed[k] for k in sorted(fresh)],
                rtol=1e-12,
                what=f"n = {n}, chunk 0 ({CHUNK:,} matrices): all eight sums",
            )
        )
    return outcomes
