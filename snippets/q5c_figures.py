"""Question 5c's figures: the data each draws is a registered value, checked against another computation."""

from __future__ import annotations

import numpy as np

from snippets.batchnorm import EPS
from snippets.plumbing.checks import cases, check, close, equal, frequency, mean_difference, sample_mean
from snippets.plumbing.drawn import (
    count,
    decorative,
    draws,
    ends,
    holds,
    parameter,
    read,
    starts,
    told,
    values,
    width_at_end,
)
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, shown, value
from snippets.q5c_drift import RECOMPUTE_BATCHES, recomputed_error, steady_lag, training_with_drift
from snippets.q5c_layer import PAGE, TRAINING_BATCH
from snippets.q5c_running_stats import (
    BATCH,
    MOMENTUM,
    POP_MEAN,
    POP_VAR,
    RUNS,
    STEPS,
    biased_target,
    ema_expectation,
    ema_variance,
    simulate_running_stats,
    statistic_variances,
)
from snippets.q5c_small_batches import (
    BATCH_SIZES,
    DRAWS,
    TEST_INPUT,
    independent_run,
    inference_output_of_test_input,
    output_across_batch_mates,
    the_tables_draws_by_the_formula,
)

BLUE, PURPLE, GREEN, GREY, ORANGE = "#3b8fd9", "#b26fce", "#2ca58d", "#8c8c8c", "#d55e00"

# --- Figure: one input's training-mode output against the test batch size ------------------------


LOW_PERCENTILE, HIGH_PERCENTILE = 5, 95  # the small-batch figure's band


@value("q5c.small-batch-curves", statement="percentiles and mean of the output per test batch size")
def small_batch_curves() -> FigureData:
    outputs = output_across_batch_mates()
    return FigureData(m=np.array(BATCH_SIZES),
                      low=np.array([np.percentile(outputs[m], LOW_PERCENTILE) for m in BATCH_SIZES]),
                      high=np.array([np.percentile(outputs[m], HIGH_PERCENTILE) for m in BATCH_SIZES]),
                      mean=np.array([outputs[m].mean() for m in BATCH_SIZES]),
                      inference=np.array([inference_output_of_test_input()]))


# Below this batch size the band says nothing a frequency could test: at m = 1 every output is 0, at
# m = 2 nearly every output sits at ±1.
BAND_FROM = 4


@check("q5c.small-batch-figure", page=PAGE,
       statement="The small-batch figure's mean curve is the mean of the table's draws at every drawn m; "
                 f"from m = {BAND_FROM} on, its band holds 5 % and 95 % of an independent simulation's "
                 "outputs and its mean curve agrees with that simulation")
def small_batch_figure_matches_an_independent_run():
    data = computed("q5c.small-batch-curves")
    drawn = [int(m) for m in data["m"]]  # the cases are the figure's own batch sizes
    by_formula = the_tables_draws_by_the_formula()
    outcomes = [close(data["inference"], [TEST_INPUT / np.sqrt(1 + EPS)], rtol=1e-15,
                      what="the inference line vs x/√(1 + ε), the population statistics being (0, 1)"),
                close(data["mean"], [by_formula[m].sum() / by_formula[m].size for m in drawn], atol=1e-12,
                      what="mean curve vs Σy/N of the table's draws by the formula", over=cases("m", drawn))]
    for m in cases(f"m (band, m ≥ {BAND_FROM})", [m for m in drawn if m >= BAND_FROM]):
        row, other = drawn.index(m), independent_run(m)
        outcomes.append(frequency(int(np.sum(other < data["low"][row])), other.size, 0.05,
                                  what=f"m = {m}: share below the band", unit="independent draws"))
        outcomes.append(frequency(int(np.sum(other < data["high"][row])), other.size, 0.95,
                                  what=f"m = {m}: share below the band's top", unit="independent draws"))
        outcomes.append(mean_difference(by_formula[m], other, scale=abs(float(other.mean())), unit="draws",
                                        what=f"m = {m}: mean curve − independent mean"))
    return outcomes


