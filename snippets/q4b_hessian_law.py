"""Question 4b: the law of the Hessian of a stationary isotropic Gaussian field, derived from its covariance.

For f on ℝⁿ with Cov(f(x), f(y)) = φ(|x − y|²), derivatives are jointly Gaussian with
Cov(∂^α f(x), ∂^β f(x)) = (−1)^{|β|} ∂^{α+β} C(0), C(x) = φ(|x|²). A mixed partial of C at 0 depends only
on which of its indices are equal, so the five index patterns of four indices (and three of three)
settle every n.
"""

from __future__ import annotations

import itertools
from functools import cache

import sympy as sp

from snippets.plumbing.checks import cases, equal, identity
from snippets.q4b_page import check

COORDINATES = sp.symbols("x1:5", real=True)
phi = sp.Function("phi")
C = phi(sum(x**2 for x in COORDINATES))
# One representative for each pattern of equal indices (the partials commute, so order does not matter).
FOUR_INDEX_PATTERNS = [(0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 1), (0, 0, 1, 2), (0, 1, 2, 3)]
THREE_INDEX_PATTERNS = [(0, 0, 0), (0, 0, 1), (0, 1, 2)]
EVERY_PHI = "every covariance φ(|x − y|²) (φ a generic function)"


@cache
def covariance_derivative(indices: tuple[int, ...]) -> sp.Expr:
    """∂_{i1} … ∂_{ik} C at 0, for the generic isotropic covariance C(x) = φ(|x|²)."""
    expression = C
    for i in indices:
        expression = sp.diff(expression, COORDINATES[i])
    return sp.simplify(expression.subs({x: 0 for x in COORDINATES}).doit())


def delta(i: int, j: int) -> int:
    return int(i == j)


def isotropic_pattern(i: int, j: int, k: int, m: int) -> int:
    """δ_ij δ_km + δ_ik δ_jm + δ_im δ_jk."""
    return delta(i, j) * delta(k, m) + delta(i, k) * delta(j, m) + delta(i, m) * delta(j, k)


def phi_derivative(order: int) -> sp.Expr:
    """φ^(order)(0)."""
    t = sp.Symbol("t")
    return sp.Subs(sp.diff(phi(t), t, order), t, 0).doit()


def hessian_scale() -> sp.Expr:
    """c = 4 φ''(0): Cov(H_ij, H_kl) = c (δ_ij δ_kl + δ_ik δ_jl + δ_il δ_jk)."""
    return 4 * phi_derivative(2)


def goe_plus_shift_covariance(i: int, j: int, k: int, m: int) -> sp.Rational:
    """Cov of entries (i, j) and (k, l) of M + ξI, M = (A + Aᵀ)/√2, from the coefficients on A and ξ."""

    def coefficients(a: int, b: int) -> dict:
        # Entry (a, b) as a linear form in the independent N(0, 1) variables A_pq and ξ.
        form: dict = {}
        for p, q in ((a, b), (b, a)):
            form[(p, q)] = form.get((p, q), 0) + 1 / sp.sqrt(2)
        if a == b:
            form["xi"] = 1
        return form

    first, second = coefficients(i, j), coefficients(k, m)
    return sp.nsimplify(sum(v * second.get(key, 0) for key, v in first.items()))


