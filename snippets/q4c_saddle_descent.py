"""Question 4c: gradient descent near a saddle point, solved in the Hessian's eigenbasis and simulated."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import pairwise

import numpy as np
import sympy as sp

from snippets.plumbing.checks import check, close, equal, holds, identity
from snippets.plumbing.figures import INK, PALETTE, figure_html, new_figure
from snippets.plumbing.values import scientific, value

PAGE = "question-4/4c.md"

# Line colours with contrast ≥ 3 on the light and on the dark page (the palette's amber has 2.2 on white).
COLOURS = [PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[4]]

# The running example: f(x, y) = (x² − y²)/2 has a saddle at p = 0 with H(p) = diag(1, −1).
LAMBDA_PLUS, LAMBDA_MINUS = 1.0, -1.0


# ---------------------------------------------------------------------------------------------
# 1. The derivation, symbolically
# ---------------------------------------------------------------------------------------------


def generic_symbols(n: int = 3):
    """x, p in Rⁿ, a symmetric n×n Hessian H with n(n+1)/2 free entries, and a step size η > 0."""
    x = sp.Matrix(sp.symbols(f"x1:{n + 1}", real=True))
    p = sp.Matrix(sp.symbols(f"p1:{n + 1}", real=True))
    H = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"h{min(i, j) + 1}{max(i, j) + 1}", real=True))
    eta = sp.Symbol("eta", positive=True)
    return x, p, H, eta


def recursion_lines(n: int = 3) -> list[sp.Matrix]:
    """The four lines of equation (1): δ⁽ᵏ⁺¹⁾ written four ways, with the gradient H(x − p)."""
    x, p, H, eta = generic_symbols(n)
    delta = x - p
    x_next = x - eta * H * (x - p)
    return [x_next - p, x - eta * H * (x - p) - p, delta - eta * H * delta, (sp.eye(n) - eta * H) * delta]


def gradient_residuals(n: int = 3) -> tuple[sp.Matrix, sp.Matrix]:
    """∇f(x) − H(p)(x − p) for a quadratic with saddle p (exactly zero) and for a quartic (not zero)."""
    x, p, H, _ = generic_symbols(n)
    quadratic = sp.Rational(1, 2) * ((x - p).T * H * (x - p))[0, 0]
    quadratic_residual = sp.Matrix([quadratic.diff(xi) for xi in x]) - H * (x - p)
    u, v = sp.symbols("x y", real=True)
    quartic = saddle_with_minima_sym(u, v)
    hessian_at_saddle = sp.hessian(quartic, (u, v)).subs({u: 0, v: 0})
    quartic_residual = sp.Matrix([quartic.diff(u), quartic.diff(v)]) - hessian_at_saddle * sp.Matrix([u, v])
    return quadratic_residual, quartic_residual


def saddle_with_minima_sym(x, y):
    """The saddle of (x² − y²)/2 with y⁴/4 added, so the loss has minima at (0, ±1) to escape to."""
    return (x**2 - y**2) / 2 + y**4 / 4


def orthogonal_2x2() -> list[sp.Matrix]:
    """2×2 orthogonal matrices with rational entries in a parameter t: a rotation and a reflection.

    With c = (1 − t²)/(1 + t²) and s = 2t/(1 + t²), (c, s) runs over the whole unit circle except (−1, 0),
    so these cover every rotation but the half-turn −I (for which the identities are immediate) and every
    reflection but one; sympy then proves identities in them as rational-function identities, fast.
    """
    t = sp.Symbol("t", real=True)
    c, s = (1 - t**2) / (1 + t**2), 2 * t / (1 + t**2)
    return [sp.Matrix([[c, -s], [s, c]]), sp.Matrix([[c, s], [s, -c]])]


def eigenbasis_lines(Q: sp.Matrix):
    """Lines of equation (3) for H = QΛQᵀ, and the maps I − ηH and Q(I − ηΛ)Qᵀ to compare."""
    lam1, lam2 = sp.symbols("lambda1 lambda2", real=True)
    eta = sp.Symbol("eta", positive=True)
    y = sp.Matrix(sp.symbols("y1 y2", real=True))
    Lam, I = sp.diag(lam1, lam2), sp.eye(2)  # noqa: E741 (I is the identity, as on the page)
    H = Q * Lam * Q.T
    lines = [
        (I - eta * H) * (Q * y),
        (I * Q - eta * Q * Lam * Q.T * Q) * y,
        (I * Q - eta * Q * Lam * I) * y,
        Q * (I - eta * Lam) * y,
    ]
    return lines, (I - eta * H, Q * (I - eta * Lam) * Q.T), (Q.T * lines[-1], (I - eta * Lam) * y)


def as_row(*matrices: sp.Matrix) -> sp.Matrix:
    """Matrices flattened side by side into one row, so that a report of zeros fits on one line."""
    return sp.Matrix.hstack(*(m.reshape(1, m.rows * m.cols) for m in matrices))


def rational_identity(lhs: list[sp.Matrix], rhs: list[sp.Matrix], what: str):
    """identity() for matrices of rational functions, reported on one row.

    lhs − rhs is cancelled entrywise first: cancel() is a canonical form for rational functions (zero exactly
    when the entry is identically zero) and much faster than simplify() on the raw entries.
    """
    difference = as_row(*((a - b).applyfunc(sp.cancel) for a, b in zip(lhs, rhs, strict=True)))
    return identity(difference, sp.zeros(*difference.shape), what=what)


@check("q4c.recursion-steps", page=PAGE,
       statement="Each line of equation (1) equals the next, for a symbolic 3×3 symmetric Hessian")
def _recursion_steps():
    lines = recursion_lines(3)
    return [identity(as_row(a), as_row(b), what=f"line {i} − line {i + 1}")
            for i, (a, b) in enumerate(pairwise(lines), 1)]


@check("q4c.linear-gradient", page=PAGE,
       statement="∇f(x) = H(p)(x − p) holds exactly for a quadratic and only approximately otherwise")
def _linear_gradient():
    quadratic_residual, quartic_residual = gradient_residuals(3)
    y = sp.Symbol("y", real=True)
    return [
        identity(as_row(quadratic_residual), sp.zeros(1, 3),
                 what="quadratic with saddle p (3-D, symbolic H)"),
        identity(as_row(quartic_residual), sp.Matrix([[0, y**3]]),
                 what="(x² − y²)/2 + y⁴/4: residual is (0, y³), cubic in the distance to p"),
    ]


@check("q4c.eigenbasis-steps", page=PAGE,
       statement="Q(I − ηΛ)Qᵀ = I − ηH, each line of equation (3), and y⁽ᵏ⁺¹⁾ = (I − ηΛ)y⁽ᵏ⁾, "
                 "for 2×2 rotations and reflections with c = (1 − t²)/(1 + t²), s = 2t/(1 + t²)")
def _eigenbasis_steps():
    cases = [(Q, *eigenbasis_lines(Q)) for Q in orthogonal_2x2()]
    both = "(rotation and reflection, side by side)"
    outcomes = [
        rational_identity([Q.T * Q for Q, *_ in cases], [sp.eye(2)] * 2, what=f"QᵀQ = I {both}"),
        rational_identity([m[0] for _, _, m, _ in cases], [m[1] for _, _, m, _ in cases],
                          what=f"I − ηH = Q(I − ηΛ)Qᵀ {both}"),
    ]
    for i in range(3):
        outcomes.append(rational_identity([lines[i] for _, lines, _, _ in cases],
                                          [lines[i + 1] for _, lines, _, _ in cases],
                                          what=f"equation (3), line {i + 1} − line {i + 2} {both}"))
    outcomes.append(rational_identity([y[0] for *_, y in cases], [y[1] for *_, y in cases],
                                      what=f"Qᵀδ⁽ᵏ⁺¹⁾ = (I − ηΛ)y⁽ᵏ⁾ {both}"))
    k = sp.Symbol("k", integer=True, nonnegative=True)
    factor, y0 = sp.symbols("a y0", real=True)  # a = 1 − ηλᵢ
    closed = factor**k * y0
    outcomes.append(identity(closed.subs(k, k + 1), factor * closed,
                             what="yᵢ⁽ᵏ⁾ = (1 − ηλᵢ)ᵏ yᵢ⁽⁰⁾ satisfies the recursion (induction step)"))
    return outcomes


MIXED_ENTRIES = ((2, -1), (-1, 2))
POSITIVE_ENTRIES = ((1, 2), (2, 1))


def eigenvalues_in_words(entries) -> str:
    """The eigenvalues of a small integer matrix, largest first, as "3 and −1"."""
    eigenvalues = sorted(sp.Matrix(entries).eigenvals(), reverse=True)
    return " and ".join(str(v).replace("-", "−") for v in eigenvalues)


@value("q4c.mixed-entries-eigenvalues", statement="eigenvalues of [[2, −1], [−1, 2]]")
def mixed_entries_eigenvalues() -> str:
    return eigenvalues_in_words(MIXED_ENTRIES)


@value("q4c.positive-entries-eigenvalues", statement="eigenvalues of [[1, 2], [2, 1]]")
def positive_entries_eigenvalues() -> str:
    return eigenvalues_in_words(POSITIVE_ENTRIES)


@check("q4c.eigenvalues-not-entries", page=PAGE,
       statement="The sign pattern of a Hessian's entries says nothing about its eigenvalues")
def _eigenvalues_not_entries():
    mixed_entries, positive_entries = sp.Matrix(MIXED_ENTRIES), sp.Matrix(POSITIVE_ENTRIES)
    return [
        equal(sorted(mixed_entries.eigenvals()), [1, 3],
              what="[[2, −1], [−1, 2]] has entries of both signs, eigenvalues (a minimum)"),
        equal(sorted(positive_entries.eigenvals()), [-1, 3],
              what="[[1, 2], [2, 1]] has only positive entries, eigenvalues (a saddle)"),
    ]


# ---------------------------------------------------------------------------------------------
# 2. The recursion, numerically, on a random quadratic
# ---------------------------------------------------------------------------------------------

RANDOM_EIGENVALUES = np.array([2.0, 1.0, 0.5, 0.0, -0.3, -1.0])
RANDOM_ETA, RANDOM_STEPS = 0.6, 25


def random_hessian(eigenvalues: np.ndarray = RANDOM_EIGENVALUES, seed: int = 4):
    """A symmetric Hessian H = QΛQᵀ with the given eigenvalues and a random orthogonal Q."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T, Q


