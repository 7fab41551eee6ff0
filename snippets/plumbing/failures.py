"""Build failures, recorded by the project itself: printed cause first, fatal at the end of the build.

Any project code that finds something wrong while the site is built calls `report` (or
`report_exception` when it holds an exception) instead of logging a warning:

    from snippets.plumbing import failures

    failures.report(
        f"unknown citation key {key!r}",      # the cause, one line, first thing the author reads
        line=12,                              # the page line; the page is the one being rendered
        source="snippets/plumbing/citations.py:40",   # optional: the code that holds the claim
        details="known keys: ...",            # optional: printed indented below
    )

The failure is printed at once to stderr, not through `logging`, so `-q` or `-v` cannot hide it,
and the build goes on, so every page is tried and an author sees every failure in one run. At
the end of the build the MkDocs hook (`snippets/plumbing/fail_build.py`) or the Zensical wrapper
(`tests/zensical_build.py`) prints a summary and exits non-zero if anything was recorded.

A failure that only follows from an earlier one (a block that cannot import a module whose import
already failed, a check that never ran because of it) is reported with `because=<the earlier
Failure>`: it is recorded and counted in the summary under its root cause, not printed in full,
so the first message an author reads is the cause and the rest does not bury it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from snippets.plumbing.page_context import page as current_page

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PREFIX = "ERROR   -  "  # MkDocs' own layout, so a reader (or grep) finds it with the rest
INDENT = " " * len(PREFIX)


@dataclass(frozen=True)
class Failure:
    """One thing that makes the build fail: its cause, where it shows, where its code is."""

    cause: str
    page: str = ""  # "docs/<page>:<line>", or "docs/<page>" when the line is unknown
    source: str = ""  # "snippets/<file>.py:<line>" when known
    details: str = ""
    because: Failure | None = None
    kind: str = ""  # what failed: "block", "import", "check", "claim", "formula", "link", ...

    @property
    def root(self) -> Failure:
        return self.because.root if self.because is not None else self

    def text(self) -> str:
        """The message as printed: cause first, then the page, the source and the details."""
        lines = [self.cause]
        if self.source:
            lines.append(f"at {self.source}")
        if self.page:
            lines.append(f"on {self.page}")
        lines.extend(self.details.rstrip("\n").splitlines())
        return PREFIX + ("\n" + INDENT).join(line.rstrip() for line in lines)

    def brief(self) -> str:
        """One line: cause and places (for summaries)."""
        places = ", ".join(p for p in (self.source, self.page) if p)
        return f"{self.cause} ({places})" if places else self.cause


FAILURES: list[Failure] = []
_stream = None  # where failures are printed; None means sys.stderr at the time of printing
_block_line: int | None = None  # the page line of the executing block, while one runs


@contextmanager
def at_line(line: int | None) -> Iterator[None]:
    """While the block at `line` of the current page runs, failures without a line get that one."""
    global _block_line
    before, _block_line = _block_line, line
    try:
        yield
    finally:
        _block_line = before


def relative(path: str | Path) -> str:
    """A file as messages name it: relative to the project when inside it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def page_place(line: int | None = None, page: str | None = None) -> str:
    """`docs/<page>:<line>` for the page being rendered (or `page`), the line when known."""
    if page is None:
        label = current_page().label if current_page().src_uri else ""
        line = line or _block_line
    else:
        label = page
    if label and line:
        return f"{label}:{line}"
    return label


def line_in_page(text: str) -> int | None:
    """The 1-based line of the page being rendered where `text` first appears, if it does."""
    path = current_page().source_path()
    if not text or path is None or not path.is_file():
        return None
    source = path.read_text(encoding="utf-8")
    for candidate in (text, text.strip().splitlines()[0] if text.strip() else ""):
        at = source.find(candidate) if candidate else -1
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


def report(
    cause: str,
    *,
    line: int | None = None,
    page: str | None = None,
    source: str = "",
    details: str = "",
    because: Failure | None = None,
    kind: str = "",
) -> Failure:
    """Record a build failure and print it now (unless it follows `because` an earlier one).

    `cause` is one line saying what is wrong. `page` defaults to the page being rendered, with
    `line` (a line of that page's Markdown) appended; pass `page="docs/x.md:3"` to name another
    place, or `page=""` for none. `source` names the code, as `snippets/<file>.py:<line>`.
    `kind` says what failed ("block", "import", "check", "claim", "formula", "link", ...).
    Returns the Failure, so that later failures can say they follow from it.
    """
    failure = Failure(cause.strip(), page_place(line, page), source, details, because, kind)
    if any(_same(failure, earlier) for earlier in FAILURES):
        return next(earlier for earlier in FAILURES if _same(failure, earlier))
    FAILURES.append(failure)
    if because is None:
        print(failure.text(), file=_stream or sys.stderr, flush=True)
    return failure


