"""The search index holds what a reader searches for: prose, formulas once, figures by their description."""

import html
import json
import re

import pytest
from material.plugins.search.plugin import Parser

from snippets.plumbing.search_prefilter import searchable


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


def test_an_icon_without_a_description_keeps_the_prose_after_it():
    icon = '<svg viewBox="0 0 1 1"><path d="M0"/></svg>'
    figure = '<svg role="img"><title>t</title><desc>what it shows</desc><g/></svg>'
    read = searchable(f"<p>before</p>{icon}<p>prose kept</p>{figure}")
    assert "<p>prose kept</p>" in read and "<p>what it shows</p>" in read and "<g/>" not in read
