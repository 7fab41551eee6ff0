"""markdown-exec formatter that names each executing block by its page and line, in errors too."""

from __future__ import annotations

import logging
import re
from typing import Any

from markdown import Markdown
from markdown_exec import formatter as markdown_exec_formatter
from markdown_exec import validator  # noqa: F401  (re-exported for mkdocs.yml)

from snippets.plumbing.page_context import page


class _DropPadding(logging.Filter):
    """Keep markdown-exec's failure message readable: drop the blank lines that align line numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = re.sub(r"(Code block is:\n\n)(?:[ \t]*\n)+", r"\1", record.msg)
        return True


# The logger markdown-exec's MkDocs plugin routes block failures to.
logging.getLogger("mkdocs.plugins.markdown_exec._internal.formatters.base").addFilter(_DropPadding())


def block_line(page_text: str, source: str) -> int | None:
    """The 1-based line in `page_text` where the fenced block holding `source` starts its code."""
    lines = page_text.splitlines()
    code = source.strip("\n").splitlines()
    if not code:
        return None
    first = code[0].strip()
    for number, line in enumerate(lines):
        if line.strip() != first:
            continue
        candidate = [ln.strip() for ln in lines[number : number + len(code)]]
        if candidate == [ln.strip() for ln in code]:
            return number + 1
    return None


def formatter(
    source: str,
    language: str,
    css_class: str,
    options: dict[str, Any],
    md: Markdown,
    **kwargs: Any,
) -> str:
    """Run the block through markdown-exec, labelled `docs/<page>:<line>`.

    The code is padded with blank lines so that traceback line numbers are page line numbers;
    the reader still sees the block as written.
    """
    current = page()
    path = current.source_path()
    line = None
    if path is not None and path.is_file():
        line = block_line(path.read_text(encoding="utf-8"), source)
    if not options.get("id"):
        options["id"] = f"{current.label}:{line}" if line else current.label
    if line:
        padding = "\n" * (line - 1)
        options["transform_source"] = lambda code: (padding + code, code)
    return markdown_exec_formatter(source, language, css_class, options, md, **kwargs)