def gradient_descent(gradient, x0: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """Iterates x⁽⁰⁾, …, x⁽ˢᵗᵉᵖˢ⁾ of x ← x − η∇f(x), one row each."""
    xs = [np.asarray(x0, float)]
    for _ in range(steps):
        xs.append(xs[-1] - eta * gradient(xs[-1]))
    return np.array(xs)


def random_quadratic_runs(seed: int = 4):
    """GD on f(x) = ½(x − p)ᵀH(x − p), next to the two closed forms it should equal."""
    H, _ = random_hessian(seed=seed)
    rng = np.random.default_rng(seed + 1)
    p, x0 = rng.normal(size=len(H)), rng.normal(size=len(H))
    xs = gradient_descent(lambda x: H @ (x - p), x0, RANDOM_ETA, RANDOM_STEPS)
    delta0 = x0 - p
    step_matrix = np.eye(len(H)) - RANDOM_ETA * H
    by_matrix_power = np.array([np.linalg.matrix_power(step_matrix, k) @ delta0 for k in range(len(xs))])
    lam, Q = np.linalg.eigh(H)
    y0 = Q.T @ delta0
    by_eigen_factor = np.array([(1 - RANDOM_ETA * lam) ** k * y0 for k in range(len(xs))])
    return {"H": H, "deltas": xs - p, "by_matrix_power": by_matrix_power, "lam": lam, "Q": Q,
            "ys": (xs - p) @ Q, "by_eigen_factor": by_eigen_factor, "step_matrix": step_matrix}


def random_quadratic_table(k: int = 10) -> str:
    """A Markdown table: each eigen-coordinate's growth over k GD steps, measured and predicted."""
    run = random_quadratic_runs()
    lines = [f"| $\\lambda_i$ | $1-\\eta\\lambda_i$ | $y_i^{{({k})}}/y_i^{{(0)}}$ from gradient descent "
             f"| $(1-\\eta\\lambda_i)^{{{k}}}$ |", "|---:|---:|---:|---:|"]
    for i in np.argsort(run["lam"])[::-1]:
        lam = round(float(run["lam"][i]), 12) + 0.0  # the zero eigenvalue comes out as ±1e-17; show 0.00
        measured = run["ys"][k, i] / run["ys"][0, i]
        factor = 1 - RANDOM_ETA * lam
        cells = [f"{lam:.2f}", f"{factor:.2f}", f"{measured:.4g}", f"{factor**k:.4g}"]
        lines.append("| " + " | ".join(c.replace("-", "−") for c in cells) + " |")
    return "\n".join(lines)


@check("q4c.random-quadratic", page=PAGE,
       statement="On a random 6-D quadratic, gradient descent equals (I − ηH)ᵏδ⁽⁰⁾ and (1 − ηλᵢ)ᵏyᵢ⁽⁰⁾; "
                 "the parameters are coupled, the eigen-coordinates are not")
def _random_quadratic():
    run = random_quadratic_runs()
    offdiag = run["step_matrix"] - np.diag(np.diag(run["step_matrix"]))
    in_eigenbasis = run["Q"].T @ run["step_matrix"] @ run["Q"]
    frozen = int(np.argmin(np.abs(run["lam"])))
    return [
        close(run["deltas"], run["by_matrix_power"], atol=1e-9,
              what=f"δ⁽ᵏ⁾ from GD vs (I − ηH)ᵏδ⁽⁰⁾, k = 0…{RANDOM_STEPS}, η = {RANDOM_ETA} "
                   "(|δ| reaches ~10⁵)"),
        close(run["ys"], run["by_eigen_factor"], atol=1e-9,
              what="yᵢ⁽ᵏ⁾ = Qᵀδ⁽ᵏ⁾ vs (1 − ηλᵢ)ᵏyᵢ⁽⁰⁾ for all six eigen-coordinates"),
        close(run["ys"][:, frozen], np.full(RANDOM_STEPS + 1, run["ys"][0, frozen]), atol=1e-9,
              what="the λ = 0 coordinate stays at its start"),
        holds(np.abs(offdiag).max() > 0.1,
              f"I − ηH has off-diagonal entries up to {np.abs(offdiag).max():.2f}: each parameter's step "
              "depends on the others", kind="numeric", tolerance="> 0.1"),
        close(in_eigenbasis, np.diag(1 - RANDOM_ETA * run["lam"]), atol=1e-12,
              what="Qᵀ(I − ηH)Q = diag(1 − ηλᵢ): in the eigenbasis the map is diagonal"),
    ]


# ---------------------------------------------------------------------------------------------
# 3. The factor 1 − ηλ: the regimes
# ---------------------------------------------------------------------------------------------

REGIME_CASES = [(1, Fraction(1, 2)), (1, Fraction(1)), (1, Fraction(3, 2)), (1, Fraction(2)),
                (1, Fraction(5, 2)), (0, Fraction(1, 2)), (-1, Fraction(1, 2))]


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


def regime_table() -> str:
    """A Markdown table: for each (λ, η) the factor, the first iterates from y⁽⁰⁾ = 1, and the behaviour."""
    lines = ["| $\\lambda$ | $\\eta$ | $\\eta\\lambda$ | factor $1-\\eta\\lambda$ | "
             "$y^{(1)}, \\dots, y^{(4)}$ | behaviour |", "|---:|---:|---:|---:|---|---|"]
    for lam, eta in REGIME_CASES:
        ys = eigen_coordinate_sequence(lam, eta, 4)
        shown = ", ".join(f"{float(y):g}" for y in ys[1:])
        lines.append(f"| {lam} | {float(eta):g} | {float(eta * lam):g} | {float(1 - eta * lam):g} | "
                     f"{shown} | {classify(ys)} |")
    return "\n".join(lines)


@check("q4c.positive-curvature", page=PAGE,
       statement="For λ > 0, yᵢ converges iff 0 < ηλ < 2 and alternates in sign iff ηλ > 1; "
                 "every positive direction converges iff 0 < η < 2/λ_max")
def _positive_curvature():
    u = sp.Symbol("u", real=True)  # u = ηλ
    converges = sp.solve_univariate_inequality(sp.Abs(1 - u) < 1, u, relational=False)
    alternates = sp.solve_univariate_inequality(1 - u < 0, u, relational=False)
    # All positive directions converge iff η lies in every interval (0, 2/λᵢ), i.e. in (0, 2/λ_max).
    spectra = [(1, 2, 3), (5, 1, 1), (sp.Rational(1, 3), 7, 2), (4, 4, sp.Rational(1, 10))]
    intersections = [sp.Intersection(*(sp.Interval.open(0, 2 / sp.S(lam)) for lam in spectrum))
                     for spectrum in spectra]
    expected = [sp.Interval.open(0, 2 / sp.S(max(spectrum))) for spectrum in spectra]
    classified = [classify(eigen_coordinate_sequence(lam, eta_, 2)) for lam, eta_ in REGIME_CASES]
    predicted = [predicted_regime(lam, eta_) for lam, eta_ in REGIME_CASES]
    return [
        equal(converges, sp.Interval.open(0, 2), what="{ηλ : |1 − ηλ| < 1}"),
        equal(alternates, sp.Interval.open(1, sp.oo), what="{ηλ : 1 − ηλ < 0}"),
        equal(intersections, expected, what="∩ᵢ (0, 2/λᵢ) vs (0, 2/λ_max), four spectra"),
        equal(classified, predicted, what="behaviour of exact iterates vs the conditions, 7 (λ, η) cases"),
    ]


@check("q4c.escape-is-descent", page=PAGE,
       statement="Along negative curvature every gradient step lowers the loss: growth of yᵢ is escape")
def _escape_is_descent():
    eta, m, y = sp.symbols("eta m y", positive=True)  # λ = −m < 0
    lam = sp.Symbol("lambda", real=True)
    change = sp.Rational(1, 2) * lam * ((1 - eta * lam) * y) ** 2 - sp.Rational(1, 2) * lam * y**2
    factored = sp.Rational(1, 2) * eta * lam**2 * (eta * lam - 2) * y**2
    along_negative = sp.factor(factored.subs(lam, -m))
    xs = gradient_descent(lambda z: np.array([LAMBDA_PLUS, LAMBDA_MINUS]) * z, [1.0, 1e-3], 0.2, 60)
    loss = 0.5 * (LAMBDA_PLUS * xs[:, 0] ** 2 + LAMBDA_MINUS * xs[:, 1] ** 2)
    return [
        identity(change, factored, what="½λ((1 − ηλ)²y² − y²) = ½ηλ²(ηλ − 2)y²"),
        holds(along_negative.is_negative is True,
              f"with λ = −m, m > 0: change = {sp.sstr(along_negative)} < 0 (sympy, m, η, y > 0)",
              kind="symbolic"),
        holds(bool(np.all(np.diff(loss) < 0)),
              f"GD on (x² − y²)/2 from (1, 10⁻³), η = 0.2: the loss falls at each of 60 steps "
              f"(from {loss[0]:.3f} to {loss[-1]:.3g}) while |y| grows {abs(xs[-1, 1] / xs[0, 1]):.3g}-fold"),
    ]


# ---------------------------------------------------------------------------------------------
# 4. Harm 1: the stable manifold
# ---------------------------------------------------------------------------------------------

TRAJECTORY_ETA = 0.2
TRAJECTORY_STARTS = [(-1.4, 0.0), (1.4, 1e-3), (1.4, -0.05), (-1.4, 0.3)]


def quadratic_gradient(z: np.ndarray) -> np.ndarray:
    """∇ of (x² − y²)/2."""
    return np.array([LAMBDA_PLUS, LAMBDA_MINUS]) * z


def trajectory(start, eta: float = TRAJECTORY_ETA, box: float = 1.5, max_steps: int = 200) -> np.ndarray:
    """GD iterates on (x² − y²)/2 from `start`, until they leave the box |y| ≤ box (or max_steps)."""
    xs = [np.asarray(start, float)]
    while len(xs) <= max_steps and abs(xs[-1][1]) <= box:
        xs.append(xs[-1] - eta * quadratic_gradient(xs[-1]))
    return np.array(xs)


@check("q4c.stable-manifold", page=PAGE,
       statement="A start on the stable manifold (y = 0) converges to the saddle, on the quadratic and "
                 "on the quartic with minima")
def _stable_manifold():
    steps = 300
    on_quadratic = gradient_descent(quadratic_gradient, [-1.4, 0.0], TRAJECTORY_ETA, steps)
    on_quartic = gradient_descent(quartic_gradient, [1.0, 0.0], PLATEAU_ETA, steps)
    return [
        equal(int(np.count_nonzero(on_quadratic[:, 1])), 0, what="nonzero y-iterates on the quadratic"),
        close(on_quadratic[-1, 0], -1.4 * (1 - TRAJECTORY_ETA) ** steps, rtol=1e-12,
              what=f"x-coordinate after {steps} steps vs the closed form −1.4(1 − η)ᵏ, η = {TRAJECTORY_ETA}"),
        close(np.linalg.norm(on_quadratic[-1]), 0.0, atol=1e-12, what="distance to the saddle p = 0"),
        close(on_quartic[-1], [0.0, 0.0], atol=1e-12,
              what=f"quartic, from (1, 0), η = {PLATEAU_ETA}: x⁽{steps}⁾ vs the saddle (0, 0)"),
    ]


def signed(number: float) -> str:
    """A number as the page writes it: a true minus sign, no trailing zeros."""
    return f"{number:g}".replace("-", "−")


def trajectories_figure() -> str:
    """Figure: contours of (x² − y²)/2 and gradient-descent paths from four starts."""
    fig, ax = new_figure(6.4, 3.9)
    grid = np.linspace(-1.5, 1.5, 61)
    X, Y = np.meshgrid(grid, grid)
    levels = [-1.0, -0.6, -0.3, -0.1, 0.1, 0.3, 0.6, 1.0]
    contours = ax.contour(X, Y, (X**2 - Y**2) / 2, levels=levels, colors=INK, linewidths=0.8, alpha=0.4)
    ax.clabel(contours, levels=[-0.6, -0.1, 0.1, 0.6], fontsize=7, fmt=lambda v: signed(v))
    notes = ["on the stable manifold,\nconverges to p", "lingers near p,\nthen escapes",
             "escapes sooner", "barely slows down"]
    for start, note, colour in zip(TRAJECTORY_STARTS, notes, COLOURS, strict=True):
        path = trajectory(start)
        ax.plot(path[:, 0], path[:, 1], marker="o", markersize=2.5, linewidth=1.2, color=colour,
                label=f"from ({signed(start[0])}, {signed(start[1])}):\n{note}")
    ax.plot([0], [0], marker="X", markersize=9, color=INK, linestyle="none", label="saddle p = (0, 0)")
    ax.set(xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), xlabel="x  (curvature +1)", ylabel="y  (curvature −1)",
           aspect="equal")
    ax.grid(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), fontsize=8, handlelength=1.5, labelspacing=0.9)
    return figure_html(
        fig, figure_id="q4c-trajectories",
        title="Gradient descent paths near the saddle of (x² − y²)/2",
        description=("Contour lines of f(x, y) = (x² − y²)/2 on the square from −1.5 to 1.5, solid where f "
                     "is positive and dashed where it is negative, with gradient descent paths (step "
                     f"size {TRAJECTORY_ETA:g}) from four starts at x = ±1.4. The path that starts at y = 0 "
                     "runs along the x-axis straight into the saddle at the origin and stays there. The "
                     "paths that start slightly above or below the axis first approach the saddle, then "
                     "turn and leave along the y-axis; the smaller the offset, the closer they get to the "
                     "saddle and the longer they stay near it."),
        caption=(f"Gradient descent on f = (x² − y²)/2 with η = {TRAJECTORY_ETA:g}, one dot per step. "
                 "Solid contours: f > 0; dashed: f < 0. The x-axis is the saddle's stable manifold: a "
                 "start on it converges to p. Starts just off it approach p along x, then leave along y, "
                 "where the loss keeps falling; the smaller the offset, the longer they stay near p."),
    )


