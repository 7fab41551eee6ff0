"""Build the site with Zensical from the same mkdocs.yml, failing on every failure the project records.

Usage: `python tests/zensical_build.py [PROJECT_DIR]` (default: this project). Zensical writes
to the config's `site_dir` (it has no --site-dir option), so tests run it in a copy.

Why a wrapper: `zensical build --strict` (0.0.73) counts only Zensical's own issues, and it
ignores MkDocs hooks, so snippets/plumbing/fail_build.py never runs. Zensical renders Markdown
in this same Python process, so the failures our plumbing records (snippets/plumbing/failures.py:
a failing block, a check, a formula KaTeX cannot parse, a prose value that disagrees) are here
to read when the build returns; any warning logged through Python's `logging` is taken as a
failure too. The wrapper prints the summary and exits 1, as the MkDocs hook aborts the build.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


class _TakeWarnings(logging.Handler):
    """Every WARNING+ record logged while Zensical renders becomes a failure of the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        from snippets.plumbing import failures

        failures.report(record.getMessage(), page="", kind=record.name)


def main() -> int:
    project = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    os.chdir(project)
    sys.path.insert(0, str(project))
    from snippets.plumbing import failures

    root = logging.getLogger()
    root.addHandler(_TakeWarnings())
    # Records of `mkdocs.*` loggers (markdown-exec routes through them) reach the root logger.
    logging.getLogger("mkdocs").propagate = True

    from zensical import build

    build(str(project / "mkdocs.yml"), {"clean": True, "strict": True})
    if failures.FAILURES:
        print(failures.summary(), file=sys.stderr)
        print(f"Aborted: {len(failures.roots())} failure(s) (see above).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
