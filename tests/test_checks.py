"""Every registered check and every prose claim holds; and the machinery reports failures fully."""

import re

import numpy as np
import pytest
from conftest import DOCS

from snippets.plumbing import checks, values
from snippets.plumbing.checks import (
    CheckFailed,
    Outcome,
    above,
    apart,
    at_every,
    at_least,
    at_most,
    below,
    cases,
    check,
    close,
    equal,
    every,
    frequency,
    holds,
    identity,
    load_all,
    mean_difference,
    normal_two_sided,
    refuted,
    run,
    sample_mean,
    sample_variance,
    variance_difference,
    within_uncertainty,
)
from snippets.plumbing.values import Claim, FigureData, Table, all_claims, find_claims, scientific

ALL_CHECKS = load_all()
ALL_CLAIMS = all_claims(DOCS)


@pytest.mark.parametrize("found", ALL_CHECKS, ids=[f"{c.page}::{c.id}" for c in ALL_CHECKS])
def test_check_holds(found):
    result = run(found.id)
    assert result.passed, result.report()


@pytest.mark.parametrize("claim", ALL_CLAIMS, ids=[f"{c.page}:{c.line}::{c.key}" for c in ALL_CLAIMS])
def test_prose_claim_matches_its_code(claim):
    outcome = claim.outcome()
    assert outcome.passed, claim.report()


def test_every_check_names_a_page_that_exists():
    for found in ALL_CHECKS:
        assert (DOCS / found.page).is_file(), f"{found.id} names missing page docs/{found.page}"


def test_every_check_is_shown_on_its_own_page():
    for found in ALL_CHECKS:
        text = (DOCS / found.page).read_text(encoding="utf-8")
        assert f'"{found.id}"' in text, f"{found.id} is never shown on docs/{found.page}"


# The comparisons must be able to fail.


def test_equal_fails_on_a_difference():
    assert equal(3, 3).passed and not equal(3, 4).passed


def test_identity_fails_on_a_false_identity():
    import sympy

    x = sympy.Symbol("x")
    assert identity((x + 1) ** 2, x**2 + 2 * x + 1).passed
    assert not identity((x + 1) ** 2, x**2 + 1).passed


def test_close_respects_its_tolerance_and_refuses_none():
    assert close(1.0 + 1e-10, 1.0, rtol=1e-9).passed
    assert not close(1.0 + 1e-8, 1.0, rtol=1e-9).passed
    assert not close([1.0, 2.0], [1.0, 2.0, 3.0], atol=1.0).passed
    with pytest.raises(ValueError):
        close(1.0, 1.0)


def test_within_uncertainty_fails_beyond_k_standard_errors():
    assert within_uncertainty(1.0, 0.1, 1.3, k=4).passed
    assert not within_uncertainty(1.0, 0.1, 1.5, k=4).passed


def test_a_failing_check_reports_everything(monkeypatch):
    monkeypatch.setattr(checks, "REGISTRY", dict(checks.REGISTRY))

    @check("test.false", page="question-5/5b.md", statement="two equals three")
    def _false():
        return [holds(True, "a true property"), equal(2, 3, what="two vs three")]

    result = run("test.false")
    assert not result.passed
    report = result.report()
    for expected in (
        "test.false",
        "docs/question-5/5b.md",
        "two equals three",
        "exact",
        "computed 2, expected 3",
        "tests/test_checks.py:",
    ):
        assert expected in report
    with pytest.raises(CheckFailed, match="two equals three"):
        checks.verify("test.false")


def test_a_proof_that_raises_is_a_failed_check(monkeypatch):
    monkeypatch.setattr(checks, "REGISTRY", dict(checks.REGISTRY))

    @check("test.raises", page="question-5/5b.md", statement="never computed")
    def _raises():
        raise ZeroDivisionError("boom")

    result = run("test.raises")
    assert not result.passed and "ZeroDivisionError: boom" in result.report()


