"""Checks as first-class objects: register a claim's proof, run it once, report it or fail loudly.

A check proves one statement. Its proof is a zero-argument function returning comparisons
(`Outcome`s); each comparison records what it compared, by which method, against which threshold,
and what it covered. Everything a reader sees about a check is derived from these objects, never
typed beside them:

    @check("q5a.dgamma", page="question-5/5a.md",
           statement=r"$\\partial L/\\partial\\gamma_j = \\sum_i g_{ij}\\hat x_{ij}$")
    def dgamma_is_the_sum_of_g_times_x_hat():
        return [close(finite_differences(m), formula(m), rtol=1e-8, what="finite differences vs formula")
                for m in cases("m", range(2, 9))]

The box then reads "numeric · m = 2, …, 8 (7 cases)".

Scope (what a check covered):
- `cases(name, values)` wraps the values a proof iterates and records the values actually yielded:
  "n = 2, …, 10 (9 cases)", "m = 2, 3", "(n, m) ∈ {(2, 3), (4, 5)}".
- `identity` records "symbolic in m > 0, x" from the free symbols of its two sides (with their
  sympy assumptions); "exact constants" when there are none.
- `every(what, items)` records "every example on the page (4: bowl, …)" from the list actually used.
- `samples(count, what)` records "400,000 samples"; `sample_mean` and `frequency` record it themselves.
- a vectorized comparison takes its cases with it: `close(a, b, rtol=…, over=cases("n", sizes))`
  iterates them itself and fails unless each compared array (its first axis) has exactly one entry
  per case; a single expected value or bound applies to every case.
- any comparison takes `scope=` (one of the above, or a string built from the same iterable).
A check's scope is the union over its outcomes and the `cases` it iterated. A scope is recorded only
by the comparison that covers it: a case of a `cases`/`every` loop during which the proof compared
nothing (a bare `list(cases(...))` beside a comparison, a loop that only collects) fails the check,
and so does a case iterated twice or a loop over nothing.

Comparisons:
- `equal(computed, expected)`: exact (integers, strings, tuples, rationals).
- `identity(lhs, rhs)`: sympy simplifies lhs − rhs to zero.
- `close(computed, expected, rtol=, atol=)`: numeric, elementwise, a positive tolerance required.
- `at_most`, `at_least`, `below`, `above`: a threshold, printed from the values used ("2e-10 ≤ 1e-07");
  on an array they compare its largest (or smallest) element.
- `within_uncertainty(estimate, standard_error, reference, k=4)`: statistical. It refuses (fails)
  a standard error that is not positive and finite, or not small against the quantity: at most a
  tenth of |reference| (or of `scale=` when the reference is 0), so an inflated standard error
  fails instead of loosening the test; and 0 < k ≤ 5. Question modules never call it (a test
  fails if one does): they call `sample_mean(samples, reference)`, `frequency(hits, trials,
  reference)` or one of the comparisons below, which compute the standard error here, where a
  page's code cannot inflate it.
- `sample_variance`, `mean_difference`, `variance_difference`: the same for a variance and for two
  independent samples; `ratio_of_sums`, `ratio_difference`: a ratio estimator Σt/Σb from its
  sufficient statistics; `apart(first, second)`: two means (or a mean and a number) differ by more
  than k standard errors, the distance shown computed here. A page passes raw samples, never an s.e.
- `at_every(flags, what, unit=, count=)`: a property at every step (pair, input); the number of
  steps is counted here and compared with the `count` the text states.
- `refuted(candidate, reference, rtol=)`: a wrong formula's relative error is above rtol; only its
  order of magnitude is printed.
- `close` prints errors all below 64 ε · |value| as "within round-off" (the floor stated),
  larger errors to 1 significant digit; the thresholds print the measured value to 2, and a value at
  most 1/1000 of its upper bound by its power of ten.
- `holds(condition, what)`: a property with no threshold (a sign, an ordering, a set inclusion).
  Where a threshold exists use the comparisons above; its `tolerance=` text is kept only for old
  proofs.
A check with several statistical comparisons reports its family-wise false-alarm rate: the
Bonferroni bound Σ 2(1 − Φ(k_i)), valid whatever the dependence between them (normal approximation).

Displayed values (tables, figure data) are registered in `snippets.plumbing.values` and compared
here through `values.computed(key)`; see that module.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import sympy

from snippets.plumbing import failures, snippet_imports

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- Scope: what a comparison covered, described from the values it used ----------------------


class Scope:
    """What a check covered, as the box states it."""

    def text(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text()


def _plain(value) -> str:
    """A value as scope and comparison texts write it: no repr, no numpy types."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        value = int(value)
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if isinstance(value, sympy.Basic):
        return sympy.sstr(value)
    return str(value)


def describe_values(name: str, values: list) -> str:
    """The values a proof used, in words: "n = 2, …, 10 (9 cases)", "m = 2, 3", "k ∈ {1, 5, 9}"."""
    count = len(values)
    if count == 0:
        return f"no {name} at all"
    plural = "case" if count == 1 else "cases"
    integers = all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values)
    if integers and count >= 4:
        steps = {int(b) - int(a) for a, b in zip(values, values[1:], strict=False)}
        if len(steps) == 1 and steps.pop() > 0:
            second = "" if values[1] - values[0] == 1 else f"{_plain(values[1])}, "
            return f"{name} = {_plain(values[0])}, {second}…, {_plain(values[-1])} ({count} {plural})"
    if count <= 5:
        listed = ", ".join(_plain(v) for v in values)
        return f"{name} = {listed}" if count <= 3 and not isinstance(values[0], tuple) else (
            f"{name} ∈ {{{listed}}}" + ("" if count == 1 else f" ({count} {plural})"))
    shown = ", ".join(_plain(v) for v in values[:3])
    return f"{name} ∈ {{{shown}, …, {_plain(values[-1])}}} ({count} {plural})"


