"""Which pages use a snippets module: an import failure is reported on the page a reader would fix."""

from pathlib import Path

from snippets.plumbing.module_users import pages_using

ROOT = Path(__file__).resolve().parents[1]


def _line_of(place: str) -> str:
    page, line = place.rsplit(":", 1)
    return (ROOT / page).read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_a_module_imported_only_through_another_is_used_where_that_one_is_imported():
    users = pages_using(ROOT, "q5c_drift")
    assert users and all(u.startswith("docs/question-5/") for u in users), users
    assert all("snippets." in _line_of(u) or '"q5c.' in _line_of(u) for u in users)


def test_proof_pages_the_ledger_and_the_home_page_are_not_users():
    users = pages_using(ROOT, "batchnorm")
    assert users, "batchnorm.py is used by the question 5 pages"
    assert not [u for u in users if u.startswith(("docs/proofs/", "docs/index.md", "docs/checks.md"))]


def test_a_module_that_does_not_parse_still_gets_its_users(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets" / "broken.py").write_text("def f(:\n", encoding="utf-8")
    (tmp_path / "docs" / "page.md").write_text("# P\n\n```python\nfrom snippets.broken import f\n```\n")
    assert pages_using(tmp_path, "broken") == ["docs/page.md:4"]
