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


# KaTeX is a pure function of the formula: a formula seen before in this process (another page,
# or the previous rebuild under `make serve`) is not sent to V8 again.
@cache
def render(tex: str, *, display: bool) -> str:
    """KaTeX HTML for one formula; raises KatexError when KaTeX cannot parse it."""
    result = json.loads(
        _katex().eval(f"JSON.stringify(renderMath({json.dumps(tex)}, {str(display).lower()}))")
    )
    if "error" in result:
        raise KatexError(result["error"])
    return tidy(result["html"])


# KaTeX's MathML keeps the TeX source in an <annotation>: screen readers speak the MathML itself,
# and search would index each formula three times (MathML, TeX, glyphs: "C2C^2C2").
ANNOTATION = re.compile(
    r'<semantics>(.*?)<annotation encoding="application/x-tex">.*?</annotation></semantics>', re.S
)
# `\lambda_{\max}`: KaTeX puts the operator's invisible function application inside the script,
# one child too many for <msub>/<msup>/<msubsup> (Nu HTML checker); a <mrow> makes the name and its
# application one argument (harmless where they stand in a row anyway).
SCRIPT_OPERATOR = re.compile(r"<mi>(\w+)</mi><mo>\u2061</mo>")
# KaTeX writes `height:-0.43em` for some scripts; browsers drop a negative height (it is invalid
# CSS, so the checker flags it), so removing it changes nothing on screen.
NEGATIVE_HEIGHT = re.compile(r"height:-[\d.]+em;?")


def tidy(rendered: str) -> str:
    """KaTeX's output, valid HTML and indexed once by search (MathML text only)."""
    rendered = ANNOTATION.sub(r"\1", rendered)
    rendered = SCRIPT_OPERATOR.sub(lambda m: f"<mrow><mi>{m[1]}</mi><mo>\u2061</mo></mrow>", rendered)
    rendered = NEGATIVE_HEIGHT.sub("", rendered).replace(' style=""', "")
    # A numbered display's MathML pads its label columns with <mtd width="50%">, an attribute
    # MathML Core does not have (Nu checker); its glyphs place the number, not the MathML.
    rendered = rendered.replace('<mtd width="50%">', "<mtd>")
    return _glyphs_out_of_search(rendered)


GLYPHS_OPEN = '<span class="katex-html" aria-hidden="true">'
GLYPHS_TAG = "katex-glyphs"
SPAN = re.compile(r"<span\b|</span>")


def _glyphs_out_of_search(rendered: str) -> str:
    """Hide KaTeX's glyphs from search, as they are hidden from screen readers (aria-hidden).

    Material's search skips an element marked data-search-exclude only until the first closing
    tag of the same name inside it, so the glyphs' outer <span> becomes a custom element of its
    own name (KaTeX's stylesheet selects it by class, not by tag).
    """
    start = rendered.find(GLYPHS_OPEN)
    if start < 0:
        return rendered
    depth = 0
    for tag in SPAN.finditer(rendered, start):
        depth += 1 if tag[0] == "<span" else -1
        if depth == 0:
            end = tag.start()
            break
    else:
        raise KatexError("unbalanced <span> in KaTeX's output")
    opening = f'<{GLYPHS_TAG} class="katex-html" aria-hidden="true" data-search-exclude>'
    return (rendered[:start] + opening + rendered[start + len(GLYPHS_OPEN) : end]
            + f"</{GLYPHS_TAG}>" + rendered[end + len("</span>") :])


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
            # docs/assets/a11y.js makes a display a tab stop only while it is too wide to show whole.
            # The outer block is what docs/assets/site.css lets the browser skip off screen: the
            # display inside it measures true even then (a query inside a skipped block lays it out).
            return f'<div class="math-block"><div class="math-display">{rendered}</div></div>'
        return rendered


class KatexMathExtension(Extension):
    """Replace arithmatex's generic output with KaTeX HTML after the raw HTML is restored."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.postprocessors.register(_RenderMath(md), "katex_math", 5)


def makeExtension(**kwargs) -> KatexMathExtension:  # noqa: N802 (Markdown's API)
    return KatexMathExtension(**kwargs)
