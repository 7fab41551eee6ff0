"""The build-order hook (snippets/plumbing/build_order.py): question pages, then proof pages, then
top-level pages are rendered; MkDocs' own order is put back for writing."""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from snippets.plumbing import build_order

# In MkDocs' order: top-level pages first, then the folders alphabetically (proofs/ before question-4/).
MKDOCS_ORDER = ["index.md", "checks.md", "proofs/batchnorm.md", "proofs/q4a_proof.md",
                "question-4/4a.md", "question-5/5a.md", "assets/site.css"]


def _files() -> Files:
    return Files([File(path, "docs", "site", use_directory_urls=False) for path in MKDOCS_ORDER])


def test_question_pages_render_first_then_proofs_then_summaries():
    rendering = [f.src_uri for f in build_order.on_files(_files(), config=None)]
    assert rendering == ["question-4/4a.md", "question-5/5a.md", "proofs/batchnorm.md",
                         "proofs/q4a_proof.md", "index.md", "checks.md", "assets/site.css"]


def test_mkdocs_order_is_restored_for_writing():
    files = build_order.on_files(_files(), config=None)
    build_order.on_env(None, config=None, files=files)
    pages = [f.src_uri for f in files if f.is_documentation_page()]
    assert pages == [p for p in MKDOCS_ORDER if p.endswith(".md")]
