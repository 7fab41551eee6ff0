"""In the PDF (tests/print_pdf.py prints every page in one document), each chapter numbers its
equations from (1) as the site does, and every reference's printed text is the number printed
beside its target. Read back with pypdf: text with positions, link annotations, destinations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import ARTIFACTS, require_chromium, shared_browser
from bs4 import BeautifulSoup

TAG = re.compile(r"\(\d+\)")


@dataclass(frozen=True)
class Glyphs:
    """A run of text printed at one place of a PDF page (PDF points, origin bottom left)."""

    page: int
    x: float
    y: float
    text: str
    font: str


def glyph_runs(reader) -> list[Glyphs]:
    """Every text run of the PDF with its position and font."""
    runs: list[Glyphs] = []
    for number, page in enumerate(reader.pages):

        def visit(text, cm, tm, font, _size, number=number):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                name = str(font.get("/BaseFont", "")) if font else ""
                runs.append(Glyphs(number, x, y, text.strip(), name))

        page.extract_text(visitor_text=visit)
    return runs


def lines_of(runs: list[Glyphs], page: int) -> list[tuple[float, list[Glyphs]]]:
    """A page's runs grouped into lines (same baseline within 1 pt), top to bottom, left to right."""
    lines: list[tuple[float, list[Glyphs]]] = []
    for run in sorted((r for r in runs if r.page == page), key=lambda r: (-r.y, r.x)):
        if lines and abs(lines[-1][0] - run.y) <= 1:
            lines[-1][1].append(run)
        else:
            lines.append((run.y, [run]))
    return [(y, sorted(line, key=lambda r: r.x)) for y, line in lines]


def equation_tags(runs: list[Glyphs], width: float) -> list[tuple[int, float, str]]:
    """(page, y, "(n)") of every equation number: KaTeX glyphs "(", digits, ")" ending a line at
    the right margin, where KaTeX puts a display's tag."""
    tags = []
    for page in sorted({r.page for r in runs}):
        for y, line in lines_of(runs, page):
            text = ""
            for run in reversed(line):
                if "KaTeX" not in run.font or run.x < width * 0.85:
                    break
                text = run.text + text
                if text.startswith("("):
                    break
            if TAG.fullmatch(text):
                tags.append((page, y, text))
    return tags


def chapter_starts(reader) -> list[tuple[int, float]]:
    """(page, top) of each chapter, from the named destinations print_pdf gives them (p1, p2, ...)."""
    starts = []
    destinations = reader.named_destinations
    for number in range(1, 100):
        found = destinations.get(f"p{number}") or destinations.get(f"/p{number}")
        if found is None:
            break
        starts.append((reader.get_destination_page_number(found), float(found.top or 0)))
    return starts


def by_chapter(items: list[tuple[int, float, str]], starts: list[tuple[int, float]]) -> list[list[str]]:
    """Items placed at (page, y) split by the chapter they are printed in."""
    chapters: list[list[str]] = [[] for _ in starts]
    for page, y, text in items:
        index = max(i for i, (p, top) in enumerate(starts) if (p, -top) <= (page, -y + 1))
        chapters[index].append(text)
    return chapters


def internal_links(reader) -> list[tuple[int, list[float], str]]:
    """(page, rectangle, destination name) of each link to a place inside the PDF."""
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            destination = annotation.get("/Dest")
            if destination is None and "/A" in annotation:
                destination = annotation["/A"].get("/D")
            if isinstance(destination, str):
                links.append((number, [float(v) for v in annotation["/Rect"]], destination.lstrip("/")))
    return links


def text_in(runs: list[Glyphs], page: int, rect: list[float]) -> str:
    """The text printed from a link's rectangle on (a run that starts inside it may run past it)."""
    x0, y0, x1, y1 = rect
    inside = [r for r in runs if r.page == page and x0 - 1 <= r.x <= x1 and y0 - 2 <= r.y <= y1]
    return "".join(r.text for r in sorted(inside, key=lambda r: (-round(r.y), r.x)))


