"""Question 4b: the whole law of the index (number of negative eigenvalues) of a 10×10 GOE matrix."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from snippets.plumbing.checks import above, below, cases, close, frequency, holds
from snippets.plumbing.values import value
from snippets.q4b_goe import sample_goe
from snippets.q4b_page import check
from snippets.q4b_pfaffian import index_distribution, p_all_positive
from snippets.q4b_rate import reference_data

INDEX_SIZE = 10
SAMPLES = 100_000
SEED = 10
BATCHES = 4  # sampled in batches to bound memory
AGREEMENT = 4  # standard errors
POOL_BELOW = 20  # bins expecting fewer samples are not compared


def binomial_pmf(n: int) -> np.ndarray:
    """The coin-flip model of the index: P(k of n fair coins come up negative), k = 0..n."""
    return np.array([math.comb(n, k) for k in range(n + 1)]) / 2**n


@cache
def index_counts() -> np.ndarray:
    """How many of SAMPLES GOE matrices have k negative eigenvalues, k = 0..INDEX_SIZE."""
    rng = np.random.default_rng(SEED)
    counts = np.zeros(INDEX_SIZE + 1, dtype=int)
    for _ in range(BATCHES):
        eigenvalues = np.linalg.eigvalsh(sample_goe(INDEX_SIZE, SAMPLES // BATCHES, rng))
        counts += np.bincount((eigenvalues < 0).sum(axis=1), minlength=INDEX_SIZE + 1)
    return counts


def variance(p: np.ndarray) -> float:
    k = np.arange(p.size)
    return float((p * k**2).sum() - (p * k).sum() ** 2)


@value("q4b.index-samples", statement="sampled 10×10 GOE matrices in the index check", fmt=",")
def index_samples() -> int:
    return SAMPLES


@value("q4b.index-var", statement="variance of the index of a 10×10 GOE matrix, exact", fmt=".3f")
def index_variance() -> float:
    return variance(np.array(index_distribution(INDEX_SIZE)))


@value("q4b.index-var-coin", statement="variance of Binomial(10, ½)", fmt=".1f")
def index_variance_coin() -> float:
    return variance(binomial_pmf(INDEX_SIZE))


@value("q4b.index-peak", statement="P(index = 5) for a 10×10 GOE matrix, exact", fmt=".3f")
def index_peak() -> float:
    return index_distribution(INDEX_SIZE)[INDEX_SIZE // 2]


@value("q4b.index-peak-coin", statement="P(Binomial(10, ½) = 5)", fmt=".3f")
def index_peak_coin() -> float:
    return float(binomial_pmf(INDEX_SIZE)[INDEX_SIZE // 2])


@check(
    "q4b.index-distribution",
    statement="The exact index law (n = 10) sums to 1, is symmetric, starts at P_10, and matches the sampled "
    f"frequency of every index expected at least {POOL_BELOW} times in {SAMPLES:,} matrices",
)
def _index_distribution():
    exact = np.array(index_distribution(INDEX_SIZE))
    outcomes = [
        close(exact.sum(), 1.0, atol=1e-13, what="Σ_k P(index = k)"),
        close(exact, exact[::-1], atol=1e-15, what="P(index = k) vs P(index = 10 − k)"),
        close(exact[0], float(p_all_positive(INDEX_SIZE)), rtol=1e-12, what="P(index = 0) vs P_10"),
        holds(bool(np.all(exact > -1e-15)), "all probabilities ≥ 0 (to 1e-15)", tolerance="1e-15"),
    ]
    # Binomial standard error under the exact value. Bins expecting fewer than POOL_BELOW samples are
    # left out: a ±4 s.e. band around them cannot tell their probability from 0.
    counts = index_counts()
    common = [int(k) for k in np.flatnonzero(exact * SAMPLES >= POOL_BELOW)]
    for k in cases("k", common):
        outcomes.append(
            frequency(
                int(counts[k]),
                SAMPLES,
                float(exact[k]),
                k=AGREEMENT,
                what=f"k = {k}: frequency vs exact",
                unit="matrices",
            )
        )
    return outcomes


def committed_variance(n: int) -> float:
    """The exact index variance committed by snippets/q4b_reference.py (n = 10, 20, 40)."""
    return reference_data()["index_variance"][str(n)]


def doubling_steps() -> list[float]:
    """Growth of the exact index variance from n = 10 to 20 and from 20 to 40."""
    return [committed_variance(20) - committed_variance(10), committed_variance(40) - committed_variance(20)]


@value("q4b.index-var-20", statement="variance of the GOE index, n = 20, exact", fmt=".3f")
def index_variance_20() -> float:
    return committed_variance(20)


@value("q4b.index-var-40", statement="variance of the GOE index, n = 40, exact", fmt=".3f")
def index_variance_40() -> float:
    return committed_variance(40)


@value("q4b.index-step-10-20", statement="index variance at n = 20 minus at n = 10", fmt=".4f")
def index_step_10_20() -> float:
    return doubling_steps()[0]


@value("q4b.index-step-20-40", statement="index variance at n = 40 minus at n = 20", fmt=".4f")
def index_step_20_40() -> float:
    return doubling_steps()[1]


@value("q4b.index-step-limit", statement="ln 2 / π², the growth per doubling of (ln n)/π²", fmt=".4f")
def index_step_limit() -> float:
    return math.log(2) / math.pi**2


@check(
    "q4b.index-variance",
    statement="The exact index variance grows per doubling of n by amounts that fall towards ln 2/π² "
    "(Majumdar et al.'s (ln n)/π²), n = 10, 20, 40; the committed n = 10 value matches the page's law",
)
def _index_variance():
    steps, limit = doubling_steps(), math.log(2) / math.pi**2
    return [
        close(
            committed_variance(INDEX_SIZE),
            variance(np.array(index_distribution(INDEX_SIZE))),
            rtol=1e-12,
            what="committed variance at n = 10 vs the index law computed on the page",
        ),
        above(steps[0], steps[1], what="first increment (n = 10 → 20), against the second (20 → 40)"),
        above(steps, limit, what="each increment, against ln 2/π²",
              over=cases("n → 2n", [(10, 20), (20, 40)])),
        below(steps[1] - limit, 0.05 * limit,
              what="its excess over ln 2/π², against 5% of it (an asymptotic law at finite n)"),
    ]
