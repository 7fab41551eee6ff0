"""Question 4a: at a strict local minimum the Hessian is semidefinite, and definite when non-singular."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from snippets.plumbing.checks import check, close, equal, holds, identity
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import value

PAGE = "question-4/4a.md"

x, y, t = sp.symbols("x y t", real=True)
a, b = sp.symbols("a b", real=True)  # the components of a direction v = (a, b)


@dataclass(frozen=True)
class Example:
    """A function, the critical point we look at, and whether that point is a strict local minimum."""

    label: str  # LaTeX
    f: sp.Expr
    variables: tuple[sp.Symbol, ...]
    point: tuple[int, ...]
    strict_minimum: bool


EXAMPLES = {
    "bowl": Example(r"x^2 + xy + y^2 + y^4", x**2 + x * y + y**2 + y**4, (x, y), (0, 0), True),
    "rosenbrock": Example(r"100(y - x^2)^2 + (1 - x)^2", 100 * (y - x**2) ** 2 + (1 - x) ** 2,
                          (x, y), (1, 1), True),
    "x4": Example(r"x^4", x**4, (x,), (0,), True),
    "x2y4": Example(r"x^2 + y^4", x**2 + y**4, (x, y), (0, 0), True),
    "x2y3": Example(r"x^2 + y^3", x**2 + y**3, (x, y), (0, 0), False),
}


# --- Symbolic calculus -------------------------------------------------------------------------


def _at(expr, example: Example):
    return expr.subs(dict(zip(example.variables, example.point, strict=True)))


def gradient_at(example: Example) -> sp.Matrix:
    """∇f at the example's point, as a column."""
    return _at(sp.Matrix([example.f]).jacobian(example.variables).T, example)


def hessian_at(example: Example) -> sp.Matrix:
    """The Hessian matrix of f at the example's point."""
    return _at(sp.hessian(example.f, example.variables), example)


def eigenvalues(matrix: sp.Matrix) -> list[sp.Expr]:
    """Exact eigenvalues with multiplicity, smallest first."""
    values = [sp.radsimp(lam) for lam, mult in matrix.eigenvals().items() for _ in range(mult)]
    return sorted(values, key=float)


def along(example: Example, direction) -> sp.Expr:
    """f(x_p + t v) - f(x_p) as a function of t, for a direction v."""
    shifted = {s: p + t * d for s, p, d in zip(example.variables, example.point, direction, strict=True)}
    return sp.expand(example.f.subs(shifted, simultaneous=True) - _at(example.f, example))


def quadratic_model(example: Example, direction) -> sp.Expr:
    """The Taylor model t ∇fᵀv + ½ t² vᵀHv of f(x_p + t v) - f(x_p)."""
    v = sp.Matrix(direction)
    return sp.expand(t * (gradient_at(example).T * v)[0] + t**2 * (v.T * hessian_at(example) * v)[0] / 2)


def second_difference_quotient(example: Example, direction) -> sp.Expr:
    """(f(x_p + t v) - f(x_p)) / t², the quantity whose limit t → 0 gives ½ vᵀHv."""
    return sp.cancel(along(example, direction) / t**2)


def symbolic_direction(example: Example) -> tuple[sp.Symbol, ...]:
    return (a, b)[: len(example.variables)]


def _eigenvalue_latex(value: sp.Expr) -> str:
    exact = sp.latex(value, order="rev-lex")
    return exact if value.is_rational else f"{exact} \\approx {float(value):.4f}"


def hessian_table() -> str:
    """A Markdown table of the examples: Hessian, eigenvalues, and whether the point is a strict minimum."""
    # Plain-text headers: on phones they label each cell (snippets/plumbing/table_cards.py).
    lines = ["| f | point xₚ | H(xₚ) | eigenvalues | non-singular | strict local min |",
             "|---|---|---|---|---|---|"]
    for example in EXAMPLES.values():
        hessian = hessian_at(example)
        lams = "<br>".join(f"${_eigenvalue_latex(v)}$" for v in eigenvalues(hessian))
        point = sp.latex(example.point if len(example.point) > 1 else example.point[0])
        lines.append(
            f"| ${example.label}$ | ${point}$ | ${sp.latex(hessian)}$ | {lams} "
            f"| {'yes' if hessian.det() != 0 else '**no**'} "
            f"| {'yes' if example.strict_minimum else '**no**'} |"
        )
    return "\n".join(lines)


