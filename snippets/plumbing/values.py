"""Values the prose states, computed by code: `{{ key = literal }}` renders the value and checks it."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from snippets.plumbing.checks import PROJECT_ROOT, Outcome, load_all

CLAIM = re.compile(r"\{\{\s*(?P<key>[A-Za-z0-9_.\-]+)\s*=\s*(?P<literal>[^{}]*?)\s*\}\}")
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")


SUPERSCRIPT_DIGITS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(number: float, significant: int = 2) -> str:
    """A number as prose writes it, in plain Unicode: 4.7 × 10⁻⁵, or 10⁻⁷ when the mantissa is 1."""
    mantissa, exponent = f"{number:.{significant - 1}e}".split("e")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPT_DIGITS)
    return power if mantissa == "1" else f"{mantissa} × {power}"


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
        VALUES[key] = Value(key, statement, compute, fmt, label, compute.__code__.co_firstlineno)
        return compute

    return register


@cache
def rendered(key: str) -> str:
    """The value as the page prints it (its registered format applied), computed once per process."""
    load_all()
    if key not in VALUES:
        raise KeyError(f"no value named {key!r} is registered (see snippets.plumbing.values.value)")
    found = VALUES[key]
    return format(found.compute(), found.fmt)


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
    spans: list[tuple[int, re.Match[str]]] = []
    open_fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
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
            spans.extend((number, match) for match in CLAIM.finditer(line))
    return spans


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
