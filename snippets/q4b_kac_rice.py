"""Question 4b: the fraction of critical points of an isotropic Gaussian field that are minima (Kac–Rice).

The Hessian at a point is √c (M + ξ I), M a GOE matrix with Var M_ii = 2 and Var M_ij = 1, ξ ~ N(0, 1)
independent of M (snippets/q4b_hessian_law.py). Kac–Rice counts critical points with weight |det H|, so

    fraction of minima = E[|det(M + ξI)| 1{M + ξI ≻ 0}] / E[|det(M + ξI)|].

For one sampled M with eigenvalues μ, both expectations over ξ are one-dimensional Gaussian integrals of
the polynomial p(ξ) = Π (ξ + μ_i): ∫ |p| φ over ℝ, and ∫ p φ over ξ > −μ_min. They are done exactly
(truncated Gaussian moments), which leaves only the average over M to sampling.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from snippets.plumbing.checks import ratio_and_error

SIZES = range(2, 11)
CHUNK = 50_000  # matrices per random stream; the reference data holds several chunks per n
EXTENDED_SIZES = (20, 40)  # spot values beyond the table, with smaller chunks (memory)
EXTENDED_CHUNK = 10_000
SEED = 2007  # the year of Bray & Dean


def sample_goe_spectra(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues of `size` GOE matrices M = (A + Aᵀ)/√2 (Var M_ii = 2, Var M_ij = 1), ascending."""
    a = rng.standard_normal((size, n, n))
    return np.linalg.eigvalsh((a + a.transpose(0, 2, 1)) / math.sqrt(2))


def polynomial_coefficients(mu: np.ndarray) -> np.ndarray:
    """Coefficients c_k of p(ξ) = Π_i (ξ + μ_i), lowest degree first, one row per spectrum."""
    size, n = mu.shape
    coefficients = np.zeros((size, n + 1))
    coefficients[:, 0] = 1.0
    for i in range(n):  # multiply by (ξ + μ_i)
        coefficients[:, 1:] = coefficients[:, 1:] * mu[:, i : i + 1] + coefficients[:, :-1]
        coefficients[:, 0] *= mu[:, i]
    return coefficients


def upper_gaussian_moments(x: np.ndarray, degree: int) -> np.ndarray:
    """J_k(x) = ∫_x^∞ t^k φ(t) dt for k = 0..degree, by J_k = x^(k−1) φ(x) + (k − 1) J_(k−2); x may be ±∞."""
    finite = np.isfinite(x)
    safe = np.where(finite, x, 0.0)
    density = np.where(finite, np.exp(-safe * safe / 2) / math.sqrt(2 * math.pi), 0.0)
    moments = [ndtr(-x), density]
    for k in range(2, degree + 1):
        moments.append(safe ** (k - 1) * density + (k - 1) * moments[k - 2])
    return np.stack(moments[: degree + 1], axis=-1)


def xi_integrals(mu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per spectrum: ∫ |p| φ dξ (all critical points), ∫_{ξ > −μ_min} p φ dξ (minima), ∫ p φ dξ (signed)."""
    size, n = mu.shape
    roots = np.sort(-mu, axis=1)  # p changes sign only at these points
    edges = np.concatenate([np.full((size, 1), -np.inf), roots, np.full((size, 1), np.inf)], axis=1)
    moments = upper_gaussian_moments(edges, n)
    pieces = np.einsum("sik,sk->si", moments[:, :-1] - moments[:, 1:], polynomial_coefficients(mu))
    return np.abs(pieces).sum(axis=1), pieces[:, -1], pieces.sum(axis=1)


def chunk_sums(n: int, chunk: int, size: int = CHUNK) -> dict[str, float]:
    """Sums over one seeded chunk of matrices: the sufficient statistics of the ratio estimator."""
    total, minima, signed = xi_integrals(sample_goe_spectra(n, size, np.random.default_rng([SEED, n, chunk])))
    return {
        "count": size,
        "total": total.sum(),
        "minima": minima.sum(),
        "total_sq": (total**2).sum(),
        "minima_sq": (minima**2).sum(),
        "cross": (total * minima).sum(),
        "signed": signed.sum(),
        "signed_sq": (signed**2).sum(),
        "signed_cross": (total * signed).sum(),
    }


def pooled(chunks: list[dict[str, float]]) -> dict[str, float]:
    """Add the sums of several chunks."""
    return {key: math.fsum(c[key] for c in chunks) for key in chunks[0]}


def ratio_of_means(sums: dict[str, float], top: str, bottom: str, cross: str) -> tuple[float, float]:
    """Σ top / Σ bottom and its delta-method standard error, from the chunk sums (the plumbing's
    formula, which the checks use through ratio_of_sums)."""
    return ratio_and_error(sums["count"], sums[top], sums[bottom], sums[top + "_sq"], sums[bottom + "_sq"],
                           sums[cross])


def fraction_of_minima(sums: dict[str, float]) -> tuple[float, float]:
    """Ratio estimate E[minima weight] / E[total weight] and its delta-method standard error."""
    return ratio_of_means(sums, "minima", "total", "cross")


def saddles_per_minimum(fraction: float, error: float) -> tuple[float, float]:
    """(1 − 2F)/F with its standard error: maxima are as frequent as minima (H and −H have one law)."""
    return (1 - 2 * fraction) / fraction, error / fraction**2


def even_index_share(sums: dict[str, float]) -> tuple[float, float]:
    """Share of the weight on critical points of even index, (1 + E[det H]/E|det H|)/2, with its s.e."""
    signed, error = ratio_of_means(sums, "signed", "total", "signed_cross")
    return (1 + signed) / 2, error / 2