# --- The C² hypothesis: a C¹ function whose mixed partials differ at the origin -------------------

h, k = sp.symbols("h k", real=True)
# Peano's example: f = xy(x² - y²)/(x² + y²) away from the origin, f(0, 0) = 0. It is C¹ but not C².
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


@value("q4a.peano-dydx", statement="∂_y ∂_x f(0, 0) for f = xy(x² - y²)/(x² + y²)")
def peano_dydx():
    return mixed_partials_at_origin()[0]


@value("q4a.peano-dxdy", statement="∂_x ∂_y f(0, 0) for f = xy(x² - y²)/(x² + y²)")
def peano_dxdy():
    return mixed_partials_at_origin()[1]


def peano_second_partials_continuous() -> bool:
    """Whether ∂_y ∂_x f of the C¹ example has the same limit along both axes (it has not: no C²)."""
    away = sp.diff(PEANO, x, y)
    return bool(sp.limit(sp.cancel(away.subs(y, 0)), x, 0) == sp.limit(sp.cancel(away.subs(x, 0)), y, 0))


def peano_first_partials_over_radius() -> tuple[sp.Expr, sp.Expr]:
    """∂_x f and ∂_y f of Peano's example in polar coordinates, divided by r (depends on θ only)."""
    r, theta = sp.symbols("r theta", positive=True)
    polar = {x: r * sp.cos(theta), y: r * sp.sin(theta)}
    return tuple(sp.trigsimp(sp.cancel(sp.diff(PEANO, var).subs(polar) / r)) for var in (x, y))


@check("q4a.c2-needed", page=PAGE,
       statement="A C¹ function can have ∂_y∂_x f ≠ ∂_x∂_y f: without C² the Hessian need not be symmetric")
def _c2_needed():
    d_y_d_x, d_x_d_y = mixed_partials_at_origin()
    return [
        equal((d_y_d_x, d_x_d_y), (-1, 1), what="(∂_y∂_x f, ∂_x∂_y f) at (0, 0) from difference quotients"),
        holds(all(expr.free_symbols == {sp.Symbol("theta", positive=True)}
                  for expr in peano_first_partials_over_radius()), kind="symbolic",
              what="∂_x f and ∂_y f are r·(bounded function of θ), so they tend to 0 = ∂f(0, 0): f is C¹"),
        holds(not peano_second_partials_continuous(), kind="symbolic",
              what="∂_y∂_x f has different limits along the two axes, so f is not C² at (0, 0)"),
    ]


# --- Taylor's theorem and the first-order condition ----------------------------------------------


@check("q4a.taylor-remainder", page=PAGE,
       statement="The second-order remainder is o(t²) along every direction, but it is not zero")
def _taylor_remainder():
    outcomes = []
    for key in ("bowl", "rosenbrock"):
        example = EXAMPLES[key]
        v = symbolic_direction(example)
        remainder = along(example, v) - quadratic_model(example, v)
        outcomes.append(equal(sp.limit(remainder / t**2, t, 0), 0,
                              what=f"{key}: lim (f(x_p + tv) - f(x_p) - model) / t² for v = (a, b)"))
    bowl = EXAMPLES["bowl"]
    outcomes.append(identity(along(bowl, (a, b)) - quadratic_model(bowl, (a, b)), b**4 * t**4,
                             what="bowl: the dropped remainder is b⁴t⁴, not 0"))
    return outcomes


f_generic = sp.Function("f")


@check("q4a.gradient-vanishes", page=PAGE,
       statement="A non-zero gradient gives a descent direction, so ∇f = 0 at an interior minimum")
