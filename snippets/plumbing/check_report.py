"""Render checks for readers: the box beside a step, the summary closing a page, and the site ledger."""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath

from snippets.plumbing.checks import CheckFailed, Result, load_all, run, verify
from snippets.plumbing.page_context import page
from snippets.plumbing.values import VALUES, Claim, all_claims, uncompared

LEDGER_PAGE = "checks.md"


def _meta(method: str, tolerance: str) -> str:
    return (
        f'<span class="exec-check__meta">{html.escape(method)} · tolerance: {html.escape(tolerance)}</span>'
    )


INLINE_MATH = re.compile(r"\$(?P<tex>[^$]+)\$")


def statement_html(statement: str) -> str:
    """A statement for readers: `$...$` parts typeset by KaTeX at build time, the rest escaped."""
    from snippets.plumbing.katex_math import render

    parts, last = [], 0
    for match in INLINE_MATH.finditer(statement):
        parts.append(html.escape(statement[last : match.start()]))
        parts.append(render(match["tex"], display=False))
        last = match.end()
    parts.append(html.escape(statement[last:]))
    return "".join(parts)


def _scope_line(result: Result) -> str:
    parts = [result.scope or "not stated", result.false_alarm_text]
    return " · ".join(p for p in parts if p)


def _outcome_lines(result: Result) -> str:
    return "".join(f"<li><code>{html.escape(o.compared)}</code></li>" for o in result.outcomes)


def show(*check_ids: str) -> str:
    """A "Checked by code" box for the given checks; raises CheckFailed unless every one holds."""
    context = page()
    items = []
    for check_id in check_ids:
        result = verify(check_id)
        found = result.check
        if context.src_uri and found.page != context.src_uri:
            raise CheckFailed(
                f"check {found.id} belongs to docs/{found.page} but is shown on {context.label}"
            )
        items.append(
            f'<li id="{found.anchor}"><strong>{statement_html(found.statement)}</strong> '
            f"{_meta(result.method, result.tolerance)}"
            f'<span class="exec-check__meta">scope: {html.escape(_scope_line(result))}</span>'
            f'<ul class="exec-check__outcomes">{_outcome_lines(result)}</ul>'
            f'<span class="exec-check__source">proof: {html.escape(found.location)}</span></li>'
        )
    title = "Checked by code" if len(items) == 1 else f"Checked by code ({len(items)} checks)"
    return (
        f'<div class="admonition success exec-check"><p class="admonition-title">{title}</p>'
        f'<ul class="exec-check__list">{"".join(items)}</ul></div>'
    )


def _claim_statement(claim: Claim) -> str:
    found = VALUES.get(claim.key)
    described = found.statement if found else claim.key
    return f"{described} = {claim.literal} (stated in the text)"


def _claim_location(claim: Claim) -> str:
    found = VALUES.get(claim.key)
    return found.location if found else "not registered"


def rows(page_filter: str | None = None, docs_dir=None) -> list[dict[str, str | bool]]:
    """Every check and prose claim (optionally of one page): what the ledger and summaries list."""
    docs_dir = docs_dir if docs_dir is not None else page().docs_dir
    entries: list[dict[str, str | bool]] = []
    for found in load_all():
        if page_filter and found.page != page_filter:
            continue
        result = run(found.id)
        entries.append(
            {
                "page": found.page,
                "anchor": found.anchor,
                "statement": found.statement,
                "method": result.method,
                "tolerance": result.tolerance,
                "passed": result.passed,
                "source": found.location,
                "kind": "check",
            }
        )
    claims = all_claims(docs_dir) if docs_dir is not None else page().claims
    for claim in claims:
        if page_filter and claim.page != page_filter:
            continue
        outcome = claim.outcome()
        entries.append(
            {
                "page": claim.page,
                "anchor": claim.anchor,
                "statement": _claim_statement(claim),
                "method": "exact (value in prose)",
                "tolerance": outcome.tolerance,
                "passed": outcome.passed,
                "source": _claim_location(claim),
                "kind": "claim",
            }
        )
    return sorted(entries, key=lambda e: (e["page"], e["kind"]))


def page_summary() -> str:
    """A collapsible list closing the page: every check and prose claim of this page, with results."""
    context = page()
    entries = rows(context.src_uri)
    failed = [e for e in entries if not e["passed"]]
    if failed:
        raise CheckFailed(
            f"{len(failed)} check(s) failed on {context.label}: "
            + ", ".join(str(e["anchor"]) for e in failed)
        )
    unchecked = uncompared(context.src_uri)
    if unchecked:
        raise CheckFailed(
            f"{context.label} displays {', '.join(unchecked)} (values.shown) but no check compares "
            "them: compare each with an independent computation in a check, via values.computed(key)"
        )
    items = []
    for entry in entries:
        # A claim's anchor lives here (its number sits in running text or math, which cannot hold one).
        anchor_attr = f' id="{entry["anchor"]}"' if entry["kind"] == "claim" else ""
        target = f"#{entry['anchor']}"
        items.append(
            f'<li{anchor_attr}>✓ <a href="{target}">{html.escape(str(entry["statement"]))}</a> '
            f"{_meta(str(entry['method']), str(entry['tolerance']))}</li>"
        )
    return (
        f'<details class="success exec-summary" id="checks-on-this-page">'
        f"<summary>Checks on this page: {len(entries)}, all passed</summary>"
        f"<ul>{''.join(items)}</ul></details>"
    )


def _href(from_page: str, to_page: str, anchor: str) -> str:
    """A relative link between built pages (use_directory_urls is off, so a.md becomes a.html)."""
    depth = len(PurePosixPath(from_page).parts) - 1
    target = PurePosixPath(to_page).with_suffix(".html").as_posix()
    return "../" * depth + f"{target}#{anchor}"


def ledger() -> str:
    """The ledger: a table of every check and claim on the site; raises if any failed."""
    entries = rows()
    failed = [e for e in entries if not e["passed"]]
    if failed:
        raise CheckFailed("failing checks: " + ", ".join(f"docs/{e['page']}#{e['anchor']}" for e in failed))
    body = []
    for number, entry in enumerate(entries, start=1):
        href = _href(LEDGER_PAGE, str(entry["page"]), str(entry["anchor"]))
        page_label = PurePosixPath(str(entry["page"])).stem
        body.append(
            f'<tr><td>{number}</td><td title="docs/{html.escape(str(entry["page"]))}">{page_label}</td>'
            f'<td><a href="{href}">{html.escape(str(entry["statement"]))}</a></td>'
            f"<td>{html.escape(str(entry['method']))}</td>"
            f"<td>{html.escape(str(entry['tolerance']))}</td><td>✓</td>"
            f"<td><code>{html.escape(str(entry['source']))}</code></td></tr>"
        )
    # A plain table (no class) so the theme styles it like any other; the wrapper identifies it.
    return (
        '<div class="exec-ledger"><table><thead><tr><th>#</th><th>Page</th><th>Statement</th>'
        "<th>Method</th><th>Tolerance</th><th>Passed</th><th>Proof</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def total() -> int:
    """How many checks and claims the site has."""
    return len(rows())

