"""Reference data for question 4b, too slow for a page block, computed once and committed.

    .venv/bin/python -m snippets.q4b_reference

writes snippets/data/q4b_exact.json (exact ln P_n of the GOE for n = 1..100 and the index variance at
n = 10, 20, 40, de Bruijn's Pfaffian, about 30 s) and snippets/data/q4b_random_field.json (the
Kac–Rice sums for n = 2..10, about 90 s, and for n = 20 and 40, about 60 s).
tests/test_q4b_reference.py reruns a part of each and compares it with the committed numbers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mpmath as mp

from snippets.q4b_kac_rice import CHUNK, EXTENDED_CHUNK, EXTENDED_SIZES, SIZES, chunk_sums
from snippets.q4b_pfaffian import DIGITS_ABOVE_N, index_distribution, p_all_positive

DATA = Path(__file__).with_name("data")
EXACT_FILE = DATA / "q4b_exact.json"
RANDOM_FIELD_FILE = DATA / "q4b_random_field.json"
N_MAX = 100
INDEX_VARIANCE_SIZES = (10, 20, 40)
CHUNKS = 40
EXTENDED_CHUNKS = 10


def log_p_all_positive(sizes) -> list[float]:
    """ln P_n from de Bruijn's Pfaffian at n + DIGITS_ABOVE_N significant digits, rounded to a double."""
    return [float(mp.log(p_all_positive(n))) for n in sizes]


def index_variance(n: int) -> float:
    """Variance of the number of negative eigenvalues of an n×n GOE matrix, from the exact index law."""
    law = index_distribution(n)
    mean = sum(k * p for k, p in enumerate(law))
    return sum((k - mean) ** 2 * p for k, p in enumerate(law))


def exact_table(sizes=range(1, N_MAX + 1), variance_sizes=INDEX_VARIANCE_SIZES) -> dict:
    sizes = list(sizes)
    return {
        "description": "ln P(all eigenvalues > 0) for an n x n GOE matrix (density ∝ exp(-tr H²/2))",
        "method": f"de Bruijn Pfaffian of monomial moments, mpmath at n + {DIGITS_ABOVE_N} digits "
        "(snippets/q4b_reference.py)",
        "n": sizes,
        "log_p": log_p_all_positive(sizes),
        "index_variance": {str(n): index_variance(n) for n in variance_sizes},
    }


def random_field_table(sizes=SIZES, chunks=range(CHUNKS), extended_chunks=range(EXTENDED_CHUNKS)) -> dict:
    return {
        "description": "Kac–Rice sums over sampled GOE spectra, exact integrals over ξ "
        "(snippets/q4b_kac_rice.py, chunk_sums)",
        "chunk": CHUNK,
        "sums": {str(n): [chunk_sums(n, c) for c in chunks] for n in sizes},
        "extended_chunk": EXTENDED_CHUNK,
        "extended": {
            str(n): [chunk_sums(n, c, EXTENDED_CHUNK) for c in extended_chunks] for n in EXTENDED_SIZES
        },
    }


def write(path: Path, table: dict) -> None:
    # One line per key (and per n): the file stays readable in a diff.
    def line(key, item):
        if isinstance(item, dict):
            inner = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in item.items())
            return f" {json.dumps(key)}: {{\n{inner}\n }}"
        return f" {json.dumps(key)}: {json.dumps(item, ensure_ascii=False)}"

    path.parent.mkdir(exist_ok=True)
    path.write_text("{\n" + ",\n".join(line(k, v) for k, v in table.items()) + "\n}\n", encoding="utf-8")
    print(f"wrote {path}")


def main(which: list[str]) -> None:
    if not which or "exact" in which:
        write(EXACT_FILE, exact_table())
    if not which or "random-field" in which:
        write(RANDOM_FIELD_FILE, random_field_table())


if __name__ == "__main__":
    main(sys.argv[1:])