def _gradient_vanishes():
    x0, y0 = sp.symbols("x_0 y_0", real=True)
    g1, g2 = sp.Derivative(f_generic(x0, y0), x0), sp.Derivative(f_generic(x0, y0), y0)
    descent = sp.diff(f_generic(x0 - t * g1, y0 - t * g2), t).subs(t, 0).doit()
    return [
        identity(descent, -(g1**2 + g2**2).doit(),
                 what="d/dt f(x_p - t∇f(x_p)) at t = 0 equals -‖∇f(x_p)‖²"),
        equal([list(gradient_at(e)) for e in EXAMPLES.values()],
              [[0] * len(e.variables) for e in EXAMPLES.values()],
              what="∇f at the point of each of the five examples"),
    ]


# --- The limit argument ----------------------------------------------------------------------------


@check("q4a.limit-argument", page=PAGE,
       statement="(f(x_p + tv) - f(x_p))/t² → ½vᵀHv; at x² + y⁴ it is > 0 for t ≠ 0 yet its limit is 0")
def _limit_argument():
    outcomes = []
    for key, example in EXAMPLES.items():
        v = symbolic_direction(example)
        vv = sp.Matrix(v)
        half_curvature = (vv.T * hessian_at(example) * vv)[0] / 2
        outcomes.append(identity(sp.limit(second_difference_quotient(example, v), t, 0), half_curvature,
                                 what=f"{key}: lim_(t→0) quotient vs ½vᵀHv, v symbolic"))
    t_nonzero = sp.Symbol("t", real=True, nonzero=True)
    quotient = second_difference_quotient(EXAMPLES["x2y4"], (0, 1))
    outcomes += [
        identity(quotient, t**2, what="x² + y⁴ along v = e_y: quotient"),
        holds(bool(quotient.subs(t, t_nonzero).is_positive), kind="symbolic",
              what="x² + y⁴ along e_y: quotient t² > 0 for every t ≠ 0 (sympy assumptions)"),
        equal(sp.limit(quotient, t, 0), 0, what="x² + y⁴ along e_y: limit of the quotient (strict > lost)"),
    ]
    return outcomes


# --- The spectral step ----------------------------------------------------------------------------


def spectral_identity_difference(n: int = 3) -> sp.Expr:
    """hᵀQΛQᵀh - Σ λᵢ yᵢ² with y = Qᵀh, for a fully symbolic n×n Q, Λ = diag(λ) and h."""
    q = sp.Matrix(n, n, sp.symbols(f"q:{n}:{n}", real=True))
    lam = sp.symbols(f"lambda1:{n + 1}", real=True)
    vec = sp.Matrix(sp.symbols(f"h1:{n + 1}", real=True))
    yv = q.T * vec
    return sp.expand((vec.T * q * sp.diag(*lam) * q.T * vec)[0] - sum(lam[i] * yv[i] ** 2 for i in range(n)))


def rotation(theta) -> sp.Matrix:
    return sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]])


@check("q4a.spectral-identity", page=PAGE,
       statement="hᵀQΛQᵀh = Σ λᵢ yᵢ² with y = Qᵀh, and h = Q eᵢ picks out λᵢ")
def _spectral_identity():
    theta = sp.Symbol("theta", real=True)
    lam1, lam2 = sp.symbols("lambda1 lambda2", real=True)
    q = rotation(theta)
    hess = q * sp.diag(lam1, lam2) * q.T
    picks = [sp.trigsimp(sp.expand((q[:, i].T * hess * q[:, i])[0])) for i in range(2)]
    return [
        identity(spectral_identity_difference(3), 0, what="3×3, every entry of Q, Λ, h a symbol"),
        equal((q.T * q).applyfunc(sp.trigsimp), sp.eye(2), what="QᵀQ for the rotation Q(θ)"),
        identity(picks[0], lam1, what="(Qe₁)ᵀ QΛQᵀ (Qe₁) = λ₁ for every θ"),
        identity(picks[1], lam2, what="(Qe₂)ᵀ QΛQᵀ (Qe₂) = λ₂ for every θ"),
    ]


# --- Numerical confirmation on random matrices ---------------------------------------------------