@check(
    "q4b.hessian-law",
    statement=r"For every isotropic covariance $\varphi(|x - y|^2)$ and every $n$: "
    r"$\mathrm{Cov}(H_{ij}, H_{kl}) = 4\varphi''(0)(\delta_{ij}\delta_{kl} + \delta_{ik}\delta_{jl} "
    r"+ \delta_{il}\delta_{jk})$, the covariance of $\sqrt c\,(M + \xi I)$; $H$ is independent of $\nabla f$",
)
def _hessian_law():
    c = hessian_scale()
    return [
        *[
            identity(
                covariance_derivative(p),
                c * isotropic_pattern(*p),
                what=f"∂⁴C(0) with index pattern {p} vs 4φ''(0)·(δδ + δδ + δδ)",
                scope=EVERY_PHI,
            )
            for p in cases("index pattern (every n)", FOUR_INDEX_PATTERNS)
        ],
        *[
            identity(covariance_derivative(p), 0, what=f"Cov(H, ∇f) ∝ ∂³C(0), pattern {p}", scope=EVERY_PHI)
            for p in THREE_INDEX_PATTERNS
        ],
        identity(
            sp.Matrix([covariance_derivative((0, 0)), covariance_derivative((0, 1))]),
            sp.Matrix([2 * phi_derivative(1), 0]),
            what="Cov(H_ij, f) = 2φ'(0) δ_ij: the height enters H only along the identity",
            scope=EVERY_PHI,
        ),
        identity(
            height_correlation_squared_exponential(),
            -1,
            what="Corr(ξ, f) for φ(t) = e^(−t/2)",
            scope="φ(t) = e^(−t/2)",
        ),
        equal(
            [goe_plus_shift_covariance(*q) for q in itertools.product(range(4), repeat=4)],
            [isotropic_pattern(*q) for q in itertools.product(range(4), repeat=4)],
            what="Cov of M + ξI vs δδ + δδ + δδ, all 256 index quadruples of a 4×4 matrix",
        ),
    ]


@check(
    "q4b.two-dimensions-quarter",
    statement=r"$n = 2$: $\mathbb E \det H = \mathrm{Cov}(H_{11}, H_{22}) - \mathrm{Var}\, H_{12} = 0$ for "
    "every isotropic covariance, so saddles weigh as much as extrema and exactly 1/4 of critical points "
    "are minima",
)
def _two_dimensions():
    mean_det = covariance_derivative((0, 0, 1, 1)) - covariance_derivative((0, 1, 0, 1))
    w_min, w_max, w_saddle = sp.symbols("W_min W_max W_saddle", positive=True)
    # det H > 0 at extrema and < 0 at saddles when n = 2, so E[det H] = W_min + W_max − W_saddle;
    # H and −H have the same law, so W_max = W_min.
    solved = sp.solve([w_min + w_max - w_saddle, w_max - w_min], [w_max, w_saddle], dict=True)[0]
    fraction = (w_min / (w_min + w_max + w_saddle)).subs(solved)
    return [
        identity(mean_det, 0, what="E[H₁₁H₂₂] − E[H₁₂²] from the covariance function", scope=EVERY_PHI),
        equal(sp.simplify(fraction), sp.Rational(1, 4), what="W_min / (W_min + W_max + W_saddle)"),
    ]


def expected_determinant(n: int) -> sp.Expr:
    """E[det(M + ξI)] exactly: expand the determinant in the independent normals and take their moments."""
    normals = []
    matrix = sp.zeros(n, n)
    for i in range(n):
        for j in range(i, n):
            entry = sp.Symbol(f"m{i}{j}")
            normals.append((entry, 2 if i == j else 1))  # (variable, variance)
            matrix[i, j] = matrix[j, i] = entry
    shift = sp.Symbol("xi")
    normals.append((shift, 1))
    polynomial = sp.Poly(
        sp.expand((matrix + shift * sp.eye(n)).det(method="berkowitz")), *[v for v, _ in normals]
    )
    total = sp.Integer(0)
    for powers, coefficient in polynomial.terms():
        if all(p % 2 == 0 for p in powers):  # E[x^p] = (p − 1)!! σ^p for even p, 0 for odd p
            total += coefficient * sp.prod(
                sp.factorial2(p - 1) * sp.Integer(var) ** (p // 2)
                for p, (_, var) in zip(powers, normals, strict=True)
            )
    return total


def height_correlation_squared_exponential() -> sp.Expr:
    """Corr(ξ, f) for φ(t) = e^{−t/2}: Cov(H_ii, f) = 2φ'(0) = √c Cov(ξ, f), Var f = φ(0)."""
    t = sp.Symbol("t")
    kernel = sp.exp(-t / 2)
    d1, d2 = (sp.diff(kernel, t, k).subs(t, 0) for k in (1, 2))
    return sp.simplify(2 * d1 / sp.sqrt(4 * d2) / sp.sqrt(kernel.subs(t, 0)))
