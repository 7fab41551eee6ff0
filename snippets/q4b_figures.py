"""Question 4b: the page's figures, each built from named data so that a check can read back what it draws."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from snippets.plumbing.drawn import read_back, repeats
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import scientific, value
from snippets.q4b_index import INDEX_SIZE, SAMPLES, binomial_pmf, index_counts
from snippets.q4b_minima import rows as minima_rows
from snippets.q4b_pfaffian import index_distribution
from snippets.q4b_rate import THETA, reference_data
from snippets.q4b_sampler import table_rows as sampler_rows

ERROR_BARS = 2  # bars are ± this many standard errors
COIN_EXPONENT = "ln 2 / n"  # −ln(2⁻ⁿ)/n², drawn in the rate figure
COIN_RATE_LABEL = r"coin flips: $\ln 2 / n$"
GOE_RATE_LABEL = r"GOE, exact: $-\ln P_n / n^2$"
THETA_LABEL = r"$\theta = \ln 3 / 4$"
CONFIDENCE = 0.95  # the index figure's Wilson intervals


@value("q4b.error-bars", statement="standard errors each error bar spans on either side")
def error_bars() -> int:
    return ERROR_BARS


@value("q4b.coin-exponent", statement="the coin model's −ln P / n², as the rate figure draws it")
def coin_exponent() -> str:
    return COIN_EXPONENT


@value("q4b.confidence", statement="confidence of the index figure's Wilson intervals", fmt=".0%")
def confidence() -> float:
    return CONFIDENCE


def wilson_interval(
    counts: np.ndarray, samples: int, z: float = 1.959963984540054
) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of a binomial proportion: never below 0, sensible for rare counts."""
    freq = counts / samples
    centre = (freq + z**2 / (2 * samples)) / (1 + z**2 / samples)
    half = z / (1 + z**2 / samples) * np.sqrt(freq * (1 - freq) / samples + z**2 / (4 * samples**2))
    return centre - half, centre + half


def saddle_ratio_plot() -> Figure:
    rows = minima_rows()
    n = np.array([r["n"] for r in rows])
    fig, ax = new_figure(6.4, 3.8)
    goe, = ax.semilogy(
        n, [r["goe"] for r in rows], "^-", color="C3", label=r"GOE Hessian at every point, $(1-2P_n)/P_n$"
    )
    kac_rice = ax.errorbar(
        n,
        [r["ratio"] for r in rows],
        yerr=[ERROR_BARS * r["ratio_error"] for r in rows],
        fmt="o-",
        color="C0",
        capsize=2,
        markersize=4,
        label=f"random function (Kac–Rice) ± {ERROR_BARS} s.e.",
    )
    coin, = ax.semilogy(n, [r["coin"] for r in rows], "D:", color="C5", markersize=4,
                        label=r"coin count $2^n - 2$")
    for artist in (goe, kac_rice, coin):
        read_back(artist, "q4b.saddle-figure")
    ax.set_xticks(n)
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel("saddles per minimum")
    ax.legend(loc="upper left", fontsize=8.5)
    return fig


def saddle_ratio_figure(label: str) -> str:
    rows = minima_rows()
    return figure_html(
        saddle_ratio_plot(),
        label=label,
        title=f"Saddles per minimum, n = {rows[0]['n']} to {rows[-1]['n']}, in three models, log scale",
        description=(
            "On a logarithmic axis, the coin count 2^n − 2 and the random-function count are two nearly "
            f"parallel straight lines: at n = {rows[-1]['n']} they are {rows[-1]['coin']} and "
            f"{rows[-1]['ratio']:,.0f}. The GOE count bends upward like a parabola and reaches "
            f"{scientific(rows[-1]['goe'], 3)} at n = {rows[-1]['n']}."
        ),
        caption=(
            "Saddles per minimum. Random function: an isotropic Gaussian field, critical points counted by "
            f"Kac–Rice (points, bars ± {ERROR_BARS} s.e., mostly smaller than the markers). Coin count: the "
            "draft's 2ⁿ − 2. GOE: what the count would be if every critical point had a GOE Hessian, "
            "(1 − 2Pₙ)/Pₙ. The first two grow exponentially in n, the third like e^(θn²)."
        ),
    )


