"""Question 5c's trained layer: three features, their training distribution, and both modes of batch norm."""

from __future__ import annotations

from functools import cache

import numpy as np

from snippets.batchnorm import (
    batchnorm_forward,
    batchnorm_inference,
    init_running_stats,
    update_running_stats,
)

PAGE = "question-5/5c.md"

# A trained layer over three features whose inputs follow N(MU, SIGMA²) in the training data.
MU = np.array([2.0, -1.0, 0.5])
SIGMA = np.array([3.0, 0.5, 1.0])
GAMMA = np.array([1.5, 0.8, 1.2])
BETA = np.array([0.5, -0.3, 0.1])
TRAINING_BATCH, TRAINING_STEPS = 32, 300


def draw(rng: np.random.Generator, n: int) -> np.ndarray:
    """n examples from the training distribution, shape (n, 3)."""
    return MU + SIGMA * rng.normal(size=(n, MU.size))


def track_running_stats(batches: np.ndarray, momentum: float = 0.1, update=None):
    """Training-mode batch norm over batches (T, m, D): the running mean and variance after each step.

    Both histories have shape (T + 1, D) and start at init_running_stats (zeros and ones). `update`
    replaces update_running_stats, to run a mistaken implementation through the same checks.
    """
    update = update or update_running_stats
    num_features = batches.shape[2]
    running_mean, running_var = init_running_stats(num_features)
    means, variances = [running_mean], [running_var]
    gamma, beta = np.ones(num_features), np.zeros(num_features)
    for batch in batches:
        _, statistics = batchnorm_forward(batch, gamma, beta)
        running_mean, running_var = update(running_mean, running_var, statistics, momentum)
        means.append(running_mean)
        variances.append(running_var)
    return np.array(means), np.array(variances)


@cache
def trained_running_stats(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The running statistics the layer ends training with."""
    rng = np.random.default_rng(seed)
    batches = np.stack([draw(rng, TRAINING_BATCH) for _ in range(TRAINING_STEPS)])
    means, variances = track_running_stats(batches)
    return means[-1], variances[-1]


def training_mode(x: np.ndarray) -> np.ndarray:
    """The layer normalizing with the statistics of the batch x."""
    return batchnorm_forward(x, GAMMA, BETA)[0]


def inference_mode(x: np.ndarray) -> np.ndarray:
    """The layer normalizing with the running statistics it ended training with."""
    return batchnorm_inference(x, GAMMA, BETA, *trained_running_stats())
