"""Values computed by code and shown to readers: in prose (`{{ key = literal }}`), tables and figures.

One registry, `@value(key, statement=...)`, holds every quantity the site displays. What a reader
sees and what a check compares come from the same object, computed once per process:

- Prose: `{{ q5b.without-bias = 880 }}` renders the value (its `fmt` applied) and fails the build
  when the text differs. These are *stated numbers*; they are counted apart from proofs.
- Tables: a value returning a `Table` is printed by a block with `print(shown(key).markdown())`;
  a check compares the same cells with an independent computation through `computed(key)`:

      @value("q5b.breakdown", statement="trainable parameters per array")
      def breakdown() -> Table:
          return Table(("array", "shape", "entries"), [(name, a.shape, a.size) for name, a in arrays()])

      @check("q5b.breakdown-cells", page=PAGE, statement="Each row of the breakdown counts its array")
      def breakdown_rows_count_their_arrays():
          table = computed("q5b.breakdown")
          return equal(table.column("entries"), [math.prod(s) for s in table.column("shape")], ...)

- Figures: a value returning `FigureData` (named series) is what the figure draws,
  `data = shown("q4b.index-bars"); ax.bar(data["k"], data["frequency"])`, and what a check compares.

A page that shows a table or figure data no check compared fails its build (`uncompared`, called
by the page summary): display without assertion is not possible.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from snippets.plumbing import snippet_imports
from snippets.plumbing.checks import PROJECT_ROOT, Outcome, _power_of_ten_above, load_all, running

CLAIM = re.compile(r"\{\{\s*(?P<key>[A-Za-z0-9_.\-]+)\s*=\s*(?P<literal>[^{}]*?)\s*\}\}")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")


SUPERSCRIPT_DIGITS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(number: float, significant: int = 2) -> str:
    """A number as prose writes it, in plain Unicode: 4.7 × 10⁻⁵, or 10⁻⁷ when the mantissa is 1."""
    mantissa, exponent = f"{number:.{significant - 1}e}".split("e")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPT_DIGITS)
    return power if mantissa == "1" else f"{mantissa} × {power}"


def power_of_ten_above(number: float) -> str:
    """The smallest power of ten at or above a positive error, as prose writes it: 2.4e-10 -> 10⁻⁹.

    For errors that round-off and truncation set: their digits change with any reordering of the
    arithmetic, their order of magnitude is the result."""
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"an error bound needs a positive finite number, not {number!r}")
    return _power_of_ten_above(number)


@dataclass(frozen=True)
class Value:
    """A named quantity the prose may state, with the code that computes it."""

    key: str
    statement: str
    compute: Callable[[], object] = field(repr=False)
    fmt: str
    file: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


VALUES: dict[str, Value] = {}


def value(key: str, *, statement: str, fmt: str = "") -> Callable:
    """Register the decorated zero-argument function as the source of `{{ key = ... }}` in prose."""

    def register(compute: Callable) -> Callable:
        file = Path(inspect.getsourcefile(compute)).resolve()
        try:
            label = str(file.relative_to(PROJECT_ROOT))
        except ValueError:
            label = str(file)
        # Staged while its module imports: a module that fails half-way registers no value.
        snippet_imports.register(
            VALUES, key, Value(key, statement, compute, fmt, label, compute.__code__.co_firstlineno)
        )
        return compute

    return register


@cache
def _computed_once(key: str) -> object:
    load_all()
    if key not in VALUES:
        raise KeyError(f"no value named {key!r} is registered (see snippets.plumbing.values.value)")
    found = VALUES[key].compute()
    if isinstance(found, FigureData):
        found.key = key  # what a figure's drawn artists name as their account (snippets/plumbing/drawn.py)
    return found


@cache
def rendered(key: str) -> str:
    """The value as the page prints it (its registered format applied), computed once per process."""
    return format(_computed_once(key), VALUES[key].fmt)


# key -> pages that display it; key -> checks that compared it.
SHOWN: dict[str, set[str]] = {}
COMPARED: dict[str, set[str]] = {}


def shown(key: str) -> object:
    """The registered value a block displays (a Table, FigureData, a number); records the page."""
    from snippets.plumbing.page_context import page

    found = _computed_once(key)
    SHOWN.setdefault(key, set()).add(page().src_uri)
    return found


def computed(key: str) -> object:
    """The same object, for a check to compare with an independent computation; records the check."""
    found = _computed_once(key)
    check_id = running()
    if check_id is not None:
        COMPARED.setdefault(key, set()).add(check_id)
    return found


def uncompared(page_uri: str) -> list[str]:
    """Keys displayed on a page (tables, figure data) that no check has compared; for a table, also
    the columns no check read ("key (columns a, b)"): every cell a block prints must be compared."""
    missing = []
    for key, pages in sorted(SHOWN.items()):
        if page_uri not in pages:
            continue
        if not COMPARED.get(key):
            missing.append(key)
            continue
        found = _computed_once(key)
        if isinstance(found, Table):
            unread = [c for c in found.columns if c not in COLUMNS_READ.get(id(found), set())]
            if unread:
                missing.append(f"{key} (columns {', '.join(unread)})")
    return missing


# id(table) -> the columns a check read (Table.column, Table.cell while a check runs).
COLUMNS_READ: dict[int, set[str]] = {}


@dataclass(frozen=True)
class Table:
    """A table a block prints: column headers, rows of raw values, and a format per column.

    Cells keep their raw values (checks compare those); `markdown()` formats them with `formats`
    (a Python format spec per column name; str() otherwise) and `align` ("l", "r" or "c" per column).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    formats: dict[str, str] = field(default_factory=dict)
    align: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row has {len(row)} cells, the table {len(self.columns)} columns")

    def _read(self, name: str) -> int:
        index = self.columns.index(name)
        if running() is not None:
            COLUMNS_READ.setdefault(id(self), set()).add(name)
        return index

    def column(self, name: str) -> list:
        """Every cell of one column, top to bottom (read by a check: the column counts as compared)."""
        index = self._read(name)
        return [row[index] for row in self.rows]

    def cell(self, row: int, column: str) -> object:
        """One cell: row number (0 = first) and column name."""
        return self.rows[row][self._read(column)]

    def text(self, row: int, column: str) -> str:
        """One cell as the reader sees it."""
        return format(self.rows[row][self.columns.index(column)], self.formats.get(column, ""))

    def markdown(self) -> str:
        """The table as Markdown, every cell formatted from its raw value."""
        rule = {"l": ":---", "r": "---:", "c": ":---:"}
        aligns = self.align or "l" * len(self.columns)
        lines = ["| " + " | ".join(self.columns) + " |",
                 "|" + "|".join(rule[a] for a in aligns) + "|"]
        for number in range(len(self.rows)):
            lines.append("| " + " | ".join(self.text(number, c) for c in self.columns) + " |")
        return "\n".join(lines)


