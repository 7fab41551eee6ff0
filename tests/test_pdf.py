"""The book of all solutions (`make pdf`): one PDF with every question and answer, in order.

The PDF is printed from the freshly built site by tests/print_pdf.py and kept, for a human to look
at, as build/test-artifacts/solutions.pdf. Its text is read back with pypdf.
"""

from __future__ import annotations

import re

import pytest
from browser import ARTIFACTS, nav_pages, require_chromium, shared_browser
from bs4 import BeautifulSoup


def _squash(text: str) -> str:
    """Text with no whitespace at all: PDF extraction breaks lines and spaces words its own way."""
    return re.sub(r"\s+", "", text)


def _answers(site) -> list[dict]:
    """What each question page of the built site must bring into the book."""
    answers = []
    for page in nav_pages(site):
        if not page.startswith("question-"):
            continue
        article = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").article
        for link in article.select("a.headerlink"):
            link.decompose()
        summary = article.select_one("details#checks-on-this-page")
        answers.append(
            {
                "page": page,
                "title": article.h1.get_text(" ", strip=True),
                "question": article.select_one(".admonition.question .admonition-title").get_text(strip=True),
                "captions": [c.get_text(" ", strip=True) for c in article.select("figure figcaption")],
                "summary": summary.summary.get_text(" ", strip=True),
                "checks": [li.get_text(" ", strip=True) for li in summary.select("li")],
            }
        )
    return answers


@pytest.fixture(scope="module")
def book(request, built_site):
    """The PDF printed from the built site: its pages' text, and the answers it must hold."""
    require_chromium(request)
    from print_pdf import print_pdf
    from pypdf import PdfReader

    pdf = print_pdf(built_site, ARTIFACTS / "solutions.pdf", browser=shared_browser(request))
    reader = PdfReader(pdf)
    return {
        "pdf": pdf,
        "reader": reader,
        "pages": [_squash(page.extract_text()) for page in reader.pages],
        "answers": _answers(built_site),
    }


def test_all_six_answers_are_in_the_book_in_order(book):
    parts = [a["page"].removeprefix("question-").removesuffix(".html") for a in book["answers"]]
    assert parts == ["4/4a", "4/4b", "4/4c", "5/5a", "5/5b", "5/5c"]
    text = "".join(book["pages"])
    where = 0
    for answer in book["answers"]:
        for part in ("title", "question"):
            found = text.find(_squash(answer[part]), where)
            assert found >= 0, f"{answer['page']}: {part} {answer[part]!r} missing (or out of order)"
            where = found


def _sections(book) -> list[str]:
    """Each answer's text, from its title to the next answer's; the contents page comes first."""
    text = "".join(book["pages"])
    titles = [_squash(a["title"]) for a in book["answers"]]
    where = text.find(titles[-1]) + 1  # past the contents page, which lists every title
    starts = []
    for title in titles:
        where = text.find(title, where)
        assert where >= 0, f"no chapter titled {title!r}"
        starts.append(where)
    return [text[start:end] for start, end in zip(starts, starts[1:] + [len(text)], strict=True)]


def test_each_answer_carries_its_figures_and_check_summary(book):
    for answer, section in zip(book["answers"], _sections(book), strict=True):
        for caption in answer["captions"]:
            assert _squash(caption)[:80] in section, f"{answer['page']}: figure missing: {caption[:60]!r}"
        assert _squash(answer["summary"]) in section, f"{answer['page']}: no {answer['summary']!r}"
        # The summary's list is printed opened, not collapsed.
        for statement in answer["checks"]:
            shown = _squash(statement)[:60] in section
            assert shown, f"{answer['page']}: check not shown: {statement[:60]!r}"


def test_figures_are_drawn_on_the_page_of_their_caption(book):
    """Each caption's PDF page carries a vector drawing (thousands of path segments), not a gap."""
    for answer in book["answers"]:
        for caption in answer["captions"]:
            start = _squash(caption)[:80]
            numbers = [n for n, text in enumerate(book["pages"]) if start in text]
            assert numbers, f"{answer['page']}: caption not found: {caption[:60]!r}"
            content = book["reader"].pages[numbers[0]].get_contents().get_data()
            segments = len(re.findall(rb"(?m) [lc]\s*$", content))
            assert segments > 1000, f"{answer['page']}: {caption[:40]!r} has no drawing on its page"


def test_no_raw_tex_or_errors_on_paper(book):
    text = "".join(book["pages"])
    for raw in ("$$", "\\(", "\\[", "\\frac", "\\begin", "Traceback"):
        assert raw not in text, f"{raw!r} printed in the PDF"


def test_the_pdf_carries_no_date(book):
    info = book["reader"].metadata
    for key in ("/CreationDate", "/ModDate"):
        assert info.get(key, "D:1970").startswith("D:1970"), f"{key} is {info.get(key)}"
