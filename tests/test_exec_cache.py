"""The execution cache (EXEC_CACHE=1) is never stale: each input a block depends on forces a re-run,
and a cached rebuild of the real site is byte-identical to a fresh build.

Most tests build a small probe project (a copy of this one reduced to one page written here,
whose blocks import a helper that imports another, read a data file under snippets/, a file
outside it, an environment variable, the page context and their session) with a warm cache,
change exactly one input, rebuild with the cache and check from the per-block timings
(EXEC_TIMINGS) which blocks were reused, and from the HTML that the output is current.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sitebuild import MKDOCS, build_env, copy_project, keep_only_page

from snippets.plumbing import exec_cache

PROBE_PAGE = """# Cache probe

The probe's answer is {{ probe.answer = 42 }}.

```python exec="on" session="probe"
from snippets.cache_probe import describe

value = describe()
print(value)
```

```python exec="on" html="1" session="probe"
from snippets.cache_probe import figure

print(figure("probe-first", "first"))
```

```python exec="on" session="probe"
print(f"later block sees: {value}")
```

```python exec="on" html="1"
from snippets.cache_probe import context_line, figure

print(figure("probe-second", "second"))
print(context_line())
```

The end of the page.
"""

PROBE_MODULE = '''"""Written by tests/test_exec_cache.py into a copied project: what the probe page calls."""

import os
from pathlib import Path

from snippets.cache_probe_helper import HELPER_MARK
from snippets.plumbing.drawn import decorative
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.page_context import page
from snippets.plumbing.values import value

HERE = Path(__file__).resolve().parent


@value("probe.answer", statement="the probe's answer")
def answer() -> int:
    return 42


def describe() -> str:
    data = (HERE / "data" / "cache_probe.txt").read_text().strip()
    outside = (HERE.parent / "docs" / "probe-input.txt").read_text().strip()
    env = os.environ.get("CACHE_PROBE", "-")
    return f"probe: helper={HELPER_MARK} data={data} outside={outside} env={env}"


def figure(figure_id: str, caption: str) -> str:
    fig, ax = new_figure(2, 1)
    (line,) = ax.plot([0, 1], [0, 1])
    decorative(line, "a probe of the execution cache: the line states no result")
    return figure_html(fig, figure_id=figure_id, title=caption, description=caption, caption=caption)


def context_line() -> str:
    return "<p>claims: " + ", ".join(f"{c.key}@{c.line}" for c in page().claims) + "</p>"
'''

BLOCKS = ["A (session, reads helper, data, env)", "B (figure 1)", "C (reads A's name)", "D (figure 2)"]


# One date for every build here: the Makefile's is the last commit's, which other work may move
# while the tests run, and SOURCE_DATE_EPOCH is (rightly) part of the cache key.
EPOCH = build_env()["SOURCE_DATE_EPOCH"]


def _env() -> dict[str, str]:
    env = build_env()
    env["SOURCE_DATE_EPOCH"] = EPOCH
    for name in ("EXEC_CACHE", "EXEC_TIMINGS", "EXEC_CACHE_DIR", "EXEC_CACHE_EXPLAIN"):
        env.pop(name, None)
    return env


def cached_build(project: Path, site: Path, **extra: str) -> list[bool]:
    """A strict build with EXEC_CACHE=1; returns, per block in page order, whether it was reused."""
    timings = project / "build" / "timings.jsonl"
    timings.parent.mkdir(parents=True, exist_ok=True)
    timings.unlink(missing_ok=True)
    env = _env()
    env.update(PYTHONPATH=str(project), EXEC_CACHE="1", EXEC_TIMINGS=str(timings),
               EXEC_CACHE_EXPLAIN=str(project / "build" / "explain.jsonl"))
    env.update(extra)
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"cached build failed:\n{result.stdout}\n{result.stderr}"
    return [json.loads(line)["reused"] for line in timings.read_text().splitlines()]


def fresh_build(project: Path, site: Path) -> None:
    """What `make site` does: no cache."""
    env = _env()
    env["PYTHONPATH"] = str(project)
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"fresh build failed:\n{result.stdout}\n{result.stderr}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(a: Path, b: Path) -> None:
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right)
    differing = [name for name in left if left[name] != right[name]]
    assert not differing, f"cached and fresh builds differ in {differing}"


@pytest.fixture(scope="module")
def warm_probe(tmp_path_factory) -> Path:
    """The probe project, built once with the cache so that every block is stored."""
    project = copy_project(tmp_path_factory.mktemp("probe") / "project")
    shutil.rmtree(project / "build", ignore_errors=True)
    for module in (project / "snippets").glob("*.py"):
        if module.name != "__init__.py":
            module.unlink()  # the question modules: the probe page needs none of them
    shutil.rmtree(project / "snippets" / "data", ignore_errors=True)
    (project / "snippets" / "data").mkdir()
    (project / "snippets" / "data" / "cache_probe.txt").write_text("d1\n")
    (project / "snippets" / "cache_probe.py").write_text(PROBE_MODULE)
    (project / "snippets" / "cache_probe_helper.py").write_text('HELPER_MARK = "h1"\n')
    (project / "docs" / "probe.md").write_text(PROBE_PAGE)
    (project / "docs" / "probe-input.txt").write_text("o1\n")
    keep_only_page(project, "probe.md")
    reused = cached_build(project, project / "site-cold")
    assert reused == [False] * 4, "a cold cache reuses nothing"
    return project


def _sources(project: Path) -> dict[Path, bytes]:
    found = {project / "requirements.lock": (project / "requirements.lock").read_bytes()}
    for folder in ("docs", "snippets"):
        for path in (project / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path] = path.read_bytes()
    return found


@pytest.fixture
def probe(warm_probe) -> Path:
    """The warmed probe project for one test to change; its sources are put back afterwards.

    The same folder throughout (a copy elsewhere would change PYTHONPATH, which is part of the
    key, and every block would re-run); the cache keeps what each test stored.
    """
    before = _sources(warm_probe)
    yield warm_probe
    after = _sources(warm_probe)
    for path in after.keys() - before.keys():
        path.unlink()
    for path, data in before.items():
        if after.get(path) != data:
            path.write_bytes(data)


def html(project: Path, site: str = "site") -> str:
    return (project / site / "probe.html").read_text(encoding="utf-8")


def test_unchanged_inputs_reuse_every_block_and_give_the_same_site(probe):
    assert cached_build(probe, probe / "site") == [True] * 4
    assert_same_site(probe / "site-cold", probe / "site")
    page = html(probe)
    assert "Figure 1." in page and "Figure 2." in page, "figure numbers restored from the cache"
    assert "later block sees: probe: helper=h1 data=d1 outside=o1 env=-" in page


def test_prose_edit_reuses_every_block(probe):
    edit(probe / "docs" / "probe.md", "The end of the page.", "The end of the edited page.")
    assert cached_build(probe, probe / "site") == [True] * 4
    assert "The end of the edited page." in html(probe)


def test_changing_a_module_that_a_snippet_imports_reruns_every_block(probe):
    edit(probe / "snippets" / "cache_probe_helper.py", '"h1"', '"h2"')
    assert cached_build(probe, probe / "site") == [False] * 4
    assert "later block sees: probe: helper=h2" in html(probe)


def test_changing_a_plumbing_helper_reruns_every_block(probe):
    figures = probe / "snippets" / "plumbing" / "figures.py"
    figures.write_text(
        figures.read_text(encoding="utf-8")
        + "\n\n_figure_html = figure_html\n\n\n"
        "def figure_html(*args, **kwargs):\n"
        '    return _figure_html(*args, **kwargs) + "<!-- plumbing edited -->"\n',
        encoding="utf-8",
    )
    assert cached_build(probe, probe / "site") == [False] * 4
    assert html(probe).count("<!-- plumbing edited -->") == 2


def test_changing_the_snippet_itself_reruns_every_block(probe):
    edit(probe / "snippets" / "cache_probe.py", 'f"probe: helper', 'f"probe (edited): helper')
    assert cached_build(probe, probe / "site") == [False] * 4
    assert "later block sees: probe (edited): helper=h1" in html(probe)


def test_changing_a_data_file_under_snippets_reruns_every_block(probe):
    (probe / "snippets" / "data" / "cache_probe.txt").write_text("d2\n")
    assert cached_build(probe, probe / "site") == [False] * 4
    assert "data=d2" in html(probe)


def test_changing_a_file_a_block_read_reruns_it_and_every_block_after_it(probe):
    # Outside snippets/: known only because the block opened it (recorded by the audit hook).
    (probe / "docs" / "probe-input.txt").write_text("o2\n")
    assert cached_build(probe, probe / "site") == [False] * 4
    assert "later block sees: probe: helper=h1 data=d1 outside=o2" in html(probe)
    # Back to the first content: every block of that state is still stored, and still right.
    (probe / "docs" / "probe-input.txt").write_text("o1\n")
    assert cached_build(probe, probe / "site") == [True] * 4
    assert "later block sees: probe: helper=h1 data=d1 outside=o1" in html(probe)


def test_changing_a_blocks_options_reruns_it_and_the_blocks_after_it(probe):
    page = probe / "docs" / "probe.md"
    edit(page, 'session="probe"\nprint(f"later', 'session="probe" source="above"\nprint(f"later')
    # C reads `value`, bound by A, which came from the cache: A is replayed first, silently.
    assert cached_build(probe, probe / "site") == [True, True, False, False]
    page_html = html(probe)
    assert "later block sees: probe: helper=h1 data=d1 outside=o1 env=-" in page_html
    assert page_html.count('<span class="sa">f</span>') >= 1, "C's source is now shown"
    assert "Figure 2." in page_html


def test_changing_an_earlier_block_reruns_the_blocks_after_it(probe):
    edit(probe / "docs" / "probe.md", 'print(figure("probe-first", "first"))',
         'print(figure("probe-first", "first, edited"))')
    assert cached_build(probe, probe / "site") == [True, False, False, False]
    assert "first, edited" in html(probe) and "Figure 2." in html(probe)


def test_changing_the_page_context_reruns_the_blocks(probe):
    # A second prose value on the same line: no block moves, but the page context (its claims),
    # which every block starts from and block D prints, differs.
    edit(probe / "docs" / "probe.md", "{{ probe.answer = 42 }}.",
         "{{ probe.answer = 42 }}, twice: {{ probe.answer = 42 }}.")
    assert cached_build(probe, probe / "site") == [False] * 4
    assert "claims: probe.answer@3, probe.answer@3" in html(probe)


def test_changing_the_lock_file_reruns_every_block(probe):
    lock = probe / "requirements.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "# a changed pin\n", encoding="utf-8")
    assert cached_build(probe, probe / "site") == [False] * 4


def test_changing_an_environment_variable_reruns_every_block(probe):
    assert cached_build(probe, probe / "site", CACHE_PROBE="x") == [False] * 4
    assert "env=x" in html(probe)
    assert cached_build(probe, probe / "site", SOURCE_DATE_EPOCH="12345") == [False] * 4


def test_the_python_version_is_part_of_the_key(monkeypatch):
    before = exec_cache.project_fingerprint(None)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert exec_cache.project_fingerprint(None)["python"] != before["python"]


def test_a_long_lived_process_never_stores_output_of_code_loaded_before_an_edit(probe):
    """As under `mkdocs serve`: builds in one process with edits in between."""
    script = f"""
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project = Path({str(probe)!r})
def run(site):
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / site)))
    return (project / site / "probe.html").read_text()

