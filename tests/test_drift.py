"""Drift is caught: change one claim or one computation and both the build and the tests fail."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DOCS
from sitebuild import copy_project, keep_only_page

from snippets.plumbing.values import find_claims

QUESTION_PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.glob("question-*/*.md"))


@dataclass(frozen=True)
class Mutation:
    """One edit to a copy of the project, and the page whose build and tests must then fail."""

    page: str
    file: str  # relative to the project root
    old: str
    new: str
    names: str  # what the failure message must mention besides the page (a check id or value key)
    tests: str = "tests/test_checks.py"  # the test file that must fail too
    select: str = ""  # its -k expression besides the page's stem (default: `names`)

    def apply(self, project: Path) -> None:
        path = project / self.file
        text = path.read_text(encoding="utf-8")
        assert text.count(self.old) == 1, f"{self.old!r} must occur exactly once in {self.file}"
        path.write_text(text.replace(self.old, self.new), encoding="utf-8")


def _changed_literal(literal: str) -> str:
    """A different number of the same shape: bump the last digit."""
    for i in range(len(literal) - 1, -1, -1):
        if literal[i].isdecimal() and literal[i].isascii():
            return literal[:i] + str((int(literal[i]) + 1) % 10) + literal[i + 1 :]
    return literal + "0"


def prose_mutation(page: str) -> Mutation:
    """Change the first number the page's prose claims."""
    text = (DOCS / page).read_text(encoding="utf-8")
    claims = find_claims(text, page)
    assert claims, f"docs/{page} states no computed value in its prose"
    first = claims[0]
    old = next(line for number, line in enumerate(text.splitlines(), 1) if number == first.line)
    start = old.index("{{")
    new = old[:start] + old[start:].replace(first.literal, _changed_literal(first.literal), 1)
    return Mutation(page, f"docs/{page}", old, new, first.key)


# Per page: one computed value, one tolerance made impossible, one symbolic identity made false.
# Columns: page, file, text to replace, replacement, what the failure must name.
# fmt: off
SNIPPET_MUTATIONS = [Mutation(*row) for row in [
    ("question-5/5b.md", "snippets/q5b_parameter_count.py",
     '"linear.bias"] = np.zeros(n_out)', '"linear.bias"] = np.zeros(n_out + 1)', "q5b."),
    ("question-5/5b.md", "snippets/q5b_parameter_count.py",
     "atol=1e-9", "atol=1e-300", "q5b.bias-redundant"),
    ("question-5/5b.md", "snippets/q5b_parameter_count.py",
     "identity(FORMULA_WITH_BIAS - FORMULA_WITHOUT_BIAS, n_out,",
     "identity(FORMULA_WITH_BIAS - FORMULA_WITHOUT_BIAS, 2 * n_out,", "q5b.formula"),
    ("question-4/4c.md", "snippets/q4c_escape.py",
     "def steps_slow() -> int:\n    return escape_steps_simulated(Fraction(1), -Fraction(1, 100),",
     "def steps_slow() -> int:\n    return escape_steps_simulated(Fraction(1), -Fraction(1, 99),",
     "q4c.steps-slow"),
    ("question-4/4c.md", "snippets/q4c_random_quadratic.py",
     'np.diag(1 - RANDOM_ETA * run["lam"]), atol=1e-12',
     'np.diag(1 - RANDOM_ETA * run["lam"]), atol=1e-300', "q4c.random-quadratic"),
    ("question-4/4c.md", "snippets/q4c_regimes.py",
     "eta * lam**2 * (eta * lam - 2) * y**2", "eta * lam**2 * (eta * lam - 3) * y**2",
     "q4c.escape-is-descent"),
    ("question-4/4b.md", "snippets/q4b_goe.py",
     "P2 = (2 - sp.sqrt(2)) / 4", "P2 = (2 - sp.sqrt(3)) / 4", "q4b.p2"),
    ("question-4/4b.md", "snippets/q4b_rate.py",
     "RATE_RTOL = 1e-5", "RATE_RTOL = 1e-300", "q4b.rate-theta"),
    ("question-4/4b.md", "snippets/q4b_schur.py",
     "[b.T * A.I, sp.Identity(1)]", "[b.T * A, sp.Identity(1)]", "q4b.schur-halving"),
    ("question-4/4a.md", "snippets/q4a_examples.py",
     'return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[0])',
     'return float(eigenvalues(hessian_at(EXAMPLES["rosenbrock"]))[0]) + 1e-3', "q4a.rosen-lmin"),
    ("question-5/5a.md", "snippets/batchnorm.py",
     "dgamma = (dy * cache.x_hat).sum(axis=0)", "dgamma = (dy * cache.x_hat).mean(axis=0)", "q5a."),
    ("question-5/5c.md", "snippets/batchnorm.py",
     "unbiased_var = cache.var * m / (m - 1)", "unbiased_var = cache.var", "q5c.running-averages"),
    # What a box compares, a figure draws and a table prints is checked against an independent
    # computation: an inflated standard error, a figure drawing ⌊·⌋ for ⌈·⌉, a wrong table cell
    # (a standard deviation with ddof=2, which the mutation study once found unchecked).
    ("question-4/4b.md", "snippets/q4b_tables.py",
     'Estimate(r["fraction"], r["fraction_error"], 100,',
     'Estimate(r["fraction"], 2 * r["fraction_error"], 100,',
     "q4b.minima-table"),
    ("question-5/5c.md", "snippets/q5c_small_batches.py",
     "float(y.std(ddof=1)), float(y.min()),", "float(y.std(ddof=2)), float(y.min()),",
     "q5c.batch-size-table"),
    ("question-4/4c.md", "snippets/q4c_escape.py",
     'data[f"formula {q:g}"] = np.ceil(', 'data[f"formula {q:g}"] = np.floor(', "q4c.escape-figure"),
    ("question-5/5b.md", "snippets/q5b_parameter_count.py",
     'rows += [("**trainable, with bias**", "", count(trainable), "gradient"),',
     'rows += [("**trainable, with bias**", "", count(trainable) + 1, "gradient"),',
     "q5b.breakdown-cells"),
]] + [Mutation(*row, tests="tests/test_xref.py", select="resolves") for row in [
    # A renamed label leaves its references broken; a mistyped key names no entry of references.bib.
    ("question-4/4a.md", "docs/question-4/4a.md", "$$ {#eq-4a-taylor}", "$$ {#eq-4a-renamed}",
     "broken reference @eq-4a-taylor"),
    ("question-4/4a.md", "docs/question-4/4a.md", "[@rudin1976, Exercise", "[@rudin1977, Exercise",
     "unknown citation key @rudin1977"),
]]
# fmt: on