class _Iterated(Scope):
    """A collection a proof iterates; it records the values yielded, and those during which the proof
    compared nothing (a scope recorded beside, not by, the comparison that covers it)."""

    def _source_items(self) -> Iterable:
        raise NotImplementedError

    def __iter__(self) -> Iterator:
        _record(self)
        self.used, self.idle = [], []
        for item in self._source_items():
            self.used.append(item)
            before = _compared()
            try:
                yield item
            finally:  # also when the loop breaks out here: this case's comparisons are done
                if _compared() == before:
                    self.idle.append(item)

    def take(self) -> list:
        """The values, iterated by one comparison that covers them all at once (`over=`)."""
        _record(self)
        self.used, self.idle = list(self._source_items()), []
        return self.used


class Cases(_Iterated):
    """The values a proof iterates, recorded as they are yielded: `for n in cases("n", range(2, 11))`,
    or taken whole by a vectorized comparison: `close(a, b, over=cases("n", sizes))`."""

    def __init__(self, name: str, values: Iterable) -> None:
        self.name = name
        self._source = values
        self.used: list = []
        self.idle: list = []

    def _source_items(self) -> Iterable:
        return self._source

    def text(self) -> str:
        return describe_values(self.name, self.used)


def cases(name: str, values: Iterable) -> Cases:
    """Iterate `values` and let the check's scope say which were used (a name such as "n" or "(n, m)")."""
    return Cases(name, values)


class Every(_Iterated):
    """A whole collection, named for what it is: "every example on the page (4: bowl, …)"."""

    def __init__(self, what: str, items: Iterable) -> None:
        self.what = what
        self.items = list(items)
        self.used: list = []
        self.idle: list = []

    def _source_items(self) -> Iterable:
        return self.items

    def text(self) -> str:
        names = ", ".join(_plain(item) for item in self.items[:6])
        more = ", …" if len(self.items) > 6 else ""
        return f"every {self.what} ({len(self.items)}: {names}{more})"


def every(what: str, items: Iterable) -> Every:
    """Iterate a whole collection; the scope reads "every <what> (count: names)" from the items used."""
    return Every(what, items)


class Samples(Scope):
    """A statistical comparison's sample size."""

    def __init__(self, count: int, what: str = "samples") -> None:
        self.count = int(count)
        self.what = what

    def text(self) -> str:
        return f"{self.count:,} {self.what}"


def samples(count: int, what: str = "samples") -> Samples:
    """The scope of an estimate: how many samples (or runs, batches) it averaged."""
    return Samples(count, what)


def _symbol_text(symbol: sympy.Symbol) -> str:
    name = sympy.pretty(symbol, use_unicode=True)
    if symbol.is_integer and symbol.is_positive:
        return f"{name} ≥ 1 (integer)"
    if symbol.is_integer:
        return f"{name} (integer)"
    for test, relation in (("is_positive", "> 0"), ("is_negative", "< 0"), ("is_nonnegative", "≥ 0")):
        if getattr(symbol, test):
            return f"{name} {relation}"
    return f"real {name}" if symbol.is_real else name


class Symbolic(Scope):
    """An identity proved for every value of its free symbols (within their sympy assumptions)."""

    def __init__(self, symbols: Iterable[sympy.Symbol]) -> None:
        self.symbols = frozenset(symbols)

    def text(self) -> str:
        if not self.symbols:
            return "exact constants"
        names = sorted(self.symbols, key=lambda s: sympy.default_sort_key(s))
        if len(names) > 8:
            shown = ", ".join(_symbol_text(s) for s in names[:6])
            return f"symbolic in {len(names)} symbols ({shown}, …)"
        return "symbolic in " + ", ".join(_symbol_text(s) for s in names)


def symbolic(*expressions) -> Symbolic:
    """The scope of a symbolic argument: every value of the expressions' free symbols."""
    found: set = set()
    for expression in expressions:
        found |= getattr(sympy.sympify(expression), "free_symbols", set())
    return Symbolic(found)


def _scope_texts(scopes: Iterable[object]) -> list[str]:
    """Merge symbolic scopes into one, keep the others in order, drop repeats and blanks."""
    texts, symbols, seen_symbolic = [], set(), False
    for scope in scopes:
        if isinstance(scope, Symbolic):
            symbols |= scope.symbols
            if not seen_symbolic:
                texts.append(None)  # placeholder: where the merged symbolic scope goes
                seen_symbolic = True
        elif scope:
            texts.append(str(scope))
    merged = [Symbolic(symbols).text() if t is None else t for t in texts]
    if seen_symbolic and symbols and "exact constants" in merged:
        merged.remove("exact constants")
    return [t for t in dict.fromkeys(merged) if t]


# What the check now running has iterated (a stack: a proof may run another check).
_RECORDING: list[list[Scope]] = []


def _record(scope: Scope) -> None:
    if _RECORDING and all(scope is not s for s in _RECORDING[-1]):
        _RECORDING[-1].append(scope)


# How many comparisons (outcomes) each of those checks has made so far.
_COMPARED: list[int] = []


def _compared() -> int:
    return _COMPARED[-1] if _COMPARED else 0


_RUNNING: list[str] = []


def running() -> str | None:
    """The id of the check whose proof is executing now, if any (values.computed records it)."""
    return _RUNNING[-1] if _RUNNING else None


# --- Outcomes, checks, results ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One comparison inside a check: what was compared, how, whether it held, and what it covered."""

    kind: str  # "exact", "symbolic", "numeric" or "statistical"
    compared: str  # in words and numbers, for readers
    tolerance: str  # the threshold, printed from the value used ("≤ 1e-07", "4 s.e.", "exact")
    passed: bool
    scope: object = ""  # a Scope or a text derived from the values used; "" when not stated
    false_alarm: float = 0.0  # statistical only: chance of failing when the claim is true
    deviation: float = math.nan  # statistical only: how many standard errors apart, as printed

    def __post_init__(self) -> None:
        if _COMPARED:  # a comparison ran: the cases now being iterated are covered by it
            _COMPARED[-1] += 1


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

    @property
    def function(self) -> str:
        """The proof's name, as a reader finds it in the source."""
        return self.prove.__name__