def probability_plot() -> Figure:
    rows = sampler_rows()
    n = np.array([r["n"] for r in rows])
    fig, ax = new_figure(6.4, 3.8)
    fine = np.linspace(1, n.max(), 200)
    coin, = ax.semilogy(fine, 2.0**-fine, label=r"coin flips $2^{-n}$", color="C5", linestyle=":")
    rate, = ax.semilogy(
        fine,
        np.exp(-THETA * fine**2),
        label=r"asymptotic rate $e^{-\theta n^2}$, $\theta=\ln 3/4$",
        color="C1",
        linestyle="--",
    )
    exact, = ax.semilogy(n, [r["exact"] for r in rows], "o-", label=r"GOE, exact (Pfaffian)", color="C0")
    sampled = ax.errorbar(
        n + 0.12,
        [r["estimate"] for r in rows],
        yerr=[ERROR_BARS * r["error"] for r in rows],
        fmt="s",
        markersize=4,
        capsize=2,
        label=f"GOE, importance sampling ± {ERROR_BARS} s.e.",
        color="C2",
    )
    for artist in (coin, rate, exact, sampled):
        read_back(artist, "q4b.probability-figure")
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel(r"$P(\mathrm{all\ eigenvalues} > 0)$")
    ax.set_xticks(n)
    ax.legend(loc="lower left", fontsize=8.5)
    return fig


def probability_figure(label: str) -> str:
    rows = sampler_rows()
    return figure_html(
        probability_plot(),
        label=label,
        title=f"Probability that all eigenvalues are positive, n = {rows[0]['n']} to {rows[-1]['n']}, "
        "log scale",
        description=(
            f"On a logarithmic vertical axis, the exact GOE probability falls from {rows[0]['exact']:g} at "
            f"n = {rows[0]['n']} to about {scientific(rows[-1]['exact'], 3)} at n = {rows[-1]['n']}, "
            "bending downward like a parabola, while the "
            f"coin-flip value 2^-n is a straight line ending near {scientific(2.0 ** -rows[-1]['n'], 1)}. "
            "Importance-sampling estimates sit "
            "on the exact curve. The curve exp(-theta n^2) has the same downward bend but lies above the "
            "exact values."
        ),
        caption=(
            "P(all eigenvalues > 0) for an n×n GOE matrix (log scale): exact values from de Bruijn's "
            f"Pfaffian, importance-sampling estimates (shifted right slightly, bars ±{ERROR_BARS} s.e.), the "
            "coin-flip model 2⁻ⁿ, and the Dean–Majumdar asymptotic rate exp(−θn²), which fixes the n² decay "
            "but not the subleading factors."
        ),
    )


def rate_plot() -> Figure:
    data = reference_data()
    n = np.array(data["n"], dtype=float)
    fig, ax = new_figure(6.4, 3.4)
    for artist in (
        ax.plot(n, -np.array(data["log_p"]) / n**2, label=GOE_RATE_LABEL, color="C0")[0],
        ax.plot(n, math.log(2) / n, label=COIN_RATE_LABEL, color="C5", linestyle=":")[0],
        ax.axhline(THETA, label=THETA_LABEL, color="C1", linestyle="--", linewidth=1.5),
    ):
        read_back(artist, "q4b.rate-figure")
    ax.set_xscale("log")
    ax.set_ylim(0, 0.72)
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel(r"decay per $n^2$")
    ax.legend(loc="upper right", fontsize=8.5)
    return fig


