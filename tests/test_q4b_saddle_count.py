"""Question 4b: exact P(all GOE eigenvalues > 0), the samplers, the index distribution, the reference data."""

from __future__ import annotations

import json
import math
import re

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import DOCS
from scipy import integrate

from snippets import q4b_reference as reference
from snippets import q4b_saddle_count as q
from snippets.plumbing.checks import REGISTRY, load_all, verify, within_uncertainty

PAGE = DOCS / "question-4" / "4b.md"


def _random_skew(size: int, rng: np.random.Generator, complex_entries: bool = False) -> list[list]:
    a = [[mp.mpf(0)] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            entry = mp.mpf(rng.normal()) + (1j * mp.mpf(rng.normal()) if complex_entries else 0)
            a[i][j], a[j][i] = entry, -entry
    return a


# --- The Pfaffian ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 4, 6, 8])
@pytest.mark.parametrize("complex_entries", [False, True])
def test_pfaffian_agrees_with_expansion_and_squares_to_determinant(size, complex_entries):
    rng = np.random.default_rng(size)
    a = _random_skew(size, rng, complex_entries)
    with mp.workdps(40):
        eliminated, expanded = q.pfaffian(a), q.pfaffian_by_expansion(a)
        assert abs(eliminated - expanded) <= mp.mpf(10) ** -30 * (1 + abs(expanded))
        assert abs(eliminated**2 - mp.det(mp.matrix(a))) <= mp.mpf(10) ** -30 * (1 + abs(eliminated) ** 2)


def test_pfaffian_of_odd_matrix_is_zero_and_of_standard_block_is_one():
    assert q.pfaffian(_random_skew(3, np.random.default_rng(0))) == 0
    assert q.pfaffian([[0, 1], [-1, 0]]) == 1


# --- Exact values against independent references --------------------------------------------------


def test_p1_and_p2_closed_forms():
    assert q.p_all_positive_closed_form(1) == sp.Rational(1, 2)
    # (2 - √2)/4: the solid angle of the positive definite cone in Sym_2 (MathOverflow question 118556).
    assert sp.simplify(q.p_all_positive_closed_form(2) - (2 - sp.sqrt(2)) / 4) == 0
    assert sp.simplify(q.p2_by_polar_angles() - (2 - sp.sqrt(2)) / 4) == 0
    with mp.workdps(50):
        assert abs(q.p_all_positive(2) - (2 - mp.sqrt(2)) / 4) < mp.mpf(10) ** -40


def test_p3_against_direct_triple_quadrature():
    """A different algorithm: scipy integrates the 3-eigenvalue density over ordered spectra."""

    def density(z, y, x):  # x < y < z, so the Vandermonde product is positive
        return (y - x) * (z - x) * (z - y) * math.exp(-(x * x + y * y + z * z) / 2)

    positive = integrate.tplquad(density, 0, np.inf, lambda x: x, np.inf, lambda x, y: y, np.inf,
                                 epsabs=1e-12, epsrel=1e-10)[0]
    whole = integrate.tplquad(density, -np.inf, np.inf, lambda x: x, np.inf, lambda x, y: y, np.inf,
                              epsabs=1e-12, epsrel=1e-10)[0]
    assert positive / whole == pytest.approx(float(q.p_all_positive(3)), rel=1e-7)
    closed_form = (math.pi - 2 * math.sqrt(2)) / (4 * math.pi)
    assert float(q.p_all_positive(3)) == pytest.approx(closed_form, rel=1e-14)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_plain_monte_carlo_agrees_for_small_n(n):
    estimate, error = q.plain_monte_carlo(n, 200_000, seed=100 + n)
    outcome = within_uncertainty(estimate, error, float(q.p_all_positive(n)), k=4, what=f"n = {n}")
    assert outcome.passed, outcome.compared


def test_importance_sampling_with_other_parameters_and_seeds():
    for n in range(1, 9):
        m, c = n + 3.0, 0.5 / math.sqrt(n + 3)
        estimate, error = q.importance_sampling(n, samples=40_000, seed=2024, parameters=(m, c))
        outcome = within_uncertainty(estimate, error, float(q.p_all_positive(n)), k=4, what=f"n = {n}")
        assert outcome.passed, outcome.compared


def test_mehta_normalization_for_larger_n():
    for n in (7, 12, 20):
        with mp.workdps(n + 40):
            pf = q.pfaffian(q.debruijn_matrix(n, mp.mpf(1), q._Float))
            assert abs(pf / q.ordered_normalization(n, q._Float) - 1) < mp.mpf(10) ** -25


def test_precision_is_enough():
    """Doubling the working digits changes nothing that matters."""
    n = 55
    with mp.workdps(2 * n + 80):
        careful = q.pfaffian(q.debruijn_matrix(n, mp.mpf(0), q._Float)) / q.ordered_normalization(n, q._Float)
        assert abs(mp.log(careful) / mp.log(q.p_all_positive(n)) - 1) < mp.mpf(10) ** -20


# --- Index distribution ---------------------------------------------------------------------------


def test_index_distribution_matches_symbolic_generating_function():
    z = sp.symbols("z")
    for n in (2, 3, 4):
        generating = sp.expand(sp.simplify(q.pfaffian_by_expansion(q.debruijn_matrix(n, z))
                                           / q.ordered_normalization(n)))
        coefficients = [float(generating.coeff(z, k)) for k in range(n + 1)]
        np.testing.assert_allclose(q.index_distribution(n), coefficients, rtol=1e-12, atol=1e-15)
    p2 = float(q.p_all_positive(2))
    np.testing.assert_allclose(q.index_distribution(2), [p2, 1 - 2 * p2, p2], rtol=1e-13)


def test_index_distribution_n10_against_a_larger_independent_sample():
    exact = q.index_distribution(10)
    rng = np.random.default_rng(777)
    samples = 100_000
    counts = np.zeros(11)
    for _ in range(4):
        eig = np.linalg.eigvalsh(q.sample_goe(10, samples // 4, rng))
        counts += np.bincount((eig < 0).sum(axis=1), minlength=11)
    freq = counts / samples
    for k in range(3, 8):
        error = math.sqrt(exact[k] * (1 - exact[k]) / samples)
        outcome = within_uncertainty(freq[k], error, exact[k], k=4, what=f"k = {k}")
        assert outcome.passed, outcome.compared
    assert freq[[0, 1, 9, 10]].sum() == 0  # expected count 1e-3


def test_binomial_and_wilson_helpers():
    np.testing.assert_allclose(q.binomial_pmf(4), [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
    low, high = q.wilson_interval(np.array([0.5]), 100)
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (0.4038, 0.5962)  # textbook values


def test_sign_pattern_counts():
    assert q.sign_pattern_counts(3) == {"minimum": 1, "maximum": 1, "saddle": 6}
    assert q.sign_pattern_counts(1) == {"minimum": 1, "maximum": 1, "saddle": 0}


# --- Reference data -------------------------------------------------------------------------------


def test_committed_reference_data_reproduces_on_a_reduced_rerun():
    committed = json.loads(q.DATA_FILE.read_text(encoding="utf-8"))
    assert committed["n"] == list(range(1, reference.N_MAX + 1))
    sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55]
    rerun = reference.reference_table(sizes)
    expected = [committed["log_p"][n - 1] for n in sizes]
    np.testing.assert_allclose(rerun["log_p"], expected, rtol=1e-13)


def test_rate_fit_recovers_known_coefficients():
    n = np.arange(1, 101)
    truth = np.array([0.3, -0.4, -0.05, 0.2, 0.1])
    log_p = -truth[0] * n**2 + truth[1] * n + truth[2] * np.log(n) + truth[3] + truth[4] / n
    np.testing.assert_allclose(q.rate_fit(20, n=n, log_p=log_p), truth, rtol=1e-8, atol=1e-10)


def test_theta_from_exact_values():
    assert q.rate_fit()[0] == pytest.approx(math.log(3) / 4, rel=1e-5)


# --- Presentation and page wiring -------------------------------------------------------------------


@pytest.mark.parametrize("make", [q.probability_figure, q.rate_figure, q.index_figure])
def test_figures_have_captions_and_alt_text(make):
    html = make()
    assert html.startswith('<figure class="exec-figure"') and "<figcaption>" in html
    assert re.search(r"<title id=\"[^\"]+\">[^<]{20,}</title><desc id=\"[^\"]+\">[^<]{40,}</desc>", html)


def test_every_check_holds_and_is_shown_on_the_page():
    load_all()
    ours = {cid for cid, c in REGISTRY.items() if c.page == "question-4/4b.md"}
    shown = set(re.findall(r'"(q4b\.[a-z0-9-]+)"', PAGE.read_text(encoding="utf-8")))
    assert ours and ours == shown
    for cid in sorted(ours):
        verify(cid)


def test_equal_variance_ensemble_against_a_large_sample():
    estimate, error = q.p2_equal_variance_monte_carlo(2_000_000, seed=99)
    reference = q.p2_equal_variance_quadrature()
    outcome = within_uncertainty(estimate, error, reference, k=4, what="2,000,000 samples")
    assert outcome.passed, outcome.compared
