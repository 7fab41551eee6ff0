"""Question 5b: count the parameters of Linear(20, 40) + batch norm by what one training step changes."""

from __future__ import annotations

import numpy as np
import sympy

from snippets.batchnorm import (
    EPS,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    init_params,
    init_running_stats,
    update_running_stats,
)
from snippets.plumbing.checks import at_most, cases, check, close, equal, every, identity
from snippets.plumbing.values import Table, computed, value

PAGE = "question-5/5b.md"
N_IN, N_OUT = 20, 40
BATCH, LEARNING_RATE = 8, 0.1
ROUNDING = 1e-12  # a change smaller than this, relative to the largest change, is rounding

# --- The layer's arrays, as a framework would allocate them -------------------------------------


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


# --- One training step: backpropagation for the parameters, averaging for the statistics --------


def training_step(n_in: int, n_out: int, *, bias: bool = True, seed: int = 1) -> dict[str, dict]:
    """Run one step on a random batch; return the arrays before and after, and the gradients.

    The gradients come from the backward pass (dW = dzᵀx, db = Σ_b dz_b, dγ, dβ from
    batchnorm_backward), so their shapes follow the data flow, not the constructor above.
    """
    trainable, buffers = layer_arrays(n_in, n_out, bias=bias)
    rng = np.random.default_rng(seed)
    x, upstream = rng.normal(size=(BATCH, n_in)), rng.normal(size=(BATCH, n_out))
    z = x @ trainable["linear.weight"].T + trainable.get("linear.bias", 0.0)
    _, cache = batchnorm_forward(z, trainable["bn.gamma"], trainable["bn.beta"])
    dz, dgamma, dbeta = batchnorm_backward(upstream, cache)  # L = Σ upstream · y
    gradients = {"linear.weight": dz.T @ x, "bn.gamma": dgamma, "bn.beta": dbeta}
    if bias:
        gradients["linear.bias"] = dz.sum(axis=0)
    after = {name: trainable[name] - LEARNING_RATE * gradient for name, gradient in gradients.items()}
    after |= dict(zip(buffers, update_running_stats(*buffers.values(), cache), strict=True))
    return {"before": trainable | buffers, "after": after, "gradients": gradients}


def entries_with_a_gradient(step: dict) -> dict[str, int]:
    """Per array, how many entries the optimizer writes: the entries of its gradient."""
    return {name: int(np.size(gradient)) for name, gradient in step["gradients"].items()}


def entries_moved(step: dict) -> dict[str, int]:
    """Per array, how many entries one step moves by more than rounding."""
    changes = {name: np.abs(step["after"][name] - step["before"][name]) for name in step["after"]}
    scale = max(float(change.max()) for change in changes.values())
    return {name: int(np.count_nonzero(change > ROUNDING * scale)) for name, change in changes.items()}


def entries_averaged(step: dict) -> dict[str, int]:
    """Per array, the entries one step changes without a gradient (the running statistics)."""
    moved = entries_moved(step)
    return {name: moved[name] for name in step["after"] if name not in step["gradients"]}


# --- The breakdown table: what each array is and what one step does to it -----------------------

UPDATED_BY = {"linear.weight": "gradient", "linear.bias": "gradient (always 0, see below)",
              "bn.gamma": "gradient", "bn.beta": "gradient",
              "bn.running_mean": "averaging", "bn.running_var": "averaging"}


@value("q5b.breakdown", statement="the arrays of Linear(20, 40) + batch norm, their entries and updates")
def breakdown() -> Table:
    trainable, buffers = layer_arrays(N_IN, N_OUT)
    rows = [(f"`{name}`", "×".join(map(str, array.shape)), array.size, UPDATED_BY[name])
            for name, array in (trainable | buffers).items()]
    rows += [("**trainable, with bias**", "", count(trainable), "gradient"),
             ("**trainable, without bias**", "", count(layer_arrays(N_IN, N_OUT, bias=False)[0]), "gradient"),
             ("**running statistics**", "", count(buffers), "averaging")]
    return Table(("array", "shape", "entries", "updated by"), rows, align="llrl")


def step_counts_per_row(n_in: int = N_IN, n_out: int = N_OUT) -> list[int]:
    """The table's entries column, counted from training steps: one row per array, then the totals."""
    step = training_step(n_in, n_out)
    written = entries_with_a_gradient(step) | entries_averaged(step)
    without_bias = entries_with_a_gradient(training_step(n_in, n_out, bias=False))
    per_array = [written[name] for name in UPDATED_BY]
    return per_array + [sum(entries_with_a_gradient(step).values()), sum(without_bias.values()),
                        sum(entries_averaged(step).values())]


