"""Markdown extension: labels and cross-references (`@eq-…`, `@fig-…`, …), numbered per page and checked.

Labels (one per target, unique across the site):

- equation: `{#eq-name}` after the closing `$$` of a display; every display holding
  `\\begin{equation}` or a label is numbered, in page order, with an explicit `\\tag{n}`;
- figure: `label="fig-name"` passed to `figures.figure_html` in the page's block;
- table: a caption line `Table: what it shows {#tbl-name}` above the table;
- section: `## Heading {#sec-name}` (attr_list's id syntax);
- check and prose value: their registered ids, `@chk-q5b.formula`, `@val-q5b.without-bias`.

A reference renders what the reader sees beside the target ("(3)", "Figure 2", "Table 1", the
section's title, the check's statement, the value) and links to it, on the same page or another.
Every page's labels are known before any page renders: `site_index` scans docs/ once per state of
its files (a cheap text scan, cached on the files' sizes and times). Figure numbers are assigned
by `figure_html` at build time; it checks the number against the scan (`figure_number`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from mkdocs.utils.meta import get_data

from snippets.plumbing import failures
from snippets.plumbing.page_context import is_page_conversion, page

NAME = r"[A-Za-z0-9](?:[\w.:-]*\w)?"
REFERENCE = re.compile(rf"(?<![\w@./-])@(?P<label>(?:eq|fig|tbl|sec|chk|val)-{NAME})")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*$")
HEADING_ATTRS = re.compile(r"\s*\{:?\s*[^}]*\}\s*$")
SECTION_LABEL = re.compile(r"\{:?[^}]*#(?P<label>sec-[\w-]+)[^}]*\}\s*$")
# What arithmatex takes for display math: $$ … $$, \[ … \], \begin{env} … \end{env}.
DISPLAY_OPEN = re.compile(r"^\s*(?:(?P<dollars>\$\$)|(?P<bracket>\\\[)|\\begin\{(?P<env>[a-z]+\*?)\})")
EQ_LABEL = re.compile(r"\s*\{#(?P<label>eq-[\w-]+)\}\s*$")
TABLE_CAPTION = re.compile(r"^(?P<indent>\s*)Table:\s+(?P<caption>.*?)\s*(?:\{#(?P<label>tbl-[\w-]+)\})?\s*$")
FIGURE_LABEL = re.compile(r"""\blabel\s*=\s*["'](?P<label>fig-[\w-]+)["']""")
NUMBERED_ENV = re.compile(r"\\begin\{equation\}")
HAND_TAG = re.compile(r"\\tag\*?\{")


@dataclass(frozen=True)
class Target:
    """Something a reference can point at: where it is, and what the reader sees beside it."""

    label: str
    page: str  # below docs/, e.g. "question-4/4a.md"
    line: int
    number: int | None = None
    title: str = ""
    anchor: str = ""

    @property
    def kind(self) -> str:
        return self.label.split("-", 1)[0]

    @property
    def text(self) -> str:
        """The reference's text: exactly the number or title shown at the target."""
        if self.kind == "eq":
            return f"({self.number})"
        if self.kind == "fig":
            return f"Figure {self.number}"
        if self.kind == "tbl":
            return f"Table {self.number}"
        return self.title

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


@dataclass
class Display:
    """A display-math block of a page: its lines (0-based, inclusive) and its number, if numbered."""

    first: int
    last: int
    number: int | None
    label: str | None


@dataclass
class PageLabels:
    """What a scan of one page found: its title, its targets, and where its references stand."""

    page: str
    title: str = ""
    targets: list[Target] = field(default_factory=list)
    displays: list[Display] = field(default_factory=list)
    tables: dict[int, tuple[int, str, str | None]] = field(
        default_factory=dict
    )  # line -> (n, caption, label)
    references: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, label)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, cause)
    figures: list[str] = field(default_factory=list)  # figure labels in page order


def prose_lines(lines: list[str]):
    """(0-based index, line, in_fence) for each line; the fence lines themselves count as fenced."""
    open_fence: str | None = None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if fence:
            marker = fence["fence"]
            if open_fence is None:
                open_fence = marker
                yield index, line, True
                continue
            if (
                marker[0] == open_fence[0]
                and len(marker) >= len(open_fence)
                and not line.strip()[len(marker) :]
            ):
                open_fence = None
                yield index, line, True
                continue
        yield index, line, open_fence is not None


