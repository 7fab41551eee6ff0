"""Question 4c, harm 2: escaping a saddle from an offset ε takes ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉ steps."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp

from snippets.plumbing.checks import above, at_least, below, cases, check, equal
from snippets.plumbing.drawn import (
    count,
    draws,
    holds,
    leftmost_x,
    parameter,
    read,
    rightmost_x,
    told,
    values,
    y_at_largest_x,
    y_at_smallest_x,
)
from snippets.plumbing.figures import INK, figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, scientific, shown, value
from snippets.q4c_model import COLOURS, PAGE, TEXT, WIDTH


def escape_steps_simulated(eta, lam_minus, eps, *, strict=False, lam_plus=1, max_steps=100_000) -> int:
    """Run GD on (λ₊x² + λ₋y²)/2 from (1, ε) in exact rational arithmetic and return the escape step.

    Escape is the first k with |y⁽ᵏ⁾| ≥ 1 (or > 1 when strict=True), starting from |y⁽⁰⁾| = ε, 0 < ε < 1.
    """
    eta, lam_minus, lam_plus = Fraction(eta), Fraction(lam_minus), Fraction(lam_plus)
    x, y = Fraction(1), Fraction(eps)
    for k in range(max_steps + 1):
        if abs(y) > 1 or (not strict and abs(y) == 1):
            return k
        x, y = x - eta * lam_plus * x, y - eta * lam_minus * y
    raise RuntimeError("no escape within max_steps")


def escape_ratio_exact(eta, lam_minus, eps) -> sp.Expr:
    """t = ln(1/ε) / ln(1 + η|λ₋|) as an exact sympy number (rational ε, η, λ₋)."""
    rate = sp.Rational(1) + sp.Rational(eta) * abs(sp.Rational(lam_minus))
    return sp.log(1 / sp.Rational(eps)) / sp.log(rate)


def escape_steps_formula(eta: float, lam_minus: float, eps: float) -> int:
    """⌈ln(1/ε) / ln(1 + η|λ₋|)⌉ in floating point, as one would compute it in practice."""
    return math.ceil(math.log(1 / eps) / math.log1p(eta * abs(lam_minus)))


ESCAPE_ETAS = [Fraction(1, 20), Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(1), Fraction(3, 2)]
ESCAPE_EPSILONS = [
    Fraction(1, 2),
    Fraction(1, 10),
    Fraction(1, 1000),
    Fraction(3, 100_000),
    Fraction(1, 10**6),
    Fraction(7, 10**8),
]
BOUNDARY_POWERS = [1, 3, 10]


def ratio_is_integer(eta: Fraction, eps: Fraction) -> bool:
    """Whether ln(1/ε)/ln(1 + η) is an integer m, i.e. (1 + η)ᵐ = 1/ε exactly (rational arithmetic)."""
    m = round(math.log(1 / eps) / math.log1p(eta))
    return (1 + eta) ** m == 1 / eps


def escape_grid() -> list[tuple[Fraction, Fraction, bool]]:
    """(η, ε, ratio is an integer) with λ₋ = −1: plain ε values, plus ε = (1 + η)⁻ᵐ built to be on it."""
    pairs = [(eta, eps) for eta in ESCAPE_ETAS for eps in ESCAPE_EPSILONS]
    pairs += [(eta, 1 / (1 + eta) ** m) for eta in ESCAPE_ETAS for m in BOUNDARY_POWERS]
    unique = dict.fromkeys(pairs)  # a boundary pair may be a plain one too (η = 1, ε = 1/2): once
    return [(eta, eps, ratio_is_integer(eta, eps)) for eta, eps in unique]


@value("q4c.grid-pairs", statement="(η, ε) pairs in the exact escape-step grid")
def grid_pairs() -> int:
    return len(escape_grid())


@value("q4c.grid-boundary", statement="pairs of the grid where ln(1/ε)/ln(1 + η|λ₋|) is an integer")
def grid_boundary() -> int:
    return sum(on for _, _, on in escape_grid())


@check(
    "q4c.escape-steps-exact",
    page=PAGE,
    statement="The first k with |y⁽ᵏ⁾| ≥ 1 equals ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉ exactly, on a grid of (η, ε) "
    "that includes the integer-ratio boundary",
)
def the_escape_step_is_the_ceiling_of_the_log_ratio():
    grid = [(eta, eps) for eta, eps, _ in escape_grid()]
    simulated = [escape_steps_simulated(eta, -1, eps) for eta, eps in grid]
    ratios = [escape_ratio_exact(eta, -1, eps) for eta, eps in grid]
    return [
        equal(
            simulated,
            [int(sp.ceiling(t)) for t in ratios],
            what="exact GD from (1, ε) on (x² − y²)/2 vs sympy's exact ceiling",
            over=cases("(η, ε)", grid),
        ),
        equal(
            [bool(sp.ceiling(t) == sp.floor(t)) for t in ratios],
            [on for *_, on in escape_grid()],
            what="sympy finds an integer ratio exactly where (1 + η)ᵐ = 1/ε in rational arithmetic",
        ),
    ]


@check(
    "q4c.escape-boundary",
    page=PAGE,
    statement="The definition matters only on the boundary: with |y⁽ᵏ⁾| > 1 instead of ≥ 1 the count is "
    "⌊t⌋ + 1, one more than ⌈t⌉ exactly when t is an integer",
)
def the_strict_definition_adds_one_on_the_boundary():
    grid = [(eta, eps) for eta, eps, _ in escape_grid()]
    strict = [escape_steps_simulated(eta, -1, eps, strict=True) for eta, eps in grid]
    ratios = [escape_ratio_exact(eta, -1, eps) for eta, eps in grid]
    return [
        equal(strict, [int(sp.floor(t)) + 1 for t in ratios], what="first k with |y| > 1 vs ⌊t⌋ + 1",
              over=cases("(η, ε)", grid)),
        equal(
            [s - int(sp.ceiling(t)) for s, t in zip(strict, ratios, strict=True)],
            [int(on) for *_, on in escape_grid()],
            what="(> count) − (≥ count): 1 on the boundary, else 0",
        ),
    ]


ESCAPE_EPS = Fraction(1, 10**6)
SLOW_RATIO = 100  # |λ₋| = λ_max / SLOW_RATIO


@value("q4c.escape-eps", statement="the starting offset of the slow-escape example")
def escape_eps() -> str:
    return scientific(float(ESCAPE_EPS), 1)


@value("q4c.slow-ratio", statement="λ_max/|λ₋| in the slow-escape example")
def slow_ratio() -> int:
    return SLOW_RATIO


@value("q4c.steps-fast", statement="escape steps for |λ₋| = λ_max, η = 1/λ_max, ε = 10⁻⁶")
def steps_fast() -> int:
    return escape_steps_simulated(Fraction(1), -Fraction(1), ESCAPE_EPS)


@value("q4c.steps-slow", statement="escape steps for |λ₋| = λ_max/100, η = 1/λ_max, ε = 10⁻⁶")
def steps_slow() -> int:
    return escape_steps_simulated(Fraction(1), -Fraction(1, 100), ESCAPE_EPS)


@value(
    "q4c.steps-bound",
    statement="fewest escape steps any stable η < 2/λ_max allows, |λ₋| = λ_max/100, ε = 10⁻⁶",
)
def steps_bound() -> int:
    # η → 2/λ_max from below: the rate 1 + η|λ₋| approaches 1.02; at exactly 1.02 the count is a lower bound.
    return escape_steps_simulated(Fraction(2), -Fraction(1, SLOW_RATIO), ESCAPE_EPS)


@check(
    "q4c.slow-escape",
    page=PAGE,
    statement="With ε = 10⁻⁶, escape takes 20 steps when |λ₋| = λ_max and 1389 when |λ₋| = λ_max/100; "
    "no stable step size brings the latter below 698",
)
def weak_negative_curvature_makes_escape_slow():
    eps = sp.Rational(ESCAPE_EPS.numerator, ESCAPE_EPS.denominator)
    reference = [
        int(sp.ceiling(sp.log(1 / eps) / sp.log(rate)))
        for rate in (sp.Integer(2), 1 + sp.Rational(1, SLOW_RATIO), 1 + sp.Rational(2, SLOW_RATIO))
    ]
    smaller_etas = [Fraction(2) - Fraction(1, 10**j) for j in (1, 2)]
    counts = [escape_steps_simulated(eta, -Fraction(1, SLOW_RATIO), ESCAPE_EPS) for eta in smaller_etas]
    return [
        equal(
            [steps_fast(), steps_slow(), steps_bound()],
            reference,
            what="exact GD vs sympy ⌈ln(1/ε) / ln r⌉ for r = 2, 1.01, 1.02",
            scope="the three stated cases, exact rationals",
        ),
        at_least(counts, steps_bound(), what="escape steps for η below 2/λ_max",
                 over=cases("η", smaller_etas)),
        below(max(smaller_etas), Fraction(2),
              what="the largest of these η, against 2/λ_max (stable below it)"),
    ]


FIGURE_RATIOS = [1.0, 0.1, 0.01]
FIGURE_EPSILONS = np.logspace(-9, -0.5, 18)
DENSE_EPSILONS = np.logspace(-9, -0.5, 200)


def escape_steps_float_vectorized(rate: float, eps: np.ndarray, max_steps: int = 5000) -> np.ndarray:
    """First k with |y⁽ᵏ⁾| ≥ 1 for y ← (1 + η|λ₋|) y, for many ε at once, in floating point."""
    y, k = np.array(eps, float), np.zeros(len(eps), int)
    for _ in range(max_steps):
        running = np.abs(y) < 1
        if not running.any():
            break
        y = np.where(running, y * rate, y)
        k += running
    return k


@value("q4c.escape-curves", statement="what the escape figure draws: simulated steps and the ⌈·⌉ formula")
def escape_curves() -> FigureData:
    data = FigureData(eps=FIGURE_EPSILONS, dense=DENSE_EPSILONS)
    for q in FIGURE_RATIOS:
        data[f"simulated {q:g}"] = escape_steps_float_vectorized(1 + q, FIGURE_EPSILONS)
        data[f"formula {q:g}"] = np.ceil(np.log(1 / DENSE_EPSILONS) / np.log1p(q)).astype(int)
    return data


def ceiling_by_mpmath(eps: np.ndarray, q: float) -> tuple[list[int], float]:
    """⌈ln(1/ε)/ln(1 + q)⌉ at 40 digits, and the closest any ratio comes to an integer."""
    with mp.workdps(40):
        ratios = [mp.log(1 / mp.mpf(float(e))) / mp.log(1 + mp.mpf(q)) for e in eps]
        return [int(mp.ceil(t)) for t in ratios], float(min(abs(t - mp.nint(t)) for t in ratios))


@check(
    "q4c.escape-figure",
    page=PAGE,
    statement="The escape figure draws ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉ and simulated steps equal to it, at every "
    "plotted ε",
)
def the_escape_figure_draws_the_ceiling():
    data = computed("q4c.escape-curves")
    simulated, lines, by_mpmath, by_mpmath_dense, gaps = [], [], [], [], []
    for q in FIGURE_RATIOS:
        simulated += data[f"simulated {q:g}"].tolist()
        lines += data[f"formula {q:g}"].tolist()
        at_points, gap = ceiling_by_mpmath(data["eps"], q)
        dense, dense_gap = ceiling_by_mpmath(data["dense"], q)
        by_mpmath += at_points
        by_mpmath_dense += dense
        gaps.append(min(gap, dense_gap))
    return [
        equal(
            simulated, by_mpmath, what=f"float GD's escape step vs ⌈t⌉ at 40 digits, {len(simulated)} circles"
        ),
        equal(lines, by_mpmath_dense, what=f"drawn line vs ⌈t⌉ at 40 digits, {len(lines)} points"),
        above(gaps, 1e-9, what="closest approach of a plotted t to an integer (no ceiling can flip)",
              over=cases("|λ₋|/λ_max", FIGURE_RATIOS)),
    ]


def _on_the_staircase(circles, staircase) -> bool:
    """Each circle's count lies between the staircase's values at the drawn offsets around its own."""
    x, y = values(staircase, "x"), values(staircase, "y")
    for at, steps in zip(values(circles, "x"), values(circles, "y"), strict=True):
        around = y[(x >= at / (1 + 1e-12)).nonzero()[0].min()], y[(x <= at * (1 + 1e-12)).nonzero()[0].max()]
        if not min(around) <= steps <= max(around):
            return False
    return True


def _affine_in_log_offset(circles) -> bool:
    """The counts are an affine function of ln(1/ε) to within the ceiling's one step (a logarithmic cost)."""
    log_offset, count = np.log(1 / values(circles, "x")), values(circles, "y")
    fitted = np.polyval(np.polyfit(log_offset, count, 1), log_offset)
    return bool(np.abs(fitted - count).max() <= 1)


