"""`make mutate`'s own logic: the seeded sample, which pages judge a module, the headings-only stand-ins."""

from pathlib import Path

from mutation_plan import (
    Mutant,
    draw_sample,
    headings_only,
    judged_pages,
    module_tests,
)

from snippets.plumbing.module_users import registered_checks, snippet_imports


def pool(size: int) -> list[Mutant]:
    return [Mutant(f"snippets/m{i % 7}.py", f"core/Op{i % 3}", i) for i in range(size)]


def test_sample_depends_on_seed_only_not_on_enumeration_order():
    mutants = pool(500)
    first = draw_sample(mutants, 200, seed=1)
    assert first == draw_sample(list(reversed(mutants)), 200, seed=1)
    assert len(set(first)) == 200 and set(first) <= set(mutants)
    assert first != sorted(first), "kept in the order drawn, so a partial run is a uniform sample too"
    assert first != draw_sample(mutants, 200, seed=2)
    assert len(draw_sample(mutants[:50], 200, seed=1)) == 50


def test_snippet_imports_absolute_relative_and_package_forms():
    source = (
        "import numpy\nfrom snippets.q5a_symbolic import f\nimport snippets.batchnorm as bn\n"
        "from snippets import q4b_goe\nfrom .q4c_model import g\nfrom . import q5c_fold\n"
        "from snippets.plumbing.checks import check\n"
    )
    assert snippet_imports(source) == {
        "q5a_symbolic",
        "batchnorm",
        "q4b_goe",
        "q4c_model",
        "q5c_fold",
        "plumbing",
    }


def test_registered_checks_reads_check_decorators_only():
    source = '@check("q9.a", page=P, statement="s")\ndef a(): ...\n@other("q9.b")\ndef b(): ...\n'
    assert registered_checks(source) == {"q9.a"}


def write(root: Path, relative: str, text: str) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text, encoding="utf-8")


def test_judged_pages_follow_imports_through_snippets_and_shown_checks(tmp_path):
    write(tmp_path, "snippets/q9_core.py", '@check("q9.core", page="q.md", statement="s")\ndef c(): ...\n')
    write(tmp_path, "snippets/q9_page.py", "from snippets.q9_core import c\n")
    write(tmp_path, "snippets/q9_alone.py", "x = 1\n")
    write(tmp_path, "docs/a.md", '```python exec="on"\nfrom snippets.q9_page import c\n```\n')
    write(tmp_path, "docs/b.md", 'print(show("q9.core"))\n')
    write(tmp_path, "docs/proofs/q9_core.md", "from snippets.q9_core import c\n")
    write(tmp_path, "docs/checks.md", "from snippets.q9_core import c\n")
    write(tmp_path, "docs/c.md", "nothing here\n")
    assert judged_pages(tmp_path, "snippets/q9_core.py") == ["a.md", "b.md"]
    assert judged_pages(tmp_path, "snippets/q9_alone.py") == []


def test_module_tests_use_the_prefix_before_the_first_underscore(tmp_path):
    for name in ("test_q9a_x.py", "test_q9a.py", "test_q9b_y.py"):
        write(tmp_path, f"tests/{name}", "")
    assert module_tests(tmp_path, "snippets/q9a_symbolic.py") == ["tests/test_q9a.py", "tests/test_q9a_x.py"]


def test_stand_in_keeps_headings_and_labelled_equations_outside_code_fences():
    page = (
        "# Title\ntext\n```python\n# a comment\n```\n## Part {#sec-part}\n"
        "    $$\n    x = 1\n    $$ {#eq-x}\nmore text $y$\n"
    )
    assert headings_only(page) == "# Title\n\n## Part {#sec-part}\n\n$$\nx = 1\n$$ {#eq-x}\n\n"
