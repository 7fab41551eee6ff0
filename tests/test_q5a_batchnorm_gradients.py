"""Question 5a's snippet: the symbolic and numerical gradient checks, and that they can fail."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from snippets import q5a_batchnorm_gradients as q5a
from snippets.batchnorm import batchnorm_backward as real_backward
from snippets.batchnorm import batchnorm_forward
from snippets.plumbing.checks import REGISTRY, identity, load_all, verify

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.page == q5a.PAGE)


def test_the_page_registers_its_checks():
    assert CHECKS == ["q5a.batch-of-two", "q5a.dx-structure", "q5a.finite-differences",
                      "q5a.source-formulas-fail", "q5a.symbolic"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_closed_forms_hold_for_a_batch_of_four():
    # The page checks m = 2 and 3; the derivation does not depend on m.
    b = q5a.symbolic_batch(4)
    derived, closed = q5a.derived_gradients(b), q5a.closed_forms(b)
    for name in ("dbeta", "dgamma"):
        assert identity(derived[name], closed[name]).passed, name
    # dx at a rational point with symbolic ε: exact, and cheaper than simplifying in general
    values = (sp.Rational(3), sp.Rational(-1, 2), sp.Rational(7, 3), sp.Rational(1, 5))
    point = dict(zip(b.x, values, strict=True))
    residual = (derived["dx"] - closed["dx"]).subs(point)
    assert all(sp.simplify(entry) == 0 for entry in residual)


def test_a_wrong_closed_form_is_caught_symbolically():
    b = q5a.symbolic_batch(3)
    derived, closed = q5a.derived_gradients(b), q5a.closed_forms(b)
    raw_x_dgamma = sum(g * x for g, x in zip(b.g, b.x, strict=True))
    wrong_sign = sp.Matrix([[b.gamma / b.std * (g - sum(b.g) / 3 + xh * closed["dgamma"] / 3)
                             for g, xh in zip(b.g, b.x_hat, strict=True)]])
    # at a rational point (g, γ, ε still symbolic) so that sympy decides quickly
    point = dict(zip(b.x, (sp.Integer(1), sp.Integer(4), sp.Rational(-2, 3)), strict=True))
    for right, wrong in ((derived["dgamma"], raw_x_dgamma), (derived["dbeta"], b.g[0]),
                         (derived["dx"], wrong_sign)):
        assert identity(right.subs(point), right.subs(point)).passed
        assert not identity(right.subs(point), wrong.subs(point)).passed


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
    # and it keeps the shape of a matrix argument
    matrix = rng.normal(size=(2, 3))
    np.testing.assert_allclose(q5a.central_difference(lambda t: float(np.sum(t**2)), matrix), 2 * matrix,
                               atol=1e-9)


def test_relative_error_is_normwise():
    assert q5a.relative_error(np.array([2.0, 0.0]), np.array([2.0, 1e-3])) == pytest.approx(5e-4)
    assert q5a.relative_error(np.array([1.0, -4.0]), np.array([1.0, -4.0])) == 0


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    def raw_x_backward(dy, cache):
        dx, dgamma, dbeta = real_backward(dy, cache)
        x = cache.x_hat / cache.inv_std + cache.mean
        return dx, (dy * x).sum(axis=0), dbeta

    def single_term_backward(dy, cache):
        dx, dgamma, dbeta = real_backward(dy, cache)
        return dx, dgamma, dy[0]

    def no_statistics_backward(dy, cache):  # forgets that μ and σ² depend on x
        dx, dgamma, dbeta = real_backward(dy, cache)
        return dy * cache.gamma * cache.inv_std, dgamma, dbeta

    for wrong in (raw_x_backward, single_term_backward, no_statistics_backward):
        monkeypatch.setattr(q5a, "batchnorm_backward", wrong)
        outcomes = q5a._finite_differences()
        assert not all(o.passed for o in outcomes), wrong.__name__


def test_worst_gradient_check_error_is_below_the_tolerance_and_not_zero():
    worst = max(q5a.relative_error(*pair)
                for case in q5a.FD_CASES for pair in q5a.analytic_and_numerical(*case).values())
    assert 0 < worst < q5a.FD_RTOL


def test_batch_of_two_closed_form_against_the_numpy_backward():
    rng = np.random.default_rng(3)
    for _ in range(5):
        x, g = rng.normal(size=(2, 1)), rng.normal(size=(2, 1))
        gamma, eps = 1.3, 1e-2  # a large ε makes the O(ε) gradient easy to see
        dx = real_backward(g, batchnorm_forward(x, np.array([gamma]), np.zeros(1), eps)[1])[0][:, 0]
        delta = (x[0, 0] - x[1, 0]) / 2
        expected = gamma * eps * (g[0, 0] - g[1, 0]) / (2 * (delta**2 + eps) ** 1.5)
        np.testing.assert_allclose(dx, [expected, -expected], rtol=1e-10)


def test_error_versus_step_shows_truncation_only_for_dx():
    errors = q5a.error_versus_step(np.array([1e-5, 1e-2]))
    assert errors["dx"][1] > 100 * errors["dx"][0]  # h² truncation at the large step
    assert errors["dgamma"][1] < 1e-12 and errors["dbeta"][1] < 1e-12  # L is linear in γ and β
