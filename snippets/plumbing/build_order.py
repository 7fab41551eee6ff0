"""MkDocs hook: render the question pages before the pages that summarise them.

MkDocs renders `index.md` first, then the other top-level pages, then the subfolders. The home
page counts every check and the ledger lists them all, so whichever of them renders first runs
every proof of the site inside one block (several seconds). Rendered after the question pages,
they find each check already run (results are kept for the build, `checks.run`), and each proof's
time falls in the block that shows it, beside its step. The proof pages come after the question
pages too: each lists what its module proves, so the first of them imported every question module
(1.1 s in docs/proofs/batchnorm.md's one block); now each module is imported by the page that
shows it.

Only the order of work changes, never the output: pages share no state but those memoized
results, and the original order is put back before the pages are written (the search index
lists them in MkDocs' order). This is an optimisation, so it may stay a hook: Zensical ignores
`hooks:` and renders in its own order, producing the same pages a little more slowly.
"""

from __future__ import annotations

from mkdocs.structure.files import Files

_original: list = []


def on_files(files: Files, config) -> Files:
    ordered = list(files)
    pages = [f for f in ordered if f.is_documentation_page()]
    _original[:] = pages
    # Stable: the questions' folders first (in MkDocs' own order), then the proof pages, then the
    # top-level pages.
    rank = {id(f): (_summarises(f), i) for i, f in enumerate(pages)}
    rendering = sorted(pages, key=lambda f: rank[id(f)])
    others = [f for f in ordered if not f.is_documentation_page()]
    return Files(rendering + others)


def _summarises(file) -> int:
    """0 for a question's page, 1 for a proof page (it lists what its module proves), 2 for a
    top-level page (the home page counts every check, the ledger lists them)."""
    if file.src_uri.count("/") == 0:
        return 2
    return 1 if file.src_uri.startswith("proofs/") else 0


def on_env(env, config, files: Files):
    """All pages are rendered: restore MkDocs' order for writing them (and the search index)."""
    for file in _original:
        if files.get_file_from_path(file.src_uri) is file:
            files.remove(file)
            files.append(file)
    _original.clear()
    return env
