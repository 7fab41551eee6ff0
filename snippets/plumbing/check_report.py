"""Render checks for readers: the box beside a step, the summary closing a page, the ledger, the proofs.

Two kinds of verified content are counted apart everywhere:
- proofs: registered checks (`checks.check`), each shown in a box beside the step it proves;
- stated numbers: `{{ key = literal }}` values in the prose (`values.value`), compared with code.

A box is one line per check: the statement (its `$…$` parts typeset by KaTeX), the method, the
scope derived from the code, and a link to the proof's source on the site (docs/proofs/<module>.md,
line-anchored). The comparisons fold out on demand, in words and numbers.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from snippets.plumbing.checks import PROJECT_ROOT, Check, CheckFailed, Result, load_all, run, verify
from snippets.plumbing.page_context import page
from snippets.plumbing.values import VALUES, Claim, all_claims, anchor_sites, find_claims, uncompared

LEDGER_PAGE = "checks.md"
PROOFS_DIR = "proofs"
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


def _href(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative link between built pages (use_directory_urls is off, so a.md becomes a.html)."""
    depth = len(PurePosixPath(from_page).parts) - 1
    target = PurePosixPath(to_page).with_suffix(".html").as_posix()
    return "../" * depth + target + (f"#{anchor}" if anchor else "")


# --- Proof pages: each snippet module's source, rendered on the site ---------------------------


def proof_page(source_file: str) -> str:
    """The page (below docs/) that shows a snippet file: snippets/q4b_x.py -> proofs/q4b_x.md."""
    return f"{PROOFS_DIR}/{PurePosixPath(source_file).stem}.md"


def line_anchor(line: int) -> str:
    """The id pymdownx.highlight gives a line of the first (only) code block of a page."""
    return f"__codelineno-0-{line}"


def proof_anchor(found: Check) -> str:
    """The id on the first line of a check's proof, named for the check, not its line number: an edit
    that moves the proof (a line added above it) leaves every box that links to it unchanged."""
    return "proof-" + found.id.replace(".", "-")


def proof_href(found: Check, from_page: str) -> str:
    """The link from a page to the first line of a check's proof on its source page."""
    return _href(from_page, proof_page(found.file), proof_anchor(found))


