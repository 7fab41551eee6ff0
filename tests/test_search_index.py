"""The search index holds what a reader searches for: prose, formulas once, figures by their description."""

import html
import json
import re

import pytest
from material.plugins.search.plugin import Parser

from snippets.plumbing.search_prefilter import searchable, without_drawings


@pytest.fixture(scope="module")
def index(built_site):
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def indexed_text(index) -> str:
    return " ".join(html.unescape(doc["text"]) for doc in index["docs"])


def test_no_figure_is_indexed_as_its_spelt_out_tick_labels(index):
    spelt = re.findall(r"(?:\b\w ){8,}", indexed_text(index))
    assert not spelt, f"letter-by-letter text in the search index (an SVG's labels?): {spelt[:3]}"


def test_every_figure_is_found_by_its_description(built_site, index):
    text = re.sub(r"<[^>]+>", "", indexed_text(index))
    pages = sorted(built_site.glob("question-*/*.html"))
    descriptions = [html.unescape(d) for page in pages
                    for d in re.findall(r"<desc\b[^>]*>(.*?)</desc>", page.read_text(encoding="utf-8"), re.S)]
    assert len(descriptions) >= 8, "the question pages' figures were not found"
    missing = [d[:80] for d in descriptions if d not in text]
    assert not missing, f"figure descriptions missing from the search index: {missing}"


def test_cutting_the_glyphs_removes_nothing_search_would_index():
    """Material's own parser, on a display formula with and without its glyphs: the same sections."""
    from snippets.plumbing.katex_math import render

    page = f"<h2 id='x'>Heading</h2><p>Before {render('C^2 + x_1', display=True)} after.</p>"

    def sections(content: str) -> list[tuple[str, str]]:
        parser = Parser()
        parser.feed(content)
        parser.close()
        return [(s.title, "".join(s.text)) for s in parser.data if not s.is_excluded()]

    assert "katex-glyphs" in page and "katex-glyphs" not in searchable(page)
    assert sections(searchable(page)) == sections(page)


def _sections(content: str) -> list[tuple[str | None, str, str]]:
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


def test_reading_formulas_as_text_indexes_every_page_the_same(built_site):
    """search_prefilter hands search each formula's MathML as its text (fewer tags to parse):
    on every built page, Material's parser finds the same sections, titles and text either way."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40
    texts = {p.relative_to(built_site).as_posix(): p.read_text(encoding="utf-8") for p in pages}
    differ = [name for name, text in texts.items()
              if _sections(searchable(text)) != _sections(without_drawings(text))]
    assert not differ, f"formulas read as text index these pages differently: {differ}"


def test_white_space_inside_a_formula_reads_as_the_parser_reads_it():
    """A thin space (\\, renders U+2009) or a text's spaces alone between two MathML tags: one
    space, as the parser reads a text that is only white space."""
    from snippets.plumbing.katex_math import render

    formula = render(r"x\,y \text{ for all } z", display=False)
    page = f"<h2 id='x'>Heading {render('a_1', display=False)}</h2><p>Then {formula} and.</p>"
    assert "<mtext>\u2009</mtext>" in page
    assert _sections(searchable(page)) == _sections(without_drawings(page))


def test_an_icon_without_a_description_keeps_the_prose_after_it():
    icon = '<svg viewBox="0 0 1 1"><path d="M0"/></svg>'
    figure = '<svg role="img"><title>t</title><desc>what it shows</desc><g/></svg>'
    read = searchable(f"<p>before</p>{icon}<p>prose kept</p>{figure}")
    assert "<p>prose kept</p>" in read and "<p>what it shows</p>" in read and "<g/>" not in read
