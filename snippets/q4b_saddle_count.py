"""Question 4b: how rare an all-positive Hessian spectrum is, by coin flips and for random symmetric matrices.

The random-matrix model is the Gaussian orthogonal ensemble (GOE) in this normalization:
H = (A + Aᵀ)/2 with A an n×n matrix of independent N(0, 1) entries, so H_ii ~ N(0, 1),
H_ij ~ N(0, 1/2), the matrix density is ∝ exp(-tr H²/2) and the eigenvalue density is
∝ exp(-Σ λ_i²/2) Π_{i<j} |λ_i - λ_j|.  P(all λ_i > 0) does not depend on this overall scale.

Three independent routes to P_n = P(all n eigenvalues > 0):
1. exact: de Bruijn's Pfaffian turns the n-fold integral into one- and two-dimensional
   integrals with closed forms (sympy for exact closed forms, mpmath for any n);
2. importance sampling from a scaled Wishart matrix, which is always positive definite;
3. plain Monte Carlo, affordable only for small n.
"""

from __future__ import annotations

import itertools
import json
import math
from functools import cache
from pathlib import Path

import mpmath as mp
import numpy as np
import sympy as sp
from scipy.special import multigammaln

from snippets.plumbing.checks import check, close, equal, holds, identity, within_uncertainty
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import scientific, value

PAGE = "question-4/4b.md"
THETA = math.log(3) / 4  # Dean & Majumdar (2006): P_n ≈ exp(-θ n²) for the GOE (β = 1)
TABLE_SIZES = range(1, 11)
INDEX_SIZE = 10
DATA_FILE = Path(__file__).with_name("data") / "q4b_exact.json"
IS_SAMPLES = 20_000
IS_SEED = 4
MC_INDEX_SAMPLES = 20_000
MC_INDEX_SEED = 10


# --- Coin flips: sign patterns of n eigenvalues ------------------------------------------------


def sign_pattern_counts(n: int) -> dict[str, int]:
    """Count the 2ⁿ sign patterns of n non-zero eigenvalues by kind of critical point."""
    counts = {"minimum": 0, "maximum": 0, "saddle": 0}
    for signs in itertools.product((1, -1), repeat=n):
        if all(s > 0 for s in signs):
            counts["minimum"] += 1
        elif all(s < 0 for s in signs):
            counts["maximum"] += 1
        else:
            counts["saddle"] += 1
    return counts


# --- Sampling the GOE ----------------------------------------------------------------------


