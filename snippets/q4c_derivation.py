"""Question 4c's derivation: the gradient step near a saddle, line by line, in H's eigenbasis."""

from __future__ import annotations

from itertools import pairwise

import sympy as sp

from snippets.plumbing.checks import check, equal, identity
from snippets.plumbing.values import value
from snippets.q4c_model import PAGE, saddle_with_minima

SYMBOLIC_SIZE = 3


def generic_symbols(n: int = SYMBOLIC_SIZE):
    """x, p in Rⁿ, a symmetric n×n Hessian H with n(n+1)/2 free entries, and a step size η > 0."""
    x = sp.Matrix(sp.symbols(f"x1:{n + 1}", real=True))
    p = sp.Matrix(sp.symbols(f"p1:{n + 1}", real=True))
    H = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"h{min(i, j) + 1}{max(i, j) + 1}", real=True))
    eta = sp.Symbol("eta", positive=True)
    return x, p, H, eta


@value("q4c.symbolic-size", statement="size of the symbolic Hessian in the line-by-line check")
def symbolic_size() -> int:
    return SYMBOLIC_SIZE


@value("q4c.symbolic-entries", statement="free entries of that symmetric Hessian, n(n + 1)/2")
def symbolic_entries() -> int:
    return len(generic_symbols()[2].free_symbols)


def recursion_lines(n: int = SYMBOLIC_SIZE) -> list[sp.Matrix]:
    """The four lines of the displacement recursion: δ⁽ᵏ⁺¹⁾ written four ways, with the gradient H(x − p)."""
    x, p, H, eta = generic_symbols(n)
    delta = x - p
    x_next = x - eta * H * (x - p)
    return [x_next - p, x - eta * H * (x - p) - p, delta - eta * H * delta, (sp.eye(n) - eta * H) * delta]


def as_row(*matrices: sp.Matrix) -> sp.Matrix:
    """Matrices flattened side by side into one row, so that a report of zeros fits on one line."""
    return sp.Matrix.hstack(*(m.reshape(1, m.rows * m.cols) for m in matrices))


@check(
    "q4c.recursion-steps",
    page=PAGE,
    statement="Each line of the displacement recursion equals the next, for a symbolic 3×3 symmetric Hessian",
)
def each_line_of_the_recursion_equals_the_next():
    lines = recursion_lines()
    return [
        identity(as_row(a), as_row(b), what=f"line {i} − line {i + 1}")
        for i, (a, b) in enumerate(pairwise(lines), 1)
    ]


def gradient_residuals(n: int = SYMBOLIC_SIZE) -> tuple[sp.Matrix, sp.Matrix]:
    """∇f(x) − H(p)(x − p) for a quadratic with saddle p (exactly zero) and for a quartic (not zero)."""
    x, p, H, _ = generic_symbols(n)
    quadratic = sp.Rational(1, 2) * ((x - p).T * H * (x - p))[0, 0]
    quadratic_residual = sp.Matrix([quadratic.diff(xi) for xi in x]) - H * (x - p)
    u, v = sp.symbols("x y", real=True)
    quartic = saddle_with_minima(u, v)
    hessian_at_saddle = sp.hessian(quartic, (u, v)).subs({u: 0, v: 0})
    quartic_residual = sp.Matrix([quartic.diff(u), quartic.diff(v)]) - hessian_at_saddle * sp.Matrix([u, v])
    return quadratic_residual, quartic_residual


@check(
    "q4c.linear-gradient",
    page=PAGE,
    statement="∇f(x) = H(p)(x − p) holds exactly for a quadratic and only approximately otherwise",
)
def gradient_is_linear_only_for_a_quadratic():
    quadratic_residual, quartic_residual = gradient_residuals()
    y = sp.Symbol("y", real=True)
    return [
        identity(
            as_row(quadratic_residual),
            sp.zeros(1, SYMBOLIC_SIZE),
            what="quadratic with saddle p, symbolic symmetric H",
        ),
        identity(
            as_row(quartic_residual),
            sp.Matrix([[0, y**3]]),
            what="(x² − y²)/2 + y⁴/4: residual is (0, y³), cubic in the distance to p",
        ),
    ]


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
    """Lines of the eigenbasis substitution for H = QΛQᵀ, and the maps I − ηH and Q(I − ηΛ)Qᵀ to compare."""
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