def normal_two_sided(k: float) -> float:
    """P(|Z| > k) for a standard normal Z: one comparison's false-alarm rate at k standard errors."""
    return math.erfc(k / math.sqrt(2))


@dataclass(frozen=True)
class Result:
    """A check that ran: its outcomes, the methods they used, what they covered, and whether all held."""

    check: Check
    outcomes: tuple[Outcome, ...]
    iterated: tuple[Scope, ...] = ()

    @property
    def passed(self) -> bool:
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def method(self) -> str:
        return ", ".join(dict.fromkeys(outcome.kind for outcome in self.outcomes))

    @property
    def tolerance(self) -> str:
        return "; ".join(dict.fromkeys(outcome.tolerance for outcome in self.outcomes))

    @property
    def scopes(self) -> list[str]:
        """What the check covered, each part derived from the code (empty when nothing says)."""
        return _scope_texts([*self.iterated, *(outcome.scope for outcome in self.outcomes)])

    @property
    def scope(self) -> str:
        return "; ".join(self.scopes)

    @property
    def statistical(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.false_alarm > 0]

    @property
    def false_alarm(self) -> float:
        """The family-wise false-alarm rate: Bonferroni's bound Σ p_i (whatever the dependence)."""
        return min(1.0, sum(o.false_alarm for o in self.statistical))

    @property
    def false_alarm_text(self) -> str:
        """The false-alarm rate in words, with how it was computed; "" for a check with no statistics."""
        family = self.statistical
        if not family:
            return ""
        rate = _scientific(self.false_alarm)
        if len(family) == 1:
            return f"false-alarm rate {rate} (two-sided, normal approximation)"
        return (
            f"family-wise false-alarm rate ≤ {rate} (Bonferroni bound over {len(family)} comparisons, "
            "normal approximation)"
        )

    def report(self) -> str:
        """The failure message: id, page, statement, method, tolerance, values, snippet file:line."""
        lines = [
            f"check {self.check.id} failed on page docs/{self.check.page}",
            f"  statement: {self.check.statement}",
            f"  scope: {self.scope or 'not stated'}",
            f"  defined at: {self.check.location}",
        ]
        for outcome in self.outcomes:
            mark = "ok  " if outcome.passed else "FAIL"
            lines.append(f"  {mark} [{outcome.kind}, {outcome.tolerance}] {outcome.compared}")
        return "\n".join(lines)


REGISTRY: dict[str, Check] = {}


def check(check_id: str, *, page: str, statement: str) -> Callable:
    """Register the decorated zero-argument function as the proof of `statement` on `page`.

    A check defined by a question module is registered when that module finished importing
    (see snippet_imports): a module that fails half-way leaves none of its checks behind.
    """

    def register(prove: Callable) -> Callable:
        earlier = snippet_imports.registered(REGISTRY, check_id)
        if earlier is not None and earlier.prove.__code__ is not prove.__code__:
            raise ValueError(f"check id {check_id!r} is registered twice")
        file = Path(inspect.getsourcefile(prove)).resolve()
        try:
            file_label = str(file.relative_to(PROJECT_ROOT))
        except ValueError:
            file_label = str(file)
        snippet_imports.register(REGISTRY, check_id, Check(
            id=check_id,
            page=page,
            statement=statement,
            prove=prove,
            file=file_label,
            line=prove.__code__.co_firstlineno,
        ))
        return prove

    return register


def load_all() -> list[Check]:
    """Import every question module so that every check is registered; return them in page order.

    A module that fails to import is reported once (snippet_imports) and skipped: its checks are
    absent, and whoever asks for one of them learns why (`verify`).
    """
    import snippets

    for module in pkgutil.iter_modules(snippets.__path__):
        name = f"snippets.{module.name}"
        if module.name == "plumbing" or name in snippet_imports.FAILED:
            continue
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 (reported by the loader; the build goes on)
            if name not in snippet_imports.FAILED:  # not loaded by the staging loader: report here
                snippet_imports.FAILED[name] = failures.report_exception(
                    error, context=f"while importing {name}", kind="import"
                )
    return sorted(REGISTRY.values(), key=lambda c: (c.page, c.file, c.line))


_failed_checks: dict[str, failures.Failure] = {}  # check id -> its reported failure (this build)
failures._on_reset.append(_failed_checks.clear)


def _report_failed(result: Result) -> None:
    """Record a check that did not hold, once per build: its failing comparison first."""
    found = result.check
    failed = next((o for o in result.outcomes if not o.passed), None)
    cause = f"check {found.id} failed: {failed.compared if failed else 'no comparison held'}"
    here = failures.page_place()
    on_its_page = here.startswith(f"docs/{found.page}")
    _failed_checks[found.id] = failures.report(
        cause,
        page=None if on_its_page else f"docs/{found.page}",
        source=found.location,
        details=result.report(),
        kind="check",
    )


