"""Tests of snippets.q4a_hessian against independent references: closed forms, finite differences, LAPACK."""

from __future__ import annotations

import gzip
import math
import re

import numpy as np
import pytest
import sympy as sp
from conftest import DOCS

from snippets import q4a_hessian as q4a
from snippets.plumbing import page_context
from snippets.plumbing.checks import REGISTRY, load_all, verify

x, y = q4a.x, q4a.y
PAGE = DOCS / "question-4" / "4a.md"


def numeric_hessian(fn, point, step=1e-4):
    """Central second differences (an algorithm independent of sympy's differentiation)."""
    point = np.asarray(point, float)
    n = len(point)
    hessian = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            hessian[i, j] = (fn(*(point + ei + ej)) - fn(*(point + ei - ej))
                             - fn(*(point - ei + ej)) + fn(*(point - ei - ej))) / (4 * step**2)
    return hessian


@pytest.mark.parametrize("point", [(1, 1), (0, 0), (-2, 3), (sp.Rational(1, 2), -1)])
def test_rosenbrock_hessian_matches_the_textbook_closed_form(point):
    # Nocedal & Wright, Exercise 2.1: ∇²f = [[1200x² - 400y + 2, -400x], [-400x, 200]].
    px, py = point
    example = q4a.Example("", q4a.EXAMPLES["rosenbrock"].f, (x, y), point, False)
    expected = sp.Matrix([[1200 * px**2 - 400 * py + 2, -400 * px], [-400 * px, 200]])
    assert q4a.hessian_at(example) == expected


