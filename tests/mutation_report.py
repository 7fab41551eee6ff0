"""Write `make mutate`'s figures (tests/mutation-report.md) and survivors (tests/mutation-survivors.md)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

COMMAND = "make mutate"  # nice -n 19 .venv/bin/python tests/mutate.py --seed 20261201 --sample 200
HEADER = (
    "| module | sampled | killed by build | killed by build + tests | site unchanged | "
    "change the site | build kill rate among site-changing |\n|---|---:|---:|---:|---:|---:|---:|\n"
)


def figures(results: list[dict]) -> dict[str, int]:
    """The counts one table row shows; a mutant killed by the build is killed for build + tests too."""
    built = [r for r in results if r["build"] in ("killed", "same", "changed")]
    killed = sum(r["build"] == "killed" for r in built)
    changed = sum(r["build"] == "changed" for r in built)
    return {
        "sampled": len(results),
        "killed_build": killed,
        "killed_both": sum(r["build"] == "killed" or r.get("tests") == "killed" for r in results),
        "same": sum(r["build"] == "same" for r in built),
        "changed": changed,
        "unjudged": len(results) - len(built),
    }


def rate(f: dict[str, int]) -> str:
    """Build kill rate among the mutants that change the site: killed / (killed + built-and-changed)."""
    denominator = f["killed_build"] + f["changed"]
    return (
        f"{100 * f['killed_build'] / denominator:.1f}% ({f['killed_build']}/{denominator})"
        if denominator
        else "–"
    )


def row(name: str, f: dict[str, int]) -> str:
    return (
        f"| {name} | {f['sampled']} | {f['killed_build']} | {f['killed_both']} | {f['same']} | "
        f"{f['changed']} | {rate(f)} |\n"
    )


def write_report(results: list[dict], pool: int, sample: int, seed: int, root: Path) -> None:
    """The report, the survivors that change the site (with the reviewer's reasons) and the raw results."""
    commits = sorted({r["commit"] for r in results})
    by_module: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        by_module[r["module"]].append(r)
    partial = len(results) < sample
    text = ["# Mutation testing of the mathematics modules\n\n"]
    if partial:
        text.append(
            f"**PARTIAL RUN: {len(results)} of the {sample} sampled mutants were judged.** "
            f"Finish it with `{COMMAND}` (it resumes where it stopped).\n\n"
        )
    text.append(
        f"Produced by `{COMMAND}` with docs/ and snippets/ as on commit(s) {', '.join(commits) or '–'}. "
        f"cosmic-ray's default operators make {pool} mutants of snippets/q4*.py, snippets/q5*.py and "
        f"snippets/batchnorm.py; `random.Random({seed}).sample` drew {sample} of them, uniformly without "
        "replacement, from the pool sorted by (module, operator, occurrence); they are judged in the order "
        "drawn, so a partial run is a uniform sample too.\n\n"
        "Each mutant is built strictly with only the pages that use its module (their blocks import it, "
        "directly or through other snippets, or they show one of its checks; the other pages keep only "
        "their headings and labelled equations so links and references resolve; proof pages, which print "
        "the source, and the ledger and home page are left out), and the whole built site is compared "
        "byte for byte with the same reduced build of the unmutated tree. A failing build (or one hanging "
        "over 300 s) kills the mutant; otherwise the module's own tests (tests/test_<prefix>*.py) run on "
        "a mutated full copy.\n\n"
        "A mutant 'changes the site' when the build kills it or when it builds to different bytes; the "
        "build kill rate is killed / (killed + built and different). Site-unchanged mutants are "
        "equivalent for the site (the tests still judge them).\n\n"
    )
    text.append(HEADER)
    for module in sorted(by_module):
        text.append(row(f"`{module}`", figures(by_module[module])))
    overall = figures(results)
    text.append(row("**all**", overall))
    if overall["unjudged"]:
        text.append(
            f"\n{overall['unjudged']} sampled mutants are in modules no page uses (no build judges them).\n"
        )
    text.append(
        "\nEvery mutant that builds and changes the site is listed, with its diff and a review (why it "
        "is harmless, or the gap it shows), in [mutation-survivors.md](mutation-survivors.md).\n"
    )
    (root / "tests" / "mutation-report.md").write_text("".join(text), encoding="utf-8")

    reasons_file = root / "tests" / "mutation-reasons.json"
    reasons = json.loads(reasons_file.read_text(encoding="utf-8")) if reasons_file.exists() else {}
    survivors = [
        "# Mutants that build and change the site\n\n",
        "Each is a mutant the strict build did not kill although the built pages differ. "
        "The reasons are a reviewer's, kept in tests/mutation-reasons.json.\n",
    ]
    for r in results:
        if r["build"] != "changed":
            continue
        survivors.append(
            f"\n## `{r['name']}`\n\ntests: {r.get('tests')}; pages: {', '.join(r['pages'])}\n\n"
            f"**Review (why harmless, or the gap it shows):** {reasons.get(r['name'], 'NOT YET REVIEWED')}"
            "\n\n"
            f"```diff\n{r.get('diff', '')}\n```\n\nBuilt site:\n\n```diff\n{r['site_diff']}\n```\n"
        )
    (root / "tests" / "mutation-survivors.md").write_text("".join(survivors), encoding="utf-8")
    (root / "tests" / "mutation-results.jsonl").write_text(
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in results), encoding="utf-8"
    )