def test_claims_in_fenced_code_are_ignored_and_mismatches_fail():
    text = "A {{ q5b.buffers = 80 }} b.\n```python\n{{ q5b.buffers = 1 }}\n```\n{{ q5b.buffers = 81 }}\n"
    claims = find_claims(text, "question-5/5b.md")
    assert [(c.literal, c.line, c.occurrence) for c in claims] == [("80", 1, 1), ("81", 5, 2)]
    assert claims[0].outcome().passed
    assert not claims[1].outcome().passed
    assert "docs/question-5/5b.md:5" in claims[1].report()


def test_an_unknown_value_is_a_failed_claim():
    outcome = Claim("no.such.key", "1", "index.md", 1, 1).outcome()
    assert isinstance(outcome, Outcome) and not outcome.passed


def test_scientific_writes_numbers_as_prose_does():
    assert scientific(1.04e11, 2) == "1.0 × 10¹¹"
    assert scientific(9.6945e-10, 3) == "9.69 × 10⁻¹⁰"
    assert scientific(4.7e-5) == "4.7 × 10⁻⁵"
    assert scientific(1e-5, 1) == "10⁻⁵"  # a bare power when the mantissa is 1
    assert scientific(2.36e-10, 1) == "2 × 10⁻¹⁰"
    assert scientific(9.7e-8, 1) == "10⁻⁷"  # rounds up to the next power
    assert scientific(3e4, 1) == "3 × 10⁴"


# Scope: derived from the values a proof used.


def _registered(monkeypatch, prove, check_id="test.scope"):
    monkeypatch.setattr(checks, "REGISTRY", dict(checks.REGISTRY))
    check_id = f"{check_id}.{prove.__qualname__}"  # run() caches by id: one id per proof
    check(check_id, page="question-5/5b.md", statement="a test statement")(prove)
    return run(check_id)


def test_cases_states_the_values_actually_iterated(monkeypatch):
    def proof():
        return [equal(n, n) for n in cases("n", range(2, 11))]

    assert _registered(monkeypatch, proof).scope == "n = 2, …, 10 (9 cases)"

    def stops_early():
        outcomes = []
        for n in cases("n", range(2, 11)):
            outcomes.append(equal(n, n))
            if n == 3:
                break
        return outcomes

    assert _registered(monkeypatch, stops_early, "test.early").scope == "n = 2, 3"


def test_a_case_iterated_twice_fails_the_check(monkeypatch):
    """The study's mutant: sizes (2, 3, 4) became (2, 2, 4), and the box read "n = 2, 2, 4"."""

    def proof():
        return [equal(n, n) for n in cases("n", (2, 2, 4))]

    result = _registered(monkeypatch, proof, "test.twice")
    assert not result.passed
    failed = [o.compared for o in result.outcomes if not o.passed]
    assert failed == ["the proof iterated n = 2, 2, 4: 2 twice"]


def test_cases_texts_for_steps_pairs_and_irregular_values():
    def text(name, values):
        found = cases(name, values)
        list(found)
        return found.text()

    assert text("n", range(10, 101, 10)) == "n = 10, 20, …, 100 (10 cases)"
    assert text("(n, m)", [(2, 3), (4, 5)]) == "(n, m) ∈ {(2, 3), (4, 5)} (2 cases)"
    assert text("k", [1, 5, 9, 30, 31, 40, 41]) == "k ∈ {1, 5, 9, …, 41} (7 cases)"
    assert text("n", [7]) == "n = 7"


def test_identity_scope_comes_from_its_free_symbols():
    import sympy

    m = sympy.Symbol("m", positive=True)
    x = sympy.Symbol("x", real=True)
    assert identity((m + x) ** 2, m**2 + 2 * m * x + x**2).scope.text() == "symbolic in m > 0, real x"
    assert identity(sympy.sqrt(4), 2).scope.text() == "exact constants"


def test_every_names_the_collection_it_was_given(monkeypatch):
    examples = {"bowl": 1, "saddle": 2, "monkey": 3}

    def proof():
        return [holds(examples[name] > 0, name) for name in every("example on the page", examples)]

    assert _registered(monkeypatch, proof).scope == "every example on the page (3: bowl, saddle, monkey)"


def test_a_check_without_scope_says_so(monkeypatch):
    result = _registered(monkeypatch, lambda: equal(1, 1))
    assert result.scope == "" and "scope: not stated" in result.report()


# Thresholds are printed from the values used.


