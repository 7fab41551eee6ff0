"""Question 4b: the page's tables, registered values whose raw cells the checks compare."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from snippets.plumbing.values import Table, value
from snippets.q4b_exact_checks import closed_forms
from snippets.q4b_minima import rows as minima_rows
from snippets.q4b_sampler import table_rows as sampler_rows


def error_digits(error: float) -> int:
    """Decimal places that show a standard error to two significant digits."""
    return max(0, 1 - math.floor(math.log10(error)))


@dataclass(frozen=True)
class Estimate:
    """A cell `value ± error`, rounded at the error's second significant digit, as one KaTeX group."""

    value: float
    error: float
    scale: float = 1.0  # 100 prints a fraction as a percentage
    suffix: str = ""

    def __format__(self, spec: str) -> str:
        places = error_digits(self.error * self.scale)
        body = (
            f"{self.value * self.scale:,.{places}f} \\pm {self.error * self.scale:,.{places}f}{self.suffix}"
        )
        return f"${{{body}}}$".replace(",", "{,}")


@dataclass(frozen=True)
class Scientific:
    """A cell with `digits` significant digits: plain below `plain_below`, as a power of ten above."""

    value: float
    digits: int = 3
    plain_below: float = 0.0

    def body(self) -> str:
        if abs(self.value) < self.plain_below:
            return f"{float(f'{self.value:.{self.digits}g}'):,g}".replace(",", "{,}")
        mantissa, exponent = f"{self.value:.{self.digits - 1}e}".split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"

    def __format__(self, spec: str) -> str:
        return f"${{{self.body()}}}$"


@dataclass(frozen=True)
class Latex:
    """A sympy expression, printed as inline math."""

    expression: object

    def __format__(self, spec: str) -> str:
        return "—" if self.expression is None else f"${sp.latex(sp.together(self.expression))}$"


@value(
    "q4b.minima-table", statement="fraction of minima and saddles per minimum, with the coin and GOE counts"
)
def minima_table() -> Table:
    # Plain-text headers: on phones they label each cell (snippets/plumbing/table_cards.py).
    return Table(
        ("n", "minima among critical points", "saddles per minimum", "coin count 2ⁿ − 2", "GOE (1 − 2Pₙ)/Pₙ"),
        [
            (
                r["n"],
                Estimate(r["fraction"], r["fraction_error"], 100, r" \%"),
                Estimate(r["ratio"], r["ratio_error"]),
                r["coin"],
                Scientific(r["goe"], 3, plain_below=1e4),
            )
            for r in minima_rows()
        ],
        formats={"coin count 2ⁿ − 2": ","},
        align="rrrrr",
    )


@value(
    "q4b.probability-table",
    statement="exact P_n, closed forms, importance sampling ± s.e. relative to P_n, effective samples",
)
def probability_table() -> Table:
    forms = closed_forms()
    return Table(
        (
            "n",
            "exact Pₙ",
            "closed form",
            "importance sampling ÷ exact",
            "deviation (s.e.)",
            "effective samples",
        ),
        [
            (
                r["n"],
                Scientific(r["exact"], 4),
                Latex(forms.get(r["n"])),
                Estimate(r["estimate"] / r["exact"], r["error"] / r["exact"]),
                (r["estimate"] - r["exact"]) / r["error"],
                r["ess"],
            )
            for r in sampler_rows()
        ],
        formats={"deviation (s.e.)": "+.2f", "effective samples": ",.0f"},
        align="rrcrrr",
    )
