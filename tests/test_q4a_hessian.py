"""Tests of question 4a's snippets against independent references: closed forms, finite differences."""

from __future__ import annotations

import gzip
import math
import re

import numpy as np
import pytest
import sympy as sp
from conftest import DOCS

from snippets import q4a_calculus as calc
from snippets import q4a_examples as ex
from snippets import q4a_figures as figs
from snippets import q4a_peano as peano
from snippets.plumbing import page_context
from snippets.plumbing.checks import REGISTRY, load_all, verify

x, y = calc.x, calc.y
PAGE = DOCS / "question-4" / "4a.md"


def exact_hessian(example) -> np.ndarray:
    """∂²f/∂x_i∂x_j by sympy, entry by entry, at the example's point: the reference the snippet's
    central differences (q4a_examples.central_difference_hessian) must approach."""
    at = dict(zip(example.variables, example.point, strict=True))
    return np.array([[float(sp.diff(example.f, a, b).subs(at)) for b in example.variables]
                     for a in example.variables])


@pytest.mark.parametrize("key", list(ex.EXAMPLES))
def test_the_snippets_central_differences_approach_the_exact_hessian(key):
    example = ex.EXAMPLES[key]
    # Truncation h²·f⁗/12 (≤ 24·100·h²/12 for Rosenbrock's 100x⁴ at h = 1e-4) plus rounding ε|f|/h².
    np.testing.assert_allclose(ex.central_difference_hessian(example), exact_hessian(example), atol=1e-4)


@pytest.mark.parametrize("point", [(1, 1), (0, 0), (-2, 3), (sp.Rational(1, 2), -1)])
def test_rosenbrock_hessian_matches_the_textbook_closed_form(point):
    # Nocedal & Wright, Exercise 2.1: ∇²f = [[1200x² - 400y + 2, -400x], [-400x, 200]].
    px, py = point
    example = calc.Example("", ex.EXAMPLES["rosenbrock"].f, (x, y), point)
    expected = sp.Matrix([[1200 * px**2 - 400 * py + 2, -400 * px], [-400 * px, 200]])
    assert calc.hessian_at(example) == expected


@pytest.mark.parametrize("key", ["bowl", "rosenbrock", "x2y4", "x2y3"])
def test_eigenvalues_match_lapack(key):
    hessian = np.array(calc.hessian_at(ex.EXAMPLES[key]), dtype=float)
    computed = [float(v) for v in calc.eigenvalues(calc.hessian_at(ex.EXAMPLES[key]))]
    np.testing.assert_allclose(computed, np.linalg.eigvalsh(hessian), rtol=1e-12, atol=1e-12)


def test_rosenbrock_values_in_the_prose():
    # trace 1002, determinant 802·200 - 400² = 400, written out by hand.
    assert ex.rosenbrock_lmin() == pytest.approx(501 - math.sqrt(250601), rel=1e-14)
    assert ex.rosenbrock_lmax() == pytest.approx(501 + math.sqrt(250601), rel=1e-14)
    assert (ex.bowl_lmin(), ex.bowl_lmax()) == (1, 3)


# --- the certificates decide, and they can refuse -------------------------------------------------


def test_verdicts_of_the_page_examples():
    verdicts = {key: ex.is_strict_local_minimum(e) for key, e in ex.EXAMPLES.items()}
    assert verdicts == {"bowl": True, "rosenbrock": True, "x4": True, "x2y4": True, "x2y3": False}


def test_a_wrong_sum_of_squares_is_refused():
    # x² + y⁴ is not (x)² + (y)²: the identity fails, so no verdict is printed.
    wrong = calc.Example("x^2 + y^4", x**2 + y**4, (x, y), (0, 0), squares=((1, x), (1, y)))
    with pytest.raises(ex.CertificateFails):
        ex.is_strict_local_minimum(wrong)


def test_squares_vanishing_on_a_line_do_not_prove_strictness():
    # x² on the plane is (x)², which vanishes on the whole y-axis: a minimum, but not a strict one.
    valley = calc.Example("x^2", x**2, (x, y), (0, 0), squares=((1, x),))
    assert ex.sum_of_squares_matches(valley)
    assert not ex.squares_vanish_only_at_the_point(valley)
    with pytest.raises(ex.CertificateFails):
        ex.is_strict_local_minimum(valley)


def test_a_negative_weight_is_refused():
    saddle = calc.Example("x^2 - y^2", x**2 - y**2, (x, y), (0, 0), squares=((1, x), (-1, y)))
    assert not ex.sum_of_squares_matches(saddle)


def test_a_path_that_goes_up_proves_nothing():
    up = calc.Example("x^2 + y^4", x**2 + y**4, (x, y), (0, 0), descent=(0, -calc.s))
    with pytest.raises(ex.CertificateFails):
        ex.is_strict_local_minimum(up)


def test_table_prints_the_certified_verdicts():
    rows = ex.examples_table().markdown().splitlines()[2:]
    flags = [tuple(cell.strip() for cell in row.split("|")[-3:-1]) for row in rows]
    # Hand-derived: the two non-singular minima, then x⁴ and x² + y⁴ (singular, strict), x² + y³ (neither).
    assert flags == [
        ("yes", "yes"),
        ("yes", "yes"),
        ("**no**", "yes"),
        ("**no**", "yes"),
        ("**no**", "**no**"),
    ]


