"""Checks as first-class objects: register a claim's proof, run it once, report it or fail loudly."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import sympy

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    """One comparison inside a check: what was compared, how, and whether it held."""

    kind: str  # "exact", "symbolic", "numeric" or "statistical"
    compared: str
    tolerance: str
    passed: bool


class CheckFailed(AssertionError):
    """A check did not hold; the message says everything needed to find and judge it."""


@dataclass(frozen=True)
class Check:
    """A registered proof of one statement on one page."""

    id: str
    page: str  # path below docs/, e.g. "question-5/5b.md"
    statement: str
    prove: Callable[[], Outcome | Iterable[Outcome]] = field(repr=False)
    file: str
    line: int

    @property
    def anchor(self) -> str:
        return "check-" + self.id.replace(".", "-")

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Result:
    """A check that ran: its outcomes, the methods they used, and whether all held."""

    check: Check
    outcomes: tuple[Outcome, ...]

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def method(self) -> str:
        return ", ".join(dict.fromkeys(outcome.kind for outcome in self.outcomes))

    @property
    def tolerance(self) -> str:
        return "; ".join(dict.fromkeys(outcome.tolerance for outcome in self.outcomes))

    def report(self) -> str:
        """The failure message: id, page, statement, method, tolerance, values, snippet file:line."""
        lines = [
            f"check {self.check.id} failed on page docs/{self.check.page}",
            f"  statement: {self.check.statement}",
            f"  defined at: {self.check.location}",
        ]
        for outcome in self.outcomes:
            mark = "ok  " if outcome.passed else "FAIL"
            lines.append(f"  {mark} [{outcome.kind}, {outcome.tolerance}] {outcome.compared}")
        return "\n".join(lines)


REGISTRY: dict[str, Check] = {}


def check(check_id: str, *, page: str, statement: str) -> Callable:
    """Register the decorated zero-argument function as the proof of `statement` on `page`."""

    def register(prove: Callable) -> Callable:
        if check_id in REGISTRY and REGISTRY[check_id].prove.__code__ is not prove.__code__:
            raise ValueError(f"check id {check_id!r} is registered twice")
        file = Path(inspect.getsourcefile(prove)).resolve()
        try:
            file_label = str(file.relative_to(PROJECT_ROOT))
        except ValueError:
            file_label = str(file)
        REGISTRY[check_id] = Check(
            id=check_id,
            page=page,
            statement=statement,
            prove=prove,
            file=file_label,
            line=prove.__code__.co_firstlineno,
        )
        return prove

    return register


def load_all() -> list[Check]:
    """Import every question module so that every check is registered; return them in page order."""
    import snippets

    for module in pkgutil.iter_modules(snippets.__path__):
        if module.name != "plumbing":
            importlib.import_module(f"snippets.{module.name}")
    return sorted(REGISTRY.values(), key=lambda c: (c.page, c.file, c.line))


@cache
def run(check_id: str) -> Result:
    """Run a check once per process; a proof that raises counts as a failed outcome."""
    found = REGISTRY[check_id]
    try:
        produced = found.prove()
        outcomes = (produced,) if isinstance(produced, Outcome) else tuple(produced)
    except Exception as error:  # noqa: BLE001 (any error is a failed proof, reported in full)
        outcomes = (Outcome("error", f"{type(error).__name__}: {error}", "n/a", False),)
    if not outcomes:
        outcomes = (Outcome("error", "the proof compared nothing", "n/a", False),)
    return Result(found, outcomes)


def verify(check_id: str) -> Result:
    """Run a check and raise CheckFailed with the full report unless it held."""
    load_all()
    if check_id not in REGISTRY:
        raise CheckFailed(f"no check named {check_id!r} is registered")
    result = run(check_id)
    if not result.passed:
        raise CheckFailed(result.report())
    return result


# Comparisons a proof returns. Each states its own tolerance.


def _fmt(value) -> str:
    """A value as a check box shows it: small values in full, large ones summarized."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=6)
        return f"array of shape {value.shape}"
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    text = str(value)
    return text if len(text) <= 120 else f"{text[:100]}… ({len(text)} characters)"


def equal(computed, expected, what: str = "value") -> Outcome:
    """Exact equality of integers, strings, tuples or exact rationals."""
    return Outcome(
        "exact",
        f"{what}: computed {_fmt(computed)}, expected {_fmt(expected)}",
        "exact",
        bool(computed == expected),
    )


def identity(lhs, rhs, what: str = "identity") -> Outcome:
    """A symbolic identity lhs = rhs, proved by sympy simplifying lhs - rhs to zero."""
    difference = sympy.simplify(
        sympy.expand(sympy.Matrix(lhs) - sympy.Matrix(rhs))
        if isinstance(lhs, sympy.MatrixBase)
        else lhs - rhs
    )
    zero = difference.is_zero_matrix if isinstance(difference, sympy.MatrixBase) else difference == 0
    return Outcome(
        "symbolic", f"{what}: lhs - rhs simplifies to {sympy.sstr(difference)}", "exact", bool(zero)
    )


def close(computed, expected, *, rtol: float = 0.0, atol: float = 0.0, what: str = "value") -> Outcome:
    """Numerical agreement: |computed - expected| <= atol + rtol * |expected|, elementwise."""
    if rtol < 0 or atol < 0 or (rtol == 0 and atol == 0):
        raise ValueError("a numeric comparison needs a positive rtol or atol")
    computed, expected = np.asarray(computed, float), np.asarray(expected, float)
    if computed.shape != expected.shape:
        return Outcome(
            "numeric",
            f"{what}: shape {computed.shape} vs expected {expected.shape}",
            "shapes must match",
            False,
        )
    error = np.abs(computed - expected)
    allowed = atol + rtol * np.abs(expected)
    passed = bool(np.all(error <= allowed))
    tolerance = " + ".join(
        p for p in (f"atol {atol:g}" if atol else "", f"rtol {rtol:g}" if rtol else "") if p
    )
    return Outcome(
        "numeric",
        f"{what}: max abs error {error.max():.3g} (computed {_fmt(computed)}, expected {_fmt(expected)})",
        tolerance,
        passed,
    )


def within_uncertainty(
    estimate: float, standard_error: float, reference: float, *, k: float = 4.0, what: str = "estimate"
) -> Outcome:
    """A statistical estimate agrees with a reference within k standard errors."""
    if standard_error <= 0 or k <= 0:
        raise ValueError("a statistical comparison needs a positive standard error and k")
    deviation = abs(estimate - reference) / standard_error
    return Outcome(
        "statistical",
        f"{what}: estimate {estimate:.6g} ± {standard_error:.2g} (1 s.e.) "
        f"vs reference {reference:.6g}, {deviation:.2f} s.e. apart",
        f"{k:g} s.e.",
        bool(deviation <= k),
    )


def holds(condition: bool, what: str, kind: str = "numeric", tolerance: str = "exact") -> Outcome:
    """A property that holds or not (e.g. "all eigenvalues are positive")."""
    return Outcome(kind, what, tolerance, bool(condition))
