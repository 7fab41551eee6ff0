"""snippets.batchnorm against an independent reference written here.

The reference shares no code with snippets/batchnorm.py: plain Python loops over lists, the
node-by-node backward pass of Ioffe & Szegedy (2015, §3), central differences of the loop forward
pass, and sympy's derivatives of a symbolic batch.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import sympy as sp

from snippets import batchnorm as bn

# --- The reference ------------------------------------------------------------------------------


def ref_statistics(column: list[float]) -> tuple[float, float]:
    """Mean and biased variance of one feature, summed exactly with math.fsum."""
    n = len(column)
    mean = math.fsum(column) / n
    return mean, math.fsum((v - mean) ** 2 for v in column) / n


def ref_forward(x, gamma, beta, eps=1e-5) -> list[list[float]]:
    """Training-mode batch norm, element by element."""
    n, d = len(x), len(x[0])
    y = [[0.0] * d for _ in range(n)]
    for j in range(d):
        mean, var = ref_statistics([x[b][j] for b in range(n)])
        for b in range(n):
            y[b][j] = gamma[j] * (x[b][j] - mean) / math.sqrt(var + eps) + beta[j]
    return y


def ref_backward(dy, x, gamma, eps=1e-5):
    """The paper's chain rule, node by node: ∂/∂x̂, ∂/∂σ², ∂/∂μ, then ∂/∂x, ∂/∂γ, ∂/∂β."""
    n, d = len(x), len(x[0])
    dx = [[0.0] * d for _ in range(n)]
    dgamma, dbeta = [0.0] * d, [0.0] * d
    for j in range(d):
        col = [x[b][j] for b in range(n)]
        mean, var = ref_statistics(col)
        std = math.sqrt(var + eps)
        dxhat = [dy[b][j] * gamma[j] for b in range(n)]
        dvar = math.fsum(dxhat[b] * (col[b] - mean) for b in range(n)) * -0.5 * (var + eps) ** -1.5
        dmean = (math.fsum(-dxhat[b] / std for b in range(n))
                 + dvar * math.fsum(-2 * (col[b] - mean) for b in range(n)) / n)
        for b in range(n):
            dx[b][j] = dxhat[b] / std + dvar * 2 * (col[b] - mean) / n + dmean / n
        dgamma[j] = math.fsum(dy[b][j] * (col[b] - mean) / std for b in range(n))
        dbeta[j] = math.fsum(dy[b][j] for b in range(n))
    return dx, dgamma, dbeta


def ref_running_update(running_mean, running_var, x, momentum):
    """new = (1 − momentum) old + momentum · statistic, with the unbiased variance (divide by n − 1)."""
    n, d = len(x), len(x[0])
    new_mean, new_var = [], []
    for j in range(d):
        col = [x[b][j] for b in range(n)]
        mean = math.fsum(col) / n
        unbiased = math.fsum((v - mean) ** 2 for v in col) / (n - 1)
        new_mean.append((1 - momentum) * running_mean[j] + momentum * mean)
        new_var.append((1 - momentum) * running_var[j] + momentum * unbiased)
    return new_mean, new_var


def ref_inference(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return [[gamma[j] * (row[j] - running_mean[j]) / math.sqrt(running_var[j] + eps) + beta[j]
             for j in range(len(row))] for row in x]


def ref_numerical_gradient(x, gamma, beta, dy, h=1e-5):
    """Central differences of L = Σ dy · ref_forward(x) with respect to every input."""
    def loss(xs):
        y = ref_forward(xs, gamma, beta)
        return math.fsum(dy[b][j] * y[b][j] for b in range(len(xs)) for j in range(len(xs[0])))

    grad = [[0.0] * len(x[0]) for _ in x]
    for b in range(len(x)):
        for j in range(len(x[0])):
            plus = [row[:] for row in x]
            minus = [row[:] for row in x]
            plus[b][j] += h
            minus[b][j] -= h
            grad[b][j] = (loss(plus) - loss(minus)) / (2 * h)
    return grad


def problem(n, d, seed, offset=3.0, scale=2.0):
    rng = np.random.default_rng(seed)
    return (offset + scale * rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=d),
            rng.normal(size=(n, d)))


CASES = [(2, 1, 0), (3, 2, 1), (5, 3, 2), (16, 4, 3), (64, 2, 4)]