def rate_figure(label: str) -> str:
    data = reference_data()
    last = int(data["n"][-1])
    return figure_html(
        rate_plot(),
        label=label,
        title=f"-ln P_n divided by n squared, n = 1 to {last}, against ln 3 / 4",
        description=(
            "For the GOE the quantity -ln P_n / n^2 starts at ln 2 at n = 1 and decreases slowly towards "
            f"the horizontal line theta = ln 3/4 = {THETA:.4f}, reaching {-data['log_p'][-1] / last**2:.4f} "
            "at "
            f"n = {last}. For coin flips the same quantity, ln 2 / n, falls to zero."
        ),
        caption=(
            f"The exponent per n² of P(all eigenvalues > 0), from the exact values for n = 1 … {last} "
            "(committed data of snippets/q4b_reference.py, horizontal axis logarithmic). The GOE value "
            "approaches θ = ln 3/4 from above, slowly, because ln Pₙ also has terms of order n; "
            "independent coin flips would give ln 2/n → 0."
        ),
    )


def index_plot() -> Figure:
    k = np.arange(INDEX_SIZE + 1)
    exact = np.array(index_distribution(INDEX_SIZE))
    counts = index_counts()
    freq = counts / SAMPLES
    low, high = wilson_interval(counts, SAMPLES)
    coin = binomial_pmf(INDEX_SIZE)
    fig, (left, right) = new_figure(7.2, 3.6, ncols=2)
    drawn = {}
    for ax, log in ((left, False), (right, True)):
        bars = ax.bar(k, exact, width=0.7, color="C0", alpha=0.6, label="GOE, exact (Pfaffian)")
        seen = counts > 0  # a zero count has no place on a log axis
        sampled = ax.errorbar(
            k[seen],
            freq[seen],
            yerr=[freq[seen] - low[seen], high[seen] - freq[seen]],
            fmt="o",
            markersize=4.5,
            capsize=2.5,
            color="C2",
            label=f"GOE, {SAMPLES:,} samples ({CONFIDENCE:.0%} interval)",
        )
        coin_line, = ax.plot(
            k,
            coin,
            "D--",
            markersize=4,
            linewidth=1.2,
            color="C1",
            label=f"coin flips: Binomial({INDEX_SIZE}, ½)",
        )
        for name, artist in (("bars", bars), ("sampled", sampled), ("coin", coin_line)):
            if ax is left:
                drawn[name] = read_back(artist, "q4b.index-figure")
            else:
                repeats(artist, drawn[name])  # the same data on a log scale
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
    return fig


def index_figure(label: str) -> str:
    k = INDEX_SIZE
    exact = index_distribution(INDEX_SIZE)
    coin = binomial_pmf(INDEX_SIZE)
    return figure_html(
        index_plot(),
        label=label,
        title=f"Distribution of the index of a {INDEX_SIZE} by {INDEX_SIZE} GOE matrix against "
        f"Binomial({INDEX_SIZE}, 1/2)",
        description=(
            f"Two panels, linear and logarithmic. The GOE index distribution peaks at k = {k // 2} with "
            f"probability {exact[k // 2]:.2f}, higher and narrower than the binomial's "
            f"{coin[k // 2]:.2f}; sampled frequencies sit on the exact bars. On the log scale the GOE "
            f"tails fall to about {scientific(exact[0], 2)} at k = 0 and k = {k}, while the binomial "
            f"tails stay at 1/{2**INDEX_SIZE}."
        ),
        caption=(
            f"The index (number of negative eigenvalues) of a {INDEX_SIZE}×{INDEX_SIZE} GOE matrix: exact "
            f"distribution from de Bruijn's Pfaffian (bars), frequencies among {SAMPLES:,} sampled matrices "
            f"(points with {CONFIDENCE:.0%} Wilson intervals; indices never observed are not drawn), and the "
            f"coin-flip model Binomial({k}, ½). Repulsion concentrates the index near n/2 and empties "
            "the tails."
        ),
    )
