"""Markdown extension that records which page is being rendered, for messages, anchors and numbering."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor


@dataclass
class PageContext:
    """The page being rendered: its path below the docs folder, and per-page counters."""

    src_uri: str = ""
    docs_dir: Path | None = None
    figures: int = 0
    claims: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How messages name the page: `docs/<path>` when known."""
        return f"docs/{self.src_uri}" if self.src_uri else "<unknown page>"

    def source_path(self) -> Path | None:
        """The page's Markdown file on disk, when known."""
        if self.docs_dir is None or not self.src_uri:
            return None
        return self.docs_dir / self.src_uri


current = PageContext()


def _mkdocs_file(md: Markdown):
    """The MkDocs File of a page's own Markdown instance (None for nested conversions)."""
    relpath = md.treeprocessors["relpath"] if "relpath" in md.treeprocessors else None
    return getattr(relpath, "file", None)


def _zensical_page(md: Markdown) -> tuple[str, Path] | None:
    """The page Zensical is rendering, from its "rendering_context" preprocessor, if any.

    Zensical has no "relpath" treeprocessor; it registers a context preprocessor holding the page
    (`page.path` is relative to docs_dir) and the configuration (`root_dir`, `docs_dir`). It also
    hands that extension to markdown-exec's nested conversions, which markdown-exec marks with
    `_original_md`: those must keep the outer page (and its figure counter).
    """
    if getattr(md, "_original_md", None) is not None or "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    path = getattr(getattr(context, "page", None), "path", None)
    config = getattr(context, "config", None) or {}
    if not path:
        return None
    docs_dir = Path(config.get("root_dir") or ".", config.get("docs_dir") or "docs").resolve()
    return str(path).replace("\\", "/"), docs_dir


def is_page_conversion(md: Markdown) -> bool:
    """Whether `md` converts a page itself, not a nested conversion of a block's output."""
    return _mkdocs_file(md) is not None or _zensical_page(md) is not None


class _RecordPage(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        global current
        file = _mkdocs_file(self.md)
        # Nested conversions (markdown-exec output) have no MkDocs file: keep the outer page.
        if file is not None:
            docs_dir = Path(file.abs_src_path).parent if file.abs_src_path else None
            if docs_dir is not None:
                for _ in Path(file.src_uri).parts[:-1]:
                    docs_dir = docs_dir.parent
            current = PageContext(src_uri=file.src_uri, docs_dir=docs_dir)
        elif (zensical := _zensical_page(self.md)) is not None:
            current = PageContext(src_uri=zensical[0], docs_dir=zensical[1])
        return lines


class PageContextExtension(Extension):
    """Register the recorder so it runs before any other preprocessor."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(_RecordPage(md), "page_context", 1000)


def makeExtension(**kwargs) -> PageContextExtension:  # noqa: N802 (Markdown's API)
    return PageContextExtension(**kwargs)


def page() -> PageContext:
    """The page being rendered now."""
    return current
