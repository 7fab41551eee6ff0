"""`make mutate`: judge a seeded sample of cosmic-ray mutants of the mathematics modules."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import cosmic_ray.plugins
from cosmic_ray.commands.init import init
from cosmic_ray.mutating import use_mutation
from cosmic_ray.work_db import WorkDB, use_db

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation_plan import (  # noqa: E402
    Mutant,
    draw_sample,
    judged_pages,
    keep_only_pages,
    mathematics_modules,
    module_tests,
)
from mutation_report import write_report  # noqa: E402
from sitebuild import MKDOCS, ROOT, build_env, copy_project  # noqa: E402

BUILD_TIMEOUT = 300  # a mutant that makes a build hang this long is counted as killed by the build
TEST_TIMEOUT = 600


def all_mutants(work: Path) -> list[Mutant]:
    """Every mutant cosmic-ray's default operators make of the mathematics modules (cached per source)."""
    modules = [Path(m) for m in mathematics_modules(ROOT)]
    digest = hashlib.sha256(b"".join((ROOT / m).read_bytes() for m in modules)).hexdigest()
    cached = work / f"mutants-{digest[:16]}.json"
    if cached.exists():
        return [Mutant(*m) for m in json.loads(cached.read_text())]
    session = work / f"session-{os.getpid()}.sqlite"
    session.unlink(missing_ok=True)
    cwd = Path.cwd()
    os.chdir(ROOT)  # cosmic-ray records the paths it is given: keep them project-relative
    try:
        with use_db(session, WorkDB.Mode.create) as db:
            init(modules, db, {})
            found = [
                Mutant(Path(m.module_path).as_posix(), m.operator_name, m.occurrence)
                for item in db.pending_work_items
                for m in item.mutations
            ]
    finally:
        os.chdir(cwd)
    session.unlink()
    cached.write_text(json.dumps([[m.module, m.operator, m.occurrence] for m in found]))
    return found


def quiet_env(project: Path) -> dict[str, str]:
    """The Makefile's build environment, importing the copy's snippets, writing no bytecode caches."""
    env = build_env()
    env.pop("EXEC_CACHE", None)
    env.update(PYTHONPATH=str(project), PYTHONDONTWRITEBYTECODE="1")
    return env