@cache
def run(check_id: str) -> Result:
    """Run a check once per process; a proof that raises counts as a failed outcome."""
    found = REGISTRY[check_id]
    _RECORDING.append([])
    _COMPARED.append(0)
    _RUNNING.append(check_id)
    try:
        produced = found.prove()
        outcomes = (produced,) if isinstance(produced, Outcome) else tuple(produced)
    except Exception as error:  # noqa: BLE001 (any error is a failed proof, reported in full)
        outcomes = (Outcome("error", f"{type(error).__name__}: {error}", "n/a", False),)
    finally:
        iterated = tuple(_RECORDING.pop())
        _COMPARED.pop()
        _RUNNING.pop()
    if not outcomes:
        outcomes = (Outcome("error", "the proof compared nothing", "n/a", False),)
    # A scope of no cases proves nothing: a proof whose loop ran over an empty collection fails.
    empty = [scope for scope in iterated if isinstance(scope, Cases | Every) and not _covered(scope)]
    outcomes += tuple(Outcome("error", f"the proof iterated {scope.text()}", "n/a", False) for scope in empty)
    # A case tried twice is a case missing from what the scope seems to cover (2, 2, 4 for 2, 3, 4).
    outcomes += tuple(Outcome("error", f"the proof iterated {scope.text()}: {', '.join(twice)} twice", "n/a",
                              False) for scope in iterated if (twice := _repeated_cases(scope)))
    # A scope is the iteration of the comparison that covers it: cases iterated while nothing was
    # compared (a bare `list(cases(...))` beside a vectorized comparison) are a scope claimed, not covered.
    outcomes += tuple(Outcome("error", f"check {check_id} iterated {scope.text()} but compared nothing while "
                              f"at {_listing(scope.idle[:3])}{', …' if len(scope.idle) > 3 else ''}: record "
                              "a scope by the comparison that covers it (over=cases(...))", "n/a", False)
                      for scope in iterated if isinstance(scope, _Iterated) and scope.idle)
    result = Result(found, outcomes, iterated)
    if not result.passed:
        _report_failed(result)
    return result


def _repeated_cases(scope: Scope) -> list[str]:
    """The cases a `cases(...)` loop yielded more than once, as printed."""
    if not isinstance(scope, Cases):
        return []
    printed = [repr(item) for item in scope.used]
    return sorted({item for item in printed if printed.count(item) > 1})


def _covered(scope: Scope) -> bool:
    return bool(scope.used if isinstance(scope, Cases) else scope.items)


def verify(check_id: str) -> Result:
    """Run a check and raise CheckFailed with the full report unless it held.

    The CheckFailed carries `failure`, the build failure it stands for (reported once).
    """
    load_all()
    if check_id not in REGISTRY:
        behind = snippet_imports.failure_behind(check_id)
        if behind is not None:
            error = CheckFailed(f"check {check_id!r} did not run: {behind.brief()}")
            error.failure = failures.report(
                f"check {check_id} did not run: its module failed to import", because=behind, kind="check"
            )
        else:
            error = CheckFailed(f"no check named {check_id!r} is registered")
            error.failure = failures.report(str(error), kind="check")
        raise error
    result = run(check_id)
    if not result.passed:
        error = CheckFailed(result.report())
        error.failure = _failed_checks.get(check_id) or failures.report(
            f"check {check_id} failed", source=result.check.location, details=result.report(), kind="check"
        )
        raise error
    return result


# --- Comparisons a proof returns. Each states its own threshold, from the values it used. -------


def _scientific(number: float) -> str:
    """A small rate as prose writes it: 6.3 × 10⁻⁵."""
    if number == 0:
        return "0"
    mantissa, exponent = f"{number:.1e}".split("e")
    if -3 <= int(exponent) <= 0:
        return f"{number:.2g}"
    power = "10" + str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return power if mantissa == "1.0" else f"{mantissa} × {power}"


def _is_exact_number(value) -> bool:
    return isinstance(value, int | np.integer | Fraction | sympy.Rational) and not isinstance(value, bool)


def _listing(values: list) -> str:
    return ", ".join(_plain(v) for v in values)


def _flattened(value) -> list:
    """Every scalar of a possibly nested collection, in order."""
    if isinstance(value, np.ndarray):
        return value.ravel().tolist()
    if isinstance(value, list | tuple):
        return [item for part in value for item in _flattened(part)]
    return [value]


def _describe(value) -> str:
    """A value in words and numbers: small collections in full, large ones by count and range."""
    if isinstance(value, sympy.MatrixBase):
        rows, columns = value.shape
        if value.is_zero_matrix:
            return f"the {rows}×{columns} zero matrix"
        if rows == columns and value == sympy.eye(rows):
            return f"the {rows}×{rows} identity matrix"
        if value.rows * value.cols <= 9:
            return "[" + "; ".join(_listing(value.row(i)) for i in range(rows)) + "]"
        return f"a {rows}×{columns} matrix"
    if isinstance(value, np.ndarray | list | tuple) and not isinstance(value, str):
        items = _flattened(value)
        parts = value.tolist() if isinstance(value, np.ndarray) else list(value)
        nested = any(isinstance(part, list | tuple) for part in parts)
        if nested and len(items) <= 12:
            return "[" + ", ".join(_describe(part) for part in parts) + "]"
        if not nested and len(items) <= 6:
            inner = _listing(items)
            return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
        if all(isinstance(v, int | float | np.integer | np.floating) for v in items):
            numbers = np.asarray(items, dtype=float)
            return f"{len(items)} values from {_plain(min(items))} to {_plain(max(items))}" if (
                np.all(np.isfinite(numbers))) else f"{len(items)} values"
        return f"{len(items)} items"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 80 else f'a text starting "{value[:60]}…"'
    text = _plain(value)
    return text if len(text) <= 120 else text[:100] + "…"


def _first_difference(computed, expected) -> str:
    """Where two unequal collections first differ, in words."""
    try:
        left, right = list(computed), list(expected)
    except TypeError:
        return ""
    if len(left) != len(right):
        return f"{len(left)} items vs {len(right)} expected"
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        if not bool(np.all(a == b)):
            return f"first difference at item {index + 1}: {_describe(a)} vs {_describe(b)}"
    return ""


def _entries(value) -> int | None:
    """How many per-case entries a compared value has (its first axis); None for a single value."""
    if isinstance(value, sympy.MatrixBase):
        return value.shape[0]
    if isinstance(value, str | bytes):
        return None
    try:
        return len(value)
    except TypeError:
        return None


