"""Question 5c: inference-mode batch norm is an affine map per feature, so it folds into the Linear layer."""

from __future__ import annotations

import numpy as np

from snippets.batchnorm import EPS, batchnorm_inference
from snippets.plumbing.checks import check, close
from snippets.q5c_layer import BETA, GAMMA, PAGE, track_running_stats


def inference_affine(gamma, beta, running_mean, running_var, eps: float = EPS):
    """(scale, shift) such that batchnorm_inference(z) = scale · z + shift, feature by feature."""
    scale = gamma / np.sqrt(running_var + eps)
    return scale, beta - scale * running_mean


def fold_into_linear(weight, bias, gamma, beta, running_mean, running_var, eps: float = EPS):
    """Weight and bias of one Linear layer equal to Linear(weight, bias) then inference batch norm."""
    scale, shift = inference_affine(gamma, beta, running_mean, running_var, eps)
    return scale[:, None] * weight, scale * bias + shift


def folding_example(seed: int = 7) -> dict[str, np.ndarray]:
    """Linear(6 → 3) + batch norm trained on random data, then folded: test outputs three ways."""
    rng = np.random.default_rng(seed)
    weight, bias = rng.normal(size=(3, 6)), rng.normal(size=3)
    train_inputs = 1 + 2 * rng.normal(size=(200, 32, 6))
    means, variances = track_running_stats(train_inputs @ weight.T + bias)
    running_mean, running_var = means[-1], variances[-1]
    test = 1 + 2 * rng.normal(size=(64, 6))
    hidden = test @ weight.T + bias
    two_layers = batchnorm_inference(hidden, GAMMA, BETA, running_mean, running_var)
    scale, shift = inference_affine(GAMMA, BETA, running_mean, running_var)
    folded_weight, folded_bias = fold_into_linear(weight, bias, GAMMA, BETA, running_mean, running_var)
    return {"two_layers": two_layers, "affine": scale * hidden + shift,
            "folded": test @ folded_weight.T + folded_bias}


@check("q5c.fold", page=PAGE,
       statement="Inference batch norm is an affine map per feature and folds into the previous Linear layer")
def inference_batch_norm_folds_into_the_linear_layer():
    outputs = folding_example()
    return [
        close(outputs["affine"], outputs["two_layers"], rtol=1e-12, atol=1e-12,
              what="a · z + c vs batchnorm_inference(z), float64", scope="64 test inputs × 3 features"),
        close(outputs["folded"], outputs["two_layers"], rtol=1e-12, atol=1e-12,
              what="Linear' (folded) vs Linear → batch norm (inference), float64"),
    ]