# ---------------------------------------------------------------------------------------------
# 5. Harm 2: escape takes ⌈ln(1/ε) / ln(1 + η|λ₋|)⌉ steps
# ---------------------------------------------------------------------------------------------


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
ESCAPE_EPSILONS = [Fraction(1, 2), Fraction(1, 10), Fraction(1, 1000), Fraction(3, 100_000),
                   Fraction(1, 10**6), Fraction(7, 10**8)]
BOUNDARY_POWERS = [1, 3, 10]


def ratio_is_integer(eta: Fraction, eps: Fraction) -> bool:
    """Whether ln(1/ε)/ln(1 + η) is an integer m, i.e. (1 + η)ᵐ = 1/ε exactly (rational arithmetic)."""
    m = round(math.log(1 / eps) / math.log1p(eta))
    return (1 + eta) ** m == 1 / eps


def escape_grid() -> list[tuple[Fraction, Fraction, bool]]:
    """(η, ε, ratio is an integer) with λ₋ = −1: plain ε values, plus ε = (1 + η)⁻ᵐ built to be on it."""
    pairs = [(eta, eps) for eta in ESCAPE_ETAS for eps in ESCAPE_EPSILONS]
    pairs += [(eta, 1 / (1 + eta) ** m) for eta in ESCAPE_ETAS for m in BOUNDARY_POWERS]
    return [(eta, eps, ratio_is_integer(eta, eps)) for eta, eps in pairs]