@check("q5b.breakdown-cells", page=PAGE,
       statement="Every row of the breakdown table gives its array's shape and the entries one training step "
                 "writes in it, and says which arrays a gradient updates")
def table_rows_match_a_training_step():
    table = computed("q5b.breakdown")
    step = training_step(N_IN, N_OUT)
    scope = every("row of the table", table.column("array"))
    names = [cell.strip("`") for cell in table.column("array") if cell.startswith("`")]
    updated_by = dict(zip(names, table.column("updated by"), strict=False))
    by_gradient = [name for name in names if updated_by[name].startswith("gradient")]
    shapes = ["×".join(map(str, np.shape(step["gradients"].get(name, step["after"][name]))))
              for name in names]
    return [equal(table.column("entries"), step_counts_per_row(),
                  what="entries column vs gradient entries and averaged entries of one step", scope=scope),
            equal(table.column("shape")[: len(names)], shapes,
                  what="shape column vs each array's gradient (trainable) or value after the step "
                       "(statistics)"),
            equal(sorted(step["gradients"]), sorted(by_gradient),
                  what="arrays the table says a gradient updates vs arrays the backward pass gives one")]


# --- The numbers in the prose, each counted from a training step --------------------------------


@value("q5b.weights", statement="entries of the weight gradient of Linear(20, 40)")
def weights() -> int:
    return entries_with_a_gradient(training_step(N_IN, N_OUT))["linear.weight"]


@value("q5b.with-bias", statement="entries one step of gradient descent writes, Linear(20, 40) + batch norm")
def trainable_with_bias() -> int:
    return sum(entries_with_a_gradient(training_step(N_IN, N_OUT)).values())


@value("q5b.without-bias", statement="the same for Linear(20, 40, bias=False) + batch norm")
def trainable_without_bias() -> int:
    return sum(entries_with_a_gradient(training_step(N_IN, N_OUT, bias=False)).values())


@value("q5b.moved", statement="entries one gradient step moves by more than rounding, bias kept")
def moved_with_bias() -> int:
    step = training_step(N_IN, N_OUT)
    return sum(n for name, n in entries_moved(step).items() if name in step["gradients"])


@value("q5b.buffers", statement="entries one training step changes by averaging, not by a gradient")
def buffers() -> int:
    return sum(entries_averaged(training_step(N_IN, N_OUT)).values())


@value("q5b.buffers-torch", statement="buffer numbers PyTorch stores: the running statistics and one counter")
def buffers_torch() -> int:
    return buffers() + 1  # num_batches_tracked, a single integer (PyTorch's documentation, cited)


@check("q5b.source-arithmetic", page=PAGE,
       statement="The draft's sum ([20×40] + 40) + 40 + 40 equals the number of entries "
                 "one gradient step writes")
def draft_sum_counts_the_gradient_entries():
    return equal((N_IN * N_OUT + N_OUT) + N_OUT + N_OUT, trainable_with_bias(),
                 what="the draft's sum vs the entries of the gradients",
                 scope=f"Linear({N_IN}, {N_OUT}), one step")


n_in, n_out = sympy.symbols("n_in n_out", positive=True, integer=True)
FORMULA_WITH_BIAS = n_in * n_out + n_out + 2 * n_out
FORMULA_WITHOUT_BIAS = n_in * n_out + 2 * n_out
FORMULA_BUFFERS = 2 * n_out


@check("q5b.formula", page=PAGE,
       statement="The general formulas match the entries a training step writes, for every size tried")
def formulas_match_training_steps():
    outcomes = []
    for a, b in cases("(n_in, n_out)", [(a, b) for a in (1, 3, 20, 64) for b in (1, 7, 40, 128)]):
        with_bias, without_bias = training_step(a, b), training_step(a, b, bias=False)
        counted = (sum(entries_with_a_gradient(with_bias).values()),
                   sum(entries_with_a_gradient(without_bias).values()),
                   sum(entries_averaged(with_bias).values()))
        predicted = tuple(int(f.subs({n_in: a, n_out: b}))
                          for f in (FORMULA_WITH_BIAS, FORMULA_WITHOUT_BIAS, FORMULA_BUFFERS))
        outcomes.append(equal(counted, predicted, what=f"(with bias, without, statistics) for {a} → {b}"))
    outcomes.append(identity(FORMULA_WITH_BIAS - FORMULA_WITHOUT_BIAS, n_out,
                             what="the bias adds exactly n_out"))
    return outcomes


# --- The bias: nothing in training mode, something in inference mode ----------------------------


