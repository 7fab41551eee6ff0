"""Question 4b: the page's figures, each built from named data so that a check can read back what it draws."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from snippets.plumbing.drawn import (
    count,
    ends,
    highest,
    holds,
    labelled,
    one_value,
    parameter,
    read,
    read_back,
    repeats,
    starts,
    told,
    values,
    x_of_highest,
)
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import value
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
    return _saddle_ratio_drawing()[0]


def _saddle_ratio_drawing():
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
    return fig, {"goe": goe, "kac-rice": kac_rice, "coin": coin}


def _nearly_parallel_straight(first, second) -> bool:
    """On the log axis both drawn lines are nearly straight (each step's change of slope is under a third
    of the slope) and nearly parallel (their slopes agree within 20 % at every step)."""
    slopes = [np.diff(_log_y(line)) for line in (first, second)]
    straight = all((np.abs(np.diff(slope)) < np.abs(slope[1:]) / 3).all() for slope in slopes)
    return straight and bool((np.abs(slopes[0] / slopes[1] - 1) < 0.2).all())


def _bends_up(line) -> bool:
    """On the log axis the drawn points turn upward: every second difference of ln y is positive."""
    return bool((np.diff(_log_y(line), 2) > 0).all())


def saddle_ratio_figure(label: str) -> str:
    fig, drawn = _saddle_ratio_drawing()
    coin, kac_rice, goe = drawn["coin"], drawn["kac-rice"], drawn["goe"]
    return figure_html(
        fig,
        label=label,
        title=told("Saddles per minimum, n = {n_first:g} to {n_last:g}, in {models:word} models, {log} scale",
                   n_first=starts(goe, "x"), n_last=ends(goe, "x"), models=count(drawn.values(), "models"),
                   log=holds("log", lambda: fig.axes[0].get_yscale() == "log", fig.axes[0])),
        description=told(
            "On a {log} axis, the coin count 2^n − 2 and the random-function count are {parallel}: at "
            "n = {n_last:g} they are {coin_last:g} and {ratio_last:,.0f}. The GOE count {bends} and "
            "reaches {goe_last:sci3} at n = {goe_n:g}.",
            log=holds("logarithmic", lambda: fig.axes[0].get_yscale() == "log", fig.axes[0]),
            parallel=holds("two nearly parallel straight lines", lambda: _nearly_parallel_straight(
                coin, kac_rice.lines[0]), coin, kac_rice),
            n_last=read("the last n of both lines", lambda: one_value(
                [values(coin, "x")[-1], values(kac_rice, "x")[-1]]), coin, kac_rice),
            coin_last=ends(coin, "y"), ratio_last=ends(kac_rice, "y"),
            bends=holds("bends upward like a parabola", lambda: _bends_up(goe), goe),
            goe_last=ends(goe, "y"), goe_n=ends(goe, "x"),
        ),
        caption=(
            "Saddles per minimum. Random function: an isotropic Gaussian field, critical points counted by "
            f"Kac–Rice (points, bars ± {ERROR_BARS} s.e., mostly smaller than the markers). Coin count: the "
            "draft's 2ⁿ − 2. GOE: what the count would be if every critical point had a GOE Hessian, "
            "(1 − 2Pₙ)/Pₙ. The first two grow exponentially in n, the third like e^(θn²)."
        ),
    )


_RATE_LABEL = r"asymptotic rate $e^{-\theta n^2}$, $\theta=\ln 3/4$"


def probability_plot() -> Figure:
    rows = sampler_rows()
    n = np.array([r["n"] for r in rows])
    fig, ax = new_figure(6.4, 3.8)
    fine = np.linspace(1, n.max(), 200)
    coin, = ax.semilogy(fine, 2.0**-fine, label=r"coin flips $2^{-n}$", color="C5", linestyle=":")
    rate, = ax.semilogy(
        fine,
        np.exp(-THETA * fine**2),
        label=_RATE_LABEL,
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



def _log_y(line) -> np.ndarray:
    return np.log(values(line, "y"))


def _bends_down(line) -> bool:
    """On the log axis the drawn points turn downward: every second difference of ln y is negative."""
    return bool((np.diff(_log_y(line), 2) < 0).all())


def _straight(line) -> bool:
    """On the log axis the drawn line is straight: ln y is affine in x to rounding."""
    x, log_y = values(line, "x"), _log_y(line)
    return bool(np.allclose(np.polyval(np.polyfit(x, log_y, 1), x), log_y, rtol=0, atol=1e-9))


def _bars_cover(bars, exact) -> bool:
    """Each drawn error bar spans the exact value drawn at its n (the bars sit slightly right of it)."""
    at = dict(zip(values(exact, "x"), values(exact, "y"), strict=True))
    n = np.round(values(bars, "x")).tolist()
    return all(low <= at[k] <= high for k, low, high in
               zip(n, values(bars, "low"), values(bars, "high"), strict=True))


def _above(curve, exact) -> bool:
    """The drawn curve, interpolated on the log axis, lies above every drawn exact value."""
    on_curve = np.interp(values(exact, "x"), values(curve, "x"), _log_y(curve))
    return bool((on_curve > _log_y(exact)).all())


def probability_figure(label: str) -> str:
    fig = probability_plot()
    ax = fig.axes[0]
    coin, rate = labelled(ax, r"coin flips $2^{-n}$"), labelled(ax, _RATE_LABEL)
    exact = labelled(ax, r"GOE, exact (Pfaffian)")
    sampled = labelled(ax, f"GOE, importance sampling ± {ERROR_BARS} s.e.")
    return figure_html(
        fig,
        label=label,
        title=told("Probability that all eigenvalues are positive, n = {n_first:g} to {n_last:g}, "
                   "{log} scale",
                   n_first=starts(exact, "x"), n_last=ends(exact, "x"),
                   log=holds("log", lambda: ax.get_yscale() == "log", ax)),
        description=told(
            "On a {log} vertical axis, the exact GOE probability falls from {first:g} at n = {n_first:g} to "
            "about {last:sci3} at n = {n_last:g}, {bends}, while the coin-flip value 2^-n is a {straight} "
            "ending near {coin_end:sci1}. Importance-sampling estimates {sit}. The curve exp(-theta n^2) "
            "{above}.",
            log=holds("logarithmic", lambda: ax.get_yscale() == "log", ax),
            first=starts(exact, "y"), n_first=starts(exact, "x"),
            last=ends(exact, "y"), n_last=ends(exact, "x"),
            bends=holds("bending downward like a parabola", lambda: _bends_down(exact), exact),
            straight=holds("straight line", lambda: _straight(coin), coin),
            coin_end=ends(coin, "y"),
            sit=holds("sit on the exact curve", lambda: _bars_cover(sampled, exact), sampled, exact),
            above=holds("has the same downward bend but lies above the exact values",
                        lambda: _bends_down(rate) and _above(rate, exact), rate, exact),
        ),
        caption=(
            "P(all eigenvalues > 0) for an n×n GOE matrix (log scale): exact values from de Bruijn's "
            f"Pfaffian, importance-sampling estimates (shifted right slightly, bars ±{ERROR_BARS} s.e.), the "
            "coin-flip model 2⁻ⁿ, and the Dean–Majumdar asymptotic rate exp(−θn²), which fixes the n² decay "
            "but not the subleading factors."
        ),
    )


def rate_plot() -> Figure:
    return _rate_drawing()[0]


def _rate_drawing():
    data = reference_data()
    n = np.array(data["n"], dtype=float)
    fig, ax = new_figure(6.4, 3.4)
    drawn = {
        "goe": ax.plot(n, -np.array(data["log_p"]) / n**2, label=GOE_RATE_LABEL, color="C0")[0],
        "coin": ax.plot(n, math.log(2) / n, label=COIN_RATE_LABEL, color="C5", linestyle=":")[0],
        "theta": ax.axhline(THETA, label=THETA_LABEL, color="C1", linestyle="--", linewidth=1.5),
    }
    for artist in drawn.values():
        read_back(artist, "q4b.rate-figure")
    ax.set_xscale("log")
    ax.set_ylim(0, 0.72)
    ax.set_xlabel("dimension $n$")
    ax.set_ylabel(r"decay per $n^2$")
    ax.legend(loc="upper right", fontsize=8.5)
    return fig, drawn


def rate_figure(label: str) -> str:
    data = reference_data()
    last = int(data["n"][-1])
    fig, drawn = _rate_drawing()
    goe, coin, theta = drawn["goe"], drawn["coin"], drawn["theta"]

    def decreasing(line) -> bool:
        return bool((np.diff(values(line, "y")) < 0).all())

    return figure_html(
        fig,
        label=label,
        title=told("-ln P_n divided by n squared, n = {n_first:g} to {n_last:g}, against ln 3 / 4",
                   n_first=starts(goe, "x"), n_last=ends(goe, "x")),
        description=told(
            "For the GOE the quantity -ln P_n / n^2 {starts} at n = {n_first:g} and {decreases} towards the "
            "horizontal line theta = ln 3/4 = {theta:.4f}, reaching {goe_last:.4f} at n = {n_last:g}. For "
            "coin flips the same quantity, ln 2 / n, {falls}.",
            starts=holds("starts at ln 2", lambda: np.isclose(values(goe, "y")[0], math.log(2), rtol=1e-12),
                         goe),
            n_first=starts(goe, "x"),
            decreases=holds("decreases slowly", lambda: decreasing(goe) and bool(
                (values(goe, "y") > values(theta, "y")[0]).all()), goe, theta),
            theta=starts(theta, "y"), goe_last=ends(goe, "y"), n_last=ends(goe, "x"),
            # Towards zero: decreasing, to a tenth of the GOE's limit θ at the last n drawn.
            falls=holds("falls to zero", lambda: decreasing(coin) and values(coin, "y")[-1] < values(
                theta, "y")[0] / 10, coin, theta),
        ),
        caption=(
            f"The exponent per n² of P(all eigenvalues > 0), from the exact values for n = 1 … {last} "
            "(committed data of snippets/q4b_reference.py, horizontal axis logarithmic). The GOE value "
            "approaches θ = ln 3/4 from above, slowly, because ln Pₙ also has terms of order n; "
            "independent coin flips would give ln 2/n → 0."
        ),
    )


def index_plot() -> Figure:
    return _index_drawing()[0]


def _index_drawing():
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
    return fig, drawn


def _spread(k: np.ndarray, p: np.ndarray) -> float:
    """The standard deviation of the index under a drawn distribution (probabilities p at k)."""
    mean = (k * p).sum() / p.sum()
    return float(np.sqrt(((k - mean) ** 2 * p).sum() / p.sum()))


def _on_the_bars(sampled, bars) -> bool:
    """Every drawn interval of the sampled frequencies contains the exact bar's height at its k."""
    height = dict(zip(values(bars, "x"), values(bars, "height"), strict=True))
    return all(low <= height[k] <= high for k, low, high in
               zip(values(sampled, "x"), values(sampled, "low"), values(sampled, "high"), strict=True))


