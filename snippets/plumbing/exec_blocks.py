"""markdown-exec formatter that names each executing block by its page and line, and records its failure."""

from __future__ import annotations

import hashlib
import json
import linecache
import logging
import os
import time
import traceback
from collections import Counter
from functools import partial
from typing import Any

from markdown import Markdown
from markdown_exec import (
    ExecutionError,
    base_format,
    validator,  # noqa: F401  (re-exported for mkdocs.yml)
)
from markdown_exec import formatter as markdown_exec_formatter
from markdown_exec._internal.formatters.python import _run_python
from markupsafe import Markup

from snippets.plumbing import exec_cache, failures, snippet_imports
from snippets.plumbing.checks import CheckFailed
from snippets.plumbing.page_context import page

# Ids of the blocks whose failure this module reported (markdown-exec's own warning is dropped).
_reported_blocks: set[str] = set()
# (page, session) -> the failure that stopped a block of that session: later blocks miss its names.
_failed_sessions: dict[tuple[str, str], failures.Failure] = {}


class _DropReported(logging.Filter):
    """Drop markdown-exec's warning for a block whose failure `failures` already reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(f"code block '{block}' exited" in message for block in _reported_blocks)


# The logger markdown-exec's MkDocs plugin routes block failures to.
logging.getLogger("mkdocs.plugins.markdown_exec._internal.formatters.base").addFilter(_DropReported())


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
    _run_python(code, session=session, id=f"{block_id} (replayed)")


def _reports_headings(md: Markdown, output: str) -> bool:
    """Whether markdown-exec recorded headings from this output for the table of contents."""
    insert = md.treeprocessors["markdown_exec_insert_headings"] if (
        "markdown_exec_insert_headings" in md.treeprocessors
    ) else None
    return bool(getattr(insert, "headings", {}).get(output))


def _failing_line(error: BaseException, filename: str) -> int | None:
    """The page line of the block's statement that raised (block code is padded to page lines)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if frame.filename == filename]
    return lines[-1] if lines else None


def _report_block_failure(
    error: BaseException, block_id: str, code: str, line: int | None, session: str
) -> None:
    """Record a block that raised: its own cause first, or as following a failure reported before.

    Following an earlier failure: an exception that carries `failure` (a module whose import
    failed, a check that did not hold, each reported where it happened); a CheckFailed from a
    summary when a check or claim failed before (each was reported as it ran); a NameError in a session one of
    whose earlier blocks failed (the name was never bound); a KeyError (a value never registered)
    after a question module failed to import.
    """
    _reported_blocks.add(block_id)
    filename = f"<code block: id {block_id}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    failing = _failing_line(error, filename) or line
    session_key = (page().label, session)
    earlier = getattr(error, "failure", None)
    if earlier is None and isinstance(error, CheckFailed):
        earlier = failures.latest_root("check", "claim")
    if earlier is None and isinstance(error, NameError) and session:
        earlier = _failed_sessions.get(session_key)
    if earlier is None and isinstance(error, KeyError) and snippet_imports.FAILED:
        earlier = snippet_imports.failure_behind(str(error.args[0]) if error.args else "")
    if earlier is not None:
        failure = failures.report(
            f"block {block_id} did not finish: {failures.describe(error)}",
            line=failing, because=earlier, kind="block",
        )
    else:
        failure = failures.report_exception(
            error, line=failing, context=f"in the block {block_id}", kind="block"
        )
    if session:
        _failed_sessions.setdefault(session_key, failure.root)


def _recording_run(block_id: str, line: int | None, session: str):
    """markdown-exec's Python runner, recording a failed block before markdown-exec renders it.

    markdown-exec catches the ExecutionError itself and only logs it (a warning `-q` hides), so
    the failure is taken here, where the original exception and its traceback still exist.
    """

    def run(code: str, **kwargs: Any) -> str:
        try:
            return _run_python(code, **kwargs)
        except ExecutionError as error:
            _report_block_failure(error.__cause__ or error, block_id, code, line, session)
            raise

    return run


def formatter(
    source: str,
    language: str,
    css_class: str,
    options: dict[str, Any],
    md: Markdown,
    **kwargs: Any,
) -> str:
    """Run the block through markdown-exec, labelled `docs/<page>:<line>`; record it if it fails.

    The code is padded with blank lines so that traceback line numbers are page line numbers;
    the reader still sees the block as written. With `EXEC_CACHE=1` (live preview only) the
    output may come from the execution cache (see exec_cache.py); with `EXEC_TIMINGS=<file>`
    each block's time is appended to that file, with `EXEC_DIGESTS=<file>` its output's digest.
    """
    current = page()
    line = _line_of(current, source)
    # The site's rule: a Source|Result block opens on the result the prose talks about; the code
    # is one click away, in the second tab.
    if options.get("source") == "tabbed-left":
        options["source"] = "tabbed-right"
    if not options.get("id"):
        options["id"] = f"{current.label}:{line}" if line else current.label
    if line:
        padding = "\n" * (line - 1)
        options["transform_source"] = lambda code: (padding + code, code)

    def execute() -> str:
        with failures.at_line(line):
            if language in {"python", "py"}:
                run = _recording_run(str(options["id"]), line, options.get("session") or "")
                return base_format(language="python", run=run, code=source, md=md, **options)
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
    _record_digest(str(options["id"]), str(output))
    return output


def _record_digest(block_id: str, output: str) -> None:
    """With EXEC_DIGESTS=<file>, append the block's id and a digest of its output.

    Two builds whose digests differ name the block that is not deterministic (unseeded
    randomness, a clock, a set's order), where comparing the two sites only names the page.
    """
    target = os.environ.get("EXEC_DIGESTS")
    if target:
        digest = hashlib.sha256(output.encode("utf-8")).hexdigest()
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"block": block_id, "sha256": digest}) + "\n")