N_RANDOM = 200
SIZES = (2, 3, 5, 10, 20)


def random_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign of R's diagonal fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def random_symmetric(eigenvalues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """QΛQᵀ for a random orthogonal Q: a symmetric matrix with the given spectrum."""
    q = random_orthogonal(len(eigenvalues), rng)
    matrix = (q * eigenvalues) @ q.T
    return (matrix + matrix.T) / 2


def quadratic_form_via_eigenvalues(matrix: np.ndarray, vector: np.ndarray) -> float:
    """Σ λᵢ yᵢ² with y = Qᵀh, from numpy's symmetric eigendecomposition."""
    lam, q = np.linalg.eigh(matrix)
    return float(lam @ (q.T @ vector) ** 2)


def is_positive_definite_by_cholesky(matrix: np.ndarray) -> bool:
    """An eigenvalue-free test: a symmetric matrix is positive definite iff Cholesky succeeds."""
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def random_spd_trials(count: int = N_RANDOM, seed: int = 4):
    """Random SPD matrices with known spectra: (matrix, spectrum, random h) for sizes in SIZES."""
    rng = np.random.default_rng(seed)
    trials = []
    for i in range(count):
        n = SIZES[i % len(SIZES)]
        spectrum = np.sort(rng.uniform(0.1, 10.0, n))
        trials.append((random_symmetric(spectrum, rng), spectrum, rng.standard_normal(n)))
    return trials


@value("q4a.n-random", statement="random symmetric positive definite matrices tried")
def n_random() -> int:
    return N_RANDOM


@check("q4a.random-spd", page=PAGE,
       statement="On random SPD matrices: hᵀHh = Σλᵢyᵢ², (Qeᵢ)ᵀH(Qeᵢ) = λᵢ > 0, Cholesky agrees")
def _random_spd():
    trials = random_spd_trials()
    direct = [float(v @ m @ v) for m, _, v in trials]
    via_eigs = [quadratic_form_via_eigenvalues(m, v) for m, _, v in trials]
    picked, spectra = [], []
    for m, spectrum, _ in trials:
        lam, q = np.linalg.eigh(m)
        picked.extend(np.einsum("ji,jk,ki->i", q, m, q))
        spectra.extend(spectrum)
    return [
        close(via_eigs, direct, rtol=1e-10, atol=1e-12, what=f"Σλᵢyᵢ² vs hᵀHh, {len(trials)} matrices"),
        close(picked, spectra, rtol=1e-10, what="(Qeᵢ)ᵀH(Qeᵢ) vs the spectrum each matrix was built with"),
        holds(min(picked) > 0 and all(is_positive_definite_by_cholesky(m) for m, _, _ in trials),
              what="every λᵢ > 0 and every Cholesky factorisation succeeds"),
    ]


PYTHAGOREAN_ROTATION = sp.Matrix([[sp.Rational(3, 5), sp.Rational(-4, 5), 0],
                                   [sp.Rational(4, 5), sp.Rational(3, 5), 0],
                                   [0, 0, 1]])


@check("q4a.singular-psd", page=PAGE,
       statement="Semidefinite and singular is not definite: hᵀHh = 0 along the null eigenvector")
def _singular_psd():
    q = PYTHAGOREAN_ROTATION  # orthogonal with rational entries, so everything below is exact
    exact = q * sp.diag(0, 1, 4) * q.T
    null = q[:, 0]
    rng = np.random.default_rng(7)
    matrix = random_symmetric(np.array([0.0, 1.0, 4.0]), rng)
    samples = rng.standard_normal((1000, 3))
    forms = np.einsum("ij,jk,ik->i", samples, matrix, samples)
    lam, vectors = np.linalg.eigh(matrix)
    return [
        equal((exact.det(), (null.T * exact * null)[0]), (0, 0),
              what="H = Q diag(0, 1, 4) Qᵀ (exact): (det H, hᵀHh for h = Qe₁)"),
        identity(sp.expand((sp.Matrix(sp.symbols("h1:4")).T * exact * sp.Matrix(sp.symbols("h1:4")))[0]),
                 sum(lam_i * y_i**2 for lam_i, y_i in
                     zip((0, 1, 4), q.T * sp.Matrix(sp.symbols("h1:4")), strict=True)),
                 what="hᵀHh = 0·y₁² + 1·y₂² + 4·y₃² ≥ 0 (exact)"),
        close(float(vectors[:, 0] @ matrix @ vectors[:, 0]), 0.0, atol=1e-12,
              what="float64, random Q: hᵀHh along the computed null vector"),
        holds(bool(np.all(forms >= -1e-12)), tolerance="atol 1e-12",
              what=f"float64: hᵀHh ≥ 0 for {len(samples)} random h (min {forms.min():.3g})"),
    ]