# --- Interface -----------------------------------------------------------------------------------


def test_interface():
    assert list(inspect.signature(bn.batchnorm_forward).parameters) == ["x", "gamma", "beta", "eps"]
    assert inspect.signature(bn.batchnorm_forward).parameters["eps"].default == 1e-5
    assert list(inspect.signature(bn.batchnorm_backward).parameters) == ["dy", "cache"]
    x, gamma, beta, dy = problem(4, 3, 0)
    y, cache = bn.batchnorm_forward(x, gamma, beta)
    assert y.shape == x.shape
    grads = bn.batchnorm_backward(dy, cache)
    assert [g.shape for g in grads] == [(4, 3), (3,), (3,)]
    gamma0, beta0 = bn.init_params(5)
    mean0, var0 = bn.init_running_stats(5)
    assert np.array_equal(gamma0, np.ones(5)) and np.array_equal(beta0, np.zeros(5))
    assert np.array_equal(mean0, np.zeros(5)) and np.array_equal(var0, np.ones(5))


def test_rejects_what_is_not_a_batch():
    with pytest.raises(ValueError):
        bn.batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError):
        bn.batchnorm_forward(np.ones((0, 3)), np.ones(3), np.zeros(3))


# --- Forward, backward, running update, inference against the reference -------------------------


@pytest.mark.parametrize(("n", "d", "seed"), CASES)
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_forward_matches_loops(n, d, seed, eps):
    x, gamma, beta, _ = problem(n, d, seed)
    y, cache = bn.batchnorm_forward(x, gamma, beta, eps)
    np.testing.assert_allclose(y, ref_forward(x.tolist(), gamma, beta, eps), rtol=1e-12, atol=1e-12)
    stats = [ref_statistics(x[:, j].tolist()) for j in range(d)]
    np.testing.assert_allclose(cache.mean, [s[0] for s in stats], rtol=1e-13)
    np.testing.assert_allclose(cache.var, [s[1] for s in stats], rtol=1e-12, atol=1e-15)


