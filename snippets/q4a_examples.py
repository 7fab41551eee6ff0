"""Question 4a's worked examples: what each critical point is, proved from the function itself."""

from __future__ import annotations

import numpy as np
import sympy as sp

from snippets.plumbing.checks import above, check, close, equal, every, holds, identity, symbolic
from snippets.plumbing.values import Table, computed, value
from snippets.q4a_calculus import Example, at_point, eigenvalues, hessian_at, plain, s, x, y

PAGE = "question-4/4a.md"

EXAMPLES = {
    "bowl": Example(
        r"x^2 + xy + y^2 + y^4",
        x**2 + x * y + y**2 + y**4,
        (x, y),
        (0, 0),
        squares=((1, x + y / 2), (sp.Rational(3, 4), y), (1, y**2)),
    ),
    "rosenbrock": Example(
        r"100(y - x^2)^2 + (1 - x)^2",
        100 * (y - x**2) ** 2 + (1 - x) ** 2,
        (x, y),
        (1, 1),
        squares=((100, y - x**2), (1, 1 - x)),
    ),
    "x4": Example(r"x^4", x**4, (x,), (0,), squares=((1, x**2),)),
    "x2y4": Example(r"x^2 + y^4", x**2 + y**4, (x, y), (0, 0), squares=((1, x), (1, y**2))),
    "x2y3": Example(r"x^2 + y^3", x**2 + y**3, (x, y), (0, 0), descent=(0, -s)),
}


class CertificateFails(ValueError):
    """An example's certificate does not prove what it claims, so its verdict cannot be printed."""


def sum_of_squares_matches(example: Example) -> bool:
    """f - f(x_p) equals Σ wᵢ gᵢ² identically, with every weight wᵢ > 0."""
    total = sum(weight * g**2 for weight, g in example.squares)
    difference = sp.expand(example.f - at_point(example.f, example) - total)
    return difference == 0 and all(sp.S(weight).is_positive for weight, _ in example.squares)


def squares_vanish_only_at_the_point(example: Example) -> bool:
    """The real solutions of gᵢ = 0 for every i are exactly x_p (so f > f(x_p) everywhere else)."""
    solutions = sp.solve([g for _, g in example.squares], example.variables, dict=True)
    real = [
        tuple(sol.get(v, v) for v in example.variables)
        for sol in solutions
        if all(sp.S(value).is_real for value in sol.values())
    ]
    return real == [example.point]


def descent_path_goes_below(example: Example) -> bool:
    """f(x_p + c(s)) - f(x_p) < 0 for every s > 0 while c(s) → 0: points below f(x_p) arbitrarily close."""
    moved = {var: p + c for var, p, c in zip(example.variables, example.point, example.descent, strict=True)}
    drop = sp.simplify(example.f.subs(moved, simultaneous=True) - at_point(example.f, example))
    return bool(drop.is_negative) and all(sp.limit(c, s, 0) == 0 for c in example.descent)


def is_strict_local_minimum(example: Example) -> bool:
    """The verdict the example's certificate proves; raises CertificateFails if it proves nothing."""
    if example.squares:
        if sum_of_squares_matches(example) and squares_vanish_only_at_the_point(example):
            return True
        raise CertificateFails(f"the sum of squares for {example.label} does not prove a strict minimum")
    if example.descent and descent_path_goes_below(example):
        return False
    raise CertificateFails(f"no certificate decides what {example.label} has at {example.point}")


def certificate_outcomes(example: Example) -> list:
    """The certificate's steps, as outcomes a check box shows."""
    if example.descent:
        path = ", ".join(plain(c) for c in example.descent)
        moved = example.f.subs(dict(zip(example.variables, example.descent, strict=True)), simultaneous=True)
        return [
            holds(
                descent_path_goes_below(example),
                kind="symbolic",
                what=f"f(x_p + ({path})) - f(x_p) = {plain(sp.expand(moved))} < 0 for every s > 0",
                scope="symbolic in s > 0",
            )
        ]
    total = " + ".join(("" if w == 1 else f"{plain(w)}·") + f"({plain(g)})²" for w, g in example.squares)
    return [
        holds(
            sum_of_squares_matches(example),
            kind="symbolic",
            what=f"f - f(x_p) = {total}, every weight > 0 (sympy expands the difference to 0)",
            scope=symbolic(*example.variables),  # every value of the variables, from their assumptions
        ),
        holds(
            squares_vanish_only_at_the_point(example),
            kind="symbolic",
            what=f"the squared terms vanish together only at x_p = {example.point} (sympy solve, real roots)",
        ),
    ]


def eigenvalues_by_trace_and_determinant(matrix: sp.Matrix) -> list[sp.Expr]:
    """The two eigenvalues of a symmetric 2×2 matrix, (tr ∓ √(tr² − 4 det))/2: a closed form."""
    trace, det = matrix.trace(), matrix.det()
    root = sp.sqrt(trace**2 - 4 * det)
    return [(trace - root) / 2, (trace + root) / 2]


