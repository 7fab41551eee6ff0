"""Question 4b: the page shows every check, its figures are accessible, and its blocks stay light."""

from __future__ import annotations

import re

import pytest
from conftest import DOCS

from snippets import q4b_figures as figures
from snippets.plumbing.checks import REGISTRY, load_all, verify, within_uncertainty
from snippets.q4b_goe import p2_equal_variance, p2_equal_variance_monte_carlo

PAGE = DOCS / "question-4" / "4b.md"


@pytest.mark.parametrize(
    "make",
    [figures.saddle_ratio_figure, figures.probability_figure, figures.rate_figure, figures.index_figure],
)
def test_figures_have_captions_and_alt_text(make):
    html = make(label="fig-q4b-test")
    assert html.startswith('<figure class="exec-figure"') and "<figcaption>" in html
    assert re.search(r"<title id=\"[^\"]+\">[^<]{20,}</title><desc id=\"[^\"]+\">[^<]{40,}</desc>", html)


def test_every_check_holds_and_is_shown_on_the_page():
    load_all()
    ours = {cid for cid, c in REGISTRY.items() if c.page == "question-4/4b.md"}
    calls = re.findall(r"\bshow\(([^)]*)\)", PAGE.read_text(encoding="utf-8"))
    shown = {cid for call in calls for cid in re.findall(r'"(q4b\.[a-z0-9-]+)"', call)}
    assert ours and ours == shown
    for cid in sorted(ours):
        verify(cid)


def test_equal_variance_ensemble_against_a_large_sample():
    estimate, error = p2_equal_variance_monte_carlo(2_000_000, seed=99)
    outcome = within_uncertainty(estimate, error, p2_equal_variance()[0], k=4, what="2,000,000 samples")
    assert outcome.passed, outcome.compared


def test_main_line_stays_short():
    """Outside folded notes, code blocks and the references the page reads in under about 2,000 words."""
    text = PAGE.read_text(encoding="utf-8").split("## References")[0]
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    kept = [line for line in text.splitlines() if not line.startswith("    ")]  # folded notes are indented
    words = re.findall(
        r"[A-Za-z][A-Za-z'’-]*", re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", "\n".join(kept), flags=re.DOTALL)
    )
    assert len(words) < 2000, len(words)