@check("q4c.escape-steps-exact", page=PAGE,
       statement="The first k with |y⁽ᵏ⁾| ≥ 1 equals ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉ exactly, on a grid of (η, ε) "
                 "that includes the integer-ratio boundary")
def _escape_steps_exact():
    grid = escape_grid()
    simulated = [escape_steps_simulated(eta, -1, eps) for eta, eps, _ in grid]
    ratios = [escape_ratio_exact(eta, -1, eps) for eta, eps, _ in grid]
    ceilings = [int(sp.ceiling(t)) for t in ratios]
    integer_ratio = [bool(sp.ceiling(t) == sp.floor(t)) for t in ratios]
    return [
        equal(simulated, ceilings,
              what=f"exact GD from (1, ε) on (x² − y²)/2 vs sympy's exact ceiling, {len(grid)} (η, ε) pairs"),
        equal(integer_ratio, [on for _, _, on in grid],
              what="sympy finds an integer ratio exactly where (1 + η)ᵐ = 1/ε in rational arithmetic"),
    ]


@check("q4c.escape-boundary", page=PAGE,
       statement="The definition matters only on the boundary: with |y⁽ᵏ⁾| > 1 instead of ≥ 1 the count is "
                 "⌊t⌋ + 1, one more than ⌈t⌉ exactly when t is an integer")
