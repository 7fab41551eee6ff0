"""Question 4a's proof: the Hessian at a local minimum is semidefinite, and definite if non-singular."""

from __future__ import annotations

import sympy as sp

from snippets.plumbing.checks import check, equal, holds, identity
from snippets.q4a_calculus import (
    Example,
    a,
    along,
    b,
    eigenvalues,
    gradient_at,
    hessian_at,
    quadratic_model,
    second_difference_quotient,
    symbolic_direction,
    t,
    x,
    y,
)
from snippets.q4a_examples import EXAMPLES

PAGE = "question-4/4a.md"

# A local minimum that is not strict: f = x² on the plane is 0 on the whole y-axis.
FLAT_VALLEY = Example(r"x^2", x**2, (x, y), (0, 0))


@check(
    "q4a.taylor-remainder",
    page=PAGE,
    statement="The second-order remainder is o(t²) along every direction, but it is not zero",
)
def taylor_remainder_is_small_but_not_zero():
    outcomes = []
    for key in ("bowl", "rosenbrock"):
        example = EXAMPLES[key]
        v = symbolic_direction(example)
        remainder = along(example, v) - quadratic_model(example, v)
        outcomes.append(
            equal(
                sp.limit(remainder / t**2, t, 0),
                0,
                what=f"{key}: lim (f(x_p + tv) − f(x_p) − model) / t² for v = (a, b)",
            )
        )
    bowl = EXAMPLES["bowl"]
    outcomes.append(
        identity(
            along(bowl, (a, b)) - quadratic_model(bowl, (a, b)),
            b**4 * t**4,
            what="bowl: the dropped remainder is b⁴t⁴, not 0",
        )
    )
    return outcomes


@check(
    "q4a.gradient-vanishes",
    page=PAGE,
    statement="A non-zero gradient gives a descent direction, so ∇f = 0 at an interior minimum",
)
def gradient_vanishes_at_an_interior_minimum():
    x0, y0 = sp.symbols("x_0 y_0", real=True)
    f = sp.Function("f")
    g1, g2 = sp.Derivative(f(x0, y0), x0), sp.Derivative(f(x0, y0), y0)
    descent = sp.diff(f(x0 - t * g1, y0 - t * g2), t).subs(t, 0).doit()
    return [
        identity(descent, -(g1**2 + g2**2).doit(), what="d/dt f(x_p − t∇f(x_p)) at t = 0 equals −‖∇f(x_p)‖²"),
        equal(
            [list(gradient_at(e)) for e in EXAMPLES.values()],
            [[0] * len(e.variables) for e in EXAMPLES.values()],
            what="∇f at the point of each example",
        ),
    ]


@check(
    "q4a.limit-argument",
    page=PAGE,
    statement="(f(x_p + tv) − f(x_p))/t² → ½vᵀHv; at x² + y⁴ it is > 0 for t ≠ 0 yet its limit is 0; "
    "strictness is not needed (x² on the plane)",
)
def quotient_tends_to_half_the_curvature():
    outcomes = []
    for key, example in {**EXAMPLES, "flat valley x^2": FLAT_VALLEY}.items():
        v = sp.Matrix(symbolic_direction(example))
        half_curvature = (v.T * hessian_at(example) * v)[0] / 2
        outcomes.append(
            identity(
                sp.limit(second_difference_quotient(example, tuple(v)), t, 0),
                half_curvature,
                what=f"{key}: lim_(t→0) quotient vs ½vᵀHv, v symbolic",
            )
        )
    t_nonzero = sp.Symbol("t", real=True, nonzero=True)
    quotient = second_difference_quotient(EXAMPLES["x2y4"], (0, 1))
    valley_point = sp.Symbol("c", real=True)
    outcomes += [
        identity(quotient, t**2, what="x² + y⁴ along v = e_y: quotient"),
        holds(
            bool(quotient.subs(t, t_nonzero).is_positive),
            kind="symbolic",
            what="x² + y⁴ along e_y: quotient t² > 0 for every t ≠ 0 (sympy assumptions)",
        ),
        equal(sp.limit(quotient, t, 0), 0, what="x² + y⁴ along e_y: limit of the quotient (strict > lost)"),
        equal(
            (FLAT_VALLEY.f.subs(x, 0).subs(y, valley_point), eigenvalues(hessian_at(FLAT_VALLEY))),
            (0, [0, 2]),
            what="x² on the plane: f(0, c) = 0 = f(0, 0) for every c (not strict), eigenvalues of H",
        ),
    ]
    return outcomes


def spectral_identity_difference(n: int = 3) -> sp.Expr:
    """hᵀQΛQᵀh − Σ λᵢ yᵢ² with y = Qᵀh, for a fully symbolic n×n Q, Λ = diag(λ) and h."""
    q = sp.Matrix(n, n, sp.symbols(f"q:{n}:{n}", real=True))
    lam = sp.symbols(f"lambda1:{n + 1}", real=True)
    vec = sp.Matrix(sp.symbols(f"h1:{n + 1}", real=True))
    yv = q.T * vec
    return sp.expand((vec.T * q * sp.diag(*lam) * q.T * vec)[0] - sum(lam[i] * yv[i] ** 2 for i in range(n)))


