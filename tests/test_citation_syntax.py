"""A bracket that cites with @ is read whole, or it is reported: no half-read citation reaches a page."""

import pytest

from snippets.plumbing.citations import citations_in, unreadable_citations


@pytest.mark.parametrize(
    "prose",
    [
        "as shown [@ioffe2015; see the appendix].",
        "as shown [see the appendix; @ioffe2015].",
        "as shown [@ioffe2015 and @bray2007].",
        "two [@ioffe2015, p. 3; -@bray2007; the rest].",
    ],
)
def test_a_bracket_with_a_part_that_is_not_a_citation_is_unreadable(prose):
    assert unreadable_citations(f"Intro.\n\n{prose}\n") == [(3, prose[prose.index("["):prose.index("]") + 1])]


@pytest.mark.parametrize(
    "prose",
    [
        "as shown [@ioffe2015; @bray2007, Thm 2].",
        "as shown [see @ioffe2015, §3; also -@bray2007].",
        "write to [someone at example@site.org] for the data.",
        "a footnote[^1] and a link [text](https://example.org).",
        "`[@ioffe2015; not a citation in code]`",
    ],
)
def test_well_formed_citations_and_other_brackets_are_readable(prose):
    assert unreadable_citations(prose) == []


def test_fenced_code_is_not_read():
    assert unreadable_citations("```text\n[@ioffe2015; free text]\n```\n") == []
    assert citations_in("[@ioffe2015; @bray2007]") == [(1, "ioffe2015"), (1, "bray2007")]