def _escape_boundary():
    grid = escape_grid()
    strict = [escape_steps_simulated(eta, -1, eps, strict=True) for eta, eps, _ in grid]
    ratios = [escape_ratio_exact(eta, -1, eps) for eta, eps, _ in grid]
    floor_plus_one = [int(sp.floor(t)) + 1 for t in ratios]
    extra = [s - int(sp.ceiling(t)) for s, t in zip(strict, ratios, strict=True)]
    return [
        equal(strict, floor_plus_one, what=f"first k with |y| > 1 vs ⌊t⌋ + 1, {len(grid)} pairs"),
        equal(extra, [int(on) for _, _, on in grid], what="(> count) − (≥ count): 1 on the boundary, else 0"),
        holds(set(boundary_float_errors()) <= {0, 1},
              f"on the boundary, float ⌈·⌉ − exact count ∈ {sorted(set(boundary_float_errors()))}: float "
              "rounding can only push the count one too high there", kind="exact"),
    ]


def boundary_float_errors() -> list[int]:
    """Float ⌈ln(1/ε)/ln(1 + η)⌉ minus the exact count, at each grid pair whose exact ratio is an integer."""
    return [escape_steps_formula(float(eta), -1.0, float(eps)) - escape_steps_simulated(eta, -1, eps)
            for eta, eps, on in escape_grid() if on]


