"""Markdown extension: label each table cell with its column header, so wide tables become cards on phones."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Tables with this many columns or more cannot fit a phone once they hold math (KaTeX never wraps).
CARD_COLUMNS = 5
TEX_DELIMITERS = re.compile(r"\\[()\[\]]|\$")


def _label(cell: etree.Element) -> str:
    return " ".join(TEX_DELIMITERS.sub("", "".join(cell.itertext())).split())


class _LabelCells(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            header = table.find("thead/tr")
            if header is None:
                continue
            labels = [_label(th) for th in header.findall("th")]
            if len(labels) < CARD_COLUMNS:
                continue
            table.set("data-cards", "")  # not a class: Material styles only tables without one
            for row in table.iterfind("tbody/tr"):
                for label, cell in zip(labels, row.findall("td"), strict=False):
                    cell.set("data-label", label)


class TableCardsExtension(Extension):
    """Runs after the tables extension has built its elements."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LabelCells(md), "table_cards", 5)


def makeExtension(**kwargs) -> TableCardsExtension:  # noqa: N802 (Markdown's API)
    return TableCardsExtension(**kwargs)