class FigureData(dict):
    """The named series a figure draws (`data["k"]`, `data["frequency"]`), registered like a value.

    Each drawn artist names the series it draws (`draws(line, data, x="k", y="frequency")`), and
    the figure is read back against them before it is saved (snippets/plumbing/drawn.py).
    """

    key = ""

    def __format__(self, spec: str) -> str:
        return ", ".join(f"{name}: {len(series)} points" for name, series in self.items())


@dataclass(frozen=True)
class Claim:
    """One `{{ key = literal }}` in a page: where it stands and what the text says."""

    key: str
    literal: str
    page: str
    line: int
    occurrence: int  # 1 for the first claim of this key on this page, 2 for the next, ...

    @property
    def anchor(self) -> str:
        suffix = "" if self.occurrence == 1 else f"-{self.occurrence}"
        return "claim-" + self.key.replace(".", "-") + suffix

    def outcome(self) -> Outcome:
        """Compare the literal in the text with the computed value, character for character."""
        try:
            computed = rendered(self.key)
        except Exception as error:  # noqa: BLE001 (reported as a failed claim)
            return Outcome("exact", f"{self.key}: {type(error).__name__}: {error}", "as written", False)
        return Outcome(
            "exact",
            f'{self.key}: the text says "{self.literal}", the code gives "{computed}"',
            "as written",
            self.literal == computed,
        )

    def report(self) -> str:
        found = VALUES.get(self.key)
        where = found.location if found else "not registered"
        return (
            f"claim {{{{ {self.key} = {self.literal} }}}} failed on page docs/{self.page}:{self.line}\n"
            f"  statement: {found.statement if found else '?'}\n"
            f"  defined at: {where}\n"
            f"  FAIL [exact, as written] {self.outcome().compared}"
        )


