"""The book of all solutions (`make pdf`): cover, numbered contents, every answer in order, appendix.

The PDF is printed from the freshly built site by tests/print_pdf.py and kept, for a human to look
at, as build/test-artifacts/solutions.pdf. Its text is read back with pypdf, page by page.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from browser import ARTIFACTS, nav_pages, require_chromium, shared_browser
from bs4 import BeautifulSoup

# pypdf cannot read the text of the figures' drawings (they hold none) and says so for each one.
logging.getLogger("pypdf").setLevel(logging.ERROR)
ENTRY = re.compile(r"^(?P<title>.*\S)\s+(?P<page>\d+)$")


def _squash(text: str) -> str:
    """Text with no whitespace at all: PDF extraction breaks lines and spaces words its own way."""
    return re.sub(r"\s+", "", text)


def _article(site, page):
    article = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser").article
    for link in article.select("a.headerlink"):
        link.decompose()
    return article


def _plain_runs(item) -> list[str]:
    """The runs of plain text of a summary line, between its formulas (whose glyphs PDF text
    extraction orders its own way): each of at least a few characters, squashed."""
    for formula in item.select(".katex"):
        formula.replace_with("\0")
    return [run for run in _squash(item.get_text()).split("\0") if len(run) >= 6]


def _answers(site) -> list[dict]:
    """What each question page of the built site must bring into the book."""
    answers = []
    for page in nav_pages(site):
        if not page.startswith("question-"):
            continue
        article = _article(site, page)
        summary = article.select_one("details#checks-on-this-page")
        # As printed: KaTeX's glyphs, not its MathML for screen readers (nor its zero-width spaces).
        for mathml in summary.select(".katex-mathml"):
            mathml.decompose()
        answers.append(
            {
                "page": page,
                "title": article.h1.get_text(" ", strip=True),
                "question": article.select_one(".admonition.question .admonition-title").get_text(strip=True),
                "captions": [c.get_text(" ", strip=True) for c in article.select("figure figcaption")],
                "summary": summary.summary.get_text(" ", strip=True),
                "checks": [_plain_runs(li) for li in summary.select("li")],
            }
        )
    return answers


def _expected_contents(site) -> list[str]:
    """The headings the contents must list, from the built pages: each chapter's title and its
    sections (all but References), then the appendix."""
    from print_pdf import APPENDIX_TITLE, CONTENTS_LEVELS, NOT_IN_CONTENTS, book_pages

    titles = []
    for page in book_pages(site):
        article = _article(site, page)
        titles.append(article.h1.get_text(" ", strip=True))
        for heading in article.find_all(CONTENTS_LEVELS):
            text = heading.get_text(" ", strip=True)
            if heading.get("id") and text not in NOT_IN_CONTENTS:
                titles.append(text)
    return titles + [APPENDIX_TITLE]


def copied_text(page, extracted: str) -> str:
    """What a reader copying a page gets: its extracted text plus every /ActualText replacement,
    which viewers copy instead of the glyphs it covers (Chromium writes one for a character no
    font draws, such as a zero-width space)."""
    streams = [page.get_contents().get_data()]
    for xobject in (page["/Resources"].get("/XObject") or {}).values():
        streams.append(xobject.get_object().get_data())
    replacements = []
    for data in streams:
        for hexa in re.findall(rb"/ActualText\s*<([0-9A-Fa-f]*)>", data):
            replacements.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
    return extracted + "".join(replacements)


def heading_marks(reader) -> list[set[int]]:
    """Per page, the marked-content ids (MCIDs) of its headings, from the PDF's structure tree
    (the tags Chromium writes for screen readers: H1, H2, H3 from the HTML's h1–h3)."""
    number_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    marks: list[set[int]] = [set() for _ in reader.pages]

    def walk(element, page, heading: bool) -> None:
        if isinstance(element, int):
            if heading and page is not None:
                marks[page].add(element)
            return
        element = element.get_object()
        if not isinstance(element, dict):
            for kid in element:
                walk(kid, page, heading)
            return
        if "/Pg" in element:
            page = number_of[element.raw_get("/Pg").idnum]
        if "/MCID" in element:  # a marked-content reference on a page
            walk(int(element["/MCID"]), page, heading)
        heading = heading or element.get("/S") in ("/H1", "/H2", "/H3")
        if "/K" in element:
            walk(element["/K"], page, heading)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None, False)
    return marks


