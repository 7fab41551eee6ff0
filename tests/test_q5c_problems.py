"""Question 5c's problems with batch statistics at test time: the checks hold, agree with hand
computations, and fail when the behaviour they describe is absent."""

from __future__ import annotations

import numpy as np
import pytest

from snippets import q5c_batch_dependence as dependence
from snippets import q5c_small_batches as small
from snippets.batchnorm import batchnorm_forward
from snippets.plumbing.checks import REGISTRY, load_all, verify
from snippets.q5c_layer import BETA, GAMMA, MU, SIGMA, training_mode

load_all()
MODULES = ("q5c_batch_dependence.py", "q5c_small_batches.py")
CHECKS = sorted(k for k, c in REGISTRY.items() if c.file.endswith(MODULES))


def test_the_modules_register_their_checks():
    assert CHECKS == ["q5c.batch-of-one", "q5c.batch-size-table", "q5c.depends-on-batch", "q5c.leak",
                      "q5c.same-prediction", "q5c.small-batches", "q5c.spatial-batch-of-one",
                      "q5c.unrepresentative-batch"]


@pytest.mark.parametrize("check_id", CHECKS)
def test_check_holds(check_id):
    verify(check_id)


def test_batch_dependence_check_fails_if_inference_used_batch_statistics(monkeypatch):
    monkeypatch.setattr(dependence, "inference_mode", training_mode)
    assert not all(o.passed for o in dependence.outputs_depend_on_batch_mates())


def test_the_by_hand_formula_on_a_batch_worked_out_on_paper():
    # Feature values 1, 2, 3 (first row 1): mean 2, variance 2/3, so x̂ = −1/√(2/3 + ε).
    batch = np.array([[1.0, 0.0, 5.0], [2.0, 0.0, 5.0], [3.0, 3.0, 5.0]])
    expected = GAMMA * np.array([-1 / np.sqrt(2 / 3 + 1e-5), -1 / np.sqrt(2 + 1e-5), 0.0]) + BETA
    np.testing.assert_allclose(dependence.by_hand(batch), expected, rtol=1e-12)


def test_a_wrong_table_cell_fails_the_check(monkeypatch):
    right = dependence.three_batches()
    rows = [list(r) for r in right.rows]
    rows[0][1] = "(+0.0000, +0.0000, +0.0000)"
    monkeypatch.setattr(dependence, "computed",
                        lambda key: dependence.Table(right.columns, [tuple(r) for r in rows]))
    assert not all(o.passed for o in dependence.outputs_depend_on_batch_mates())


@pytest.mark.parametrize("m", [2, 3, 5, 10, 50])
def test_samuelson_bound_is_attained(m):
    # One example apart from m − 1 equal ones sits exactly √(m − 1) batch standard deviations out.
    x = np.zeros((m, 1))
    x[0, 0] = 1.0
    x_hat = batchnorm_forward(x, np.ones(1), np.zeros(1), eps=0.0)[1].x_hat
    assert x_hat[0, 0] == pytest.approx(np.sqrt(m - 1), rel=1e-12)


def test_batch_of_two_output_closed_form():
    x, x_hat = dependence.pair_outputs(pairs=50)
    delta = (x[0] - x[1]) / 2
    np.testing.assert_allclose(x_hat, delta / np.sqrt(delta**2 + 1e-5), rtol=1e-12)


def test_the_mean_output_for_a_batch_of_two_is_near_two_phi_minus_one():
    # x̂ ≈ sign(1.5 − u) for u ~ N(0, 1): mean 2Φ(1.5) − 1 = 0.8664 (tables of the normal distribution).
    y = small.output_across_batch_mates()[2]
    assert y.mean() == pytest.approx(0.8664, abs=4 * y.std() / np.sqrt(y.size) + 1e-3)


def test_the_independent_run_is_not_batchnorm_forward(monkeypatch):
    # Breaking batchnorm_forward must change the table but not the independent run.
    before = small.independent_run(8).copy()
    monkeypatch.setattr(small, "batchnorm_forward", lambda *a, **k: (np.zeros((1, small.DRAWS)), None))
    np.testing.assert_array_equal(small.independent_run(8), before)


def test_the_table_check_fails_for_a_shifted_mean_column(monkeypatch):
    right = small.batch_size_table()
    rows = [(r[0], r[1] + 0.1, *r[2:]) for r in right.rows]
    wrong = small.Table(right.columns, rows, formats=right.formats)
    monkeypatch.setattr(small, "computed", lambda key: wrong)
    assert not all(o.passed for o in small.table_agrees_with_an_independent_run())


@pytest.mark.parametrize("column, change", [
    ("standard deviation", lambda y, m: float(y.std(ddof=2))),  # the ddof a mutant once used unnoticed
    ("$\\sqrt{m-1}$", lambda y, m: float(np.sqrt(m + 1))),
    ("s.e.", lambda y, m: float(y.std(ddof=1) / np.sqrt(y.size)) * 1.05),  # inflated by 5%
    ("smallest", lambda y, m: float(np.sort(y)[1])),
])
def test_the_table_check_fails_for_any_wrong_column(monkeypatch, column, change):
    right = small.batch_size_table()
    index = right.columns.index(column)
    draws = small.output_across_batch_mates()
    rows = [(*r[:index], change(draws[m], m), *r[index + 1:])
            for r, m in zip(right.rows, small.BATCH_SIZES, strict=True)]
    wrong = small.Table(right.columns, rows, formats=right.formats)
    monkeypatch.setattr(small, "computed", lambda key: wrong)
    failed = [o.compared for o in small.table_agrees_with_an_independent_run() if not o.passed]
    assert failed and all(column.split()[0].strip("$\\") in text or "√(m − 1)" in text for text in failed)


def test_a_table_of_other_draws_fails_the_check(monkeypatch):
    original = small.output_across_batch_mates
    monkeypatch.setattr(small, "output_across_batch_mates", lambda: original(4))  # another seed
    other = small.batch_size_table()
    monkeypatch.setattr(small, "computed", lambda key: other)
    assert not all(o.passed for o in small.table_agrees_with_an_independent_run())


def test_the_batch_size_table_rows_by_hand():
    table = small.batch_size_table()
    assert table.column("batch size $m$")[0] == "1" and table.cell(0, "mean output") == 0.0
    assert table.column("batch size $m$")[5] == "32 (training)"
    np.testing.assert_allclose(table.column("$\\sqrt{m-1}$"), np.sqrt(np.array(small.BATCH_SIZES) - 1))


def test_the_same_prediction_check_fails_if_the_network_had_a_skip(monkeypatch):
    right = small.small_network
    monkeypatch.setattr(small, "small_network",
                        lambda x, residual, seed=8: right(x, residual=True, seed=seed))
    assert not all(o.passed for o in small.batch_of_one_network_outputs())


def test_the_spatial_check_fails_if_the_image_were_treated_as_one_sample(monkeypatch):
    right = small.batchnorm_forward
    monkeypatch.setattr(small, "batchnorm_forward",
                        lambda x, g, b, eps=1e-5: right(x.reshape(1, -1)[:, : x.shape[1]], g, b, eps))
    assert not all(o.passed for o in small.one_image_is_enough())


def test_unrepresentative_batch_is_the_top_of_the_pool():
    inputs, train, _ = small.unrepresentative_batch()
    assert inputs.shape == (16, 3)
    assert inputs[:, 0].min() > MU[0] + SIGMA[0]  # all well above the training mean
    np.testing.assert_allclose(train.std(axis=0), GAMMA, rtol=1e-3)  # spread γ, whatever the batch