# --- The examples, one by one ---------------------------------------------------------------------


def ring_minimum(example: Example, radius: float, points: int = 720) -> float:
    """min of f(x_p + h) - f(x_p) over the circle ‖h‖ = radius (numerically, on a fine polar grid)."""
    fn = sp.lambdify(example.variables, example.f, "numpy")
    base = float(_at(example.f, example))
    if len(example.variables) == 1:
        return float(min(fn(example.point[0] + radius), fn(example.point[0] - radius)) - base)
    angle = np.linspace(0, 2 * np.pi, points, endpoint=False)
    return float(np.min(fn(example.point[0] + radius * np.cos(angle),
                           example.point[1] + radius * np.sin(angle))) - base)


RADII = (0.3, 0.1, 0.03, 0.01)


def _eigenvalue_outcome(key: str, expected) -> object:
    return equal(eigenvalues(hessian_at(EXAMPLES[key])), expected, what=f"eigenvalues of H for {key}")


@check("q4a.bowl", page=PAGE,
       statement="x² + xy + y² + y⁴ has a strict minimum at 0 with Hessian eigenvalues 1 and 3")
def _bowl():
    bowl = EXAMPLES["bowl"]
    return [
        _eigenvalue_outcome("bowl", [1, 3]),
        identity(bowl.f, (x + y / 2) ** 2 + sp.Rational(3, 4) * y**2 + y**4,
                 what="f = (x + y/2)² + ¾y² + y⁴, zero only at (0, 0)"),
        holds(bowl.strict_minimum and all(ring_minimum(bowl, r) > 0 for r in RADII),
              what=f"min of f on circles of radius {RADII} is > 0"),
    ]


@value("q4a.rosen-lmin", statement="smallest Hessian eigenvalue of Rosenbrock at (1, 1)", fmt=".4f")
def rosenbrock_lmin() -> float:
    return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[0])


@value("q4a.rosen-lmax", statement="largest Hessian eigenvalue of Rosenbrock at (1, 1)", fmt=".4f")
def rosenbrock_lmax() -> float:
    return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[-1])


@check("q4a.rosenbrock", page=PAGE,
       statement="Rosenbrock at (1, 1): H = [[802, -400], [-400, 200]], eigenvalues 501 ± √250601 > 0")
def _rosenbrock():
    hessian = hessian_at(EXAMPLES["rosenbrock"])
    numeric = np.linalg.eigvalsh(np.array(hessian, dtype=float))
    trace, det = 802 + 200, 802 * 200 - 400 * 400  # from the closed-form Hessian of N&W Exercise 2.1
    return [
        equal(hessian, sp.Matrix([[802, -400], [-400, 200]]), what="Hessian at (1, 1)"),
        *[identity(lam, (trace + sign * sp.sqrt(trace**2 - 4 * det)) / 2,
                   what=f"exact eigenvalue {i + 1} vs (trace {'-+'[i]} √(trace² - 4 det))/2")
          for i, (lam, sign) in enumerate(zip(eigenvalues(hessian), (-1, 1), strict=True))],
        close(numeric, [rosenbrock_lmin(), rosenbrock_lmax()], rtol=1e-12, what="LAPACK eigvalsh vs sympy"),
        holds(EXAMPLES["rosenbrock"].strict_minimum and all(ring_minimum(EXAMPLES["rosenbrock"], r) > 0
                                                           for r in RADII),
              what=f"min of f - f(1, 1) on circles of radius {RADII} is > 0"),
    ]