def without_code(line: str) -> str:
    """The line with its inline code spans blanked, so nothing inside them counts as a reference."""
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def parse_page(text: str, src_uri: str, offset: int = 0) -> PageLabels:
    """Scan one page's Markdown for labels, numbered displays, table captions and references.

    `offset` is how many lines of front matter preceded `text` in the file: the lines messages
    name are the file's (the displays' and tables' line indices stay those of `text`).
    """
    found = PageLabels(page=src_uri)
    lines = text.splitlines()
    equations = tables = 0
    display_start: int | None = None
    closer = ""
    for index, line, fenced in prose_lines(lines):
        for match in FIGURE_LABEL.finditer(line):
            found.figures.append(match["label"])
            found.targets.append(Target(match["label"], src_uri, index + 1, len(found.figures)))
        if fenced:
            continue
        bare = EQ_LABEL.sub("", line).rstrip()
        if display_start is not None:
            if bare.endswith(closer):
                equations = _close_display(found, lines, display_start, index, equations)
                display_start = None
            continue
        opener = DISPLAY_OPEN.match(line)
        if opener:
            closer = (
                "$$" if opener["dollars"] else "\\]" if opener["bracket"] else f"\\end{{{opener['env']}}}"
            )
            if bare.endswith(closer) and len(bare.strip()) > len(opener.group(0).strip()):
                equations = _close_display(found, lines, index, index, equations)
            else:
                display_start = index
            continue
        if not found.title and line.startswith("# "):
            found.title = HEADING_ATTRS.sub("", line[2:]).strip()
        heading = HEADING.match(line)
        if heading and (label := SECTION_LABEL.search(line)):
            title = HEADING_ATTRS.sub("", heading["title"]).strip()
            found.targets.append(Target(label["label"], src_uri, index + 1, title=title))
        caption = TABLE_CAPTION.match(line)
        if caption:
            tables += 1
            found.tables[index] = (tables, caption["caption"], caption["label"])
            if caption["label"]:
                found.targets.append(Target(caption["label"], src_uri, index + 1, tables, caption["caption"]))
        for match in REFERENCE.finditer(without_code(line)):
            found.references.append((index + 1, match["label"]))
    if display_start is not None:
        found.problems.append((display_start + 1, "display math is opened and never closed"))
    if offset:
        found.targets = [replace(t, line=t.line + offset) for t in found.targets]
        found.references = [(line + offset, label) for line, label in found.references]
        found.problems = [(line + offset, cause) for line, cause in found.problems]
    return found


def split_front_matter(text: str) -> tuple[str, int]:
    """A page's Markdown as MkDocs hands it to Markdown (front matter removed), and how many
    lines the front matter took in the file."""
    markdown, _ = get_data(text)
    offset = text[: len(text) - len(markdown)].count("\n") if text.endswith(markdown) else 0
    return markdown, offset


def front_matter_lines(context) -> int:
    """How many lines of front matter the page being rendered has (its lines start after them)."""
    path = context.source_path()
    if path is None or not path.is_file():
        return 0
    return split_front_matter(path.read_text(encoding="utf-8"))[1]


def _close_display(found: PageLabels, lines: list[str], first: int, last: int, equations: int) -> int:
    """Record the display on lines first..last; number it when it holds an equation or a label."""
    label_match = EQ_LABEL.search(lines[last])
    label = label_match["label"] if label_match else None
    body = "\n".join(lines[first : last + 1])
    environments = len(NUMBERED_ENV.findall(body))
    if HAND_TAG.search(body):
        found.problems.append(
            (first + 1, "a hand-typed \\tag: the build numbers equations (label it {#eq-…})")
        )
    if environments > 1:
        found.problems.append((first + 1, f"{environments} equation environments in one display: use one"))
    number = None
    if environments or label:
        equations += 1
        number = equations
        if label:
            found.targets.append(Target(label, found.page, last + 1, number))
    found.displays.append(Display(first, last, number, label))
    return equations


@dataclass
class SiteIndex:
    """Every page's labels, and each label's targets (more than one means a duplicate)."""

    pages: dict[str, PageLabels]
    targets: dict[str, list[Target]]


_cache: dict[Path, tuple[tuple, SiteIndex]] = {}
# Per page, the number of each labelled display: the postprocessor puts the label's id on it.
_equation_labels: dict[str, dict[int, str]] = {}


def _signature(docs_dir: Path) -> tuple:
    return tuple(
        (path.relative_to(docs_dir).as_posix(), stat.st_mtime_ns, stat.st_size)
        for path in sorted(docs_dir.rglob("*.md"))
        for stat in [path.stat()]
    )


def site_index(docs_dir: Path) -> SiteIndex:
    """All pages' labels, scanned once per state of docs/ (so references may point to any page)."""
    docs_dir = docs_dir.resolve()
    signature = _signature(docs_dir)
    cached = _cache.get(docs_dir)
    if cached and cached[0] == signature:
        return cached[1]
    pages: dict[str, PageLabels] = {}
    targets: dict[str, list[Target]] = {}
    for name, _, _ in signature:
        # Without the front matter, as MkDocs hands the page to Markdown: the same line numbers
        # as the page's own scan, so a label is not taken for a second one a few lines away.
        markdown, offset = split_front_matter((docs_dir / name).read_text(encoding="utf-8"))
        parsed = parse_page(markdown, name, offset)
        pages[name] = parsed
        for target in parsed.targets:
            targets.setdefault(target.label, []).append(target)
    index = SiteIndex(pages, targets)
    _cache[docs_dir] = (signature, index)
    return index