@value("q4c.grid-pairs", statement="(η, ε) pairs in the exact escape-step grid")
def grid_pairs() -> int:
    return len(escape_grid())


@value("q4c.grid-boundary", statement="pairs of the grid where ln(1/ε)/ln(1 + η|λ₋|) is an integer")
def grid_boundary() -> int:
    return sum(on for _, _, on in escape_grid())


@value("q4c.float-boundary-wrong", statement="boundary pairs where the floating-point ⌈·⌉ is off by one")
def float_boundary_wrong() -> int:
    return sum(error != 0 for error in boundary_float_errors())


# λ_max = 1, η = 1/λ_max, and three curvature ratios |λ₋|/λ_max.
ESCAPE_EPS = 1e-6
RATIO_FAST, RATIO_SLOW = 1.0, 0.01


@value("q4c.steps-fast", statement="escape steps for |λ₋| = λ_max, η = 1/λ_max, ε = 10⁻⁶")
def steps_fast() -> int:
    return escape_steps_simulated(Fraction(1), -Fraction(RATIO_FAST), Fraction(1, 10**6))


@value("q4c.steps-slow", statement="escape steps for |λ₋| = λ_max/100, η = 1/λ_max, ε = 10⁻⁶")
def steps_slow() -> int:
    return escape_steps_simulated(Fraction(1), -Fraction(1, 100), Fraction(1, 10**6))


@value("q4c.steps-bound",
       statement="fewest escape steps any stable η < 2/λ_max allows, |λ₋| = λ_max/100, ε = 10⁻⁶")
def steps_bound() -> int:
    # η → 2/λ_max from below: the rate 1 + η|λ₋| approaches 1.02; at exactly 1.02 the count is a lower bound.
    return escape_steps_simulated(Fraction(2), -Fraction(1, 100), Fraction(1, 10**6))


@check("q4c.slow-escape", page=PAGE,
       statement="With ε = 10⁻⁶, escape takes 20 steps when |λ₋| = λ_max and 1389 when |λ₋| = λ_max/100; "
                 "no stable step size brings the latter below 698")
def _slow_escape():
    eps = sp.Rational(1, 10**6)
    reference = [int(sp.ceiling(sp.log(1 / eps) / sp.log(rate)))
                 for rate in (sp.Integer(2), sp.Rational(101, 100), sp.Rational(102, 100))]
    smaller_etas = [Fraction(2) - Fraction(1, 10**j) for j in (1, 2)]
    counts = [escape_steps_simulated(eta, -Fraction(1, 100), eps) for eta in smaller_etas]
    return [
        equal([steps_fast(), steps_slow(), steps_bound()], reference,
              what="exact GD vs sympy ⌈ln 10⁶ / ln r⌉ for r = 2, 1.01, 1.02"),
        equal([c >= steps_bound() for c in counts], [True] * len(counts),
              what=f"η = 2 − 10⁻ʲ (j = 1, 2) need {counts} ≥ {steps_bound()} steps"),
    ]


FIGURE_RATIOS = [1.0, 0.1, 0.01]
FIGURE_EPSILONS = np.logspace(-9, -0.5, 18)


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


@check("q4c.escape-figure", page=PAGE,
       statement="The simulated escape steps in the figure equal the formula at every plotted ε")
def _escape_figure():
    simulated, formula, gaps, drifts = [], [], [], []
    unit = 2.0**-53  # unit roundoff of float64
    for q in FIGURE_RATIOS:
        steps = escape_steps_float_vectorized(1 + q, FIGURE_EPSILONS)
        simulated += steps.tolist()
        ratio = np.log(1 / FIGURE_EPSILONS) / np.log1p(q)
        formula += np.ceil(ratio).astype(int).tolist()
        gaps.append(np.abs(ratio - np.round(ratio)).min())
        # k roundings of y ← r·y perturb ln y by ≤ k·u, i.e. t by k·u/ln r; the quotient adds a few ulps of t.
        drifts.append((steps.max() * unit / np.log1p(q) + 8 * unit * ratio.max()).item())
    return [
        equal(simulated, formula, what=f"float GD vs float ⌈t⌉ at {len(simulated)} plotted points"),
        holds(min(gaps) > 1000 * max(drifts),
              f"every plotted t is at least {min(gaps):.2g} from an integer, while float rounding moves t by "
              f"at most {max(drifts):.1g}: no ceiling can flip", tolerance="gap > 1000 × rounding bound"),
    ]


