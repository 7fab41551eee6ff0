"""Question 4b: each new direction must curve upward given that the others do (Schur), so P_n ≤ ½ P_(n−1)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from snippets.plumbing.checks import below, cases, holds
from snippets.plumbing.values import value
from snippets.q4b_page import check
from snippets.q4b_rate import reference_data

k = sp.Symbol("k", integer=True, positive=True)  # the size of the leading block: the proof holds for every k
A = sp.MatrixSymbol("A", k, k)
b = sp.MatrixSymbol("b", k, 1)
h = sp.MatrixSymbol("h", 1, 1)


def schur_factors() -> tuple[sp.BlockMatrix, sp.BlockMatrix]:
    """L (unit lower triangular) and D = diag(A, h − bᵀA⁻¹b) with H = L D Lᵀ."""
    lower = sp.BlockMatrix([[sp.Identity(k), sp.ZeroMatrix(k, 1)], [b.T * A.I, sp.Identity(1)]])
    middle = sp.BlockMatrix([[A, sp.ZeroMatrix(k, 1)], [sp.ZeroMatrix(1, k), h - b.T * A.I * b]])
    return lower, middle


def congruence_residual() -> list[sp.Expr]:
    """The blocks of L D Lᵀ − [[A, b], [bᵀ, h]] for a symmetric A (Aᵀ = A)."""
    lower, middle = schur_factors()
    product = sp.block_collapse(lower * middle * lower.T).blocks
    target = sp.BlockMatrix([[A, b], [b.T, h]]).blocks
    return [
        sp.simplify((product[i, j] - target[i, j]).subs(A.T, A).doit()) for i in range(2) for j in range(2)
    ]


@check(
    "q4b.schur-halving",
    statement=r"$H = L\,\mathrm{diag}(A,\ h - b^\top A^{-1} b)\,L^\top$ for every size (symbolic), hence "
    r"$H \succ 0 \iff A \succ 0$ and $h > b^\top A^{-1} b$; the exact $P_n$ then fall by more than half per "
    "dimension, n = 2..100",
)
def _schur_halving():
    data = reference_data()
    steps = np.diff(data["log_p"])  # ln(P_n / P_(n−1)), n = 2..N
    return [
        holds(
            all(r == 0 or r.is_ZeroMatrix for r in congruence_residual()),
            "L D Lᵀ − H: every block simplifies to 0, with A a k×k symbolic block (every k)",
            kind="symbolic",
            scope="every size k of the leading block (a symbolic k×k block, Aᵀ = A)",
        ),
        below(steps, -math.log(2), what=f"ln(P_n/P_(n−1)) for n = 2..{data['n'][-1]}, against −ln 2 "
              "(illustration, not the proof)", over=cases("n (illustration)", data["n"][1:])),
    ]


def step_ratio(n: int) -> float:
    """P_n / P_(n−1) from the committed exact values."""
    data = reference_data()
    return math.exp(data["log_p"][n - 1] - data["log_p"][n - 2])


@value("q4b.step-2", statement="P_2 / P_1", fmt=".3f")
def step_2() -> float:
    return step_ratio(2)


@value("q4b.step-10", statement="P_10 / P_9", fmt=".4f")
def step_10() -> float:
    return step_ratio(10)
