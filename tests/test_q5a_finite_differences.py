"""Question 5a's numerical checks: finite differences that agree, and that catch a wrong backward pass."""

from __future__ import annotations

import numpy as np
import pytest

from snippets import q5a_figure as figure
from snippets import q5a_finite_differences as q5a
from snippets.batchnorm import batchnorm_backward as real_backward
from snippets.plumbing.checks import REGISTRY, load_all, verify

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.file.endswith("q5a_finite_differences.py"))


def test_the_module_registers_its_checks():
    assert CHECKS == ["q5a.finite-differences", "q5a.source-formulas-fail", "q5a.two-inputs-numeric"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_central_difference_against_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    a = a + a.T
    c = rng.normal(size=4)
    theta = rng.normal(size=4)
    # A quadratic has no third derivative: central differences are exact up to rounding.
    quadratic = q5a.central_difference(lambda t: 0.5 * t @ a @ t + c @ t, theta)
    np.testing.assert_allclose(quadratic, a @ theta + c, rtol=0, atol=1e-9)
    # sin: the truncation error is h² |f'''| / 6 = h² |cos| / 6 per entry
    h = 1e-3
    numerical = q5a.central_difference(lambda t: float(np.sum(np.sin(t))), theta, h)
    np.testing.assert_allclose(numerical, np.cos(theta), rtol=0, atol=h**2 / 6 + 1e-10)
    matrix = rng.normal(size=(2, 3))
    np.testing.assert_allclose(q5a.central_difference(lambda t: float(np.sum(t**2)), matrix), 2 * matrix,
                               atol=1e-9)


def test_relative_error_is_normwise():
    assert q5a.relative_error(np.array([2.0, 0.0]), np.array([2.0, 1e-3])) == pytest.approx(5e-4)
    assert q5a.relative_error(np.array([1.0, -4.0]), np.array([1.0, -4.0])) == 0


@pytest.mark.parametrize("wrong", ["raw x", "single term", "no statistics"])
def test_gradient_check_catches_a_wrong_backward(monkeypatch, wrong):
    def broken(dy, cache):
        dx, dgamma, dbeta = real_backward(dy, cache)
        if wrong == "raw x":
            return dx, (dy * (cache.x_hat / cache.inv_std + cache.mean)).sum(axis=0), dbeta
        if wrong == "single term":
            return dx, dgamma, dy[0]
        return dy * cache.gamma * cache.inv_std, dgamma, dbeta  # forgets that μ and σ² depend on x

    monkeypatch.setattr(q5a, "batchnorm_backward", broken)
    assert not all(o.passed for o in q5a._finite_differences())


def test_two_inputs_check_catches_a_backward_that_drops_the_input_gradient(monkeypatch):
    def no_eps(dy, cache):
        dx, dgamma, dbeta = real_backward(dy, cache)
        return dx * 0, dgamma, dbeta

    monkeypatch.setattr(q5a, "batchnorm_backward", no_eps)
    assert not all(o.passed for o in q5a.two_inputs_numeric())


def test_worst_gradient_check_error_is_below_the_tolerance_and_not_zero():
    worst = max(q5a.relative_error(*pair)
                for case in q5a.FD_CASES for pair in q5a.analytic_and_numerical(*case).values())
    assert 0 < worst < q5a.FD_RTOL


def test_fd_sizes_value_lists_the_cases():
    assert q5a.fd_sizes() == "4, 8 and 32"


def test_error_versus_step_shows_truncation_only_for_dx():
    errors = figure.error_versus_step(np.array([1e-5, 1e-2]))
    assert errors["dx"][1] > 100 * errors["dx"][0]  # h² truncation at the large step
    assert errors["dgamma"][1] < 1e-12 and errors["dbeta"][1] < 1e-12  # L is linear in γ and β


def test_the_error_laws_check_holds_and_fails_for_a_wrong_curve(monkeypatch):
    verify("q5a.error-laws")
    right = figure.error_curves()
    wrong = figure.FigureData(right)
    wrong["dx"] = right["dx"] * right["h"]  # an error growing like h³ would be a different method
    monkeypatch.setattr(figure, "computed", lambda key: wrong)
    assert not all(o.passed for o in figure.figure_follows_the_error_laws())


def test_log_log_slope_of_a_power_law():
    h = np.logspace(-3, -1, 5)
    assert figure.log_log_slope(h, 7 * h**2) == pytest.approx(2.0, abs=1e-12)
