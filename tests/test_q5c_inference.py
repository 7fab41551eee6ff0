"""Question 5c's snippet: the running-average theory, folding, and that the checks can fail."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from snippets import q5c_inference as q5c
from snippets.batchnorm import batchnorm_forward, batchnorm_inference
from snippets.plumbing.checks import REGISTRY, load_all, verify

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.page == q5c.PAGE)


def test_the_page_registers_its_checks():
    assert CHECKS == ["q5c.batch-of-one", "q5c.depends-on-batch", "q5c.fold", "q5c.leak",
                      "q5c.running-averages", "q5c.small-batches", "q5c.unrepresentative-batch"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


# --- The theory the statistical check compares with ---------------------------------------------


def test_ema_moments_match_the_recursion():
    # Iterate E_{t+1} = (1 − α) E_t + α target and V_{t+1} = (1 − α)² V_t + α² Var step by step.
    alpha, start, target, var = q5c.MOMENTUM, 1.0, 9.0, 23.0
    expectation, variance = start, 0.0
    for t in range(1, 301):
        expectation = (1 - alpha) * expectation + alpha * target
        variance = (1 - alpha) ** 2 * variance + alpha**2 * var
        assert q5c.ema_expectation(start, target, t) == pytest.approx(expectation, rel=1e-12)
        assert q5c.ema_variance(var, t) == pytest.approx(variance, rel=1e-12)


def test_statistic_variances_match_scipy():
    m, sigma2 = q5c.BATCH, q5c.POP_VAR
    # (m − 1) s² / σ² is χ²(m − 1) for Gaussian data
    unbiased_var = stats.chi2(m - 1).var() * (sigma2 / (m - 1)) ** 2
    assert q5c.statistic_variances()["unbiased var"] == pytest.approx(unbiased_var, rel=1e-12)
    assert q5c.statistic_variances()["mean"] == pytest.approx(stats.norm(0, np.sqrt(sigma2 / m)).var())


def test_variance_standard_error_matches_gaussian_theory():
    samples = np.random.default_rng(0).normal(scale=2.0, size=200_000)
    # for Gaussian data Var(s²) ≈ 2σ⁴/n; the sample estimate agrees to a few percent at this n
    assert q5c.variance_standard_error(samples) == pytest.approx(np.sqrt(2 * 16 / samples.size), rel=0.02)


def test_false_alarm_probability():
    # P(|Z| > 4) = 6.334e-5 for a standard normal Z (tables of the normal distribution)
    assert 2 * stats.norm.sf(4.0) == pytest.approx(6.334e-5, rel=1e-3)
    assert q5c.false_alarm() == "6 × 10⁻⁵"


def test_track_running_stats_with_momentum_one_keeps_the_last_batch():
    batches = np.random.default_rng(1).normal(size=(5, 6, 2))
    means, variances = q5c.track_running_stats(batches, momentum=1.0)
    np.testing.assert_allclose(means[-1], batches[-1].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(variances[-1], batches[-1].var(axis=0, ddof=1), rtol=1e-12)
    assert means.shape == variances.shape == (6, 2)


# --- The failure modes the checks are there to catch --------------------------------------------


def test_running_average_check_fails_with_a_biased_variance(monkeypatch):
    def biased_update(running_mean, running_var, cache, momentum=0.1):
        return ((1 - momentum) * running_mean + momentum * cache.mean,
                (1 - momentum) * running_var + momentum * cache.var)

    monkeypatch.setattr(q5c, "update_running_stats", biased_update)
    q5c.simulate_running_stats.cache_clear()
    try:
        outcomes = q5c._running_averages()
        assert not outcomes[2].passed  # the running variance misses σ² by many standard errors
        assert outcomes[0].passed  # the mean is unaffected
    finally:
        q5c.simulate_running_stats.cache_clear()


def test_batch_dependence_check_fails_if_inference_used_batch_statistics(monkeypatch):
    monkeypatch.setattr(q5c, "inference_mode", q5c.training_mode)
    outcomes = q5c._depends_on_batch()
    assert not outcomes[1].passed


def test_fold_check_fails_with_a_wrong_fold(monkeypatch):
    def forgets_the_mean(weight, bias, gamma, beta, running_mean, running_var, eps=q5c.EPS):
        scale = gamma / np.sqrt(running_var + eps)
        return scale[:, None] * weight, scale * bias + beta

    monkeypatch.setattr(q5c, "fold_into_linear", forgets_the_mean)
    affine, folded = q5c._fold()
    assert affine.passed and not folded.passed


# --- Independent checks of the demonstrations ---------------------------------------------------


def test_fold_against_a_loop():
    rng = np.random.default_rng(2)
    weight, bias = rng.normal(size=(3, 4)), rng.normal(size=3)
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    mean, var = rng.normal(size=3), rng.uniform(0.2, 3, size=3)
    folded_weight, folded_bias = q5c.fold_into_linear(weight, bias, gamma, beta, mean, var)
    x = rng.normal(size=4)
    for j in range(3):
        z = sum(weight[j, i] * x[i] for i in range(4)) + bias[j]
        y = gamma[j] * (z - mean[j]) / np.sqrt(var[j] + q5c.EPS) + beta[j]
        assert folded_weight[j] @ x + folded_bias[j] == pytest.approx(y, rel=1e-12, abs=1e-12)


def test_inference_affine_matches_batchnorm_inference():
    rng = np.random.default_rng(3)
    gamma, beta, mean, var = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), rng.uniform(1, 2, 3)
    z = rng.normal(size=(7, 3))
    scale, shift = q5c.inference_affine(gamma, beta, mean, var)
    np.testing.assert_allclose(scale * z + shift, batchnorm_inference(z, gamma, beta, mean, var), rtol=1e-12)


@pytest.mark.parametrize("m", [2, 3, 5, 10, 50])
def test_samuelson_bound_is_attained(m):
    # One example apart from m − 1 equal ones sits exactly √(m − 1) batch standard deviations out.
    x = np.zeros((m, 1))
    x[0, 0] = 1.0
    x_hat = batchnorm_forward(x, np.ones(1), np.zeros(1), eps=0.0)[1].x_hat
    assert x_hat[0, 0] == pytest.approx(np.sqrt(m - 1), rel=1e-12)


def test_batch_of_two_output_closed_form():
    x, x_hat = q5c.pair_outputs(pairs=50)
    delta = (x[0] - x[1]) / 2
    np.testing.assert_allclose(x_hat, delta / np.sqrt(delta**2 + q5c.EPS), rtol=1e-12)


def test_unrepresentative_batch_is_the_top_of_the_pool():
    inputs, train, _ = q5c.unrepresentative_batch()
    assert inputs.shape == (16, 3)
    assert inputs[:, 0].min() > q5c.MU[0] + q5c.SIGMA[0]  # all well above the training mean
    np.testing.assert_allclose(train.std(axis=0), q5c.GAMMA, rtol=1e-3)  # spread γ, whatever the batch
