"""Question 4b: the random-field model and its Kac–Rice estimator, against independent computations."""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from scipy import integrate
from scipy.stats import norm

from snippets import q4b_kac_rice as kr
from snippets.q4b_minima import random_field_data
from snippets.q4b_tables import Estimate, Scientific


def test_polynomial_coefficients_match_numpy():
    mu = kr.sample_goe_spectra(6, 5, np.random.default_rng(1))
    for row, coefficients in zip(mu, kr.polynomial_coefficients(mu), strict=True):
        np.testing.assert_allclose(coefficients, np.poly(-row)[::-1], rtol=1e-12, atol=1e-12)


def test_upper_gaussian_moments_match_quadrature():
    x = np.array([-np.inf, -2.5, 0.0, 1.3, np.inf])
    moments = kr.upper_gaussian_moments(x, 6)
    for i, start in enumerate(x):
        for k in range(7):
            expected = (
                0.0
                if start == np.inf
                else integrate.quad(lambda t, k=k: t**k * norm.pdf(t), start, np.inf)[0]
            )
            assert moments[i, k] == pytest.approx(expected, abs=1e-12)


def test_xi_integrals_match_mpmath_quadrature():
    mu = kr.sample_goe_spectra(7, 4, np.random.default_rng(2))
    total, minima, signed = kr.xi_integrals(mu)
    for r, spectrum in enumerate(mu):

        def integrand(x, s=spectrum):
            return mp.fprod([x + mp.mpf(float(v)) for v in s]) * mp.npdf(x)

        roots = sorted(-float(v) for v in spectrum)
        edges = [-mp.inf, *roots, mp.inf]
        pieces = [mp.quad(integrand, [a, b]) for a, b in itertools.pairwise(edges)]
        assert total[r] == pytest.approx(float(sum(abs(p) for p in pieces)), rel=1e-10)
        assert minima[r] == pytest.approx(float(pieces[-1]), rel=1e-10)
        assert signed[r] == pytest.approx(float(sum(pieces)), rel=1e-8, abs=1e-10)


def test_minima_weight_by_brute_force_sampling_of_xi():
    """Rao–Blackwellization changes the variance, not the mean: sample ξ instead, for n = 3."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((400_000, 3, 3))
    m = (a + a.transpose(0, 2, 1)) / math.sqrt(2)
    h = np.linalg.eigvalsh(m) + rng.standard_normal((400_000, 1))
    weight = np.abs(h.prod(axis=1))
    minima = weight * (h[:, 0] > 0)
    fraction = minima.mean() / weight.mean()
    reference, _ = kr.fraction_of_minima(kr.pooled(random_field_data()["sums"]["3"]))
    cov = np.cov(minima, weight)
    error = (
        math.sqrt((cov[0, 0] - 2 * fraction * cov[0, 1] + fraction**2 * cov[1, 1]) / minima.size)
        / weight.mean()
    )
    assert abs(fraction - reference) < 4 * error


def test_delta_method_error_matches_the_spread_between_chunks():
    for n in (4, 10):
        chunks = random_field_data()["sums"][str(n)]
        per_chunk = [kr.fraction_of_minima(c)[0] for c in chunks]
        _, error = kr.fraction_of_minima(kr.pooled(chunks))
        spread = np.std(per_chunk, ddof=1) / math.sqrt(len(chunks))
        assert 0.7 < spread / error < 1.4  # 40 chunks: the ratio of two s.e. estimates is known to ~11%


def test_hessian_covariance_for_an_explicit_kernel():
    """Fourth derivatives of exp(−|x|²/2) in three dimensions, without the generic-φ code."""
    x = sp.symbols("x0:3", real=True)
    kernel = sp.exp(-sum(v**2 for v in x) / 2)
    c = 4 * sp.Rational(1, 4)  # 4 φ''(0) with φ(t) = e^{−t/2}
    for i, j, k, m in itertools.product(range(3), repeat=4):
        value = sp.diff(kernel, x[i], x[j], x[k], x[m]).subs({v: 0 for v in x})
        pattern = (i == j) * (k == m) + (i == k) * (j == m) + (i == m) * (j == k)
        assert value == c * pattern


def test_table_cells_print_their_values():
    assert format(Estimate(1624.8, 12.17)) == r"${1{,}625 \pm 12}$"
    assert format(Estimate(0.000614, 0.0000046, 100, r" \%")) == r"${0.06140 \pm 0.00046 \%}$"
    assert format(Scientific(4.41e13, 3, plain_below=1e4)) == r"${4.41 \times 10^{13}}$"
    assert format(Scientific(405.72, 3, plain_below=1e4)) == r"${406}$"