def strict_build(project: Path, site: Path) -> tuple[bool, float, str]:
    """`mkdocs build --strict --clean` of `project`: success within BUILD_TIMEOUT, seconds, first error."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [str(MKDOCS), "build", "--strict", "--clean", "--site-dir", str(site)],
            cwd=project,
            env=quiet_env(project),
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
        )
        errors = [line for line in done.stderr.splitlines() if line.startswith(("ERROR", "WARNING"))]
        ok, message = done.returncode == 0, (errors or done.stderr.splitlines()[-1:] or [""])[0][:300]
    except subprocess.TimeoutExpired:
        ok, message = False, f"timeout after {BUILD_TIMEOUT} s"
    return ok, time.monotonic() - start, message


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def site_difference(baseline: Path, mutant: Path, limit: int = 30) -> str:
    """Empty when both sites are byte-identical; else the changed files and an excerpt of the first diff."""
    old, new = site_files(baseline), site_files(mutant)
    changed = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    if not changed:
        return ""
    lines = [f"changed files: {', '.join(changed)}"]
    first = changed[0]
    if first in old and first in new:
        # One tag per line: HTML lines (inline SVG, tables) are too long to show whole.
        before, after = (text.decode(errors="replace").replace(">", ">\n").splitlines() for text in
                         (old[first], new[first]))
        diff = difflib.unified_diff(before, after, first, first, n=0, lineterm="")
        lines += [line[:240] for line in list(diff)[2 : 2 + limit]]
    return "\n".join(lines)


def restore(project: Path) -> Path:
    """Put the unmutated modules back into a copy (a run killed mid-mutant leaves one mutated)."""
    for module in mathematics_modules(ROOT):
        shutil.copyfile(ROOT / module, project / module)
    return project


class Judge:
    """Reduced copies (one per set of judged pages) with their baseline sites, and one full copy for tests."""

    def __init__(self, work: Path):
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.baselines: dict[tuple[str, ...], Path] = {}
        self.tests_copy = work / "tests-copy"
        restore(self.tests_copy) if self.tests_copy.exists() else copy_project(self.tests_copy)

    def reduced(self, pages: tuple[str, ...]) -> Path:
        """The reduced copy for `pages`, built once from the unmutated tree."""
        if pages not in self.baselines:
            tag = hashlib.sha256("\n".join(pages).encode()).hexdigest()[:10]
            project = self.work / f"pages-{tag}"
            if not (project / "baseline").is_dir():
                shutil.rmtree(project, ignore_errors=True)
                copy_project(project)
                keep_only_pages(project, list(pages))
                ok, seconds, message = strict_build(project, project / "baseline-new")
                if not ok:
                    raise SystemExit(f"the unmutated reduced build of {pages} fails ({message}): fix that")
                (project / "baseline-new").rename(project / "baseline")
                print(f"baseline {pages}: {seconds:.0f} s", flush=True)
            restore(project)
            self.baselines[pages] = project
        return self.baselines[pages]

    def judge(self, mutant: Mutant) -> dict:
        operator = cosmic_ray.plugins.get_operator(mutant.operator)()
        pages = tuple(judged_pages(ROOT, mutant.module))
        result = {
            "name": mutant.name,
            "module": mutant.module,
            "operator": mutant.operator,
            "occurrence": mutant.occurrence,
            "pages": list(pages),
        }
        build_verdict, site_diff, seconds = "unjudged", "", 0.0
        if pages:
            project = self.reduced(pages)
            with use_mutation(project / mutant.module, operator, mutant.occurrence) as (before, after):
                if after is None:
                    return result | {"build": "no mutation"}
                result["diff"] = "\n".join(
                    difflib.unified_diff(
                        before.splitlines(),
                        after.splitlines(),
                        f"a/{mutant.module}",
                        f"b/{mutant.module}",
                        n=1,
                        lineterm="",
                    )
                )
                ok, seconds, message = strict_build(project, project / "mutant")
                if not ok:
                    build_verdict, result["build_error"] = "killed", message
                else:
                    site_diff = site_difference(project / "baseline", project / "mutant")
                    build_verdict = "changed" if site_diff else "same"
        result |= {"build": build_verdict, "build_seconds": round(seconds, 1), "site_diff": site_diff}
        if build_verdict == "killed":
            return result | {"tests": "not run"}
        tests = module_tests(ROOT, mutant.module)
        if not tests:
            return result | {"tests": "none"}
        with use_mutation(self.tests_copy / mutant.module, operator, mutant.occurrence) as (_, after):
            if "diff" not in result and after is not None:
                result["diff"] = "(no page imports this module)"
            start = time.monotonic()
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", "0", *tests],
                    cwd=self.tests_copy,
                    env=quiet_env(self.tests_copy),
                    capture_output=True,
                    text=True,
                    timeout=TEST_TIMEOUT,
                )
                # 0: all passed; 5: nothing collected. Anything else (failure, collection error) kills.
                verdict = "survived" if done.returncode in (0, 5) else "killed"
            except subprocess.TimeoutExpired:
                verdict = "killed"
        return result | {"tests": verdict, "test_seconds": round(time.monotonic() - start, 1)}


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def results_lines(work: Path) -> list[str]:
    """Every judged mutant so far, from every shard's results file."""
    return [line for f in sorted(work.glob("results-*.jsonl")) for line in f.read_text().splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "mutation")
    parser.add_argument("--shard", default="0/1", help="i/n: judge every n-th sampled mutant from the i-th")
    parser.add_argument("--stop-at", help="HH:MM UTC: start no new mutant after this time (partial run)")
    parser.add_argument("--report-only", action="store_true", help="write the report from results so far")
    parser.add_argument(
        "--only",
        help="explore: sample only mutants of modules whose path contains this text (writes no report)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    mutants = all_mutants(args.work)
    if args.only:
        mutants = [m for m in mutants if args.only in m.module]
    sample = draw_sample(mutants, args.sample, args.seed)
    index, count = (int(x) for x in args.shard.split("/"))
    results_file = args.work / f"results-{index}-of-{count}.jsonl"
    head = commit()
    if not args.report_only:
        done = {json.loads(line)["name"] for line in results_lines(args.work)}
        judge = Judge(args.work / f"{head[:10]}-shard-{index}-of-{count}")  # its own copies, per commit
        for position, mutant in enumerate(sample):
            if position % count != index or mutant.name in done:
                continue
            if args.stop_at and datetime.now(UTC).strftime("%H:%M") >= args.stop_at:
                print("stop time reached: partial run", flush=True)
                break
            result = judge.judge(mutant) | {"commit": head}
            print(
                f"[{position + 1}/{len(sample)}] {mutant.name}: build {result['build']}, "
                f"tests {result.get('tests')}",
                flush=True,
            )
            with results_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps(result) + "\n")
    wanted = {m.name for m in sample}
    unique = {r["name"]: r for r in map(json.loads, results_lines(args.work)) if r["name"] in wanted}
    results = sorted(unique.values(), key=lambda r: r["name"])
    if args.only:
        print(f"exploration of {args.only}: results in {results_file}; no report written")
        return
    write_report(results, len(mutants), len(sample), args.seed, ROOT)


if __name__ == "__main__":
    main()
