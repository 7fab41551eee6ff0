"""Question 5a's symbolic proofs: they hold, they agree with independent computations, and they can fail."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from snippets import q5a_symbolic as q5a
from snippets.batchnorm import batchnorm_backward, batchnorm_forward
from snippets.plumbing.checks import REGISTRY, load_all, verify

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.page == q5a.PAGE and c.file.endswith("q5a_symbolic.py"))


def test_the_module_registers_its_checks():
    assert CHECKS == ["q5a.batch-of-two-gradient", "q5a.batch-of-two-output", "q5a.dx-structure",
                      "q5a.general-m", "q5a.sum-derivatives", "q5a.sums", "q5a.written-out"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def _sum_values(x: np.ndarray, g: np.ndarray, k: int) -> dict:
    s = q5a.sums_of_the_batch()
    return {s.x: x.sum(), s.xx: (x**2).sum(), s.g: g.sum(), s.gx: (g * x).sum(), s.x_k: x[k], s.g_k: g[k]}


@pytest.mark.parametrize("size", [2, 5, 11])
def test_the_general_m_gradient_evaluates_to_the_numpy_backward(size):
    rng = np.random.default_rng(size)
    x, g = 1 + 2 * rng.normal(size=size), rng.normal(size=size)
    gamma_value = 0.7
    expected = batchnorm_backward(g[:, None], batchnorm_forward(x[:, None], np.array([gamma_value]),
                                                                np.zeros(1))[1])[0][:, 0]
    dx_k = q5a.gradients_by_chain_rule()["dx_k"]
    for k in range(size):
        at = _sum_values(x, g, k) | {q5a.m: size, q5a.gamma: gamma_value, q5a.eps: 1e-5}
        assert float(dx_k.subs(at)) == pytest.approx(expected[k], rel=1e-10, abs=1e-12)


def test_the_general_m_gradient_matches_a_written_out_batch_of_four():
    b = q5a.written_out_batch(4)
    derived, _ = q5a.written_out_gradients(b)
    point = (sp.Rational(3), sp.Rational(-1, 2), sp.Rational(7, 3), sp.Rational(1, 5))
    ups = (sp.Rational(1, 2), sp.Rational(-2), sp.Rational(1, 3), sp.Rational(5, 4))
    at = dict(zip(b.x, point, strict=True)) | dict(zip(b.g, ups, strict=True))
    s = q5a.sums_of_the_batch()
    general = q5a.gradients_by_chain_rule()["dx_k"]
    for k in range(4):
        sums = {s.x: sum(point), s.xx: sum(v**2 for v in point), s.g: sum(ups),
                s.gx: sum(a * b_ for a, b_ in zip(ups, point, strict=True)), s.x_k: point[k], s.g_k: ups[k]}
        written = derived["dx"][k].subs(at)
        assert sp.simplify(general.subs(sums | {q5a.m: 4}) - written) == 0


@pytest.mark.parametrize("wrong", ["no 1/m", "raw x", "sign"])
def test_the_general_m_check_fails_for_a_wrong_closed_form(monkeypatch, wrong):
    right = q5a.closed_forms_through_sums

    def broken():
        forms = right()
        s = q5a.sums_of_the_batch()
        f = q5a.forward_pass_through_sums(s)
        if wrong == "no 1/m":
            forms["dx_k"] = q5a.gamma / f.std * (s.g_k - forms["dbeta"] - f.x_hat_k * forms["dgamma"] / q5a.m)
        elif wrong == "raw x":
            forms["dgamma"] = s.gx
        else:
            forms["dx_k"] = q5a.gamma / f.std * (s.g_k - forms["dbeta"] / q5a.m
                                                 + f.x_hat_k * forms["dgamma"] / q5a.m)
        return forms

    monkeypatch.setattr(q5a, "closed_forms_through_sums", broken)
    assert not all(o.passed for o in q5a.closed_forms_hold_for_every_m())


def test_the_written_out_check_fails_for_a_wrong_sign(monkeypatch):
    right = q5a.written_out_gradients

    def broken(b):
        derived, closed = right(b)
        return derived, closed | {"dgamma": -closed["dgamma"]}

    monkeypatch.setattr(q5a, "written_out_gradients", broken)
    assert not all(o.passed for o in q5a.small_batches_agree())


def test_the_sum_to_zero_proof_fails_for_a_gradient_that_does_not_sum_to_zero(monkeypatch):
    right = q5a.gradients_by_chain_rule
    monkeypatch.setattr(q5a, "gradients_by_chain_rule",
                        lambda: right() | {"dx_k": right()["dx_k"] + q5a.sums_of_the_batch().g_k})
    assert not all(o.passed for o in q5a.input_gradient_structure())


def test_batch_of_two_output_correction_is_eps_over_two_delta_squared_numerically():
    eps = 1e-5
    for half_gap in (0.05, 0.2, 1.0):
        x_hat = batchnorm_forward(np.array([[half_gap], [-half_gap]]), np.ones(1), np.zeros(1), eps)[1].x_hat
        gap = 1 - x_hat[0, 0]
        assert gap == pytest.approx(eps / (2 * half_gap**2), rel=2 * eps / half_gap**2)


def test_batch_of_two_gradient_is_largest_where_the_inputs_coincide():
    half_gaps = np.linspace(-0.05, 0.05, 201)
    scale = np.array([float(q5a.gradient_scale(sp.Float(d)).subs(q5a.eps, 1e-5)) for d in half_gaps])
    assert abs(half_gaps[np.argmax(scale)]) < 1e-12
    assert scale.max() == pytest.approx(1 / (2 * np.sqrt(1e-5)), rel=1e-12)


def test_coincident_scale_value():
    assert q5a.coincident_scale() == pytest.approx(158.11388, rel=1e-6)  # 1 / (2 √(10⁻⁵)) by hand