def test_thresholds_print_their_values_and_can_fail():
    assert at_most(2e-10, 1e-7, what="error").compared == "error: 2e-10 ≤ 1e-07"
    # far below its bound: its power of ten
    assert at_most(2e-11, 1e-7, what="error").compared == "error: below 10⁻¹⁰ ≤ 1e-07"
    assert at_most(2e-10, 1e-7).tolerance == "≤ 1e-07"
    assert not at_most(2e-7, 1e-7).passed
    assert at_least(3, 3).passed and not above(3, 3).passed and not below(3, 3).passed
    largest = at_most(np.array([1e-12, 3e-9, 2e-11]), 1e-8, what="errors")
    assert largest.passed and "largest of 3: 3e-09 ≤ 1e-08" in largest.compared
    assert "largest of 2: below 10⁻²⁸ ≤ 1e-12" in at_most(np.array([1.2e-29, 1.5e-29]), 1e-12).compared
    assert not at_least(np.array([0.5, -1e-3]), 0.0).passed
    near = below(1.0000001, 1.0)
    assert not near.passed and "1.0000001" in near.compared  # enough digits to see why


# Honest statistics: an inflated or degenerate standard error fails, it never loosens the test.


@pytest.mark.parametrize("error", [0.0, -0.1, float("nan"), float("inf")])
def test_within_uncertainty_refuses_a_degenerate_standard_error(error):
    outcome = within_uncertainty(1.0, error, 1.0)
    assert not outcome.passed and "refused" in outcome.compared


def test_within_uncertainty_refuses_an_inflated_standard_error():
    assert within_uncertainty(0.30, 0.01, 0.29).passed
    inflated = within_uncertainty(0.30, 0.03, 0.29)  # a standard error above a tenth of the quantity
    assert not inflated.passed and "too large to confirm it" in inflated.compared
    assert within_uncertainty(0.30, 0.028, 0.29).passed  # just under a tenth: accepted
    assert within_uncertainty(0.001, 0.01, 0.0, scale=1.0).passed  # a zero reference needs a scale
    assert not within_uncertainty(0.001, 0.01, 0.0).passed


def test_within_uncertainty_refuses_a_band_wider_than_five_standard_errors():
    assert not within_uncertainty(1.0, 0.01, 1.0, k=6).passed
    assert not within_uncertainty(1.0, 0.01, 1.0, k=0).passed


def test_sample_mean_and_frequency_compute_their_own_standard_error():
    rng = np.random.default_rng(0)
    draws = rng.normal(0.5, 1.0, 10_000)
    assert sample_mean(draws, 0.5).passed
    assert not sample_mean(draws, 0.6).passed  # 10 s.e. away
    assert sample_mean(draws, 0.5).scope.text() == "10,000 samples"
    assert frequency(2_930, 10_000, 0.2929).passed
    assert not frequency(3_200, 10_000, 0.2929).passed


def test_variance_standard_error_on_a_sample_worked_out_by_hand():
    # [0, 0, 0, 4]: mean 1, m₂ = (1 + 1 + 1 + 9)/4 = 3, m₄ = (1 + 1 + 1 + 81)/4 = 21, se = √((21 − 9)/4) = √3;
    # the unbiased variance is 12/3 = 4.
    for sample in ([0.0, 0.0, 0.0, 4.0], [7.0, 7.0, 7.0, 11.0]):  # shifted: the moments are central
        variance, error = checks._variance_and_error(np.array(sample))
        assert variance == pytest.approx(4.0, rel=1e-12) and error == pytest.approx(np.sqrt(3), rel=1e-12)


def test_variances_and_differences_compute_their_own_standard_errors():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.0, 2.0, 20_000), rng.normal(0.0, 2.0, 20_000)
    assert sample_variance(a, 4.0).passed
    assert not sample_variance(a, 4.4).passed  # 0.4 is about 10 s.e. of the variance (√(2·16/N) = 0.04)
    assert "± 0.04" in sample_variance(a, 4.0).compared  # the s.e. √((m₄ − m₂²)/N), from the samples
    assert mean_difference(a, b, scale=1.0).passed
    assert not mean_difference(a + 0.2, b, scale=1.0).passed  # 0.2 is 10 s.e. of the difference (0.02)
    assert variance_difference(a, b, scale=4.0).passed
    assert not variance_difference(1.2 * a, b, scale=4.0).passed  # 1.76 vs s.e. 0.057
    assert not sample_variance([1.0, 2.0], 1.0).passed  # too few samples for a standard error