def rational_identity(lhs: list[sp.Matrix], rhs: list[sp.Matrix], what: str):
    """identity() for matrices of rational functions, cancelled entrywise first (a canonical form, fast)."""
    difference = as_row(*((a - b).applyfunc(sp.cancel) for a, b in zip(lhs, rhs, strict=True)))
    return identity(difference, sp.zeros(*difference.shape), what=what)


@check(
    "q4c.eigenbasis-steps",
    page=PAGE,
    statement="Q(I − ηΛ)Qᵀ = I − ηH, each line of the substitution, and y⁽ᵏ⁺¹⁾ = (I − ηΛ)y⁽ᵏ⁾, "
    "for 2×2 rotations and reflections with c = (1 − t²)/(1 + t²), s = 2t/(1 + t²)",
)
def the_eigenbasis_decouples_the_step():
    cases_ = [(Q, *eigenbasis_lines(Q)) for Q in orthogonal_2x2()]
    both = "(rotation and reflection)"
    outcomes = [
        rational_identity([Q.T * Q for Q, *_ in cases_], [sp.eye(2)] * 2, what=f"QᵀQ = I {both}"),
        rational_identity(
            [m[0] for _, _, m, _ in cases_],
            [m[1] for _, _, m, _ in cases_],
            what=f"I − ηH = Q(I − ηΛ)Qᵀ {both}",
        ),
    ]
    for i in range(3):
        outcomes.append(
            rational_identity(
                [lines[i] for _, lines, _, _ in cases_],
                [lines[i + 1] for _, lines, _, _ in cases_],
                what=f"line {i + 1} − line {i + 2} {both}",
            )
        )
    outcomes.append(
        rational_identity(
            [y[0] for *_, y in cases_], [y[1] for *_, y in cases_], what=f"Qᵀδ⁽ᵏ⁺¹⁾ = (I − ηΛ)y⁽ᵏ⁾ {both}"
        )
    )
    k = sp.Symbol("k", integer=True, nonnegative=True)
    factor, y0 = sp.symbols("a y0", real=True)  # a = 1 − ηλᵢ
    closed = factor**k * y0
    outcomes.append(
        identity(
            closed.subs(k, k + 1),
            factor * closed,
            what="yᵢ⁽ᵏ⁾ = (1 − ηλᵢ)ᵏ yᵢ⁽⁰⁾ satisfies the recursion (induction step)",
        )
    )
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


@check(
    "q4c.eigenvalues-not-entries",
    page=PAGE,
    statement="The sign pattern of a Hessian's entries says nothing about its eigenvalues",
)
def entry_signs_do_not_decide_eigenvalue_signs():
    results = []
    for entries, spectrum, what in [
        (MIXED_ENTRIES, [1, 3], "[[2, −1], [−1, 2]]: entries of both signs, a minimum"),
        (POSITIVE_ENTRIES, [-1, 3], "[[1, 2], [2, 1]]: positive entries, a saddle"),
    ]:
        # The characteristic polynomial's roots, found from trace and determinant: a second method.
        matrix = sp.Matrix(entries)
        trace, det = matrix.trace(), matrix.det()
        by_trace = sorted(
            [(trace - sp.sqrt(trace**2 - 4 * det)) / 2, (trace + sp.sqrt(trace**2 - 4 * det)) / 2]
        )
        results.append(equal(sorted(matrix.eigenvals()), by_trace, what=what, scope="the two matrices shown"))
        results.append(equal(by_trace, spectrum, what=f"{what}, hand-worked eigenvalues"))
    return results