def _over_cases(per_case: int, *, own_scope: bool = False) -> Callable:
    """Let a comparison take its cases with it: `close(a, b, rtol=…, over=cases("n", sizes))`.

    The comparison iterates the cases itself (they are its scope), and each of its first `per_case`
    arguments that is not a single value must hold exactly one entry per case (the first always), so
    that the scope the box shows is the comparison's own iteration, not a list typed beside it.
    """

    def decorate(compare: Callable) -> Callable:
        @functools.wraps(compare)
        def compare_over(*args, over: _Iterated | None = None, **kwargs) -> Outcome:
            if over is None:
                return compare(*args, **kwargs)
            if not isinstance(over, _Iterated):
                raise TypeError("over= takes cases(...) or every(...)")
            if kwargs.get("scope"):
                raise ValueError("give over= or scope=, not both: the cases are the comparison's scope")
            covered = over.take()
            # The cases are recorded as the check's scope by take(); `identity` keeps its symbols too.
            outcome = compare(*args, **kwargs) if own_scope else compare(*args, **kwargs, scope=over)
            counts = [_entries(value) for value in args[:per_case]]
            if counts[0] is not None and all(c is None or c == len(covered) for c in counts):
                return outcome
            found = " and ".join("a single value" if c is None else f"{c:,} entries" for c in counts)
            return dataclasses.replace(outcome, passed=False, compared=(
                f"{outcome.compared}; but {found} compared over {len(covered):,} cases, {over.text()} "
                "(one entry per case required)"))

        return compare_over

    return decorate


@_over_cases(2)
def equal(computed, expected, what: str = "value", *, scope: object = "") -> Outcome:
    """Exact equality of integers, strings, tuples or exact rationals."""
    if isinstance(computed, np.ndarray) or isinstance(expected, np.ndarray):
        passed = bool(np.shape(computed) == np.shape(expected) and np.all(np.asarray(computed) == expected))
    else:
        passed = bool(computed == expected)
    if passed:
        text = f"{what}: {_describe(computed)}, as expected"
    else:
        where = _first_difference(computed, expected) if not isinstance(computed, str) else ""
        text = f"{what}: computed {_describe(computed)}, expected {_describe(expected)}"
        text += f" ({where})" if where else ""
    return Outcome("exact", text, "exact", passed, scope)


@_over_cases(2, own_scope=True)
def identity(lhs, rhs, what: str = "identity", *, scope: object = None) -> Outcome:
    """A symbolic identity lhs = rhs, proved by sympy simplifying lhs − rhs to zero.

    Its scope is every value of the free symbols of both sides, within their assumptions.
    """
    difference = sympy.simplify(
        sympy.expand(sympy.Matrix(lhs) - sympy.Matrix(rhs))
        if isinstance(lhs, sympy.MatrixBase)
        else sympy.sympify(lhs) - sympy.sympify(rhs)
    )
    zero = difference.is_zero_matrix if isinstance(difference, sympy.MatrixBase) else difference == 0
    if isinstance(difference, sympy.MatrixBase) and 0 in difference.shape:
        return Outcome("symbolic", f"{what}: the matrices are empty, nothing to compare", "exact", False,
                       symbolic(lhs, rhs) if scope is None else scope)
    shown = "0" if zero else _describe(difference)
    return Outcome(
        "symbolic",
        f"{what}: lhs − rhs simplifies to {shown}",
        "exact",
        bool(zero),
        symbolic(lhs, rhs) if scope is None else scope,
    )


# Below this many units of float64 rounding of the values compared, an error is round-off: the box
# says so instead of printing digits that any reordering of the arithmetic changes.
ROUND_OFF_ULPS = 64


def within_round_off(computed, expected) -> bool:
    """Whether every |computed − expected| is at most 64 ε · max(|computed|, |expected|), elementwise:
    what float64 rounding alone may leave between two computations of the same values."""
    computed, expected = np.asarray(computed, dtype=float), np.asarray(expected, dtype=float)
    floor = ROUND_OFF_ULPS * float(np.finfo(float).eps) * np.maximum(np.abs(computed), np.abs(expected))
    return bool(np.all(np.abs(computed - expected) <= floor))


def _error_text(error: float, computed, expected) -> str:
    """An error as the box prints it: "within round-off" when every value is within the floor (stated
    by its formula), else to 1 significant digit."""
    if within_round_off(computed, expected):
        return f"within round-off (each ≤ {ROUND_OFF_ULPS} ε · |value|)"
    return f"{error:.1g}"


def _measured(value: float) -> str:
    """A measured number beside a threshold, to 2 significant digits (what carries information)."""
    return _plain(float(f"{float(value):.2g}")) if math.isfinite(float(value)) else _plain(value)


@_over_cases(2)
def close(
    computed, expected, *, rtol: float = 0.0, atol: float = 0.0, what: str = "value", scope: object = ""
) -> Outcome:
    """Numerical agreement: |computed − expected| ≤ atol + rtol·|expected|, elementwise."""
    if rtol < 0 or atol < 0 or (rtol == 0 and atol == 0):
        raise ValueError("a numeric comparison needs a positive rtol or atol")
    tolerance = " + ".join(
        p for p in (f"atol {atol:g}" if atol else "", f"rtol {rtol:g}" if rtol else "") if p
    )
    computed, expected = np.asarray(computed, float), np.asarray(expected, float)
    if computed.size == 0:
        return Outcome("numeric", f"{what}: nothing to compare", tolerance, False, scope)
    finite = np.abs(expected[np.isfinite(expected)])
    largest_expected = float(finite.max()) if finite.size else 0.0
    if rtol >= 1 or (largest_expected > 0 and atol > largest_expected):
        # rtol ≥ 1 accepts 0 (or twice the value) for any expected value, and an atol above every
        # expected magnitude accepts 0 for all of them: such a comparison cannot tell a wrong value.
        return Outcome("numeric", f"{what}: the tolerance ({tolerance}) is not small against the values "
                       f"compared (largest expected magnitude {largest_expected:.2g}): it cannot tell a "
                       "wrong value", tolerance, False, scope)
    if computed.shape != expected.shape:
        return Outcome(
            "numeric",
            f"{what}: {computed.size} values computed, {expected.size} expected",
            tolerance,
            False,
            scope,
        )
    error = np.abs(computed - expected)
    allowed = atol + rtol * np.abs(expected)
    passed = bool(np.all(error <= allowed))
    worst = int(np.argmax(error - allowed)) if error.size else 0
    largest = (f"{_error_text(float(error.ravel()[worst]), computed, expected)} "
               f"(allowed {float(allowed.ravel()[worst]):.2g})")
    if computed.size == 1:
        a, b = _plain(computed.item()), _plain(expected.item())
        values = f"both {a}" if a == b else f"computed {a}, expected {b}"
        text = f"{what}: {values}, error {largest}"
    elif computed.size <= 6:
        text = (f"{what}: computed [{_listing(computed.ravel().tolist())}], "
                f"expected [{_listing(expected.ravel().tolist())}], largest error {largest}")
        if _listing(computed.ravel().tolist()) == _listing(expected.ravel().tolist()):
            text = f"{what}: both [{_listing(computed.ravel().tolist())}], largest error {largest}"
    else:
        text = f"{what}: {computed.size} values, largest error {largest}"
    return Outcome("numeric", text, tolerance, passed, scope)