def test_forward_is_stable_far_from_zero():
    # A large common offset must not destroy the variance (a one-pass E[x²] − E[x]² formula would).
    x, gamma, beta, _ = problem(32, 3, 7, offset=1e6, scale=1.0)
    y, _ = bn.batchnorm_forward(x, gamma, beta)
    np.testing.assert_allclose(y, ref_forward(x.tolist(), gamma, beta), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize(("n", "d", "seed"), CASES)
def test_backward_matches_node_by_node_chain_rule(n, d, seed):
    x, gamma, beta, dy = problem(n, d, seed)
    dx, dgamma, dbeta = bn.batchnorm_backward(dy, bn.batchnorm_forward(x, gamma, beta)[1])
    ref_dx, ref_dgamma, ref_dbeta = ref_backward(dy.tolist(), x.tolist(), gamma)
    scale = np.max(np.abs(ref_dx))
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(dgamma, ref_dgamma, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dbeta, ref_dbeta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("n", "d", "seed"), [(3, 2, 1), (5, 3, 2), (16, 2, 3)])
def test_backward_matches_finite_differences_of_the_loop_forward(n, d, seed):
    x, gamma, beta, dy = problem(n, d, seed)
    dx = bn.batchnorm_backward(dy, bn.batchnorm_forward(x, gamma, beta)[1])[0]
    numerical = np.array(ref_numerical_gradient(x.tolist(), gamma, beta, dy.tolist()))
    # central differences at h = 1e-5: truncation ~ h², rounding ~ 1e-16 / h, both far below 1e-6
    assert np.max(np.abs(dx - numerical)) <= 1e-6 * np.max(np.abs(numerical))


def test_backward_matches_sympy_at_a_point():
    m = 4
    xs, gs = sp.symbols(f"x0:{m}", real=True), sp.symbols(f"g0:{m}", real=True)
    gamma, beta = sp.symbols("gamma beta", real=True)
    eps = sp.Rational(1, 100000)
    mean = sp.Add(*xs) / m
    std = sp.sqrt(sp.Add(*[(v - mean) ** 2 for v in xs]) / m + eps)
    loss = sp.Add(*[g * (gamma * (v - mean) / std + beta) for g, v in zip(gs, xs, strict=True)])
    rng = np.random.default_rng(11)
    point = dict(zip(xs, rng.normal(size=m).round(3).tolist(), strict=True))
    point |= dict(zip(gs, rng.normal(size=m).round(3).tolist(), strict=True))
    point |= {gamma: 1.7, beta: -0.4}
    exact = [float(sp.diff(loss, v).subs(point).evalf(30)) for v in xs]
    exact_dgamma = float(sp.diff(loss, gamma).subs(point).evalf(30))
    exact_dbeta = float(sp.diff(loss, beta).subs(point).evalf(30))
    x = np.array([[point[v]] for v in xs])
    dy = np.array([[point[g]] for g in gs])
    _, cache = bn.batchnorm_forward(x, np.array([1.7]), np.array([-0.4]), eps=1e-5)
    dx, dgamma, dbeta = bn.batchnorm_backward(dy, cache)
    np.testing.assert_allclose(dx[:, 0], exact, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dgamma, [exact_dgamma], rtol=1e-12)
    np.testing.assert_allclose(dbeta, [exact_dbeta], rtol=1e-12)


def test_batch_of_one_gives_beta_and_no_input_gradient():
    x, gamma, beta, dy = problem(1, 4, 5)
    y, cache = bn.batchnorm_forward(x, gamma, beta)
    assert np.array_equal(y[0], beta)
    assert np.array_equal(bn.batchnorm_backward(dy, cache)[0], np.zeros((1, 4)))
    assert np.array_equal(np.array(ref_forward(x.tolist(), gamma, beta))[0], beta)


@pytest.mark.parametrize(("n", "d", "seed"), CASES)
@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0])
def test_running_update_matches_loops(n, d, seed, momentum):
    x, gamma, beta, _ = problem(n, d, seed)
    rng = np.random.default_rng(seed + 100)
    running_mean, running_var = rng.normal(size=d), rng.uniform(0.5, 2, size=d)
    _, cache = bn.batchnorm_forward(x, gamma, beta)
    new_mean, new_var = bn.update_running_stats(running_mean, running_var, cache, momentum)
    ref_mean, ref_var = ref_running_update(running_mean, running_var, x.tolist(), momentum)
    np.testing.assert_allclose(new_mean, ref_mean, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(new_var, ref_var, rtol=1e-12, atol=1e-14)


def test_running_update_defaults_to_momentum_0_1():
    x, gamma, beta, _ = problem(8, 2, 0)
    _, cache = bn.batchnorm_forward(x, gamma, beta)
    ref = ref_running_update([0.0, 0.0], [1.0, 1.0], x.tolist(), 0.1)
    np.testing.assert_allclose(bn.update_running_stats(np.zeros(2), np.ones(2), cache), ref, rtol=1e-12)


def test_running_update_refuses_a_batch_of_one():
    x, gamma, beta, _ = problem(1, 2, 0)
    _, cache = bn.batchnorm_forward(x, gamma, beta)
    with pytest.raises(ValueError):
        bn.update_running_stats(np.zeros(2), np.ones(2), cache)


@pytest.mark.parametrize(("n", "d", "seed"), CASES)
def test_inference_matches_loops(n, d, seed):
    x, gamma, beta, _ = problem(n, d, seed)
    rng = np.random.default_rng(seed + 200)
    running_mean, running_var = rng.normal(size=d), rng.uniform(0.5, 2, size=d)
    y = bn.batchnorm_inference(x, gamma, beta, running_mean, running_var)
    ref = ref_inference(x.tolist(), gamma, beta, running_mean, running_var)
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-12)


def test_inference_with_the_batch_statistics_reproduces_training_mode():
    x, gamma, beta, _ = problem(10, 3, 9)
    stats = [ref_statistics(x[:, j].tolist()) for j in range(3)]
    means, variances = np.array([s[0] for s in stats]), np.array([s[1] for s in stats])
    y = bn.batchnorm_inference(x, gamma, beta, means, variances)
    np.testing.assert_allclose(y, ref_forward(x.tolist(), gamma, beta), rtol=1e-12, atol=1e-12)


def test_inference_treats_rows_independently():
    x, gamma, beta, _ = problem(12, 3, 4)
    stats = (np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.3, 4.0]))
    together = bn.batchnorm_inference(x, gamma, beta, *stats)
    alone = np.vstack([bn.batchnorm_inference(row[None, :], gamma, beta, *stats) for row in x])
    assert np.array_equal(together, alone)
