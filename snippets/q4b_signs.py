"""Question 4b: the draft's count, 2ⁿ − 2 of the 2ⁿ sign patterns of n non-zero eigenvalues are saddles."""

from __future__ import annotations

import itertools

import sympy as sp

from snippets.plumbing.checks import equal, identity
from snippets.plumbing.values import value
from snippets.q4b_page import check


def sign_pattern_counts(n: int) -> dict[str, int]:
    """Count the 2ⁿ sign patterns of n non-zero eigenvalues by kind of critical point."""
    counts = {"minimum": 0, "maximum": 0, "saddle": 0}
    for signs in itertools.product((1, -1), repeat=n):
        if all(s > 0 for s in signs):
            counts["minimum"] += 1
        elif all(s < 0 for s in signs):
            counts["maximum"] += 1
        else:
            counts["saddle"] += 1
    return counts


@value("q4b.ratio-coin-10", statement="saddle patterns per minimum pattern for n = 10, 2¹⁰ − 2")
def ratio_coin_10() -> int:
    return sign_pattern_counts(10)["saddle"]


@check(
    "q4b.sign-patterns",
    statement=r"Of the $2^n$ sign patterns, $2^n - 2$ are saddles, and $2^{n-1} \le 2^n - 2 < 2^n$ for "
    r"$n \ge 2$: $\Theta(2^n)$",
)
def _sign_patterns():
    sizes = range(1, 13)
    counted = [sign_pattern_counts(n) for n in sizes]
    n = sp.symbols("n", integer=True, positive=True)
    return [
        equal(
            [c["saddle"] for c in counted],
            [2**m - 2 for m in sizes],
            what="enumerated saddle patterns vs 2ⁿ − 2, n = 1..12",
        ),
        equal(
            [(c["minimum"], c["maximum"]) for c in counted],
            [(1, 1)] * len(sizes),
            what="(minimum, maximum) patterns, n = 1..12",
        ),
        identity(
            (2**n - 2) - 2 ** (n - 1),
            2 ** (n - 1) - 2,
            what="(2ⁿ − 2) − 2ⁿ⁻¹ = 2ⁿ⁻¹ − 2, which is ≥ 0 exactly when n ≥ 2 (every n)",
        ),
    ]
