"""Markdown extension: citations by key from docs/references.bib, and each page's generated References.

In the prose: `[@ioffe2015]` gives "(Ioffe & Szegedy, 2015)", `[@nocedal2006, Thm 2.3]` adds a
locator, `[@bray2007; @fyodorov2004]` cites several, `[-@ioffe2015]` only the year, and `@ioffe2015`
in running text gives "Ioffe & Szegedy (2015)". Each links to the page's list, which the build
writes under the page's empty `## References` heading from the keys the page cites, formatted by
pybtex's plain style (with DOI and arXiv links). An unknown key, a page that cites without a
`## References` heading, or a hand-written list beside cited keys fails the build, naming the
page and line. `uncited` lists the entries no page cites.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from snippets.plumbing import failures
from snippets.plumbing.page_context import is_page_conversion, page
from snippets.plumbing.xref import REFERENCE, front_matter_lines, prose_lines, without_code

BIB_NAME = "references.bib"
KEY = r"(?!(?:eq|fig|tbl|sec|chk|val)-)[A-Za-z][\w:-]*\w"
CITATION = re.compile(r"\[(?P<body>[^\[\]\n@]*-?@[^\[\]\n]+?)\]")
ITEM = re.compile(
    rf"^\s*(?P<prefix>[^@;]*?)\s*(?P<suppress>-)?@(?P<key>{KEY})\s*(?:,\s*(?P<locator>.+?))?\s*$"
)
NARRATIVE = re.compile(rf"(?<![\w@./\[-])@(?P<key>{KEY})(?:\s?\[(?P<locator>[^\[\]@\n]+)\])?")
REFERENCES_HEADING = re.compile(r"^##\s+References\s*$")
ANY_HEADING = re.compile(r"^#{1,6}\s")


@dataclass(frozen=True)
class Work:
    """One bibliography entry as the site shows it: the in-text label and the formatted entry."""

    key: str
    authors: str  # "Ioffe & Szegedy", "Dauphin et al."
    year: str
    html: str  # the entry, formatted by pybtex's plain style
    text: str  # the same in plain text (a tooltip)


def _plain(latex: str) -> str:
    """LaTeX-marked text as plain text (a backend instance: by name, pybtex scans every entry point)."""
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text

    return Text.from_latex(latex).render(Backend())


def _names(entry) -> str:
    if "shorthand" in entry.fields:
        return _plain(entry.fields["shorthand"])
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not last:
        return _plain(entry.fields.get("organization", entry.key))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} & {last[1]}"
    return f"{last[0]} et al."


@cache
def _load(path: Path, _stamp: tuple[int, int]) -> dict[str, Work]:
    from pybtex.backends.html import Backend
    from pybtex.backends.plaintext import Backend as PlainBackend
    from pybtex.database import parse_file
    from pybtex.style.formatting.plain import Style

    data = parse_file(str(path), bib_format="bibtex")
    formatted = {e.key: e for e in Style().format_entries(data.entries.values())}
    works = {}
    html_backend, plain_backend = Backend(), PlainBackend()
    for key, entry in data.entries.items():
        rich = formatted[key].text
        year = entry.fields.get("year", "n.d.") if "shorthand" not in entry.fields else ""
        works[key] = Work(key, _names(entry), year, rich.render(html_backend), rich.render(plain_backend))
    # Two works with the same authors and year get 2006a, 2006b (in key order).
    seen: dict[tuple[str, str], list[str]] = {}
    for key in sorted(works):
        if works[key].year:
            seen.setdefault((works[key].authors, works[key].year), []).append(key)
    for keys in seen.values():
        if len(keys) > 1:
            for letter, key in zip("abcdefghij", keys, strict=False):
                work = works[key]
                works[key] = Work(key, work.authors, work.year + letter, work.html, work.text)
    return works


def bibliography(docs_dir: Path) -> dict[str, Work]:
    """The works of docs/references.bib, parsed by pybtex once per state of the file."""
    path = (docs_dir / BIB_NAME).resolve()
    stat = path.stat()
    return _load(path, (stat.st_mtime_ns, stat.st_size))


def citations_in(text: str) -> list[tuple[int, str]]:
    """Every (1-based line, key) cited in a page's Markdown, outside code, in order."""
    found = []
    for index, line, fenced in prose_lines(text.splitlines()):
        if fenced:
            continue
        prose = without_code(line)
        for match in CITATION.finditer(prose):
            items = [ITEM.match(item) for item in match["body"].split(";")]
            if all(items):
                found.extend((index + 1, item["key"]) for item in items)
        prose = CITATION.sub(lambda m: " " * len(m.group(0)), prose)
        prose = REFERENCE.sub(lambda m: " " * len(m.group(0)), prose)
        found.extend((index + 1, match["key"]) for match in NARRATIVE.finditer(prose))
    return found


