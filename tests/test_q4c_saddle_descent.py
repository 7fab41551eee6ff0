"""Tests of the question 4c snippets against independent references: integer arithmetic, closed forms,
finite differences and hand-worked cases."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from conftest import DOCS

from snippets import q4c_derivation as deriv
from snippets import q4c_escape as esc
from snippets import q4c_model as model
from snippets import q4c_plateau as plat
from snippets import q4c_random_quadratic as rq
from snippets import q4c_regimes as reg
from snippets import q4c_stable_manifold as man
from snippets import q4c_traps as traps
from snippets.plumbing import page_context
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
    assert esc.escape_steps_simulated(eta, lam, eps) == expected


def test_stated_escape_counts_by_integer_comparison():
    # The three counts the prose states, each against the smallest k with 10⁶ ≤ rᵏ found in integers.
    eps = Fraction(1, 10**6)
    assert esc.steps_fast() == first_k_by_integers(Fraction(2), eps)
    assert esc.steps_slow() == first_k_by_integers(Fraction(101, 100), eps)
    assert esc.steps_bound() == first_k_by_integers(Fraction(102, 100), eps)


def test_strict_definition_adds_one_exactly_on_the_boundary():
    assert esc.escape_steps_simulated(1, -1, Fraction(1, 2**20), strict=True) == 21
    assert esc.escape_steps_simulated(1, -1, Fraction(1, 10**6), strict=True) == 20
    assert esc.escape_steps_simulated(Fraction(1, 2), -1, Fraction(2, 3) ** 5, strict=True) == 6


def test_simulation_agrees_with_integer_comparison_over_the_grid():
    for eta, eps, _ in esc.escape_grid():
        for strict in (False, True):
            reference = first_k_by_integers(1 + eta, eps, strict=strict)
            assert esc.escape_steps_simulated(eta, -1, eps, strict=strict) == reference, (eta, eps, strict)


def test_grid_holds_boundary_pairs_built_and_found():
    grid = esc.escape_grid()
    pairs = [(eta, eps) for eta, eps, _ in grid]
    plain = {(eta, eps) for eta in esc.ESCAPE_ETAS for eps in esc.ESCAPE_EPSILONS}
    built = {(eta, 1 / (1 + eta) ** m) for eta in esc.ESCAPE_ETAS for m in esc.BOUNDARY_POWERS}
    assert len(pairs) == len(set(pairs)), "a pair twice in the grid"
    assert set(pairs) == plain | built
    # On the boundary: the built ones, ε = (1 + η)⁻ᵐ, and ε = 1/2 at η = 1 (ratio ln 2 / ln 2 = 1).
    on_boundary = {(eta, eps) for eta, eps, on in grid if on}
    assert on_boundary == built | {(Fraction(1), Fraction(1, 2))}
    assert esc.ratio_is_integer(Fraction(1), Fraction(1, 2))
    assert not esc.ratio_is_integer(Fraction(1), Fraction(1, 3))


def test_exact_ratio_is_the_logarithm_quotient():
    t = esc.escape_ratio_exact(Fraction(1, 10), -1, Fraction(1, 1000))
    assert float(t) == pytest.approx(math.log(1000) / math.log(1.1), rel=1e-14)


def test_no_stable_step_size_beats_the_bound():
    bound = esc.steps_bound()
    for eta in np.linspace(0.05, 1.999, 60):  # every η < 2/λ_max with λ_max = 1
        assert esc.escape_steps_formula(eta, -0.01, 1e-6) >= bound


def test_vectorized_float_escape_matches_a_plain_loop():
    eps = np.array([0.3, 1e-3, 2e-7])
    for rate in (2.0, 1.1, 1.01):
        expected = []
        for e in eps:
            y, k = e, 0
            while y < 1:
                y, k = y * rate, k + 1
            expected.append(k)
        assert esc.escape_steps_float_vectorized(rate, eps).tolist() == expected


def test_escape_figure_check_sees_a_floor_drawn_for_a_ceiling(monkeypatch):
    # If the figure drew ⌊t⌋ where its caption says ⌈t⌉, its check must fail.
    data = esc.escape_curves()
    floors = {
        k: (
            np.floor(np.log(1 / data["dense"]) / np.log1p(float(k.split()[1]))).astype(int)
            if k.startswith("formula")
            else v
        )
        for k, v in data.items()
    }
    monkeypatch.setattr(esc, "computed", lambda key: floors)
    result = esc.the_escape_figure_draws_the_ceiling()
    assert not all(outcome.passed for outcome in result)


# --- the recursion ---------------------------------------------------------------------------------


def test_gradient_descent_on_one_dimension_is_geometric():
    xs = model.gradient_descent(lambda x: -0.5 * x, [2.0], 0.4, 10)
    assert np.allclose(xs[:, 0], 2.0 * 1.2 ** np.arange(11), rtol=1e-14, atol=0)


def test_random_hessian_has_the_requested_spectrum():
    H, Q = rq.random_hessian()
    assert np.allclose(H, H.T, atol=1e-15)
    assert np.allclose(Q.T @ Q, np.eye(len(H)), atol=1e-14)
    assert np.allclose(np.sort(np.linalg.eigvalsh(H)), np.sort(rq.RANDOM_EIGENVALUES), atol=1e-14)


def test_random_quadratic_gd_against_a_diagonalization_by_sympy():
    # An independent reference: exact powers of I − ηH from sympy's rational arithmetic on a small case.
    H = sp.Matrix([[2, 1], [1, -1]]) / 2
    eta = sp.Rational(3, 10)
    step = sp.eye(2) - eta * H
    delta0 = sp.Matrix([1, -2])
    xs = model.gradient_descent(lambda x: np.array(H, dtype=float) @ x, [1.0, -2.0], 0.3, 12)
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
    assert reg.classify(reg.eigen_coordinate_sequence(lam, eta, 3)) == behaviour
    assert reg.predicted_regime(lam, eta) == behaviour


def test_regime_table_prints_the_hand_worked_row():
    table = reg.regime_table().markdown().splitlines()
    assert len(table) == 2 + len(reg.REGIME_CASES)
    assert "| -1 | 0.5 | -0.5 | 1.5 | 1.5, 2.25, 3.375 | grows, monotone |" in table


def test_eigenvalues_in_words():
    assert deriv.mixed_entries_eigenvalues() == "3 and 1"
    assert deriv.positive_entries_eigenvalues() == "3 and −1"


def test_gradient_residuals():
    quadratic_residual, quartic_residual = deriv.gradient_residuals(2)
    assert sp.simplify(quadratic_residual) == sp.zeros(2, 1)
    _, y = sp.symbols("x y", real=True)
    assert sp.simplify(quartic_residual - sp.Matrix([0, y**3])) == sp.zeros(2, 1)


def test_loss_change_per_step_by_hand():
    # λ = 1, η = 2.5 (ηλ > 2): ½y² becomes ½(1 − 2.5)²y² = 1.125y², a rise; λ = −1: always a fall.
    big = model.gradient_descent(model.quadratic_gradient, [1.0, 0.0], 2.5, 1)
    assert model.quadratic_loss(big)[1] == pytest.approx(1.125, rel=1e-15)
    small = model.gradient_descent(model.quadratic_gradient, [0.0, 1.0], 0.5, 1)
    assert model.quadratic_loss(small)[1] == pytest.approx(-0.5 * 1.5**2, rel=1e-15)


# --- the three harms ---------------------------------------------------------------------------------


def test_quartic_gradient_by_central_differences():
    rng = np.random.default_rng(0)
    h = 1e-6
    for z in rng.normal(size=(5, 2)):
        numeric = [
            (model.quartic_loss(z + h * e)[0] - model.quartic_loss(z - h * e)[0]) / (2 * h) for e in np.eye(2)
        ]
        assert np.allclose(model.quartic_gradient(z), numeric, rtol=1e-7, atol=1e-8)


def test_quartic_landscape():
    assert model.quartic_loss(np.array([0.0, 0.0]))[0] == 0.0
    assert model.quartic_loss(np.array([0.0, 1.0]))[0] == -0.25
    assert np.array_equal(model.quartic_gradient(np.array([0.0, 1.0])), [0.0, 0.0])


def test_start_on_the_stable_manifold_reaches_the_saddle():
    path = model.gradient_descent(model.quadratic_gradient, [-1.4, 0.0], 0.2, 200)
    assert np.all(path[:, 1] == 0)
    assert abs(path[-1, 0]) == pytest.approx(1.4 * 0.8**200, rel=1e-12)


@pytest.mark.parametrize(
    ("start", "steps"),
    [
        ((-1.4, 0.0), 200),  # on the manifold: never leaves, stopped by the step cap
        ((1.4, 1e-3), 41),  # 1.2⁴⁰ ≈ 1470 < 1500 < 1.2⁴¹ ≈ 1764: first |y| > 1.5 at k = 41
        ((1.4, -0.05), 19),  # 0.05·1.2¹⁸ ≈ 1.33 ≤ 1.5 < 0.05·1.2¹⁹ ≈ 1.60
        ((-1.4, 0.3), 9),  # 0.3·1.2⁸ ≈ 1.29 ≤ 1.5 < 0.3·1.2⁹ ≈ 1.55
    ],
)
def test_each_trajectory_stops_at_its_hand_worked_exit(start, steps):
    path = man.trajectory(start)
    assert len(path) - 1 == steps


def test_stopping_rule_halts_on_the_plateau():
    k, loss = plat.stopping_rule(1e-6)
    # While y is negligible, x⁽ᵏ⁾ = 0.9ᵏ and ‖∇f‖ ≈ 0.9ᵏ: the rule fires at the first k with 0.9ᵏ < 10⁻².
    assert k == math.ceil(math.log(1e-2) / math.log(0.9))
    assert loss == pytest.approx(0.5 * 0.9 ** (2 * k), rel=1e-3)


def test_plateau_lengthens_by_the_escape_formula():
    gap = plat.plateau_length(1e-9) - plat.plateau_length(1e-6)
    assert abs(gap - math.log(1e3) / math.log(1.1)) <= 1


def test_degenerate_saddle_iterate_by_hand():
    # y ← y − 0.3y² from 0.5: 0.425, then 0.425 − 0.3·0.180625 = 0.3708125.
    path = model.gradient_descent(traps.degenerate_gradient, [1.0, 0.5], 0.1, 2)
    assert path[1, 1] == pytest.approx(0.425, rel=1e-15)
    assert path[2, 1] == pytest.approx(0.3708125, rel=1e-15)
    # 1/y⁽ᵏ⁾ grows by at least 3η = 0.3 per step: after 2000 steps y ≤ 1/(2 + 600).
    assert traps.degenerate_distance() <= 1 / 602 + 1e-12


def test_newton_step_on_the_quartic_by_hand():
    # y ← y − (y³ − y)/(3y² − 1) = 2y³/(3y² − 1): from 0.1, 0.002/(−0.97).
    path = traps.newton_path(steps=1)
    assert path[1, 0] == 0.0
    assert path[1, 1] == pytest.approx(0.002 / -0.97, rel=1e-12)


# --- checks, values and figures -----------------------------------------------------------------------


def test_every_check_of_the_page_holds_and_is_shown():
    load_all()
    ids = [c for c in REGISTRY if c.startswith("q4c.")]
    assert len(ids) >= 18
    for check_id in ids:
        verify(check_id)
    text = (DOCS / "question-4" / "4c.md").read_text(encoding="utf-8")
    shown = set(re.findall(r'"(q4c\.[a-z0-9-]+)"', " ".join(re.findall(r"show\(([^)]*)\)", text))))
    assert shown == set(ids)


@pytest.mark.parametrize("make", [man.trajectories_figure, esc.escape_figure, plat.plateau_figure])
def test_figures_are_accessible_and_theme_neutral(make):
    page_context.current = page_context.PageContext(src_uri="question-4/4c.md")
    html = make()
    assert html.startswith('<figure class="exec-figure"') and "<figcaption>" in html
    assert re.search(r"<title id=[^>]+>[^<]{10,}</title>", html)
    assert re.search(r"<desc id=[^>]+>[^<]{100,}</desc>", html)
    assert not re.search(r"#(000000|ffffff)\b", html, re.IGNORECASE)
    assert len(html) < 150_000