def claim_spans(text: str) -> list[tuple[int, re.Match[str]]]:
    """Every claim in a Markdown text outside fenced code, with its 1-based line number."""
    return [(number, match) for number, line in outside_fences(text.splitlines())
            for match in CLAIM.finditer(line)]


def outside_fences(lines: list[str]):
    """Each (1-based line number, line) of a Markdown text that is not fenced code or a fence."""
    open_fence: str | None = None
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if fence:
            marker = fence["fence"]
            if open_fence is None:
                open_fence = marker
                continue
            if marker[0] == open_fence[0] and len(marker) >= len(open_fence):
                open_fence = None
                continue
        if open_fence is None:
            yield number, line


# Lines a display formula's anchor cannot be appended to: they are not running text.
NOT_TEXT = ("$$", "```", "~~~", "!!!", "???", "#", "|", "<", "- ", "* ")


def anchor_sites(text: str) -> list[tuple[int, int] | None]:
    """For each claim (in claim_spans order): where its anchor goes when it stands inside math.

    None: the claim is in running text, and the rendered value itself carries the anchor.
    (line, column): the claim is inside math, which cannot hold an element, so an empty anchor is
    inserted there: before the `$` that opens inline math, or at the end of the text line that
    introduces a display formula. (0, 0): no such line (the page summary then holds the anchor).
    """
    wanted = {(line, match.start()) for line, match in claim_spans(text)}
    found: dict[tuple[int, int], tuple[int, int] | None] = {}
    lines = text.splitlines()
    inline: tuple[int, int] | None = None
    display: int | None = None
    for number, line in outside_fences(lines):
        if not line.strip():
            inline = None
            continue
        column = 0
        while column < len(line):
            if (number, column) in wanted:
                found[(number, column)] = (
                    inline if inline else _display_site(lines, display) if display else None
                )
            char = line[column]
            if char == "\\":
                column += 2
                continue
            if char == "`" and inline is None and display is None:
                run = len(line[column:]) - len(line[column:].lstrip("`"))
                end = line.find("`" * run, column + run)
                column = end + run if end >= 0 else len(line)
                continue
            if line.startswith("$$", column):
                display = None if display else number
                column += 2
                continue
            if char == "$" and display is None:
                inline = None if inline else (number, column)
            column += 1
    return [found.get((line, match.start())) for line, match in claim_spans(text)]


def _display_site(lines: list[str], opening: int) -> tuple[int, int]:
    """The end of the text line before a display formula (1-based `opening` line of its `$$`)."""
    for number in range(opening - 1, 0, -1):
        stripped = lines[number - 1].strip()
        if not stripped:
            continue
        if stripped.startswith(NOT_TEXT) or stripped.endswith("$$"):
            return (0, 0)
        return (number, len(lines[number - 1]))
    return (0, 0)


def find_claims(text: str, page: str) -> list[Claim]:
    """The claims of one page, in order."""
    seen: dict[str, int] = {}
    claims = []
    for line, match in claim_spans(text):
        seen[match["key"]] = seen.get(match["key"], 0) + 1
        claims.append(Claim(match["key"], match["literal"], page, line, seen[match["key"]]))
    return claims


def all_claims(docs_dir: Path) -> list[Claim]:
    """Every claim on every page below `docs_dir`, in page order."""
    claims = []
    for path in sorted(docs_dir.rglob("*.md")):
        claims.extend(find_claims(path.read_text(encoding="utf-8"), path.relative_to(docs_dir).as_posix()))
    return claims