def read_page(page) -> tuple[str, list[tuple[str, int | None, tuple, float]]]:
    """A page's text, and each piece of it as (text, marked-content id, fill colour, opacity)."""
    states = page["/Resources"].get("/ExtGState") or {}
    now = {"colour": (0.0,), "opacity": 1.0}
    marked: list[int | None] = []
    pieces = []

    def operator(op, args, cm, tm):
        if op in (b"rg", b"g", b"k", b"sc", b"scn"):
            # `scn` may name a pattern (/P75: a gradient fill) instead of giving components.
            now["colour"] = tuple(str(a) if isinstance(a, str) else float(a) for a in args)
        elif op == b"gs":
            now["opacity"] = float(states[args[0]].get_object().get("/ca", 1.0))
        elif op == b"BDC":
            properties = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            marked.append(properties.get("/MCID"))
        elif op == b"BMC":
            marked.append(None)
        elif op == b"EMC" and marked:
            marked.pop()

    def text(piece, cm, tm, font, size):
        if piece.strip():
            mark = next((m for m in reversed(marked) if m is not None), None)
            pieces.append((piece, mark, now["colour"], now["opacity"]))

    return page.extract_text(visitor_operand_before=operator, visitor_text=text), pieces


@pytest.fixture(scope="module")
def book(request, built_site):
    """The PDF printed from the built site: its pages' text, and what it must hold."""
    require_chromium(request)
    from print_pdf import print_pdf
    from pypdf import PdfReader

    pdf = print_pdf(built_site, ARTIFACTS / "solutions.pdf", browser=shared_browser(request))
    reader = PdfReader(pdf)
    home = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    raw, pieces = zip(*(read_page(page) for page in reader.pages), strict=True)
    marks = heading_marks(reader)
    # Each page's headings: its pieces of text tagged as part of an H1, H2 or H3.
    headings = [[p for p in page if p[1] in mine] for page, mine in zip(pieces, marks, strict=True)]
    return {
        "pdf": pdf,
        "reader": reader,
        "raw": raw,
        "headings": headings,
        "pages": [_squash(text) for text in raw],
        "answers": _answers(built_site),
        "contents": _expected_contents(built_site),
        "site_name": home.select_one('meta[property="og:title"], title').get_text(strip=True),
        "description": home.select_one('meta[name="description"]')["content"],
    }


def _contents_entries(book) -> list[tuple[str, int]]:
    """(title, page) for each line of the printed contents, which starts on page 2; a title that
    wraps is joined with the line that carries its number."""
    entries, pending = [], ""
    first_chapter = None
    for number, raw in enumerate(book["raw"][1:], start=2):
        if first_chapter is not None and number >= first_chapter:
            break
        lines = raw.splitlines()
        if number == 2:
            assert "Contents" in lines, "page 2 is not the contents"
            lines = lines[lines.index("Contents") + 1 :]
        for line in lines:
            found = ENTRY.match(f"{pending} {line}".strip())
            if found:
                entries.append((found["title"], int(found["page"])))
                pending = ""
                first_chapter = first_chapter or int(found["page"])
            elif not re.fullmatch(r"\d+ / \d+.*", line):  # the footer
                pending = f"{pending} {line}".strip()
    return entries


def test_the_cover_holds_the_title_description_and_parts_alone(book):
    cover = book["pages"][0]
    for part in [book["site_name"], book["description"], "Question 4", "Question 5"]:
        assert _squash(part) in cover, f"{part!r} is not on the cover"
    assert "Contents" not in cover, "the contents share the cover's page"
    assert not re.search(r"\d+/\d+", cover), "the cover carries a page number"


def test_every_page_after_the_cover_shows_its_number(book):
    total = len(book["pages"])
    for number, text in enumerate(book["pages"][1:], start=2):
        assert f"{number}/{total}" in text, f"page {number} does not show '{number} / {total}'"


def test_the_contents_list_every_heading_with_the_page_it_is_on(book):
    entries = _contents_entries(book)
    assert [_squash(title) for title, _ in entries] == [_squash(t) for t in book["contents"]]
    # Each heading's page is the first page, from the previous heading's on, that shows it as a
    # heading (tagged so: a cross-reference in the prose may quote a section's title). A repeated
    # title ("Solution") is sought only after the heading before it.
    shown = [_squash("".join(p[0] for p in page)) for page in book["headings"]]
    since = entries[0][1]
    for title, stated in entries:
        wanted = _squash(title)
        pages = [n for n in range(since, len(shown) + 1) if wanted in shown[n - 1]]
        assert pages, f"{title!r} is a heading on no page from {since} on"
        assert pages[0] == stated, f"{title!r}: the contents say page {stated}, it is on page {pages[0]}"
        since = stated


def test_headings_print_in_full_contrast(book):
    """Every heading of the answers and the appendix is drawn opaque black (Material's print grey
    is 54%): checked on each page the contents name, for all the text tagged as a heading there."""
    pages = sorted({page for _, page in _contents_entries(book)})
    for page in pages:
        pieces = book["headings"][page - 1]
        assert pieces, f"page {page}: no heading found"
        for piece, _, colour, opacity in pieces:
            assert max(colour) == 0 and len(colour) in (1, 3) and opacity == 1, (
                f"page {page}: heading text {piece!r} printed in colour {colour} at opacity {opacity}"
            )


