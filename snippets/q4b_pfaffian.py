"""Question 4b: exact P(all n eigenvalues of a GOE matrix > 0) from de Bruijn's Pfaffian, for any n.

GOE here: H = (A + Aᵀ)/2 with A of independent N(0, 1) entries, eigenvalue density
∝ exp(−Σ λ_i²/2) Π_{i<j} |λ_i − λ_j|; P_n does not depend on the overall scale.

With φ_i(x) = x^i the Vandermonde determinant det[x_j^i] equals Π_{i<j}(x_j − x_i) = |Δ| on the ordered
region x_1 < … < x_n. De Bruijn (1955): the ordered integral of det[φ_i(x_j)] against Π w(x_k) dx_k is
the Pfaffian of a_ij = ∬ sign(y − x) φ_i(x) φ_j(y) w(x) w(y) dx dy, bordered by b_i = ∫ φ_i w when n is
odd. With w = e^{−x²/2} on x > 0 and z e^{−x²/2} on x < 0 the result is Σ_k z^k Z_k, Z_k the weight of
spectra with exactly k negative eigenvalues.
"""

from __future__ import annotations

import math
from functools import cache

import mpmath as mp
import sympy as sp

DIGITS_ABOVE_N = 40  # the monomial basis loses about n digits to cancellation; keep this many more


class Exact:
    """sympy arithmetic: closed forms."""

    half = staticmethod(lambda k: sp.Rational(k, 2))
    gamma, sqrt, pi = staticmethod(sp.gamma), staticmethod(sp.sqrt), sp.pi


class Float:
    """mpmath arithmetic at the working precision."""

    half = staticmethod(lambda k: mp.mpf(k) / 2)
    gamma, sqrt = staticmethod(mp.gamma), staticmethod(mp.sqrt)
    pi = property(lambda self: mp.pi)


def half_line_integrals(n: int, lib=Exact) -> tuple[list, list[list]]:
    """M_i = ∫_0^∞ x^i e^{−x²/2} dx and A_ij = ∬_{x,y>0} sign(y−x) x^i y^j e^{−(x²+y²)/2}, by parts."""
    lib = lib() if isinstance(lib, type) else lib
    moment = [2 ** lib.half(i - 1) * lib.gamma(lib.half(i + 1)) for i in range(n)]

    def e(k):  # ∫_0^∞ y^k e^{−y²} dy
        return lib.gamma(lib.half(k + 1)) / 2

    # G_ij = ∫_0^∞ y^j e^{−y²/2} F_i(y) dy with F_i(y) = ∫_0^y x^i e^{−x²/2} dx.
    g0 = []
    for j in range(n):
        if j < 2:
            g0.append(lib.pi / 4 if j == 0 else lib.sqrt(lib.pi) / 2)
        else:
            g0.append((j - 1) * g0[j - 2] + e(j - 1))
    g = [g0, [moment[j] - e(j) for j in range(n)]]
    for i in range(2, n):
        g.append([(i - 1) * g[i - 2][j] - e(i + j - 1) for j in range(n)])
    return moment, [[2 * g[i][j] - moment[i] * moment[j] for j in range(n)] for i in range(n)]


def debruijn_matrix(n: int, z, lib=Exact) -> list[list]:
    """The skew-symmetric matrix whose Pfaffian is Σ_k z^k Z_k (n×n, or (n+1)×(n+1) when n is odd)."""
    moment, a_plus = half_line_integrals(n, lib)

    def sign(k):
        return 1 if k % 2 == 0 else -1

    # Reflect x → −x: both negative gives −(−1)^{i+j} A_ij z², one of each sign gives ± M_i M_j z.
    # At z = 1 the factor 1 − z² sign(i + j) vanishes for i + j even: those A_ij drop out there.
    a = [
        [
            a_plus[i][j] * (1 - z * z * sign(i + j)) + z * moment[i] * moment[j] * (sign(i) - sign(j))
            for j in range(n)
        ]
        for i in range(n)
    ]
    if n % 2:
        border = [moment[i] * (1 + z * sign(i)) for i in range(n)]
        a = [row + [border[i]] for i, row in enumerate(a)] + [[-v for v in border] + [0 * z]]
    return a


