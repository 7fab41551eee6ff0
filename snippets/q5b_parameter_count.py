"""Question 5b: count the parameters of Linear(20, 40) followed by batch normalization, from the arrays."""

from __future__ import annotations

import numpy as np
import sympy

from snippets.batchnorm import batchnorm_forward, init_params, init_running_stats
from snippets.plumbing.checks import check, close, equal, identity
from snippets.plumbing.values import value

PAGE = "question-5/5b.md"
N_IN, N_OUT = 20, 40


def linear_layer(n_in: int, n_out: int, *, bias: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    """A fully connected layer's arrays: weight (n_out, n_in) and, optionally, bias (n_out,)."""
    rng = np.random.default_rng(seed)
    arrays = {"linear.weight": rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in))}
    if bias:
        arrays["linear.bias"] = np.zeros(n_out)
    return arrays


def layer_arrays(n_in: int, n_out: int, *, bias: bool = True) -> tuple[dict, dict]:
    """(trainable, non-trainable) arrays of Linear(n_in, n_out) + batch norm over its n_out outputs."""
    gamma, beta = init_params(n_out)
    running_mean, running_var = init_running_stats(n_out)
    trainable = linear_layer(n_in, n_out, bias=bias) | {"bn.gamma": gamma, "bn.beta": beta}
    buffers = {"bn.running_mean": running_mean, "bn.running_var": running_var}
    return trainable, buffers


def count(arrays: dict[str, np.ndarray]) -> int:
    """How many numbers the arrays hold."""
    return sum(int(a.size) for a in arrays.values())


def breakdown_table(n_in: int = N_IN, n_out: int = N_OUT) -> str:
    """A Markdown table of every array of the layer: shape, size, and whether training updates it."""
    trainable, buffers = layer_arrays(n_in, n_out)
    lines = ["| Array | Shape | Count | Trainable |", "|---|---|---:|---|"]
    for name, array in trainable.items():
        note = "yes (redundant: removed by the mean subtraction)" if name == "linear.bias" else "yes"
        lines.append(f"| `{name}` | {array.shape} | {array.size} | {note} |")
    for name, array in buffers.items():
        lines.append(f"| `{name}` | {array.shape} | {array.size} | no (running statistic) |")
    lines.append(f"| **total trainable, with bias** | | **{count(trainable)}** | |")
    without_bias, _ = layer_arrays(n_in, n_out, bias=False)
    lines.append(f"| **total trainable, without bias** | | **{count(without_bias)}** | |")
    lines.append(f"| **non-trainable buffers** | | **{count(buffers)}** | |")
    return "\n".join(lines)


n_in, n_out = sympy.symbols("n_in n_out", positive=True, integer=True)
FORMULA_WITH_BIAS = n_in * n_out + n_out + 2 * n_out
FORMULA_WITHOUT_BIAS = n_in * n_out + 2 * n_out
FORMULA_BUFFERS = 2 * n_out


@value("q5b.weights", statement="weights of Linear(20, 40)")
def weights() -> int:
    return int(layer_arrays(N_IN, N_OUT)[0]["linear.weight"].size)


@value("q5b.with-bias", statement="trainable parameters of Linear(20, 40) + batch norm, bias kept")
def trainable_with_bias() -> int:
    return count(layer_arrays(N_IN, N_OUT, bias=True)[0])


@value("q5b.without-bias", statement="trainable parameters of Linear(20, 40, bias=False) + batch norm")
def trainable_without_bias() -> int:
    return count(layer_arrays(N_IN, N_OUT, bias=False)[0])


@value("q5b.buffers", statement="non-trainable running statistics of batch norm over 40 features")
def buffers() -> int:
    return count(layer_arrays(N_IN, N_OUT)[1])


@check("q5b.formula", page=PAGE, statement="The general formulas match the arrays for every size tried")
def _formula_matches_arrays():
    sizes = [(a, b) for a in (1, 3, 20, 64) for b in (1, 7, 40, 128)]
    counted = [
        (count(layer_arrays(a, b)[0]), count(layer_arrays(a, b, bias=False)[0]), count(layer_arrays(a, b)[1]))
        for a, b in sizes
    ]
    predicted = [
        tuple(
            int(f.subs({n_in: a, n_out: b}))
            for f in (FORMULA_WITH_BIAS, FORMULA_WITHOUT_BIAS, FORMULA_BUFFERS)
        )
        for a, b in sizes
    ]
    return [
        equal(
            sum(c == p for c, p in zip(counted, predicted, strict=True)),
            len(sizes),
            what="(n_in, n_out) pairs whose three array counts all equal the formulas",
        ),
        identity(FORMULA_WITH_BIAS - FORMULA_WITHOUT_BIAS, n_out, what="the bias adds exactly n_out"),
    ]


@check(
    "q5b.source-arithmetic",
    page=PAGE,
    statement="The source's sum ([20×40] + 40) + 40 + 40 equals the count of the arrays",
)
def _source_arithmetic():
    return equal((N_IN * N_OUT + N_OUT) + N_OUT + N_OUT, trainable_with_bias(), what="source sum vs arrays")


def outputs_without_and_with_bias(batch: int = 32, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Batch-norm outputs for one batch, without and with a large random bias in the Linear layer."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, N_IN))
    weight = linear_layer(N_IN, N_OUT, bias=False)["linear.weight"]
    gamma, beta = rng.normal(size=N_OUT), rng.normal(size=N_OUT)
    without, _ = batchnorm_forward(x @ weight.T, gamma, beta)
    with_bias, _ = batchnorm_forward(x @ weight.T + rng.normal(scale=10, size=N_OUT), gamma, beta)
    return without, with_bias


@check(
    "q5b.bias-redundant",
    page=PAGE,
    statement="In training mode, batch norm's output does not depend on the Linear bias",
)
def _bias_redundant():
    without, with_bias = outputs_without_and_with_bias()
    return close(with_bias, without, atol=1e-9, what="BN(xWᵀ + b) vs BN(xWᵀ), float64, b ~ N(0, 10²)")