def _threshold(value, bound, relation: str, what: str, scope: object) -> Outcome:
    symbol, test, pick = {
        "at_most": ("≤", np.less_equal, np.max),
        "below": ("<", np.less, np.max),
        "at_least": ("≥", np.greater_equal, np.min),
        "above": (">", np.greater, np.min),
    }[relation]
    several = ""
    if isinstance(value, list | tuple) and value and all(map(_is_exact_number, [*value, bound])):
        # Exact numbers stay exact: their extreme is compared as it is, not as a float.
        several = f"{'largest' if pick is np.max else 'smallest'} of {len(value)}: " if len(value) > 1 else ""
        value = max(value) if pick is np.max else min(value)
    values = np.asarray(value, dtype=float) if not _is_exact_number(value) else None
    if values is not None and values.size == 0:
        return Outcome("numeric", f"{what}: nothing to compare", f"{symbol} {_plain(bound)}", False, scope)
    extreme = value if values is None else pick(values)
    passed = bool(test(extreme, bound)) if values is None else bool(np.all(test(values, bound)))
    exact = _is_exact_number(value) and _is_exact_number(bound)
    a, b = (_plain(extreme) if _is_exact_number(extreme) else _measured(extreme)), _plain(bound)
    digits = 2
    # Print enough digits that the printed numbers show why it held or failed.
    while not exact and digits < 17 and not _printed_agrees(a, b, test, passed=bool(test(extreme, bound))):
        digits += 3
        a, b = f"{float(extreme):.{digits}g}", f"{float(bound):.{digits}g}"
    label = several if values is None or values.size == 1 else (
        f"{'largest' if pick is np.max else 'smallest'} of {values.size}: ")
    if passed and not exact and pick is np.max and 0 < float(extreme) <= SMALL_MARGIN * float(bound):
        # Far below its bound a small measured value is round-off or truncation: its digits change
        # with any reordering of the arithmetic, its power of ten is what it shows.
        a = "below " + _power_of_ten_above(float(extreme))
    mark = "" if passed else " does not hold"
    return Outcome(
        "exact" if exact else "numeric",
        f"{what}: {label}{a} {symbol} {b}{mark}",
        f"{symbol} {_plain(bound)}",
        passed,
        scope,
    )


# A value at most this fraction of its upper bound is printed by the power of ten above it.
SMALL_MARGIN = 1e-3


