"""Question 4c: what the factor 1 − ηλ does to an eigen-coordinate, and why growth along λ < 0 is descent."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp

from snippets.plumbing.checks import above, at_every, cases, check, close, equal, holds, identity
from snippets.plumbing.values import Table, computed, value
from snippets.q4c_model import PAGE, gradient_descent, quadratic_gradient, quadratic_loss

REGIME_CASES = [
    (1, Fraction(1, 2)),
    (1, Fraction(1)),
    (1, Fraction(3, 2)),
    (1, Fraction(2)),
    (1, Fraction(5, 2)),
    (0, Fraction(1, 2)),
    (-1, Fraction(1, 2)),
]
TABLE_ITERATES = 3


def eigen_coordinate_sequence(lam, eta, steps: int, y0=Fraction(1)) -> list[Fraction]:
    """y⁽⁰⁾, …, y⁽ˢᵗᵉᵖˢ⁾ of y ← y − ηλy, in exact rational arithmetic."""
    ys = [Fraction(y0)]
    for _ in range(steps):
        ys.append(ys[-1] - eta * lam * ys[-1])
    return ys


def classify(ys: list[Fraction]) -> str:
    """Name the behaviour of a geometric sequence from its first steps (y⁽⁰⁾ ≠ 0)."""
    a, b, c = ys[0], ys[1], ys[2]
    if b == 0:
        return "reaches 0 in one step"
    sign = "oscillating" if b / a < 0 else "monotone"
    if abs(c) < abs(b) < abs(a):
        return f"converges, {sign}"
    if abs(c) == abs(b) == abs(a):
        return "stays (frozen)" if sign == "monotone" else "oscillates forever"
    return f"grows, {sign}"


def predicted_regime(lam, eta) -> str:
    """The regime the sympy-derived conditions predict for the factor 1 − ηλ."""
    u = eta * lam
    if u == 1:
        return "reaches 0 in one step"
    if 0 < u < 2:
        return "converges, " + ("oscillating" if u > 1 else "monotone")
    if u == 2:
        return "oscillates forever"
    if u == 0:
        return "stays (frozen)"
    return "grows, " + ("oscillating" if u > 2 else "monotone")


class Iterates(tuple):
    """The first iterates, shown as "0.5, 0.25, …"."""

    def __format__(self, spec: str) -> str:
        return ", ".join(f"{float(y):g}" for y in self)


@value(
    "q4c.regimes", statement="for each (λ, η): the factor, the first iterates from y⁽⁰⁾ = 1, the behaviour"
)
def regime_table() -> Table:
    rows = []
    for lam, eta in REGIME_CASES:
        ys = eigen_coordinate_sequence(lam, eta, TABLE_ITERATES)
        rows.append((lam, eta, eta * lam, 1 - eta * lam, Iterates(ys[1:]), classify(ys)))
    header = (
        "$\\lambda$",
        "$\\eta$",
        "$\\eta\\lambda$",
        "${1-\\eta\\lambda}$",  # braces: KaTeX keeps the header formula on one line
        f"${{y^{{(1)}}, \\dots, y^{{({TABLE_ITERATES})}}}}$",
        "behaviour",
    )
    number = "g"
    formats = {h: number for h in header[:4]}
    return Table(
        header,
        [tuple(float(c) if isinstance(c, Fraction) else c for c in row) for row in rows],
        formats=formats,
        align="rrrrll",
    )


@check(
    "q4c.regime-table-cells",
    page=PAGE,
    statement="Each row of the regime table: λ, η, ηλ and 1 − ηλ are the case's exact values, iterates "
    "equal (1 − ηλ)ᵏ, behaviour equals what the conditions on ηλ predict",
)
def the_regime_table_follows_the_closed_form():
    table = computed("q4c.regimes")
    cells = list(REGIME_CASES)
    closed_forms = [tuple((1 - eta * lam) ** k for k in range(1, TABLE_ITERATES + 1)) for lam, eta in cells]
    rational = [(sp.Integer(lam), sp.Rational(eta.numerator, eta.denominator)) for lam, eta in cells]
    return [
        equal(
            [(table.cell(row, "$\\lambda$"), table.cell(row, "$\\eta$")) for row in range(len(cells))],
            [(float(lam), float(eta)) for lam, eta in rational],
            what="λ and η columns vs the cases",
            over=cases("(λ, η)", cells),
        ),
        equal(
            [(table.cell(row, "$\\eta\\lambda$"), table.cell(row, "${1-\\eta\\lambda}$"))
             for row in range(len(cells))],
            [(float(eta * lam), float(1 - eta * lam)) for lam, eta in rational],
            what="ηλ and 1 − ηλ columns vs sympy's exact products",
        ),
        equal(
            [tuple(row) for row in table.column(table.columns[4])],
            closed_forms,
            what="printed iterates vs (1 − ηλ)ᵏ, exact rationals",
        ),
        equal(
            table.column("behaviour"),
            [predicted_regime(lam, eta) for lam, eta in cells],
            what="printed behaviour vs the regime the conditions on ηλ predict",
        ),
    ]


@check(
    "q4c.positive-curvature",
    page=PAGE,
    statement="For λ > 0, yᵢ converges iff 0 < ηλ < 2 and alternates in sign iff ηλ > 1; "
    "every positive direction converges iff 0 < η < 2/λ_max",
)
def positive_curvature_converges_iff_eta_below_two_over_lambda():
    u = sp.Symbol("u", real=True)  # u = ηλ
    converges = sp.solve_univariate_inequality(sp.Abs(1 - u) < 1, u, relational=False)
    alternates = sp.solve_univariate_inequality(1 - u < 0, u, relational=False)
    # All positive directions converge iff η lies in every interval (0, 2/λᵢ), i.e. in (0, 2/λ_max).
    spectra = [(1, 2, 3), (5, 1, 1), (sp.Rational(1, 3), 7, 2), (4, 4, sp.Rational(1, 10))]
    intersections = [
        sp.Intersection(*(sp.Interval.open(0, 2 / sp.S(lam)) for lam in spectrum)) for spectrum in spectra
    ]
    expected = [sp.Interval.open(0, 2 / sp.S(max(spectrum))) for spectrum in spectra]
    return [
        equal(converges, sp.Interval.open(0, 2), what="{ηλ : |1 − ηλ| < 1}"),
        equal(alternates, sp.Interval.open(1, sp.oo), what="{ηλ : 1 − ηλ < 0}"),
        equal(intersections, expected, what="∩ᵢ (0, 2/λᵢ) vs (0, 2/λ_max)", over=cases("spectrum", spectra)),
    ]


LARGE_ETA = 2.5  # above 2/λ_max = 2 for the running example


@value("q4c.large-eta", statement="a step size above 2/λ_max for (x² − y²)/2")
def large_eta() -> float:
    return LARGE_ETA


@check(
    "q4c.escape-is-descent",
    page=PAGE,
    statement="One step changes ½λᵢyᵢ² by ½ηλᵢ²(ηλᵢ − 2)yᵢ²: < 0 for every λᵢ < 0, ≤ 0 for λᵢ > 0 iff "
    "ηλᵢ ≤ 2; so the loss falls at every step iff η ≤ 2/λ_max",
)
def escape_is_descent_when_eta_is_at_most_two_over_lambda_max():
    eta, m, y = sp.symbols("eta m y", positive=True)  # λ = −m < 0
    lam = sp.Symbol("lambda", real=True)
    change = sp.Rational(1, 2) * lam * ((1 - eta * lam) * y) ** 2 - sp.Rational(1, 2) * lam * y**2
    factored = sp.Rational(1, 2) * eta * lam**2 * (eta * lam - 2) * y**2
    along_negative = sp.factor(factored.subs(lam, -m))
    u = sp.Symbol("u", real=True)  # u = ηλ for λ > 0: the change is ½(u/η)·u(u − 2)y², sign of u − 2
    rises = sp.Intersection(
        sp.solve_univariate_inequality(u * (u - 2) > 0, u, relational=False), sp.Interval.open(0, sp.oo)
    )
    start, calm_eta = (1.0, 1e-3), 0.2
    x0, y0 = start
    calm = gradient_descent(quadratic_gradient, start, calm_eta, 60)
    big = gradient_descent(quadratic_gradient, start, LARGE_ETA, 1)
    calm_loss, big_loss = quadratic_loss(calm), quadratic_loss(big)
    return [
        identity(change, factored, what="½λ((1 − ηλ)²y² − y²) = ½ηλ²(ηλ − 2)y²"),
        holds(
            along_negative.is_negative is True,
            kind="symbolic",
            what=f"with λ = −m, m > 0: change = {sp.sstr(along_negative)} < 0 (sympy, m, η, y > 0)",
        ),
        equal(rises, sp.Interval.open(2, sp.oo), what="{ηλ > 0 : the term grows}"),
        at_every(
            np.diff(calm_loss) < 0,
            f"GD on (x² − y²)/2 from {start}, η = {calm_eta:g}: the loss falls",
            unit="steps",
            count=60,
            scope="two float64 runs",
        ),
        close(
            big_loss,
            [(x0**2 - y0**2) / 2, ((1 - LARGE_ETA) ** 2 * x0**2 - (1 + LARGE_ETA) ** 2 * y0**2) / 2],
            rtol=1e-12,
            what=f"the same start with η = {LARGE_ETA:g} > 2/λ_max: loss before and after the first step "
            "vs ½((1 − η)²x₀² − (1 + η)²y₀²)",
        ),
        above(big_loss[1], big_loss[0], what="the loss after that first step, against the loss before"),
    ]
