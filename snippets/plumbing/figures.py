"""Turn a matplotlib figure into deterministic, accessible inline SVG that reads in light and dark mode."""

from __future__ import annotations

import html
import io
import re

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from snippets.plumbing import drawn  # noqa: E402  (also records where each artist is drawn)
from snippets.plumbing.page_context import page  # noqa: E402
from snippets.plumbing.xref import figure_number  # noqa: E402

# Text and axes are drawn in this sentinel colour, then handed to CSS as `currentColor`,
# so they follow the theme's text colour in light and in dark mode.
INK = "#010203"
# The one rule matplotlib puts in every SVG's <style>; docs/assets/site.css gives it to .exec-figure__svg.
MATPLOTLIB_RULE = "*{stroke-linejoin: round; stroke-linecap: butt}"
# Mid-luminance colours (Okabe-Ito family) with at least 3:1 contrast on white and on Material's slate.
PALETTE = ["#3b8fd9", "#c77c00", "#1f9a7a", "#d55e00", "#b26fce", "#808080"]

STYLE = {
    "svg.hashsalt": "executed-ml-solutions",
    # Text stays text (selectable, searchable, a tenth of the elements glyph outlines need), laid
    # out with the DejaVu Sans metrics matplotlib ships; the page names the fonts to draw it with.
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "mathtext.fontset": "dejavusans",
    "font.size": 10,
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "xtick.color": INK,
    "ytick.color": INK,
    "grid.color": INK,
    "grid.alpha": 0.15,
    "axes.grid": True,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "legend.labelcolor": INK,
    "lines.linewidth": 2.0,
    "image.cmap": "cividis",
}
matplotlib.rcParams.update(STYLE)

# The width a figure is drawn at on the desktop page (a 1280 px window), in CSS px: the text column
# is 688 px, a note or details box in it 662 px; a margin below both, so text anywhere clears it.
DESKTOP_COLUMN_PX = 640
# The smallest text a reader meets in a figure, in CSS px: on the desktop page, and on a phone,
# where a figure too wide to keep it at that size scrolls sideways instead of shrinking further.
MIN_TEXT_PX, MIN_PHONE_TEXT_PX = 11, 9


