"""Question 4b: what checks the exact GOE probabilities, and what each guard can and cannot see."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import sympy as sp
from scipy import integrate
from scipy.special import erfc

from snippets.plumbing.checks import cases, close, equal, identity
from snippets.plumbing.values import value
from snippets.q4b_page import check
from snippets.q4b_pfaffian import (
    DIGITS_ABOVE_N,
    debruijn_matrix,
    half_line_integrals,
    ordered_normalization,
    p_all_positive,
    p_all_positive_closed_form,
    pfaffian_by_expansion,
)

CLOSED_FORM_SIZES = range(1, 5)
NORMALIZATION_SIZES = range(1, 7)
POLAR_DEGREE = 4  # P_1..P_4 use the entries A_ij with i, j < 4


@cache
def closed_forms() -> dict[int, sp.Expr]:
    return {n: p_all_positive_closed_form(n) for n in CLOSED_FORM_SIZES}


def half_line_entry_by_polar_coordinates(i: int, j: int) -> sp.Expr:
    """A_ij = ∬_{x,y>0} sign(y − x) x^i y^j e^{−(x²+y²)/2} in polar coordinates: a radial Gamma integral
    times ∫ cos^i θ sin^j θ over (π/4, π/2) minus over (0, π/4). Shares nothing with the integration
    by parts."""
    r, t = sp.symbols("r theta", positive=True)
    radial = sp.integrate(r ** (i + j + 1) * sp.exp(-(r**2) / 2), (r, 0, sp.oo))
    angular = sp.cos(t) ** i * sp.sin(t) ** j
    return radial * (
        sp.integrate(angular, (t, sp.pi / 4, sp.pi / 2)) - sp.integrate(angular, (t, 0, sp.pi / 4))
    )


def p3_by_direct_quadrature() -> float:
    """P_3: scipy integrates the three-eigenvalue density over ordered positive spectra and over all of them.

    The innermost integral is done by hand: ∫_y^∞ (z − x)(z − y) e^{−z²/2} dz = (1 + xy) T(y) − x e^{−y²/2},
    with T(y) = ∫_y^∞ e^{−z²/2} dz (expand (z − x)(z − y) and use ∫_y^∞ z e^{−z²/2} = e^{−y²/2},
    ∫_y^∞ z² e^{−z²/2} = y e^{−y²/2} + T(y)).
    """

    def density(y, x):  # x < y, with z integrated out
        tail = math.sqrt(math.pi / 2) * erfc(y / math.sqrt(2))
        return (y - x) * ((1 + x * y) * tail - x * math.exp(-y * y / 2)) * math.exp(-(x * x + y * y) / 2)

    tight = {"epsabs": 1e-15, "epsrel": 1e-13}
    positive = integrate.dblquad(density, 0, np.inf, lambda x: x, np.inf, **tight)[0]
    whole = integrate.dblquad(density, -np.inf, np.inf, lambda x: x, np.inf, **tight)[0]
    return positive / whole


@value("q4b.digits-above-n", statement="significant digits above n in the high-precision Pfaffian")
def digits_above_n() -> int:
    return DIGITS_ABOVE_N


@value("q4b.p3", statement="P_3 = (π − 2√2)/(4π), exact", fmt=".5f")
def p3() -> float:
    return float((sp.pi - 2 * sp.sqrt(2)) / (4 * sp.pi))


@check(
    "q4b.debruijn-normalization",
    statement="Over the whole line (z = 1) the Pfaffian reproduces Mehta's normalization, n = 1..6. "
    "Blind to the A_ij with i + j even: their coefficient 1 − z² vanishes at z = 1",
)
def _normalization():
    return [
        identity(
            pfaffian_by_expansion(debruijn_matrix(n, 1)),
            ordered_normalization(n),
            what=f"n = {n}: Pfaffian over ℝ vs (2π)^(n/2) Π Γ(1+j/2)/Γ(3/2) / n!",
        )
        for n in cases("n", NORMALIZATION_SIZES)
    ]


@check(
    "q4b.closed-forms",
    statement="sympy and mpmath evaluate the same Pfaffian formula alike (n = 1..4): a check of the "
    "arithmetic and precision, blind to an error in the formula itself",
)
def _closed_forms():
    forms = {n: closed_forms()[n] for n in CLOSED_FORM_SIZES}
    return [
        equal(forms[1], sp.Rational(1, 2), what="P_1"),
        close(
            [float(forms[n]) for n in forms],
            [float(p_all_positive(n)) for n in forms],
            rtol=1e-14,
            what="sympy closed form vs mpmath Pfaffian, n = 1..4",
            over=cases("n", CLOSED_FORM_SIZES),
        ),
    ]


@check(
    "q4b.even-entries",
    statement="The entries A_ij with i + j even, which the normalization guard cannot see, recomputed in "
    "polar "
    "coordinates (no code shared with the integration by parts), i ≤ j < 4: every entry P_1..P_4 use",
)
def _even_entries():
    _, entries = half_line_integrals(POLAR_DEGREE)
    pairs = [(i, j) for i in range(POLAR_DEGREE) for j in range(i, POLAR_DEGREE) if (i + j) % 2 == 0]
    return identity(
        sp.Matrix([half_line_entry_by_polar_coordinates(i, j) for i, j in pairs]),
        sp.Matrix([entries[i][j] for i, j in pairs]),
        what=f"A_ij for the {len(pairs)} pairs i ≤ j < {POLAR_DEGREE} with i + j even: polar vs by parts",
        over=cases("(i, j)", pairs),
    )


@check(
    "q4b.p3-direct",
    statement="P_3 by direct integration of the three-eigenvalue density (no code shared with the Pfaffian) "
    "against the Pfaffian's closed form (π − 2√2)/(4π)",
)
def _p3_direct():
    p3_exact = (sp.pi - 2 * sp.sqrt(2)) / (4 * sp.pi)
    return [
        identity(closed_forms()[3], p3_exact, what="the Pfaffian's closed form P_3 vs (π − 2√2)/(4π)"),
        close(
            p3_by_direct_quadrature(),
            float(p3_exact),
            rtol=1e-11,
            what="P_3: scipy dblquad of the density over 0 < λ₁ < λ₂ < λ₃ vs over λ₁ < λ₂ < λ₃",
        ),
    ]