# An @ that starts a citation item (not an e-mail address's).
CITING_AT = re.compile(r"(?:^|(?<=[\s;-]))@")


def unreadable_citations(text: str) -> list[tuple[int, str]]:
    """Every (1-based line, bracket) that cites with @ but has a part that is not `prefix @key, locator`.

    `[@ioffe2015; see the appendix]` would otherwise render as a bracket around a narrative citation.
    """
    found = []
    for index, line, fenced in prose_lines(text.splitlines()):
        if fenced:
            continue
        for match in CITATION.finditer(without_code(line)):
            parts = match["body"].split(";")
            if any(CITING_AT.search(part) for part in parts) and not all(map(ITEM.match, parts)):
                found.append((index + 1, match.group(0)))
    return found


def cited_keys(docs_dir: Path) -> dict[str, list[str]]:
    """Each cited key, with the `docs/page:line` places that cite it, over every page."""
    places: dict[str, list[str]] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        name = path.relative_to(docs_dir).as_posix()
        for line, key in citations_in(path.read_text(encoding="utf-8")):
            places.setdefault(key, []).append(f"docs/{name}:{line}")
    return places


def uncited(docs_dir: Path) -> list[str]:
    """The keys of references.bib that no page cites (each should be cited, or removed)."""
    cited = cited_keys(docs_dir)
    return sorted(key for key in bibliography(docs_dir) if key not in cited)


def reference_list(keys: list[str], works: dict[str, Work]) -> str:
    """The References list for these keys: sorted by authors and year, one style, linked ids."""
    chosen = sorted({works[k] for k in keys if k in works}, key=lambda w: (w.authors.lower(), w.year, w.key))
    items = "".join(f'<li id="ref-{w.key}">{w.html}</li>' for w in chosen)
    return f'<ul class="references">{items}</ul>'


# Per page: the keys its text cites (checked with their lines) and the keys its list holds.
_seen: dict[str, set[str]] = {}
_listed: dict[str, set[str]] = {}


class _GenerateReferences(Preprocessor):
    """Check the page's keys and write its References list under its empty `## References`."""

    def run(self, lines: list[str]) -> list[str]:
        context = page()
        if not is_page_conversion(self.md) or context.docs_dir is None:
            return lines
        offset = front_matter_lines(context)
        cited = [(line + offset, key) for line, key in citations_in("\n".join(lines))]
        _listed[context.src_uri] = set()
        _seen[context.src_uri] = {key for _, key in cited}
        for line, bracket in unreadable_citations("\n".join(lines)):
            failures.report(
                f"cannot read the citation {bracket}: each part between semicolons is "
                "'[prefix] @key[, locator]'",
                line=line + offset,
                kind="citation",
            )
        if not cited:
            return lines
        try:
            works = bibliography(context.docs_dir)
        except Exception as error:  # noqa: BLE001 (reported, naming the file)
            failures.report(
                f"cannot read the bibliography: {error}", page=f"docs/{BIB_NAME}", kind="citation"
            )
            return lines
        for line, key in cited:
            if key not in works:
                failures.report(
                    f"unknown citation key @{key}: no entry {key!r} in docs/{BIB_NAME}",
                    line=line,
                    kind="citation",
                )
        headings = [
            i for i, line, fenced in prose_lines(lines) if not fenced and REFERENCES_HEADING.match(line)
        ]
        heading = headings[0] if headings else None
        if heading is None:
            count = len({k for _, k in cited})
            failures.report(
                f"the page cites {count} work(s) but has no '## References' heading", kind="citation"
            )
            return lines
        ends = [
            i
            for i in range(heading + 1, len(lines))
            if ANY_HEADING.match(lines[i]) or FENCE_START.match(lines[i])
        ]
        end = ends[0] if ends else len(lines)
        written = [i for i in range(heading + 1, end) if lines[i].strip()]
        if written:
            failures.report(
                "a hand-written list under '## References' on a page that cites by key: "
                "remove it, the list is generated from the keys cited",
                line=written[0] + 1 + offset,
                kind="citation",
            )
            return lines
        keys = [key for _, key in cited if key in works]
        _listed[context.src_uri] = set(keys)
        placeholder = self.md.htmlStash.store(reference_list(keys, works))
        out = lines[:]
        out[heading] = f"{lines[heading]}\n\n{placeholder}\n"
        return "\n".join(out).split("\n")