MUTATIONS = [
    prose_mutation(page)
    for page in QUESTION_PAGES
    if find_claims((DOCS / page).read_text(encoding="utf-8"), page)
] + SNIPPET_MUTATIONS


def test_every_question_page_has_a_prose_claim_to_mutate():
    for page in QUESTION_PAGES:
        assert find_claims((DOCS / page).read_text(encoding="utf-8"), page), f"docs/{page}"


@pytest.mark.build
@pytest.mark.parametrize("mutation", MUTATIONS, ids=[f"{m.page}:{m.file}:{m.names}" for m in MUTATIONS])
def test_mutation_fails_build_and_tests_naming_the_page(fork_builder, tmp_path, mutation):
    project = copy_project(tmp_path / "project")
    mutation.apply(project)

    stem = Path(mutation.page).stem
    selected = f"{stem} and {mutation.select or mutation.names}"
    tests = fork_builder.run_tests(project, mutation.tests, "-k", selected)
    test_log = tests.stdout + tests.stderr
    assert tests.returncode == 1, f"the tests did not fail:\n{test_log[-3000:]}"
    assert "FAILED tests/" in test_log and mutation.page in test_log, test_log[-3000:]

    keep_only_page(project, mutation.page)
    result = fork_builder.build(project, tmp_path / "site")
    build_log = result.stdout + result.stderr
    assert result.returncode != 0, "the strict build did not fail"
    assert f"docs/{mutation.page}" in build_log and mutation.names in build_log, build_log[-3000:]


def test_a_literal_numeral_in_the_prose_fails_the_numerals_test(fork_builder, tmp_path):
    """A number typed into a page's prose, not a {{ }} value, fails tests/test_numerals.py by line."""
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "question-5" / "5b.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line and line[0].isalpha() and "{{" not in line)
    lines[at] += " It converges after 37 steps."
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tests = fork_builder.run_tests(project, "tests/test_numerals.py", "-k", "5b")
    log = tests.stdout + tests.stderr
    assert tests.returncode == 1, log[-3000:]
    assert f"docs/question-5/5b.md:{at + 1}: '37'" in log, log[-3000:]
