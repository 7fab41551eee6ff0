"""Shared fixtures: the docs' executing blocks parsed by Sybil (their output kept), and one strict build."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from forkbuild import ForkBuilder
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


def once_per_run(tmp_path_factory, worker_id: str, name: str, make: Callable[[Path], None]) -> Path:
    """`make(<the run's temporary directory>/name)`, once per test run, whichever worker asks first.

    Under xdist the other workers wait on a lock and share the result; it lives in this run's own
    temporary directory, so nothing is ever reused from an earlier run. A `make` that failed is not
    recorded: the next worker to ask makes it again (and fails for itself).
    """
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's directory, above each worker's popen-gwN
    target, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            make(target)
            done.touch()
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id) -> Path:
    """One strict build of the real project, shared by every test that inspects the HTML."""

    def make(site: Path) -> None:
        # Each block's output digest, beside the site: the determinism test names a block that differs.
        result = build(site, env={"EXEC_DIGESTS": str(site.parent / f"{site.name}.digests.jsonl")})
        assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"

    return once_per_run(tmp_path_factory, worker_id, "built-site", make)


@pytest.fixture(scope="session")
def xref_probe_site(tmp_path_factory, worker_id, fork_builder) -> Path:
    """The strict build of tests/test_xref.py's two-page probe, shared by the xref tests."""
    from test_xref import probe_project

    def make(folder: Path) -> None:
        result = fork_builder.build(probe_project(folder), folder / "site")
        assert result.returncode == 0, result.stdout + result.stderr

    return once_per_run(tmp_path_factory, worker_id, "xref-probe", make) / "site"


@pytest.fixture(scope="session")
def fork_builder():
    """One warmed-up build server per test process, for the many builds and runs of copied projects."""
    forked = ForkBuilder()
    yield forked
    forked.close()


# How the suite is shared between xdist's workers (`-n auto --dist loadfile`, pyproject's addopts):
# a module's tests run on one worker, in its one process, as they share fixtures (a probe build,
# the printed book: the two PDF modules are one unit). The browser tests share each page's visits,
# kept per process, so each page's tests are one unit (the tests of no page are one more). The
# drift and fault-matrix tests build independent copies, so they go one by one to whichever worker
# is free. Units are handed out in the order below (with --no-loadscope-reorder), the long modules
# first, so that none starts last and runs alone at the end; then the browser pages, the fully
# inspected ones (most tests) first, and the small units that fill the gaps; the rest follow in
# file order.
LONGEST_FIRST = (
    "test_exec_cache.py", "test_pdf.py", "test_xref_pdf.py", "test_zensical.py", "test_docs_blocks.py",
    "test_build_failures.py", "test_site.py", "test_xref.py", "test_browser.py", "test_drift.py",
    "test_html_valid.py", "test_fault_matrix.py", "test_site_plumbing.py", "test_xref_preview.py",
    "test_checks.py",
)
ONE_BY_ONE = {"test_drift.py", "test_fault_matrix.py"}
BY_PAGE = {"test_browser.py"}
PAGE_PARAMETER = re.compile(r"\[(?P<page>[^\]]*?\.html)")  # test_x[question-4/4a.html-375]
SAME_UNIT = {"test_xref_pdf.py": "test_pdf.py"}


def work_unit(nodeid: str) -> str:
    """The unit of work, as described above, that a test belongs to."""
    folder, _, module = nodeid.split("::", 1)[0].rpartition("/")
    if module in ONE_BY_ONE:
        return nodeid
    if module in BY_PAGE and (page := PAGE_PARAMETER.search(nodeid)):
        return f"{folder}/{module}::{page['page']}"
    return f"{folder}/{SAME_UNIT.get(module, module)}"


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    size = Counter(work_unit(item.nodeid) for item in items)

    def order(item):
        name = item.path.name
        return rank.get(name, len(LONGEST_FIRST)), -size[work_unit(item.nodeid)] if name in BY_PAGE else 0

    items.sort(key=order)


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than there are cores. The browser tests spend much of their time
    waiting for Chromium (network idle, fonts, animation frames): on 2 workers a fresh-clone CI run
    kept the 2 cores only two thirds busy (132 % CPU); a third worker runs other tests meanwhile."""
    return len(os.sched_getaffinity(0)) + 1


def pytest_xdist_make_scheduler(config, log):
    """loadfile, refined as above (xdist's loadgroup cannot do it: pytest 9 ignores its renaming)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Units(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return Units(config, log)