def eigenvalues_agree_with_the_closed_form(key: str):
    """Sympy's eigenvalues of the example's Hessian against the trace-determinant formula."""
    hessian = hessian_at(EXAMPLES[key])
    computed = eigenvalues(hessian)
    return identity(
        sp.Matrix(computed),
        sp.Matrix(eigenvalues_by_trace_and_determinant(hessian)),
        what=f"{key}: sympy's eigenvalues vs (tr ∓ √(tr² − 4 det))/2",
    )


@check(
    "q4a.bowl",
    page=PAGE,
    statement="x² + xy + y² + y⁴ has a strict minimum at 0 with Hessian eigenvalues 1 and 3",
)
def bowl_is_a_strict_minimum_with_eigenvalues_one_and_three():
    bowl = EXAMPLES["bowl"]
    return [
        equal(eigenvalues(hessian_at(bowl)), [1, 3], what="eigenvalues of H = [[2, 1], [1, 2]]"),
        eigenvalues_agree_with_the_closed_form("bowl"),
        *certificate_outcomes(bowl),
    ]


@value("q4a.rosen-lmin", statement="smallest Hessian eigenvalue of Rosenbrock at (1, 1)", fmt=".4f")
def rosenbrock_lmin() -> float:
    return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[0])


@value("q4a.rosen-lmax", statement="largest Hessian eigenvalue of Rosenbrock at (1, 1)", fmt=".4f")
def rosenbrock_lmax() -> float:
    return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[-1])


@value("q4a.bowl-lmin", statement="smallest Hessian eigenvalue of x² + xy + y² + y⁴ at 0")
def bowl_lmin():
    return eigenvalues(hessian_at(EXAMPLES["bowl"]))[0]


@value("q4a.bowl-lmax", statement="largest Hessian eigenvalue of x² + xy + y² + y⁴ at 0")
def bowl_lmax():
    return eigenvalues(hessian_at(EXAMPLES["bowl"]))[-1]


@check(
    "q4a.rosenbrock",
    page=PAGE,
    statement="Rosenbrock at (1, 1): H = [[802, −400], [−400, 200]], eigenvalues 501 ± √250601 > 0, "
    "and (1, 1) is a strict minimum because f is a sum of squares vanishing only there",
)
def rosenbrock_is_a_strict_minimum_with_positive_eigenvalues():
    rosenbrock = EXAMPLES["rosenbrock"]
    hessian = hessian_at(rosenbrock)
    # Nocedal & Wright, Exercise 2.1: ∇²f = [[1200x² − 400y + 2, −400x], [−400x, 200]], at (1, 1).
    textbook = sp.Matrix([[1200 - 400 + 2, -400], [-400, 200]])
    return [
        equal(hessian, textbook, what="H(1, 1) vs Nocedal & Wright's closed form"),
        eigenvalues_agree_with_the_closed_form("rosenbrock"),
        close(
            np.linalg.eigvalsh(np.array(hessian, dtype=float)),
            [rosenbrock_lmin(), rosenbrock_lmax()],
            rtol=1e-12,
            what="LAPACK eigvalsh vs the printed eigenvalues",
        ),
        above(rosenbrock_lmin(), 0, what="smallest eigenvalue"),
        *certificate_outcomes(rosenbrock),
    ]


@check("q4a.x4", page=PAGE, statement="x⁴ has a strict minimum at 0, yet its Hessian is [0]")
def x_to_the_fourth_is_a_strict_minimum_with_zero_hessian():
    quartic = EXAMPLES["x4"]
    return [
        equal(hessian_at(quartic), sp.Matrix([[0]]), what="Hessian of the example's f = x⁴ at 0"),
        *certificate_outcomes(quartic),
    ]


@check(
    "q4a.x2-y4",
    page=PAGE,
    statement="x² + y⁴ has a strict minimum at 0, yet its Hessian diag(2, 0) is singular",
)
def x2_plus_y4_is_a_strict_minimum_with_singular_hessian():
    example = EXAMPLES["x2y4"]
    return [
        equal(hessian_at(example), sp.diag(2, 0), what="Hessian of x² + y⁴ at 0"),
        *certificate_outcomes(example),
    ]


@check(
    "q4a.x2-y3", page=PAGE, statement="x² + y³ has the same Hessian diag(2, 0) as x² + y⁴ but no minimum at 0"
)
def x2_plus_y3_has_the_same_hessian_and_no_minimum():
    example = EXAMPLES["x2y3"]
    return [
        equal(hessian_at(example), hessian_at(EXAMPLES["x2y4"]), what="Hessian of x² + y³ vs of x² + y⁴"),
        *certificate_outcomes(example),
    ]


# --- The examples table --------------------------------------------------------------------------


class Shown:
    """A table cell: the raw value a check compares, and the text the reader sees."""

    def __init__(self, raw, text: str) -> None:
        self.raw, self.shown_text = raw, text

    def __format__(self, spec: str) -> str:
        return self.shown_text