def small_batch_figure(label: str) -> str:
    """The training-mode output of one fixed input against the batch size, with the inference output."""
    data = shown("q5c.small-batch-curves")
    reference = float(data["inference"][0])
    fig, ax = new_figure(6.4, 3.3)
    band = ax.fill_between(data["m"], data["low"], data["high"], alpha=0.3, linewidth=0, color=BLUE,
                           label=f"training mode: {LOW_PERCENTILE}th to {HIGH_PERCENTILE}th percentile")
    draws(band, data, x="m", low="low", high="high")
    mean, = ax.plot(data["m"], data["mean"], marker="o", markersize=4, color=BLUE,
                    label="training mode: mean")
    draws(mean, data, x="m", y="mean")
    inference = ax.axhline(reference, linestyle="--", linewidth=1.4, color=PURPLE, label="inference mode")
    draws(inference, data, y="inference")
    training = ax.axvline(TRAINING_BATCH, linestyle=":", linewidth=1.2, color=GREY,
                          label="training batch size")
    decorative(training, "marks the training batch size, a parameter of the model")
    fine = np.geomspace(1, 4, 40)
    bound, = ax.plot(fine, np.sqrt(fine - 1), linestyle=":", linewidth=1.4, color=ORANGE,
                     label=r"bound $\sqrt{m-1}$")
    decorative(bound, "the stated bound √(m − 1) drawn from its formula, a guide, not a computed result")
    ax.set_xscale("log", base=2)
    ax.set_xticks(data["m"], [str(m) for m in data["m"]])
    ax.set_xlabel("test batch size m")
    ax.set_ylabel(f"output for the input {TEST_INPUT:g}")
    ax.set_ylim(-1.1, 2.6)
    ax.legend(loc="lower right", fontsize=8)

    def at_m(artist, coordinate: str, m: int) -> float:  # a drawn value at the drawn batch size m
        (where,) = np.flatnonzero(values(artist, "x") == m)
        return values(artist, coordinate)[where]

    def width(m: int) -> float:
        return at_m(band, "high", m) - at_m(band, "low", m)

    sizes = values(mean, "x")

    def second() -> float:  # the second batch size drawn: one helper, so the sentence reads one size
        return sorted(sizes)[1]
    return figure_html(
        fig, label=label,
        title="One input's training-mode output against the test batch size",
        description=told(
            "For a fixed standardized input {x:g} placed among random batch-mates, the band from the "
            "{low_pct}th to the {high_pct}th percentile and the mean of the training-mode output over "
            "{draws} batches of each size from {m_first:g} to {m_last:g}, on a {log} axis, against the "
            "constant inference-mode output {reference:.2f} and a dotted line at the training batch size. "
            "A batch of {m_first:word} {exactly} {at_one:g}. For a batch of {m_second:word} the outputs "
            "{pm}, mean {mean_two:.2f}. The band's width is {widths}; the mean {rises} towards the "
            "inference output, reaching {mean_last:.2f}.",
            x=parameter("test input", TEST_INPUT),
            low_pct=parameter("lower percentile", LOW_PERCENTILE),
            high_pct=parameter("upper percentile", HIGH_PERCENTILE),
            draws=parameter("batches per size", DRAWS),
            m_first=starts(mean, "x"), m_last=ends(mean, "x"),
            log=holds("logarithmic", lambda: ax.get_xscale() == "log", ax),
            reference=starts(inference, "y"),
            exactly=holds("gives exactly", lambda: at_m(band, "low", sizes[0]) == at_m(band, "high", sizes[0])
                          == at_m(mean, "y", sizes[0]), band, mean),
            at_one=starts(mean, "y"),
            m_second=read("the second batch size drawn", second, mean),
            pm=holds("sit at plus or minus 1", lambda: np.allclose(
                [at_m(band, "low", second()), at_m(band, "high", second())], [-1, 1], atol=0.01),
                band),
            mean_two=read("the mean at the second batch size", lambda: at_m(mean, "y", second()), mean),
            widths=read("the band's width at each batch size", lambda: [
                f"{width(m):.2f} at m = {m:g}" for m in values(band, "x")], band),
            rises=holds("rises", lambda: bool((np.diff(values(mean, "y")) > 0).all()), mean),
            mean_last=ends(mean, "y"),
        ),
        caption=(
            f"The same input, {TEST_INPUT:g} standard deviations above the mean, normalized with the "
            f"statistics of {DRAWS} random test batches of each size (the training batch size, "
            f"{TRAINING_BATCH}, dotted). Small batches pull the output towards 0 and spread it more than the "
            "training batch size does; with two "
            "examples it is ±δ/√(δ² + ε), within ε/(2δ²) of ±1, and in general |x̂| ≤ √(m − 1)."),
    )


# --- Figure: the running statistics against the training step -----------------------------------


