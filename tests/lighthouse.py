"""Lighthouse (pinned in package.json) on every built page: mobile preset, served gzipped, Debian's Chromium.

Used by `make bench` (tests/bench.py); run alone with `.venv/bin/python tests/lighthouse.py SITE_DIR`.
Each page is audited in a fresh Chromium, one page after the other (the scores measure time).
A score measures one load, and loads of one page vary: a page whose first run falls short of a
target or comes near one is run again, and its figures are the medians of its runs, shown beside
the worst run (Lighthouse's docs/variability.md: "The median Lighthouse score of 5 runs is twice
as stable as 1 run").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import CHROMIUM_ARGS, ROOT, chromium_path, serve  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Targets from the issue: performance >= 90 with total blocking time <= 200 ms, on every page.
TARGET_PERFORMANCE, TARGET_TBT_MS = 90, 200
# A first run this close to a target is not taken alone: the page is run until it has RUNS_NEAR.
NEAR_PERFORMANCE, NEAR_TBT_MS = TARGET_PERFORMANCE + 5, TARGET_TBT_MS - 50
RUNS_NEAR = 5


def audit(url: str, report: Path) -> dict[str, float]:
    """One Lighthouse run, run again once if Lighthouse could not measure the page (NO_FCP: seen
    under a heavy load, when headless Chromium painted nothing); scores 0-100 and TBT in ms."""
    try:
        return _audit_once(url, report)
    except Unmeasured:
        return _audit_once(url, report)


class Unmeasured(RuntimeError):
    """Lighthouse ran but could not measure the page (an audit in error, e.g. NO_FCP)."""


def _audit_once(url: str, report: Path) -> dict[str, float]:
    """One Lighthouse run (its default: a mid-range phone, throttled); scores 0-100 and TBT in ms."""
    executable = chromium_path()
    if executable is None:
        raise SystemExit("Lighthouse needs Chromium (apt-get install chromium) or $CHROMIUM")
    if not LIGHTHOUSE.is_file():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` (the Makefile does)")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        "node", str(LIGHTHOUSE), url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json", f"--output-path={report}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": executable},
        timeout=300, check=False,
    )
    if result.returncode != 0 or not report.is_file():
        raise RuntimeError(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    failed = {name: data["audits"][name].get("errorMessage") for name in ("total-blocking-time", "dom-size")
              if "numericValue" not in data["audits"][name]}
    if failed or any(data["categories"][name]["score"] is None for name in CATEGORIES):
        raise Unmeasured(f"Lighthouse could not measure {url}: {failed or data.get('runtimeError')}")
    scores = {name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = data["audits"]
    scores["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["dom_nodes"] = int(audits["dom-size"].get("numericValue", 0))
    return scores


def audit_site(site: Path, pages: list[str], runs: int = 1) -> dict[str, dict[str, float]]:
    """Every page of a built site, served gzipped from 127.0.0.1: `runs` runs each, and
    RUNS_NEAR for a page whose first run is near a target; each figure the median of the runs."""
    results = {}
    with serve(site, compress=True) as base, tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        for index, page in enumerate(pages):
            report = Path(tmp) / f"{index}.json"
            done = [audit(base + page, report)]
            wanted = max(runs, RUNS_NEAR if near_target(done[0]) else 1)
            done += [audit(base + page, report) for _ in range(wanted - 1)]
            results[page] = summary(done)
    return results


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the runs, with the worst performance and TBT beside them."""
    figures = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    figures["runs"] = len(runs)
    figures["worst_performance"] = min(run["performance"] for run in runs)
    figures["worst_tbt_ms"] = max(run["tbt_ms"] for run in runs)
    return figures


def near_target(scores: dict[str, float]) -> bool:
    return scores["performance"] < NEAR_PERFORMANCE or scores["tbt_ms"] > NEAR_TBT_MS


def meets_target(scores: dict[str, float]) -> bool:
    return scores["performance"] >= TARGET_PERFORMANCE and scores["tbt_ms"] <= TARGET_TBT_MS


def print_table(results: dict[str, dict[str, float]]) -> None:
    """One row per page: medians over its runs; the worst performance and TBT in brackets."""
    print(f"  {'page':34}{'runs':>5}{'perf':>10}{'a11y':>6}{'best':>6}{'seo':>6}{'TBT ms':>13}{'DOM':>7}")
    for page, s in results.items():
        flag = "" if meets_target(s) else "   < target"
        runs = s["runs"]
        perf = f"{s['performance']:g}" + (f" ({s['worst_performance']:g})" if runs > 1 else "")
        tbt = f"{s['tbt_ms']:g}" + (f" ({s['worst_tbt_ms']:g})" if runs > 1 else "")
        print(f"  {page:34}{runs:>5}{perf:>10}{s['accessibility']:>6g}{s['best-practices']:>6g}"
              f"{s['seo']:>6g}{tbt:>13}{s['dom_nodes']:>7g}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site directory")
    parser.add_argument("pages", nargs="*", help="pages relative to the site (default: every page)")
    parser.add_argument("--runs", type=int, default=1,
                        help=f"runs per page (a page near a target gets at least {RUNS_NEAR})")
    args = parser.parse_args()
    pages = args.pages or sorted(p.relative_to(args.site).as_posix() for p in args.site.rglob("*.html"))
    results = audit_site(args.site, pages, args.runs)
    print_table(results)
    return 0 if all(meets_target(s) for s in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
