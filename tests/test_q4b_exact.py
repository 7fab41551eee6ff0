"""Question 4b: the exact GOE probabilities against references that share no code with the Pfaffian."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from snippets import q4b_pfaffian as pf
from snippets.plumbing.checks import within_uncertainty
from snippets.q4b_goe import plain_monte_carlo, sample_goe
from snippets.q4b_index import binomial_pmf
from snippets.q4b_rate import rate_fit
from snippets.q4b_sampler import importance_sampling
from snippets.q4b_signs import sign_pattern_counts


def _random_skew(size: int, rng: np.random.Generator, complex_entries: bool = False) -> list[list]:
    a = [[mp.mpf(0)] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            entry = mp.mpf(rng.normal()) + (1j * mp.mpf(rng.normal()) if complex_entries else 0)
            a[i][j], a[j][i] = entry, -entry
    return a


@pytest.mark.parametrize("size", [2, 4, 6, 8])
@pytest.mark.parametrize("complex_entries", [False, True])
def test_pfaffian_agrees_with_expansion_and_squares_to_determinant(size, complex_entries):
    a = _random_skew(size, np.random.default_rng(size), complex_entries)
    with mp.workdps(40):
        eliminated, expanded = pf.pfaffian(a), pf.pfaffian_by_expansion(a)
        assert abs(eliminated - expanded) <= mp.mpf(10) ** -30 * (1 + abs(expanded))
        assert abs(eliminated**2 - mp.det(mp.matrix(a))) <= mp.mpf(10) ** -30 * (1 + abs(eliminated) ** 2)


def test_pfaffian_of_odd_matrix_is_zero_and_of_standard_block_is_one():
    assert pf.pfaffian(_random_skew(3, np.random.default_rng(0))) == 0
    assert pf.pfaffian([[0, 1], [-1, 0]]) == 1


def test_p1_and_p2_closed_forms():
    assert pf.p_all_positive_closed_form(1) == sp.Rational(1, 2)
    assert sp.simplify(pf.p_all_positive_closed_form(2) - (2 - sp.sqrt(2)) / 4) == 0
    with mp.workdps(50):
        assert abs(pf.p_all_positive(2) - (2 - mp.sqrt(2)) / 4) < mp.mpf(10) ** -40


def test_p3_against_a_triple_quadrature_of_the_density():
    """All three integrals numerical (the page's check does the innermost one by hand)."""

    def density(z, y, x):  # x < y < z, so the Vandermonde product is positive
        return (y - x) * (z - x) * (z - y) * math.exp(-(x * x + y * y + z * z) / 2)

    options = {"epsabs": 1e-12, "epsrel": 1e-10}
    positive = integrate.tplquad(density, 0, np.inf, lambda x: x, np.inf, lambda x, y: y, np.inf, **options)[
        0
    ]
    whole = integrate.tplquad(
        density, -np.inf, np.inf, lambda x: x, np.inf, lambda x, y: y, np.inf, **options
    )[0]
    assert positive / whole == pytest.approx((math.pi - 2 * math.sqrt(2)) / (4 * math.pi), rel=1e-7)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_plain_monte_carlo_agrees_for_small_n(n):
    estimate, error = plain_monte_carlo(n, 200_000, seed=100 + n)
    outcome = within_uncertainty(estimate, error, float(pf.p_all_positive(n)), k=4, what=f"n = {n}")
    assert outcome.passed, outcome.compared


def test_importance_sampling_with_other_parameters_and_seeds():
    for n in range(1, 9):
        estimate, error = importance_sampling(
            n, samples=40_000, seed=2024, parameters=(n + 3.0, 0.5 / math.sqrt(n + 3))
        )
        outcome = within_uncertainty(estimate, error, float(pf.p_all_positive(n)), k=4, what=f"n = {n}")
        assert outcome.passed, outcome.compared


def test_mehta_normalization_for_larger_n():
    for n in (7, 12, 20):
        with mp.workdps(n + 40):
            total = pf.pfaffian(pf.debruijn_matrix(n, mp.mpf(1), pf.Float))
            assert abs(total / pf.ordered_normalization(n, pf.Float) - 1) < mp.mpf(10) ** -25


def test_precision_is_enough():
    """Doubling the working digits changes nothing that matters."""
    n = 55
    with mp.workdps(2 * n + 80):
        careful = pf.pfaffian(pf.debruijn_matrix(n, mp.mpf(0), pf.Float)) / pf.ordered_normalization(
            n, pf.Float
        )
        assert abs(mp.log(careful) / mp.log(pf.p_all_positive(n)) - 1) < mp.mpf(10) ** -20


def test_index_distribution_matches_symbolic_generating_function():
    z = sp.symbols("z")
    for n in (2, 3, 4):
        generating = sp.expand(
            sp.simplify(pf.pfaffian_by_expansion(pf.debruijn_matrix(n, z)) / pf.ordered_normalization(n))
        )
        coefficients = [float(generating.coeff(z, k)) for k in range(n + 1)]
        np.testing.assert_allclose(pf.index_distribution(n), coefficients, rtol=1e-12, atol=1e-15)


def test_index_distribution_n10_against_an_independent_sample():
    exact = pf.index_distribution(10)
    rng = np.random.default_rng(777)
    counts = np.zeros(11)
    for _ in range(4):
        eigenvalues = np.linalg.eigvalsh(sample_goe(10, 50_000, rng))
        counts += np.bincount((eigenvalues < 0).sum(axis=1), minlength=11)
    freq = counts / 200_000
    for k in range(3, 8):
        outcome = within_uncertainty(freq[k], math.sqrt(exact[k] * (1 - exact[k]) / 200_000), exact[k], k=4)
        assert outcome.passed, outcome.compared


def test_binomial_and_sign_patterns():
    np.testing.assert_allclose(binomial_pmf(4), [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
    assert sign_pattern_counts(3) == {"minimum": 1, "maximum": 1, "saddle": 6}
    assert sign_pattern_counts(1) == {"minimum": 1, "maximum": 1, "saddle": 0}


def test_rate_fit_recovers_known_coefficients():
    n = np.arange(1, 101)
    truth = np.array([0.3, -0.4, -0.05, 0.2, 0.1])
    log_p = -truth[0] * n**2 + truth[1] * n + truth[2] * np.log(n) + truth[3] + truth[4] / n
    np.testing.assert_allclose(rate_fit(20, n=n, log_p=log_p), truth, rtol=1e-8, atol=1e-10)