def rotation(angle) -> sp.Matrix:
    return sp.Matrix([[sp.cos(angle), -sp.sin(angle)], [sp.sin(angle), sp.cos(angle)]])


def rational_rotation() -> sp.Matrix:
    """Every rotation but the half-turn, with rational entries c = (1 − u²)/(1 + u²), s = 2u/(1 + u²)."""
    u = sp.Symbol("u", real=True)
    c, s_ = (1 - u**2) / (1 + u**2), 2 * u / (1 + u**2)
    return sp.Matrix([[c, -s_], [s_, c]])


angle = sp.Symbol("theta", real=True)
lam1, lam2 = sp.symbols("lambda1 lambda2", real=True)
h1, h2 = sp.symbols("h1 h2", real=True)


@check(
    "q4a.spectral-identity", page=PAGE, statement="hᵀQΛQᵀh = Σ λᵢ yᵢ² with y = Qᵀh, and h = Q eᵢ picks out λᵢ"
)
def quadratic_form_is_a_weighted_sum_of_squares():
    q = rotation(angle)
    hess = q * sp.diag(lam1, lam2) * q.T
    picks = [sp.trigsimp(sp.expand((q[:, i].T * hess * q[:, i])[0])) for i in range(2)]
    return [
        identity(spectral_identity_difference(3), 0, what="3×3, every entry of Q, Λ, h a symbol",
                 scope=f"symbolic in all {3 * 3 + 3 + 3} entries of a 3×3 Q, diagonal Λ and h"),
        equal((q.T * q).applyfunc(sp.trigsimp), sp.eye(2), what="QᵀQ for the rotation Q(θ)"),
        identity(picks[0], lam1, what="(Qe₁)ᵀ QΛQᵀ (Qe₁) = λ₁ for every θ"),
        identity(picks[1], lam2, what="(Qe₂)ᵀ QΛQᵀ (Qe₂) = λ₂ for every θ"),
    ]


@check(
    "q4a.converse",
    page=PAGE,
    statement="With eigenvalues 0 < λ₁ ≤ λ₂: hᵀHh ≥ λ₁‖h‖² and ‖Hh‖ ≥ λ₁‖h‖, so a non-singular minimum "
    "is strict and isolated; the bowl and Rosenbrock have no other critical point",
)
def positive_definite_hessian_gives_a_strict_isolated_minimum():
    q = rational_rotation()
    hess, vec = q * sp.diag(lam1, lam2) * q.T, sp.Matrix([h1, h2])
    y2 = (q.T * vec)[1]
    norm2 = (vec.T * vec)[0]
    only_critical_points = []
    for key in ("bowl", "rosenbrock"):
        example = EXAMPLES[key]
        gradient = sp.Matrix([example.f]).jacobian(example.variables)
        solutions = sp.solve(list(gradient), example.variables, dict=True)
        only_critical_points.append(
            [
                tuple(sol[v] for v in example.variables)
                for sol in solutions
                if all(sol[v].is_real for v in example.variables)
            ]
            == [example.point]
        )
    return [
        identity(
            sp.expand((vec.T * hess * vec)[0] - lam1 * norm2),
            sp.expand((lam2 - lam1) * y2**2),
            what="hᵀHh − λ₁‖h‖² = (λ₂ − λ₁)y₂² ≥ 0, H = Q diag(λ₁, λ₂) Qᵀ, Q a rotation, h symbolic",
        ),
        identity(
            sp.expand(((hess * vec).T * (hess * vec))[0] - lam1**2 * norm2),
            sp.expand((lam2**2 - lam1**2) * y2**2),
            what="‖Hh‖² − λ₁²‖h‖² = (λ₂² − λ₁²)y₂² ≥ 0",
        ),
        equal(
            only_critical_points,
            [True, True],
            what="the real solutions of ∇f = 0 are only x_p, for the bowl and for Rosenbrock (sympy solve)",
        ),
    ]


PYTHAGOREAN_ROTATION = sp.Matrix(
    [[sp.Rational(3, 5), sp.Rational(-4, 5), 0], [sp.Rational(4, 5), sp.Rational(3, 5), 0], [0, 0, 1]]
)


@check(
    "q4a.singular-psd",
    page=PAGE,
    statement="Semidefinite and singular is not definite: hᵀHh = 0 along the null eigenvector",
)
def singular_semidefinite_matrix_is_not_definite():
    q = PYTHAGOREAN_ROTATION  # orthogonal with rational entries, so everything below is exact
    exact = q * sp.diag(0, 1, 4) * q.T
    null, vec = q[:, 0], sp.Matrix(sp.symbols("h1:4", real=True))
    weights = zip((0, 1, 4), q.T * vec, strict=True)
    return [
        equal(
            (exact.det(), (null.T * exact * null)[0]),
            (0, 0),
            what="H = Q diag(0, 1, 4) Qᵀ: (det H, hᵀHh for h = Qe₁ ≠ 0)",
        ),
        identity(
            sp.expand((vec.T * exact * vec)[0]),
            sum(w * yi**2 for w, yi in weights),
            what="hᵀHh = 0·y₁² + 1·y₂² + 4·y₃² ≥ 0",
        ),
    ]