def _math(latex: str) -> str:
    # Braces make KaTeX set the cell as one unbreakable group: a number never wraps inside it.
    return "${" + latex + "}$"


def _eigenvalue_text(value: sp.Expr) -> str:
    return _math(sp.latex(value) if value.is_rational else rf"\approx {float(value):.4f}")


@value("q4a.examples", statement="the examples table: Hessian, eigenvalues and verdict at each point")
def examples_table() -> Table:
    rows = []
    for example in EXAMPLES.values():
        hessian = hessian_at(example)
        lams = eigenvalues(hessian)
        strict = is_strict_local_minimum(example)
        point = example.point if len(example.point) > 1 else example.point[0]
        rows.append(
            (
                f"${example.label}$",  # may break between terms, never inside a number
                Shown(point, f"${sp.latex(point)}$"),
                Shown(hessian, f"${sp.latex(hessian)}$"),
                Shown(lams, "<br>".join(_eigenvalue_text(v) for v in lams)),
                Shown(hessian.det() != 0, "yes" if hessian.det() != 0 else "**no**"),
                Shown(strict, "yes" if strict else "**no**"),
            )
        )
    # Plain-text headers: on phones they label each cell (snippets/plumbing/table_cards.py).
    return Table(("f", "xₚ", "H(xₚ)", "eigenvalues", "non-singular", "strict local min"), rows)


def central_difference_hessian(example: Example, step: float = 1e-4) -> np.ndarray:
    """The Hessian by central second differences of f in floating point: no symbolic differentiation."""
    fn = sp.lambdify(example.variables, example.f, "math")
    point, n = np.asarray(example.point, float), len(example.variables)
    hessian = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            hessian[i, j] = (
                fn(*(point + ei + ej))
                - fn(*(point + ei - ej))
                - fn(*(point - ei + ej))
                + fn(*(point - ei - ej))
            ) / (4 * step**2)
    return hessian


CIRCLE_RADII = (0.1, 0.01)


def smallest_rise_on_circle(example: Example, radius: float, points: int = 720) -> float:
    """min of f(x_p + h) − f(x_p) over ‖h‖ = radius, on a polar grid (two points in one dimension)."""
    fn = sp.lambdify(example.variables, example.f, "numpy")
    centre = np.asarray(example.point, float)
    if len(centre) == 1:
        return float(min(fn(centre[0] + radius), fn(centre[0] - radius)) - fn(centre[0]))
    angle = np.linspace(0, 2 * np.pi, points, endpoint=False)
    rises = fn(centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)) - fn(*centre)
    return float(np.min(rises))


@check(
    "q4a.examples-table",
    page=PAGE,
    statement="Every cell of the examples table agrees with an independent computation",
)
def examples_table_agrees_with_independent_computations():
    table = computed("q4a.examples")
    labels = table.column("f")
    points, hessians, spectra, non_singular, strict = (
        [cell.raw for cell in table.column(name)]
        for name in ("xₚ", "H(xₚ)", "eigenvalues", "non-singular", "strict local min")
    )
    gradients_at_points = [
        [sp.diff(e.f, v).subs(dict(zip(e.variables, p if isinstance(p, tuple) else (p,), strict=True)))
         for v in e.variables]
        for p, e in zip(points, EXAMPLES.values(), strict=True)
    ]
    by_differences = [
        central_difference_hessian(EXAMPLES[key]) for key in EXAMPLES
    ]
    return [
        equal(labels, [f"${e.label}$" for e in EXAMPLES.values()], what="f column vs each example's label",
              over=every("example of the page", EXAMPLES)),
        equal(gradients_at_points, [[0] * len(e.variables) for e in EXAMPLES.values()],
              what="∇f at the printed xₚ (sympy, exact)"),
        close(
            np.concatenate([np.array(h, float).ravel() for h in hessians]),
            np.concatenate([h.ravel() for h in by_differences]),
            atol=1e-4,
            what="printed Hessians vs central second differences of f (step 10⁻⁴)",
        ),
        close(
            np.concatenate([[float(v) for v in lams] for lams in spectra]),
            np.concatenate([np.linalg.eigvalsh(h) for h in by_differences]),
            atol=1e-4,
            what="printed eigenvalues vs LAPACK on the finite-difference Hessians",
        ),
        equal(
            non_singular,
            [bool(abs(np.linalg.det(h)) > 1e-3) for h in by_differences],
            what="'non-singular' vs |det| of the finite-difference Hessian > 10⁻³",
        ),
        equal(
            strict,
            [
                all(smallest_rise_on_circle(example, radius) > 0 for radius in CIRCLE_RADII)
                for example in EXAMPLES.values()
            ],
            what=f"'strict local min' vs min of f − f(x_p) > 0 on circles of radius {CIRCLE_RADII} "
            "(a numeric cross-check; the proof is each example's certificate)",
        ),
    ]