def shown_at_destination(reader, runs, tags, name: str) -> str:
    """What the PDF prints at a reference's target: the equation's number, or the caption's."""
    destination = reader.named_destinations.get(name) or reader.named_destinations[f"/{name}"]
    page, top = reader.get_destination_page_number(destination), float(destination.top or 0)
    kind = name.split("-", 2)[1]  # "p3-eq-taylor" -> "eq"
    if kind == "eq":
        below = [t for t in tags if (t[0], -t[1]) >= (page, -top - 1)]
        return below[0][2] if below else ""
    pattern = {"fig": r"Figure \d+", "tbl": r"Table \d+"}.get(kind)
    if pattern is None:
        return ""
    for number in (page, page + 1):
        for y, line in lines_of(runs, number):
            if number == page and y > top + 1:
                continue
            found = re.match(
                pattern, "".join(r.text for r in line).replace(" ", "").replace("Figure", "Figure ")
            )
            found = found or re.match(pattern, " ".join(r.text for r in line))
            if found:
                return found.group(0)
    return ""


def html_tags(site: Path) -> list[list[str]]:
    """Per chapter of the book, the equation numbers the built page shows, in order."""
    from print_pdf import book_pages

    chapters = []
    for page in book_pages(site):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        chapters.append(
            [
                t.get_text("", strip=True).replace("\u200b", "")
                for t in soup.select("article .katex-html .katex-tag")
            ]
        )
    return chapters


def read_book(request, site: Path, out: Path) -> dict:
    require_chromium(request)
    from print_pdf import print_pdf
    from pypdf import PdfReader

    reader = PdfReader(print_pdf(site, out, browser=shared_browser(request)))
    runs = glyph_runs(reader)
    width = float(reader.pages[0].mediabox.width)
    return {"reader": reader, "runs": runs, "tags": equation_tags(runs, width), "site": site}


@pytest.fixture(scope="module")
def probe_book(request, tmp_path_factory, xref_probe_site):
    return read_book(request, xref_probe_site, tmp_path_factory.mktemp("probe-pdf") / "probe.pdf")


@pytest.fixture(scope="module")
def site_book(request, built_site):
    return read_book(request, built_site, ARTIFACTS / "xref-solutions.pdf")


def prints(text: str, number: str) -> bool:
    """Whether the text at a link begins with exactly `number` ("(1)" is not "(12)")."""
    return bool(number) and text.startswith(number) and not text[len(number) : len(number) + 1].isdigit()


def _references(book) -> list[tuple[str, str, str]]:
    """(destination, printed text of the reference, printed at the target) for every reference link."""
    reader, runs = book["reader"], book["runs"]
    found = []
    for page, rect, name in internal_links(reader):
        if not re.match(r"p\d+-(eq|fig|tbl)-", name):
            continue
        found.append(
            (name, text_in(runs, page, rect), shown_at_destination(reader, runs, book["tags"], name))
        )
    return found


@pytest.mark.build
def test_each_chapter_of_the_probe_book_numbers_its_equations_from_one(probe_book):
    reader = probe_book["reader"]
    chapters = by_chapter(probe_book["tags"], chapter_starts(reader))
    assert html_tags(probe_book["site"]) == [["(1)", "(2)"], ["(1)"]]
    # Then the book's appendix (the check summaries): no equations there.
    assert chapters[:2] == [["(1)", "(2)"], ["(1)"]] and not any(chapters[2:])


@pytest.mark.build
def test_every_probe_reference_prints_the_number_printed_at_its_target(probe_book):
    references = _references(probe_book)
    # Same-page and cross-page equations, the figure, the table: all the probe's numbered targets.
    assert sorted(name.split("-", 1)[1] for name, _, _ in references) == [
        "eq-first",
        "eq-other",
        "eq-second",
        "eq-second",
        "fig-line",
        "fig-line",
        "tbl-two",
    ]
    wrong = [(name, text, shown) for name, text, shown in references if not prints(text, shown)]
    assert not wrong, wrong


@pytest.mark.build
def test_the_books_equation_numbers_are_the_sites_chapter_by_chapter(site_book):
    chapters = by_chapter(site_book["tags"], chapter_starts(site_book["reader"]))
    expected = html_tags(site_book["site"])
    # After the chapters the book has its appendix (the check summaries): no equations there.
    assert chapters[: len(expected)] == expected and not any(chapters[len(expected) :])


@pytest.mark.build
def test_every_reference_in_the_book_prints_its_targets_number(site_book):
    wrong = [(name, text, shown) for name, text, shown in _references(site_book) if not prints(text, shown)]
    assert not wrong, wrong
