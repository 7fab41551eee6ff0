"""Shared fixtures: the docs' executing blocks parsed by Sybil (their output kept), and one strict build."""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitebuild import ROOT, build
from sybil import Region, Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from snippets.plumbing import page_context

DOCS = ROOT / "docs"

# The info line of a block markdown-exec runs: ```python exec="on" ... (also "1", "true", "yes").
EXEC_INFO = re.compile(r'python\s+(?P<options>[^\n]*\bexec="(?:on|1|true|yes)"[^\n]*)$\n', re.MULTILINE)


def _run_block(example) -> None:
    """Run one block as the build would: in its page's namespace, with the page as context."""
    document = example.document
    path = Path(document.path).resolve()
    src_uri = path.relative_to(DOCS).as_posix()
    if page_context.current.src_uri != src_uri:
        page_context.current = page_context.PageContext(src_uri=src_uri, docs_dir=DOCS)
    line = document.text.count("\n", 0, example.region.lexemes["source"].offset + example.region.start) + 1
    code = compile("\n" * (line - 1) + example.parsed, str(path), "exec")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, example.namespace)  # noqa: S102 (this is the point: the docs' own code)
    html = bool(HTML_OUTPUT.search(example.region.lexemes["options"]))
    PRINTED[(src_uri, line)] = Printed(printed.getvalue(), html)


@dataclass(frozen=True)
class Printed:
    """What one block printed when pytest ran it, and whether markdown-exec inserts it as HTML."""

    text: str
    html: bool


# (page below docs/, line of the block's first code line) -> what the block printed under pytest.
PRINTED: dict[tuple[str, int], Printed] = {}
HTML_OUTPUT = re.compile(r'\bhtml="(?:on|1|true|yes)"')


class ExecBlockParser:
    """Sybil parser for the fences markdown-exec executes."""

    def __init__(self) -> None:
        self.lexer = RawFencedCodeBlockLexer(info_pattern=EXEC_INFO)

    def __call__(self, document):
        for lexed in self.lexer(document):
            yield Region(lexed.start, lexed.end, lexed.lexemes["source"], _run_block, lexed.lexemes)


DOCS_SYBIL = Sybil(parsers=[ExecBlockParser()], pattern="*.md", path=str(DOCS))


def page_examples(page: Path):
    """The executing blocks of one page, in order, as Sybil examples sharing the page's namespace."""
    return list(DOCS_SYBIL.parse(page))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One strict build of the real project, shared by every test that inspects the HTML."""
    site = tmp_path_factory.mktemp("site")
    # Each block's output digest, beside the site: the determinism test names a block that differs.
    result = build(site, env={"EXEC_DIGESTS": str(site.parent / f"{site.name}.digests.jsonl")})
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site
