"""How tests/lighthouse.py reads several runs of a page: the median of each figure, the worst
run beside it, and which first runs are too near a target to be taken alone."""

from __future__ import annotations

import lighthouse


def _run(performance: int, tbt_ms: int) -> dict[str, float]:
    return {"performance": performance, "accessibility": 100, "best-practices": 100, "seo": 100,
            "tbt_ms": tbt_ms, "dom_nodes": 1000}


def test_a_page_reads_as_the_median_of_its_runs_with_the_worst_beside_it():
    runs = [_run(99, 58), _run(97, 160), _run(100, 42), _run(88, 230), _run(98, 71)]
    figures = lighthouse.summary(runs)
    assert (figures["performance"], figures["tbt_ms"], figures["runs"]) == (98, 71, 5)
    assert (figures["worst_performance"], figures["worst_tbt_ms"]) == (88, 230)
    assert lighthouse.meets_target(figures) and not lighthouse.meets_target(runs[3])


def test_a_first_run_near_a_target_is_not_taken_alone():
    assert lighthouse.near_target(_run(94, 20)) and lighthouse.near_target(_run(100, 151))
    assert not lighthouse.near_target(_run(95, 150))
