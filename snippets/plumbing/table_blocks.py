"""Markdown extension: put each table in a block of its own, which the browser may skip off screen."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# docs/assets/site.css lets a phone skip laying out a .table-block until a reader nears it. The
# table's scroll box (Material's wrapper, added in the browser) cannot be skipped itself: a skipped
# box reports no overflow to docs/assets/a11y.js, but a box inside a skipped block measures true.
BLOCK = "table-block"


class _WrapTables(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    block = etree.Element("div", {"class": BLOCK})
                    block.tail, child.tail = child.tail, None
                    parent.remove(child)
                    block.append(child)
                    parent.insert(index, block)


class TableBlocksExtension(Extension):
    """Runs after the tables extension built its elements (and after table_cards labelled them)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_WrapTables(md), "table_blocks", 4)


def makeExtension(**kwargs) -> TableBlocksExtension:  # noqa: N802 (Markdown's API)
    return TableBlocksExtension(**kwargs)
