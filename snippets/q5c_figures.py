"""Question 5c's figures: the data each draws is a registered value, checked against another computation."""

from __future__ import annotations

import numpy as np

from snippets.batchnorm import EPS, init_running_stats
from snippets.plumbing.checks import cases, check, close, equal, frequency, mean_difference, sample_mean
from snippets.plumbing.drawn import decorative, draws
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


@value("q5c.small-batch-curves", statement="percentiles and mean of the output per test batch size")
def small_batch_curves() -> FigureData:
    outputs = output_across_batch_mates()
    return FigureData(m=np.array(BATCH_SIZES),
                      low=np.array([np.percentile(outputs[m], 5) for m in BATCH_SIZES]),
                      high=np.array([np.percentile(outputs[m], 95) for m in BATCH_SIZES]),
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
                           label="training mode: 5th to 95th percentile")
    draws(band, data, x="m", low="low", high="high")
    mean, = ax.plot(data["m"], data["mean"], marker="o", markersize=4, color=BLUE,
                    label="training mode: mean")
    draws(mean, data, x="m", y="mean")
    draws(ax.axhline(reference, linestyle="--", linewidth=1.4, color=PURPLE, label="inference mode"),
          data, y="inference")
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
    band = zip(data["m"], data["high"] - data["low"], strict=True)
    widths = ", ".join(f"{width:.2f} at m = {m}" for m, width in band)
    last = len(data["m"]) - 1
    return figure_html(
        fig, label=label,
        title="One input's training-mode output against the test batch size",
        description=(
            f"For a fixed standardized input {TEST_INPUT:g} placed among random batch-mates, the band from "
            f"the 5th to the 95th percentile and the mean of the training-mode output over {DRAWS} batches "
            f"of each size from {data['m'][0]} to {data['m'][last]}, on a logarithmic axis, against the "
            "constant "
            f"inference-mode output {reference:.2f} and a dotted line at the training batch size. A batch of "
            f"one gives exactly 0. For a batch of two the outputs sit at plus or minus 1, mean "
            f"{data['mean'][1]:.2f}. The band's width is {widths}; the mean rises towards the inference "
            f"output, reaching {data['mean'][last]:.2f}."),
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
    for ax, key, target, ylabel, target_label in panels:
        centre, sd = data[f"{key}_expected"], data[f"{key}_sd"]
        band = ax.fill_between(data["t"], centre - BAND_SDS * sd, centre + BAND_SDS * sd, alpha=0.25,
                               linewidth=0, color=BLUE, label=f"theory: mean ± {BAND_SDS:g} s.d.")
        draws(band, data, x="t", low=lambda d, k=key: d[f"{k}_expected"] - BAND_SDS * d[f"{k}_sd"],
              high=lambda d, k=key: d[f"{k}_expected"] + BAND_SDS * d[f"{k}_sd"])
        for run in range(3):
            single, = ax.plot(data["t"], data[f"{key}_three"][:, run], linewidth=0.9, alpha=0.8, color=PURPLE,
                              label="three single runs" if run == 0 else None)
            draws(single, data, x="t", y=lambda d, k=key, r=run: d[f"{k}_three"][:, r])
        mean, = ax.plot(data["t"], data[f"{key}_runs"], linewidth=2, color=GREEN,
                        label=f"mean of {RUNS} runs")
        draws(mean, data, x="t", y=f"{key}_runs")
        decorative(ax.axhline(target, linestyle="--", linewidth=1.2, color=GREY, label=target_label),
                   "the population value, a parameter the data are drawn with")
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
    biased = axes[1].axhline(biased_target(), linestyle=":", linewidth=1.4, color=ORANGE,
                             label=r"$(m-1)\sigma^2/m$: biased target")
    decorative(biased, "the stated formula (m − 1)σ²/m of the parameters, a reference level")
    for ax in axes:
        ax.legend(loc="lower right", fontsize=7)
    return figure_html(
        fig, label=label,
        title="Running mean and running variance converging to the population values",
        description=(
            f"Two panels against the training step, 0 to {STEPS}. Left: the running mean starts at 0 and "
            f"rises to the population mean {POP_MEAN:g}. Right: the running variance starts at "
            f"{init_running_stats(1)[1][0]:g} and rises "
            f"to the population variance {POP_VAR:g}, above the dotted level {biased_target():g} where an "
            "average of biased batch variances would settle. Three single runs keep fluctuating around the "
            f"population value inside a shaded band that is {2 * data['var_sd'][-1]:.2f} wide at the last "
            f"step; the mean of {RUNS} runs follows the band's centre."),
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
    for name, style in (("one_run", {"color": PURPLE, "linewidth": 0.9, "alpha": 0.8, "label": "one run"}),
                        ("running", {"color": GREEN, "linewidth": 2, "label": "mean of runs"})):
        line, = ax.plot(data["t"], data["population"] - data[name], **style)
        draws(line, data, x="t", y=lambda d, n=name: d["population"] - d[n])
    diamond, = ax.plot([data["t"][-1]], [recomputed_gap], marker="D", markersize=7, color=ORANGE,
                       linestyle="none", label="recomputed with the final network")
    draws(diamond, marks, x="step", y="recomputed gap")
    ax.set_xlabel("training step")
    ax.set_ylabel("current mean − running mean")
    ax.legend(loc="lower center", fontsize=8, ncols=2)
    last = len(data["t"]) - 1
    gap = data["population"] - data["running"]
    return figure_html(
        fig, label=label,
        title="Running mean lagging a drifting feature",
        description=(
            f"Against the training step, 0 to {data['t'][last]}: how far the running mean lies below the "
            "feature's mean under the current weights. The mean over runs rises from "
            f"{gap[0]:g} and levels off at the dashed predicted lag {steady_lag():.2f}, ending at "
            f"{gap[last]:.3f}; one run fluctuates around it. At the last step a diamond at "
            f"{recomputed_gap:.3f} marks the gap left after recomputing the mean with the final network."),
        caption=(
            "A feature whose mean rises by d per step during training. The running mean trails it by "
            f"(1 − α)d/α, so at the end it describes an older network; {RECOMPUTE_BATCHES} batches through "
            "the frozen final network (Ioffe & Szegedy's Algorithm 2, PreciseBN) close the gap."),
    )