def test_apart_computes_the_distance_it_shows():
    rng = np.random.default_rng(2)
    draws = rng.normal(1.0, 1.0, 10_000)  # s.e. 0.01
    far = apart(draws, 1.5, what="x")
    assert far.passed and "s.e. apart (more than 4 required)" in far.compared
    assert far.deviation == pytest.approx(abs(draws.mean() - 1.5) / (draws.std(ddof=1) / 100), rel=1e-12)
    assert f"{far.deviation:.1f} s.e. apart" in far.compared
    assert not apart(draws, 1.02).passed  # 2 s.e.: not shown to differ
    other = rng.normal(1.1, 1.0, 10_000)  # 0.1 apart, s.e. of the difference 0.014: 7 s.e.
    assert apart(draws, other).passed and not apart(draws, draws[::-1]).passed


def test_at_every_counts_the_steps_and_compares_the_stated_count():
    falls = np.diff([5.0, 4.0, 3.5, 3.0]) < 0
    assert at_every(falls, "loss falls").compared == "loss falls at every one of the 3 steps"
    assert at_every(falls, "loss falls", count=3).passed
    assert not at_every(falls, "loss falls", count=60).passed  # the text says another number
    broken = at_every([True, False, True], "loss falls")
    assert not broken.passed and "fails at 1 of the 3 steps (first: number 2)" in broken.compared
    assert not at_every([], "loss falls").passed


def test_refuted_shows_the_order_of_magnitude_and_can_fail():
    reference = np.array([1.0, -2.0, 4.0])
    wrong = refuted(reference * 2.7, reference, rtol=1e-4, what="doubled")  # relative error 1.7
    assert wrong.passed and wrong.compared == "doubled: relative error ≥ 1, above 0.0001"
    assert refuted(reference * 2.3, reference, rtol=1e-4).compared == wrong.compared.replace("doubled",
                                                                                              "candidate")
    assert not refuted(reference * (1 + 1e-6), reference, rtol=1e-4).passed


def test_close_prints_round_off_as_round_off_and_larger_errors_to_one_digit():
    assert "within round-off (each ≤ 64 ε · |value|)" in close(0.146447 + 2.8e-17, 0.146447,
                                                              rtol=1e-8).compared
    tiny = close([0.5, 2e-14 + 1e-24], [0.5, 2e-14], rtol=1e-9)  # round-off is judged value by value
    assert tiny.passed and "round-off" not in tiny.compared and "error 1e-24" in tiny.compared
    assert "error 0, " not in close(0.146447, 0.146447, rtol=1e-8).compared
    assert "error 3e-10 (allowed" in close(1.0 + 3.14e-10, 1.0, rtol=1e-8).compared
    assert not close(1.0 + 3e-8, 1.0, rtol=1e-8).passed


def test_a_printed_error_bound_is_the_power_of_ten_above_it():
    assert values.power_of_ten_above(2.4e-10) == "10⁻⁹"
    assert values.power_of_ten_above(1e-9) == "10⁻⁹" and values.power_of_ten_above(1.0001e-9) == "10⁻⁸"
    assert values.power_of_ten_above(3.0) == "10¹"
    with pytest.raises(ValueError):
        values.power_of_ten_above(0.0)


