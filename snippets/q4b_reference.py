"""Reference data for question 4b: exact ln P(all eigenvalues > 0) of the GOE for n = 1..100.

Too slow for a page block (about 25 s), so it runs once and its output is committed:

    .venv/bin/python -m snippets.q4b_reference        # writes snippets/data/q4b_exact.json

tests/test_q4b_saddle_count.py reruns it for a subset of n and checks the committed numbers.
"""

from __future__ import annotations

import json

import mpmath as mp

from snippets.q4b_saddle_count import DATA_FILE, p_all_positive

N_MAX = 100


def log_p_all_positive(sizes) -> list[float]:
    """ln P_n from de Bruijn's Pfaffian at n + 40 significant digits, rounded to double precision."""
    return [float(mp.log(p_all_positive(n))) for n in sizes]


def reference_table(sizes=range(1, N_MAX + 1)) -> dict:
    sizes = list(sizes)
    return {
        "description": "ln P(all eigenvalues > 0) for an n x n GOE matrix (density ∝ exp(-tr H²/2))",
        "method": "de Bruijn Pfaffian of monomial moments, mpmath at n + 40 digits "
                  "(snippets/q4b_reference.py)",
        "n": sizes,
        "log_p": log_p_all_positive(sizes),
    }


def main() -> None:
    DATA_FILE.parent.mkdir(exist_ok=True)
    table = reference_table()
    # One line per key: the lists stay readable in a diff.
    body = ",\n".join(f" {json.dumps(key)}: {json.dumps(item, ensure_ascii=False)}"
                      for key, item in table.items())
    DATA_FILE.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    print(f"wrote {DATA_FILE}")


if __name__ == "__main__":
    main()
