"""markdown-exec formatter that names each executing block by its page and line, in errors too."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from functools import partial
from typing import Any

from markdown import Markdown
from markdown_exec import formatter as markdown_exec_formatter
from markdown_exec import validator  # noqa: F401  (re-exported for mkdocs.yml)
from markupsafe import Markup

from snippets.plumbing import exec_cache
from snippets.plumbing.page_context import page


class _DropPadding(logging.Filter):
    """Keep markdown-exec's failure message readable: drop the blank lines that align line numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = re.sub(r"(Code block is:\n\n)(?:[ \t]*\n)+", r"\1", record.msg)
        return True


# The logger markdown-exec's MkDocs plugin routes block failures to.
logging.getLogger("mkdocs.plugins.markdown_exec._internal.formatters.base").addFilter(_DropPadding())


def block_lines(page_text: str, source: str) -> list[int]:
    """Every 1-based line in `page_text` where a fenced block holding `source` starts its code."""
    lines = page_text.splitlines()
    code = source.strip("\n").splitlines()
    if not code:
        return []
    first = code[0].strip()
    wanted = [ln.strip() for ln in code]
    found = []
    for number, line in enumerate(lines):
        if line.strip() != first:
            continue
        if [ln.strip() for ln in lines[number : number + len(code)]] == wanted:
            found.append(number + 1)
    return found


# Blocks with identical code on one page: the n-th call gets the n-th position.
_occurrences: tuple[object, Counter] = (None, Counter())


def _line_of(context, source: str) -> int | None:
    global _occurrences
    path = context.source_path()
    if path is None or not path.is_file():
        return None
    if _occurrences[0] is not context:
        _occurrences = (context, Counter())
    seen = _occurrences[1][source]
    _occurrences[1][source] += 1
    found = block_lines(path.read_text(encoding="utf-8"), source)
    if not found:
        return None
    return found[min(seen, len(found) - 1)]


def _replay(code: str, session: str, block_id: str) -> None:
    """Re-execute a block whose output came from the cache, for the names a later block needs."""
    from markdown_exec._internal.formatters.python import _run_python

    _run_python(code, session=session, id=f"{block_id} (replayed)")


def _reports_headings(md: Markdown, output: str) -> bool:
    """Whether markdown-exec recorded headings from this output for the table of contents."""
    insert = md.treeprocessors["markdown_exec_insert_headings"] if (
        "markdown_exec_insert_headings" in md.treeprocessors
    ) else None
    return bool(getattr(insert, "headings", {}).get(output))


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
    the reader still sees the block as written. With `EXEC_CACHE=1` (live preview only) the
    output may come from the execution cache (see exec_cache.py); with `EXEC_TIMINGS=<file>`
    each block's time is appended to that file.
    """
    current = page()
    line = _line_of(current, source)
    if not options.get("id"):
        options["id"] = f"{current.label}:{line}" if line else current.label
    if line:
        padding = "\n" * (line - 1)
        options["transform_source"] = lambda code: (padding + code, code)

    def execute() -> str:
        return markdown_exec_formatter(source, language, css_class, options, md, **kwargs)

    started = time.perf_counter()
    if exec_cache.enabled() and current.src_uri and language in {"python", "py"}:
        output, reused = exec_cache.CACHE.run(
            source, options, execute, _replay, partial(_reports_headings, md)
        )
        output = Markup(output)  # noqa: S704 (markdown-exec's own output, stored as is)
    else:
        output, reused = execute(), False
    exec_cache.record_timing(str(options["id"]), time.perf_counter() - started, reused)
    return output
