"""Question 5c, problem 2: small or unrepresentative test batches, down to the batch of one."""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from snippets.batchnorm import EPS, batchnorm_forward, batchnorm_inference
from snippets.plumbing.checks import (
    above,
    apart,
    at_every,
    at_most,
    cases,
    check,
    close,
    equal,
    every,
    mean_difference,
    samples,
    variance_difference,
)
from snippets.plumbing.values import Table, computed, value
from snippets.q5c_layer import (
    BETA,
    GAMMA,
    MU,
    PAGE,
    SIGMA,
    TRAINING_BATCH,
    TRAINING_STEPS,
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
    return written_out(rng.normal(size=(m - 1, DRAWS)))


def written_out(mates: np.ndarray) -> np.ndarray:
    """x̂ of TEST_INPUT among the batch-mates (one batch per column), from the textbook formula."""
    batch = np.vstack([np.full((1, mates.shape[1]), TEST_INPUT), mates])
    mean = batch.sum(axis=0) / batch.shape[0]
    var = ((batch - mean) ** 2).sum(axis=0) / batch.shape[0]
    return (TEST_INPUT - mean) / np.sqrt(var + EPS)


def the_tables_draws_by_the_formula(seed: int = 3) -> dict[int, np.ndarray]:
    """The table's own random batch-mates (the same generator, drawn in the same order), each output
    computed from the formula written out: what every cell of the table must summarize."""
    rng = np.random.default_rng(seed)
    return {m: written_out(rng.normal(size=(m - 1, DRAWS))) for m in BATCH_SIZES}


@check("q5c.batch-size-table", page=PAGE,
       statement="Every cell of the batch-size table summarizes its draws, recomputed from the formula "
                 "written out; its means and variances agree with an independent simulation with other "
                 "random numbers")
def table_agrees_with_an_independent_run():
    table = computed("q5c.batch-sizes")
    by_formula = the_tables_draws_by_the_formula()
    sizes = list(by_formula)
    outputs = [by_formula[m] for m in sizes]
    n = DRAWS
    deviations = [float(np.sqrt(((y - y.sum() / n) ** 2).sum() / (n - 1))) for y in outputs]
    outcomes = [
        equal([int(label.split()[0]) for label in table.column("batch size $m$")], sizes,
              what="batch sizes of the rows", over=every("batch size of the table", by_formula)),
        equal([label.endswith("(training)") for label in table.column("batch size $m$")],
              [m == TRAINING_BATCH for m in sizes], what="the row marked (training)"),
        close(table.column("mean output"), [y.sum() / n for y in outputs], atol=1e-12,
              what="mean output column vs Σy/N of the draws by the formula"),
        close(table.column("standard deviation"), deviations, rtol=1e-9,
              what="standard deviation column vs √(Σ(y − ȳ)²/(N − 1))"),
        close(table.column("s.e."), [d / np.sqrt(n) for d in deviations], rtol=1e-9,
              what="s.e. column vs the standard deviation / √N"),
        close(table.column("smallest"), [np.sort(y)[0] for y in outputs], atol=1e-12,
              what="smallest column vs the first of the sorted draws"),
        close(table.column("largest"), [np.sort(y)[-1] for y in outputs], atol=1e-12,
              what="largest column vs the last of the sorted draws"),
        close(table.column("$\\sqrt{m-1}$"), [math.sqrt(m - 1) for m in sizes], rtol=1e-15,
              what="√(m − 1) column vs math.sqrt of each row's m − 1"),
    ]
    # Every row of the table is simulated again: the cases are the table's own rows, not a list beside it.
    for m in cases("m (independent simulation)", [int(label.split()[0]) for label in table.column(
            "batch size $m$")]):
        other = independent_run(m)
        if m == 1:  # a batch of one: x̂ = 0 exactly, no spread to compare statistically
            outcomes.append(close(other, by_formula[m], atol=1e-12,
                                  what="m = 1: every output 0, in both runs"))
            continue
        outcomes.append(mean_difference(by_formula[m], other, scale=abs(float(other.mean())),
                                        what=f"m = {m}: table mean − independent mean", unit="draws"))
        outcomes.append(variance_difference(by_formula[m], other, scale=float(other.var(ddof=1)),
                                            what=f"m = {m}: table variance − independent variance",
                                            unit="draws"))
    return outcomes


@check("q5c.small-batches", page=PAGE,
       statement=r"Small test batches give a noisy, shifted output for the same input, bounded by "
                 r"$\sqrt{m - 1}$")
def small_batches_shift_the_output():
    outputs, reference = output_across_batch_mates(), inference_output_of_test_input()
    trained = outputs[TRAINING_BATCH]
    sizes = [m for m in outputs if m > 1]  # every size simulated but m = 1, whose √(m − 1) is 0
    ratios = [float(np.max(np.abs(outputs[m]))) / np.sqrt(m - 1) for m in sizes]
    outcomes = [at_most(ratios, 1 + 1e-12, what="largest |x̂| / √(m − 1) (Samuelson's inequality)",
                        over=cases("m", sizes))]
    for m in cases("small m", (2, 4, 8)):
        outcomes.append(apart(outputs[m], reference, what=f"m = {m}: mean output vs the inference output",
                              unit="draws"))
        outcomes.append(apart(outputs[m], trained, unit="draws",
                              what=f"m = {m}: mean output vs the output at the training batch size "
                                   f"{TRAINING_BATCH}"))
    table = computed("q5c.batch-sizes")
    from_eight = BATCH_SIZES.index(8)
    outcomes.append(at_every(np.diff(table.column("standard deviation")[from_eight:]) < 0,
                             "from m = 8 on, the table's standard deviation falls", unit="doublings"))
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


@value("q5c.training-steps", statement="training steps whose running statistics the layer keeps")
def training_steps() -> int:
    return TRAINING_STEPS


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
        at_every(np.all(train == BETA, axis=1), "training mode gives exactly β", unit="inputs",
                 scope=samples(len(inputs), "random inputs")),
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
    outcomes = []
    for channels, height, width in cases("image (C, H, W)", [(3, 8, 8)]):
        noise = np.random.default_rng(11).normal(size=(channels, height, width))
        image = MU[:, None, None] + SIGMA[:, None, None] * noise
        positions = image.reshape(channels, -1).T  # (H·W, C): every position is a sample of its channel
        out, spread = batchnorm_forward(positions, GAMMA, BETA)[0], positions.std(axis=0)
        outcomes += [close(out.mean(axis=0), BETA, atol=1e-12, what="per-channel mean of the output vs β"),
                     close(out.std(axis=0), GAMMA * spread / np.sqrt(spread**2 + EPS), rtol=1e-12,
                           what="per-channel spread of the output vs γσ/√(σ² + ε)"),
                     equal(len(np.unique(out[:, 0])), height * width, what="distinct outputs of channel 1")]
    return outcomes


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
    return [
        close(train.mean(axis=0), BETA, atol=1e-12, what="training mode: batch mean of the outputs vs β",
              scope=samples(len(inputs), f"largest of {SKEWED_POOL:,} draws")),
        above(float(infer[:, 0].mean()), float(BETA[0] + 1.5 * GAMMA[0]),
              what="inference mode: feature 1's mean output, against β + 1.5 γ"),
    ]