FENCE_START = re.compile(r"^\s*(`{3,}|~{3,})")


def _link(work: Work | None, key: str, text: str) -> str:
    """A citation's link to its entry in the page's list (raw HTML: the list is raw HTML too)."""
    if work is None:
        return f'<a class="citation citation--unknown">{html.escape(key)}??</a>'
    title = html.escape(work.text)
    return f'<a class="citation" href="#ref-{html.escape(key)}" title="{title}">{html.escape(text)}</a>'


def _resolve(key: str) -> Work | None:
    """The work a citation names; a problem the page's scan did not see (a block's output) is reported."""
    context = page()
    if context.docs_dir is None:
        return None
    work = bibliography(context.docs_dir).get(key)
    scanned = key in _seen.get(context.src_uri, set())
    if work is None and not scanned:
        failures.report(f"unknown citation key @{key} in a block's output", kind="citation")
    elif work is not None and not scanned and key not in _listed.get(context.src_uri, set()):
        failures.report(
            f"@{key} is cited in a block's output, not seen by the References list: cite it in the prose",
            kind="citation",
        )
    return work


class _Parenthetical(InlineProcessor):
    """`[@a; @b, locator]` becomes "(A, 2006; B, 2007, locator)", each part linked to its entry."""

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        items = [ITEM.match(item) for item in match["body"].split(";")]
        if not all(items):
            return None, None, None
        parts = []
        for item in items:
            work = _resolve(item["key"])
            if work is None:
                text = item["key"]
            elif item["suppress"]:
                text = work.year
            else:
                text = f"{work.authors}, {work.year}" if work.year else work.authors
            prefix = f"{html.escape(item['prefix'])} " if item["prefix"] else ""
            locator = f", {html.escape(item['locator'])}" if item["locator"] else ""
            parts.append(prefix + _link(work, item["key"], text) + locator)
        markup = f'<span class="citations">({"; ".join(parts)})</span>'
        return self.md.htmlStash.store(markup), match.start(0), match.end(0)


class _Narrative(InlineProcessor):
    """`@key` in running text becomes "Authors (year)", `@key [§3]` "Authors (year, §3)", linked."""

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        key = match["key"]
        work = _resolve(key)
        if work is None:
            return self.md.htmlStash.store(_link(None, key, key)), match.start(0), match.end(0)
        within = [part for part in (work.year, (match["locator"] or "").strip()) if part]
        text = f"{work.authors} ({', '.join(within)})" if within else work.authors
        return self.md.htmlStash.store(_link(work, key, text)), match.start(0), match.end(0)


class CitationsExtension(Extension):
    """Register the References writer and the two citation patterns."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before fenced blocks run (25), on the page's own lines.
        md.preprocessors.register(_GenerateReferences(md), "citations", 26)
        # After code spans (190) and before links (160) and cross-references (189.95).
        md.inlinePatterns.register(_Parenthetical(CITATION.pattern, md), "citations", 189.97)
        md.inlinePatterns.register(_Narrative(NARRATIVE.pattern, md), "citations_narrative", 189.94)


def makeExtension(**kwargs) -> CitationsExtension:  # noqa: N802 (Markdown's API)
    return CitationsExtension(**kwargs)
