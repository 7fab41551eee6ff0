"""Batch normalization in numpy: training forward/backward, running statistics, and the inference path.

Arrays are (N, D): N examples in the mini-batch (axis 0), D features, each normalized on its own.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

EPS = 1e-5  # added to the variance before the square root (PyTorch's default; Keras uses 1e-3)


class BatchNormCache(NamedTuple):
    """What the backward pass needs from the forward pass (and the batch statistics it used)."""

    x_hat: np.ndarray  # (N, D) normalized inputs
    gamma: np.ndarray  # (D,)
    inv_std: np.ndarray  # (D,) 1 / sqrt(var + eps)
    mean: np.ndarray  # (D,) batch mean
    var: np.ndarray  # (D,) biased batch variance (divides by N)


def init_params(num_features: int) -> tuple[np.ndarray, np.ndarray]:
    """The trainable parameters (gamma, beta), initialised as the identity map: ones and zeros."""
    return np.ones(num_features), np.zeros(num_features)


def init_running_stats(num_features: int) -> tuple[np.ndarray, np.ndarray]:
    """The non-trainable buffers (running_mean, running_var): zeros and ones, as in PyTorch."""
    return np.zeros(num_features), np.ones(num_features)


def _as_batch(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"expected a batch of shape (N, D) with N >= 1, got shape {x.shape}")
    return x


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = EPS):
    """Training mode: normalize each feature with the batch mean and biased batch variance.

    Returns (y, cache) where y = gamma * x_hat + beta and x_hat = (x - mean) / sqrt(var + eps).
    """
    x = _as_batch(x)
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divides by N
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    y = gamma * x_hat + beta
    return y, BatchNormCache(x_hat, np.asarray(gamma, dtype=float), inv_std, mean, var)


def batchnorm_backward(dy: np.ndarray, cache: BatchNormCache):
    """Gradients of the loss for dL/dy = dy: returns (dx, dgamma, dbeta).

    gamma and beta are shared by the batch, so their gradients sum over it; dx is the compact form
    dx = gamma * inv_std * (dy - dbeta / N - x_hat * dgamma / N).
    """
    n = dy.shape[0]
    dbeta = dy.sum(axis=0)
    dgamma = (dy * cache.x_hat).sum(axis=0)
    dx = cache.gamma * cache.inv_std * (dy - dbeta / n - cache.x_hat * dgamma / n)
    return dx, dgamma, dbeta


def update_running_stats(
    running_mean: np.ndarray,
    running_var: np.ndarray,
    cache: BatchNormCache,
    momentum: float = 0.1,
):
    """One training step's update of the running statistics, returned as (new_mean, new_var).

    Exponential moving averages (PyTorch's convention: new = (1 - momentum) old + momentum batch)
    of the batch mean and of the unbiased batch variance m/(m-1) var, m the batch size.
    """
    m = cache.x_hat.shape[0]
    if m < 2:
        raise ValueError("the unbiased batch variance needs a batch of at least two examples")
    unbiased_var = cache.var * m / (m - 1)
    new_mean = (1 - momentum) * running_mean + momentum * cache.mean
    new_var = (1 - momentum) * running_var + momentum * unbiased_var
    return new_mean, new_var


def batchnorm_inference(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float = EPS,
) -> np.ndarray:
    """Inference mode: a fixed affine map per feature, using the running (population) statistics."""
    return gamma * (_as_batch(x) - running_mean) / np.sqrt(running_var + eps) + beta
