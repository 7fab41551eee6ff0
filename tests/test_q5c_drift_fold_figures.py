"""Question 5c's drifting feature, folding and figures: hand computations and checks that can fail."""

from __future__ import annotations

import numpy as np
import pytest

from snippets import q5c_drift as drift
from snippets import q5c_figures as figures
from snippets import q5c_fold as fold
from snippets.batchnorm import batchnorm_inference
from snippets.plumbing.checks import REGISTRY, load_all, verify
from snippets.plumbing.values import FigureData

load_all()
MODULES = ("q5c_drift.py", "q5c_fold.py", "q5c_figures.py")
CHECKS = sorted(k for k, c in REGISTRY.items() if c.file.endswith(MODULES))


def test_the_modules_register_their_checks():
    assert CHECKS == ["q5c.drift-figure", "q5c.fold", "q5c.running-figure", "q5c.running-stats-lag",
                      "q5c.small-batch-figure"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_steady_lag_by_hand():
    # α = 0.1, d = 0.02: (1 − α) d / α = 0.9 · 0.02 / 0.1 = 0.18
    assert drift.steady_lag() == pytest.approx(0.18, rel=1e-12)
    assert drift.expected_running_mean()[-1] == pytest.approx(drift.population_mean(200) - 0.18, abs=1e-8)


def test_the_lag_check_fails_if_the_recomputation_used_the_running_mean(monkeypatch):
    right = drift.training_with_drift()
    stale = right | {"recomputed": right["running"][-1]}
    monkeypatch.setattr(drift, "training_with_drift", lambda: stale)
    assert not all(o.passed for o in drift.running_statistics_lag_and_recomputation_fixes_them())


def test_fold_against_a_loop():
    rng = np.random.default_rng(2)
    weight, bias = rng.normal(size=(3, 4)), rng.normal(size=3)
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    mean, var = rng.normal(size=3), rng.uniform(0.2, 3, size=3)
    folded_weight, folded_bias = fold.fold_into_linear(weight, bias, gamma, beta, mean, var)
    x = rng.normal(size=4)
    for j in range(3):
        z = sum(weight[j, i] * x[i] for i in range(4)) + bias[j]
        y = gamma[j] * (z - mean[j]) / np.sqrt(var[j] + 1e-5) + beta[j]
        assert folded_weight[j] @ x + folded_bias[j] == pytest.approx(y, rel=1e-12, abs=1e-12)


def test_inference_affine_matches_batchnorm_inference():
    rng = np.random.default_rng(3)
    gamma, beta, mean, var = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), rng.uniform(1, 2, 3)
    z = rng.normal(size=(7, 3))
    scale, shift = fold.inference_affine(gamma, beta, mean, var)
    np.testing.assert_allclose(scale * z + shift, batchnorm_inference(z, gamma, beta, mean, var), rtol=1e-12)


def test_fold_check_fails_with_a_wrong_fold(monkeypatch):
    def forgets_the_mean(weight, bias, gamma, beta, running_mean, running_var, eps=1e-5):
        scale = gamma / np.sqrt(running_var + eps)
        return scale[:, None] * weight, scale * bias + beta

    monkeypatch.setattr(fold, "fold_into_linear", forgets_the_mean)
    affine, folded = fold.inference_batch_norm_folds_into_the_linear_layer()
    assert affine.passed and not folded.passed


def test_the_small_batch_figure_check_fails_for_a_shifted_band(monkeypatch):
    right = figures.small_batch_curves()
    shifted = FigureData(right) | {"low": right["low"] + 0.2}
    monkeypatch.setattr(figures, "computed", lambda key: FigureData(shifted))
    assert not all(o.passed for o in figures.small_batch_figure_matches_an_independent_run())


def test_the_running_figure_check_fails_for_a_band_of_the_wrong_width(monkeypatch):
    right = figures.running_curves()
    wrong = FigureData(right)
    wrong["var_sd"] = right["var_sd"] * 2
    monkeypatch.setattr(figures, "computed", lambda key: wrong)
    assert not all(o.passed for o in figures.running_figure_matches_the_recursion())


def test_the_recursion_band_by_hand():
    centre, sd = figures.band_by_recursion(0.0, 2.0, 9.0 / 8)
    assert centre[1] == pytest.approx(0.2) and sd[1] == pytest.approx(0.1 * np.sqrt(9 / 8))


def test_the_small_batch_figure_check_covers_the_mean_curve_at_every_drawn_m(monkeypatch):
    """The band is tested from m = 4 on only; the mean curve must still be checked at m = 1 and 2."""
    right = figures.small_batch_curves()
    assert all(o.passed for o in figures.small_batch_figure_matches_an_independent_run())
    assert right["m"][:2].tolist() == [1, 2]
    for row in (0, 1):  # m = 1 and m = 2
        wrong_mean = right["mean"].copy()
        wrong_mean[row] += 0.05
        moved = FigureData(m=right["m"], low=right["low"], high=right["high"], mean=wrong_mean,
                           inference=right["inference"])
        monkeypatch.setattr(figures, "computed", lambda key, data=moved: data)
        assert not all(o.passed for o in figures.small_batch_figure_matches_an_independent_run())
