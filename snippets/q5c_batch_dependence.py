"""Question 5c, problem 1: with batch statistics a prediction depends on the other examples of its batch."""

from __future__ import annotations

import numpy as np

from snippets.batchnorm import EPS, batchnorm_forward
from snippets.plumbing.checks import above, at_every, check, close, equal, holds, samples
from snippets.plumbing.values import Table, computed, value
from snippets.q5c_layer import BETA, GAMMA, PAGE, draw, inference_mode, trained_running_stats, training_mode

BATCH, PLACEMENTS = 16, 3


def same_example_in_three_batches(seed: int = 1) -> dict[str, np.ndarray]:
    """One fixed example placed (as row 0) in three batches with different batch-mates."""
    rng = np.random.default_rng(seed)
    example = draw(rng, 1)
    batches = [np.vstack([example, draw(rng, BATCH - 1)]) for _ in range(PLACEMENTS)]
    return {"batches": np.array(batches),
            "training": np.array([training_mode(b)[0] for b in batches]),
            "inference": np.array([inference_mode(b)[0] for b in batches])}


def _triple(values: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:+.4f}" for v in values) + ")"


@value("q5c.three-batches", statement="one example's outputs in three batches, training and inference mode")
def three_batches() -> Table:
    outputs = same_example_in_three_batches()
    rows = [(f"draw {k + 1}", _triple(outputs["training"][k]), _triple(outputs["inference"][k]))
            for k in range(PLACEMENTS)]
    return Table(("batch-mates", "training mode, $y_1$", "inference mode, $y_1$"), rows)


def by_hand(batch: np.ndarray) -> np.ndarray:
    """Row 0 of training-mode batch norm, feature by feature, from the textbook formula."""
    out = []
    for j in range(batch.shape[1]):
        column = [float(v) for v in batch[:, j]]
        mean = sum(column) / len(column)
        var = sum((v - mean) ** 2 for v in column) / len(column)
        out.append(GAMMA[j] * (column[0] - mean) / (var + EPS) ** 0.5 + BETA[j])
    return np.array(out)


@check("q5c.depends-on-batch", page=PAGE,
       statement="In training mode an output changes with the batch-mates; in inference mode it does not")
def outputs_depend_on_batch_mates():
    outputs = same_example_in_three_batches()
    table = computed("q5c.three-batches")
    spread = float(np.max(np.ptp(outputs["training"], axis=0)))
    expected_cells = [_triple(by_hand(b)) for b in outputs["batches"]]
    return [
        above(spread, 0.01, what="training mode: largest difference between the same input's outputs",
              scope=f"{PLACEMENTS} batches of {BATCH}"),
        holds(bool(np.all(outputs["inference"] == outputs["inference"][0])),
              "inference mode: the three outputs are bit-for-bit identical", kind="exact"),
        holds(table.column("training mode, $y_1$") == expected_cells,
              "the table's training-mode cells equal the textbook formula evaluated by hand", kind="exact"),
        equal(table.column("inference mode, $y_1$"),
              [_triple(by_hand_inference(b)) for b in outputs["batches"]],
              what="inference-mode cells vs γ(x − μ)/√(σ² + ε) + β with the trained statistics, by hand"),
        equal([int(label.split()[-1]) for label in table.column("batch-mates")],
              list(range(1, len(outputs["batches"]) + 1)), what="rows numbered by their draw"),
    ]


def by_hand_inference(batch: np.ndarray) -> np.ndarray:
    """Row 0 in inference mode, feature by feature, from the formula and the trained statistics."""
    mean, var = trained_running_stats()
    return np.array([GAMMA[j] * (float(batch[0, j]) - float(mean[j])) / (float(var[j]) + EPS) ** 0.5
                     + BETA[j] for j in range(batch.shape[1])])


# --- A special case: in a batch of two, an output reveals the other input ------------------------

PAIRS = 1000


def pair_outputs(pairs: int = PAIRS, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(x, training-mode x̂ of the first example) for random batches of two, one standardized feature.

    The pairs are vectorized as features: x has shape (2, pairs).
    """
    x = np.random.default_rng(seed).normal(size=(2, pairs))
    _, statistics = batchnorm_forward(x, np.ones(pairs), np.zeros(pairs))
    return x, statistics.x_hat[0]


@check("q5c.leak", page=PAGE,
       statement="In a batch of two, an output tells whether the other input is larger, and little else")
def a_pair_reveals_the_order():
    x, x_hat = pair_outputs()
    half_gap = (x[0] - x[1]) / 2
    # 1 − |δ|/√(δ² + ε) ≤ ε/(2δ²) (5a); the slack covers rounding in the float64 evaluation.
    bound = EPS / (2 * half_gap**2) * (1 + 1e-9) + 1e-15
    return [
        at_every(np.sign(x_hat) == np.sign(x[0] - x[1]), "sign of x̂₁ = sign of x₁ − x₂", unit="pairs",
                 scope=samples(x.shape[1], "random pairs")),
        holds(bool(np.all(1 - np.abs(x_hat) <= bound)),
              "|x̂₁| is within ε/(2δ²) of 1, δ = (x₁ − x₂)/2, in every pair", kind="exact"),
        close(x_hat, half_gap / np.sqrt(half_gap**2 + EPS), rtol=1e-12, what="x̂₁ vs δ/√(δ² + ε)"),
    ]


@value("q5c.batch", statement="batch size of the three batches")
def batch() -> int:
    return BATCH


@value("q5c.batch-mates", statement="batch-mates drawn afresh for each placement")
def batch_mates() -> int:
    return BATCH - 1