@pytest.mark.parametrize("radius", [0.3, 0.1, 0.01])
def test_smallest_rise_on_circle_matches_hand_derived_values(radius):
    # On ‖h‖ = r (r < 2/3): x² + y⁴ = r² - y² + y⁴ is smallest at y² = r², giving r⁴;
    # x² + y³ = r² - y² + y³ is smallest at y = -r, giving -r³.
    assert ex.smallest_rise_on_circle(ex.EXAMPLES["x2y4"], radius) == pytest.approx(radius**4, rel=1e-9)
    assert ex.smallest_rise_on_circle(ex.EXAMPLES["x2y3"], radius) == pytest.approx(-(radius**3), rel=1e-9)
    assert ex.smallest_rise_on_circle(ex.EXAMPLES["x4"], radius) == pytest.approx(radius**4, rel=1e-12)


# --- Peano's example --------------------------------------------------------------------------------


def test_peano_mixed_partials_match_nested_finite_differences():
    fn = sp.lambdify((x, y), peano.PEANO, "math")

    def f(u, w):
        return 0.0 if u == 0 and w == 0 else fn(u, w)

    def fx(u, w, e=1e-7):
        return (f(u + e, w) - f(u - e, w)) / (2 * e)

    def fy(u, w, e=1e-7):
        return (f(u, w + e) - f(u, w - e)) / (2 * e)

    step = 1e-3
    assert (fx(0, step) - fx(0, -step)) / (2 * step) == pytest.approx(-1, abs=1e-4)
    assert (fy(step, 0) - fy(-step, 0)) / (2 * step) == pytest.approx(1, abs=1e-4)
    assert peano.mixed_partials_at_origin() == (-1, 1)


def test_mixed_partials_agree_for_a_smooth_function():
    smooth = x**3 * y + sp.sin(x * y) + 2 * x * y**2 + 5 * x * y
    assert peano.mixed_partials_at_origin(smooth, f_origin=0) == (6, 6)


def test_peano_first_partials_stay_below_the_stated_bound():
    # The bound B·r the check proves, sampled densely: |∂f| / r never exceeds B, and it comes close.
    fx, fy = (sp.lambdify((x, y), sp.diff(peano.PEANO, v), "numpy") for v in (x, y))
    angles = np.linspace(0, 2 * np.pi, 10_001)
    ratios = [np.abs(g(np.cos(angles), np.sin(angles))) for g in (fx, fy)]  # r = 1
    bound = float(peano.peano_bound())
    assert max(r.max() for r in ratios) <= bound
    assert max(r.max() for r in ratios) > 0.5  # the partials do not vanish: the bound is not vacuous


def test_triangle_bound_counts_absolute_coefficients():
    assert peano.bound_by_triangle_inequality(peano.cos**2 - 3 * peano.sin * peano.cos + 2) == 6


# --- figures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["bowl", "x2y4", "x2y3"])
@pytest.mark.parametrize("direction", ["v1", "v2", "e_y"])
def test_figure_closed_forms_agree_with_sympy(key, direction):
    ts = np.linspace(-1, 1, 41)
    v = figs.SYMBOLIC_DIRECTIONS[direction]
    symbolic = sp.lambdify(calc.t, calc.along(ex.EXAMPLES[key], v), "numpy")
    np.testing.assert_allclose(
        figs.along_numeric(key, direction, ts), np.broadcast_to(symbolic(ts), ts.shape), atol=1e-12
    )
    np.testing.assert_allclose(figs.HESSIANS[key], np.array(calc.hessian_at(ex.EXAMPLES[key]), float))


def test_figure_data_check_notices_a_wrong_curve(monkeypatch):
    # Draw x² + y⁵ where x² + y⁴ is meant: the curves no longer match sympy's.
    monkeypatch.setitem(figs.NUMERIC, "x2y4", lambda u, w: u**2 + w**5)
    curves = figs.model_curves()
    reference = figs.curves_by_sympy(curves["t"])
    assert np.abs(curves["x2y4 e_y f"] - reference["x2y4 e_y f"]).max() > 0.1


def test_every_check_of_the_page_holds_and_is_shown_on_it():
    load_all()
    ids = sorted(c for c, found in REGISTRY.items() if found.page == "question-4/4a.md")
    assert len(ids) >= 12
    for check_id in ids:
        verify(check_id)
    show_calls = " ".join(re.findall(r"show\(([^)]*)\)", PAGE.read_text(encoding="utf-8")))
    shown = set(re.findall(r'"(q4a\.[a-z0-9-]+)"', show_calls))
    assert shown == set(ids)


def test_figures_are_deterministic_accessible_and_small():
    page_context.current = page_context.PageContext(src_uri="question-4/4a.md")
    for draw in (figs.quadratic_model_figure, figs.landscape_figure):
        first, second = draw(), draw()
        strip = re.compile(r"Figure \d+\.")
        assert strip.sub("", first) == strip.sub("", second)
        assert "<title id=" in first and "<desc id=" in first and "<figcaption>" in first
        assert "#010203" not in first  # the ink sentinel became currentColor
        assert len(gzip.compress(first.encode())) < 60_000