def sample_goe(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` GOE matrices (H_ii ~ N(0,1), H_ij ~ N(0,1/2)), shape (size, n, n)."""
    a = rng.standard_normal((size, n, n))
    return (a + a.transpose(0, 2, 1)) / 2


def plain_monte_carlo(n: int, samples: int, seed: int) -> tuple[float, float]:
    """P_n by counting positive definite GOE samples: (estimate, standard error)."""
    smallest = np.linalg.eigvalsh(sample_goe(n, samples, np.random.default_rng(seed)))[:, 0]
    p = float(np.mean(smallest > 0))
    return p, math.sqrt(max(p * (1 - p), 1e-300) / samples)


def p2_equal_variance_quadrature() -> float:
    """P(positive definite) of [[a, c], [c, b]] with a, b, c ~ N(0, 1), which is not the GOE.

    With u = (a+b)/2, v = (a-b)/2 ~ N(0, ½) and c ~ N(0, 1), the matrix is positive definite iff
    u > √(v² + c²), so P = E[P(u > √(v² + c²))], a two-dimensional integral.
    """
    from scipy import integrate
    from scipy.special import erfc

    def integrand(c, v):
        tail = 0.5 * erfc(math.sqrt(v * v + c * c))  # P(u > r) for u ~ N(0, ½)
        return math.exp(-v * v) / math.sqrt(math.pi) * math.exp(-c * c / 2) / math.sqrt(2 * math.pi) * tail

    return integrate.dblquad(integrand, -np.inf, np.inf, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12)[0]


def p2_equal_variance_monte_carlo(samples: int, seed: int) -> tuple[float, float]:
    """The same probability by sampling a, b, c ~ N(0, 1): (estimate, standard error)."""
    a, b, c = np.random.default_rng(seed).standard_normal((3, samples))
    p = float(np.mean((a > 0) & (a * b > c * c)))
    return p, math.sqrt(p * (1 - p) / samples)


# --- Exact values: de Bruijn's Pfaffian --------------------------------------------------------
#
# With φ_i(x) = x^i the Vandermonde determinant det[x_j^i] equals Π_{i<j}(x_j - x_i) = |Δ| on
# the ordered region x_1 < ... < x_n.  De Bruijn (1955): the ordered integral of det[φ_i(x_j)]
# against Π w(x_k) dx_k is the Pfaffian of a_ij = ∬ sign(y - x) φ_i(x) φ_j(y) w(x) w(y) dx dy,
# bordered by b_i = ∫ φ_i w when n is odd.  With w(x) = e^{-x²/2} on x > 0 and z e^{-x²/2} on
# x < 0, the result is Σ_k z^k Z_k, Z_k the weight of spectra with exactly k negative eigenvalues.


class _Exact:
    """sympy arithmetic: closed forms."""

    half = staticmethod(lambda k: sp.Rational(k, 2))
    gamma, sqrt, pi = staticmethod(sp.gamma), staticmethod(sp.sqrt), sp.pi


class _Float:
    """mpmath arithmetic at the working precision."""

    half = staticmethod(lambda k: mp.mpf(k) / 2)
    gamma, sqrt = staticmethod(mp.gamma), staticmethod(mp.sqrt)
    pi = property(lambda self: mp.pi)


def _half_line_integrals(n: int, lib) -> tuple[list, list[list]]:
    """M_i = ∫_0^∞ x^i e^{-x²/2} dx and A_ij = ∬_{x,y>0} sign(y-x) x^i y^j e^{-(x²+y²)/2}."""
    moment = [2 ** lib.half(i - 1) * lib.gamma(lib.half(i + 1)) for i in range(n)]

    def e(k):  # ∫_0^∞ y^k e^{-y²} dy
        return lib.gamma(lib.half(k + 1)) / 2

    # G_ij = ∫_0^∞ y^j e^{-y²/2} F_i(y) dy with F_i(y) = ∫_0^y x^i e^{-x²/2} dx, by integrating by parts.
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


def debruijn_matrix(n: int, z, lib=_Exact) -> list[list]:
    """The skew-symmetric matrix whose Pfaffian is Σ_k z^k Z_k (ordered integrals, n×n or (n+1)×(n+1))."""
    lib = lib() if isinstance(lib, type) else lib
    moment, a_plus = _half_line_integrals(n, lib)

    def sign(k):
        return 1 if k % 2 == 0 else -1

    # Reflect x -> -x: both negative gives -(-1)^{i+j} A_ij z², one of each sign gives ± M_i M_j z.
    a = [[a_plus[i][j] * (1 - z * z * sign(i + j)) + z * moment[i] * moment[j] * (sign(i) - sign(j))
          for j in range(n)] for i in range(n)]
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


def ordered_normalization(n: int, lib=_Exact):
    """∫ over λ_1 < ... < λ_n of e^{-Σλ²/2} Π|λ_i - λ_j|: Mehta's integral divided by n!."""
    lib = lib() if isinstance(lib, type) else lib
    product = 1
    for j in range(1, n + 1):
        product *= lib.gamma(1 + lib.half(j)) / lib.gamma(lib.half(3))
    return (2 * lib.pi) ** lib.half(n) * product / math.factorial(n)


def p_all_positive_closed_form(n: int) -> sp.Expr:
    """P_n as an exact expression (sympy; practical for n ≤ 6)."""
    return sp.radsimp(sp.simplify(pfaffian_by_expansion(debruijn_matrix(n, 0)) / ordered_normalization(n)))


def _digits(n: int) -> int:
    # The monomial basis loses about n digits to cancellation; keep 40 more than that.
    return n + 40


def p_all_positive(n: int) -> mp.mpf:
    """P_n from de Bruijn's Pfaffian in high-precision arithmetic (exact up to rounding, any n)."""
    return _p_all_positive(n, mp.mp.dps)


@cache
def _p_all_positive(n: int, caller_dps: int) -> mp.mpf:
    # Keyed by the caller's precision: the result is rounded to it, so it must not be shared across.
    with mp.workdps(_digits(n)):
        value_ = pfaffian(debruijn_matrix(n, mp.mpf(0), _Float)) / ordered_normalization(n, _Float)
    return +value_


@cache
def index_distribution(n: int) -> np.ndarray:
    """P(exactly k negative eigenvalues), k = 0..n, from the Pfaffian at the (n+1)-th roots of unity."""
    with mp.workdps(_digits(n)):
        roots = [mp.expjpi(2 * mp.mpf(m) / (n + 1)) for m in range(n + 1)]
        totals = [pfaffian(debruijn_matrix(n, w, _Float)) for w in roots]
        norm = ordered_normalization(n, _Float)
        coefficients = [mp.re(sum(t * w ** (-k) for t, w in zip(totals, roots, strict=True))) / (n + 1) / norm
                        for k in range(n + 1)]
    return np.array([float(c) for c in coefficients])


# --- Importance sampling from a Wishart matrix -------------------------------------------------


def wishart_parameters(n: int) -> tuple[float, float]:
    """Degrees of freedom m and scale c of the proposal (tuned once on pilot runs with other seeds)."""
    return n + 2.0, 0.6 / math.sqrt(n + 3)


def importance_sampling(n: int, samples: int = IS_SAMPLES, seed: int = IS_SEED,
                        parameters: tuple[float, float] | None = None) -> tuple[float, float]:
    """P_n = E_q[p(H)/q(H)] with H = c·LLᵀ from Bartlett's decomposition: (estimate, standard error).

    Every proposal H is positive definite, so no sample is wasted.  p is the GOE density and q the
    density of c times a Wishart(m, I) matrix; both are densities of the same n(n+1)/2 entries.
    """
    m, c = parameters or wishart_parameters(n)
    rng = np.random.default_rng([seed, n])  # an independent stream for each n
    lower = np.zeros((samples, n, n))
    for i in range(n):
        lower[:, i, i] = np.sqrt(rng.chisquare(m - i, size=samples))
        lower[:, i, :i] = rng.standard_normal((samples, i))
    wishart = lower @ lower.transpose(0, 2, 1)
    log_det = 2 * np.log(np.diagonal(lower, axis1=1, axis2=2)).sum(axis=1)
    trace = np.einsum("kii->k", wishart)
    trace_sq = (wishart**2).sum(axis=(1, 2))  # tr W² = ‖W‖²_F for symmetric W
    log_p = -(c**2) * trace_sq / 2 - n / 2 * math.log(2 * math.pi) - n * (n - 1) / 4 * math.log(math.pi)
    log_q = ((m - n - 1) / 2 * log_det - trace / 2 - m * n / 2 * math.log(2) - multigammaln(m / 2, n)
             - n * (n + 1) / 2 * math.log(c))
    weights = np.exp(log_p - log_q)
    return float(weights.mean()), float(weights.std(ddof=1) / math.sqrt(samples))


# --- The committed reference data (snippets/q4b_reference.py) ----------------------------------


@cache
def reference_data() -> dict:
    """ln P_n for n = 1..N_MAX from the reference script, as committed."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def rate_fit(low: int = 20, high: int | None = None, n=None, log_p=None) -> np.ndarray:
    """Least squares fit ln P_n ≈ -a n² + b n + c ln n + d + e/n over low ≤ n ≤ high: [a, b, c, d, e].

    Uses the committed reference data unless arrays n and log_p are given.
    """
    if n is None:
        data = reference_data()
        n, log_p = data["n"], data["log_p"]
    n, log_p = np.asarray(n, dtype=float), np.asarray(log_p, dtype=float)
    keep = (n >= low) & (n <= (high or n.max()))
    n = n[keep]
    design = np.column_stack([-(n**2), n, np.log(n), np.ones_like(n), 1 / n])
    return np.linalg.lstsq(design, log_p[keep], rcond=None)[0]


# --- Presentation ------------------------------------------------------------------------------

def _latex_sci(x: float, digits: int = 3) -> str:
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    exponent = int(exponent)
    return f"${mantissa}$" if exponent == 0 else f"${mantissa}\\times10^{{{exponent}}}$"


@cache
def table_rows() -> list[dict]:
    rows = []
    for n in TABLE_SIZES:
        exact = float(p_all_positive(n))
        estimate, error = importance_sampling(n)
        rows.append({"n": n, "exact": exact, "estimate": estimate, "error": error,
                     "coin": 2.0**-n, "rate": math.exp(-THETA * n * n)})
    return rows


CLOSED_FORM_SIZES = range(1, 5)


@cache
def closed_forms() -> dict[int, sp.Expr]:
    return {n: p_all_positive_closed_form(n) for n in CLOSED_FORM_SIZES}


def probability_table() -> str:
    """Markdown table: exact P_n, the importance-sampling estimate ± s.e., 2⁻ⁿ and e^{-θn²}."""
    forms = closed_forms()
    lines = [
        # Plain-text headers: on phones they label each cell (snippets/plumbing/table_cards.py).
        "| n | exact Pₙ | closed form | importance sampling ± s.e. | deviation "
        "| 2⁻ⁿ | e^(−θn²) |",
        "|---:|---:|:---:|---:|---:|---:|---:|",
    ]
    for row in table_rows():
        form = f"${sp.latex(sp.together(forms[row['n']]))}$" if row["n"] in forms else "—"
        deviation = (row["estimate"] - row["exact"]) / row["error"]
        lines.append(
            f"| {row['n']} | {_latex_sci(row['exact'], 4)} | {form} | {_latex_sci(row['estimate'], 3)} ± "
            f"{_latex_sci(row['error'], 1)} | {deviation:+.2f} s.e. | {_latex_sci(row['coin'], 3)} | "
            f"{_latex_sci(row['rate'], 3)} |"
        )
    return "\n".join(lines)


def probability_figure() -> str:
    rows = table_rows()
    n = np.array([r["n"] for r in rows])
    fig, ax = new_figure(6.4, 3.8)
    fine = np.linspace(1, n.max(), 200)
    ax.semilogy(fine, 2.0**-fine, label=r"coin flips $2^{-n}$", color="C5", linestyle=":")
    ax.semilogy(fine, np.exp(-THETA * fine**2), label=r"asymptotic rate $e^{-\theta n^2}$, $\theta=\ln 3/4$",
                color="C1", linestyle="--")
    ax.semilogy(n, [r["exact"] for r in rows], "o-", label=r"GOE, exact (Pfaffian)", color="C0")
    ax.errorbar(n + 0.12, [r["estimate"] for r in rows], yerr=[2 * r["error"] for r in rows], fmt="s",
                markersize=4, capsize=2, label="GOE, importance sampling ± 2 s.e.", color="C2")
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel(r"$P(\mathrm{all\ eigenvalues} > 0)$")
    ax.set_xticks(n)
    ax.legend(loc="lower left", fontsize=8.5)
    return figure_html(
        fig, figure_id="q4b-probability",
        title="Probability that all eigenvalues are positive, n = 1 to 10, log scale",
        description=(
            "On a logarithmic vertical axis, the exact GOE probability falls from 0.5 at n = 1 to about "
            f"{scientific(rows[-1]['exact'], 3)} at n = 10, bending downward like a parabola, while the "
            "coin-flip value 2^-n is a straight line ending near 10^-3. Importance-sampling estimates sit "
            "on the exact curve. The curve exp(-theta n^2) has the same downward bend but lies above the "
            "exact values."),
        caption=(
            "P(all eigenvalues > 0) for an n×n GOE matrix (log scale): exact values from de Bruijn's "
            "Pfaffian, importance-sampling estimates (shifted right slightly, bars ±2 s.e.), the coin-flip "
            "model 2⁻ⁿ, and the Dean–Majumdar asymptotic rate exp(−θn²), which fixes the n² decay but "
            "not the subleading factors."),
    )


def rate_figure() -> str:
    data = reference_data()
    n = np.array(data["n"], dtype=float)
    log_p = np.array(data["log_p"])
    fig, ax = new_figure(6.4, 3.4)
    ax.plot(n, -log_p / n**2, label=r"GOE, exact: $-\ln P_n / n^2$", color="C0")
    ax.plot(n, math.log(2) / n, label=r"coin flips: $\ln 2 / n$", color="C5", linestyle=":")
    ax.axhline(THETA, label=r"$\theta = \ln 3 / 4$", color="C1", linestyle="--", linewidth=1.5)
    ax.set_xscale("log")
    ax.set_ylim(0, 0.72)
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel(r"decay per $n^2$")
    ax.legend(loc="upper right", fontsize=8.5)
    return figure_html(
        fig, figure_id="q4b-rate",
        title="-ln P_n divided by n squared, n = 1 to 100, against ln 3 / 4",
        description=(
            "For the GOE the quantity -ln P_n / n^2 starts at ln 2 at n = 1 and decreases slowly towards "
            f"the horizontal line theta = ln 3/4 = {THETA:.4f}, reaching {-log_p[-1] / n[-1] ** 2:.4f} at "
            f"n = {int(n[-1])}. For coin flips the same quantity, ln 2 / n, falls to zero."),
        caption=(
            f"The exponent per n² of P(all eigenvalues > 0), from the exact values for n = 1 … {int(n[-1])} "
            "(committed data of snippets/q4b_reference.py, horizontal axis logarithmic). The GOE value "
            "approaches θ = ln 3/4 from above, slowly, because ln P_n also has terms of order n; "
            "independent coin flips would give ln 2/n → 0."),
    )


def binomial_pmf(n: int) -> np.ndarray:
    """The coin-flip model of the index: P(k of n fair coins come up negative), k = 0..n."""
    return np.array([math.comb(n, k) for k in range(n + 1)]) / 2**n


@cache
def index_monte_carlo() -> tuple[np.ndarray, np.ndarray]:
    """Fraction of MC_INDEX_SAMPLES GOE matrices with k negative eigenvalues, and its standard error."""
    rng = np.random.default_rng(MC_INDEX_SEED)
    eigenvalues = np.linalg.eigvalsh(sample_goe(INDEX_SIZE, MC_INDEX_SAMPLES, rng))
    counts = np.bincount((eigenvalues < 0).sum(axis=1), minlength=INDEX_SIZE + 1)
    freq = counts / MC_INDEX_SAMPLES
    return freq, np.sqrt(freq * (1 - freq) / MC_INDEX_SAMPLES)


def wilson_interval(freq: np.ndarray, samples: int, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a binomial proportion: never below 0, sensible for rare counts."""
    centre = (freq + z**2 / (2 * samples)) / (1 + z**2 / samples)
    half = z / (1 + z**2 / samples) * np.sqrt(freq * (1 - freq) / samples + z**2 / (4 * samples**2))
    return centre - half, centre + half


def index_figure() -> str:
    k = np.arange(INDEX_SIZE + 1)
    exact = index_distribution(INDEX_SIZE)
    freq, _ = index_monte_carlo()
    low, high = wilson_interval(freq, MC_INDEX_SAMPLES)
    coin = binomial_pmf(INDEX_SIZE)
    fig, (left, right) = new_figure(7.2, 3.6, ncols=2)
    for ax, log in ((left, False), (right, True)):
        ax.bar(k, exact, width=0.7, color="C0", alpha=0.6, label="GOE, exact (Pfaffian)")
        seen = freq > 0  # a zero count has no place on a log axis
        ax.errorbar(k[seen], freq[seen], yerr=[freq[seen] - low[seen], high[seen] - freq[seen]], fmt="o",
                    markersize=4.5, capsize=2.5, color="C2",
                    label=f"GOE, {MC_INDEX_SAMPLES:,} samples (95% interval)")
        ax.plot(k, coin, "D--", markersize=4, linewidth=1.2, color="C1", label="coin flips: Binomial(10, ½)")
        ax.set_xticks(k)
        ax.set_xlabel("index $k$ (negative eigenvalues)")
        if log:
            ax.set_yscale("log")
            ax.set_ylim(1e-15, 1)
            ax.set_title("log scale", fontsize=9)
        else:
            ax.set_ylabel("probability")
            ax.set_title("linear scale", fontsize=9)
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=8)
    return figure_html(
        fig, figure_id="q4b-index",
        title="Distribution of the index of a 10 by 10 GOE matrix against Binomial(10, 1/2)",
        description=(
            "Two panels, linear and logarithmic. The GOE index distribution peaks at k = 5 with "
            f"probability {exact[5]:.2f}, higher and narrower than the binomial's {coin[5]:.2f}; sampled "
            "frequencies sit on the exact bars. On the log scale the GOE tails fall to about "
            f"{scientific(exact[0], 2)} at k = 0 and k = 10, while the binomial tails stay at 1/1024."),
        caption=(
            f"The index (number of negative eigenvalues) of a {INDEX_SIZE}×{INDEX_SIZE} GOE matrix: exact "
            f"distribution from de Bruijn's Pfaffian (bars), frequencies among {MC_INDEX_SAMPLES:,} sampled "
            "matrices (points with 95% Wilson intervals; indices never observed are not drawn), and the "
            "coin-flip model Binomial(10, ½). Repulsion concentrates the index near n/2 and empties the "
            "tails."),
    )


# --- Values stated in the prose ----------------------------------------------------------------


@value("q4b.theta", statement="θ = ln 3 / 4", fmt=".8f")
def theta() -> float:
    return THETA


@value("q4b.p2", statement="P(both eigenvalues of a 2×2 GOE matrix > 0), exact", fmt=".4f")
def p2() -> float:
    return float(p_all_positive(2))


@value("q4b.p8", statement="P_8, exact (Pfaffian)")
def p8() -> str:
    return scientific(float(p_all_positive(8)), 3)


@value("q4b.coin8", statement="2⁻⁸")
def coin8() -> str:
    return scientific(2.0**-8, 3)


@value("q4b.is-samples", statement="importance-sampling draws per n", fmt=",")
def is_samples() -> int:
    return IS_SAMPLES


@value("q4b.mc-samples-n8",
       statement="plain Monte Carlo samples for 10% relative error at n = 8: (1-P)/(0.1² P)")
def mc_samples_n8() -> str:
    p = float(p_all_positive(8))
    return scientific((1 - p) / (0.1**2 * p), 2)


@value("q4b.worst-relative-se", fmt=".1%",
       statement="largest relative standard error of the importance-sampling estimates")
def worst_relative_se() -> float:
    return max(r["error"] / r["estimate"] for r in table_rows())


@value("q4b.theta-fit", statement="fitted coefficient of n² in ln P_n, n = 20..100", fmt=".8f")
def theta_fit() -> float:
    return float(rate_fit()[0])


@value("q4b.rate-at-max", statement="-ln P_n / n² at the largest n of the reference data", fmt=".4f")
def rate_at_max() -> float:
    data = reference_data()
    return -data["log_p"][-1] / data["n"][-1] ** 2


@value("q4b.fit-b", statement="fitted coefficient b of n in ln P_n, n = 20..100", fmt=".3f")
def fit_b() -> float:
    return float(rate_fit()[1])


@value("q4b.p2-equal-variance", statement="P(2×2 symmetric matrix with N(0,1) entries is positive definite)",
       fmt=".4f")
def p2_equal_variance() -> float:
    return p2_equal_variance_quadrature()


@value("q4b.n-max", statement="largest n of the reference data")
def n_max() -> int:
    return int(reference_data()["n"][-1])


@value("q4b.ratio-goe-10", statement="saddles per minimum for n = 10 under the GOE model, (1 - 2P_10)/P_10")
def ratio_goe_10() -> str:
    p = float(p_all_positive(10))
    return scientific((1 - 2 * p) / p, 3)


@value("q4b.ratio-coin-10", statement="saddle patterns per minimum pattern for n = 10, 2¹⁰ - 2")
def ratio_coin_10() -> int:
    return sign_pattern_counts(10)["saddle"]


@value("q4b.index-var", statement="variance of the index of a 10×10 GOE matrix, exact", fmt=".3f")
def index_variance() -> float:
    p = index_distribution(INDEX_SIZE)
    k = np.arange(INDEX_SIZE + 1)
    return float((p * k**2).sum() - (p * k).sum() ** 2)


@value("q4b.index-var-coin", statement="variance of Binomial(10, ½)", fmt=".1f")
def index_variance_coin() -> float:
    k = np.arange(INDEX_SIZE + 1)
    coin = binomial_pmf(INDEX_SIZE)
    return float((coin * k**2).sum() - (coin * k).sum() ** 2)


@value("q4b.index-peak", statement="P(index = 5) for a 10×10 GOE matrix, exact", fmt=".3f")
def index_peak() -> float:
    return float(index_distribution(INDEX_SIZE)[INDEX_SIZE // 2])


@value("q4b.index-peak-coin", statement="P(Binomial(10, ½) = 5)", fmt=".3f")
def index_peak_coin() -> float:
    return float(binomial_pmf(INDEX_SIZE)[INDEX_SIZE // 2])


# --- Checks ------------------------------------------------------------------------------------


@check("q4b.sign-patterns", page=PAGE,
       statement="Of the 2ⁿ sign patterns, 2ⁿ − 2 are saddles, and 2ⁿ⁻¹ ≤ 2ⁿ − 2 < 2ⁿ for n ≥ 2: Θ(2ⁿ)")
def _sign_patterns():
    sizes = range(1, 13)
    counted = [sign_pattern_counts(n) for n in sizes]
    n = sp.symbols("n", integer=True, positive=True)
    return [
        equal([c["saddle"] for c in counted], [2**k - 2 for k in sizes],
              what="enumerated saddle patterns vs 2ⁿ − 2, n = 1..12"),
        equal([(c["minimum"], c["maximum"]) for c in counted], [(1, 1)] * len(sizes),
              what="(minimum, maximum) patterns, n = 1..12"),
        identity((2**n - 2) - 2 ** (n - 1), 2 ** (n - 1) - 2,
                 what="(2ⁿ − 2) − 2ⁿ⁻¹ = 2ⁿ⁻¹ − 2, which is ≥ 0 exactly when n ≥ 2"),
        equal(sp.limit((2**n - 2) / 2**n, n, sp.oo), 1, what="lim (2ⁿ − 2)/2ⁿ"),
    ]


def p2_by_polar_angles() -> sp.Expr:
    """P_2 as the ratio of angular integrals of |cos φ - sin φ| (the radial factor cancels)."""
    phi = sp.symbols("phi", real=True)
    integrand = sp.sqrt(2) * sp.cos(phi + sp.pi / 4)  # = cos φ - sin φ; it changes sign at π/4 and 5π/4
    quarter = (sp.integrate(integrand, (phi, 0, sp.pi / 4))
               + sp.integrate(-integrand, (phi, sp.pi / 4, sp.pi / 2)))
    circle = 4 * sp.integrate(integrand, (phi, -sp.pi / 4, sp.pi / 4))  # four equal half-waves
    return sp.simplify(quarter / circle)


@check("q4b.p2-closed-form", page=PAGE,
       statement="P_2 = (2 − √2)/4 by polar angles, the Pfaffian, quadrature and sampling 2×2 matrices")
def _p2():
    from scipy import integrate

    def below_diagonal(y, x):  # (x - y) e^{-(x²+y²)/2} on y < x: smooth, so quadrature converges fast
        return (x - y) * math.exp(-(x * x + y * y) / 2)

    tight = {"epsabs": 1e-14, "epsrel": 1e-13}
    positive = integrate.dblquad(below_diagonal, 0, np.inf, 0, lambda x: x, **tight)[0]
    whole = integrate.dblquad(below_diagonal, -np.inf, np.inf, -np.inf, lambda x: x, **tight)[0]
    estimate, error = plain_monte_carlo(2, 400_000, seed=2)
    target = (2 - sp.sqrt(2)) / 4
    return [
        identity(p2_by_polar_angles(), target, what="polar-angle ratio vs (2 − √2)/4"),
        identity(p_all_positive_closed_form(2), target, what="de Bruijn Pfaffian (sympy) vs (2 − √2)/4"),
        close(positive / whole, float(target), rtol=1e-8,
              what="∬ over 0 < λ₂ < λ₁ vs over λ₂ < λ₁ of (λ₁−λ₂) e^{−(λ₁²+λ₂²)/2}, scipy dblquad"),
        within_uncertainty(estimate, error, float(target),
                           what="fraction of 400,000 GOE 2×2 samples with λ_min > 0"),
    ]


@check("q4b.ensemble-matters", page=PAGE,
       statement="With all entries of variance 1, P_2 changes: quadrature and sampling agree, GOE differs")
def _ensemble_matters():
    quadrature = p2_equal_variance_quadrature()
    estimate, error = p2_equal_variance_monte_carlo(400_000, seed=3)
    goe = float(p_all_positive(2))
    return [
        within_uncertainty(estimate, error, quadrature, what="400,000 sampled equal-variance 2×2 matrices"),
        holds(abs(goe - quadrature) > 50 * error,
              f"GOE P_2 = {goe:.4f} vs {quadrature:.4f}: {abs(goe - quadrature) / error:.0f} s.e. apart",
              kind="statistical", tolerance="> 50 s.e."),
    ]


@check("q4b.debruijn-normalization", page=PAGE,
       statement="Over the whole line, de Bruijn's Pfaffian reproduces Mehta's normalization exactly (n ≤ 6)")
def _normalization():
    return [identity(pfaffian_by_expansion(debruijn_matrix(n, 1)), ordered_normalization(n),
                     what=f"n = {n}: Pfaffian over ℝ vs (2π)^(n/2) Π Γ(1+j/2)/Γ(3/2) / n!")
            for n in range(1, 7)]


@check("q4b.closed-forms", page=PAGE,
       statement="The closed forms and the high-precision Pfaffian agree, and P_1 = 1/2")
def _closed_forms():
    forms = closed_forms()
    return [
        equal(forms[1], sp.Rational(1, 2), what="P_1"),
        close([float(forms[n]) for n in forms], [float(p_all_positive(n)) for n in forms], rtol=1e-14,
              what="sympy closed form vs mpmath Pfaffian, n = 1..4"),
    ]


@check("q4b.importance-sampling", page=PAGE,
       statement="Wishart importance-sampling estimates agree with the exact P_n for n = 1..10")
def _importance_sampling():
    return [within_uncertainty(r["estimate"], r["error"], r["exact"], k=4,
                               what=f"n = {r['n']}, {IS_SAMPLES:,} samples") for r in table_rows()]


@check("q4b.faster-than-coin", page=PAGE,
       statement="P_n < 2⁻ⁿ for every n from 2 to 100, and 2ⁿ P_n decreases with n")
def _faster_than_coin():
    data = reference_data()
    excess = np.array(data["log_p"]) + np.array(data["n"]) * math.log(2)  # ln(2ⁿ P_n)
    return [
        holds(bool(np.all(excess[1:] < 0)),
              f"ln(2ⁿ P_n) < 0 for n = 2..{data['n'][-1]} (max {excess[1:].max():.3f})"),
        holds(bool(np.all(np.diff(excess) < 0)), "ln(2ⁿ P_n) strictly decreasing in n", tolerance="exact"),
    ]


@check("q4b.reference-data", page=PAGE,
       statement="The committed ln P_n (n = 1..100) match a fresh Pfaffian computation at n = 1..10 and 30")
def _reference_data():
    data = reference_data()
    sizes = [*TABLE_SIZES, 30]
    committed = [data["log_p"][data["n"].index(n)] for n in sizes]
    return close(committed, [float(mp.log(p_all_positive(n))) for n in sizes], rtol=1e-13,
                 what="committed vs recomputed ln P_n")


@check("q4b.rate-theta", page=PAGE,
       statement="The exact ln P_n decay like −θn², θ = ln 3/4: fitted n² coefficient, and −ln P_n/n² ↓ θ")
def _rate():
    data = reference_data()
    n = np.array(data["n"], dtype=float)
    per_n2 = -np.array(data["log_p"]) / n**2
    wide, narrow = rate_fit(20), rate_fit(50)
    return [
        close(wide[0], THETA, rtol=1e-5, what="n² coefficient of a 5-term fit over n = 20..100 vs ln 3/4"),
        close(narrow[0], THETA, rtol=1e-5, what="same fit over n = 50..100 vs ln 3/4"),
        holds(bool(np.all(np.diff(per_n2) < 0) and np.all(per_n2 > THETA)),
              f"−ln P_n/n² decreases and stays above θ for n = 1..{int(n[-1])} (last {per_n2[-1]:.5f})"),
    ]


@check("q4b.saddles-per-minimum", page=PAGE,
       statement="GOE model: saddles per minimum, (1 − 2P_n)/P_n, exceed the coin count 2ⁿ − 2 for n ≥ 2")
def _saddles_per_minimum():
    data = reference_data()
    log_p = np.array(data["log_p"])
    n = np.array(data["n"])
    # ln((1 - 2P)/P) vs ln(2ⁿ - 2), with P tiny for large n: log1p keeps it exact enough.
    log_ratio = np.log1p(-2 * np.exp(log_p[1:])) - log_p[1:]
    log_coin = np.log(2.0 ** n[1:] - 2)
    return holds(bool(np.all(log_ratio > log_coin)),
                 f"ln((1 − 2P_n)/P_n) > ln(2ⁿ − 2) for n = 2..{n[-1]}")


@check("q4b.index-distribution", page=PAGE,
       statement="The exact index law (n = 10) sums to 1, is symmetric, starts at P_10 and fits the samples")
def _index_distribution():
    exact = index_distribution(INDEX_SIZE)
    freq, _ = index_monte_carlo()
    outcomes = [
        close(exact.sum(), 1.0, atol=1e-13, what="Σ_k P(index = k)"),
        close(exact, exact[::-1], atol=1e-15, what="P(index = k) vs P(index = 10 − k)"),
        close(exact[0], float(p_all_positive(INDEX_SIZE)), rtol=1e-12, what="P(index = 0) vs P_10"),
        holds(bool(np.all(exact > -1e-15)), "all probabilities ≥ 0 (to 1e-15)", tolerance="1e-15"),
    ]
    # Sampled frequencies against the exact probabilities, with the binomial standard error under the
    # exact value; only bins expecting at least 20 samples: a ±4 s.e. band around fewer cannot tell
    # the probability from 0 (within_uncertainty refuses it).
    common = exact * MC_INDEX_SAMPLES >= 20
    cells = [(f"k = {k}", freq[k], exact[k]) for k in np.flatnonzero(common)]
    for label, observed, expected in cells:
        error = math.sqrt(expected * (1 - expected) / MC_INDEX_SAMPLES)
        what = f"{label}: frequency in {MC_INDEX_SAMPLES:,} samples vs exact"
        outcomes.append(within_uncertainty(observed, error, expected, k=4, what=what))
    return outcomes