@cache
def repository_url() -> str:
    """mkdocs.yml's `repo_url`, or "" when none is configured."""
    config = (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^repo_url:\s*['\"]?(?P<url>[^'\"\s#]+)", config, re.MULTILINE)
    return match["url"].rstrip("/") if match else ""


@cache
def built_commit() -> str:
    """The commit being built, or "" outside a Git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def repository_link(file: str, line: int | None = None) -> str:
    """The file at the built commit in the configured repository, or "" when either is unknown."""
    if not (repository_url() and built_commit()):
        return ""
    return f"{repository_url()}/blob/{built_commit()}/{file}" + (f"#L{line}" if line else "")


def highlighted_source(source: str) -> str:
    """Python source as pymdownx.highlight renders it: Pygments classes, line numbers, and an
    anchor on every line (`line_anchor(n)`), so a box can link to the line of its proof.

    The line numbers are text, not links to their own line: at one line every 16 px on a phone,
    links would be touch targets too close together (WCAG 2.5.8, Lighthouse's target-size).
    They are drawn by the stylesheet (pymdownx-inline: `data-linenos`, shown by a ::before), so
    they are neither selected nor copied with the code, and the source is one <pre>, not a table.
    No per-line <span> wraps (line_spans): on them Material turns the code into a grid of one item
    per line and, at start-up, lays every line of the page out again (about 1 s of blocking on a
    throttled phone for a 270-line module, in Lighthouse's trace)."""
    import markdown
    from pymdownx.highlight import Highlight

    highlighter = Highlight(
        markdown.Markdown(), linenums=True, linenums_style="pymdownx-inline",
        line_anchors="__codelineno",
    )
    highlighted = highlighter.highlight(source, "python", linestart=1, code_block_count=0)
    # The anchors' obsolete name="…" beside their id makes them invalid HTML (Nu checker).
    return re.sub(r'(<a id="[^"]*") name="[^"]*"', r"\1", highlighted)


def proof_source() -> str:
    """The body of a proof page: what the module proves (linked both ways), then its whole source."""
    context = page()
    stem = PurePosixPath(context.src_uri).stem
    file = f"snippets/{stem}.py"
    path = PROJECT_ROOT / file
    if not path.is_file():
        raise FileNotFoundError(f"{context.label} shows {file}, which does not exist")
    source = path.read_text(encoding="utf-8")
    proved = [c for c in load_all() if c.file == file]
    parts = [f"<h1>{html.escape(file)}</h1>"]
    docstring = source.split('"""')[1].strip().splitlines()[0] if source.startswith('"""') else ""
    if docstring:
        parts.append(f"<p>{html.escape(docstring)}</p>")
    if proved:
        items = "".join(
            f'<li><a href="#{line_anchor(found.line)}">line {found.line}</a>: '
            f"<code>{html.escape(found.function)}</code>, "
            f'<a href="{_href(context.src_uri, found.page, found.anchor)}">shown on '
            f"{html.escape(PurePosixPath(found.page).stem)}</a></li>"
            for found in proved
        )
        count = _count(len(proved), "statement", "statements")
        parts.append(f"<p>This file proves {count}:</p><ul>{items}</ul>")
    link = repository_link(file)
    if link:
        parts.append(f'<p><a href="{html.escape(link)}">This file at the built commit</a></p>')
    highlighted = highlighted_source(source)
    for found in proved:  # each proof's named anchor, beside the anchor of its first line
        line = f'<a id="{line_anchor(found.line)}"></a>'
        highlighted = highlighted.replace(line, f'{line}<a id="{proof_anchor(found)}"></a>', 1)
    parts.append(highlighted)
    return "".join(parts)


# --- The box beside a step ------------------------------------------------------------------


def _comparison(outcome) -> str:
    text = html.escape(outcome.compared)
    tolerance = outcome.tolerance
    stated = re.search(rf"(?<![\d.]){re.escape(tolerance)}", outcome.compared)
    if tolerance not in ("exact", "n/a", "as written") and not stated:
        text += f' <span class="exec-check__meta">(tolerance: {html.escape(tolerance)})</span>'
    mark = "✓" if outcome.passed else "✗"
    return f"<li>{mark} {text}</li>"


def _scope(result: Result) -> str:
    return result.scope or "scope not stated"


def _breakable_path(location: str) -> str:
    """A proof's file:line that may break after a slash, so the ledger fits the column."""
    return html.escape(location).replace("/", "/<wbr>")


def _unbroken_numbers(text: str) -> str:
    """Numbers such as 1e-06 kept on one line (a table cell would otherwise break at the minus)."""
    return re.sub(r"\d[\d.]*e[-+]\d+", lambda m: f'<span class="exec-number">{m[0]}</span>', text)


def _box_lines(result: Result) -> tuple[str, str, str]:
    """What a proof's line says, as text: its statement (TeX as written), method and scope, count."""
    count = _count(len(result.outcomes), "comparison", "comparisons")
    return result.check.statement, f"{result.method} · {_scope(result)}", count


def _box_item(result: Result, here: str) -> str:
    """One proof: a line with statement, method, scope and proof link; its comparisons fold out."""
    found = result.check
    statement, meta, count = _box_lines(result)
    proof = f'<a class="exec-check__proof" href="{proof_href(found, here)}">proof</a>'
    folded = [f'<ul class="exec-check__outcomes">{"".join(_comparison(o) for o in result.outcomes)}</ul>']
    if result.false_alarm_text:
        folded.append(f'<p class="exec-check__rate">{html.escape(result.false_alarm_text)}.</p>')
    link = repository_link(found.file, found.line)
    if link:
        folded.append(
            f'<p class="exec-check__repo"><a href="{html.escape(link)}">'
            f"{html.escape(found.location)} at the built commit</a></p>"
        )
    return (
        f'<div class="admonition success exec-check__item" id="{found.anchor}">'
        f'<p class="admonition-title">'
        f'<span class="exec-check__statement">{statement_html(statement)}</span> '
        f'<span class="exec-check__meta">{html.escape(meta)} · {proof}</span></p>'
        f'<details class="exec-check__more"><summary><span class="exec-check__count">{count}</span></summary>'
        f'{"".join(folded)}</details></div>'
    )


def _box_height(results: list[Result]) -> float:
    """A height (rem) no less than a check box takes at 375 px or wider, from its text's length.

    Off screen the stylesheet skips a box's rendering and holds its place at this height; a tool
    that lays out the inside alone (Lighthouse's target-size scan) must find it within that place,
    or its toggles would overlap the next box's. Measured at 375 and 1280 px on every page, a box
    took less than 3 rem per check plus 0.03 rem per character of its lines (_box_lines, and the
    proof link); the browser tests compare each place with its box at both widths."""
    chars = sum(len(" · proof") + sum(map(len, _box_lines(r))) for r in results)
    return round(3 * len(results) + 0.05 * chars, 1)


def show(*check_ids: str) -> str:
    """The "Checked by code" box for the given checks; raises CheckFailed unless every one holds."""
    context = page()
    results = []
    for check_id in check_ids:
        result = verify(check_id)
        if context.src_uri and result.check.page != context.src_uri:
            raise CheckFailed(
                f"check {result.check.id} belongs to docs/{result.check.page} but is shown on {context.label}"
            )
        results.append(result)
    items = "".join(_box_item(result, context.src_uri or result.check.page) for result in results)
    return f'<div class="exec-check" style="--check-height: {_box_height(results)}rem">{items}</div>'


# --- What a page, the ledger and the home page count ---------------------------------------


@dataclass(frozen=True)
class Proof:
    """A check as the summaries and the ledger list it."""

    check: Check
    result: Result


@dataclass(frozen=True)
class StatedNumber:
    """A value the prose of one page states, with every place it states it (listed once)."""

    key: str
    page: str
    literals: tuple[str, ...]
    anchors: tuple[str, ...]
    passed: bool

    @property
    def statement(self) -> str:
        found = VALUES.get(self.key)
        return found.statement if found else self.key

    @property
    def location(self) -> str:
        found = VALUES.get(self.key)
        return found.location if found else "not registered"


def proofs(page_filter: str | None = None) -> list[Proof]:
    """Every check (of one page, or of the site), run, in page order."""
    return [Proof(c, run(c.id)) for c in load_all() if not page_filter or c.page == page_filter]


def _claims(docs_dir) -> list[Claim]:
    return all_claims(docs_dir) if docs_dir is not None else list(page().claims)


def stated_numbers(page_filter: str | None = None, docs_dir=None) -> list[StatedNumber]:
    """Every value the prose states, once per page and key, with all the sentences that state it."""
    docs_dir = docs_dir if docs_dir is not None else page().docs_dir
    grouped: dict[tuple[str, str], list[Claim]] = {}
    for claim in _claims(docs_dir):
        if not page_filter or claim.page == page_filter:
            grouped.setdefault((claim.page, claim.key), []).append(claim)
    return [
        StatedNumber(
            key,
            page_,
            tuple(dict.fromkeys(c.literal for c in found)),
            tuple(c.anchor for c in found),
            all(c.outcome().passed for c in found),
        )
        for (page_, key), found in sorted(grouped.items(), key=lambda item: item[0][0])  # stable: page order
    ]


def _refuse_failures(where: str, found: list[Proof], numbers: list[StatedNumber]) -> None:
    failed = [p.check.id for p in found if not p.result.passed] + [n.key for n in numbers if not n.passed]
    if failed:
        raise CheckFailed(
            f"{len(failed)} check(s) or stated number(s) failed on {where}: {', '.join(failed)}"
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _anchors_not_in_prose(context) -> set[str]:
    """Claims whose sentence cannot hold an anchor (math with no text line before it)."""
    path = context.source_path()
    if path is None or not path.is_file():
        return set()
    text = path.read_text(encoding="utf-8")
    claims = find_claims(text, context.src_uri)
    return {c.anchor for c, site in zip(claims, anchor_sites(text), strict=True) if site == (0, 0)}


def _ids(anchors: tuple[str, ...], homeless: set[str]) -> str:
    """The first homeless anchor of a stated number becomes its summary entry's id."""
    here = [a for a in anchors if a in homeless]
    return f' id="{here[0]}"' if here else ""


def page_summary() -> str:
    """A compact, collapsible list closing the page: its proofs and its stated numbers, apart."""
    context = page()
    found, numbers = proofs(context.src_uri), stated_numbers(context.src_uri)
    _refuse_failures(context.label, found, numbers)
    unchecked = uncompared(context.src_uri)
    if unchecked:
        raise CheckFailed(
            f"{context.label} displays {', '.join(unchecked)} (values.shown) but no check compares "
            "them: compare each with an independent computation in a check, via values.computed(key)"
        )
    proof_items = "".join(
        f'<li><a href="#{p.check.anchor}">{statement_html(p.check.statement)}</a> '
        f'<span class="exec-check__meta">{html.escape(p.result.method)} · '
        f"{html.escape(_scope(p.result))}</span></li>"
        for p in found
    )
    homeless = _anchors_not_in_prose(context)
    number_items = "".join(
        f'<li{_ids(n.anchors, homeless)}><a href="#{n.anchors[0]}">{html.escape(n.statement)}</a>: '
        f"{html.escape(' / '.join(n.literals))}"
        + "".join(f' <a href="#{a}">({i})</a>' for i, a in enumerate(n.anchors[1:], start=2))
        + "</li>"
        for n in numbers
    )
    title = (
        f"On this page: {_count(len(found), 'proof', 'proofs')} and "
        f"{_count(len(numbers), 'stated number', 'stated numbers')}, all passed"
    )
    parts = [f"<summary>{title}</summary>"]
    if found:
        parts.append(f'<p class="exec-summary__kind">Proofs (checks)</p><ul>{proof_items}</ul>')
    if numbers:
        parts.append(
            f'<p class="exec-summary__kind">Stated numbers, computed by code</p><ul>{number_items}</ul>'
        )
    # Left out of site search: its statements repeat the page's own sentences.
    return (f'<details class="success exec-summary" id="checks-on-this-page" data-search-exclude>'
            f'{"".join(parts)}</details>')


def _page_titles(docs_dir: Path) -> dict[str, str]:
    """Each page's title: its first level-one heading."""
    titles = {}
    for path in sorted(docs_dir.rglob("*.md")):
        heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        titles[path.relative_to(docs_dir).as_posix()] = heading[1].strip() if heading else path.stem
    return titles


def _ledger_height(body: str) -> int:
    """A height (rem) no less than a ledger section takes at any width, from its text's length.

    The stylesheet skips an off-screen section's rendering and holds its place at this height; a
    tool that lays out the inside alone (an accessibility scan) must find it within that place,
    or its links would overlap the next section's. Measured at 375-1280 px, a section takes less
    than 0.04 rem of height per character of its text (most on a phone, rows as cards); the
    browser tests compare each place with its section at 375 and 1280 px."""
    text = re.sub(r"<[^>]+>", "", body)
    return 10 + round(0.06 * len(text))


def ledger() -> str:
    """The ledger, grouped by page: its proofs, then its stated numbers, each listed once."""
    context = page()
    found, numbers = proofs(), stated_numbers()
    _refuse_failures("the site", found, numbers)
    titles = _page_titles(context.docs_dir) if context.docs_dir else {}
    here = context.src_uri or LEDGER_PAGE
    sections = []
    for page_ in sorted({p.check.page for p in found} | {n.page for n in numbers}):
        title = html.escape(titles.get(page_, page_))
        rows = []
        for p in (p for p in found if p.check.page == page_):
            rows.append(
                f'<tr><td><a href="{_href(here, page_, p.check.anchor)}">'
                f"{statement_html(p.check.statement)}</a></td>"
                f"<td>{html.escape(p.result.method)}</td>"
                f"<td>{_unbroken_numbers(html.escape(_scope(p.result)))}</td>"
                f'<td><a href="{proof_href(p.check, here)}">{_breakable_path(p.check.location)}</a></td></tr>'
            )
        proof_table = (
            '<div class="exec-ledger"><table><thead><tr><th>Proof (check)</th><th>Method</th>'
            f"<th>Scope</th><th>Source</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            if rows
            else ""
        )
        items = "".join(
            f'<li><a href="{_href(here, page_, n.anchors[0])}">{html.escape(n.statement)}</a>: '
            f"{html.escape(' / '.join(n.literals))} ({html.escape(n.location)})</li>"
            for n in numbers
            if n.page == page_
        )
        count_p = sum(1 for p in found if p.check.page == page_)
        count_n = sum(1 for n in numbers if n.page == page_)
        body = (
            f'<h2 id="ledger-{re.sub(r"[^a-z0-9]+", "-", page_.lower()).strip("-")}">'
            f'<a href="{_href(here, page_)}">{title}</a></h2>'
            f"<p>{_count(count_p, 'proof', 'proofs')}, "
            f"{_count(count_n, 'stated number', 'stated numbers')}.</p>"
            f"{proof_table}"
            + (f'<ul class="exec-ledger__numbers">{items}</ul>' if items else "")
        )
        sections.append(
            f'<section class="exec-ledger__page" data-page="docs/{html.escape(page_)}" '
            f'style="--ledger-height: {_ledger_height(body)}rem">{body}</section>'
        )
    return "".join(sections)


def totals() -> tuple[int, int]:
    """How many proofs (checks) and how many stated numbers (prose values) the site has."""
    return len(load_all()), len(stated_numbers())


def total() -> int:
    """Proofs and stated numbers together (kept for older callers; prefer totals())."""
    return sum(totals())


def home_counts() -> str:
    """The home page's sentence: proofs and stated numbers, counted apart."""
    found, numbers = proofs(), stated_numbers()
    _refuse_failures("the site", found, numbers)
    return (
        f"This build ran **{_count(len(found), 'proof', 'proofs')}** (checks, each shown beside the "
        f"step it proves) and compared **{_count(len(numbers), 'stated number', 'stated numbers')}** "
        "in the prose with the code that computes them; all of them passed."
    )