def _same(a: Failure, b: Failure) -> bool:
    return (a.cause, a.page, a.source, a.details) == (b.cause, b.page, b.source, b.details)


def project_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of an exception's traceback that run project files (not libraries)."""
    frames = traceback.extract_tb(error.__traceback__)
    return [f for f in frames if _in_project(f.filename)]


def _in_project(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    try:
        Path(filename).resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        return False
    return "site-packages" not in filename


def source_of(error: BaseException) -> str:
    """`file:line` of the project code that raised: the deepest frame outside the plumbing if any.

    A SyntaxError names the line that does not parse; otherwise the traceback's deepest frame in
    a question module is preferred to one in snippets/plumbing, which usually only passes the
    error on (a check that failed is located by the check, not by the plumbing that ran it).
    """
    if isinstance(error, SyntaxError) and error.filename and _in_project(error.filename):
        return f"{relative(error.filename)}:{error.lineno}"
    frames = project_frames(error)
    outside = [f for f in frames if "/snippets/plumbing/" not in Path(f.filename).resolve().as_posix()]
    chosen = (outside or frames or [None])[-1]
    return f"{relative(chosen.filename)}:{chosen.lineno}" if chosen else ""


def describe(error: BaseException) -> str:
    """`Type: message`, the first line a failure shows for an exception."""
    message = str(error).strip().splitlines()
    if isinstance(error, SyntaxError):
        message = [error.msg] if error.msg else message
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


# Frames that only pass an error on: importlib's, markdown-exec's runner, the staging loader.
MACHINERY = ("<frozen importlib._bootstrap", "/markdown_exec/", "/snippets/plumbing/snippet_imports.py")


def formatted_traceback(error: BaseException) -> str:
    """The exception's traceback without the frames of the machinery that ran the code."""
    trace = traceback.TracebackException.from_exception(error)
    kept = [f for f in trace.stack if not any(part in f.filename for part in MACHINERY)]
    trace.stack = traceback.StackSummary.from_list(kept)
    return "".join(trace.format())


def report_exception(
    error: BaseException,
    *,
    context: str = "",
    line: int | None = None,
    page: str | None = None,
    source: str | None = None,
    because: Failure | None = None,
    kind: str = "",
) -> Failure:
    """Report an exception: its type and message first, then where it was raised, the traceback.

    `context` says what was being done ("while importing snippets.q4c_saddle_descent"); it is
    printed under the cause, not before it.
    """
    details = (context + "\n" if context else "") + formatted_traceback(error)
    return report(
        describe(error),
        line=line,
        page=page,
        source=source_of(error) if source is None else source,
        details=details,
        because=because,
        kind=kind,
    )


def reset() -> None:
    """Forget every failure (at the start of a build; `mkdocs serve` rebuilds in one process)."""
    FAILURES.clear()
    for forget in _on_reset:
        forget()


_on_reset: list = []  # callables of modules keeping per-build failure state (registered by them)


def roots() -> list[Failure]:
    """The failures that follow from no other, in the order they were reported."""
    return [f for f in FAILURES if f.because is None]


def latest_root(*kinds: str) -> Failure | None:
    """The root cause of the failure of one of `kinds` (any kind if none) reported last, or None."""
    found = [f for f in FAILURES if not kinds or f.kind in kinds]
    return found[-1].root if found else None


def summary() -> str:
    """What the end of a failed build prints: how many failures, each root cause in one line."""
    found = roots()
    lines = [f"Build failed: {len(found)} failure(s), listed above; in order:"]
    for number, failure in enumerate(found, start=1):
        followers = sorted(
            (f for f in FAILURES if f.because is not None and f.root is failure), key=_page_order
        )
        lines.append(f"  {number}. {failure.brief()}")
        if followers:
            lines.append(f"     and {len(followers)} that did not run because of it:")
            lines.extend(f"       - {_shortened(f.brief())}" for f in followers[:8])
            if len(followers) > 8:
                lines.append(f"       - ... {len(followers) - 8} more")
    return "\n".join(lines)


def _shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _page_order(failure: Failure) -> tuple[str, int]:
    page, _, line = failure.page.rpartition(":")
    return (page, int(line)) if line.isdigit() else (failure.page, 0)
