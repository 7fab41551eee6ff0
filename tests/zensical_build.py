"""Build the site with Zensical from the same mkdocs.yml, failing on any warning our code logs.

Usage: `python tests/zensical_build.py [PROJECT_DIR]` (default: this project). Zensical writes
to the config's `site_dir` (it has no --site-dir option), so tests run it in a copy.

Why a wrapper: `zensical build --strict` (0.0.73) counts only Zensical's own issues. A failing
block (markdown-exec), a formula KaTeX cannot parse or a prose value that disagrees with its
code is logged through Python's `logging` as a WARNING, printed, and the build still says
"No issues found" and exits 0. Zensical renders Markdown in this same Python process, so a
logging handler here sees those warnings, and the wrapper turns them into a failing exit code.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def main() -> int:
    project = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    os.chdir(project)
    sys.path.insert(0, str(project))
    counter = _Count()
    logging.getLogger().addHandler(counter)
    # Printed as well, as Zensical would print them without a handler of ours.
    printer = logging.StreamHandler(sys.stderr)
    printer.setLevel(logging.WARNING)
    printer.setFormatter(logging.Formatter("WARNING -  %(message)s"))
    logging.getLogger().addHandler(printer)

    from zensical import build

    build(str(project / "mkdocs.yml"), {"clean": True, "strict": True})
    if counter.records:
        print(f"Aborted: {len(counter.records)} warning(s) logged while rendering.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
