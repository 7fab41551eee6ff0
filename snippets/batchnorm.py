"""Batch normalization in numpy: training forward/backward, running statistics, and the inference path."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class BatchNormCache(NamedTuple):
    """What the backward pass needs from the forward pass (and the batch statistics it used)."""

    x_hat: np.ndarray  # (N, D) normalized inputs
    gamma: np.ndarray  # (D,)
    inv_std: np.ndarray  # (D,) 1 / sqrt(var + eps)
    mean: np.ndarray  # (D,) batch mean
    var: np.ndarray  # (D,) biased batch variance


def init_params(num_features: int) -> tuple[np.ndarray, np.ndarray]:
    """The trainable parameters (gamma, beta), initialised as the identity map: ones and zeros."""
    return np.ones(num_features), np.zeros(num_features)


def init_running_stats(num_features: int) -> tuple[np.ndarray, np.ndarray]:
    """The non-trainable buffers (running_mean, running_var): zeros and ones, as in PyTorch."""
    return np.zeros(num_features), np.ones(num_features)


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Training mode: normalize each feature with the batch mean and biased batch variance.

    Returns (y, cache) where y = gamma * x_hat + beta and x_hat = (x - mean) / sqrt(var + eps).
    """
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divides by N
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    y = gamma * x_hat + beta
    return y, BatchNormCache(x_hat, gamma, inv_std, mean, var)


def batchnorm_backward(dy: np.ndarray, cache: BatchNormCache):
    """Gradients of the loss for dL/dy = dy: returns (dx, dgamma, dbeta).

    gamma and beta are shared by the batch, so their gradients sum over it; dx is the compact form
    dx = inv_std / N * (N * g - sum(g) - x_hat * sum(g * x_hat)) with g = gamma * dy.
    """
    n = dy.shape[0]
    dbeta = dy.sum(axis=0)
    dgamma = (dy * cache.x_hat).sum(axis=0)
    g = dy * cache.gamma
    dx = cache.inv_std / n * (n * g - g.sum(axis=0) - cache.x_hat * (g * cache.x_hat).sum(axis=0))
    return dx, dgamma, dbeta


def update_running_stats(
    running_mean: np.ndarray,
    running_var: np.ndarray,
    cache: BatchNormCache,
    batch_size: int,
    momentum: float = 0.1,
):
    """Exponential moving averages of the batch mean and the unbiased batch variance m/(m-1) var."""
    unbiased_var = cache.var * batch_size / (batch_size - 1)
    new_mean = (1 - momentum) * running_mean + momentum * cache.mean
    new_var = (1 - momentum) * running_var + momentum * unbiased_var
    return new_mean, new_var


def batchnorm_inference(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float = 1e-5,
) -> np.ndarray:
    """Inference mode: a fixed affine map per feature, using the running (population) statistics."""
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
