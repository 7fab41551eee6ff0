"""Tests of the question 4c snippets against independent references: integer arithmetic, closed forms,
finite differences and hand-worked cases."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from snippets import q4c_saddle_descent as q4c
from snippets.plumbing.checks import REGISTRY, load_all, verify


def first_k_by_integers(rate: Fraction, eps: Fraction, strict: bool = False) -> int:
    """Smallest k with ε·rateᵏ ≥ 1 (> 1 if strict), by comparing integers: c·aᵏ vs d·bᵏ."""
    a, b, c, d = rate.numerator, rate.denominator, eps.numerator, eps.denominator
    k, lhs, rhs = 0, c, d
    while lhs < rhs or (strict and lhs == rhs):
        k, lhs, rhs = k + 1, lhs * a, rhs * b
    return k


# --- the escape step --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eta", "lam", "eps", "expected"),
    [
        (1, -1, Fraction(1, 10**6), 20),  # 2¹⁹ = 524288 < 10⁶ ≤ 2²⁰
        (1, -1, Fraction(1, 2**20), 20),  # boundary: ε·2²⁰ = 1 exactly counts as escaped
        (Fraction(1, 2), -1, Fraction(2, 3) ** 5, 5),  # boundary with r = 3/2
        (1, -1, Fraction(1, 2), 1),  # boundary with m = 1
        (Fraction(1, 10), -1, Fraction(1, 1000), 73),  # 1.1⁷² ≈ 955.6 < 1000 ≤ 1.1⁷³ ≈ 1051.1
        (1, Fraction(-1, 100), Fraction(1, 10**6), 1389),
    ],
)
def test_escape_steps_match_hand_worked_cases(eta, lam, eps, expected):
    assert q4c.escape_steps_simulated(eta, lam, eps) == expected


def test_1389_by_integer_inequalities():
    # 1.01¹³⁸⁸ < 10⁶ ≤ 1.01¹³⁸⁹, in integers.
    assert 101**1388 < 10**6 * 100**1388
    assert 101**1389 >= 10**6 * 100**1389
    assert q4c.steps_slow() == 1389


def test_strict_definition_adds_one_exactly_on_the_boundary():
    assert q4c.escape_steps_simulated(1, -1, Fraction(1, 2**20), strict=True) == 21
    assert q4c.escape_steps_simulated(1, -1, Fraction(1, 10**6), strict=True) == 20
    assert q4c.escape_steps_simulated(Fraction(1, 2), -1, Fraction(2, 3) ** 5, strict=True) == 6


def test_simulation_agrees_with_integer_comparison_over_the_grid():
    for eta, eps, _ in q4c.escape_grid():
        for strict in (False, True):
            reference = first_k_by_integers(1 + eta, eps, strict=strict)
            assert q4c.escape_steps_simulated(eta, -1, eps, strict=strict) == reference, (eta, eps, strict)


def test_grid_holds_boundary_pairs_built_and_found():
    grid = q4c.escape_grid()
    assert len(grid) == len(q4c.ESCAPE_ETAS) * (len(q4c.ESCAPE_EPSILONS) + len(q4c.BOUNDARY_POWERS))
    # The built ones, ε = (1 + η)⁻ᵐ, plus ε = 1/2 at η = 1 (ratio ln 2 / ln 2 = 1).
    assert sum(on for *_, on in grid) == len(q4c.ESCAPE_ETAS) * len(q4c.BOUNDARY_POWERS) + 1
    assert q4c.ratio_is_integer(Fraction(1), Fraction(1, 2))
    assert not q4c.ratio_is_integer(Fraction(1), Fraction(1, 3))


def test_float_formula_is_right_away_from_the_boundary():
    for eta, eps, on in q4c.escape_grid():
        if not on:
            assert q4c.escape_steps_formula(float(eta), -1.0, float(eps)) == first_k_by_integers(1 + eta, eps)


def test_exact_ratio_is_the_logarithm_quotient():
    t = q4c.escape_ratio_exact(Fraction(1, 10), -1, Fraction(1, 1000))
    assert float(t) == pytest.approx(math.log(1000) / math.log(1.1), rel=1e-14)


def test_no_stable_step_size_beats_the_bound():
    bound = q4c.steps_bound()
    assert bound == math.ceil(math.log(1e6) / math.log(1.02)) == 698
    for eta in np.linspace(0.05, 1.999, 60):  # every η < 2/λ_max with λ_max = 1
        assert q4c.escape_steps_formula(eta, -0.01, 1e-6) >= bound


def test_vectorized_float_escape_matches_a_plain_loop():
    eps = np.array([0.3, 1e-3, 2e-7])
    for rate in (2.0, 1.1, 1.01):
        expected = []
        for e in eps:
            y, k = e, 0
            while y < 1:
                y, k = y * rate, k + 1
            expected.append(k)
        assert q4c.escape_steps_float_vectorized(rate, eps).tolist() == expected


# --- the recursion ---------------------------------------------------------------------------------


def test_gradient_descent_on_one_dimension_is_geometric():
    xs = q4c.gradient_descent(lambda x: -0.5 * x, [2.0], 0.4, 10)
    assert np.allclose(xs[:, 0], 2.0 * 1.2 ** np.arange(11), rtol=1e-14, atol=0)


def test_random_hessian_has_the_requested_spectrum():
    H, Q = q4c.random_hessian()
    assert np.allclose(H, H.T, atol=1e-15)
    assert np.allclose(Q.T @ Q, np.eye(len(H)), atol=1e-14)
    assert np.allclose(np.sort(np.linalg.eigvalsh(H)), np.sort(q4c.RANDOM_EIGENVALUES), atol=1e-14)


def test_random_quadratic_gd_against_a_diagonalization_by_sympy():
    # An independent reference: exact powers of I − ηH from sympy's rational arithmetic on a small case.
    H = sp.Matrix([[2, 1], [1, -1]]) / 2
    eta = sp.Rational(3, 10)
    step = sp.eye(2) - eta * H
    delta0 = sp.Matrix([1, -2])
    xs = q4c.gradient_descent(lambda x: np.array(H, dtype=float) @ x, [1.0, -2.0], 0.3, 12)
    exact = np.array([[float(v) for v in step**k * delta0] for k in range(13)])
    assert np.allclose(xs, exact, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    ("lam", "eta", "behaviour"),
    [
        (1, Fraction(1, 2), "converges, monotone"),
        (1, Fraction(1), "reaches 0 in one step"),
        (1, Fraction(3, 2), "converges, oscillating"),
        (1, Fraction(2), "oscillates forever"),
        (1, Fraction(5, 2), "grows, oscillating"),
        (4, Fraction(1, 10), "converges, monotone"),
        (4, Fraction(3, 10), "converges, oscillating"),
        (0, Fraction(1, 2), "stays (frozen)"),
        (-1, Fraction(1, 2), "grows, monotone"),
    ],
)
def test_regimes_by_hand(lam, eta, behaviour):
    assert q4c.classify(q4c.eigen_coordinate_sequence(lam, eta, 3)) == behaviour
    assert q4c.predicted_regime(lam, eta) == behaviour


def test_regime_table_lists_every_case():
    table = q4c.regime_table().splitlines()
    assert len(table) == 2 + len(q4c.REGIME_CASES)
    assert "| -1 | 0.5 | -0.5 | 1.5 | 1.5, 2.25, 3.375, 5.0625 | grows, monotone |" in table


def test_eigenvalues_in_words():
    assert q4c.mixed_entries_eigenvalues() == "3 and 1"
    assert q4c.positive_entries_eigenvalues() == "3 and −1"


def test_gradient_residuals():
    quadratic_residual, quartic_residual = q4c.gradient_residuals(2)
    assert sp.simplify(quadratic_residual) == sp.zeros(2, 1)
    x, y = sp.symbols("x y", real=True)
    assert sp.simplify(quartic_residual - sp.Matrix([0, y**3])) == sp.zeros(2, 1)


# --- the three harms ---------------------------------------------------------------------------------


def test_quartic_gradient_by_central_differences():
    rng = np.random.default_rng(0)
    h = 1e-6
    for z in rng.normal(size=(5, 2)):
        numeric = [(q4c.quartic_loss(z + h * e)[0] - q4c.quartic_loss(z - h * e)[0]) / (2 * h)
                   for e in np.eye(2)]
        assert np.allclose(q4c.quartic_gradient(z), numeric, rtol=1e-7, atol=1e-8)


def test_quartic_landscape():
    assert q4c.quartic_loss(np.array([0.0, 0.0]))[0] == 0.0
    assert q4c.quartic_loss(np.array([0.0, 1.0]))[0] == -0.25
    assert np.array_equal(q4c.quartic_gradient(np.array([0.0, 1.0])), [0.0, 0.0])


def test_start_on_the_stable_manifold_reaches_the_saddle():
    path = q4c.gradient_descent(q4c.quadratic_gradient, [-1.4, 0.0], 0.2, 200)
    assert np.all(path[:, 1] == 0)
    assert abs(path[-1, 0]) == pytest.approx(1.4 * 0.8**200, rel=1e-12)


def test_trajectories_leave_the_box_unless_on_the_manifold():
    for start in q4c.TRAJECTORY_STARTS:
        path = q4c.trajectory(start)
        if start[1] == 0:
            assert len(path) == 201 and np.linalg.norm(path[-1]) < 1e-15
        else:
            assert abs(path[-1, 1]) > 1.5 and abs(path[-2, 1]) <= 1.5


def test_stopping_rule_halts_on_the_plateau():
    k, loss = q4c.stopping_rule(1e-6)
    # While y is negligible, x⁽ᵏ⁾ = 0.9ᵏ and ‖∇f‖ ≈ 0.9ᵏ: the rule fires at the first k with 0.9ᵏ < 10⁻².
    assert k == math.ceil(math.log(1e-2) / math.log(0.9))
    assert loss == pytest.approx(0.5 * 0.9 ** (2 * k), rel=1e-3)


def test_plateau_lengthens_by_the_escape_formula():
    gap = q4c.plateau_length(1e-9) - q4c.plateau_length(1e-6)
    assert abs(gap - math.log(1e3) / math.log(1.1)) <= 1


# --- checks, values and figures -----------------------------------------------------------------------


def test_every_check_of_the_page_holds():
    load_all()
    ids = [c for c in REGISTRY if c.startswith("q4c.")]
    assert len(ids) >= 12
    for check_id in ids:
        verify(check_id)


@pytest.mark.parametrize("make", [q4c.trajectories_figure, q4c.escape_figure, q4c.plateau_figure])
def test_figures_are_accessible_and_theme_neutral(make):
    html = make()
    assert html.startswith('<figure class="exec-figure"') and "<figcaption>" in html
    assert re.search(r"<title id=[^>]+>[^<]{10,}</title>", html)
    assert re.search(r"<desc id=[^>]+>[^<]{100,}</desc>", html)
    assert not re.search(r"#(000000|ffffff)\b", html, re.IGNORECASE)
    assert len(html) < 150_000