def _ratios_span_a_hundred(circles) -> bool:
    """The drawn curvature ratios run from 1 down to 1/100."""
    return np.isclose(max(circles), 1) and np.isclose(max(circles) / min(circles), 100)


def _weakest_over_strongest(circles) -> float:
    """Steps at the smallest drawn ε for the weakest curvature over those for the strongest: near
    ln 2 / ln 1.01 ≈ 70, not 100, because ln(1 + q) is q only for small q."""
    last = {q: values(c, "y")[np.argmin(values(c, "x"))] for q, c in circles.items()}
    return float(last[min(last)] / last[max(last)])


def escape_figure(label: str = "fig-q4c-escape-steps") -> str:
    """Figure: steps to escape against ε, one panel per curvature ratio; a log ε axis shows k ∝ ln(1/ε)."""
    data = shown("q4c.escape-curves")
    fig, panels = new_figure(WIDTH, 6.6, nrows=len(FIGURE_RATIOS), sharex=True)
    circles, staircases = {}, {}
    for panel, q, colour in zip(panels, FIGURE_RATIOS, COLOURS, strict=False):
        formula, = panel.plot(data["dense"], data[f"formula {q:g}"], linewidth=1.4, color=colour)
        draws(formula, data, x="dense", y=f"formula {q:g}")
        staircases[q] = formula
        simulated, = panel.plot(
            data["eps"],
            data[f"simulated {q:g}"],
            marker="o",
            linestyle="none",
            markersize=5,
            markerfacecolor="none",
            color=colour,
        )
        draws(simulated, data, x="eps", y=f"simulated {q:g}")
        circles[q] = simulated
        panel.set_ylim(0, 1.12 * data[f"formula {q:g}"].max())
        panel.set_title(f"|λ₋|/λ_max = {q:g}", fontsize=TEXT, loc="left")
        panel.set_ylabel("steps")
    panels[0].plot([], [], color=INK, linewidth=1.4, label="⌈ln(1/ε) / ln(1 + η|λ₋|)⌉")
    panels[0].plot(
        [],
        [],
        marker="o",
        linestyle="none",
        markerfacecolor="none",
        color=INK,
        label="gradient descent: first k with |y| ≥ 1",
    )
    panels[0].legend(fontsize=TEXT, loc="upper left")
    panels[-1].set(
        xscale="log", xlabel="starting offset ε (log scale)", xticks=[10.0**-j for j in range(1, 10, 2)]
    )
    panels[-1].invert_xaxis()
    for panel in panels:
        panel.minorticks_off()
    ratios = list(circles)
    # Left to right the axis runs from the largest ε to the smallest (inverted).
    spans = {f"{name}{i}": reader(circles[q]) for i, q in enumerate(ratios)
             for name, reader in (("first", y_at_largest_x), ("last", y_at_smallest_x))}
    return figure_html(
        fig,
        label=label,
        title="Steps to escape a saddle against the starting offset",
        description=told(
            "{panels:Word} panels, one per ratio |λ₋|/λ_max, sharing a {log} axis of the starting offset "
            "ε, {decreasing} from {left:.2g} to {right:.0e} left to right, with the number of gradient "
            "descent steps on a {linear} axis, for η = 1/λ_max: in each a straight staircase, the formula, "
            "with the simulation as circles {on_it}. The count rises "
            + "; ".join(f"for ratio {{ratio{i}:g}} from {{first{i}:g}} to {{last{i}:g}}"
                        for i in range(len(ratios)))
            + ": {weaker} {factor:.0f} times more steps at the smallest offset, while a smaller offset "
            "costs {logarithmically}.",
            panels=count(panels, "panels"),
            log=holds("logarithmic", lambda: panels[-1].get_xscale() == "log", panels[-1]),
            decreasing=holds("decreasing", lambda: panels[-1].xaxis_inverted(), panels[-1]),
            left=leftmost_x(circles[ratios[0]]),
            right=rightmost_x(circles[ratios[0]]),
            **{f"ratio{i}": parameter("curvature ratio", q) for i, q in enumerate(ratios)},
            **spans,
            linear=holds("linear", lambda: all(panel.get_yscale() == "linear" for panel in panels), *panels),
            on_it=holds("on it", lambda: all(_on_the_staircase(circles[q], staircases[q]) for q in ratios),
                        *circles.values(), *staircases.values()),
            logarithmically=holds("only logarithmically more", lambda: all(
                _affine_in_log_offset(circles[q]) for q in ratios), *circles.values()),
            weaker=holds("a hundred times weaker negative curvature costs",
                         lambda: _ratios_span_a_hundred(circles), *circles.values()),
            factor=read("the drawn count at the smallest ε, weakest over strongest curvature",
                        lambda: _weakest_over_strongest(circles), *circles.values()),
        ),
        caption=(
            "Steps to escape, the first k with |y₋⁽ᵏ⁾| ≥ 1 from |y₋⁽⁰⁾| = ε, with η = 1/λ_max. Circles: "
            "gradient descent; lines: ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉. On the logarithmic ε axis each count is a "
            "straight line, k ∝ ln(1/ε); the slopes, 1/ln(1 + η|λ₋|), grow like λ_max/|λ₋|."
        ),
    )