def _power_of_ten_above(number: float) -> str:
    return "10" + str(math.ceil(math.log10(number))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _printed_agrees(a: str, b: str, test, *, passed: bool) -> bool:
    """Whether the printed numbers differ and show the relation's true outcome."""
    try:
        return a != b and bool(test(float(a), float(b))) == passed
    except ValueError:  # a rational such as 1/4: printed exactly
        return a != b


@_over_cases(2)
def at_most(value, bound, what: str = "value", *, scope: object = "") -> Outcome:
    """value ≤ bound (for an array: its largest element), printed as "2e-10 ≤ 1e-07"."""
    return _threshold(value, bound, "at_most", what, scope)


@_over_cases(2)
def below(value, bound, what: str = "value", *, scope: object = "") -> Outcome:
    """value < bound, strictly (for an array: its largest element)."""
    return _threshold(value, bound, "below", what, scope)


@_over_cases(2)
def at_least(value, bound, what: str = "value", *, scope: object = "") -> Outcome:
    """value ≥ bound (for an array: its smallest element)."""
    return _threshold(value, bound, "at_least", what, scope)


@_over_cases(2)
def above(value, bound, what: str = "value", *, scope: object = "") -> Outcome:
    """value > bound, strictly (for an array: its smallest element)."""
    return _threshold(value, bound, "above", what, scope)


# The largest band a statistical comparison may use, in standard errors: wider is no test.
MAX_K = 5.0
# The largest standard error a statistical comparison accepts, as a fraction of the quantity: an
# estimate known only to ±10% (one s.e.) cannot confirm a stated number, and an inflated standard
# error, which would loosen the test, fails here instead.
MAX_RELATIVE_SE = 0.1


def within_uncertainty(
    estimate: float,
    standard_error: float,
    reference: float,
    *,
    k: float = 4.0,
    what: str = "estimate",
    scale: float | None = None,
    scope: object = "",
) -> Outcome:
    """A statistical estimate agrees with a reference within k standard errors.

    Refused (a failed outcome, never a looser test): a standard error that is not positive and
    finite; one above a tenth of the quantity, |reference| (or `scale`, the quantity's size when
    the reference is 0), so that an inflated s.e. fails instead of loosening the test; k outside
    (0, 5].
    """
    tolerance = f"{k:g} s.e."
    size = abs(reference if scale is None else scale)
    refusal = ""
    if not (math.isfinite(standard_error) and standard_error > 0):
        refusal = f"refused: the standard error {_plain(standard_error)} is not positive and finite"
    elif not 0 < k <= MAX_K:
        refusal = f"refused: k = {k:g} standard errors is outside (0, {MAX_K:g}]"
    elif not standard_error <= MAX_RELATIVE_SE * size:
        refusal = (
            f"refused: the standard error {standard_error:.3g} is more than {MAX_RELATIVE_SE:.0%} of the "
            f"quantity ({size:.3g}), too large to confirm it"
        )
    if refusal:
        return Outcome("statistical", f"{what}: {refusal}", tolerance, False, scope, normal_two_sided(k))
    deviation = abs(estimate - reference) / standard_error
    return Outcome(
        "statistical",
        f"{what}: estimate {estimate:.6g} ± {standard_error:.2g} (1 s.e.) vs reference {reference:.6g}: "
        f"{deviation:.2f} s.e. apart (at most {k:g} s.e. allowed)",
        tolerance,
        bool(deviation <= k),
        scope,
        normal_two_sided(k),
        deviation,
    )


def sample_mean(samples_, reference: float, *, k: float = 4.0, what: str = "sample mean",
                scale: float | None = None, unit: str = "samples") -> Outcome:
    """The mean of independent samples agrees with `reference`; the s.e. std/√N is computed here."""
    values = np.asarray(samples_, dtype=float).ravel()
    if values.size < 2:
        return Outcome("statistical", f"{what}: {values.size} samples cannot give a standard error",
                       f"{k:g} s.e.", False, samples(values.size, unit), normal_two_sided(k))
    error = float(values.std(ddof=1) / math.sqrt(values.size))
    return within_uncertainty(float(values.mean()), error, reference, k=k, what=what, scale=scale,
                              scope=samples(values.size, unit))


def frequency(hits: int, trials: int, reference: float, *, k: float = 4.0, what: str = "frequency",
              unit: str = "samples") -> Outcome:
    """A frequency hits/trials agrees with probability `reference`; binomial s.e. under the reference."""
    error = math.sqrt(reference * (1 - reference) / trials) if 0 < reference < 1 and trials > 0 else 0.0
    return within_uncertainty(hits / trials if trials else math.nan, error, reference, k=k, what=what,
                              scope=samples(trials, unit))


def _independent(samples_, unit: str, what: str, k: float, least: int = 2):
    """The samples as a flat float array, or a refusal when they cannot give a standard error."""
    values = np.asarray(samples_, dtype=float).ravel()
    if values.size < least or not np.all(np.isfinite(values)):
        return values, Outcome("statistical", f"{what}: {values.size} samples (finite: "
                               f"{int(np.isfinite(values).sum())}) cannot give a standard error",
                               f"{k:g} s.e.", False, samples(values.size, unit), normal_two_sided(k))
    return values, None


def _mean_and_error(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))


def _variance_and_error(values: np.ndarray) -> tuple[float, float]:
    """The unbiased variance and its standard error √((m₄ − m₂²)/N), from the central moments."""
    centred = values - values.mean()
    m2, m4 = float(np.mean(centred**2)), float(np.mean(centred**4))
    return float(values.var(ddof=1)), math.sqrt(max(m4 - m2**2, 0.0) / values.size)


def sample_variance(samples_, reference: float, *, k: float = 4.0, what: str = "sample variance",
                    scale: float | None = None, unit: str = "samples") -> Outcome:
    """The unbiased variance of independent samples agrees with `reference`.

    Its standard error √((m₄ − m₂²)/N) (central moments, large-N normal approximation) is computed
    here, from the samples, where a page's code cannot inflate it.
    """
    values, refused = _independent(samples_, unit, what, k, least=4)
    if refused:
        return refused
    estimate, error = _variance_and_error(values)
    return within_uncertainty(estimate, error, reference, k=k, what=what, scale=scale,
                              scope=samples(values.size, unit))


def _two_samples(first, second, statistic, reference, *, k, what, scale, unit) -> Outcome:
    a, refused = _independent(first, unit, what, k, least=4)
    b, refused_b = _independent(second, unit, what, k, least=4)
    if refused or refused_b:
        return refused or refused_b
    (x, ex), (y, ey) = statistic(a), statistic(b)
    return within_uncertainty(x - y, math.hypot(ex, ey), reference, k=k, what=what, scale=scale,
                              scope=samples(a.size + b.size, unit))


def mean_difference(first, second, reference: float = 0.0, *, k: float = 4.0,
                    what: str = "difference of means", scale: float | None = None,
                    unit: str = "samples") -> Outcome:
    """mean(first) − mean(second) of two independent samples agrees with `reference`; the standard
    error √(s₁²/N₁ + s₂²/N₂) is computed here, from the samples."""
    return _two_samples(first, second, _mean_and_error, reference, k=k, what=what, scale=scale, unit=unit)


def variance_difference(first, second, reference: float = 0.0, *, k: float = 4.0,
                        what: str = "difference of variances", scale: float | None = None,
                        unit: str = "samples") -> Outcome:
    """var(first) − var(second) (unbiased) of two independent samples agrees with `reference`; each
    variance's standard error comes from its sample's fourth central moment, computed here."""
    return _two_samples(first, second, _variance_and_error, reference, k=k, what=what, scale=scale, unit=unit)


def ratio_and_error(count: float, top: float, bottom: float, top_sq: float, bottom_sq: float,
                    cross: float) -> tuple[float, float]:
    """Σ top / Σ bottom over `count` independent samples and its delta-method standard error, from the
    sufficient statistics Σt, Σb, Σt², Σb², Σtb."""
    mean_b, mean_t = bottom / count, top / count
    var_b = (bottom_sq - count * mean_b**2) / (count - 1)
    var_t = (top_sq - count * mean_t**2) / (count - 1)
    cov = (cross - count * mean_b * mean_t) / (count - 1)
    ratio = mean_t / mean_b
    return ratio, math.sqrt(max(var_t - 2 * ratio * cov + ratio**2 * var_b, 0.0) / (count * mean_b**2))