def escape_figure() -> str:
    """Figure: steps to escape against ε for three curvature ratios, simulation against formula."""
    fig, ax = new_figure(6.4, 3.8)
    dense = np.logspace(-9, -0.5, 400)
    ranges = []
    for q, colour in zip(FIGURE_RATIOS, COLOURS, strict=False):
        simulated = escape_steps_float_vectorized(1 + q, FIGURE_EPSILONS)
        ranges.append((q, int(simulated[0]), int(simulated[-1])))
        line, = ax.plot(dense, np.ceil(np.log(1 / dense) / np.log1p(q)), linewidth=1.4, color=colour)
        ax.plot(FIGURE_EPSILONS, simulated, marker="o", linestyle="none", markersize=5,
                markerfacecolor="none", color=line.get_color())
        ax.annotate(f"|λ₋|/λ_max = {q:g}", (FIGURE_EPSILONS[0], simulated[0]), xytext=(0, 8),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8, color=line.get_color())
    ax.plot([], [], color=INK, linewidth=1.4, label="formula ⌈ln(1/ε) / ln(1 + η|λ₋|)⌉")
    ax.plot([], [], marker="o", linestyle="none", markerfacecolor="none", color=INK,
            label="gradient descent: first k with |y| ≥ 1")
    ax.set(xscale="log", yscale="log", xlabel="starting offset ε along the escape direction",
           ylabel="steps to escape", ylim=(1, 2e4), xticks=[10.0**-j for j in range(1, 10)])
    ax.minorticks_off()  # decades are enough here, and each minor tick costs layout time and bytes
    ax.invert_xaxis()
    ax.legend(fontsize=8, loc="upper left")
    spans = "; ".join(f"for ratio {q:g} from {first} to {last}" for q, first, last in ranges)
    return figure_html(
        fig, figure_id="q4c-escape-steps",
        title="Steps to escape a saddle against the starting offset",
        description=("Log-log plot of the number of gradient descent steps needed for the coordinate along "
                     "the negative-curvature direction to grow from ε to 1, with ε decreasing from "
                     f"{FIGURE_EPSILONS[0]:.2g} to {FIGURE_EPSILONS[-1]:.0e} left to right, for η = 1/λ_max "
                     "and three ratios |λ₋|/λ_max: three rising curves, the formula as lines and the "
                     f"simulation as circles on them. The count rises {spans}: a hundred times weaker "
                     "negative curvature costs about a hundred times more steps, while a smaller offset "
                     "costs only logarithmically more."),
        caption=("Steps to escape, the first k with |y₋⁽ᵏ⁾| ≥ 1 from |y₋⁽⁰⁾| = ε, with η = 1/λ_max. "
                 "Circles: gradient descent; lines: ⌈ln(1/ε)/ln(1 + η|λ₋|)⌉. The count grows like "
                 "ln(1/ε), slowly, but like λ_max/|λ₋| in the curvature ratio."),
    )


# ---------------------------------------------------------------------------------------------
# 6. Harm 3: the plateau
# ---------------------------------------------------------------------------------------------

PLATEAU_ETA, PLATEAU_STEPS, PLATEAU_START_X = 0.1, 260, 1.0
PLATEAU_EPSILONS = [1e-2, 1e-6, 0.0]
STOP_TOLERANCE = 1e-2
PLATEAU_BAND = 1e-3


def quartic_loss(z: np.ndarray) -> np.ndarray:
    """(x² − y²)/2 + y⁴/4 along rows of z: saddle at 0 with value 0, minima at (0, ±1) with value −1/4."""
    z = np.atleast_2d(z)
    return (z[:, 0] ** 2 - z[:, 1] ** 2) / 2 + z[:, 1] ** 4 / 4


def quartic_gradient(z: np.ndarray) -> np.ndarray:
    """∇ of (x² − y²)/2 + y⁴/4."""
    return np.array([z[0], z[1] ** 3 - z[1]])


def plateau_run(eps: float, steps: int = PLATEAU_STEPS):
    """GD on the quartic from (1, ε): iterates, losses and gradient norms."""
    xs = gradient_descent(quartic_gradient, [PLATEAU_START_X, eps], PLATEAU_ETA, steps)
    grads = np.array([np.linalg.norm(quartic_gradient(z)) for z in xs])
    return xs, quartic_loss(xs), grads


def plateau_length(eps: float, band: float = PLATEAU_BAND) -> int:
    """How many iterates have a loss within `band` of the saddle's value 0."""
    _, loss, _ = plateau_run(eps, steps=400)
    return int(np.count_nonzero(np.abs(loss) < band))


def plateau_dip(grads: np.ndarray) -> int:
    """Iteration of the gradient norm's first local minimum: the bottom of the dip near the saddle."""
    falling = np.diff(grads) < 0
    return int(np.argmin(falling))


def stopping_rule(eps: float, tolerance: float = STOP_TOLERANCE) -> tuple[int, float]:
    """(iteration, loss) where the rule "stop once ‖∇f‖ < tolerance" halts, from (1, ε)."""
    _, loss, grads = plateau_run(eps)
    k = int(np.argmax(grads < tolerance))
    return k, float(loss[k])


@value("q4c.stop-iteration", statement="iteration where ‖∇f‖ < 10⁻² first holds, from (1, 10⁻⁶), η = 0.1")
def stop_iteration() -> int:
    return stopping_rule(1e-6)[0]


@value("q4c.stop-loss", statement="loss where that stopping rule halts")
def stop_loss() -> str:
    return scientific(stopping_rule(1e-6)[1], 2)


@value("q4c.plateau-1e-6", statement="iterates with |loss − f(p)| < 10⁻³, from (1, 10⁻⁶), η = 0.1")
def plateau_1e6() -> int:
    return plateau_length(1e-6)


@value("q4c.plateau-1e-9", statement="iterates with |loss − f(p)| < 10⁻³, from (1, 10⁻⁹), η = 0.1")
def plateau_1e9() -> int:
    return plateau_length(1e-9)


@value("q4c.plateau-predicted-gap", statement="ln(10³)/ln(1 + η), η = 0.1: the predicted extra plateau",
       fmt=".1f")
def plateau_predicted_gap() -> float:
    return math.log(1e3) / math.log1p(PLATEAU_ETA)


@check("q4c.plateau", page=PAGE,
       statement="Near the saddle the loss sits at f(p) with a small gradient: a gradient-norm stopping rule "
                 "halts there, and the plateau lengthens by ln(1/ε)/ln(1 + η) as ε shrinks")
