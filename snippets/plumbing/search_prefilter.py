"""Build hook: Material's search reads each page without the markup it should not index."""

from __future__ import annotations

import html
import re

from material.plugins.search.plugin import SearchIndex

from snippets.plumbing.katex_math import GLYPHS_TAG

# KaTeX's glyphs are marked data-search-exclude (katex_math.py), so the index never holds them;
# yet Python's HTML parser reads each of their tags, most of a question page's markup and, under
# `make serve`, the largest part of a prose edit's rebuild.
GLYPHS = re.compile(rf"<{GLYPHS_TAG}\b[^>]*\bdata-search-exclude[^>]*>.*?</{GLYPHS_TAG}>", re.S)
# A figure's drawing would be indexed as its tick labels, spelt out letter by letter
# ("d i m e n s i o n n 0.0 0.1"); its description (figures.py's <desc>) says what it shows.
# Within one <svg> only: an icon without a <desc> must not swallow the prose up to the next figure.
FIGURE = re.compile(
    r"<svg\b[^>]*>(?:(?!</svg>).)*?<desc\b[^>]*>(?P<description>.*?)</desc>.*?</svg>", re.S
)

# A formula is indexed as its MathML's text; the parser only skips the MathML's tags, most of
# what is left of a question page's markup. Read as text, the index is the same
# (tests/test_search_index.py compares both readings of every built page).
MATHML = re.compile(r"(<math\b[^>]*>)(.*?)(</math>)", re.S)
TAG = re.compile(r"<[^>]*>")

_index_page = SearchIndex.add_entry_from_context


def _math_as_text(match: re.Match[str]) -> str:
    # The parser reads text between two tags that is only white space as one space.
    parts = TAG.split(match[2])
    text = "".join(" " if html.unescape(part).isspace() else part for part in parts)
    return match[1] + text + match[3]


def searchable(content: str) -> str:
    """The page's HTML as search should read it: no glyphs, each figure by its description, each
    formula's MathML as its text."""
    return MATHML.sub(_math_as_text, without_drawings(content))


def without_drawings(content: str) -> str:
    """The page's HTML without KaTeX's glyphs, each figure replaced by its description."""
    return FIGURE.sub(r"<p>\g<description></p>", GLYPHS.sub("", content))


def _index_searchable(self: SearchIndex, page) -> None:
    content = page.content
    page.content = searchable(content) if content else content
    try:
        _index_page(self, page)
    finally:
        page.content = content


def on_startup(command: str, dirty: bool) -> None:
    SearchIndex.add_entry_from_context = _index_searchable