@check("q4a.x4", page=PAGE, statement="x⁴ has a strict minimum at 0, yet its Hessian is [0]")
def _x4():
    x_nonzero = sp.Symbol("x", real=True, nonzero=True)
    return [
        equal(hessian_at(EXAMPLES["x4"]), sp.Matrix([[0]]), what="Hessian of x⁴ at 0"),
        holds(EXAMPLES["x4"].strict_minimum and bool((x_nonzero**4).is_positive), kind="symbolic",
              what="x⁴ > 0 for every x ≠ 0 (sympy assumptions)"),
    ]


@check("q4a.x2-y4", page=PAGE,
       statement="x² + y⁴ has a strict minimum at 0, yet its Hessian diag(2, 0) is singular")
def _x2_y4():
    f = EXAMPLES["x2y4"].f
    x_nz, y_nz = sp.Symbol("x", real=True, nonzero=True), sp.Symbol("y", real=True, nonzero=True)
    positive_off_origin = bool(f.subs(x, x_nz).is_positive) and bool(f.subs({x: 0, y: y_nz}).is_positive)
    return [
        equal(hessian_at(EXAMPLES["x2y4"]), sp.diag(2, 0), what="Hessian of x² + y⁴ at 0"),
        _eigenvalue_outcome("x2y4", [0, 2]),
        holds(EXAMPLES["x2y4"].strict_minimum and positive_off_origin, kind="symbolic",
              what="f > 0 when x ≠ 0, and f = y⁴ > 0 when x = 0, y ≠ 0 (sympy assumptions)"),
    ]


@check("q4a.x2-y3", page=PAGE,
       statement="x² + y³ has the same Hessian diag(2, 0) as x² + y⁴ but no minimum at 0")
def _x2_y3():
    s = sp.Symbol("s", positive=True)
    example = EXAMPLES["x2y3"]
    return [
        equal(hessian_at(example), hessian_at(EXAMPLES["x2y4"]), what="Hessian of x² + y³ vs of x² + y⁴"),
        holds(not example.strict_minimum and bool(example.f.subs({x: 0, y: -s}).is_negative),
              kind="symbolic", what="f(0, -s) = -s³ < 0 for every s > 0 (sympy assumptions)"),
        holds(all(ring_minimum(example, r) < 0 for r in RADII),
              what=f"min of f on circles of radius {RADII} is < 0"),
    ]


@value("q4a.bowl-lmin", statement="smallest Hessian eigenvalue of x² + xy + y² + y⁴ at 0")
def bowl_lmin():
    return eigenvalues(hessian_at(EXAMPLES["bowl"]))[0]


@value("q4a.bowl-lmax", statement="largest Hessian eigenvalue of x² + xy + y² + y⁴ at 0")
def bowl_lmax():
    return eigenvalues(hessian_at(EXAMPLES["bowl"]))[-1]


# --- Figures --------------------------------------------------------------------------------------


# Closed forms of the curves drawn (the checks above derive the same expressions with sympy; the tests
# compare the two), written out so that a figure costs no symbolic work at build time.
ROOT_HALF = np.sqrt(0.5)
DIRECTIONS = {"v1": (ROOT_HALF, -ROOT_HALF), "v2": (ROOT_HALF, ROOT_HALF), "e_y": (0.0, 1.0)}
NUMERIC = {
    "bowl": lambda u, w: u**2 + u * w + w**2 + w**4,
    "x2y4": lambda u, w: u**2 + w**4,
    "x2y3": lambda u, w: u**2 + w**3,
}
HESSIANS = {"bowl": np.array([[2.0, 1.0], [1.0, 2.0]]), "x2y4": np.diag([2.0, 0.0]),
            "x2y3": np.diag([2.0, 0.0])}


def along_numeric(key: str, direction: str, ts: np.ndarray) -> np.ndarray:
    """f(tv) - f(0) for the examples with a critical point at the origin."""
    v = DIRECTIONS[direction]
    return NUMERIC[key](ts * v[0], ts * v[1])