def _plateau():
    k, loss_at_stop = stopping_rule(1e-6)
    _, loss, grads = plateau_run(1e-6)
    _, loss_on_manifold, grads_on_manifold = plateau_run(0.0)
    gap = plateau_1e9() - plateau_1e6()
    dip = plateau_dip(grads)
    return [
        holds(abs(loss_at_stop) < PLATEAU_BAND,
              f"the rule ‖∇f‖ < {STOP_TOLERANCE:g} halts at k = {k} with loss {loss_at_stop:.2e}, within "
              f"{PLATEAU_BAND:g} of the saddle value 0", tolerance=f"{PLATEAU_BAND:g}"),
        close(loss[-1], -0.25, atol=1e-9,
              what=f"the same run reaches the minimum value −1/4 by k = {PLATEAU_STEPS}"),
        close([loss_on_manifold[-1], grads_on_manifold[-1]], [0.0, 0.0], atol=1e-10,
              what="from (1, 0) the loss and gradient go to the saddle's 0, 0"),
        close(gap, plateau_predicted_gap(), atol=1.0,
              what="plateau(ε = 10⁻⁹) − plateau(ε = 10⁻⁶) vs ln(10³)/ln(1.1), within one step"),
        holds(grads[dip] < STOP_TOLERANCE < grads[dip:].max(),
              f"the gradient norm falls from {grads[0]:.2f} to {grads[dip]:.1e} (k = {dip}), then rises to "
              f"{grads[dip:].max():.2f} as the run leaves the saddle", tolerance="exact"),
    ]


def plateau_figure() -> str:
    """Figure: loss and gradient norm against iteration on the quartic, from three starts."""
    fig, (top, bottom) = new_figure(6.4, 4.8, nrows=2, sharex=True)
    labels = {1e-2: "from (1, 10⁻²)", 1e-6: "from (1, 10⁻⁶)", 0.0: "from (1, 0): on the stable manifold"}
    for eps, colour in zip(PLATEAU_EPSILONS, COLOURS, strict=False):
        _, loss, grads = plateau_run(eps)
        top.plot(loss, label=labels[eps], color=colour)
        bottom.plot(grads, color=colour)
    k, _ = stopping_rule(1e-6)
    _, loss, grads = plateau_run(1e-6)
    on_plateau = np.flatnonzero(np.abs(loss) < PLATEAU_BAND)
    dip = plateau_dip(grads)
    top.axhline(0.0, color=INK, linewidth=0.8, linestyle=":")
    top.axhline(-0.25, color=INK, linewidth=0.8, linestyle="--")
    for level, text in ((0.0, "saddle value f(p) = 0"), (-0.25, "minimum value −1/4")):
        top.annotate(text, (PLATEAU_STEPS, level), xytext=(0, 4), textcoords="offset points",
                     ha="right", va="bottom", fontsize=8)
    bottom.axhline(STOP_TOLERANCE, color=INK, linewidth=0.8, linestyle="--")
    bottom.annotate(f"stopping tolerance {STOP_TOLERANCE:g}", (PLATEAU_STEPS, STOP_TOLERANCE), xytext=(0, 4),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8)
    bottom.plot([k], [grads[k]], marker="v", color=INK, markersize=7, linestyle="none")
    bottom.annotate(f"a ‖∇f‖ < {STOP_TOLERANCE:g} rule\nstops here (k = {k})", (k, grads[k]),
                    xytext=(4, 1e-8), textcoords="data", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": INK, "lw": 0.8})
    top.set(ylabel="loss f(x⁽ᵏ⁾)")
    bottom.set(yscale="log", ylabel="‖∇f(x⁽ᵏ⁾)‖", xlabel="iteration k", ylim=(1e-12, 3))
    top.legend(fontsize=8, loc="center right", bbox_to_anchor=(1.0, 0.62))
    fast, _, _ = plateau_run(1e-2)
    fast_done = int(np.argmax(quartic_loss(fast) < -0.25 + PLATEAU_BAND))
    return figure_html(
        fig, figure_id="q4c-plateau",
        title="Loss and gradient norm of gradient descent passing a saddle",
        description=(f"Two panels sharing the iteration axis from 0 to {PLATEAU_STEPS}, for gradient descent "
                     f"with step size {PLATEAU_ETA:g} on (x² − y²)/2 + y⁴/4 from (1, ε). Top: the loss. From "
                     f"ε = 10⁻² it falls from 0.5 to within 0.001 of the minimum −0.25 by iteration "
                     f"{fast_done}. From ε = 10⁻⁶ it falls to 0, the saddle's value, stays within 0.001 of "
                     f"it from iteration {on_plateau[0]} to {on_plateau[-1]}, then drops to −0.25. From "
                     "ε = 0 it falls to 0 and stays there. Bottom, logarithmic: the gradient norm. For "
                     f"ε = 10⁻⁶ it falls below the stopping tolerance {STOP_TOLERANCE:g} at iteration {k} "
                     f"(marked), bottoms out at {grads[dip]:.0e} at iteration {dip}, and rises to "
                     f"{grads[dip:].max():.2f} before the final descent; for ε = 0 it keeps falling."),
        caption=(f"Gradient descent (η = {PLATEAU_ETA:g}) on (x² − y²)/2 + y⁴/4, whose saddle at the origin "
                 "has the same Hessian as before and whose minima at (0, ±1) have loss −1/4. Close to the "
                 "stable manifold the loss stalls at the saddle's value while the gradient norm dips: a "
                 "run stopped by a gradient-norm rule (triangle) would report the saddle as the answer."),
    )
