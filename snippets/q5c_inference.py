"""Question 5c: why batch statistics fail at inference, and the running statistics batch norm uses instead."""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.stats import norm

from snippets.batchnorm import (
    batchnorm_forward,
    batchnorm_inference,
    init_running_stats,
    update_running_stats,
)
from snippets.plumbing.checks import check, close, holds, within_uncertainty
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import value

PAGE = "question-5/5c.md"
EPS = 1e-5

# A trained layer over three features whose inputs follow N(MU, SIGMA²) in the training data.
MU = np.array([2.0, -1.0, 0.5])
SIGMA = np.array([3.0, 0.5, 1.0])
GAMMA = np.array([1.5, 0.8, 1.2])
BETA = np.array([0.5, -0.3, 0.1])


def draw(rng: np.random.Generator, n: int) -> np.ndarray:
    """n examples from the training distribution, shape (n, 3)."""
    return MU + SIGMA * rng.normal(size=(n, MU.size))


def track_running_stats(batches: np.ndarray, momentum: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Training-mode batch norm over batches (T, m, D): the running mean and variance after each step.

    Both histories have shape (T + 1, D) and start at init_running_stats (zeros and ones).
    """
    num_features = batches.shape[2]
    running_mean, running_var = init_running_stats(num_features)
    means, variances = [running_mean], [running_var]
    gamma, beta = np.ones(num_features), np.zeros(num_features)
    for batch in batches:
        _, cache_ = batchnorm_forward(batch, gamma, beta, EPS)
        running_mean, running_var = update_running_stats(running_mean, running_var, cache_, momentum)
        means.append(running_mean)
        variances.append(running_var)
    return np.array(means), np.array(variances)


@cache
def trained_running_stats(steps: int = 300, batch: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The running statistics the layer ends training with."""
    rng = np.random.default_rng(seed)
    means, variances = track_running_stats(np.stack([draw(rng, batch) for _ in range(steps)]))
    return means[-1], variances[-1]


def training_mode(x: np.ndarray) -> np.ndarray:
    return batchnorm_forward(x, GAMMA, BETA, EPS)[0]


def inference_mode(x: np.ndarray) -> np.ndarray:
    return batchnorm_inference(x, GAMMA, BETA, *trained_running_stats(), EPS)


# --- 1. A prediction depends on the other examples in the batch ---------------------------------


def same_example_in_three_batches(batch: int = 16, seed: int = 1) -> dict[str, np.ndarray]:
    """Outputs for one fixed example placed (as row 0) in three batches with different batch-mates."""
    rng = np.random.default_rng(seed)
    example = draw(rng, 1)
    batches = [np.vstack([example, draw(rng, batch - 1)]) for _ in range(3)]
    return {"training": np.array([training_mode(b)[0] for b in batches]),
            "inference": np.array([inference_mode(b)[0] for b in batches])}


def three_batches_table() -> str:
    """Markdown table: the fixed example's three outputs in each of the three batches, both modes."""
    outputs = same_example_in_three_batches()
    lines = ["| Batch-mates | training mode, $y_1$ | inference mode, $y_1$ |", "|---|---|---|"]
    for k in range(3):
        cells = [", ".join(f"{v:+.4f}" for v in outputs[mode][k]) for mode in ("training", "inference")]
        lines.append(f"| draw {k + 1} | ({cells[0]}) | ({cells[1]}) |")
    return "\n".join(lines)


@check("q5c.depends-on-batch", page=PAGE,
       statement="In training mode an output changes with the batch-mates; in inference mode it does not")
def _depends_on_batch():
    outputs = same_example_in_three_batches()
    spread = float(np.max(np.ptp(outputs["training"], axis=0)))
    return [
        holds(spread > 0.01, f"training mode: the same input's outputs differ by up to {spread:.3f}",
              tolerance="difference must exceed 0.01"),
        holds(bool(np.all(outputs["inference"] == outputs["inference"][0])),
              "inference mode: the three outputs are bit-for-bit identical", kind="exact"),
    ]


# --- 2. A batch of one maps every input to beta -------------------------------------------------


def batch_of_one_outputs(n: int = 20, seed: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, training-mode outputs, inference-mode outputs) for n examples, each alone in its batch."""
    inputs = draw(np.random.default_rng(seed), n)
    train = np.array([training_mode(row[None, :])[0] for row in inputs])
    infer = np.array([inference_mode(row[None, :])[0] for row in inputs])
    return inputs, train, infer


@check("q5c.batch-of-one", page=PAGE, statement="In training mode a batch of one maps every input to β")
def _batch_of_one():
    inputs, train, infer = batch_of_one_outputs()
    distinct = len(np.unique(infer[:, 0]))
    return [
        holds(bool(np.all(train == BETA)), f"training mode: all {len(inputs)} inputs give exactly β",
              kind="exact"),
        holds(distinct == len(inputs), f"inference mode: the {len(inputs)} inputs give {distinct} different "
              "outputs", kind="exact"),
    ]


# --- 3. Small or unrepresentative test batches: noisy, shifted statistics -----------------------

TEST_INPUT = 1.5  # one standardized feature, 1.5 standard deviations above the mean
BATCH_SIZES = (2, 4, 8, 16, 32, 64, 128, 256)
DRAWS = 4000


@cache
def output_across_batchmates(draws: int = DRAWS, seed: int = 3) -> dict[int, np.ndarray]:
    """Training-mode outputs (γ = 1, β = 0) of TEST_INPUT among `draws` random sets of N(0, 1) batch-mates.

    The draws are vectorized as features: column j of a batch is the j-th independent test batch.
    """
    rng = np.random.default_rng(seed)
    ones, zeros = np.ones(draws), np.zeros(draws)
    outputs = {}
    for m in BATCH_SIZES:
        batch = np.vstack([np.full((1, draws), TEST_INPUT), rng.normal(size=(m - 1, draws))])
        outputs[m] = batchnorm_forward(batch, ones, zeros, EPS)[0][0]
    return outputs


def inference_output_of_test_input() -> float:
    """The inference-mode output of the same input, with the population statistics (0, 1)."""
    output = batchnorm_inference(np.array([[TEST_INPUT]]), 1.0, 0.0, np.zeros(1), np.ones(1), EPS)
    return float(output[0, 0])


def batch_size_table() -> str:
    """Markdown table: mean ± s.e., spread and range of the training-mode output per batch size."""
    outputs, reference = output_across_batchmates(), inference_output_of_test_input()
    lines = ["| batch size $m$ | mean output ± s.e. | standard deviation | range | $\\sqrt{m-1}$ |",
             "|---:|---:|---:|---:|---:|"]
    for m, y in outputs.items():
        sd = y.std(ddof=1)
        lines.append(f"| {m} | {y.mean():.3f} ± {sd / np.sqrt(y.size):.3f} | {sd:.3f} "
                     f"| [{y.min():.2f}, {y.max():.2f}] | {np.sqrt(m - 1):.2f} |")
    lines.append(f"| inference | {reference:.3f} | 0 | | |")
    return "\n".join(lines)


@value("q5c.test-input", statement="the fixed test input, in standard deviations above the mean", fmt=".1f")
def test_input() -> float:
    return TEST_INPUT


@value("q5c.draws", statement="random sets of batch-mates per batch size")
def draws() -> int:
    return DRAWS


@check("q5c.small-batches", page=PAGE,
       statement="Small test batches give a noisy, shifted output for the same input, bounded by √(m − 1)")
def _small_batches():
    outputs, reference = output_across_batchmates(), inference_output_of_test_input()
    bounded = all(np.all(np.abs(y) <= np.sqrt(m - 1) * (1 + 1e-12)) for m, y in outputs.items())
    outcomes = [holds(bounded, "every normalized value satisfies |x̂| ≤ √(m − 1) (Samuelson's inequality)",
                      kind="exact")]
    for m in (2, 4, 8, 16):
        y = outputs[m]
        shift = abs(y.mean() - reference) / (y.std(ddof=1) / np.sqrt(y.size))
        outcomes.append(holds(shift > 4, f"m = {m}: mean output {y.mean():.3f} is {shift:.0f} s.e. from the "
                                         f"inference output {reference:.3f}",
                              kind="statistical", tolerance="shift must exceed 4 s.e."))
    spreads = [outputs[m].std(ddof=1) for m in BATCH_SIZES[2:]]
    outcomes.append(holds(bool(np.all(np.diff(spreads) < 0)),
                          "from m = 8 on, the standard deviation falls at every doubling: "
                          + ", ".join(f"{s:.3f}" for s in spreads),
                          kind="statistical", tolerance="strictly decreasing"))
    return outcomes


SKEWED_BATCH, SKEWED_POOL = 16, 1000


@value("q5c.skewed-batch", statement="size of the unrepresentative test batch")
def skewed_batch() -> int:
    return SKEWED_BATCH


@value("q5c.skewed-pool", statement="draws the unrepresentative batch takes its largest values from")
def skewed_pool() -> int:
    return SKEWED_POOL


def unrepresentative_batch(seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, training outputs, inference outputs) for a test batch of the largest of many draws."""
    pool = draw(np.random.default_rng(seed), SKEWED_POOL)
    inputs = pool[np.argsort(pool[:, 0])[-SKEWED_BATCH:]]  # like a batch that holds a single class
    return inputs, training_mode(inputs), inference_mode(inputs)


@check("q5c.unrepresentative-batch", page=PAGE,
       statement="Training mode recentres any batch at β, erasing what is unusual about an atypical batch")
def _unrepresentative_batch():
    inputs, train, infer = unrepresentative_batch()
    z = (inputs[:, 0].mean() - MU[0]) / SIGMA[0]
    return [
        close(train.mean(axis=0), BETA, atol=1e-12, what="training mode: batch mean of the outputs vs β"),
        holds(infer[:, 0].mean() > BETA[0] + 1.5 * GAMMA[0],
              f"inference mode: feature 1's mean output is {infer[:, 0].mean():.2f} (β = {BETA[0]:g}, "
              f"γ = {GAMMA[0]:g}); the inputs sit {z:.2f} σ above the training mean",
              tolerance="must exceed β + 1.5 γ"),
    ]


# --- 4. Test examples leak information to each other --------------------------------------------


def pair_outputs(pairs: int = 1000, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(x, training-mode x̂ of the first example) for random batches of two, one standardized feature.

    The pairs are vectorized as features: x has shape (2, pairs).
    """
    x = np.random.default_rng(seed).normal(size=(2, pairs))
    _, cache_ = batchnorm_forward(x, np.ones(pairs), np.zeros(pairs), EPS)
    return x, cache_.x_hat[0]


@check("q5c.leak", page=PAGE,
       statement="In a batch of two, an output tells whether the other input is larger, and little else")
def _leak():
    x, x_hat = pair_outputs()
    half_gap = (x[0] - x[1]) / 2
    # 1 − |δ|/√(δ² + ε) ≤ ε/(2δ²); the slack covers rounding in the float64 evaluation.
    within_bound = np.all(1 - np.abs(x_hat) <= EPS / (2 * half_gap**2) * (1 + 1e-9) + 1e-15)
    return [
        holds(bool(np.all(np.sign(x_hat) == np.sign(x[0] - x[1]))),
              f"sign of x̂₁ = sign of x₁ − x₂ in all {x.shape[1]} pairs", kind="exact"),
        holds(bool(within_bound), "|x̂₁| = 1 up to ε/(2δ²), δ = (x₁ − x₂)/2, in every pair", kind="exact"),
    ]


# --- What batch norm does instead: running averages of the batch statistics ---------------------

POP_MEAN, POP_VAR = 2.0, 9.0  # one feature, N(2, 3²)
MOMENTUM, BATCH, STEPS, RUNS = 0.1, 8, 100, 2000


@cache
def simulate_running_stats(runs: int = RUNS, steps: int = STEPS, batch: int = BATCH, seed: int = 6):
    """Track the running statistics over `steps` training batches in `runs` independent runs.

    Returns (running means, running variances, biased batch variances): (steps + 1, runs) twice,
    then (steps, runs). The runs are vectorized as features.
    """
    rng = np.random.default_rng(seed)
    batches = POP_MEAN + np.sqrt(POP_VAR) * rng.normal(size=(steps, batch, runs))
    means, variances = track_running_stats(batches, MOMENTUM)
    return means, variances, batches.var(axis=1)


def ema_expectation(start: float, target: float, t) -> np.ndarray:
    """E[running average after t steps] when each step averages in an unbiased estimate of `target`."""
    return target + (1 - MOMENTUM) ** np.asarray(t) * (start - target)


def ema_variance(statistic_variance: float, t) -> np.ndarray:
    """Var[running average after t steps] = Σ_s α²(1 − α)^(2s) Var(statistic), independent batches."""
    return MOMENTUM / (2 - MOMENTUM) * (1 - (1 - MOMENTUM) ** (2 * np.asarray(t))) * statistic_variance


def statistic_variances() -> dict[str, float]:
    """Variances of the statistics of N(μ, σ²) batches of m: σ²/m (mean), 2σ⁴/(m − 1) (unbiased var)."""
    return {"mean": POP_VAR / BATCH, "unbiased var": 2 * POP_VAR**2 / (BATCH - 1)}


def variance_standard_error(samples: np.ndarray) -> float:
    """Standard error of the sample variance, from the sample's fourth central moment."""
    centred = samples - samples.mean()
    return float(np.sqrt((np.mean(centred**4) - np.mean(centred**2) ** 2) / samples.size))


def final_running_var() -> tuple[float, float]:
    """Mean over runs of the running variance after the last step, and its standard error."""
    last = simulate_running_stats()[1][-1]
    return float(last.mean()), float(last.std(ddof=1) / np.sqrt(last.size))


@value("q5c.runs", statement="independent training runs")
def runs() -> int:
    return RUNS


@value("q5c.steps", statement="training steps per run")
def steps() -> int:
    return STEPS


@value("q5c.batch", statement="training batch size")
def batch_size() -> int:
    return BATCH


@value("q5c.momentum", statement="momentum of the running averages")
def momentum() -> float:
    return MOMENTUM


@value("q5c.pop-mean", statement="population mean of the simulated feature", fmt="g")
def pop_mean() -> float:
    return POP_MEAN


@value("q5c.pop-var", statement="population variance of the simulated feature", fmt="g")
def pop_var() -> float:
    return POP_VAR


@value("q5c.ema-sd", statement="standard deviation of one run's running variance at the last step (theory)",
       fmt=".2f")
def ema_sd() -> float:
    return float(np.sqrt(ema_variance(statistic_variances()["unbiased var"], STEPS)))


@value("q5c.final-var", statement="running variance after the last step, averaged over runs", fmt=".3f")
def final_var() -> float:
    return final_running_var()[0]


@value("q5c.final-var-se", statement="standard error of that average", fmt=".3f")
def final_var_se() -> float:
    return final_running_var()[1]


@value("q5c.false-alarm", statement="probability that a normal deviate lies beyond 4 standard deviations")
def false_alarm() -> str:
    mantissa, exponent = f"{2 * norm.sf(4.0):.0e}".split("e")
    return f"{mantissa} × 10" + str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


@value("q5c.biased-target", statement="(m − 1)/m σ², where an average of biased batch variances settles",
       fmt="g")
def biased_target() -> float:
    return (BATCH - 1) / BATCH * POP_VAR


@value("q5c.biased-gap", statement="standard errors between the simulated running variance and where an "
       "average of biased batch variances would be", fmt=".0f")
def biased_gap() -> float:
    mean, standard_error = final_running_var()
    start = init_running_stats(1)[1][0]
    return float(abs(mean - ema_expectation(start, biased_target(), STEPS)) / standard_error)


@check("q5c.running-averages", page=PAGE,
       statement="The running averages converge to the population mean and variance within their uncertainty")
def _running_averages():
    means, variances, batch_vars = simulate_running_stats()
    start_mean, start_var = init_running_stats(1)
    outcomes = []
    for label, history, start, target, statistic in (
        ("running mean", means, start_mean[0], POP_MEAN, "mean"),
        ("running variance", variances, start_var[0], POP_VAR, "unbiased var"),
    ):
        last = history[-1]
        outcomes.append(within_uncertainty(
            last.mean(), last.std(ddof=1) / np.sqrt(last.size), float(ema_expectation(start, target, STEPS)),
            what=f"{label} after {STEPS} steps, mean of {RUNS} runs, "
                 "vs population + (1 − α)^T (start − population)"))
        outcomes.append(within_uncertainty(
            last.var(ddof=1), variance_standard_error(last),
            float(ema_variance(statistic_variances()[statistic], STEPS)),
            what=f"{label}: variance across runs vs α/(2 − α)(1 − (1 − α)^2T) Var(batch {statistic})"))
    pooled = batch_vars.ravel()
    outcomes.append(within_uncertainty(
        pooled.mean(), pooled.std(ddof=1) / np.sqrt(pooled.size), biased_target(),
        what=f"biased batch variance σ_B², mean over {pooled.size} batches, vs (m − 1)/m σ²"))
    return outcomes


# --- Figures ------------------------------------------------------------------------------------


def running_stats_figure() -> str:
    """Two panels: running mean and running variance against the step, with the theory's ±1 s.d. band."""
    means, variances, _ = simulate_running_stats()
    t = np.arange(STEPS + 1)
    start_mean, start_var = init_running_stats(1)
    variances_of = statistic_variances()
    fig, axes = new_figure(6.6, 3.4, ncols=2)
    panels = (
        (axes[0], means, start_mean[0], POP_MEAN, variances_of["mean"], "running mean",
         r"population mean $\mu$"),
        (axes[1], variances, start_var[0], POP_VAR, variances_of["unbiased var"], "running variance",
         r"population variance $\sigma^2$"),
    )
    for ax, history, start, target, statistic_variance, ylabel, target_label in panels:
        expected, sd = ema_expectation(start, target, t), np.sqrt(ema_variance(statistic_variance, t))
        ax.fill_between(t, expected - sd, expected + sd, alpha=0.25, linewidth=0, color="#3b8fd9",
                        label="theory: mean ± 1 s.d.")
        for run in range(3):
            ax.plot(t, history[:, run], linewidth=0.9, alpha=0.8, color="#b26fce",
                    label="three single runs" if run == 0 else None)
        ax.plot(t, history.mean(axis=1), linewidth=2, color="#2ca58d", label=f"mean of {RUNS} runs")
        ax.axhline(target, linestyle="--", linewidth=1.2, color="#8c8c8c", label=target_label)
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
    axes[1].axhline(biased_target(), linestyle=":", linewidth=1.4, color="#d55e00",
                    label=r"$(m-1)\sigma^2/m$: biased target")
    for ax in axes:
        ax.legend(loc="lower right", fontsize=7)
    return figure_html(
        fig, figure_id="q5c-running-statistics",
        title="Running mean and running variance converging to the population values",
        description=(
            f"Two panels against the training step, 0 to {STEPS}. Left: the running mean starts at 0 and "
            f"rises to the population mean {POP_MEAN:g}. Right: the running variance starts at 1 and rises "
            f"to the population variance {POP_VAR:g}, above the dotted level (m - 1)/m times sigma squared "
            "where an average of biased batch variances would settle. Three single runs keep fluctuating "
            "around the population value, on the scale of the shaded theoretical band of one standard "
            f"deviation; the mean of {RUNS} runs follows the band's centre."),
        caption=(
            f"Running statistics of one feature drawn from N({POP_MEAN:g}, {POP_VAR:g}), batches of {BATCH}, "
            f"momentum {MOMENTUM:g}. The shaded band is the exact mean ± 1 standard deviation of the running "
            f"average: single runs never stop fluctuating on that scale, while their mean over {RUNS} runs "
            "settles on the population value. The variance converges to σ² because each step averages in the "
            "unbiased m/(m − 1)·σ_B²."),
    )


def small_batch_figure() -> str:
    """The training-mode output of one fixed input against the batch size, with the inference output."""
    outputs, reference = output_across_batchmates(), inference_output_of_test_input()
    sizes = np.array(BATCH_SIZES)
    low, high = (np.array([np.percentile(outputs[m], q) for m in BATCH_SIZES]) for q in (5, 95))
    fig, ax = new_figure(6.4, 3.3)
    ax.fill_between(sizes, low, high, alpha=0.3, linewidth=0, color="#3b8fd9",
                    label="training mode: 5th to 95th percentile")
    ax.plot(sizes, [outputs[m].mean() for m in BATCH_SIZES], marker="o", markersize=4, color="#3b8fd9",
            label="training mode: mean")
    ax.axhline(reference, linestyle="--", linewidth=1.4, color="#b26fce", label="inference mode")
    fine = np.geomspace(2, 4, 30)
    ax.plot(fine, np.sqrt(fine - 1), linestyle=":", linewidth=1.4, color="#d55e00",
            label=r"bound $\sqrt{m-1}$")
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(m) for m in BATCH_SIZES])
    ax.set_xlabel("test batch size m")
    ax.set_ylabel(f"output for the input {TEST_INPUT:g}")
    ax.set_ylim(-1.1, 2.6)
    ax.legend(loc="lower right", fontsize=8)
    return figure_html(
        fig, figure_id="q5c-small-batches",
        title="One input's training-mode output against the test batch size",
        description=(
            f"For a fixed standardized input {TEST_INPUT:g} placed among random batch-mates, the band from "
            f"the 5th to the 95th percentile and the mean of the training-mode output over {DRAWS} batches, "
            f"for batch sizes 2 to 256 on a logarithmic axis, against the constant inference-mode output. "
            "For a batch of two the output is plus or minus 1; for small batches the band is wide and its "
            f"mean well below {TEST_INPUT:g}; it narrows around the inference output as the batch grows."),
        caption=(
            f"The same input, {TEST_INPUT:g} standard deviations above the mean, normalized with the "
            f"statistics of {DRAWS} random test batches of each size. Small batches give a wide spread and a "
            "mean shifted away from the inference output; with two examples the output is ±1 up to order ε, "
            "and in general |x̂| ≤ √(m − 1)."),
    )