def test_the_zero_width_check_sees_one_chromium_prints(request):
    """The check below can fail: a zero-width space Chromium prints is found in the copied text."""
    require_chromium(request)
    from pypdf import PdfReader

    context = shared_browser(request).new_context()
    try:
        page = context.new_page()
        page.set_content("<p>zero\u200bwidth</p>")
        pdf = page.pdf()
    finally:
        context.close()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "\u200b" in copied_text(page, page.extract_text())


def test_no_zero_width_space_in_copied_text(book):
    for number, (page, extracted) in enumerate(zip(book["reader"].pages, book["raw"], strict=True)):
        text = copied_text(page, extracted)
        assert "\u200b" not in text, f"page {number + 1} copies {text.count(chr(0x200B))} zero-width spaces"


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


def _sections(book) -> tuple[list[str], list[str]]:
    """Each answer's text, from its title to the next answer's (the last up to the appendix), and
    each answer's part of the appendix; the contents page, which lists every title, is skipped."""
    from print_pdf import APPENDIX_TITLE

    text = "".join(book["pages"])
    titles = [_squash(a["title"]) for a in book["answers"]]
    where = text.find(_squash(APPENDIX_TITLE)) + 1  # past the contents' entry for the appendix
    appendix = text.find(_squash(APPENDIX_TITLE), where)
    assert appendix >= 0, "no appendix"

    def split(start: int, end: int) -> list[str]:
        starts, where = [], start
        for title in titles:
            where = text.find(title, where)
            assert 0 <= where < end, f"no part titled {title!r}"
            starts.append(where)
        return [text[a:b] for a, b in zip(starts, starts[1:] + [end], strict=True)]

    return split(text.find(titles[-1]) + 1, appendix), split(appendix, len(text))


def test_each_answer_carries_its_figures(book):
    chapters, _ = _sections(book)
    for answer, section in zip(book["answers"], chapters, strict=True):
        for caption in answer["captions"]:
            assert _squash(caption)[:80] in section, f"{answer['page']}: figure missing: {caption[:60]!r}"


def test_check_summaries_are_printed_in_the_appendix_only(book):
    chapters, appendix = _sections(book)
    for answer, section, part in zip(book["answers"], chapters, appendix, strict=True):
        summary = _squash(answer["summary"])
        assert summary not in section, f"{answer['page']}: its check summary is printed in the answer"
        assert summary in part, f"{answer['page']}: no {answer['summary']!r} in the appendix"
        for runs in answer["checks"]:
            for run in runs:
                assert run[:60] in part, f"{answer['page']}: not in the appendix: {run[:60]!r}"


def _path_segments(page) -> int:
    """Line and curve operators ("… 12.5 l") a page draws, its form XObjects (where Chromium puts
    parts of an SVG) included."""
    def count(data: bytes) -> int:
        return len(re.findall(rb"(?m) [lc]\s*$", data))

    def forms(resources, seen) -> int:
        total = 0
        for ref in ((resources or {}).get("/XObject") or {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form" and id(form) not in seen:
                seen.add(id(form))
                total += count(form.get_data()) + forms(form.get("/Resources"), seen)
        return total

    content = page.get_contents()
    # `is not None`: a content stream is a dictionary, and an empty one is falsy.
    return (count(content.get_data()) if content is not None else 0) + forms(page.get("/Resources"), set())


def test_figures_are_drawn_on_the_page_of_their_caption(book):
    """Each caption's PDF page carries a vector drawing: more path segments than any page of the
    book without a figure caption draws (boxes, rules and math), so a caption beside a gap fails.
    (Figure text is SVG text, not outlines, so a plot's own lines are what is counted.)"""
    pages = book["reader"].pages
    starts = [(answer["page"], caption, _squash(caption)[:80])
              for answer in book["answers"] for caption in answer["captions"]]
    captioned = {n for _, _, start in starts for n, text in enumerate(book["pages"]) if start in text}
    plain = max(_path_segments(pages[n])
                for n in range(len(book["pages"])) if n not in captioned)
    for page, caption, start in starts:
        numbers = [n for n, text in enumerate(book["pages"]) if start in text]
        assert numbers, f"{page}: caption not found: {caption[:60]!r}"
        segments = _path_segments(pages[numbers[0]])
        assert segments > plain, (
            f"{page}: {caption[:40]!r} has no drawing on its page ({segments} path segments; "
            f"a page without a figure has up to {plain})"
        )


def test_no_raw_tex_or_errors_on_paper(book):
    text = "".join(book["pages"])
    for raw in ("$$", "\\(", "\\[", "\\frac", "\\begin", "Traceback"):
        assert raw not in text, f"{raw!r} printed in the PDF"


def test_the_pdf_carries_no_date(book):
    info = book["reader"].metadata
    for key in ("/CreationDate", "/ModDate"):
        assert info.get(key, "D:1970").startswith("D:1970"), f"{key} is {info.get(key)}"
