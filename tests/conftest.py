"""Shared fixtures: the docs' executing blocks parsed by Sybil, and one strict build of the site."""

from __future__ import annotations

import contextlib
import io
import re
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
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, example.namespace)  # noqa: S102 (this is the point: the docs' own code)


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
    result = build(site)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site
