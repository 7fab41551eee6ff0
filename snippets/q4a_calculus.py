"""Question 4a's calculus: a function, its gradient and Hessian at a point, and f along a line, in sympy."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

x, y, t = sp.symbols("x y t", real=True)
a, b = sp.symbols("a b", real=True)  # the components of a direction v = (a, b)
s = sp.Symbol("s", positive=True)  # the parameter of a path leaving the point


@dataclass(frozen=True)
class Example:
    """A function, the critical point we look at, and a certificate that decides what the point is.

    `squares`: f - f(x_p) = Σ wᵢ gᵢ² with weights wᵢ > 0; if the gᵢ vanish together only at x_p, the point
    is a strict minimum. `descent`: a path x_p + c(s), s > 0, tending to x_p, on which f < f(x_p).
    """

    label: str  # LaTeX
    f: sp.Expr
    variables: tuple[sp.Symbol, ...]
    point: tuple[int, ...]
    squares: tuple[tuple[sp.Expr, sp.Expr], ...] = ()  # (weight, g)
    descent: tuple[sp.Expr, ...] = ()  # the offset c(s) from x_p


def at_point(expr, example: Example):
    """expr evaluated at the example's point."""
    return expr.subs(dict(zip(example.variables, example.point, strict=True)))


def gradient_at(example: Example) -> sp.Matrix:
    """∇f at the example's point, as a column."""
    return at_point(sp.Matrix([example.f]).jacobian(example.variables).T, example)


def hessian_at(example: Example) -> sp.Matrix:
    """The Hessian matrix of f at the example's point."""
    return at_point(sp.hessian(example.f, example.variables), example)


def eigenvalues(matrix: sp.Matrix) -> list[sp.Expr]:
    """Exact eigenvalues with multiplicity, smallest first."""
    values = [sp.radsimp(lam) for lam, mult in matrix.eigenvals().items() for _ in range(mult)]
    return sorted(values, key=float)


def along(example: Example, direction) -> sp.Expr:
    """f(x_p + t v) - f(x_p) as a function of t, for a direction v."""
    shifted = {var: p + t * d for var, p, d in zip(example.variables, example.point, direction, strict=True)}
    return sp.expand(example.f.subs(shifted, simultaneous=True) - at_point(example.f, example))


def quadratic_model(example: Example, direction) -> sp.Expr:
    """The Taylor model t ∇fᵀv + ½ t² vᵀHv of f(x_p + t v) - f(x_p)."""
    v = sp.Matrix(direction)
    return sp.expand(t * (gradient_at(example).T * v)[0] + t**2 * (v.T * hessian_at(example) * v)[0] / 2)


def second_difference_quotient(example: Example, direction) -> sp.Expr:
    """(f(x_p + t v) - f(x_p)) / t², the quantity whose limit t → 0 gives ½ vᵀHv."""
    return sp.cancel(along(example, direction) / t**2)


def symbolic_direction(example: Example) -> tuple[sp.Symbol, ...]:
    """A general direction v = (a, b), cut to the example's dimension."""
    return (a, b)[: len(example.variables)]


def plain(expr) -> str:
    """An expression as one line of text: x^2 rather than x**2."""
    return sp.sstr(expr).replace("**", "^")
