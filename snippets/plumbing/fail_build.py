"""MkDocs hook: every recorded failure and every warning MkDocs logs fail the build, whatever -q or -v.

`mkdocs build --strict` counts warnings through the `mkdocs` logger, so `-q` (which raises that
logger to ERROR) lets a build with warnings pass (mkdocs/mkdocs#4126), and `-v` skips the anchor
validation (#3991: pages.py validates anchors only when its logger is above DEBUG). This hook:

- keeps the `mkdocs` logger at WARNING at least, so warnings are still made under `-q`, and
  `mkdocs.structure.pages` above DEBUG, so anchors are validated under `-v` (that one logger's
  debug lines are lost under `-v`);
- takes every WARNING or ERROR an `mkdocs.*` logger emits (link and anchor validation, plugins)
  as a project failure (snippets/plumbing/failures.py): printed once, cause first, with the page
  line of the link when it can be found; MkDocs' console handler no longer prints those records;
- after every page was tried (`on_post_build`), prints the summary and raises `Abort`, so the
  exit code is non-zero. Under `mkdocs serve` it prints the summary and keeps serving.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from mkdocs.exceptions import Abort

from snippets.plumbing import failures

LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:a|an [a-z ]+) link '(?P<link>[^']+)'")

_state = {"command": "build", "docs_dir": None, "summarised": False}


class _TakeWarnings(logging.Handler):
    """Every WARNING+ record of an `mkdocs.*` logger becomes a failure of the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        page = None
        link = LINK.search(message)
        if link and _state["docs_dir"]:
            page = f"docs/{link['page']}"
            line = _line_of(Path(_state["docs_dir"]) / link["page"], link["link"])
            page = f"{page}:{line}" if line else page
        kind = "link" if link else record.name.removeprefix("mkdocs.")
        failures.report(message, page=page, kind=kind)


class _NotTwice(logging.Filter):
    """On MkDocs' console handler: warnings are printed by `failures`, not again by MkDocs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING


def _line_of(path: Path, link: str) -> int | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    for candidate in (f"({link})", f"({link} ", link):
        at = text.find(candidate)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


_handler = _TakeWarnings()


def on_startup(command: str, dirty: bool) -> None:
    _state["command"] = command
    logger = logging.getLogger("mkdocs")
    if logger.getEffectiveLevel() > logging.WARNING:  # -q
        logger.setLevel(logging.WARNING)
    pages = logging.getLogger("mkdocs.structure.pages")
    if pages.getEffectiveLevel() <= logging.DEBUG:  # -v
        pages.setLevel(logging.INFO)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
    for console in logger.handlers:
        if console.name == "MkDocsStreamHandler" and not any(
            isinstance(f, _NotTwice) for f in console.filters
        ):
            console.addFilter(_NotTwice())


def on_config(config):
    _state["docs_dir"] = config["docs_dir"]
    return config


def on_pre_build(config) -> None:
    failures.reset()
    _state["summarised"] = False


def _summarise() -> None:
    if failures.FAILURES and not _state["summarised"]:
        _state["summarised"] = True
        print(failures.summary(), file=sys.stderr, flush=True)


def on_build_error(error: Exception) -> None:
    """The build crashed (or this hook aborted it): show what had failed, root causes first."""
    _summarise()


def on_post_build(config) -> None:
    if not failures.FAILURES:
        return
    _summarise()
    if _state["command"] != "serve":
        raise Abort(f"Aborted: {len(failures.roots())} failure(s) (see above).")
