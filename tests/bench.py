"""Benchmark: the cold strict build against its floor, page weight, live preview, the test suite.

Run with `make bench` (or `.venv/bin/python tests/bench.py --runs 5`). Not a test: pytest does
not collect it (its name does not start with `test_`). It prints, as medians of `--runs` runs:

- the wall time of a cold, strict, full build (`mkdocs build --strict --clean` in a fresh
  process, no execution cache), and each executing block's time in that build;
- the floor, measured in the same run: every executing block of docs/ run in one Python
  process (timed from the first block to the last, imports included) plus a Material build of
  the same pages with execution turned off (python fences only highlighted, prose values left
  as written, since the blocks half computes each of them; math still rendered; not strict,
  since links to headings that blocks print have no target then); and the ratio build / floor;
- what a reader downloads per page, as headless Chromium loads it from a local server: HTML,
  CSS, fonts, JavaScript (and the inline SVG within the HTML), raw and gzipped;
- Lighthouse (pinned in package.json, tests/lighthouse.py) on every page: its mobile preset, the
  site served gzipped; performance, accessibility, best practices, SEO and total blocking time,
  the medians of five runs for a page whose first run is near a target, with the worst run;
- a live-preview rebuild after a prose-only edit: `mkdocs serve` with EXEC_CACHE=1, as logged
  by MkDocs ("Documentation built in …"), and a warm-cache build in a fresh process for
  comparison;
- the wall time of the whole test suite (`pytest`, run once unless `--test-runs` says more).

Targets (from the issues): build within 1.3x its floor, no block over 1 s, every page under
250 KB gzipped including fonts, Lighthouse performance >= 90 with total blocking time <= 200 ms on
every page, the test suite under 3 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lighthouse  # noqa: E402
from browser import chromium_path, launch, serve  # noqa: E402
from sitebuild import MKDOCS, ROOT, build_env, copy_project  # noqa: E402

PYTHON = sys.executable
TARGET_RATIO, TARGET_BLOCK, TARGET_PAGE_KB, TARGET_TESTS = 1.3, 1.0, 250.0, 180.0
TARGET_PREVIEW = 1.5
KB = 1000.0


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": _memory(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "commit": commit + (" (+ uncommitted changes)" if dirty else ""),
    }


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def env(**extra: str) -> dict[str, str]:
    environment = build_env()
    environment["PYTHONPATH"] = str(ROOT)
    for name in ("EXEC_CACHE", "EXEC_TIMINGS", "EXEC_CACHE_DIR"):
        environment.pop(name, None)
    environment.update(extra)
    return environment


def run(command: list[str], *, cwd: Path = ROOT, **extra: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env(**extra), capture_output=True, text=True,
                            timeout=1800)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-5000:] + result.stderr[-5000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(command)}")
    return elapsed, result


# --- the build and its floor ------------------------------------------------------------------


def cold_build(site: Path, timings: Path) -> tuple[float, dict[str, float]]:
    """A strict full build in a fresh process, no cache; per-block times from EXEC_TIMINGS."""
    timings.unlink(missing_ok=True)
    elapsed, _ = run([str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(site)],
                     EXEC_TIMINGS=str(timings))
    blocks = {}
    for line in timings.read_text().splitlines():
        record = json.loads(line)
        blocks[record["block"]] = blocks.get(record["block"], 0.0) + record["seconds"]
    return elapsed, blocks


FLOOR_EXEC = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from conftest import DOCS, page_examples
pages = sorted(DOCS.rglob("*.md"))
examples = [(page, page_examples(page)) for page in pages]
started = time.perf_counter()
count = 0
for page, found in examples:
    for example in found:
        example.evaluate()
        count += 1
print(json.dumps({"seconds": time.perf_counter() - started, "blocks": count}))
"""


def floor_exec() -> tuple[float, int]:
    """Every executing block of docs/ in one Python process, timed from first to last block."""
    _, result = run([PYTHON, "-c", FLOOR_EXEC, str(ROOT / "tests")])
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["seconds"], data["blocks"]


