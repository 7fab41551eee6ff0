"""Question 5c, the remedy: running averages of the batch statistics, their theory and their noise."""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from snippets.batchnorm import batchnorm_forward, init_running_stats, update_running_stats
from snippets.plumbing.checks import (
    cases,
    check,
    close,
    identity,
    normal_two_sided,
    run,
    sample_mean,
    sample_variance,
    samples,
)
from snippets.plumbing.values import scientific, value
from snippets.q5c_layer import PAGE, track_running_stats

POP_MEAN, POP_VAR = 2.0, 9.0  # one feature, N(2, 3²)
MOMENTUM, BATCH, STEPS, RUNS = 0.1, 8, 100, 2000
K = 4.0  # standard errors allowed in each statistical comparison


def biased_update(running_mean, running_var, statistics, momentum=MOMENTUM):
    """A mistaken implementation: it averages the biased batch variance σ_B² instead of m/(m − 1) σ_B²."""
    return ((1 - momentum) * running_mean + momentum * statistics.mean,
            (1 - momentum) * running_var + momentum * statistics.var)


@cache
def simulate_running_stats(runs: int = RUNS, steps: int = STEPS, batch: int = BATCH, seed: int = 6,
                           update=update_running_stats):
    """Track the running statistics over `steps` training batches in `runs` independent runs.

    Returns (running means, running variances, biased batch variances): (steps + 1, runs) twice,
    then (steps, runs). The runs are vectorized as features.
    """
    rng = np.random.default_rng(seed)
    batches = POP_MEAN + np.sqrt(POP_VAR) * rng.normal(size=(steps, batch, runs))
    means, variances = track_running_stats(batches, MOMENTUM, update)
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


def final_variance_comparison(update=update_running_stats):
    """The running variance after the last step, over the runs, against its exact expectation."""
    last = simulate_running_stats(update=update)[1][-1]
    start = init_running_stats(1)[1][0]
    return sample_mean(last, float(ema_expectation(start, POP_VAR, STEPS)), k=K, unit="runs",
                       what=f"running variance after {STEPS} steps, mean of {RUNS} runs, "
                            "vs σ² + (1 − α)^T (start − σ²)")


@check("q5c.running-averages", page=PAGE,
       statement="The running averages converge to the population mean and variance within their uncertainty")
def running_averages_converge():
    means, variances, batch_vars = simulate_running_stats()
    start_mean = init_running_stats(1)[0][0]
    last_mean, last_var = means[-1], variances[-1]
    pooled = batch_vars.ravel()
    return [
        sample_mean(last_mean, float(ema_expectation(start_mean, POP_MEAN, STEPS)), k=K, unit="runs",
                    what=f"running mean after {STEPS} steps, mean of {RUNS} runs, "
                         "vs μ + (1 − α)^T (start − μ)"),
        final_variance_comparison(),
        sample_variance(last_mean, float(ema_variance(statistic_variances()["mean"], STEPS)), k=K,
                        unit="runs",
                        what="running mean: variance across runs vs α/(2 − α)(1 − (1 − α)^2T) σ²/m"),
        sample_variance(last_var, float(ema_variance(statistic_variances()["unbiased var"], STEPS)), k=K,
                        unit="runs", what="running variance: variance across runs "
                                          "vs α/(2 − α)(1 − (1 − α)^2T) 2σ⁴/(m − 1)"),
        sample_mean(pooled, (BATCH - 1) / BATCH * POP_VAR, k=K, unit="batches",
                    what="biased batch variance σ_B², mean over the batches, vs (m − 1)/m σ²"),
    ]


@value("q5c.runs", statement="independent training runs")
def runs() -> int:
    return RUNS


@value("q5c.steps", statement="training steps per run")
def steps() -> int:
    return STEPS


@value("q5c.ema-batch", statement="training batch size of the simulation")
def ema_batch() -> int:
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


@value("q5c.ema-sd", statement="standard deviation of one run's running variance at the last step, theory",
       fmt=".2f")
def ema_sd() -> float:
    return float(np.sqrt(ema_variance(statistic_variances()["unbiased var"], STEPS)))


@value("q5c.ema-sd-sim", statement="the same, measured over the simulated runs", fmt=".2f")
def ema_sd_simulated() -> float:
    return float(simulate_running_stats()[1][-1].std(ddof=1))


@value("q5c.final-var", statement="running variance after the last step, averaged over runs", fmt=".3f")
def final_var() -> float:
    return float(simulate_running_stats()[1][-1].mean())


@value("q5c.final-var-se", statement="standard error of that average", fmt=".3f")
def final_var_se() -> float:
    return float(simulate_running_stats()[1][-1].std(ddof=1) / np.sqrt(RUNS))


@value("q5c.k", statement="standard errors allowed per statistical comparison", fmt="g")
def k_allowed() -> float:
    return K


@value("q5c.false-alarm", statement="probability that a normal deviate lies beyond K standard deviations")
def false_alarm() -> str:
    return scientific(normal_two_sided(K), 1)


@value("q5c.comparisons", statement="statistical comparisons in the running-averages check")
def comparisons() -> int:
    return len(run("q5c.running-averages").statistical)


