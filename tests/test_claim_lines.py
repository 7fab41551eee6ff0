"""A prose value's failure names the page line a reader sees in the file, front matter counted."""

import markdown
from mkdocs.utils.meta import get_data

from snippets.plumbing import failures, page_context
from snippets.plumbing.inline_values import InlineValuesExtension


def test_a_failing_claim_is_reported_at_its_line_in_the_file(tmp_path, monkeypatch):
    page = '---\ndescription: "Front matter."\n---\n\n# Title\n\nIt has {{ nowhere.key = 3 }} sides.\n'
    (tmp_path / "probe.md").write_text(page, encoding="utf-8")
    monkeypatch.setattr(page_context, "current", page_context.PageContext("probe.md", tmp_path))
    failures.reset()
    try:
        body, _ = get_data(page)  # what MkDocs hands to Markdown: the page without its front matter
        markdown.Markdown(extensions=[InlineValuesExtension()]).convert(body)
        reported = [f.page for f in failures.FAILURES]
    finally:
        failures.reset()
    assert reported == ["docs/probe.md:7"], reported
