"""Question 4a: Peano's example, a C¹ function whose mixed partial derivatives differ at the origin."""

from __future__ import annotations

import sympy as sp

from snippets.plumbing.checks import check, equal, holds
from snippets.plumbing.values import value
from snippets.q4a_calculus import plain, x, y

PAGE = "question-4/4a.md"

h, k = sp.symbols("h k", real=True)
r, theta = sp.symbols("r theta", positive=True)
cos, sin = sp.symbols("c s", real=True)  # cos θ and sin θ, each of absolute value at most 1
# f = xy(x² − y²)/(x² + y²) away from the origin, f(0, 0) = 0.
PEANO = x * y * (x**2 - y**2) / (x**2 + y**2)


def mixed_partials_at_origin(f: sp.Expr = PEANO, f_origin=0) -> tuple[sp.Expr, sp.Expr]:
    """(∂_y ∂_x f, ∂_x ∂_y f) at (0, 0), each from difference quotients (f = f_origin at the origin)."""
    off = sp.Symbol("c", real=True, nonzero=True)  # a coordinate on an axis, away from the origin
    fx_on_y_axis = sp.limit((f.subs({x: h, y: off}) - f.subs({x: 0, y: off})) / h, h, 0)  # ∂_x f(0, c)
    fy_on_x_axis = sp.limit((f.subs({x: off, y: k}) - f.subs({x: off, y: 0})) / k, k, 0)  # ∂_y f(c, 0)
    fx_at_origin = sp.limit((f.subs({x: h, y: 0}) - f_origin) / h, h, 0)
    fy_at_origin = sp.limit((f.subs({x: 0, y: k}) - f_origin) / k, k, 0)
    d_y_d_x = sp.limit((fx_on_y_axis.subs(off, k) - fx_at_origin) / k, k, 0)
    d_x_d_y = sp.limit((fy_on_x_axis.subs(off, h) - fy_at_origin) / h, h, 0)
    return d_y_d_x, d_x_d_y


def gradient_at_origin(f: sp.Expr = PEANO, f_origin=0) -> tuple[sp.Expr, sp.Expr]:
    """(∂_x f, ∂_y f) at (0, 0) from difference quotients."""
    return (
        sp.limit((f.subs({x: h, y: 0}) - f_origin) / h, h, 0),
        sp.limit((f.subs({x: 0, y: k}) - f_origin) / k, k, 0),
    )


def first_partials_over_radius() -> list[sp.Expr]:
    """∂_x f / r and ∂_y f / r in polar coordinates, as polynomials in c = cos θ and s = sin θ."""
    polar = {x: r * sp.cos(theta), y: r * sp.sin(theta)}
    over_r = [sp.trigsimp(sp.cancel(sp.diff(PEANO, var).subs(polar) / r)) for var in (x, y)]
    return [sp.expand(sp.expand_trig(e)).subs({sp.cos(theta): cos, sp.sin(theta): sin}) for e in over_r]


def bound_by_triangle_inequality(polynomial: sp.Expr) -> sp.Expr:
    """Σ |coefficients|: a bound on |p(c, s)| whenever |c|, |s| ≤ 1."""
    return sum(abs(coefficient) for coefficient in sp.Poly(polynomial, cos, sin).coeffs())


@value("q4a.peano-dydx", statement="∂_y ∂_x f(0, 0) for f = xy(x² − y²)/(x² + y²)")
def peano_dydx():
    return mixed_partials_at_origin()[0]


@value("q4a.peano-dxdy", statement="∂_x ∂_y f(0, 0) for f = xy(x² − y²)/(x² + y²)")
def peano_dxdy():
    return mixed_partials_at_origin()[1]


@value("q4a.peano-bound", statement="B with |∂_x f|, |∂_y f| ≤ B r for Peano's example (triangle inequality)")
def peano_bound():
    return max(bound_by_triangle_inequality(p) for p in first_partials_over_radius())


def mixed_partial_limits_along_the_axes() -> tuple[sp.Expr, sp.Expr]:
    """Limits of ∂_y∂_x f at the origin along the x-axis and along the y-axis (away from the origin)."""
    away = sp.diff(PEANO, x, y)
    return sp.limit(sp.cancel(away.subs(y, 0)), x, 0), sp.limit(sp.cancel(away.subs(x, 0)), y, 0)


@check(
    "q4a.c1-not-enough",
    page=PAGE,
    statement="Peano's f = xy(x² − y²)/(x² + y²) is C¹, yet ∂_y∂_x f(0, 0) = −1 ≠ 1 = ∂_x∂_y f(0, 0): "
    "f is not twice differentiable at the origin",
)
def peano_function_is_c1_with_unequal_mixed_partials():
    over_r = first_partials_over_radius()
    bounds = [bound_by_triangle_inequality(p) for p in over_r]
    along_x, along_y = mixed_partial_limits_along_the_axes()
    return [
        equal(
            mixed_partials_at_origin(), (-1, 1), what="(∂_y∂_x f, ∂_x∂_y f) at (0, 0), difference quotients",
            scope="symbolic limits; every r > 0 and θ for the bound",
        ),
        equal(gradient_at_origin(), (0, 0), what="∇f(0, 0) from difference quotients"),
        holds(
            all(p.free_symbols <= {cos, sin} for p in over_r) and bounds == [peano_bound()] * 2,
            kind="symbolic",
            what=f"∂_x f = r·({plain(over_r[0])}), ∂_y f = r·({plain(over_r[1])}) with c = cos θ, s = sin θ; "
            f"by the triangle inequality each is at most {peano_bound()}·r → 0 = ∂f(0, 0): f is C¹",
        ),
        holds(
            along_x != along_y,
            kind="symbolic",
            what=f"∂_y∂_x f tends to {along_x} along the x-axis and to {along_y} along the y-axis: "
            "not continuous at the origin",
        ),
    ]