@pytest.mark.parametrize("key", ["bowl", "rosenbrock", "x2y4", "x2y3"])
def test_hessians_match_finite_differences(key):
    example = q4a.EXAMPLES[key]
    fn = sp.lambdify(example.variables, example.f, "math")
    expected = numeric_hessian(fn, example.point)
    computed = np.array(q4a.hessian_at(example), dtype=float)
    np.testing.assert_allclose(computed, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("key", ["bowl", "rosenbrock", "x2y4", "x2y3"])
def test_eigenvalues_match_the_trace_determinant_formula_and_lapack(key):
    hessian = np.array(q4a.hessian_at(q4a.EXAMPLES[key]), dtype=float)
    trace, det = np.trace(hessian), np.linalg.det(hessian)
    closed_form = [(trace - math.sqrt(trace**2 - 4 * det)) / 2, (trace + math.sqrt(trace**2 - 4 * det)) / 2]
    computed = [float(v) for v in q4a.eigenvalues(q4a.hessian_at(q4a.EXAMPLES[key]))]
    np.testing.assert_allclose(computed, closed_form, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(computed, np.linalg.eigvalsh(hessian), rtol=1e-12, atol=1e-12)


def test_rosenbrock_values_in_the_prose():
    # trace 1002, determinant 802·200 - 400² = 400, written out by hand.
    assert q4a.rosenbrock_lmin() == pytest.approx(501 - math.sqrt(250601), rel=1e-14)
    assert q4a.rosenbrock_lmax() == pytest.approx(501 + math.sqrt(250601), rel=1e-14)
    assert q4a.rosenbrock_lmin() * q4a.rosenbrock_lmax() == pytest.approx(400, rel=1e-12)
    assert (q4a.bowl_lmin(), q4a.bowl_lmax()) == (1, 3)


def test_peano_mixed_partials_match_nested_finite_differences():
    fn = sp.lambdify((x, y), q4a.PEANO, "math")

    def f(u, w):
        return 0.0 if u == 0 and w == 0 else fn(u, w)

    def fx(u, w, e=1e-7):
        return (f(u + e, w) - f(u - e, w)) / (2 * e)

    def fy(u, w, e=1e-7):
        return (f(u, w + e) - f(u, w - e)) / (2 * e)

    step = 1e-3
    d_y_d_x = (fx(0, step) - fx(0, -step)) / (2 * step)
    d_x_d_y = (fy(step, 0) - fy(-step, 0)) / (2 * step)
    assert d_y_d_x == pytest.approx(-1, abs=1e-4)
    assert d_x_d_y == pytest.approx(1, abs=1e-4)
    assert q4a.mixed_partials_at_origin() == (-1, 1)


def test_mixed_partials_agree_for_a_smooth_function():
    # The difference-quotient code must not be hard-wired to Peano's example: for a C² function both
    # orders agree with sympy's own derivative.
    smooth = x**3 * y + sp.sin(x * y) + 2 * x * y**2 + 5 * x * y
    expected = sp.diff(smooth, x, y).subs({x: 0, y: 0})
    assert q4a.mixed_partials_at_origin(smooth, f_origin=0) == (expected, expected) == (6, 6)
    assert not q4a.peano_second_partials_continuous()


@pytest.mark.parametrize("key", ["bowl", "rosenbrock", "x2y4"])
def test_difference_quotient_tends_to_half_the_curvature(key):
    example = q4a.EXAMPLES[key]
    fn = sp.lambdify(example.variables, example.f, "math")
    hessian = np.array(q4a.hessian_at(example), dtype=float)
    rng = np.random.default_rng(0)
    for _ in range(5):
        v = rng.standard_normal(2)
        step = 1e-4
        quotient = (fn(*(np.array(example.point) + step * v)) - fn(*example.point)) / step**2
        assert quotient == pytest.approx(0.5 * v @ hessian @ v, rel=1e-3, abs=1e-6)


@pytest.mark.parametrize("key", ["bowl", "x2y4", "x2y3"])
@pytest.mark.parametrize("direction", ["v1", "v2", "e_y"])
def test_figure_closed_forms_agree_with_sympy(key, direction):
    ts = np.linspace(-1, 1, 41)
    v = [sp.nsimplify(c, [sp.sqrt(2)]) for c in q4a.DIRECTIONS[direction]]
    symbolic = sp.lambdify(q4a.t, q4a.along(q4a.EXAMPLES[key], v), "numpy")
    model = sp.lambdify(q4a.t, q4a.quadratic_model(q4a.EXAMPLES[key], v), "numpy")
    np.testing.assert_allclose(q4a.along_numeric(key, direction, ts),
                               np.broadcast_to(symbolic(ts), ts.shape), atol=1e-12)
    np.testing.assert_allclose(q4a.model_numeric(key, direction, ts),
                               np.broadcast_to(model(ts), ts.shape), atol=1e-12)
    np.testing.assert_allclose(q4a.HESSIANS[key], np.array(q4a.hessian_at(q4a.EXAMPLES[key]), float))


def test_quadratic_form_via_eigenvalues_on_indefinite_matrices():
    rng = np.random.default_rng(11)
    for n in (1, 2, 4, 9):
        a = rng.standard_normal((n, n))
        matrix = a + a.T  # symmetric, generally indefinite
        v = rng.standard_normal(n)
        assert q4a.quadratic_form_via_eigenvalues(matrix, v) == pytest.approx(v @ matrix @ v, rel=1e-10,
                                                                              abs=1e-12)


def test_random_symmetric_has_the_requested_spectrum():
    rng = np.random.default_rng(3)
    spectrum = np.array([-2.0, 0.5, 0.5, 7.0])
    matrix = q4a.random_symmetric(spectrum, rng)
    q = q4a.random_orthogonal(5, rng)
    np.testing.assert_allclose(q.T @ q, np.eye(5), atol=1e-13)
    np.testing.assert_array_equal(matrix, matrix.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(matrix), spectrum, atol=1e-12)


def test_random_spd_trials_are_positive_definite():
    trials = q4a.random_spd_trials(count=25, seed=1)
    assert {len(s) for _, s, _ in trials} == set(q4a.SIZES)
    for matrix, spectrum, _ in trials:
        assert spectrum.min() >= 0.1
        np.testing.assert_allclose(np.linalg.eigvalsh(matrix), spectrum, rtol=1e-10)


def test_cholesky_criterion_separates_definite_from_semidefinite_and_indefinite():
    assert q4a.is_positive_definite_by_cholesky(np.array([[2.0, 1.0], [1.0, 2.0]]))
    assert not q4a.is_positive_definite_by_cholesky(np.diag([2.0, 0.0]))
    assert not q4a.is_positive_definite_by_cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("radius", [0.3, 0.1, 0.01])
def test_ring_minimum_matches_hand_derived_values(radius):
    # On ‖h‖ = r (r < 2/3): x² + y⁴ = r² - y² + y⁴ is smallest at y² = r², giving r⁴;
    # x² + y³ = r² - y² + y³ is smallest at y = -r, giving -r³.
    assert q4a.ring_minimum(q4a.EXAMPLES["x2y4"], radius) == pytest.approx(radius**4, rel=1e-9)
    assert q4a.ring_minimum(q4a.EXAMPLES["x2y3"], radius) == pytest.approx(-(radius**3), rel=1e-9)
    assert q4a.ring_minimum(q4a.EXAMPLES["x4"], radius) == pytest.approx(radius**4, rel=1e-12)
    # The bowl's minimum on the circle is at least λ_min r²/2 (plus the quartic term).
    assert q4a.ring_minimum(q4a.EXAMPLES["bowl"], radius) >= 0.5 * radius**2 * (1 - 1e-9)


def test_table_flags_singular_hessians_and_non_minima():
    rows = q4a.hessian_table().splitlines()[2:]
    assert len(rows) == len(q4a.EXAMPLES)
    flags = [tuple(cell.strip() for cell in row.split("|")[-3:-1]) for row in rows]
    assert flags == [("yes", "yes"), ("yes", "yes"), ("**no**", "yes"), ("**no**", "yes"),
                     ("**no**", "**no**")]


def test_every_check_of_the_page_holds_and_is_shown_on_it():
    load_all()
    ids = sorted(c for c, found in REGISTRY.items() if found.page == "question-4/4a.md")
    assert len(ids) >= 10
    for check_id in ids:
        verify(check_id)
    show_calls = " ".join(re.findall(r"show\(([^)]*)\)", PAGE.read_text(encoding="utf-8")))
    shown = set(re.findall(r'"(q4a\.[a-z0-9-]+)"', show_calls))
    assert shown == set(ids)


def test_figures_are_deterministic_accessible_and_small():
    page_context.current = page_context.PageContext(src_uri="question-4/4a.md")
    for draw in (q4a.quadratic_model_figure, q4a.landscape_figure):
        first, second = draw(), draw()
        strip = re.compile(r"Figure \d+\.")
        assert strip.sub("", first) == strip.sub("", second)
        assert "<title id=" in first and "<desc id=" in first and "<figcaption>" in first
        assert "#010203" not in first  # the ink sentinel became currentColor
        assert len(gzip.compress(first.encode())) < 60_000
