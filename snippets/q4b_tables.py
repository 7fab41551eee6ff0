"""Question 4b: the page's tables, printed from named rows so that a check can read back every cell."""

from __future__ import annotations

import math
import re

import sympy as sp

from snippets.q4b_exact_checks import closed_forms
from snippets.q4b_minima import rows as minima_rows
from snippets.q4b_rate import THETA
from snippets.q4b_sampler import table_rows as sampler_rows

PERCENT = r" \%"
SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def error_digits(error: float) -> int:
    """Decimal places that show the standard error to two significant digits."""
    return max(0, 1 - math.floor(math.log10(error)))


def with_error(estimate: float, error: float, scale: float = 1.0, suffix: str = "") -> str:
    """`estimate ± error`, rounded at the error's second significant digit, unbreakable (a KaTeX group)."""
    places = error_digits(error * scale)
    return f"${{{estimate * scale:,.{places}f} \\pm {error * scale:,.{places}f}{suffix}}}$".replace(
        ",", "{,}"
    )


def scientific_body(x: float, digits: int = 3) -> str:
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def latex_scientific(x: float, digits: int = 3) -> str:
    return f"${{{scientific_body(x, digits)}}}$"


def three_significant(x: float) -> str:
    """Three significant digits: plain below 10⁴, as a power of ten above."""
    if x >= 1e4:
        return latex_scientific(x)
    return f"${float(f'{x:.3g}'):,g}$".replace(",", "{,}")


def minima_table() -> str:
    """Markdown table: fraction of minima and saddles per minimum of the random field, coin and GOE counts."""
    lines = [
        # Plain-text headers: on phones they label each cell (snippets/plumbing/table_cards.py).
        "| n | minima among critical points | saddles per minimum | coin count 2ⁿ − 2 | GOE (1 − 2Pₙ)/Pₙ |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in minima_rows():
        lines.append(
            f"| {row['n']} | {with_error(row['fraction'], row['fraction_error'], 100, PERCENT)} "
            f"| {with_error(row['ratio'], row['ratio_error'])} | {row['coin']:,} "
            f"| {three_significant(row['goe'])} |"
        )
    return "\n".join(lines)


def probability_table() -> str:
    """Markdown table: exact P_n, importance sampling ± s.e., effective sample size, 2⁻ⁿ and e^{−θn²}."""
    forms = closed_forms()
    lines = [
        "| n | exact Pₙ | closed form | importance sampling ± s.e. | deviation | effective samples "
        "| 2⁻ⁿ | e^(−θn²) |",
        "|---:|---:|:---:|---:|---:|---:|---:|---:|",
    ]
    for row in sampler_rows():
        form = f"${sp.latex(sp.together(forms[row['n']]))}$" if row["n"] in forms else "—"
        deviation = (row["estimate"] - row["exact"]) / row["error"]
        lines.append(
            f"| {row['n']} | {latex_scientific(row['exact'], 4)} | {form} "
            f"| ${{{scientific_body(row['estimate'], 3)} \\pm {scientific_body(row['error'], 2)}}}$ "
            f"| {deviation:+.2f} s.e. | {row['ess']:,.0f} | {latex_scientific(2.0 ** -row['n'])} "
            f"| {latex_scientific(math.exp(-THETA * row['n'] ** 2))} |"
        )
    return "\n".join(lines)


def cell_numbers(cell: str) -> list[float]:
    """The numbers a printed cell shows, read back from its text: '${1{,}625 \\pm 12}$' gives [1625, 12]."""
    text = cell.replace("{,}", "").replace(",", "").translate(SUPERSCRIPTS)
    text = re.sub(r"\\times\s*10\^\{(-?\d+)\}", r"e\1", text)
    text = re.sub(r"(\d)\s+e", r"\1e", text)
    return [float(m) for m in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def table_cells(table: str) -> list[list[str]]:
    """The body cells of a Markdown table, row by row."""
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()[2:]]