def model_numeric(key: str, direction: str, ts: np.ndarray) -> np.ndarray:
    """½ t² vᵀHv (the gradient vanishes at the origin for all three)."""
    v = np.array(DIRECTIONS[direction])
    return 0.5 * ts**2 * (v @ HESSIANS[key] @ v)


def quadratic_model_figure() -> str:
    """f along a direction against its quadratic model, and the quotient whose limit is ½vᵀHv."""
    ts = np.linspace(-1, 1, 200)  # an even count: t = 0 is not sampled, so the quotient is defined
    fig, (left, middle, right) = new_figure(9.6, 3.3, ncols=3)
    for direction, name, colour in (("v1", "v₁ (λ₁ = 1)", "C0"), ("v2", "v₂ (λ₂ = 3)", "C1")):
        left.plot(ts, along_numeric("bowl", direction, ts), color=colour, label=f"f along {name}")
        left.plot(ts, model_numeric("bowl", direction, ts), color=colour, linestyle="--")
    left.plot([], [], color="C5", linestyle="--", label="quadratic models")
    left.set(title="(a) bowl x² + xy + y² + y⁴", xlabel="t", ylabel="f(xₚ + tv) − f(xₚ)", ylim=(-0.1, 2.3))
    left.legend(fontsize=8, loc="upper center")

    middle.plot(ts, along_numeric("x2y4", "e_y", ts), color="C2", label="x² + y⁴ along the y-axis")
    middle.plot(ts, along_numeric("x2y3", "e_y", ts), color="C3", label="x² + y³ along the y-axis")
    middle.plot(ts, model_numeric("x2y4", "e_y", ts), color="C5", linestyle="--",
                label="quadratic model of both")
    middle.set(title="(b) along the y-axis (λ = 0)", xlabel="t", ylim=(-1.1, 1.1))
    middle.legend(fontsize=8, loc="lower right")

    for key, direction, colour, name in (("bowl", "v1", "C0", "bowl along v₁"),
                                         ("x2y4", "e_y", "C2", "x² + y⁴ along the y-axis"),
                                         ("x2y3", "e_y", "C3", "x² + y³ along the y-axis")):
        right.plot(ts, along_numeric(key, direction, ts) / ts**2, color=colour, label=name)
        right.plot([0], [model_numeric(key, direction, np.ones(1))[0]], marker="o", color=colour,
                   markerfacecolor="none", linestyle="none")
    right.set(title="(c) (f(xₚ + tv) − f(xₚ)) / t²", xlabel="t", ylim=(-1.1, 1.75))
    right.legend(fontsize=8, loc="upper center")
    return figure_html(
        fig, figure_id="q4a-quadratic-model",
        title="Functions along a direction compared with their quadratic Taylor models",
        description=(
            "Three panels over t from -1 to 1. (a) For the bowl x^2 + xy + y^2 + y^4 along its two Hessian "
            "eigenvectors, the function (solid) and its quadratic model lambda t^2 / 2 (dashed) touch at "
            "t = 0 and separate slowly. (b) Along e_y, x^2 + y^4 equals t^4 and x^2 + y^3 equals t^3, "
            "while their common quadratic model is identically 0. (c) The quotient "
            "(f(x_p + t v) - f(x_p)) / t^2: for the bowl along v1 it tends to 1/2; for x^2 + y^4 it "
            "equals t^2, positive for every t other than 0 but with limit 0; for x^2 + y^3 it equals t "
            "and changes sign. Circles at t = 0 mark the limits."
        ),
        caption=(
            "(a) Near a non-singular minimum the quadratic model (dashed) follows f along every "
            "direction. (b) Along a zero-eigenvalue direction the model is flat and the o(t²) remainder "
            "decides: t⁴ keeps a minimum, t³ destroys it. (c) The quotient the limit argument uses; "
            "circles mark its limit ½vᵀHv at t = 0. For x² + y⁴ it is positive for every t ≠ 0, yet "
            "its limit is 0: a strict inequality survives the limit only as ≥."
        ),
    )


