"""Question 4b: rerunning a part of snippets/q4b_reference.py reproduces the committed reference data."""

from __future__ import annotations

import json

import numpy as np

from snippets import q4b_reference as reference
from snippets.q4b_kac_rice import EXTENDED_CHUNK, chunk_sums


def test_exact_data_reproduce_on_a_reduced_rerun():
    committed = json.loads(reference.EXACT_FILE.read_text(encoding="utf-8"))
    assert committed["n"] == list(range(1, reference.N_MAX + 1))
    sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55]
    rerun = reference.exact_table(sizes, variance_sizes=(10, 20))
    np.testing.assert_allclose(rerun["log_p"], [committed["log_p"][n - 1] for n in sizes], rtol=1e-13)
    for n in ("10", "20"):
        assert rerun["index_variance"][n] == committed["index_variance"][n]


def test_random_field_sums_reproduce_on_a_reduced_rerun():
    committed = json.loads(reference.RANDOM_FIELD_FILE.read_text(encoding="utf-8"))
    assert sorted(map(int, committed["sums"])) == list(reference.SIZES)
    assert all(len(chunks) == reference.CHUNKS for chunks in committed["sums"].values())
    for n, chunk in ((5, 7), (10, 39)):
        fresh, stored = chunk_sums(n, chunk), committed["sums"][str(n)][chunk]
        assert fresh.keys() == stored.keys()
        np.testing.assert_allclose([fresh[k] for k in fresh], [stored[k] for k in fresh], rtol=1e-12)
    fresh, stored = chunk_sums(20, 3, EXTENDED_CHUNK), committed["extended"]["20"][3]
    np.testing.assert_allclose([fresh[k] for k in fresh], [stored[k] for k in fresh], rtol=1e-12)