@value("q5c.family-false-alarm", statement="false-alarm rate of the whole check (Bonferroni bound)")
def family_false_alarm() -> str:
    return scientific(run("q5c.running-averages").false_alarm, 1)


@value("q5c.biased-target", statement="(m − 1)/m σ², where an average of biased batch variances settles",
       fmt="g")
def biased_target() -> float:
    return (BATCH - 1) / BATCH * POP_VAR


@value("q5c.biased-distance", statement="standard errors by which a biased-variance implementation misses "
       "the check's reference", fmt=".0f")
def biased_distance() -> float:
    return final_variance_comparison(update=biased_update).deviation


# --- Framework conventions, in this implementation's terms --------------------------------------


@check("q5c.momentum-conventions", page=PAGE,
       statement=r"Keras's rule with momentum $\mu$ is PyTorch's with momentum $1 - \mu$ "
                 r"(so 0.99 there is 0.01 here)")
def keras_momentum_is_one_minus_pytorch_momentum():
    old, new, mu = sp.symbols("old new mu", real=True)
    keras = old * mu + new * (1 - mu)
    pytorch = lambda alpha: (1 - alpha) * old + alpha * new  # noqa: E731 (the rule as PyTorch documents it)
    _, statistics = batchnorm_forward(np.random.default_rng(12).normal(size=(8, 3)), np.ones(3), np.zeros(3))
    ours = update_running_stats(np.zeros(3), np.ones(3), statistics, momentum=0.01)[0]
    return [identity(keras, pytorch(1 - mu), what="Keras's update vs PyTorch's with α = 1 − μ"),
            close(ours, 0.99 * np.zeros(3) + statistics.mean * (1 - 0.99), rtol=1e-15, atol=1e-18,
                  what="update_running_stats with momentum 0.01 vs Keras's rule with 0.99")]


@check("q5c.cumulative-average", page=PAGE,
       statement=r"Momentum $1/t$ at step $t$ keeps the exact average of all batch statistics so far")
def momentum_one_over_t_is_a_cumulative_average():
    rng = np.random.default_rng(13)
    mean, var = init_running_stats(2)
    batch_means, batch_vars, running_means, running_vars = [], [], [], []
    steps = range(1, 51)
    for t in steps:
        _, statistics = batchnorm_forward(rng.normal(size=(8, 2)), np.ones(2), np.zeros(2))
        mean, var = update_running_stats(mean, var, statistics, momentum=1 / t)
        batch_means.append(statistics.mean)
        batch_vars.append(statistics.var * 8 / 7)
        running_means.append(mean)
        running_vars.append(var)
    so_far = np.arange(1, len(batch_means) + 1)[:, None]  # the average after t steps, at every t
    return [close(running_means, np.cumsum(batch_means, axis=0) / so_far, rtol=1e-13,
                  what="running mean vs the average batch mean so far", over=cases("t", steps)),
            close(running_vars, np.cumsum(batch_vars, axis=0) / so_far, rtol=1e-13,
                  what="running variance vs the average unbiased batch variance so far",
                  over=cases("t", steps))]


TEST_SHIFT, TEST_BATCHES = 5.0, 50


def evaluated_in_training_mode(seed: int = 14) -> dict[str, np.ndarray]:
    """Trained statistics, then TEST_BATCHES shifted test batches passed through in training mode."""
    rng = np.random.default_rng(seed)
    mean, var = np.array([POP_MEAN]), np.array([POP_VAR])  # as if training had ended exactly
    trained = mean.copy()
    test_means = []
    for _ in range(TEST_BATCHES):
        batch = POP_MEAN + TEST_SHIFT + np.sqrt(POP_VAR) * rng.normal(size=(BATCH, 1))
        _, statistics = batchnorm_forward(batch, np.ones(1), np.zeros(1))
        mean, var = update_running_stats(mean, var, statistics, MOMENTUM)
        test_means.append(statistics.mean)
    return {"trained": trained, "after": mean, "test_means": np.array(test_means)[:, 0]}


@check("q5c.forgot-eval", page=PAGE,
       statement=r"Evaluating in training mode overwrites the running statistics: after $K$ test batches "
                 r"only $(1 - \alpha)^K$ of the trained value remains")
def evaluation_in_training_mode_overwrites_the_statistics():
    run_ = evaluated_in_training_mode()
    weights = MOMENTUM * (1 - MOMENTUM) ** np.arange(TEST_BATCHES - 1, -1, -1)
    closed_form = (1 - MOMENTUM) ** TEST_BATCHES * run_["trained"] + weights @ run_["test_means"]
    return close(run_["after"], closed_form, rtol=1e-12,
                 what=f"running mean after {TEST_BATCHES} test batches vs (1 − α)^K μ̂ + Σ α(1 − α)^(K−k) μ_k",
                 scope=samples(TEST_BATCHES, "test batches of one seeded run"))


@value("q5c.test-batches", statement="test batches evaluated by mistake in training mode")
def test_batches() -> int:
    return TEST_BATCHES


@value("q5c.remaining", statement="weight (1 − α)^K of the trained statistics after those batches")
def remaining() -> str:
    return f"{(1 - MOMENTUM) ** TEST_BATCHES:.1%}".replace("%", " %")
