"""Question 4b: the page every 4b check belongs to."""

from __future__ import annotations

from functools import partial

from snippets.plumbing.checks import check as _check

PAGE = "question-4/4b.md"
check = partial(_check, page=PAGE)
