"""Build hook: Material's search reads each page without the markup it should not index."""

from __future__ import annotations

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

_index_page = SearchIndex.add_entry_from_context


def searchable(content: str) -> str:
    """The page's HTML as search should read it: no glyphs, each figure by its description."""
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