def noexec_config(directory: Path) -> Path:
    """mkdocs.yml with the python fence only highlighted (no execution), same pages and theme."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    replaced = text.replace(
        "!!python/name:snippets.plumbing.exec_blocks.validator",
        "!!python/name:pymdownx.superfences.default_validator",
    ).replace(
        "!!python/name:snippets.plumbing.exec_blocks.formatter",
        "!!python/name:pymdownx.superfences.fence_code_format",
    )
    if replaced == text:
        raise SystemExit("could not find the exec formatter in mkdocs.yml to turn execution off")
    # Prose values are computed by code too: the blocks-in-one-process half of the floor already
    # computes every one of them (page summaries, ledger), so they are not computed twice.
    replaced = re.sub(r"^\s*-\s+snippets\.plumbing\.inline_values\s*$\n", "", replaced, flags=re.M)
    replaced = re.sub(r"^docs_dir:.*$", f"docs_dir: {ROOT / 'docs'}", replaced, flags=re.M)
    # Not strict: links to headings that blocks print have no target when nothing runs.
    replaced = re.sub(r"^strict:.*$", "strict: false", replaced, flags=re.M)
    # Without execution, figures and the headings blocks print are missing, which the project's
    # own failure hook would turn into an abort: the floor measures rendering, so it goes.
    replaced = re.sub(r"^\s*-\s+snippets/plumbing/fail_build\.py\s*$\n", "", replaced, flags=re.M)
    replaced = re.sub(r"^(\s*custom_dir:\s*)(\S+)", lambda m: f"{m[1]}{ROOT / m[2]}", replaced, flags=re.M)
    # Paths relative to the config file (hooks) must still point into the project.
    replaced = re.sub(r"^(\s*-\s+)([\w./-]+\.py)\s*$", lambda m: f"{m[1]}{ROOT / m[2]}",
                      replaced, flags=re.M)
    if "docs_dir:" not in replaced:
        replaced = f"docs_dir: {ROOT / 'docs'}\n" + replaced
    config = directory / "mkdocs.noexec.yml"
    config.write_text(replaced, encoding="utf-8")
    return config


def floor_render(config: Path, site: Path) -> float:
    """A Material build of the same pages with execution off (a fresh process)."""
    elapsed, _ = run([str(MKDOCS), "build", "--clean", "-f", str(config), "--site-dir", str(site)])
    return elapsed


# --- what a reader downloads ----------------------------------------------------------------


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


SVG = re.compile(rb"<svg\b.*?</svg>", re.S)
READER = ("html", "css", "fonts")  # what the target counts (the inline SVG is inside the HTML)


def page_weights(site: Path) -> list[dict[str, object]]:
    """Per page: bytes Chromium fetched (by kind), raw and gzipped, from a local static server."""
    from playwright.sync_api import sync_playwright

    if chromium_path() is None:
        raise SystemExit("page weights need Chromium (apt-get install chromium), or --no-pages")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    rows = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for page_path in pages:
                fetched: dict[str, str] = {}
                context = browser.new_context()
                page = context.new_page()
                page.on("requestfinished", lambda r, f=fetched: f.setdefault(r.url, r.resource_type))
                page.goto(base + page_path, wait_until="networkidle")
                page.wait_for_timeout(300)
                context.close()
                kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
                for url, kind in fetched.items():
                    if not url.startswith(base):
                        kinds["third-party"][0] += 1  # there must be none
                        continue
                    local = site / url[len(base):].split("?")[0].split("#")[0]
                    if not local.is_file():
                        continue
                    data = local.read_bytes()
                    label = {"document": "html", "stylesheet": "css", "font": "fonts",
                             "script": "js", "xhr": "search index", "fetch": "search index"
                             }.get(kind, "other")
                    kinds[label][0] += len(data)
                    # A server sends a resource compressed only if that makes it smaller (woff2 no).
                    kinds[label][1] += min(len(data), gz(data))
                html = (site / page_path).read_bytes()
                svg = b"".join(SVG.findall(html))
                kinds["inline svg"] = [len(svg), gz(svg)]
                measured = [k for k in kinds if k in READER]
                everything = [k for k in kinds if k != "inline svg"]
                rows.append({
                    "page": page_path, "kinds": dict(kinds),
                    "raw": sum(kinds[k][0] for k in measured), "gz": sum(kinds[k][1] for k in measured),
                    "all_raw": sum(kinds[k][0] for k in everything),
                    "all_gz": sum(kinds[k][1] for k in everything),
                })
        finally:
            browser.close()
    return rows


# --- live preview ---------------------------------------------------------------------------

BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


def prose_line(page: Path) -> int:
    """A prose line outside fences, admonitions, math and claims: the sentence the bench edits."""
    in_fence = in_math = False
    lines = page.read_text(encoding="utf-8").splitlines()
    # Front matter (the page's meta description) is not prose: start after its closing ---.
    start = lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0
    for number, line in enumerate(lines):
        if number < start:
            continue
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if stripped == "$$":
            in_math = not in_math
            continue
        if in_fence or in_math or not stripped or line.startswith((" ", "\t")):
            continue
        if stripped[0].isalpha() and "{{" not in line and "$" not in line and len(stripped) > 40:
            return number
    raise SystemExit(f"no plain prose line in {page}")


def live_preview(edits: int) -> dict[str, object]:
    """`mkdocs serve` with EXEC_CACHE=1 in a copy; rebuild times after prose-only edits."""
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        project = copy_project(Path(tmp) / "project")
        cache = Path(tmp) / "exec-cache"
        pages = sorted((project / "docs").glob("question-*/*.md"))
        page = pages[-1] if pages else project / "docs" / "index.md"
        number = prose_line(page)
        log_path = Path(tmp) / "serve.log"
        extra = {"EXEC_CACHE": "1", "EXEC_CACHE_DIR": str(cache), "PYTHONPATH": str(project)}
        with log_path.open("w") as log_file:
            server = subprocess.Popen(
                [str(MKDOCS), "serve", "--livereload", "-a", _free_addr()],
                cwd=project, env=env(**extra), stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_for(log_path, lambda text: "Serving on" in text, 300)
            first = [float(x) for x in BUILT.findall(log_path.read_text())]
            rebuilds = []
            for _ in range(edits):
                lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
                line = lines[number].rstrip("\n")
                lines[number] = (line[:-9] if line.endswith(" (edited)") else line + " (edited)") + "\n"
                before = len(BUILT.findall(log_path.read_text()))
                page.write_text("".join(lines), encoding="utf-8")
                _wait_for(log_path, lambda text, n=before: len(BUILT.findall(text)) > n, 120)
                rebuilds.append(float(BUILT.findall(log_path.read_text())[-1]))
                time.sleep(0.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        # The proxy: a whole build in a fresh process, cache warm, after one more prose edit.
        warm = []
        for _ in range(max(1, min(edits, 3))):
            lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
            line = lines[number].rstrip("\n")
            lines[number] = (line[:-9] if line.endswith(" (edited)") else line + " (edited)") + "\n"
            page.write_text("".join(lines), encoding="utf-8")
            elapsed, _ = run([str(MKDOCS), "build", "--strict", "--site-dir", str(Path(tmp) / "w")],
                             cwd=project, **extra)
            warm.append(elapsed)
        return {"page": page.relative_to(project / "docs").as_posix(), "line": number + 1,
                "first build (s, cache cold)": first[0] if first else None,
                "serve rebuilds (s)": rebuilds, "warm fresh-process builds (s)": warm}


def _free_addr() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _wait_for(path: Path, condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace")
        if condition(text):
            return
        if "Aborted" in text or "Traceback" in text:
            raise SystemExit(f"mkdocs serve failed:\n{text[-3000:]}")
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for mkdocs serve:\n{path.read_text()[-3000:]}")


# --- the test suite -------------------------------------------------------------------------


def test_suite() -> float:
    started = time.perf_counter()
    result = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                            env=env(), capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - started
    tail = result.stdout.strip().splitlines()[-1:] or ["?"]
    print(f"  pytest: {tail[0]}")
    if result.returncode != 0:
        print(result.stdout[-3000:])
    return elapsed


# --- report ---------------------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)),
                        help="cold builds and floors to take the median of (>= 3)")
    parser.add_argument("--test-runs", type=int, default=1, help="test-suite runs (0 to skip)")
    parser.add_argument("--edits", type=int, default=5, help="prose edits under mkdocs serve (0 to skip)")
    parser.add_argument("--no-pages", action="store_true", help="skip the page weights (no Chromium)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse (no Chromium)")
    parser.add_argument("--lighthouse-runs", type=int, default=1,
                        help="Lighthouse runs per page (a page near a target gets at least 5)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3 (medians)")

    info = machine()
    print("Machine")
    for key, value in info.items():
        print(f"  {key:24} {value}")
    print(f"  command                  {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}")
    report: dict[str, object] = {"machine": info, "runs": args.runs}
    ok = True

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp_path = Path(tmp)
        config = noexec_config(tmp_path)
        builds, floors_exec, floors_render, per_block = [], [], [], defaultdict(list)
        blocks_count = 0
        for index in range(args.runs):  # interleaved, so both sides see the same machine load
            elapsed, blocks = cold_build(tmp_path / "site", tmp_path / "timings.jsonl")
            builds.append(elapsed)
            for block, seconds in blocks.items():
                per_block[block].append(seconds)
            seconds, blocks_count = floor_exec()
            floors_exec.append(seconds)
            floors_render.append(floor_render(config, tmp_path / "site-noexec"))
            print(f"  run {index + 1}/{args.runs}: build {elapsed:.2f} s, floor "
                  f"{floors_exec[-1]:.2f} + {floors_render[-1]:.2f} s", flush=True)
        floor = med([e + r for e, r in zip(floors_exec, floors_render, strict=True)])
        build = med(builds)
        ratio = build / floor
        ok &= ratio <= TARGET_RATIO
        print("\nCold strict full build (fresh process, no cache), medians of", args.runs, "runs")
        print(f"  build                     {build:6.2f} s   (min {min(builds):.2f}, max {max(builds):.2f})")
        print(f"  floor                     {floor:6.2f} s   = blocks in one process "
              f"{med(floors_exec):.2f} s ({blocks_count} blocks) + build with execution off "
              f"{med(floors_render):.2f} s")
        print(f"  ratio build / floor       {ratio:6.2f}     target <= {TARGET_RATIO}: "
              f"{verdict(ratio <= TARGET_RATIO)}")
        block_medians = {b: med(v) for b, v in per_block.items()}
        slow = {b: s for b, s in block_medians.items() if s > TARGET_BLOCK}
        ok &= not slow
        print(f"\nBlocks: {len(block_medians)} executing blocks, "
              f"{sum(block_medians.values()):.2f} s in total (median per block over the runs); "
              "slowest first:")
        for block, seconds in sorted(block_medians.items(), key=lambda kv: -kv[1]):
            print(f"  {seconds:7.3f} s  {block}{'   > 1 s' if seconds > TARGET_BLOCK else ''}")
        print(f"  no block over {TARGET_BLOCK:g} s: {verdict(not slow)}")
        report.update(build=build, builds=builds, floor=floor, floor_exec=floors_exec,
                      floor_render=floors_render, ratio=ratio, blocks=block_medians)

        if not args.no_pages:
            rows = page_weights(tmp_path / "site")
            worst = max(r["gz"] for r in rows) / KB
            ok &= worst < TARGET_PAGE_KB
            print("\nWhat a reader downloads per page: Chromium loading it from a local server; "
                  "KB = 1000 bytes, raw / gzip -6 (woff2 fonts as they are)")
            print("  'page' = HTML (inline SVG figures included) + CSS + fonts, the target's measure; "
                  "'all' adds JS, Material's search index and the favicon")
            columns = ["html", "inline svg", "css", "fonts", "js", "search index"]

            def cell(raw: float, packed: float) -> str:
                return f"{f'{raw / KB:.1f} / {packed / KB:.1f}':>15}"

            print(f"  {'':20}" + "".join(f"{k:>15}" for k in columns) + f"{'page':>15}{'all':>15}")
            for row in rows:
                cells = "".join(cell(*row["kinds"].get(k, [0, 0])) for k in columns)
                print(f"  {row['page']:20}{cells}{cell(row['raw'], row['gz'])}"
                      f"{cell(row['all_raw'], row['all_gz'])}")
                if "third-party" in row["kinds"]:
                    print(f"  {'':20}THIRD-PARTY REQUESTS: {row['kinds']['third-party'][0]}")
            print(f"  heaviest page {worst:.1f} KB gzipped (HTML + CSS + fonts); target < "
                  f"{TARGET_PAGE_KB:g} KB: {verdict(worst < TARGET_PAGE_KB)}; with JS and the search "
                  f"index, at most {max(r['all_gz'] for r in rows) / KB:.1f} KB")
            report["pages"] = rows

        if not args.no_lighthouse:
            pages = sorted(p.relative_to(tmp_path / "site").as_posix()
                           for p in (tmp_path / "site").rglob("*.html"))
            scores = lighthouse.audit_site(tmp_path / "site", pages, args.lighthouse_runs)
            met = all(lighthouse.meets_target(s) for s in scores.values())
            ok &= met
            print(f"\nLighthouse (mobile preset, served gzipped from 127.0.0.1), {args.lighthouse_runs} "
                  f"run(s) per page, {lighthouse.RUNS_NEAR} for a page whose first run is near a target "
                  f"(performance < {lighthouse.NEAR_PERFORMANCE} or TBT > {lighthouse.NEAR_TBT_MS} ms); "
                  "medians, the worst run in brackets")
            lighthouse.print_table(scores)
            print(f"  performance >= {lighthouse.TARGET_PERFORMANCE} and total blocking time <= "
                  f"{lighthouse.TARGET_TBT_MS} ms on every page: {verdict(met)}")
            report["lighthouse"] = scores

    if args.edits:
        preview = live_preview(args.edits)
        rebuild = med(preview["serve rebuilds (s)"])
        ok &= rebuild <= TARGET_PREVIEW
        print(f"\nLive preview: prose-only edit of docs/{preview['page']}:{preview['line']}, "
              "`mkdocs serve --livereload` with EXEC_CACHE=1")
        print(f"  first build (cache cold)  {preview['first build (s, cache cold)']:.2f} s")
        print(f"  rebuild after the edit    {rebuild:.2f} s median of {len(preview['serve rebuilds (s)'])} "
              f"({', '.join(f'{x:.2f}' for x in preview['serve rebuilds (s)'])}; MkDocs' own "
              f"'Documentation built in' figure); target <= {TARGET_PREVIEW} s: "
              f"{verdict(rebuild <= TARGET_PREVIEW)}")
        print(f"  proxy: whole warm-cache build in a fresh process "
              f"{med(preview['warm fresh-process builds (s)']):.2f} s (interpreter, imports and every "
              "check the prose-dependent blocks need, included)")
        report["preview"] = preview

    if args.test_runs:
        print("\nTest suite (`python -m pytest`), wall time")
        suites = [test_suite() for _ in range(args.test_runs)]
        suite = med(suites)
        ok &= suite < TARGET_TESTS
        print(f"  {suite:.1f} s (median of {len(suites)}); target < {TARGET_TESTS:g} s on "
              f"{os.cpu_count()} cores: {verdict(suite < TARGET_TESTS)}")
        report["tests"] = suites

    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print("\nAll targets met." if ok else "\nSome targets missed (see above).")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