def new_figure(width: float = 6.4, height: float = 3.6, **subplots) -> tuple[Figure, object]:
    """A styled figure and its axes (no pyplot state, so nothing leaks between blocks)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _legible(fig: Figure) -> float:
    """Enlarge any text that would render under MIN_TEXT_PX on the desktop page; its smallest size.

    Sizes are in the SVG's own units (points of the figure), which the page scales to the column.
    Tick labels are raised through their axis (new ticks copy its settings), contour labels
    through their contour set (they are not children of the axes).
    """
    smallest_allowed = MIN_TEXT_PX * fig.get_figwidth() * 72 / DESKTOP_COLUMN_PX
    for axes in fig.axes:
        for axis in (axes.xaxis, axes.yaxis, getattr(axes, "zaxis", None)):
            if axis is None:
                continue
            labels = axis.get_ticklabels(which="both")
            if labels and min(label.get_fontsize() for label in labels) < smallest_allowed:
                axis.set_tick_params(which="both", labelsize=smallest_allowed)
    fig.draw_without_rendering()  # makes every tick label and contour label, to be measured
    texts = list(fig.findobj(Text))
    for contours in fig.findobj(lambda artist: hasattr(artist, "labelTexts")):
        texts += contours.labelTexts
    sizes = []
    for text in texts:
        if not text.get_visible() or not text.get_text().strip():
            continue
        # Mathtext sets a script (10⁻³) at 70 % of the text's size, a script's script (e^{−θn²})
        # at 70 % of that.
        content = text.get_text()
        depth = 2 if NESTED_SCRIPTS.search(content) else 1 if SCRIPTS.search(content) else 0
        scale = MATHTEXT_SCRIPT**depth
        if text.get_fontsize() * scale < smallest_allowed:
            text.set_fontsize(smallest_allowed / scale)
        sizes.append(text.get_fontsize() * scale)
    return min(sizes, default=smallest_allowed)


MATHTEXT_SCRIPT = 0.7  # matplotlib's mathtext SHRINK_FACTOR (one level of scripts)
SCRIPTS = re.compile(r"\$[^$]*[_^][^$]*\$")
NESTED_SCRIPTS = re.compile(r"\$[^$]*[_^]\{[^{}$]*[_^][^$]*\$")


def svg_markup(
    fig: Figure, *, figure_id: str, title: str | drawn.Told, description: str | drawn.Told
) -> str:
    """The figure as an SVG string: no date, ids namespaced by `figure_id`, title and desc first."""
    buffer = io.StringIO()
    drawn.audit(fig)  # every drawn artist against its registered, checked data (or declared decorative)
    # The alt text's title and description: every number and statement read from the drawing.
    title, description = drawn.describe(fig, title), drawn.describe(fig, description)
    smallest = _legible(fig)
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: this is inline HTML
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)
    # RDF metadata (format, type) is not valid in HTML's SVG; the title and desc below describe it.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # matplotlib's one rule sits in a <style>: inline, it would style the whole page, and parsed
    # mid-page it restyled all of it (a phone's longest task on 5a). site.css gives it to figures.
    svg, moved = re.subn(rf"\s*<defs>\s*<style[^>]*>{re.escape(MATPLOTLIB_RULE)}</style>\s*</defs>", "", svg)
    if moved != 1 or "<style" in svg:
        raise ValueError(f"matplotlib's SVG changed: expected one <style>{MATPLOTLIB_RULE}</style>")
    # The fonts are named once, by the site's stylesheet (.exec-figure__svg), not on every text.
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)
    # On a phone the figure keeps at least this width (its smallest text at MIN_PHONE_TEXT_PX).
    width_units = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
    phone_width = round(MIN_PHONE_TEXT_PX * width_units / smallest)
    prefix = _slug(figure_id)
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', rf'\1="#{prefix}-\2"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    svg = re.sub(
        r"<svg ",
        f'<svg role="img" aria-labelledby="{title_id} {desc_id}" class="exec-figure__svg" '
        f'style="--phone-width: {phone_width}px" ',
        svg,
        count=1,
    )
    head = (
        f'<title id="{title_id}">{html.escape(title)}</title>'
        f'<desc id="{desc_id}">{html.escape(description)}</desc>'
    )
    return re.sub(r"(<svg [^>]*>)", lambda m: m.group(1) + head, svg, count=1)


def figure_html(
    fig: Figure,
    *,
    title: str | drawn.Told,
    description: str | drawn.Told,
    caption: str,
    label: str | None = None,
    figure_id: str | None = None,
) -> str:
    """An HTML figure: inline SVG plus a caption numbered in page order ("Figure 2. ...").

    `label="fig-name"` makes it a cross-reference target (`@fig-name` in the prose): the label
    must also appear in the page's Markdown, in the block that shows the figure, so every page
    knows the figure's number before this page renders (see snippets/plumbing/xref.py). Without a
    label, `figure_id` names the figure (its anchor is `fig-<figure_id>`).
    """
    if label is None and figure_id is None:
        raise ValueError("figure_html needs label=\"fig-…\" (or, unlabelled, a figure_id)")
    context = page()
    context.figures += 1
    number = context.figures
    if label is not None:
        figure_number(label, number)
    name = label if label is not None else figure_id
    svg = svg_markup(fig, figure_id=name, title=title, description=description)
    anchor = label if label is not None else f"fig-{_slug(figure_id)}"
    return (
        f'<figure class="exec-figure" id="{anchor}"><div class="exec-figure__scroll">{svg}</div>'
        f'<figcaption><span class="exec-figure__number">Figure {number}.</span> '
        f"{html.escape(caption)}</figcaption></figure>"
    )