def pfaffian(rows: list[list]):
    """Pfaffian of a skew-symmetric matrix (mpmath real or complex) by pivoted elimination, O(n³)."""
    a = [list(row) for row in rows]
    size = len(a)
    if size % 2:
        return 0
    result = 1
    for k in range(0, size - 1, 2):
        pivot_col = max(range(k + 1, size), key=lambda j: abs(a[k][j]))
        if pivot_col != k + 1:  # swapping row and column k+1 with another flips the sign
            a[k + 1], a[pivot_col] = a[pivot_col], a[k + 1]
            for row in a:
                row[k + 1], row[pivot_col] = row[pivot_col], row[k + 1]
            result = -result
        pivot = a[k][k + 1]
        if pivot == 0:
            return 0 * result
        result *= pivot
        tau = {j: a[k][j] / pivot for j in range(k + 2, size)}
        below = a[k + 1]
        for i in range(k + 2, size):
            for j in range(i + 1, size):
                a[i][j] += tau[j] * below[i] - tau[i] * below[j]
                a[j][i] = -a[i][j]
    return result


def pfaffian_by_expansion(rows: list[list]):
    """Pfaffian by expansion along the first row (exact, for sympy entries and small matrices)."""
    size = len(rows)
    if size == 0:
        return sp.Integer(1)
    total = 0
    for j in range(1, size):
        keep = [k for k in range(size) if k not in (0, j)]
        minor = [[rows[r][c] for c in keep] for r in keep]
        total += (-1) ** (j + 1) * rows[0][j] * pfaffian_by_expansion(minor)
    return total


def ordered_normalization(n: int, lib=Exact):
    """∫ over λ_1 < … < λ_n of e^{−Σλ²/2} Π|λ_i − λ_j|: Mehta's integral divided by n!."""
    lib = lib() if isinstance(lib, type) else lib
    product = 1
    for j in range(1, n + 1):
        product *= lib.gamma(1 + lib.half(j)) / lib.gamma(lib.half(3))
    return (2 * lib.pi) ** lib.half(n) * product / math.factorial(n)


def p_all_positive_closed_form(n: int) -> sp.Expr:
    """P_n as an exact expression (sympy; practical for n ≤ 6)."""
    return sp.radsimp(sp.simplify(pfaffian_by_expansion(debruijn_matrix(n, 0)) / ordered_normalization(n)))


def p_all_positive(n: int) -> mp.mpf:
    """P_n from de Bruijn's Pfaffian in high-precision arithmetic (exact up to rounding, any n)."""
    return _p_all_positive(n, mp.mp.dps)


@cache
def _p_all_positive(n: int, caller_dps: int) -> mp.mpf:
    # Keyed by the caller's precision: the result is rounded to it, so it must not be shared across.
    with mp.workdps(n + DIGITS_ABOVE_N):
        value_ = pfaffian(debruijn_matrix(n, mp.mpf(0), Float)) / ordered_normalization(n, Float)
    return +value_


@cache
def index_distribution(n: int) -> tuple[float, ...]:
    """P(exactly k negative eigenvalues), k = 0..n, from the Pfaffian at the (n+1)-th roots of unity."""
    with mp.workdps(n + DIGITS_ABOVE_N):
        roots = [mp.expjpi(2 * mp.mpf(m) / (n + 1)) for m in range(n + 1)]
        totals = [pfaffian(debruijn_matrix(n, w, Float)) for w in roots]
        norm = ordered_normalization(n, Float)
        return tuple(
            float(mp.re(sum(t * w ** (-k) for t, w in zip(totals, roots, strict=True))) / (n + 1) / norm)
            for k in range(n + 1)
        )
