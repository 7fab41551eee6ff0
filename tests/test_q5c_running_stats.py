"""Question 5c's running statistics: the theory, the framework conventions, and checks that can fail."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snippets import q5c_running_stats as q5c
from snippets.plumbing.checks import REGISTRY, load_all, verify
from snippets.q5c_layer import track_running_stats

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.file.endswith("q5c_running_stats.py"))


def test_the_module_registers_its_checks():
    assert CHECKS == ["q5c.cumulative-average", "q5c.forgot-eval", "q5c.momentum-conventions",
                      "q5c.running-averages"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_ema_moments_match_the_recursion():
    # Iterate E_{t+1} = (1 − α) E_t + α target and V_{t+1} = (1 − α)² V_t + α² Var step by step.
    alpha, start, target, var = q5c.MOMENTUM, 1.0, 9.0, 23.0
    expectation, variance = start, 0.0
    for t in range(1, 301):
        expectation = (1 - alpha) * expectation + alpha * target
        variance = (1 - alpha) ** 2 * variance + alpha**2 * var
        assert q5c.ema_expectation(start, target, t) == pytest.approx(expectation, rel=1e-12)
        assert q5c.ema_variance(var, t) == pytest.approx(variance, rel=1e-12)


def test_statistic_variances_by_hand():
    # m = 8, σ² = 9: Var(mean) = 9/8; Var(unbiased s²) = 2 · 81 / 7.
    assert q5c.statistic_variances() == {"mean": pytest.approx(9 / 8), "unbiased var": pytest.approx(162 / 7)}


def test_false_alarm_values_against_erfc():
    per_comparison = math.erfc(4 / math.sqrt(2))  # P(|Z| > 4) = 6.3e-5
    assert q5c.false_alarm() == "6 × 10⁻⁵"
    assert q5c.comparisons() == 5
    assert q5c.family_false_alarm() == "3 × 10⁻⁴"  # 5 × 6.3e-5 = 3.2e-4
    assert 5 * per_comparison == pytest.approx(3.17e-4, rel=1e-2)


def test_a_biased_implementation_fails_the_comparison_by_far():
    assert not q5c.final_variance_comparison(update=q5c.biased_update).passed
    assert q5c.biased_distance() > 40


def test_the_biased_implementation_settles_at_the_biased_target():
    last = q5c.simulate_running_stats(update=q5c.biased_update)[1][-1]
    assert last.mean() == pytest.approx(q5c.biased_target(), abs=4 * last.std() / np.sqrt(last.size) + 0.01)


def test_theory_and_simulation_of_the_spread_are_both_shown_and_close():
    assert q5c.ema_sd() == pytest.approx(math.sqrt(0.1 / 1.9 * (1 - 0.9**200) * 162 / 7), rel=1e-12)
    assert abs(q5c.ema_sd_simulated() - q5c.ema_sd()) < 0.05


def test_track_running_stats_with_momentum_one_keeps_the_last_batch():
    batches = np.random.default_rng(1).normal(size=(5, 6, 2))
    means, variances = track_running_stats(batches, momentum=1.0)
    np.testing.assert_allclose(means[-1], batches[-1].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(variances[-1], batches[-1].var(axis=0, ddof=1), rtol=1e-12)
    assert means.shape == variances.shape == (6, 2)


def test_the_cumulative_check_fails_with_a_fixed_momentum(monkeypatch):
    right = q5c.update_running_stats
    monkeypatch.setattr(q5c, "update_running_stats", lambda m, v, s, momentum=0.1: right(m, v, s, 0.1))
    assert not all(o.passed for o in q5c.momentum_one_over_t_is_a_cumulative_average())


def test_the_forgot_eval_check_fails_if_evaluation_left_the_statistics_alone(monkeypatch):
    monkeypatch.setattr(q5c, "update_running_stats", lambda m, v, s, momentum=0.1: (m, v))
    assert not q5c.evaluation_in_training_mode_overwrites_the_statistics().passed


def test_remaining_weight_by_hand():
    assert q5c.remaining() == "0.5 %"  # 0.9⁵⁰ = 0.00515
