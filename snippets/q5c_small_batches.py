"""Question 5c, problem 2: small or unrepresentative test batches, down to the batch of one."""

from __future__ import annotations

from functools import cache

import numpy as np

from snippets.batchnorm import EPS, batchnorm_forward, batchnorm_inference
from snippets.plumbing.checks import (
    above,
    at_most,
    cases,
    check,
    close,
    equal,
    holds,
    samples,
    within_uncertainty,
)
from snippets.plumbing.values import Table, computed, value
from snippets.q5c_layer import (
    BETA,
    GAMMA,
    MU,
    PAGE,
    SIGMA,
    TRAINING_BATCH,
    draw,
    inference_mode,
    training_mode,
)

TEST_INPUT = 1.5  # one standardized feature, 1.5 standard deviations above the mean
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
DRAWS = 4000


def normalized_among_batch_mates(m: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """x̂ of TEST_INPUT among m − 1 N(0, 1) batch-mates, for `draws` independent batches.

    The draws are vectorized as features: column j of the batch is the j-th test batch.
    """
    batch = np.vstack([np.full((1, draws), TEST_INPUT), rng.normal(size=(m - 1, draws))])
    return batchnorm_forward(batch, np.ones(draws), np.zeros(draws))[0][0]


@cache
def output_across_batch_mates(seed: int = 3) -> dict[int, np.ndarray]:
    """Training-mode outputs (γ = 1, β = 0) of TEST_INPUT, DRAWS random batches per batch size."""
    rng = np.random.default_rng(seed)
    return {m: normalized_among_batch_mates(m, DRAWS, rng) for m in BATCH_SIZES}


def inference_output_of_test_input() -> float:
    """The inference-mode output of the same input, with the population statistics (0, 1)."""
    return float(batchnorm_inference(np.array([[TEST_INPUT]]), 1.0, 0.0, np.zeros(1), np.ones(1))[0, 0])


def standard_error(y: np.ndarray) -> float:
    return float(y.std(ddof=1) / np.sqrt(y.size))


@value("q5c.batch-sizes", statement="the test input's training-mode output per test batch size")
def batch_size_table() -> Table:
    rows = []
    for m, y in output_across_batch_mates().items():
        label = f"{m} (training)" if m == TRAINING_BATCH else str(m)
        rows.append((label, float(y.mean()), standard_error(y), float(y.std(ddof=1)), float(y.min()),
                     float(y.max()), float(np.sqrt(m - 1))))
    formats = {"mean output": ".3f", "s.e.": ".3f", "standard deviation": ".3f", "smallest": ".2f",
               "largest": ".2f", "$\\sqrt{m-1}$": ".2f"}
    return Table(("batch size $m$", "mean output", "s.e.", "standard deviation", "smallest", "largest",
                  "$\\sqrt{m-1}$"), rows, formats=formats, align="rrrrrrr")


def independent_run(m: int, seed: int = 33) -> np.ndarray:
    """The same experiment with other random numbers and the formula written out, not batchnorm_forward."""
    rng = np.random.default_rng(seed + m)
    mates = rng.normal(size=(m - 1, DRAWS))
    batch = np.vstack([np.full((1, DRAWS), TEST_INPUT), mates])
    mean = batch.sum(axis=0) / m
    var = ((batch - mean) ** 2).sum(axis=0) / m
    return (TEST_INPUT - mean) / np.sqrt(var + EPS)


@check("q5c.batch-size-table", page=PAGE,
       statement="The table's mean outputs and standard deviations agree with an independent simulation "
                 "of the same experiment")
def table_agrees_with_an_independent_run():
    table = computed("q5c.batch-sizes")
    outputs = output_across_batch_mates()
    outcomes = []
    for m in cases("m", BATCH_SIZES[1:]):
        row, other = BATCH_SIZES.index(m), independent_run(m)
        gap = table.cell(row, "mean output") - float(other.mean())
        combined = float(np.hypot(table.cell(row, "s.e."), standard_error(other)))
        outcomes.append(within_uncertainty(gap, combined, 0.0, scale=abs(float(other.mean())),
                                           what=f"m = {m}: table mean − independent mean"))
        variance_gap = table.cell(row, "standard deviation") ** 2 - float(other.var(ddof=1))
        variance_error = float(np.hypot(variance_standard_error(outputs[m]), variance_standard_error(other)))
        outcomes.append(within_uncertainty(variance_gap, variance_error, 0.0, scale=float(other.var(ddof=1)),
                                           what=f"m = {m}: table variance − independent variance"))
    return outcomes


def variance_standard_error(samples_: np.ndarray) -> float:
    """Standard error of the sample variance, from the sample's fourth central moment."""
    centred = samples_ - samples_.mean()
    return float(np.sqrt((np.mean(centred**4) - np.mean(centred**2) ** 2) / samples_.size))


@check("q5c.small-batches", page=PAGE,
       statement=r"Small test batches give a noisy, shifted output for the same input, bounded by "
                 r"$\sqrt{m - 1}$")
def small_batches_shift_the_output():
    outputs, reference = output_across_batch_mates(), inference_output_of_test_input()
    trained = outputs[TRAINING_BATCH]
    ratios = [float(np.max(np.abs(outputs[m]))) / np.sqrt(m - 1) for m in cases("m", BATCH_SIZES[1:])]
    outcomes = [at_most(max(ratios), 1 + 1e-12, what="largest |x̂| / √(m − 1) (Samuelson's inequality)")]
    for m in cases("small m", (2, 4, 8)):
        y = outputs[m]
        from_inference = abs(y.mean() - reference) / standard_error(y)
        from_training = abs(y.mean() - trained.mean()) / np.hypot(standard_error(y), standard_error(trained))
        outcomes.append(above(from_inference, 4, what=f"m = {m}: standard errors from the inference output"))
        outcomes.append(above(from_training, 4, what=f"m = {m}: standard errors from the output at the "
                                                     f"training batch size {TRAINING_BATCH}"))
    spreads = [outputs[m].std(ddof=1) for m in BATCH_SIZES[3:]]
    outcomes.append(holds(bool(np.all(np.diff(spreads) < 0)),
                          "from m = 8 on, the standard deviation falls at every doubling: "
                          + ", ".join(f"{s:.3f}" for s in spreads), kind="statistical"))
    return outcomes


@value("q5c.inference-output", statement="the test input's output in inference mode", fmt=".3f")
def inference_output() -> float:
    return inference_output_of_test_input()


@value("q5c.test-input", statement="the fixed test input, in standard deviations above the mean", fmt=".1f")
def test_input() -> float:
    return TEST_INPUT


@value("q5c.draws", statement="random sets of batch-mates per batch size")
def draws() -> int:
    return DRAWS


@value("q5c.training-batch", statement="the batch size the layer was trained with")
def training_batch() -> int:
    return TRAINING_BATCH


# --- The extreme case: a batch of one -----------------------------------------------------------


def batch_of_one_outputs(n: int = 20, seed: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, training-mode outputs, inference-mode outputs) for n examples, each alone in its batch."""
    inputs = draw(np.random.default_rng(seed), n)
    train = np.array([training_mode(row[None, :])[0] for row in inputs])
    infer = np.array([inference_mode(row[None, :])[0] for row in inputs])
    return inputs, train, infer


@check("q5c.batch-of-one", page=PAGE,
       statement=r"In training mode a batch of one maps every input to $\beta$")
def a_batch_of_one_gives_beta():
    inputs, train, infer = batch_of_one_outputs()
    distinct = len(np.unique(infer[:, 0]))
    return [
        holds(bool(np.all(train == BETA)), f"training mode: all {len(inputs)} inputs give exactly β",
              kind="exact", scope=samples(len(inputs), "random inputs")),
        equal(distinct, len(inputs), what="inference mode: different outputs for the different inputs"),
    ]


def small_network(x: np.ndarray, *, residual: bool, seed: int = 8) -> np.ndarray:
    """Linear(3 → 3) → batch norm (training mode) → ReLU → Linear(3 → 1), with an optional skip x + …"""
    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=(3, 3)), rng.normal(size=(1, 3))
    hidden = np.maximum(batchnorm_forward(x @ w1.T, GAMMA, BETA)[0], 0.0)
    return (x + hidden if residual else hidden) @ w2.T


@check("q5c.same-prediction", page=PAGE,
       statement="A network whose every path passes through batch norm predicts the same for every input "
                 "in batches of one; a residual connection breaks this")
def batch_of_one_network_outputs():
    inputs = draw(np.random.default_rng(10), 20)
    plain = np.array([small_network(row[None, :], residual=False)[0, 0] for row in inputs])
    skip = np.array([small_network(row[None, :], residual=True)[0, 0] for row in inputs])
    return [equal(len(np.unique(plain)), 1, what=f"distinct predictions of {len(inputs)} inputs, no skip",
                  scope=samples(len(inputs), "random inputs")),
            equal(len(np.unique(skip)), len(inputs), what=f"distinct predictions of {len(inputs)} inputs, "
                                                           "with x + …")]


@check("q5c.spatial-batch-of-one", page=PAGE,
       statement="With spatial dimensions a batch of one image is not degenerate: each channel is "
                 "normalized over its $H \times W$ positions")
def one_image_is_enough():
    [(channels, height, width)] = cases("image (C, H, W)", [(3, 8, 8)])
    noise = np.random.default_rng(11).normal(size=(channels, height, width))
    image = MU[:, None, None] + SIGMA[:, None, None] * noise
    positions = image.reshape(channels, -1).T  # (H·W, C): every position is a sample of its channel
    out, spread = batchnorm_forward(positions, GAMMA, BETA)[0], positions.std(axis=0)
    return [close(out.mean(axis=0), BETA, atol=1e-12, what="per-channel mean of the output vs β"),
            close(out.std(axis=0), GAMMA * spread / np.sqrt(spread**2 + EPS), rtol=1e-12,
                  what="per-channel spread of the output vs γσ/√(σ² + ε)"),
            equal(len(np.unique(out[:, 0])), height * width, what="distinct outputs of channel 1")]


# --- An unrepresentative batch ------------------------------------------------------------------

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
def an_atypical_batch_is_recentred():
    inputs, train, infer = unrepresentative_batch()
    z = (inputs[:, 0].mean() - MU[0]) / SIGMA[0]
    return [
        close(train.mean(axis=0), BETA, atol=1e-12, what="training mode: batch mean of the outputs vs β",
              scope=samples(len(inputs), f"largest of {SKEWED_POOL:,} draws")),
        above(float(infer[:, 0].mean()), float(BETA[0] + 1.5 * GAMMA[0]),
              what=f"inference mode: feature 1's mean output (β + 1.5 γ on the right; the inputs sit "
                   f"{z:.2f} σ above the training mean)"),
    ]
