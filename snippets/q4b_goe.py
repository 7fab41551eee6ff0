"""Question 4b: the GOE at n = 2, P_2 = (2 − √2)/4 by polar angles, and why the ensemble's shape matters.

GOE: H = (A + Aᵀ)/2 with A of independent N(0, 1) entries, so H_ii ~ N(0, 1) and H_ij ~ N(0, ½).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import integrate
from scipy.special import erfc

from snippets.plumbing.checks import above, at_most, close, frequency, identity
from snippets.plumbing.values import value
from snippets.q4b_page import check
from snippets.q4b_pfaffian import p_all_positive, p_all_positive_closed_form

P2 = (2 - sp.sqrt(2)) / 4
P2_SAMPLES = 400_000


def sample_goe(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` GOE matrices (H_ii ~ N(0, 1), H_ij ~ N(0, ½)), shape (size, n, n)."""
    a = rng.standard_normal((size, n, n))
    return (a + a.transpose(0, 2, 1)) / 2


def positive_definite_goe(n: int, samples: int, seed: int) -> np.ndarray:
    """For each of `samples` GOE matrices of size n: is it positive definite (smallest eigenvalue > 0)?"""
    return np.linalg.eigvalsh(sample_goe(n, samples, np.random.default_rng(seed)))[:, 0] > 0


def plain_monte_carlo(n: int, samples: int, seed: int) -> tuple[float, float]:
    """P_n by counting positive definite GOE samples: (estimate, standard error)."""
    p = float(np.mean(positive_definite_goe(n, samples, seed)))
    return p, math.sqrt(p * (1 - p) / samples)


def p2_by_polar_angles() -> sp.Expr:
    """P_2 as the ratio of angular integrals of |cos φ − sin φ| (the radial factor cancels)."""
    phi = sp.symbols("phi", real=True)
    wave = sp.sqrt(2) * sp.cos(phi + sp.pi / 4)  # = cos φ − sin φ; it changes sign at π/4 and 5π/4
    quarter = sp.integrate(wave, (phi, 0, sp.pi / 4)) + sp.integrate(-wave, (phi, sp.pi / 4, sp.pi / 2))
    circle = 4 * sp.integrate(wave, (phi, -sp.pi / 4, sp.pi / 4))  # four equal half-waves
    return sp.simplify(quarter / circle)


def p2_by_quadrature() -> float:
    """∬ over 0 < λ₂ < λ₁ vs over λ₂ < λ₁ of (λ₁ − λ₂) e^{−(λ₁² + λ₂²)/2}, by scipy."""

    def below_diagonal(y, x):
        return (x - y) * math.exp(-(x * x + y * y) / 2)

    tight = {"epsabs": 1e-14, "epsrel": 1e-13}
    positive = integrate.dblquad(below_diagonal, 0, np.inf, 0, lambda x: x, **tight)[0]
    whole = integrate.dblquad(below_diagonal, -np.inf, np.inf, -np.inf, lambda x: x, **tight)[0]
    return positive / whole


def p2_equal_variance() -> tuple[float, float]:
    """P([[a, c], [c, b]] ≻ 0) for a, b, c ~ N(0, 1), not the GOE: (value, quadrature error estimate).

    With u = (a+b)/2, v = (a−b)/2 ~ N(0, ½) and c ~ N(0, 1), the matrix is positive definite iff
    u > √(v² + c²), so P = E[P(u > √(v² + c²))], a two-dimensional integral.
    """

    def integrand(c, v):
        tail = 0.5 * erfc(math.sqrt(v * v + c * c))  # P(u > r) for u ~ N(0, ½)
        return math.exp(-v * v) / math.sqrt(math.pi) * math.exp(-c * c / 2) / math.sqrt(2 * math.pi) * tail

    return integrate.dblquad(integrand, -np.inf, np.inf, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12)


def positive_definite_equal_variance(samples: int, seed: int) -> np.ndarray:
    """For each sampled [[a, c], [c, b]], a, b, c ~ N(0, 1): is it positive definite?"""
    a, b, c = np.random.default_rng(seed).standard_normal((3, samples))
    return (a > 0) & (a * b > c * c)


def p2_equal_variance_monte_carlo(samples: int, seed: int) -> tuple[float, float]:
    """The same probability by sampling a, b, c ~ N(0, 1): (estimate, standard error)."""
    p = float(np.mean(positive_definite_equal_variance(samples, seed)))
    return p, math.sqrt(p * (1 - p) / samples)


@value("q4b.p2", statement="P(both eigenvalues of a 2×2 GOE matrix > 0) = (2 − √2)/4", fmt=".4f")
def p2() -> float:
    return float(P2)


@value(
    "q4b.p2-equal-variance",
    fmt=".4f",
    statement="P(2×2 symmetric matrix with N(0,1) entries is positive definite), quadrature",
)
def p2_equal_variance_value() -> float:
    return p2_equal_variance()[0]


@value("q4b.p2-samples", statement="GOE 2×2 samples in the P_2 check", fmt=",")
def p2_samples() -> int:
    return P2_SAMPLES


@check(
    "q4b.p2-closed-form",
    statement="P_2 = (2 − √2)/4 by polar angles, by the Pfaffian, by quadrature and by sampling 2×2 matrices",
)
def _p2():
    hits = positive_definite_goe(2, P2_SAMPLES, seed=2)
    return [
        identity(p2_by_polar_angles(), P2, what="polar-angle ratio vs (2 − √2)/4"),
        identity(p_all_positive_closed_form(2), P2, what="de Bruijn Pfaffian (sympy) vs (2 − √2)/4"),
        close(p2_by_quadrature(), float(P2), rtol=1e-8, what="scipy dblquad of the eigenvalue density"),
        frequency(int(hits.sum()), hits.size, float(P2), what="fraction of GOE samples with λ_min > 0",
                  unit="matrices"),
        close(float(p_all_positive(2)), float(P2), rtol=1e-14, what="mpmath Pfaffian vs (2 − √2)/4"),
    ]


@check(
    "q4b.ensemble-matters",
    statement="With all entries of variance 1, P_2 changes: quadrature and sampling agree, and differ from "
    "the "
    "GOE's (2 − √2)/4 by far more than the quadrature error",
)
def _ensemble_matters():
    quadrature, quadrature_error = p2_equal_variance()
    hits = positive_definite_equal_variance(P2_SAMPLES, seed=3)
    return [
        frequency(int(hits.sum()), hits.size, quadrature, what="sampled equal-variance 2×2 matrices",
                  unit="matrices"),
        above(abs(float(P2) - quadrature), 0.01, what="|(2 − √2)/4 − the quadrature's value|"),
        at_most(quadrature_error, 1e-9, what="the quadrature's error estimate (deterministic: no standard "
                                             "error applies)"),
    ]