def _registered(label: str, docs_dir: Path | None) -> Target | None:
    """A check's or prose value's target, from the registries (they are labelled by their ids)."""
    from snippets.plumbing import checks, values

    kind, name = label.split("-", 1)
    if kind == "chk":
        checks.load_all()
        found = checks.REGISTRY.get(name)
        if found is None:
            return None
        return Target(label, found.page, found.line, title=found.statement, anchor=found.anchor)
    checks.load_all()
    if name not in values.VALUES or docs_dir is None:
        return None
    stated = [claim for claim in values.all_claims(docs_dir) if claim.key == name]
    if not stated:
        return None
    return Target(label, stated[0].page, stated[0].line, title=values.rendered(name), anchor=stated[0].anchor)


def resolve(label: str, docs_dir: Path | None) -> tuple[Target | None, str]:
    """The target a label names, or None and why not (unknown, or defined more than once)."""
    if label.startswith(("chk-", "val-")):
        target = _registered(label, docs_dir)
        if target is None:
            what = "check" if label.startswith("chk-") else "prose value stated with {{ }} on a page"
            return None, f"no {what} is named {label.split('-', 1)[1]!r}"
        return target, ""
    if docs_dir is None:
        return None, "the page's docs folder is unknown"
    found = site_index(docs_dir).targets.get(label, [])
    if not found:
        return None, f"no label {label!r} is defined on any page"
    if len(found) > 1:
        return None, f"label {label!r} is defined more than once: " + ", ".join(t.where for t in found)
    return found[0], ""


def href(from_page: str, target: Target) -> str:
    """A link from one page to a target: `#anchor` on the same page, else the relative built page
    (use_directory_urls is off, so a/b.md is a/b.html)."""
    anchor = target.anchor or target.label
    if target.page == from_page:
        return f"#{anchor}"
    depth = len(PurePosixPath(from_page).parts) - 1
    return "../" * depth + f"{PurePosixPath(target.page).with_suffix('.html').as_posix()}#{anchor}"


def figure_number(label: str, number: int) -> None:
    """Called by figure_html: the figure it numbers `number` must be the scan's `label` there."""
    context = page()
    if context.docs_dir is None or not context.src_uri:
        return
    parsed = site_index(context.docs_dir).pages.get(context.src_uri)
    expected = parsed.figures if parsed else []
    if number > len(expected) or expected[number - 1] != label:
        scanned = expected.index(label) + 1 if label in expected else None
        failures.report(
            f"figure {label!r} is the page's figure {number}, but the page's Markdown "
            + (f"gives it number {scanned}" if scanned else 'never names it (label="…" in a block)')
            + ': pass label="fig-…" to every figure_html call of the page, in the blocks that show them',
            kind="reference",
        )


class _NumberAndCheck(Preprocessor):
    """Number the page's displays and tables, check its labels and references, before fences run."""

    def run(self, lines: list[str]) -> list[str]:
        context = page()
        if not is_page_conversion(self.md) or context.docs_dir is None:
            return lines
        parsed = parse_page("\n".join(lines), context.src_uri, front_matter_lines(context))
        index = site_index(context.docs_dir)
        for line, cause in parsed.problems:
            failures.report(cause, line=line, kind="reference")
        for target in parsed.targets:
            others = [t for t in index.targets.get(target.label, []) if t != target]
            if others:
                also = ", ".join(t.where for t in others)
                failures.report(
                    f"label {target.label!r} is defined more than once (also at {also})",
                    line=target.line,
                    kind="reference",
                )
        for line, label in parsed.references:
            _, why = resolve(label, context.docs_dir)
            if why:
                failures.report(f"broken reference @{label}: {why}", line=line, kind="reference")
        out = lines[:]
        labelled: dict[int, str] = {}
        for display in parsed.displays:
            out[display.last] = EQ_LABEL.sub("", out[display.last])
            if display.number is None:
                continue
            _tag(out, display)
            if display.label:
                labelled[display.number] = display.label
        for line, (number, caption, label) in parsed.tables.items():
            indent = TABLE_CAPTION.match(out[line])["indent"]
            attrs = f"{{: #{label} .table-caption__number }}" if label else "{: .table-caption__number }"
            out[line] = f"{indent}**Table {number}.**{attrs} {caption}"
        _equation_labels[context.src_uri] = labelled
        return out