def index_figure(label: str) -> str:
    fig, drawn = _index_drawing()
    bars, sampled, coin = drawn["bars"], drawn["sampled"], drawn["coin"]
    left, right = fig.axes

    def at_peak(artist, coordinate: str) -> float:
        return values(artist, coordinate)[int(np.argmax(values(bars, "height")))]

    return figure_html(
        fig,
        label=label,
        title=told("Distribution of the index of a {n} by {n} GOE matrix against Binomial({n}, {p:frac})",
                   n=parameter("matrix size", INDEX_SIZE), p=parameter("coin probability", 0.5)),
        description=told(
            "{panels:Word} panels, {scales}. The GOE index distribution peaks at k = {peak_k:g} with "
            "probability {peak:.2f}, {narrower} than the binomial's {coin_peak:.2f}; sampled frequencies "
            "{sit}. On the log scale the GOE tails {fall} {tail:sci2} at k = {k_first:g} and k = {k_last:g}, "
            "while the binomial tails stay at {coin_tail:frac}.",
            panels=count(fig.axes, "panels"),
            scales=holds("linear and logarithmic", lambda: (left.get_yscale(), right.get_yscale()) == (
                "linear", "log"), left, right),
            peak_k=x_of_highest(bars, "height"), peak=highest(bars, "height"),
            coin_peak=read("the binomial's probability at the GOE's peak", lambda: at_peak(coin, "y"),
                           coin, bars),
            narrower=holds("higher and narrower", lambda: at_peak(bars, "height") > at_peak(coin, "y")
                           and _spread(values(bars, "x"), values(bars, "height"))
                           < _spread(values(coin, "x"), values(coin, "y")), bars, coin),
            sit=holds("sit on the exact bars", lambda: _on_the_bars(sampled, bars), sampled, bars),
            fall=holds("fall to about", lambda: np.isclose(values(bars, "height")[0],
                                                           values(bars, "height")[-1],
                                                           rtol=0.005), bars),
            tail=starts(bars, "height"), k_first=starts(bars, "x"), k_last=ends(bars, "x"),
            coin_tail=read("the binomial's tails, both ends", lambda: one_value(
                [values(coin, "y")[0], values(coin, "y")[-1]]), coin),
        ),
        caption=(
            f"The index (number of negative eigenvalues) of a {INDEX_SIZE}×{INDEX_SIZE} GOE matrix: exact "
            f"distribution from de Bruijn's Pfaffian (bars), frequencies among {SAMPLES:,} sampled matrices "
            f"(points with {CONFIDENCE:.0%} Wilson intervals; indices never observed are not drawn), and the "
            f"coin-flip model Binomial({INDEX_SIZE}, ½). Repulsion concentrates the index near n/2 and "
            "empties "
            "the tails."
        ),
    )