def outputs_without_and_with_bias(batch: int = 32, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Training-mode batch-norm outputs for one batch, without and with a large random Linear bias."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, N_IN))
    weight = linear_layer(N_IN, N_OUT, bias=False)["linear.weight"]
    gamma, beta = rng.normal(size=N_OUT), rng.normal(size=N_OUT)
    without, _ = batchnorm_forward(x @ weight.T, gamma, beta)
    with_bias, _ = batchnorm_forward(x @ weight.T + rng.normal(scale=10, size=N_OUT), gamma, beta)
    return without, with_bias


@check("q5b.bias-redundant", page=PAGE,
       statement="In training mode, batch norm's output does not depend on the Linear bias")
def training_output_ignores_the_bias():
    without, with_bias = outputs_without_and_with_bias()
    return close(with_bias, without, atol=1e-9, what="BN(xWᵀ + b) vs BN(xWᵀ), float64, b ~ N(0, 10²)",
                 scope=f"one random batch of 32, Linear({N_IN}, {N_OUT})")


@check("q5b.bias-gradient", page=PAGE,
       statement=r"The bias's gradient $\sum_b \partial L/\partial z_b$ is zero, because the input gradient "
                 r"of batch norm sums to zero (5a)")
def bias_gradient_is_zero():
    step = training_step(N_IN, N_OUT)
    gradients = step["gradients"]
    largest = float(np.abs(gradients["linear.weight"]).max())
    moved = entries_moved(step)
    return [at_most(float(np.abs(gradients["linear.bias"]).max()) / largest, 1e-14,
                    what="|∂L/∂b| relative to the largest |∂L/∂W|, float64",
                    scope=f"one random batch of {BATCH}, all {N_OUT} bias entries"),
            equal(moved["linear.bias"], 0, what="bias entries one step moves by more than rounding")]


TRACKING_STEPS, MOMENTUM = 300, 0.1


def inference_outputs(bias: np.ndarray, *, tracked_with_bias: bool, seed: int = 2) -> np.ndarray:
    """Inference outputs on a test batch, with `bias` in the Linear layer.

    The running statistics were tracked over TRACKING_STEPS training batches either with that bias in
    place or without any bias (as if the bias had been changed after training).
    """
    rng = np.random.default_rng(seed)
    weight = linear_layer(N_IN, N_OUT, bias=False)["linear.weight"]
    gamma, beta = rng.normal(size=N_OUT), rng.normal(size=N_OUT)
    mean, var = init_running_stats(N_OUT)
    for _ in range(TRACKING_STEPS):
        z = rng.normal(size=(32, N_IN)) @ weight.T + (bias if tracked_with_bias else 0.0)
        mean, var = update_running_stats(mean, var, batchnorm_forward(z, gamma, beta)[1], MOMENTUM)
    test = np.random.default_rng(seed + 1).normal(size=(16, N_IN)) @ weight.T + bias
    return batchnorm_inference(test, gamma, beta, mean, var), gamma / np.sqrt(var + EPS)


@check("q5b.bias-inference", page=PAGE,
       statement=r"In inference mode a changed bias $b$ shifts the output by "
                 r"$\gamma b/\sqrt{\hat\sigma^2 + \epsilon}$, "
                 "unless the running mean was tracked with it in place")
def inference_output_depends_on_the_bias():
    bias = np.random.default_rng(9).normal(scale=10, size=N_OUT)
    reference, _ = inference_outputs(np.zeros(N_OUT), tracked_with_bias=False)
    changed, scale = inference_outputs(bias, tracked_with_bias=False)
    absorbed, _ = inference_outputs(bias, tracked_with_bias=True)
    return [close(changed - reference, np.broadcast_to(scale * bias, reference.shape), rtol=1e-9,
                  what="output shift after changing b vs γb/√(σ̂² + ε)",
                  scope=f"a test batch of 16, b ~ N(0, 10²), statistics from {TRACKING_STEPS} steps"),
            close(absorbed, reference, atol=1e-10,
                  what=f"running mean tracked with b in place ({TRACKING_STEPS} steps) vs no bias")]


# --- γ and β can undo the normalization ---------------------------------------------------------


@check("q5b.identity-reachable", page=PAGE,
       statement=r"With $\gamma = \sqrt{\sigma_B^2 + \epsilon}$ and $\beta = \mu_B$, batch norm returns its "
                 r"input: the identity map is reachable")
def gamma_and_beta_undo_the_normalization():
    z = 3 + 2 * np.random.default_rng(4).normal(size=(BATCH, N_OUT))
    _, statistics = batchnorm_forward(z, *init_params(N_OUT))
    restored, _ = batchnorm_forward(z, np.sqrt(statistics.var + EPS), statistics.mean)
    return close(restored, z, rtol=1e-12, atol=1e-12, what="BN(z) with γ = √(σ² + ε), β = μ, vs z",
                 scope=f"one random batch of {BATCH} × {N_OUT}")


@value("q5b.batch", statement="examples in the batch of the counted training step")
def batch() -> int:
    return BATCH
