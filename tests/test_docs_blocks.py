"""Every executing block in docs/ runs under pytest, page by page, as the build runs it, and what it
prints there is what the strict build put on the page.

The comparison is between two runs: the blocks executed here, in this process (Sybil), and the
page the build wrote in its own process (markdown-exec, our formatter, KaTeX, the table cards).
The visible text of a block's printed output (rendered as markdown-exec renders it: HTML as is,
anything else as Markdown; math and the phone tables' labels left out, since KaTeX and the table
cards add them) must appear on the built page as one contiguous run, after the output of the
blocks before it. A printed table one of whose numbers changed between the runs, an output the
page lost or mangled, or a block that prints something else in the build fails it; so that this
is seen to hold, each block's output with one digit changed must not be on the page.
"""

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import DOCS, EXEC_INFO, PRINTED, Printed, page_examples

PAGES = sorted(DOCS.rglob("*.md"))
SKIPPED = ".arithmatex, .katex, script, style, .cell-label, a.headerlink"


def test_every_question_page_holds_executing_blocks():
    # Guards against a silently empty collection: each question page must carry runnable proof.
    questions = sorted(DOCS.glob("question-*/*.md"))
    assert [p.stem for p in questions] == ["4a", "4b", "4c", "5a", "5b", "5c"]
    for page in questions:
        blocks = EXEC_INFO.findall(page.read_text(encoding="utf-8"))
        assert len(blocks) >= 3, f"{page.relative_to(DOCS)} has {len(blocks)} executing blocks"


def _normalized(text: str) -> str:
    return " ".join(text.split())


def fragments(printed: Printed) -> list[str]:
    """The visible text pieces of a block's output, as the page would show them, math left out."""
    html = printed.text if printed.html else markdown.markdown(
        printed.text,
        extensions=["tables", "attr_list", "md_in_html", "admonition", "pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    soup = BeautifulSoup(html, "html.parser")
    for skipped in soup.select(SKIPPED):
        skipped.decompose()
    return [piece for piece in (_normalized(s) for s in soup.find_all(string=True)) if piece]


def page_text(site, page) -> str:
    """The built page's article as one string of visible text, math and phone labels left out."""
    html = (site / page.relative_to(DOCS)).with_suffix(".html").read_text(encoding="utf-8")
    article = BeautifulSoup(html, "html.parser").select_one("article")
    for skipped in article.select(SKIPPED):
        skipped.decompose()
    return _normalized(" ".join(article.find_all(string=True)))


@pytest.mark.build
@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_blocks_run_and_print_what_the_build_shows(built_site, page):
    examples = page_examples(page)
    expected = len(EXEC_INFO.findall(page.read_text(encoding="utf-8")))
    assert len(examples) == expected, "Sybil found a different number of blocks than the page holds"
    src_uri = page.relative_to(DOCS).as_posix()
    for key in [k for k in PRINTED if k[0] == src_uri]:
        del PRINTED[key]
    for example in examples:
        example.evaluate()
    blocks = sorted((line, printed) for (uri, line), printed in PRINTED.items() if uri == src_uri)
    assert len(blocks) == expected, "a block's output was not captured"
    shown = page_text(built_site, page)
    position, compared = 0, 0
    for line, printed in blocks:
        output = " ".join(fragments(printed))
        if not output:
            continue
        found = shown.find(output, position)
        assert found >= 0, (
            f"docs/{src_uri}:{line} printed under pytest what the built page does not show (after the "
            f"previous blocks' output): {output[:300]!r}"
        )
        position, compared = found + len(output), compared + 1
        changed = _one_digit_changed(output)
        if changed is not None:  # the comparison tells one changed digit apart
            assert changed not in shown, f"docs/{src_uri}:{line}: a changed digit went unnoticed"
    if page.parent.name.startswith("question-"):
        assert compared >= expected - 1, f"only {compared} of {expected} blocks' output compared on {src_uri}"


def _one_digit_changed(text: str) -> str | None:
    """The text with its last digit replaced by the next one, or None without digits."""
    digits = [i for i, c in enumerate(text) if c in "0123456789"]
    if not digits:
        return None
    i = digits[-1]
    return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
