"""Markdown extension: give each cell of a table its column header, so it can become a card on phones."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Tables with this many columns or more may not fit a phone (KaTeX never wraps). Whether one does is
# measured on the reader's screen: docs/assets/a11y.js turns a table into cards (data-cards="on")
# only when it is wider than the screen as a table.
CARD_COLUMNS = 3


def _label(header: etree.Element) -> etree.Element:
    """A copy of the header cell's content (math included), shown before the cell's value on phones."""
    label = etree.Element("span", {"class": "cell-label", "aria-hidden": "true"})
    label.text = header.text
    for child in header:
        label.append(copy.deepcopy(child))
    if len(label):
        label[-1].tail = (label[-1].tail or "") + ": "
    else:
        label.text = (label.text or "") + ": "
    return label


class _LabelCells(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            headers = table.findall("thead/tr/th")
            if len(headers) < CARD_COLUMNS:
                continue
            table.set("data-cards", "")  # not a class: Material styles only tables without one
            for row in table.iterfind("tbody/tr"):
                for header, cell in zip(headers, row.findall("td"), strict=False):
                    label = _label(header)
                    label.tail, cell.text = cell.text, None
                    cell.insert(0, label)


class TableCardsExtension(Extension):
    """Runs after the tables extension built its elements and inline patterns filled them."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LabelCells(md), "table_cards", 5)


def makeExtension(**kwargs) -> TableCardsExtension:  # noqa: N802 (Markdown's API)
    return TableCardsExtension(**kwargs)