def ratio_of_sums(sums: dict, top: str, bottom: str, cross: str, reference: float, *, k: float = 4.0,
                  what: str = "ratio of means", scale: float | None = None, unit: str = "samples") -> Outcome:
    """E[top]/E[bottom], estimated by Σ top / Σ bottom, agrees with `reference`. `sums` holds the
    sufficient statistics ("count", top, bottom, top + "_sq", bottom + "_sq", cross); the
    delta-method standard error is computed here from them, not by the page."""
    count = float(sums["count"])
    if count < 2:
        return Outcome("statistical", f"{what}: {count:g} samples cannot give a standard error",
                       f"{k:g} s.e.", False, samples(int(count), unit), normal_two_sided(k))
    ratio, error = ratio_and_error(count, sums[top], sums[bottom], sums[top + "_sq"], sums[bottom + "_sq"],
                                   sums[cross])
    return within_uncertainty(ratio, error, reference, k=k, what=what, scale=scale,
                              scope=samples(int(count), unit))


def ratio_difference(first: dict, second: dict, top: str, bottom: str, cross: str, reference: float = 0.0, *,
                     k: float = 4.0, what: str = "difference of ratios", scale: float | None = None,
                     unit: str = "samples") -> Outcome:
    """The difference of two independent ratio estimates (each as in `ratio_of_sums`) agrees with
    `reference`; both delta-method standard errors are computed here."""
    estimates = [ratio_and_error(float(s["count"]), s[top], s[bottom], s[top + "_sq"], s[bottom + "_sq"],
                                 s[cross]) for s in (first, second)]
    (a, error_a), (b, error_b) = estimates
    return within_uncertainty(a - b, math.hypot(error_a, error_b), reference, k=k, what=what, scale=scale,
                              scope=samples(int(first["count"] + second["count"]), unit))


def apart(first, second, *, k: float = 4.0, what: str = "means", unit: str = "samples") -> Outcome:
    """The mean of `first` differs from `second` (a number, or the mean of independent samples) by
    more than k standard errors. The distance in standard errors, which the box shows, is computed
    here from the raw samples: no page computes it, so none can show a wrong one."""
    a, refused = _independent(first, unit, what, k)
    if refused:
        return refused
    mean, error = _mean_and_error(a)
    if np.ndim(second) == 0:
        other, other_error, against = float(second), 0.0, f"{float(second):.6g}"
        count = a.size
    else:
        b, refused = _independent(second, unit, what, k)
        if refused:
            return refused
        other, other_error = _mean_and_error(b)
        against, count = f"{other:.4g} ± {other_error:.2g}", a.size + b.size
    combined = math.hypot(error, other_error)
    if not (math.isfinite(combined) and combined > 0):
        return Outcome("statistical", f"{what}: the standard error {combined:g} is not positive",
                       f"> {k:g} s.e.", False, samples(count, unit))
    distance = abs(mean - other) / combined
    return Outcome(
        "statistical",
        f"{what}: {mean:.4g} ± {error:.2g} vs {against} (1 s.e.): {distance:.1f} s.e. apart "
        f"(more than {k:g} required)",
        f"> {k:g} s.e.",
        bool(distance > k),
        samples(count, unit),
        deviation=distance,
    )


@_over_cases(1)
def at_every(flags, what: str, *, unit: str = "steps", count: int | None = None,
             scope: object = "") -> Outcome:
    """A property that holds at every one of several places (steps, pairs, inputs).

    How many there were is counted here, from `flags`, never typed into the text; `count`, the number
    the page's text states, must equal it.
    """
    marks = np.asarray(flags, dtype=bool).ravel()
    total, failing = marks.size, np.flatnonzero(~marks)
    text = f"{what} at every one of the {total:,} {unit}"
    passed = total > 0 and failing.size == 0
    if failing.size:
        first = int(failing[0]) + 1
        text = f"{what} fails at {failing.size:,} of the {total:,} {unit} (first: number {first})"
    if count is not None and count != total:
        passed, text = False, f"{text}; the text says {count:,} {unit}"
    return Outcome("exact" if count is not None else "numeric", text, "exact", bool(passed), scope)


@_over_cases(2)
def refuted(candidate, reference, *, rtol: float, what: str = "candidate", scope: object = "") -> Outcome:
    """A wrong formula is refuted: its normwise relative error ‖candidate − reference‖∞ / ‖reference‖∞
    is above `rtol`. Only the error's order of magnitude is printed: a wrong value's digits are no result."""
    c, r = np.asarray(candidate, dtype=float), np.asarray(reference, dtype=float)
    if c.shape != r.shape or r.size == 0 or not np.max(np.abs(r)) > 0:
        return Outcome("numeric", f"{what}: nothing to compare ({c.size} vs {r.size} values)",
                       f"> {rtol:g}", False, scope)
    error = float(np.max(np.abs(c - r)) / np.max(np.abs(r)))
    if not math.isfinite(error):
        return Outcome("numeric", f"{what}: relative error {error}", f"> {rtol:g}", False, scope)
    decade = 10.0 ** math.floor(math.log10(error)) if error > 0 else 0.0
    shown = f"relative error ≥ {decade:g}" if decade else "relative error 0"
    text = (f"{what}: {shown}, above {rtol:g}" if error > rtol
            else f"{what}: relative error {error:.2g}, not above {rtol:g}")
    return Outcome("numeric", text, f"> {rtol:g}", error > rtol, scope)


@_over_cases(1)
def holds(condition: bool, what: str, kind: str = "numeric", tolerance: str = "exact", *,
          scope: object = "") -> Outcome:
    """A property that holds or not, with no threshold (e.g. "the loss decreases at every step").

    Where a threshold exists, use at_most/at_least/below/above: they print it from the value used.
    `tolerance=` free text is accepted only so that older proofs still run.
    """
    if isinstance(condition, list | tuple | np.ndarray):  # one flag per case (over=): all must hold
        condition = len(condition) > 0 and bool(np.all(np.asarray(condition, dtype=bool)))
    return Outcome(kind, what, tolerance, bool(condition), scope)
