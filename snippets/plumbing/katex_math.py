"""Markdown extension: render arithmatex-marked math to HTML with the pinned KaTeX, at build time."""

from __future__ import annotations

import atexit
import html
import json
import re
from functools import cache
from pathlib import Path

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from snippets.plumbing import failures

PROJECT_ROOT = Path(__file__).resolve().parents[2]
KATEX_JS = PROJECT_ROOT / "node_modules" / "katex" / "dist" / "katex.min.js"

# What pymdownx.arithmatex emits with `generic: true`.
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])"
    r"</(?P=tag)>",
    re.DOTALL,
)


class KatexError(ValueError):
    """KaTeX could not parse a formula."""


@cache
def _katex():
    """One embedded V8 with KaTeX loaded, shared by every page of the build."""
    from py_mini_racer import MiniRacer

    if not KATEX_JS.is_file():
        raise FileNotFoundError(f"{KATEX_JS} is missing: run `npm ci` (the Makefile does).")
    ctx = MiniRacer()
    # Left to interpreter finalization, V8 can deadlock the process's exit: close it first.
    atexit.register(ctx.close)
    ctx.eval(KATEX_JS.read_text(encoding="utf-8"))
    ctx.eval(
        """
        function renderMath(tex, display) {
          try {
            return {html: katex.renderToString(tex, {displayMode: display, throwOnError: true})};
          } catch (error) {
            return {error: String(error.message || error)};
          }
        }
        """
    )
    return ctx


def render(tex: str, *, display: bool) -> str:
    """KaTeX HTML for one formula; raises KatexError when KaTeX cannot parse it."""
    result = json.loads(
        _katex().eval(f"JSON.stringify(renderMath({json.dumps(tex)}, {str(display).lower()}))")
    )
    if "error" in result:
        raise KatexError(result["error"])
    return result["html"]


class _RenderMath(Postprocessor):
    def run(self, text: str) -> str:
        return MATH.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        display = match["display"] is not None
        tex = html.unescape(match["display"] if display else match["inline"])
        try:
            rendered = render(tex, display=display)
        except KatexError as error:
            formula = tex.strip()
            failures.report(f"KaTeX cannot render formula {formula!r}: {error}",
                            line=failures.line_in_page(formula), kind="formula")
            return f'<span class="katex-error">{html.escape(tex)}</span>'
        if display:
            # Focusable, so a formula wider than a small screen can be scrolled from the keyboard.
            return f'<div class="math-display" tabindex="0">{rendered}</div>'
        return rendered


class KatexMathExtension(Extension):
    """Replace arithmatex's generic output with KaTeX HTML after the raw HTML is restored."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.postprocessors.register(_RenderMath(md), "katex_math", 5)


def makeExtension(**kwargs) -> KatexMathExtension:  # noqa: N802 (Markdown's API)
    return KatexMathExtension(**kwargs)