@value("q5c.running-curves", statement="theory band and simulated running statistics, per step")
def running_curves() -> FigureData:
    means, variances, _ = simulate_running_stats()
    t = np.arange(STEPS + 1)
    return FigureData(t=t, mean_expected=ema_expectation(0.0, POP_MEAN, t),
                      mean_sd=np.sqrt(ema_variance(statistic_variances()["mean"], t)),
                      var_expected=ema_expectation(1.0, POP_VAR, t),
                      var_sd=np.sqrt(ema_variance(statistic_variances()["unbiased var"], t)),
                      mean_runs=means.mean(axis=1), var_runs=variances.mean(axis=1),
                      mean_three=means[:, :3], var_three=variances[:, :3])


def band_by_recursion(start: float, target: float, statistic_variance: float):
    """E and s.d. of the running average, step by step: E ← (1 − α)E + α target, V ← (1 − α)²V + α² Var."""
    expected, variance = [start], [0.0]
    for _ in range(STEPS):
        expected.append((1 - MOMENTUM) * expected[-1] + MOMENTUM * target)
        variance.append((1 - MOMENTUM) ** 2 * variance[-1] + MOMENTUM**2 * statistic_variance)
    return np.array(expected), np.sqrt(variance)


@check("q5c.running-figure", page=PAGE,
       statement="The running-statistics figure's band is the recursion's mean ± 1 s.d., and its "
                 "mean-of-runs curve follows the band's centre")
def running_figure_matches_the_recursion():
    data, variances = computed("q5c.running-curves"), simulate_running_stats()[1]
    mean_band = band_by_recursion(0.0, POP_MEAN, statistic_variances()["mean"])
    var_band = band_by_recursion(1.0, POP_VAR, statistic_variances()["unbiased var"])
    outcomes = []
    for name, band in (("mean", mean_band), ("var", var_band)):
        outcomes.append(close(data[f"{name}_expected"], band[0], rtol=1e-12,
                              what=f"{name} band centre vs recursion"))
        outcomes.append(close(data[f"{name}_sd"], band[1], rtol=1e-12, atol=1e-15,
                              what=f"{name} band half-width vs recursion"))
    for t in cases("step", (10, 50)):
        outcomes.append(close(data["var_runs"][t], variances[t].sum() / variances[t].size, rtol=1e-12,
                              what=f"drawn mean of runs, running variance, step {t}, vs the runs' average"))
        outcomes.append(sample_mean(variances[t], float(var_band[0][t]), unit="runs",
                                    what=f"mean of runs, running variance, step {t}"))
    return outcomes


BAND_SDS = 1  # the running-statistics band: the theory's mean ± this many standard deviations