LEVELS = (-0.4, -0.1, -0.02, 0.0, 0.02, 0.1, 0.25, 0.5, 1.0, 1.5)


def landscape_figure(surface_grid: int = 15, contour_grid: int = 61) -> str:
    """Surfaces (top) and contours (bottom) of a non-singular minimum, x² + y⁴ and x² + y³."""
    fig, axes = new_figure(9.6, 6.0, nrows=2, ncols=3)
    titles = {"bowl": "bowl x² + xy + y² + y⁴\nH positive definite",
              "x2y4": "x² + y⁴\nH = diag(2, 0), strict minimum",
              "x2y3": "x² + y³\nH = diag(2, 0), no minimum"}
    coarse = np.meshgrid(np.linspace(-1, 1, surface_grid), np.linspace(-1, 1, surface_grid))
    fine = np.meshgrid(np.linspace(-1, 1, contour_grid), np.linspace(-1, 1, contour_grid))
    for column, key in enumerate(("bowl", "x2y4", "x2y3")):
        axes[0, column].remove()
        surface = fig.add_subplot(2, 3, column + 1, projection="3d")
        surface.plot_surface(*coarse, NUMERIC[key](*coarse), cmap="cividis", vmin=-1, vmax=2.5,
                             linewidth=0, antialiased=False)
        surface.set_title(titles[key], fontsize=9)
        surface.set(xticks=[-1, 1], yticks=[-1, 1], zticks=[0, 2, 4], zlim=(-1, 4))
        surface.set_xlabel("x", labelpad=-8)
        surface.set_ylabel("y", labelpad=-8)
        surface.tick_params(labelsize=7, pad=-2)
        surface.view_init(elev=28, azim=-60)
        for axis in (surface.xaxis, surface.yaxis, surface.zaxis):
            axis.set_pane_color((0, 0, 0, 0))
        contours = axes[1, column]
        levels = [level for level in LEVELS if key == "x2y3" or level > 0]
        # Sign by colour and dash, not by a colormap: palette colours read on light and dark pages.
        lines = contours.contour(*fine, NUMERIC[key](*fine), levels=levels, linewidths=1.1,
                                 colors=["C3" if level < 0 else "C4" if level == 0 else "C0"
                                         for level in levels],
                                 linestyles=["--" if level < 0 else "-" for level in levels])
        contours.clabel(lines, levels=[lv for lv in levels if lv in (-0.4, 0.02, 0.25)],
                        fontsize=7.5, fmt="%g")
        contours.plot([0], [0], marker="+", color="C3" if key == "x2y3" else "C0", markersize=10)
        contours.set(aspect="equal", xlabel="x", ylabel="y", xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    return figure_html(
        fig, figure_id="q4a-landscapes",
        title="Surfaces and contour lines of three functions with a critical point at the origin",
        description=(
            "Top row: surfaces over the square from -1 to 1 in x and y. Bottom row: contour lines at "
            "levels 0.02, 0.1, 0.25, 0.5, 1 and 1.5 (and, on the right, also the purple level 0 and "
            "the dashed negative levels -0.02, -0.1 and -0.4). Left, x^2 + xy + y^2 + y^4: a bowl "
            "whose small contours are tilted ellipses. Middle, x^2 + y^4: a bowl that is flat along the "
            "y axis, its small contours stretched in y but still closed around the origin. Right, "
            "x^2 + y^3: the zero level has a cusp at the origin and the function is negative below it, "
            "so the origin is not a minimum."
        ),
        caption=(
            "Left: a non-singular minimum looks like its quadratic model, a bowl with elliptical "
            "contours. Middle: x² + y⁴ is flat to second order along y (contours stretched in y), yet "
            "every contour closes around the origin: a strict minimum with a zero eigenvalue. Right: "
            "x² + y³ has the same Hessian, but it drops below 0 for y < 0 (dashed negative levels, below "
            "the cusped zero level in purple): no minimum. Some levels are labelled on the lines."
        ),
    )
