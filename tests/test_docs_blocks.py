"""Every executing block in docs/ runs under pytest, page by page, as the build runs it."""

import pytest
from conftest import DOCS, EXEC_INFO, page_examples

PAGES = sorted(DOCS.rglob("*.md"))


def test_every_question_page_holds_executing_blocks():
    # Guards against a silently empty collection: each question page must carry runnable proof.
    questions = sorted(DOCS.glob("question-*/*.md"))
    assert [p.stem for p in questions] == ["4a", "4b", "4c", "5a", "5b", "5c"]
    for page in questions:
        blocks = EXEC_INFO.findall(page.read_text(encoding="utf-8"))
        assert len(blocks) >= 3, f"{page.relative_to(DOCS)} has {len(blocks)} executing blocks"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_blocks_run(page):
    examples = page_examples(page)
    expected = len(EXEC_INFO.findall(page.read_text(encoding="utf-8")))
    assert len(examples) == expected, "Sybil found a different number of blocks than the page holds"
    for example in examples:
        example.evaluate()