# --- The inference layer is an affine map: fold it into the preceding Linear layer --------------


def inference_affine(gamma, beta, running_mean, running_var, eps: float = EPS):
    """(scale, shift) such that batchnorm_inference(z) = scale · z + shift, feature by feature."""
    scale = gamma / np.sqrt(running_var + eps)
    return scale, beta - scale * running_mean


def fold_into_linear(weight, bias, gamma, beta, running_mean, running_var, eps: float = EPS):
    """Weight and bias of one Linear layer equal to Linear(weight, bias) then inference batch norm."""
    scale, shift = inference_affine(gamma, beta, running_mean, running_var, eps)
    return scale[:, None] * weight, scale * bias + shift


def folding_example(seed: int = 7) -> dict[str, np.ndarray]:
    """Linear(6 → 3) + batch norm trained on random data, then folded: test outputs both ways."""
    rng = np.random.default_rng(seed)
    weight, bias = rng.normal(size=(3, 6)), rng.normal(size=3)
    train_inputs = 1 + 2 * rng.normal(size=(200, 32, 6))
    means, variances = track_running_stats(train_inputs @ weight.T + bias)
    running_mean, running_var = means[-1], variances[-1]
    test = 1 + 2 * rng.normal(size=(64, 6))
    hidden = test @ weight.T + bias
    two_layers = batchnorm_inference(hidden, GAMMA, BETA, running_mean, running_var, EPS)
    scale, shift = inference_affine(GAMMA, BETA, running_mean, running_var)
    folded_weight, folded_bias = fold_into_linear(weight, bias, GAMMA, BETA, running_mean, running_var)
    return {"two_layers": two_layers, "affine": scale * hidden + shift,
            "folded": test @ folded_weight.T + folded_bias}


@check("q5c.fold", page=PAGE,
       statement="Inference batch norm is an affine map per feature and folds into the previous Linear layer")
def _fold():
    outputs = folding_example()
    return [
        close(outputs["affine"], outputs["two_layers"], rtol=1e-12, atol=1e-12,
              what="a · z + c vs batchnorm_inference(z), 64 × 3 outputs, float64"),
        close(outputs["folded"], outputs["two_layers"], rtol=1e-12, atol=1e-12,
              what="Linear' (folded) vs Linear → batch norm (inference), 64 × 3 outputs, float64"),
    ]