def _tag(lines: list[str], display: Display) -> None:
    """Put `\\tag{n}` into a display, on a line it already has (the page keeps its line count)."""
    tag = f"\\tag{{{display.number}}}"
    for index in range(display.first, display.last + 1):
        if "\\end{equation}" in lines[index]:
            lines[index] = lines[index].replace("\\end{equation}", tag + "\\end{equation}", 1)
            return
    last = lines[display.last]
    if display.first == display.last or last.strip() != "$$":  # the closer ends a line of math
        closer = re.search(r"(\$\$|\\\]|\\end\{[a-z]+\*?\})\s*$", last)
        cut = closer.start() if closer else len(last)
        lines[display.last] = f"{last[:cut]} {tag}{last[cut:]}"
    else:
        lines[display.last - 1] += f" {tag}"


DISPLAY_HTML = re.compile(
    r'<div class="arithmatex">\\\[(?:(?!</div>).)*?\\tag\{(?P<n>\d+)\}.*?\\\]</div>', re.DOTALL
)


_IN_DISPLAY = r"(?:(?!</div>|\\tag\{).)*?"  # within one display, and before any \tag
UNTAGGED_HTML = re.compile(
    rf'<div class="arithmatex">\\\[{_IN_DISPLAY}\\begin\{{equation\}}{_IN_DISPLAY}</div>', re.DOTALL
)


class _AnchorEquations(Postprocessor):
    """Give each labelled display an id (a wrapper, so KaTeX's renderer still finds the math)."""

    def run(self, text: str) -> str:
        if not is_page_conversion(self.md):
            return text
        context = page()
        for untagged in UNTAGGED_HTML.finditer(text):
            formula = html.unescape(untagged.group(0)[len('<div class="arithmatex">') :])[:80]
            failures.report(
                f"a numbered equation the build did not number (in a block's output?): {formula!r}",
                kind="reference",
            )
        labels = _equation_labels.get(context.src_uri, {})
        if not labels:
            return text

        def wrap(match: re.Match[str]) -> str:
            label = labels.get(int(match["n"]))
            if label is None:
                return match.group(0)
            return f'<div class="xref-target" id="{label}">{match.group(0)}</div>'

        return DISPLAY_HTML.sub(wrap, text)


class _Reference(InlineProcessor):
    """`@eq-name` and friends become links whose text is the target's number or title.

    The link is raw HTML (stashed), as the figures and check boxes it points to are: MkDocs'
    anchor validation cannot see their ids, and this extension checks every target itself.
    """

    def handleMatch(self, match: re.Match[str], data: str):  # noqa: N802 (Markdown's API)
        context = page()
        label = match["label"]
        target, why = resolve(label, context.docs_dir)
        if target is None:
            # Reported with its line by the preprocessor; blocks' output has no line to name.
            if not is_page_conversion(self.md):
                failures.report(f"broken reference @{label} in a block's output: {why}", kind="reference")
            link = f'<a class="xref xref--broken">@{html.escape(label)}??</a>'
        else:
            where = _page_title(target.page, context.docs_dir)
            title = (
                f' title="{html.escape(f"{target.text} in “{where}”")}"'
                if target.page != context.src_uri and where
                else ""
            )
            text = math_markup(target.text) if target.kind in {"sec", "chk"} else html.escape(target.text)
            url = html.escape(href(context.src_uri, target))
            link = f'<a class="xref xref--{target.kind}" href="{url}"{title}>{text}</a>'
        return self.md.htmlStash.store(link), match.start(0), match.end(0)


INLINE_MATH = re.compile(r"\$(?P<tex>[^$]+)\$")


def math_markup(text: str) -> str:
    """A title's `$…$` as arithmatex marks it, so the KaTeX extension renders it as at the target."""
    parts = INLINE_MATH.split(text)
    return "".join(
        f'<span class="arithmatex">\\({html.escape(part)}\\)</span>' if odd else html.escape(part)
        for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
    )


def _page_title(src_uri: str, docs_dir: Path | None) -> str:
    if docs_dir is None:
        return ""
    parsed = site_index(docs_dir).pages.get(src_uri)
    return parsed.title if parsed else ""


class XrefExtension(Extension):
    """Register the numbering preprocessor, the reference pattern and the equation anchors."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After the prose values (28), before fenced blocks run (25): lines are still the page's.
        md.preprocessors.register(_NumberAndCheck(md), "xref_numbers", 27)
        # After code spans (190), before arithmatex (189.9), so a section title's math renders.
        md.inlinePatterns.register(_Reference(REFERENCE.pattern, md), "xref", 189.95)
        # After raw HTML is restored (30), before KaTeX renders the math (5).
        md.postprocessors.register(_AnchorEquations(md), "xref_anchors", 6)


def makeExtension(**kwargs) -> XrefExtension:  # noqa: N802 (Markdown's API)
    return XrefExtension(**kwargs)
