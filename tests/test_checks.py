"""Every registered check and every prose claim holds; and the machinery reports failures fully."""

import pytest
from conftest import DOCS

from snippets.plumbing import checks
from snippets.plumbing.checks import (
    CheckFailed,
    Outcome,
    check,
    close,
    equal,
    holds,
    identity,
    load_all,
    run,
    within_uncertainty,
)
from snippets.plumbing.values import Claim, all_claims, find_claims, scientific

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
