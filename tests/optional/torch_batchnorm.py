"""Optional: snippets/batchnorm.py and Question 5's framework statements against PyTorch itself.

The project does not depend on PyTorch, so this file is not part of `make test` (its name does not
match pytest's test_*.py). A reader who has installed torch into .venv runs it with

    make test-torch

which fails, rather than skips, when torch is missing. It checks, in float64: training-mode forward
and autograd backward against batchnorm_forward/batchnorm_backward; the running-statistics update
(momentum 0.1 and momentum=None) against update_running_stats; eval mode against
batchnorm_inference; the parameter and buffer counts of 5b (920, 880, 80 + num_batches_tracked);
the refusal of a training-mode batch of one and the acceptance of one image with spatial size > 1;
and that evaluating in training mode overwrites the running statistics.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.batchnorm import (
    EPS,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    init_running_stats,
    update_running_stats,
)

torch.manual_seed(0)
DTYPE = torch.float64


def layer(num_features: int, momentum: float | None = 0.1) -> torch.nn.BatchNorm1d:
    bn = torch.nn.BatchNorm1d(num_features, eps=EPS, momentum=momentum, dtype=DTYPE)
    rng = np.random.default_rng(1)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(rng.normal(size=num_features)))
        bn.bias.copy_(torch.from_numpy(rng.normal(size=num_features)))
    return bn


def batch(n: int, d: int, seed: int = 2) -> np.ndarray:
    return 3 + 2 * np.random.default_rng(seed).normal(size=(n, d))


def test_training_forward_and_backward_match_autograd():
    bn, x = layer(4), batch(8, 4)
    gamma, beta = bn.weight.detach().numpy().copy(), bn.bias.detach().numpy().copy()
    upstream = np.random.default_rng(3).normal(size=(8, 4))
    x_t = torch.from_numpy(x).requires_grad_(True)
    bn.train()
    y_t = bn(x_t)
    (y_t * torch.from_numpy(upstream)).sum().backward()
    y, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = batchnorm_backward(upstream, cache)
    np.testing.assert_allclose(y_t.detach().numpy(), y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x_t.grad.numpy(), dx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.weight.grad.numpy(), dgamma, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(bn.bias.grad.numpy(), dbeta, rtol=1e-10, atol=1e-12)


def test_running_statistics_update_and_eval_mode():
    bn, x = layer(4), batch(8, 4)
    bn.train()
    bn(torch.from_numpy(x))
    _, cache = batchnorm_forward(x, np.ones(4), np.zeros(4))
    mean, var = update_running_stats(*init_running_stats(4), cache, momentum=0.1)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-12)
    bn.eval()
    test = batch(5, 4, seed=4)
    gamma, beta = bn.weight.detach().numpy(), bn.bias.detach().numpy()
    np.testing.assert_allclose(bn(torch.from_numpy(test)).detach().numpy(),
                               batchnorm_inference(test, gamma, beta, mean, var), rtol=1e-12, atol=1e-12)


def test_momentum_none_is_a_cumulative_average():
    bn = layer(3, momentum=None)
    bn.train()
    mean, var = init_running_stats(3)
    for t in range(1, 21):
        x = batch(8, 3, seed=10 + t)
        bn(torch.from_numpy(x))
        _, cache = batchnorm_forward(x, np.ones(3), np.zeros(3))
        mean, var = update_running_stats(mean, var, cache, momentum=1 / t)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-12)


def test_parameter_and_buffer_counts_of_question_5b():
    def trainable(bias: bool) -> int:
        model = torch.nn.Sequential(torch.nn.Linear(20, 40, bias=bias), torch.nn.BatchNorm1d(40))
        return sum(p.numel() for p in model.parameters() if p.requires_grad)

    assert (trainable(True), trainable(False)) == (920, 880)
    bn = torch.nn.BatchNorm1d(40)
    assert {name: b.numel() for name, b in bn.named_buffers()} == {
        "running_mean": 40, "running_var": 40, "num_batches_tracked": 1}


def test_the_linear_bias_gets_no_gradient_in_training_mode():
    model = torch.nn.Sequential(torch.nn.Linear(20, 40), torch.nn.BatchNorm1d(40)).to(DTYPE).train()
    x = torch.from_numpy(batch(8, 20))
    (model(x) * torch.randn(8, 40, dtype=DTYPE)).sum().backward()
    assert model[0].bias.grad.abs().max().item() < 1e-12 * model[0].weight.grad.abs().max().item()


def test_a_batch_of_one_is_refused_in_training_mode_but_one_image_is_not():
    bn = torch.nn.BatchNorm1d(3).train()
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        bn(torch.randn(1, 3))
    image_bn = torch.nn.BatchNorm2d(3).train()
    out = image_bn(torch.randn(1, 3, 8, 8))
    assert out[0, 0].unique().numel() == 64


def test_evaluating_in_training_mode_overwrites_the_running_statistics():
    bn = torch.nn.BatchNorm1d(1, dtype=DTYPE).train()
    for _ in range(50):
        bn(torch.from_numpy(batch(8, 1) - 3))  # "training" data with mean 0
    trained = bn.running_mean.clone()
    for _ in range(50):  # test data with mean 5, evaluated without bn.eval()
        bn(torch.from_numpy(batch(8, 1) + 2))
    assert (bn.running_mean - trained).abs().item() > 4