first = run("s1")
helper = project / "snippets" / "cache_probe_helper.py"
helper.write_text('HELPER_MARK = "h3"\\n')
second = run("s2")  # a question-level module changed: reloaded, output current
assert "helper=h3" in second, "the edited module was not reloaded"
figures = project / "snippets" / "plumbing" / "figures.py"
figures.write_text(figures.read_text() + "\\n_f = figure_html\\n\\n\\ndef figure_html(*a, **k):\\n"
                   "    return _f(*a, **k) + '<!-- plumbing edited -->'\\n")
run("s3")  # plumbing changed: this process cannot reload it, so it must not store anything
from snippets.plumbing.exec_cache import CACHE
assert CACHE.disabled_reason, "the cache should be off after a plumbing edit"
print("ok")
"""
    env = _env()
    env.update(PYTHONPATH=str(probe), EXEC_CACHE="1")
    result = subprocess.run([sys.executable, "-c", script], cwd=probe, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "ok" in result.stdout, result.stdout + result.stderr
    # A new process (a restarted server) sees the plumbing edit: nothing stale was stored.
    assert cached_build(probe, probe / "site") == [False] * 4
    assert html(probe).count("<!-- plumbing edited -->") == 2


# --- the real site ------------------------------------------------------------------------


def _prose_line(page: Path) -> int:
    """Index of a plain prose line (no math, no prose value, outside fences) to reword."""
    lines = page.read_text(encoding="utf-8").splitlines()
    fenced = False
    for number, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and line[:1].isalpha() and "$" not in line and "{{" not in line and len(line) > 40:
            return number
    raise AssertionError(f"no plain prose line in {page}")


def _both(first, second):
    """Run two builds side by side (they write different folders): the machine has two cores."""
    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(first), pool.submit(second)
        return a.result(), b.result()


@pytest.mark.build
def test_cached_builds_of_the_site_are_byte_identical_to_fresh_builds(request, tmp_path):
    """Cold cache, warm cache, and warm cache after a prose edit: each equals a fresh build."""
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "build", ignore_errors=True)
    cold = cached_build(project, tmp_path / "cold")
    assert not any(cold)
    # The fresh build of the unedited sources is the session's strict build of the tree the copy
    # was made from (asked for only now, so that this worker builds while another one makes it).
    fresh = request.getfixturevalue("built_site")
    assert_same_site(fresh, tmp_path / "cold")
    warm = cached_build(project, tmp_path / "warm")
    assert all(warm), f"{warm.count(False)} of {len(warm)} blocks were not reused"
    assert_same_site(fresh, tmp_path / "warm")

    # A prose edit: blocks reading the pages' prose values (summaries, ledger) re-run, the rest
    # come from the cache, and the site is still exactly what a fresh build makes.
    page = sorted((project / "docs").glob("question-*/*.md"))[0]
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    number = _prose_line(page)
    lines[number] = lines[number].rstrip("\n") + " (reworded)\n"
    page.write_text("".join(lines), encoding="utf-8")
    edited, _ = _both(lambda: cached_build(project, tmp_path / "edited"),
                      lambda: fresh_build(project, tmp_path / "fresh-edited"))
    assert any(edited) and not all(edited), edited
    assert_same_site(tmp_path / "fresh-edited", tmp_path / "edited")
    built_page = tmp_path / "edited" / page.relative_to(project / "docs").with_suffix(".html")
    assert "(reworded)" in built_page.read_text(encoding="utf-8")


def test_make_site_and_make_test_never_turn_the_cache_on():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    recipes: dict[str, list[str]] = {}
    target = None
    for line in makefile.splitlines():
        if line and not line.startswith(("\t", "#", " ")) and ":" in line and "=" not in line:
            target = line.split(":", 1)[0].strip()
            recipes[target] = []
        elif line.startswith("\t") and target:
            recipes[target].append(line)
    for name in ("site", "test"):
        assert not any("EXEC_CACHE" in line for line in recipes[name]), name
    assert "EXEC_CACHE" not in os.environ or os.environ["EXEC_CACHE"] in {"", "0"}, (
        "the test suite must run without the execution cache"
    )
