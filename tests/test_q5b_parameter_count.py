"""Question 5b's snippet: the counts from a training step, the table's cells, and checks that can fail."""

from __future__ import annotations

import numpy as np
import pytest

from snippets import q5b_parameter_count as q5b
from snippets.plumbing.checks import REGISTRY, load_all, verify
from snippets.plumbing.values import computed

load_all()
CHECKS = sorted(k for k, c in REGISTRY.items() if c.page == q5b.PAGE)


def test_the_page_registers_its_checks():
    assert CHECKS == ["q5b.bias-gradient", "q5b.bias-inference", "q5b.bias-redundant", "q5b.breakdown-cells",
                      "q5b.formula", "q5b.identity-reachable", "q5b.source-arithmetic"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_the_table_counts_are_those_worked_out_by_hand():
    # 40 × 20 weights; 40 each for bias, γ, β, running mean, running variance; the three totals.
    table = computed("q5b.breakdown")
    assert table.column("entries") == [800, 40, 40, 40, 40, 40, 920, 880, 80]
    assert table.column("shape")[0] == "40×20"
    by_gradient = [cell.startswith("gradient") for cell in table.column("updated by")[:6]]
    assert by_gradient == [True] * 4 + [False] * 2


def test_the_prose_values_are_those_worked_out_by_hand():
    assert (q5b.weights(), q5b.trainable_with_bias(), q5b.trainable_without_bias()) == (800, 920, 880)
    assert (q5b.moved_with_bias(), q5b.buffers(), q5b.buffers_torch()) == (880, 80, 81)


def test_a_wrong_table_row_fails_the_check(monkeypatch):
    right = q5b.breakdown()
    rows = list(right.rows)
    rows[1] = (rows[1][0], rows[1][1], 41, rows[1][3])  # a bias of 41 entries
    wrong = q5b.Table(right.columns, rows, align=right.align)
    monkeypatch.setattr(q5b, "computed", lambda key: wrong)
    assert not all(o.passed for o in q5b.table_rows_match_a_training_step())


def test_a_table_that_calls_a_buffer_trainable_fails_the_check(monkeypatch):
    monkeypatch.setitem(q5b.UPDATED_BY, "bn.running_var", "gradient")
    monkeypatch.setattr(q5b, "computed", lambda key: q5b.breakdown())  # the table as it would print
    assert not all(o.passed for o in q5b.table_rows_match_a_training_step())


def test_a_table_with_a_wrong_shape_fails_the_check(monkeypatch):
    table = q5b.breakdown()
    rows = [row if row[0] != "`linear.weight`" else (row[0], "20×40", *row[2:]) for row in table.rows]
    wrong = q5b.Table(table.columns, rows, table.formats, table.align)
    monkeypatch.setattr(q5b, "computed", lambda key: wrong)
    assert not all(o.passed for o in q5b.table_rows_match_a_training_step())


def test_the_step_counts_do_not_restate_the_constructor(monkeypatch):
    # A layer whose bias has one entry too many cannot take a training step: the count would not
    # silently follow the constructor.
    right = q5b.linear_layer

    def wrong_bias(n_in, n_out, *, bias=True, seed=0):
        arrays = right(n_in, n_out, bias=bias, seed=seed)
        if bias:
            arrays["linear.bias"] = np.zeros(n_out + 1)
        return arrays

    monkeypatch.setattr(q5b, "linear_layer", wrong_bias)
    with pytest.raises(ValueError):
        q5b.training_step(20, 40)


def test_a_wrong_formula_fails_the_formula_check(monkeypatch):
    monkeypatch.setattr(q5b, "FORMULA_BUFFERS", 3 * q5b.n_out)
    assert not all(o.passed for o in q5b.formulas_match_training_steps())


def test_a_step_that_forgot_the_running_variance_fails_the_formula_check(monkeypatch):
    right = q5b.update_running_stats
    monkeypatch.setattr(q5b, "update_running_stats",
                        lambda mean, var, cache, momentum=0.1: (right(mean, var, cache, momentum)[0], var))
    assert not all(o.passed for o in q5b.formulas_match_training_steps())


def test_the_bias_gradient_check_fails_without_batch_norm(monkeypatch):
    # Without the mean subtraction the bias gradient Σ_b ∂L/∂z_b is not zero.
    monkeypatch.setattr(q5b, "batchnorm_backward",
                        lambda dy, cache: (dy, (dy * cache.x_hat).sum(0), dy.sum(0)))
    assert not all(o.passed for o in q5b.bias_gradient_is_zero())


def test_the_inference_shift_by_hand():
    # One feature: γ = 2, running variance 3, ε = 10⁻⁵: changing b by 0.5 shifts the output by 2·0.5/√3.
    out = q5b.batchnorm_inference(np.array([[1.0], [1.5]]), np.array([2.0]), np.zeros(1), np.zeros(1),
                                  np.array([3.0]))
    assert out[1, 0] - out[0, 0] == pytest.approx(2 * 0.5 / np.sqrt(3 + 1e-5), rel=1e-12)


def test_the_identity_check_fails_if_gamma_is_the_variance(monkeypatch):
    right = q5b.batchnorm_forward
    calls = []

    def forward(z, gamma, beta, eps=q5b.EPS):
        calls.append(1)
        if len(calls) == 2:  # the restoring call: γ = σ² + ε instead of its square root
            gamma = gamma**2
        return right(z, gamma, beta, eps)

    monkeypatch.setattr(q5b, "batchnorm_forward", forward)
    assert not q5b.gamma_and_beta_undo_the_normalization().passed