def running_stats_figure(label: str) -> str:
    """Two panels: running mean and running variance against the step, with the theory's ±1 s.d. band."""
    data = shown("q5c.running-curves")
    fig, axes = new_figure(6.6, 3.4, ncols=2)
    panels = ((axes[0], "mean", POP_MEAN, "running mean", r"population mean $\mu$"),
              (axes[1], "var", POP_VAR, "running variance", r"population variance $\sigma^2$"))
    drawn = {}
    for ax, key, target, ylabel, target_label in panels:
        centre, sd = data[f"{key}_expected"], data[f"{key}_sd"]
        band = ax.fill_between(data["t"], centre - BAND_SDS * sd, centre + BAND_SDS * sd, alpha=0.25,
                               linewidth=0, color=BLUE, label=f"theory: mean ± {BAND_SDS:g} s.d.")
        draws(band, data, x="t", low=lambda d, k=key: d[f"{k}_expected"] - BAND_SDS * d[f"{k}_sd"],
              high=lambda d, k=key: d[f"{k}_expected"] + BAND_SDS * d[f"{k}_sd"])
        singles = []
        for run in range(3):
            single, = ax.plot(data["t"], data[f"{key}_three"][:, run], linewidth=0.9, alpha=0.8, color=PURPLE,
                              label="three single runs" if run == 0 else None)
            singles.append(draws(single, data, x="t", y=lambda d, k=key, r=run: d[f"{k}_three"][:, r]))
        mean, = ax.plot(data["t"], data[f"{key}_runs"], linewidth=2, color=GREEN,
                        label=f"mean of {RUNS} runs")
        draws(mean, data, x="t", y=f"{key}_runs")
        population = ax.axhline(target, linestyle="--", linewidth=1.2, color=GREY, label=target_label)
        decorative(population, "the population value, a parameter the data are drawn with")
        drawn[key] = {"band": band, "singles": singles, "mean": mean, "population": population}
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
    biased = axes[1].axhline(biased_target(), linestyle=":", linewidth=1.4, color=ORANGE,
                             label=r"$(m-1)\sigma^2/m$: biased target")
    decorative(biased, "the stated formula (m − 1)σ²/m of the parameters, a reference level")
    for ax in axes:
        ax.legend(loc="lower right", fontsize=7)
    mean, var = drawn["mean"], drawn["var"]

    def level(line) -> float:
        return values(line, "y")[0]

    def settles(panel) -> bool:  # its mean of runs ends within the band's last half-width of the population
        band = panel["band"]
        half = (values(band, "high")[-1] - values(band, "low")[-1]) / 2
        return abs(values(panel["mean"], "y")[-1] - level(panel["population"])) < half

    def inside_and_fluctuating(panel) -> bool:  # over the second half, inside the band at least half the
        band = panel["band"]                    # time, outside it at other times, on both sides of the centre
        low, high = values(band, "low"), values(band, "high")
        later = slice(len(low) // 2, None)
        for single in panel["singles"]:
            y = values(single, "y")[later]
            inside = (low[later] <= y) & (y <= high[later])
            centre = (low[later] + high[later]) / 2
            if not (0.5 <= inside.mean() < 1 and (y > centre).any() and (y < centre).any()):
                return False
        return True

    def follows_the_centre(panel) -> bool:  # within a fifth of the band's half-width of its centre
        band = panel["band"]
        centre = (values(band, "high") + values(band, "low")) / 2
        half = (values(band, "high") - values(band, "low")) / 2
        return bool((np.abs(values(panel["mean"], "y") - centre) <= half / 5 + 1e-12).all())

    everything = [a for panel in drawn.values() for a in (panel["band"], panel["mean"], *panel["singles"])]
    return figure_html(
        fig, label=label,
        title="Running mean and running variance converging to the population values",
        description=told(
            "{panels:Word} panels against the training step, {t_first:g} to {t_last:g}. Left: the running "
            "mean starts at {mean_start:g} and {mean_rises} the population mean {pop_mean:g}. Right: the "
            "running variance starts at {var_start:g} and {var_rises} the population variance {pop_var:g}, "
            "{above} {biased:g} where an average of biased batch variances would settle. {singles:Word} "
            "single runs {fluctuate} a shaded band that is {width:.2f} wide at the last step; the mean of "
            "{runs} runs {follows}.",
            panels=count(axes, "panels"),
            t_first=starts(mean["mean"], "x"), t_last=ends(mean["mean"], "x"),
            mean_start=starts(mean["mean"], "y"), var_start=starts(var["mean"], "y"),
            mean_rises=holds("rises to", lambda: settles(mean), mean["mean"], mean["band"],
                             mean["population"]),
            var_rises=holds("rises to", lambda: settles(var), var["mean"], var["band"], var["population"]),
            pop_mean=starts(mean["population"], "y"), pop_var=starts(var["population"], "y"),
            above=holds("above the dotted level", lambda: level(var["population"]) > level(biased)
                        and biased.get_linestyle() == ":", var["population"], biased),
            biased=starts(biased, "y"),
            singles=count(var["singles"], "single runs in each panel"),
            fluctuate=holds("keep fluctuating around the population value inside",
                            lambda: all(inside_and_fluctuating(panel) for panel in drawn.values()),
                            *everything),
            width=width_at_end(var["band"]),
            runs=parameter("runs averaged", RUNS),
            follows=holds("follows the band's centre",
                          lambda: all(follows_the_centre(panel) for panel in drawn.values()), *everything),
        ),
        caption=(
            f"Running statistics of one feature drawn from N({POP_MEAN:g}, {POP_VAR:g}), batches of {BATCH}, "
            f"momentum {MOMENTUM:g}. The shaded band is the exact mean ± {BAND_SDS:g} standard deviation of "
            f"the running average: single runs never stop fluctuating on that scale, while their mean over "
            f"{RUNS} runs settles on the population value. The variance converges to σ² because each step "
            "averages in the unbiased m/(m − 1)·σ_B²."),
    )


# --- Figure: a drifting feature ------------------------------------------------------------------


@value("q5c.drift-marks", statement="where the drift figure marks the gap left after recomputing")
def drift_marks() -> FigureData:
    run, data = training_with_drift(), computed("q5c.drift-curves")
    final = float(data["population"][-1])
    gap = float((final - run["recomputed"]).mean())
    return FigureData({"step": data["t"][-1:], "recomputed gap": np.array([gap])})


@check("q5c.drift-figure", page=PAGE,
       statement="The drift figure's diamond sits at minus the recomputed statistic's mean error, "
                 "at the last step")
def the_drift_figure_marks_the_recomputed_gap():
    marks, curves = computed("q5c.drift-marks"), computed("q5c.drift-curves")
    last = int(curves["t"].max())
    return [close(marks["recomputed gap"], [-recomputed_error()], rtol=1e-9, atol=1e-15,
                  what="diamond height vs −(mean of recomputed − final mean) (q5c.recomputed-error)"),
            equal(marks["step"].astype(int).tolist(), [last], what="the diamond's step vs the last step",
                  over=cases("last step", [last]))]


def drift_figure(label: str) -> str:
    """How far the running mean trails the drifting feature's current mean, and the recomputed value."""
    data, marks = shown("q5c.drift-curves"), shown("q5c.drift-marks")
    recomputed_gap = float(marks["recomputed gap"][0])
    fig, ax = new_figure(6.4, 3.2)
    predicted = ax.axhline(steady_lag(), color=GREY, linestyle="--", linewidth=1.4,
                           label="predicted lag (1 − α)d/α")
    decorative(predicted, "the stated closed form (1 − α)d/α of the parameters, a reference level")
    lines = {}
    for name, style in (("one_run", {"color": PURPLE, "linewidth": 0.9, "alpha": 0.8, "label": "one run"}),
                        ("running", {"color": GREEN, "linewidth": 2, "label": "mean of runs"})):
        line, = ax.plot(data["t"], data["population"] - data[name], **style)
        lines[name] = draws(line, data, x="t", y=lambda d, n=name: d["population"] - d[n])
    diamond, = ax.plot([data["t"][-1]], [recomputed_gap], marker="D", markersize=7, color=ORANGE,
                       linestyle="none", label="recomputed with the final network")
    draws(diamond, marks, x="step", y="recomputed gap")
    ax.set_xlabel("training step")
    ax.set_ylabel("current mean − running mean")
    ax.legend(loc="lower center", fontsize=8, ncols=2)
    running, one_run = lines["running"], lines["one_run"]

    def lag() -> float:
        return values(predicted, "y")[0]

    def levels_off() -> bool:  # rises, then its second half stays within 5 % of the predicted lag
        y = values(running, "y")
        return bool(y[-1] > y[0] and (np.abs(y[len(y) // 2:] - lag()) < 0.05 * lag()).all())

    def fluctuates_around() -> bool:  # over the second half, the one run lies on both sides of the mean
        y, centre = values(one_run, "y"), values(running, "y")
        later = slice(len(y) // 2, None)
        return bool((y[later] > centre[later]).any() and (y[later] < centre[later]).any())

    return figure_html(
        fig, label=label,
        title="Running mean lagging a drifting feature",
        description=told(
            "Against the training step, {t_first:g} to {t_last:g}: how far the running mean lies below the "
            "feature's mean under the current weights. The mean over runs rises from {gap_first:g} and "
            "{levels_off} {lag:.2f}, ending at {gap_last:.3f}; one run {fluctuates}. {at_last} a diamond "
            "at {diamond:.3f} marks the gap left after recomputing the mean with the final network.",
            t_first=starts(running, "x"), t_last=ends(running, "x"),
            gap_first=starts(running, "y"), gap_last=ends(running, "y"),
            levels_off=holds("levels off at the dashed predicted lag", lambda: levels_off()
                             and predicted.get_linestyle() == "--", running, predicted),
            lag=starts(predicted, "y"),
            fluctuates=holds("fluctuates around it", fluctuates_around, one_run, running),
            at_last=holds("At the last step", lambda: values(diamond, "x")[0] == values(running, "x")[-1],
                          diamond, running),
            diamond=starts(diamond, "y"),
        ),
        caption=(
            "A feature whose mean rises by d per step during training. The running mean trails it by "
            f"(1 − α)d/α, so at the end it describes an older network; {RECOMPUTE_BATCHES} batches through "
            "the frozen final network (Ioffe & Szegedy's Algorithm 2, PreciseBN) close the gap."),
    )