def test_no_question_module_passes_its_own_standard_error():
    """Standard errors are computed by the plumbing from raw samples (sample_mean, sample_variance,
    frequency, mean_difference, variance_difference, ratio_of_sums, ratio_difference, apart): a page's
    code that called within_uncertainty could pass an arbitrary one, and the box would show it."""
    import ast

    calls = []
    for path in sorted((checks.PROJECT_ROOT / "snippets").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == \
                    "within_uncertainty":
                calls.append(f"{path.name}:{node.lineno}")
    assert not calls, "within_uncertainty called by question modules (use a comparison that computes " \
                      f"the standard error from the samples): {', '.join(calls)}"


def test_family_wise_false_alarm_rate_is_the_bonferroni_sum(monkeypatch):
    def proof():
        return [within_uncertainty(1.0, 0.01, 1.0, k=4) for _ in range(5)]

    result = _registered(monkeypatch, proof)
    assert result.false_alarm == pytest.approx(5 * normal_two_sided(4))
    assert normal_two_sided(4) == pytest.approx(6.334e-5, rel=1e-3)
    assert "Bonferroni bound over 5 comparisons" in result.false_alarm_text
    assert "3.2 × 10⁻⁴" in result.false_alarm_text
    assert _registered(monkeypatch, lambda: equal(1, 1), "test.none").false_alarm_text == ""


# Comparisons are written in words and numbers, never a repr, a shape or a character count.


def test_comparison_texts_are_for_readers():
    assert equal(880, 880, what="count").compared == "count: 880, as expected"
    long = "x" * 400
    assert "characters" not in equal(long, long).compared
    texts = [
        close(np.arange(40.0), np.arange(40.0) + 1e-12, atol=1e-9, what="values").compared,
        equal(list(range(40)), list(range(40))).compared,
        equal(np.arange(3), np.arange(3)).compared,
    ]
    for text in texts:
        assert "shape" not in text and "array(" not in text and "np." not in text, text
    assert "40 values, largest error" in texts[0]
    assert "first difference at item 3: 2 vs 5" in equal([0, 1, 2], [0, 1, 5]).compared


# Display and assertion come from one object.


def test_a_table_prints_its_raw_cells():
    table = Table(("array", "entries"), [("weight", 800), ("bias", 40)], formats={"entries": ",d"},
                  align="lr")
    assert table.column("entries") == [800, 40] and table.cell(1, "array") == "bias"
    assert table.markdown().splitlines() == ["| array | entries |", "|:---|---:|", "| weight | 800 |",
                                             "| bias | 40 |"]
    with pytest.raises(ValueError):
        Table(("a", "b"), [(1,)])


def test_a_shown_value_no_check_compares_is_reported(monkeypatch):
    from snippets.plumbing import page_context

    monkeypatch.setattr(values, "VALUES", dict(values.VALUES))
    monkeypatch.setattr(values, "SHOWN", {})
    monkeypatch.setattr(values, "COMPARED", {})
    monkeypatch.setattr(page_context, "current", page_context.PageContext(src_uri="question-5/5b.md"))
    values.value("test.figure", statement="a figure's data")(lambda: FigureData(k=[0, 1], y=[2, 3]))
    data = values.shown("test.figure")
    assert values.uncompared("question-5/5b.md") == ["test.figure"]

    def proof():
        return equal(values.computed("test.figure")["y"], [2, 3], what="drawn y")

    result = _registered(monkeypatch, proof, "test.compares-figure")
    assert result.passed and values.computed("test.figure") is data  # the very object drawn
    assert values.uncompared("question-5/5b.md") == []


def test_a_table_column_no_check_read_is_reported(monkeypatch):
    from snippets.plumbing import page_context

    monkeypatch.setattr(values, "VALUES", dict(values.VALUES))
    monkeypatch.setattr(values, "SHOWN", {})
    monkeypatch.setattr(values, "COMPARED", {})
    monkeypatch.setattr(values, "COLUMNS_READ", {})
    monkeypatch.setattr(page_context, "current", page_context.PageContext(src_uri="question-5/5b.md"))
    values.value("test.table", statement="a table")(
        lambda: Table(("m", "mean", "root"), [(2, 0.5, 1.0), (5, 0.7, 2.0)]))
    print(values.shown("test.table").markdown())  # displaying reads no column

    def proof():
        table = values.computed("test.table")
        return equal(table.column("mean"), [0.5, 0.7], what="means")

    assert _registered(monkeypatch, proof, "test.compares-table").passed
    assert values.uncompared("question-5/5b.md") == ["test.table (columns m, root)"]

    def second():
        table = values.computed("test.table")
        return [close(table.column("root"), [1.0, 2.0], rtol=1e-12, what="roots"),
                equal(table.cell(0, "m"), 2, what="first m"), equal(table.cell(1, "m"), 5, what="second m")]

    assert _registered(monkeypatch, second, "test.compares-the-rest").passed
    assert values.uncompared("question-5/5b.md") == []


# Every proof is one click away: each module with checks has its source page.

PROOF_PAGE = (DOCS / "proofs" / "batchnorm.md").read_text(encoding="utf-8")


def test_every_module_with_checks_has_a_proof_page():
    from snippets.plumbing.check_report import proof_page

    for file in {c.file for c in ALL_CHECKS}:
        page = DOCS / proof_page(file)
        assert page.is_file(), f"{file} has checks but no proof page docs/{proof_page(file)}"
        expected = PROOF_PAGE.replace("snippets/batchnorm.py", file)  # only its description names it
        assert page.read_text(encoding="utf-8") == expected, f"docs/{proof_page(file)} differs"


def test_every_proof_page_shows_an_existing_module():
    for page in (DOCS / "proofs").glob("*.md"):
        assert (DOCS.parent / "snippets" / f"{page.stem}.py").is_file(), f"docs/proofs/{page.name}"


def test_a_proof_page_is_excluded_from_search_and_prints_the_source_with_line_numbers():
    assert re.match(r"---\n(?:description: .*\n)?search:\n  exclude: true\n---\n", PROOF_PAGE)
    from snippets.plumbing import page_context
    from snippets.plumbing.check_report import proof_source

    page_context.current = page_context.PageContext(src_uri="proofs/q5b_parameter_count.md", docs_dir=DOCS)
    text = proof_source()
    source = (DOCS.parent / "snippets" / "q5b_parameter_count.py").read_text(encoding="utf-8")
    lines = source.count("\n")
    assert f'id="__codelineno-0-{lines}"' in text and f'id="__codelineno-0-{lines + 1}"' not in text
    assert "<h1>snippets/q5b_parameter_count.py</h1>" in text


def test_a_comparison_over_nothing_fails(monkeypatch):
    import sympy

    assert not close([], [], atol=1.0).passed
    assert not identity(sympy.Matrix([]), sympy.Matrix([])).passed

    def proof():
        return [equal(n, n) for n in cases("n", [])] + [equal(1, 1)]

    result = _registered(monkeypatch, proof, "test.empty")
    assert not result.passed and "the proof iterated no n at all" in result.report()


@pytest.mark.parametrize("found", ALL_CHECKS, ids=[f"{c.page}::{c.id}" for c in ALL_CHECKS])
def test_every_check_states_its_scope(found):
    """The box shows what a check covered, derived from its code (cases, symbols, samples, scope=)."""
    result = run(found.id)
    assert result.scope, f"{found.id} ({found.location}) states no scope: iterate with cases()/every(), " \
        "or give its comparisons scope="


# A scope is the comparison's own iteration: none can be recorded beside it.


def test_a_bare_scope_beside_a_vectorized_comparison_fails(monkeypatch):
    """The study's pattern: `list(cases(...))` typed beside a comparison that covers other values."""

    def proof():
        list(cases("n", [2, 3, 4]))
        return close([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], rtol=1e-12)

    result = _registered(monkeypatch, proof, "test.bare")
    assert not result.passed
    failed = [o.compared for o in result.outcomes if not o.passed]
    assert len(failed) == 1 and "test.bare" in failed[0] and "n = 2, 3, 4" in failed[0]
    assert "compared nothing" in failed[0]


def test_a_loop_whose_body_compares_nothing_fails(monkeypatch):
    def proof():
        squares = [n * n for n in cases("n", range(1, 5))]
        return equal(squares, [1, 4, 9, 16])

    assert not _registered(monkeypatch, proof, "test.idle").passed

    def compares_all_but_one():
        return [equal(n, n) for n in cases("n", range(1, 5)) if n != 3]

    result = _registered(monkeypatch, compares_all_but_one, "test.idle-one")
    assert not result.passed and "while at 3" in result.report()


def test_nested_cases_and_every_pass_when_the_inner_loop_compares(monkeypatch):
    def proof():
        return [equal(n + m, m + n) for n in cases("n", (1, 2)) for m in cases("m", (3, 4))]

    assert _registered(monkeypatch, proof, "test.nested").passed

    def over_every():
        return [holds(name > "", name) for name in every("example", ["a", "b"])]

    assert _registered(monkeypatch, over_every, "test.every-loop").passed


def test_a_comparison_takes_its_cases_and_needs_one_entry_per_case(monkeypatch):
    def proof():
        return close([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], rtol=1e-12, over=cases("n", [2, 3, 4]))

    result = _registered(monkeypatch, proof, "test.over")
    assert result.passed and result.scope == "n = 2, 3, 4"

    def one_too_few():
        return close([1.0, 2.0], [1.0, 2.0], rtol=1e-12, over=cases("n", [2, 3, 4]))

    result = _registered(monkeypatch, one_too_few, "test.over-short")
    assert not result.passed and "2 entries" in result.report() and "3 cases" in result.report()

    def expected_too_long():
        return below([1, 2, 3], [4, 5, 6, 7], over=cases("n", [2, 3, 4]))

    assert not _registered(monkeypatch, expected_too_long, "test.over-long").passed
    assert below([1, 2, 3], 4, over=cases("n", [2, 3, 4])).passed  # a single bound applies to every case
    assert not holds([True, False], "each flag", over=cases("n", [1, 2])).passed
    assert not equal(5, 5, over=cases("n", [5])).passed  # a single value is not one entry per case
    with pytest.raises(ValueError):
        equal([1], [1], over=cases("n", [1]), scope="typed beside it")


def test_the_schur_mutant_now_fails_its_check(monkeypatch):
    """tests/mutation-survivors.md: `data["n"][1:]` → `[2:]` made the box say 98 cases, 99 compared."""
    import inspect
    import textwrap

    from snippets import q4b_schur

    source = textwrap.dedent(inspect.getsource(q4b_schur._schur_halving))
    proof = source[source.index("def _schur_halving"):]
    assert proof.count('data["n"][1:]') == 1
    namespace = dict(vars(q4b_schur))
    exec(compile(proof.replace('data["n"][1:]', 'data["n"][2:]'), q4b_schur.__file__, "exec"), namespace)
    assert _registered(monkeypatch, q4b_schur._schur_halving, "test.schur").passed
    result = _registered(monkeypatch, namespace["_schur_halving"], "test.schur-mutant")
    assert not result.passed and "98 cases" in result.report()


def test_the_batch_size_table_is_simulated_again_at_every_row():
    """The survivor `BATCH_SIZES[1:]` → `[2:]` skipped m = 2 silently: the rows simulated are the table's."""
    result = run("q5c.batch-size-table")
    [simulated] = [s for s in result.iterated if getattr(s, "name", "") == "m (independent simulation)"]
    rows = [int(label.split()[0]) for label in values.computed("q5c.batch-sizes").column("batch size $m$")]
    assert simulated.used == rows and len(rows) > 1


def test_a_nested_collection_is_described_by_count_and_range_not_printed_in_full():
    """A folded comparison never prints a long nested list (a Python repr in all but name)."""
    from snippets.plumbing.checks import _describe

    long_pair = [[float(n) for n in range(1, 101)], [float(n) for n in range(1, 101)]]
    assert _describe(long_pair) == "200 values from 1 to 100"
    assert _describe([[0, 0], [0]]) == "[[0, 0], [0]]"


def test_a_tolerance_that_cannot_tell_a_wrong_value_fails():
    """rtol ≥ 1 accepts 0 for any value; an atol above every expected magnitude accepts 0 for all
    (the study's mutants turned rtol=1e-12 and atol=1e-12 into 1.000000000001)."""
    from snippets.plumbing.checks import close

    assert not close([1.0, 2.0], [1.0, 2.0], rtol=1.000000000001).passed
    assert not close([0.5, 0.2], [0.5, 0.2], atol=0.6).passed
    assert "cannot tell a wrong value" in close([0.5], [0.5], atol=0.6).compared
    assert close([2.01], [2.0], atol=0.05).passed  # a slope within its stated allowance
    assert close([1e-13, 0.0], [0.0, 0.0], atol=1e-12).passed  # against zero no magnitude says more
