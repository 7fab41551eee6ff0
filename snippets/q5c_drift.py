"""Question 5c: running statistics lag a network that changes during training; recomputing them fixes it."""

from __future__ import annotations

from functools import cache

import numpy as np

from snippets.batchnorm import batchnorm_forward, init_running_stats, update_running_stats
from snippets.plumbing.checks import at_most, cases, check, close, sample_mean
from snippets.plumbing.values import FigureData, computed, value
from snippets.q5c_layer import PAGE

START_MEAN, DRIFT, SPREAD = 0.0, 0.02, 1.0  # the feature's mean rises by DRIFT per step, sd SPREAD
MOMENTUM, BATCH, STEPS, RUNS = 0.1, 32, 200, 500
RECOMPUTE_BATCHES = 100  # batches passed through the frozen final network (Algorithm 2, PreciseBN)


def population_mean(t) -> np.ndarray:
    """The feature's mean under the network's weights after t steps."""
    return START_MEAN + DRIFT * np.asarray(t, dtype=float)


def feature_batches(rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
    """One batch of BATCH examples per entry of `means`, for RUNS runs: shape (len(means), BATCH, RUNS)."""
    return means[:, None, None] + SPREAD * rng.normal(size=(means.size, BATCH, RUNS))


@cache
def training_with_drift(seed: int = 15) -> dict[str, np.ndarray]:
    """Running means over STEPS steps of a drifting feature, then a recomputation with the final network."""
    rng = np.random.default_rng(seed)
    running, _ = init_running_stats(RUNS)
    history = [running]
    variance = np.ones(RUNS)
    for batch in feature_batches(rng, population_mean(np.arange(1, STEPS + 1))):
        _, statistics = batchnorm_forward(batch, np.ones(RUNS), np.zeros(RUNS))
        running, variance = update_running_stats(running, variance, statistics, MOMENTUM)
        history.append(running)
    frozen = feature_batches(rng, np.full(RECOMPUTE_BATCHES, population_mean(STEPS)))
    return {"running": np.array(history), "recomputed": frozen.mean(axis=1).mean(axis=0)}


def expected_running_mean(t_max: int = STEPS) -> np.ndarray:
    """E[running mean] at steps 0..t_max: the moving-average recursion applied to the population means."""
    expected = [float(init_running_stats(1)[0][0])]
    for t in range(1, t_max + 1):
        expected.append((1 - MOMENTUM) * expected[-1] + MOMENTUM * float(population_mean(t)))
    return np.array(expected)


def steady_lag() -> float:
    """The lag the running mean settles at behind a mean rising by DRIFT per step: (1 − α) DRIFT / α."""
    return (1 - MOMENTUM) * DRIFT / MOMENTUM


@value("q5c.drift-curves", statement="the drifting feature's population mean and running mean, per step")
def drift_curves() -> FigureData:
    run = training_with_drift()
    t = np.arange(STEPS + 1)
    return FigureData(t=t, population=population_mean(t), running=run["running"].mean(axis=1),
                      one_run=run["running"][:, 0])


@check("q5c.running-stats-lag", page=PAGE,
       statement=r"With a drifting feature the running mean lags the final network's mean by about "
                 r"$(1 - \alpha)d/\alpha$; recomputing with the frozen network removes the lag")
def running_statistics_lag_and_recomputation_fixes_them():
    run, curves = training_with_drift(), computed("q5c.drift-curves")
    expected, final = expected_running_mean(), float(population_mean(STEPS))
    outcomes = []
    for t in cases("step", (50, 100, STEPS)):
        outcomes.append(close(curves["running"][t], run["running"][t].sum() / RUNS, rtol=1e-12,
                              what=f"drawn running mean at step {t} vs the runs' average"))
        outcomes.append(sample_mean(run["running"][t], float(expected[t]), unit="runs",
                                    what=f"running mean at step {t}, mean of {RUNS} runs, "
                                         "vs the moving average of the population means"))
    outcomes.append(sample_mean(final - run["running"][-1], final - float(expected[-1]), unit="runs",
                                what="lag behind the final network's mean vs the recursion's"))
    outcomes.append(at_most(abs(final - float(expected[-1]) - steady_lag()), 1e-6 * steady_lag(),
                            what="the recursion's lag vs (1 − α)d/α"))
    outcomes.append(sample_mean(run["recomputed"] - final, 0.0, scale=steady_lag(), unit="runs",
                                what=f"recomputed mean ({RECOMPUTE_BATCHES} batches, frozen network) "
                                     "minus the final network's mean"))
    return outcomes


@value("q5c.drift", statement="rise of the feature's mean per training step", fmt="g")
def drift() -> float:
    return DRIFT


@value("q5c.drift-steps", statement="training steps of the drifting-feature simulation")
def drift_steps() -> int:
    return STEPS


@value("q5c.drift-runs", statement="runs of the drifting-feature simulation")
def drift_runs() -> int:
    return RUNS


@value("q5c.lag", statement="lag (1 − α)d/α of the running mean behind the drifting mean", fmt=".2f")
def lag() -> float:
    return steady_lag()


@value("q5c.lag-measured", statement="measured lag at the last step, mean over runs", fmt=".2f")
def lag_measured() -> float:
    return float((population_mean(STEPS) - training_with_drift()["running"][-1]).mean())


@value("q5c.recompute-batches", statement="batches the recomputation passes through the frozen network")
def recompute_batches() -> int:
    return RECOMPUTE_BATCHES


@value("q5c.recomputed-error", statement="mean error of the recomputed statistic over runs", fmt=".3f")
def recomputed_error() -> float:
    return float((training_with_drift()["recomputed"] - population_mean(STEPS)).mean())
