"""The reader's site in a real browser: headless Chromium, driven by Playwright, on a local server.

Every HTML page the build writes is opened and checked for what a reader meets: a clean load with
nothing fetched from outside 127.0.0.1, math rendered by KaTeX, figures visible with alt text, both
colour schemes legible (screenshots saved for a human to look at), a 375 px phone layout, site
search, and an axe-core accessibility scan; and for the reading itself: code blocks open on their
result, no display formula clipped at 1280 px, tables that keep numbers whole, figure text large
enough to read, boxes that scroll (and only those) reachable from the keyboard. Without Chromium
these tests are skipped with a banner; under CI (CI=true) they fail instead.

To stay fast, each page is opened twice (desktop, then phone) and everything is measured during
those two visits; the tests below then judge one aspect each from what was measured. The proof-source
pages (docs/proofs/), all made the same way, are opened once each for what differs between them (a
clean load, the module's highlighted source, its line anchors); only the largest gets every test.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser import ARTIFACTS, AXE_JS, ROOT, nav_pages, require_chromium, serve, shared_browser

DOCS = ROOT / "docs"
# Every page the build writes: one per Markdown file, and MkDocs' 404 page.
PAGES = sorted(p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md"))
PAGES.append("404.html")
# The proof-source pages show one module's highlighted source each, all built the same way: each is
# glanced at (clean load, the source highlighted, its line anchors); the largest is inspected in full.
PROOFS = [p for p in PAGES if p.startswith("proofs/")]
def _module(proof_page: str):
    """The snippets/ module a proof page shows."""
    return ROOT / "snippets" / (proof_page.removeprefix("proofs/").removesuffix(".html") + ".py")


LEDGER = "checks.html"
REPRESENTATIVE_PROOF = max(PROOFS, key=lambda p: _module(p).stat().st_size)
INSPECTED = [p for p in PAGES if p not in PROOFS] + [REPRESENTATIVE_PROOF]
GLANCED = [p for p in PROOFS if p != REPRESENTATIVE_PROOF]
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SCHEME = {"light": "default", "dark": "slate"}  # reader's mode -> Material's colour scheme
TIMEOUT_MS = 15_000  # a page that is not there after 15 s is broken, not slow

# --- What is measured in the page (JavaScript run by Playwright) ---------------------------------

MATH_PROBE = """() => {
  const article = document.querySelector("article");
  const katex = [...article.querySelectorAll(".katex")];
  const unrendered = [...article.querySelectorAll(".arithmatex, .katex-error")]
    .map(e => e.outerHTML.slice(0, 200));
  // Rendered = KaTeX's HTML is there; for a formula on screen (not in a closed <details> or an
  // unselected tab), it also has a box.
  const broken = katex.filter(e => {
    const html = e.querySelector(".katex-html");
    if (!html || !html.children.length) return true;
    if (!e.checkVisibility()) return false;
    const box = html.getBoundingClientRect();
    return box.width === 0 || box.height === 0;
  }).map(e => e.textContent.slice(0, 80));
  // The text a reader sees outside math and code, where raw TeX would show.
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest(".katex, pre, code, script, style")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  let prose = "";
  while (walker.nextNode()) prose += walker.currentNode.textContent + " ";
  const fonts = [...document.fonts].filter(f => f.family.replace(/"/g, "").startsWith("KaTeX"));
  return {
    count: katex.length, unrendered, broken, prose,
    fontsLoaded: fonts.filter(f => f.status === "loaded").map(f => f.family),
    fontsFailed: fonts.filter(f => f.status === "error").map(f => f.family),
  };
}"""

FIGURE_PROBE = """() => {
  const article = document.querySelector("article");
  const name = el => {
    if (el.tagName.toLowerCase() === "img") return el.getAttribute("alt") || "";
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const labelled = ids.map(id => (document.getElementById(id) || {}).textContent || "").join(" ");
    return (labelled || el.getAttribute("aria-label") || "").trim();
  };
  // A figure folded in a <details> (a verification a reader opens) is measured as the reader who
  // opens it sees it: every closed <details> is opened, and closed again afterwards.
  const closed = [...article.querySelectorAll("details:not([open])")];
  closed.forEach(d => { d.open = true; });
  const column = article.getBoundingClientRect().width;
  const found = [...article.querySelectorAll("img, svg[role='img'], figure")].map(el => {
    const box = el.getBoundingClientRect();
    const figure = el.matches("figure");
    return {
      what: `${el.tagName.toLowerCase()} ${el.id || (el.closest("figure") || {}).id || ""}`.trim(),
      width: box.width, height: box.height, fits: box.width <= column + 1,
      visible: el.checkVisibility({opacityProperty: true, visibilityProperty: true}),
      name: figure ? null : name(el),
      graphic: figure ? !!el.querySelector("svg, img") : true,
      caption: figure ? ((el.querySelector("figcaption") || {}).textContent || "") : null,
    };
  });
  closed.forEach(d => { d.open = false; });
  return found;
}"""

# WCAG contrast of what must stay legible: text, math, and the figures' ink, each against the
# background actually behind it.
LEGIBILITY_PROBE = """() => {
  const rgba = c => { const m = c.match(/[\\d.]+/g) || []; return m.map(Number).concat([1]).slice(0, 4); };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, bottom) =>
    top.slice(0, 3).map((v, i) => v * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const contrast = (fg, bg) => {
    const [a, b] = [lum(over(fg, bg)), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  };
  const problems = [];
  const measure = (el, colour, what, minimum) => {
    const bg = background(el);
    const r = contrast(rgba(colour), bg);
    const on = `rgb(${bg.slice(0, 3).map(Math.round)})`;
    if (r < minimum) problems.push(`${what}: contrast ${r.toFixed(2)} < ${minimum} (${colour} on ${on})`);
  };
  const article = document.querySelector("article");
  measure(article, getComputedStyle(article).color, "body text", 4.5);
  article.querySelectorAll(".katex").forEach((el, i) => {
    if (el.checkVisibility()) measure(el, getComputedStyle(el).color, `formula ${i + 1}`, 4.5);
  });
  article.querySelectorAll("figure svg").forEach((svg, i) => {
    const figure = svg.closest("figure").id || `figure ${i + 1}`;
    measure(svg, getComputedStyle(svg).color, `${figure}: text and axes`, 4.5);
    // Lines (strokes) and markers (<use> of a marker shape) must stand out from the page
    // (WCAG 1.4.11: 3:1). Filled areas (surfaces, colour maps, bars) are left out: what they show
    // is read against each other, not against the page. <defs> are not drawn themselves.
    svg.querySelectorAll("path, line, polyline, polygon, circle, ellipse, rect, use").forEach(shape => {
      if (shape.closest("defs, clipPath, mask, marker, pattern, symbol")) return;
      const style = getComputedStyle(shape);
      if (Number(style.opacity) < 1) return;
      const paints = [];
      if (parseFloat(style.strokeWidth) >= 0.5) paints.push([style.stroke, style.strokeOpacity, "line"]);
      if (shape.tagName === "use") paints.push([style.fill, style.fillOpacity, "marker"]);
      for (const [paint, alpha, kind] of paints) {
        if (!paint || paint === "none" || paint.startsWith("url") || Number(alpha) < 1) continue;
        if (rgba(paint)[3] < 1) continue;
        measure(svg, paint, `${figure}: ${kind}`, 3);
      }
    });
  });
  return [...new Set(problems)];
}"""

NARROW_PROBE = """() => {
  const vw = document.documentElement.clientWidth;
  const allowed = el => el.closest(
    ".math-display, .katex-display, .exec-figure__scroll, pre, .highlight, .highlighttable");
  const classes = el => typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
  const describe = el => [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...classes(el)]
    .filter(Boolean).join(".");
  const problems = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > vw + 1) {
    problems.push(`the page scrolls sideways (${root.scrollWidth} px > ${vw} px)`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg, .katex-mathml, .md-sidebar, .md-search") || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const scrolls = ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && el.clientWidth > 0 && !allowed(el)) {
      problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
    }
    // Past the screen's edge is fine inside a scroll container, which is judged on its own.
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= vw + 1 || allowed(el.parentElement || el)) continue;
    if (!el.closest(".md-main, .md-header, .md-footer")) continue;
    let clip = el.parentElement;
    while (clip && getComputedStyle(clip).overflowX === "visible") clip = clip.parentElement;
    const overflow = clip ? getComputedStyle(clip).overflowX : "visible";
    if (["auto", "scroll"].includes(overflow) && clip !== root) continue;
    const outside = overflow === "visible" || clip === root || clip === document.body;
    const how = outside ? "sticks out of the screen" : "is cut off";
    problems.push(`${describe(el)} ${how} (right edge ${Math.round(box.right)} px)`);
  }
  return [...new Set(problems)].slice(0, 20);
}"""

# How a page reads, at the width it is opened at: tabs, display math, tables, figure text.
READING_PROBE = """() => {
  const article = document.querySelector("article");
  const px = v => parseFloat(v) || 0;
  const scrolls = el => el.scrollWidth > el.clientWidth + 1;
  const out = {tabs: [], displays: [], tables: [], figureText: [], glyphOutlines: 0};

  // Source|Result blocks: which tab is open, and how the labels look.
  for (const set of article.querySelectorAll(".tabbed-set")) {
    const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")];
    const names = labels.map(l => l.textContent.trim());
    if (!names.includes("Source") || !names.includes("Result")) continue;
    const inputs = [...set.querySelectorAll(":scope > input")];
    const open = inputs.findIndex(i => i.checked);
    const decorations = labels.map(l => getComputedStyle(l.querySelector("a") || l).textDecorationLine);
    out.tabs.push({names, open: names[open], decorations});
  }

  // Display math: clipped (scrolls) or not, a tab stop or not, its number in view.
  for (const box of article.querySelectorAll(".math-display")) {
    if (!box.checkVisibility()) continue;
    const tag = box.querySelector(".katex-tag");
    let tagVisible = null;
    if (tag) {
      const b = box.getBoundingClientRect(), r = tag.getBoundingClientRect();
      tagVisible = r.left >= b.left - 1 && r.right <= b.right + 1;
    }
    const style = getComputedStyle(box);
    out.displays.push({
      tex: box.querySelector(".katex-mathml").textContent.slice(0, 70),
      scrolls: scrolls(box), scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
      tabStop: box.getAttribute("tabindex") === "0", tagVisible,
      cue: style.backgroundImage.includes("gradient"),
    });
  }

  // Tables: a number split across lines, an empty header, scrolling, cards.
  const NUMBER = /[-+−]?\\d[\\d.,]*(?:e[-+−]?\\d+)?/g;
  // Lines, not tops: boxes of one line may start at different heights (a square root is taller
  // than the "γ =" beside it), so a new line begins only below everything seen so far.
  const lines = rects => {
    let count = 0, bottom = -Infinity;
    for (const r of [...rects].filter(r => r.width > 0).sort((a, b) => a.top - b.top)) {
      if (r.top >= bottom - 1) count += 1;
      bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  for (const table of article.querySelectorAll("table")) {
    if (!table.checkVisibility()) continue;
    const wrapped = [];
    for (const cell of table.querySelectorAll("td, th")) {
      for (const math of cell.querySelectorAll(".katex-html")) {
        const bases = [...math.children].flatMap(c => [...c.getClientRects()]);
        if (lines(bases) > 1) wrapped.push(cell.textContent.trim().slice(0, 40));
      }
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {
        acceptNode: n => n.parentElement.closest(".katex, .cell-label")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
      });
      while (walker.nextNode()) {
        const node = walker.currentNode;
        for (const m of node.textContent.matchAll(NUMBER)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          if (lines(range.getClientRects()) > 1) wrapped.push(m[0]);
        }
      }
    }
    const box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
    const cards = table.getAttribute("data-cards") === "on";
    // Would it fit as a table? Measured with the cards turned off, then put back.
    let fitsAsTable = !scrolls(box);
    if (cards) {
      table.setAttribute("data-cards", "");
      fitsAsTable = !scrolls(box);
      table.setAttribute("data-cards", "on");
    }
    out.tables.push({
      head: [...table.querySelectorAll("thead th")].map(th => th.textContent.trim()),
      emptyHeaders: [...table.querySelectorAll("thead th")].filter(th => !th.textContent.trim()).length,
      wrapped: [...new Set(wrapped)], scrolls: !cards && scrolls(box), cards, fitsAsTable,
      tabStop: box.getAttribute("tabindex") === "0",
    });
  }

  // Figure text as rendered: font size times the SVG's scale on screen.
  for (const svg of article.querySelectorAll("figure svg")) {
    const figure = svg.closest("figure").id;
    svg.querySelectorAll("text, tspan").forEach(el => {
      if (el.tagName === "text" && el.querySelector("tspan")) return;
      // A radical or a delimiter is drawn to the size of what it encloses: a shape, not text.
      if (!el.textContent.trim() || /^[√()[\\]{}|]$/.test(el.textContent.trim())) return;
      const m = el.getScreenCTM();  // the drawing's scale on screen (rotated text too)
      const size = px(getComputedStyle(el).fontSize) * Math.hypot(m.a, m.b);
      out.figureText.push({figure, text: el.textContent.trim().slice(0, 30), size});
    });
    out.glyphOutlines += svg.querySelectorAll("defs path[id*='DejaVu'], defs path[id*='Cmr']").length;
    const scroller = svg.closest(".exec-figure__scroll");
    out.figureScroll = (out.figureScroll || []).concat([{figure, scrolls: scrolls(scroller),
      tabStop: scroller.getAttribute("tabindex") === "0"}]);
  }

  // Code blocks (Material's <code> inside <pre> is what scrolls), in any tab.
  out.code = [...article.querySelectorAll("pre > code")].filter(code => code.checkVisibility()).map(code => ({
    start: code.textContent.trim().slice(0, 40), scrolls: scrolls(code),
    tabStop: code.getAttribute("tabindex") === "0"}));
  return out;
}"""

# A proof page: its module's source as the code block shows it, whether Pygments coloured it, the
# line anchors the check boxes link to, and the line numbers (drawn by the stylesheet, not text).
PROOF_PROBE = """() => {
  const article = document.querySelector("article");
  const code = article.querySelector(".highlight pre code");
  const ids = new Set([...document.querySelectorAll("[id]")].map(e => e.id));
  const links = [...article.querySelectorAll("a[href^='#']")].map(a => decodeURIComponent(a.hash.slice(1)));
  const colours = code ? [...code.querySelectorAll("span[class]")].map(s => getComputedStyle(s).color) : [];
  // What a reader copies: the code block selected as a whole.
  let copied = null;
  if (code) {
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    copied = getSelection().toString();
    getSelection().removeAllRanges();
  }
  const numbers = code ? [...code.querySelectorAll("[data-linenos]")].map(e => {
    const drawn = getComputedStyle(e, "::before");
    return {text: drawn.content, selectable: drawn.userSelect !== "none"};
  }) : [];
  return {
    source: code ? code.textContent : null,
    copied,
    tables: article.querySelectorAll(".highlight table").length,
    numbers,
    colours: new Set(colours).size,
    anchors: [...ids].filter(id => /^__codelineno-0-\\d+$/.test(id)).sort(),
    broken: links.filter(id => !ids.has(id)),
  };
}"""

# Where a link to a line of a proof page lands: each line the page links to, each proof's named
# anchor and the last line, followed as a reader's click would (the fragment navigation scrolls),
# then measured against the sticky header and the window. The page is scrolled back to its top.
LANDING_PROBE = """() => {
  const article = document.querySelector("article");
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
  const linked = [...article.querySelectorAll("a[href^='#']")].map(a => decodeURIComponent(a.hash.slice(1)));
  // Each proof's named anchor, and the last line (which the window cannot bring up to the top).
  const named = [...article.querySelectorAll("a[id^='proof-']")].map(a => a.id);
  const lines = article.querySelectorAll("a[id^='__codelineno-0-']");
  if (lines.length) named.push(lines[lines.length - 1].id);
  const landed = [...new Set([...linked, ...named])]
    .filter(id => /^(__codelineno-0-\\d+|proof-.+)$/.test(id))
    .map(id => {
      location.hash = id;
      const box = document.getElementById(id).getBoundingClientRect();
      return {id, top: box.top, bottom: box.bottom, header, window: innerHeight};
    });
  history.replaceState(null, "", location.pathname);
  scrollTo(0, 0);
  return landed;
}"""

# Blocks that skip rendering off screen and hold a place (check_report.py's estimate, a CSS
# property in rem): the ledger's sections and the check boxes between a page's blocks. Each
# block's place against its height, laid out.
PLACES = """([selector, property]) => [...document.querySelectorAll(selector)].map(block => {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const place = parseFloat(getComputedStyle(block).getPropertyValue(property)) * rem;
  const before = block.style.contentVisibility;
  block.style.contentVisibility = "visible";
  const height = block.getBoundingClientRect().height;
  block.style.contentVisibility = before;
  return {block: block.dataset.page || block.querySelector("[id]").id, place, height};
})"""
LEDGER_PLACES = [".exec-ledger__page", "--ledger-height"]
CHECK_PLACES = [".md-typeset > .exec-check", "--check-height"]

# A figure's SVG holds thousands of paths that axe would walk for minutes in total; to axe only the
# <svg role="img"> itself matters (its name, from <title> and <desc>), and the paths' contrast is
# measured by the legibility probe above. So axe runs last on a page, after the drawings are
# emptied down to their title and description.
EMPTY_FIGURES = """() => {
  for (const svg of document.querySelectorAll("svg[role='img']")) {
    for (const child of [...svg.children]) if (!child.matches("title, desc")) child.remove();
  }
}"""
AXE_RUN = "options => axe.run(document, options)"
# Off screen, site.css skips a block's rendering (content-visibility: auto): innerText leaves the
# block out, and axe would read the colours of a block that it forces into style mid-way through
# the theme's colour transition (from the scheme it last had). Before a scan or a read of the
# text every block is rendered, and the transitions are finished.
RENDER_ALL = """() => {
  if (!document.getElementById("test-render-all")) {
    const style = document.createElement("style");
    style.id = "test-render-all";
    style.textContent = ".md-typeset > * { content-visibility: visible !important; }";
    document.head.append(style);
  }
  document.body.getBoundingClientRect();
  // Jump every colour transition to its end: waiting for them could wait forever, since an
  // animation inside a block whose rendering is still skipped does not run.
  document.getAnimations().filter(a => a instanceof CSSTransition).forEach(a => a.finish());
  return true;
}"""
# Every scroll box measured with every font the page has asked for: a font that a block off screen
# asks for only when it is first laid out (a KaTeX size font) can arrive after the boxes were
# measured and widen a display, so the boxes are measured again, in the frame that sees the fonts
# loaded (a11y.js measures a box again when it comes into view or at the first Tab press).
BOXES_MEASURED = """() => {
  document.dispatchEvent(new Event("boxes:measure"));
  return document.fonts.status === "loaded"
    && document.documentElement.hasAttribute("data-boxes-measured");
}"""
# Switching to dark mode changes colours only, so the dark scan runs axe's colour rules.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _serious(results: dict) -> list[str]:
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        where = "; ".join(
            " ".join(map(str, node["target"])) + ": " + node.get("failureSummary", "").replace("\n", " ")
            for node in violation["nodes"][:4]
        )
        found.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {where}")
    return found


# --- Visiting pages ------------------------------------------------------------------------------


class Visit:
    """A page opened in a fresh browser context, recording everything that went wrong loading it."""

    def __init__(self, browser, base: str, page: str, *, mode: str = "light", viewport=DESKTOP):
        self.base = base
        self.url = base + page
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport, color_scheme=mode)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught error: {error}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed request: {r.url} ({r.failure})"))
        self.page.on("response", self._response)

    def _only_local(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.errors.append(f"request leaving 127.0.0.1: {url}")
            route.abort("blockedbyclient")

    def _console(self, message) -> None:
        if message.type in ("error", "assert"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _response(self, response) -> None:
        expected = self.url.endswith("/404.html") and response.url == self.url
        if response.status >= 400 and not expected:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, wait_until: str = "load"):
        self.page.goto(self.url, wait_until=wait_until)
        # Waits that the browser bounds (an evaluated promise has no timeout: one that never
        # settles would hang the suite, as an animation frame that never came once did).
        self.page.wait_for_function("document.fonts.status === 'loaded'")
        # docs/assets/a11y.js sets phone cards in an animation frame after the fonts, and a box's tab
        # stop when it comes into view, or every box's when asked (as a first Tab press does);
        # it marks the page when every box is measured.
        for _ in range(2):  # two animation frames
            self.page.wait_for_function("true", polling="raf")
        self.page.wait_for_function(BOXES_MEASURED)
        return self.page

    def close(self) -> None:
        self.context.close()


# The label of the focused tab: is there a ring around it? (None: the page has no tabs.)
FOCUS_RING = """() => {
  const input = document.activeElement;
  if (!input || !input.matches(".tabbed-set > input")) return "focus is not on a tab";
  const set = input.parentElement;
  const index = [...set.querySelectorAll(":scope > input")].indexOf(input);
  const label = set.querySelectorAll(":scope > .tabbed-labels > label")[index];
  const ring = getComputedStyle(label);
  return ring.outlineStyle !== "none" && parseFloat(ring.outlineWidth) >= 1;
}"""


def _tab_focus_ring(page):
    """Reach the first visible tab from the keyboard (arrow keys move between a set's tabs), look."""
    first = page.locator("article .tabbed-set:visible > input").first
    if not first.count():
        return None
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    return page.evaluate(FOCUS_RING)


def _scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def _axe(page, rules: list[str] | None = None) -> list[str]:
    page.evaluate(RENDER_ALL)
    page.wait_for_function(BOXES_MEASURED)
    page.evaluate(EMPTY_FIGURES)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return _serious(page.evaluate(AXE_RUN, options))


def _screenshot(page, name: str, mode: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = name.removesuffix(".html").replace("/", "_")
    page.screenshot(path=SCREENSHOTS / f"{stem}-{mode}.png", full_page=True)


class Inspection(dict):
    """What was measured on one page; a step that raised re-raises in the test that reads it."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if isinstance(value, BaseException):
            raise AssertionError(f"measuring {key!r} failed: {value}") from value
        return value

    def __missing__(self, key):
        failed = [value for value in self.values() if isinstance(value, BaseException)]
        raise AssertionError(f"{key!r} was not measured" + (f": {failed[0]}" if failed else ""))


def _inspect(browser, base: str, page: str) -> Inspection:
    found = Inspection()

    def step(key, measure):
        try:
            found[key] = measure()
        except Exception as error:  # noqa: BLE001 (kept for the test that reads this step)
            found[key] = error

    desktop = Visit(browser, base, page, mode="light", viewport=DESKTOP)
    try:
        # Network idle: also waits for what loads after `load` (the search worker and its index).
        shown = desktop.open(wait_until="networkidle")
    except Exception as error:  # noqa: BLE001 (every test of this page reports it)
        found["open-desktop"] = error
        desktop.close()
        return found
    try:
        step("math", lambda: shown.evaluate(MATH_PROBE))
        if page in PROOFS:
            step("proof", lambda: shown.evaluate(PROOF_PROBE))
            step("proof-landing", lambda: shown.evaluate(LANDING_PROBE))
        step("reading-desktop", lambda: shown.evaluate(READING_PROBE))
        if page == LEDGER:
            step("ledger-desktop", lambda: shown.evaluate(PLACES, LEDGER_PLACES))
        step("check-places-desktop", lambda: shown.evaluate(PLACES, CHECK_PLACES))
        step("tab-focus", lambda: _tab_focus_ring(shown))
        step("figures", lambda: shown.evaluate(FIGURE_PROBE))
        step("scheme-initial", lambda: _scheme(shown))
        # Every block rendered and its colour transition finished first: a style read inside a
        # skipped block (the ledger's sections) would catch a link's colour at its transition's start.
        step("legible-light", lambda: shown.evaluate(RENDER_ALL) and shown.evaluate(LEGIBILITY_PROBE))
        step("screenshot-light", lambda: _screenshot(shown, page, "light"))

        def toggle(to: str):
            label = "Switch to dark mode" if to == "dark" else "Switch to light mode"
            shown.get_by_title(label).click()
            shown.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{SCHEME[to]}'")
            return _scheme(shown)

        step("toggle-dark", lambda: toggle("dark"))
        step("legible-dark", lambda: shown.evaluate(RENDER_ALL) and shown.evaluate(LEGIBILITY_PROBE))
        step("screenshot-dark", lambda: _screenshot(shown, page, "dark"))
        step("axe-dark", lambda: _axe(shown, COLOUR_RULES))  # empties the figures: nothing visual after
        step("toggle-light", lambda: toggle("light"))
        step("axe-light", lambda: _axe(shown))
        found["load-errors"] = list(desktop.errors)
    finally:
        desktop.close()

    phone = Visit(browser, base, page, mode="light", viewport=PHONE)
    try:
        step("open-phone", phone.open)
        shown = phone.page
        step("narrow", lambda: shown.evaluate(NARROW_PROBE))
        if page == LEDGER:
            step("ledger-phone", lambda: shown.evaluate(PLACES, LEDGER_PLACES))
        step("check-places-phone", lambda: shown.evaluate(PLACES, CHECK_PLACES))
        step("reading-phone", lambda: shown.evaluate(READING_PROBE))
        # Every block drawn, as a reader scrolling down would see it (a full-page capture leaves
        # blank the blocks whose rendering is still skipped).
        step("screenshot-phone", lambda: shown.evaluate(RENDER_ALL) and _screenshot(shown, page, "phone"))
        step("axe-phone", lambda: _axe(shown))
        found["load-errors"] += phone.errors
    finally:
        phone.close()
    return found


def _glance(browser, base: str, page: str) -> Inspection:
    """The light visit of a proof page: one desktop load, its errors, and the proof probe."""
    found = Inspection()
    visit = Visit(browser, base, page, mode="light", viewport=DESKTOP)
    try:
        shown = visit.open(wait_until="networkidle")
        found["proof"] = shown.evaluate(PROOF_PROBE)
        found["proof-landing"] = shown.evaluate(LANDING_PROBE)
    except Exception as error:  # noqa: BLE001 (every test of this page reports it)
        found["proof"] = error
    finally:
        found["load-errors"] = list(visit.errors)
        visit.close()
    return found


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(request):
    """One headless Chromium for the whole session (contexts are cheap; browsers are not)."""
    require_chromium(request)
    return shared_browser(request)


@pytest.fixture(scope="session")
def site_url(built_site):
    """The freshly built site, served on 127.0.0.1 for the whole session."""
    with serve(built_site) as base:
        yield base


@pytest.fixture(scope="session")
def inspected(browser, site_url):
    """Each page's measurements, taken once and shared by the tests below."""
    cache: dict[str, Inspection] = {}
    return lambda page: _measured_once(
        cache, page, lambda: (_glance if page in GLANCED else _inspect)(browser, site_url, page))


def _measured_once(cache: dict, page: str, measure) -> Inspection:
    """A page's inspection, taken once. A timeout while measuring (pytest-timeout fails the test
    that asked) is kept too: each later test of the page then fails at once, naming it, instead of
    measuring the page again and hanging as long again."""
    if page not in cache:
        try:
            cache[page] = measure()
        except pytest.fail.Exception as error:
            cache[page] = Inspection(measuring=error)
            raise
    return cache[page]


# --- Tests ---------------------------------------------------------------------------------------


def test_a_page_whose_measurement_timed_out_is_not_measured_again():
    calls = []

    def hangs():
        calls.append(1)
        pytest.fail("Timeout (>300.0s) from pytest-timeout.")

    cache: dict = {}
    with pytest.raises(pytest.fail.Exception):
        _measured_once(cache, "question-4/4a.html", hangs)
    with pytest.raises(AssertionError, match="Timeout"):
        _measured_once(cache, "question-4/4a.html", hangs)["reading-desktop"]
    assert calls == [1]


def test_every_built_page_is_covered(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    assert built == sorted(PAGES), "the browser tests must cover exactly the pages the build writes"
    assert sorted(nav_pages(built_site) + ["404.html"]) == sorted(PAGES), "a page is missing from the nav"


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly(inspected, page):
    """No console error, no failed request, nothing fetched from outside 127.0.0.1."""
    errors = inspected(page)["load-errors"]
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("page", PROOFS)
def test_proof_page_shows_its_module_highlighted_with_line_anchors(inspected, page):
    """The whole module, as its file holds it, coloured by Pygments, with an anchor on every line
    for the check boxes' links (and every link within the page leads somewhere)."""
    proof = inspected(page)["proof"]
    source = _module(page).read_text(encoding="utf-8")
    assert proof["source"] is not None, "the page shows no highlighted code block"
    assert proof["source"].rstrip("\n") == source.rstrip("\n"), "the code block is not the module's source"
    assert proof["colours"] >= 3, f"the source is not syntax-coloured ({proof['colours']} colours)"
    lines = len(source.rstrip("\n").splitlines())
    assert proof["anchors"] == sorted(f"__codelineno-0-{n}" for n in range(1, lines + 1)), "line anchors"
    assert proof["broken"] == [], f"links to no element of the page: {proof['broken']}"


@pytest.mark.parametrize("page", PROOFS)
def test_proof_page_numbers_its_lines_without_a_table_or_copied_numbers(inspected, page):
    """Every line numbered, in order, by the stylesheet (a ::before that cannot be selected), so a
    reader who copies the code gets the module as its file holds it; and no table: a line-number
    column beside the code is a second layout of the whole file."""
    proof = inspected(page)["proof"]
    source = _module(page).read_text(encoding="utf-8").rstrip("\n")
    assert proof["tables"] == 0, "the source is laid out as a table"
    shown = [re.fullmatch(r'"\s*(\d+)\s*"', n["text"]) for n in proof["numbers"]]
    assert all(shown), f"a line number is not drawn: {proof['numbers'][:3]}"
    assert [int(m[1]) for m in shown] == list(range(1, len(source.splitlines()) + 1)), "line numbers"
    assert not [n for n in proof["numbers"] if n["selectable"]], "line numbers can be selected"
    assert proof["copied"].rstrip("\n") == source, "copying the code block does not give the module"


@pytest.mark.parametrize("page", PROOFS)
def test_proof_page_links_land_on_their_line_below_the_header(inspected, page):
    """A link to a line (from the page's list of statements, or a check box's link to a proof's
    named anchor) shows that line on screen, not under the sticky header."""
    landed = inspected(page)["proof-landing"]
    assert landed, "nothing to land on"
    hidden = [d for d in landed if d["top"] < d["header"] - 1 or d["bottom"] > d["window"] + 1]
    assert hidden == [], f"links that land off screen or under the header: {hidden[:3]}"


@pytest.mark.parametrize("mode", ["desktop", "phone"])
def test_ledger_sections_hold_a_place_no_shorter_than_themselves(inspected, mode):
    """Off screen a ledger section is not rendered and holds a place of its estimated height; a tool
    that lays out its inside alone (Lighthouse's target-size scan) must find the inside within that
    place, or its links would overlap the next section's."""
    sections = inspected(LEDGER)[f"ledger-{mode}"]
    assert len(sections) >= 2, "the ledger has no sections"
    short = [s for s in sections if not s["place"] >= s["height"]]
    assert short == [], f"sections taller than their place: {short}"


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("page", [p for p in INSPECTED if p.startswith("question-")])
def test_check_boxes_hold_a_place_no_shorter_than_themselves(inspected, page, width):
    """Off screen a check box is not rendered and holds a place of its estimated height
    (check_report.py): a tool that lays out its inside alone (Lighthouse's target-size scan) must
    find the inside within that place, or its toggles would overlap the next box's."""
    boxes = inspected(page)[f"check-places-{width}"]
    assert boxes, "the page shows no check box between its blocks"
    short = [b for b in boxes if not b["place"] >= b["height"]]
    assert short == [], f"check boxes taller than their place: {short}"


# Text a reader should never see: TeX that KaTeX did not render.
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\(?:frac|sum|mathbf|operatorname|partial|sqrt)\b")


@pytest.mark.parametrize("page", INSPECTED)
def test_math_is_rendered_by_katex(inspected, page):
    math = inspected(page)["math"]
    assert math["unrendered"] == [], f"math left raw or in error: {math['unrendered']}"
    assert math["broken"] == [], f"formulas KaTeX did not lay out: {math['broken']}"
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(math["prose"])})
    assert raw == [], f"raw TeX in the text a reader sees: {raw}"
    assert math["fontsFailed"] == [], f"KaTeX fonts failed to load: {math['fontsFailed']}"
    if math["count"]:
        assert math["fontsLoaded"], "the page has math but no KaTeX font was loaded"


def _shown(figure: dict) -> bool:
    """Drawn, and big enough to be a figure rather than a stray box."""
    return figure["visible"] and figure["width"] > 50 and figure["height"] > 50


@pytest.mark.parametrize("page", INSPECTED)
def test_figures_are_visible_with_alt_text(inspected, page):
    numbers = []
    for item in inspected(page)["figures"]:
        assert _shown(item), f"{item['what']} is not visible: {item}"
        assert item["fits"], f"{item['what']} is wider than the text column"
        if item["caption"] is None:
            assert len(item["name"]) >= 10, f"{item['what']} has no useful alt text: {item['name']!r}"
            continue
        assert item["graphic"], f"{item['what']} holds no image"
        match = re.match(r"\s*Figure (\d+)\.\s+\S", item["caption"])
        assert match, f"{item['what']} lacks a numbered caption: {item['caption']!r}"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(numbers) + 1)), f"figures numbered out of order: {numbers}"


# A page with one figure folded in a closed <details>, one hidden outright, and one of no size.
FIGURE_FIXTURE = """<article>
  <details><summary>Verification</summary>
    <figure id="folded"><svg role="img" width="200" height="100"></svg>
      <figcaption>Figure 1. A</figcaption></figure>
  </details>
  <figure id="hidden" style="display: none"><svg width="200" height="100"></svg>
    <figcaption>Figure 2. B</figcaption></figure>
  <details><summary>Empty</summary>
    <figure id="empty"><svg width="0" height="0"></svg><figcaption>Figure 3. C</figcaption></figure>
  </details>
</article>"""


def test_figure_probe_opens_details_but_still_sees_hidden_figures(browser):
    """The figure probe measures a folded figure as opened, and still reports one that is hidden
    or has no size (so the test above can fail); the <details> are closed again afterwards."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.set_content(FIGURE_FIXTURE)
        shown = {item["what"]: _shown(item) for item in page.evaluate(FIGURE_PROBE)}
        assert shown == {"figure folded": True, "svg folded": True,
                         "figure hidden": False, "figure empty": False}, shown
        assert page.evaluate("document.querySelectorAll('details[open]').length") == 0
    finally:
        context.close()


@pytest.mark.parametrize("page", INSPECTED)
def test_light_dark_toggle_keeps_math_and_figures_legible(inspected, page):
    """Opened light, switched to dark with the header toggle and back; legible in both.

    Screenshots of both modes are saved in build/test-artifacts/screenshots/ for a human to look at.
    """
    found = inspected(page)
    assert found["scheme-initial"] == SCHEME["light"]
    assert found["toggle-dark"] == SCHEME["dark"]
    assert found["toggle-light"] == SCHEME["light"]
    found["screenshot-light"], found["screenshot-dark"]  # noqa: B018 (re-raises a failed screenshot)
    problems = {mode: found[f"legible-{mode}"] for mode in SCHEME if found[f"legible-{mode}"]}
    assert problems == {}, "\n".join(f"{mode}: {p}" for mode, items in problems.items() for p in items)


@pytest.mark.parametrize("page", INSPECTED)
def test_phone_width_scrolls_only_math_and_code(inspected, page):
    found = inspected(page)
    found["screenshot-phone"]  # noqa: B018 (re-raises a failed screenshot)
    problems = found["narrow"]
    assert problems == [], "at 375 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("scan", ["light", "dark", "phone"])
@pytest.mark.parametrize("page", INSPECTED)
def test_accessibility_scan_finds_nothing_serious(inspected, page, scan):
    """axe-core on the desktop page (all rules; colour rules again in dark mode) and on the phone."""
    serious = inspected(page)[f"axe-{scan}"]
    assert serious == [], "\n".join(serious)


# The figure text a reader must be able to read (CSS px as rendered): the desktop page, a phone.
MIN_FIGURE_TEXT_PX = {"desktop": 11, "phone": 9}
WIDTHS = ["desktop", "phone"]


@pytest.mark.parametrize("page", INSPECTED)
def test_source_result_blocks_open_on_the_result(inspected, page):
    """The result the prose talks about shows first; tab labels are controls, not links."""
    for tabs in inspected(page)["reading-desktop"]["tabs"]:
        assert tabs["open"] == "Result", f"a Source|Result block opens on {tabs['open']}: {tabs['names']}"
        assert set(tabs["decorations"]) == {"none"}, f"tab labels are underlined: {tabs['decorations']}"
    ring = inspected(page)["tab-focus"]
    assert ring in (None, True), f"the focused tab shows no ring: {ring}"


@pytest.mark.parametrize("page", INSPECTED)
def test_no_display_formula_is_clipped_at_desktop_width(inspected, page):
    """At 1280 px every display formula fits its column: none needs scrolling to be read."""
    clipped = [f"{d['tex']!r} ({d['scrollWidth']} px in {d['clientWidth']} px)"
               for d in inspected(page)["reading-desktop"]["displays"] if d["scrolls"]]
    assert clipped == [], "display formulas clipped at 1280 px:\n" + "\n".join(clipped)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", INSPECTED)
def test_only_boxes_that_scroll_are_tab_stops(inspected, page, width):
    """A display, table, figure or code box is a keyboard tab stop exactly when it scrolls sideways;
    one that scrolls shows that it does (edge shadows) and keeps its equation number in view."""
    found = inspected(page)[f"reading-{width}"]
    problems = []
    for d in found["displays"]:
        if d["tabStop"] != d["scrolls"]:
            problems.append(f"display {d['tex']!r}: scrolls={d['scrolls']} but tab stop={d['tabStop']}")
        if d["scrolls"] and not d["cue"]:
            problems.append(f"display {d['tex']!r} scrolls without a cue")
        if d["tagVisible"] is False:
            problems.append(f"display {d['tex']!r}: its equation number is out of view")
    for table in found["tables"]:
        if table["tabStop"] != table["scrolls"]:
            problems.append(f"table {table['head']}: scrolls={table['scrolls']}, tab stop={table['tabStop']}")
    for figure in found.get("figureScroll", []):
        if figure["tabStop"] != figure["scrolls"]:
            problems.append(f"{figure['figure']}: scrolls={figure['scrolls']}, tab stop={figure['tabStop']}")
    for code in found["code"]:
        if code["tabStop"] != code["scrolls"]:
            problems.append(f"code {code['start']!r}: scrolls={code['scrolls']}, tab stop={code['tabStop']}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page", INSPECTED)
def test_tables_keep_numbers_whole_and_stay_tables_where_they_fit(inspected, page):
    """Desktop: no number breaks across lines, no table scrolls, no header cell is empty.
    Phone: a table becomes cards only if it cannot fit the screen as a table."""
    problems = []
    for table in inspected(page)["reading-desktop"]["tables"]:
        if table["wrapped"]:
            problems.append(f"desktop: {table['head']} breaks numbers across lines: {table['wrapped']}")
        if table["scrolls"]:
            problems.append(f"desktop: {table['head']} is wider than the column")
        if table["emptyHeaders"]:
            problems.append(f"{table['head']} has {table['emptyHeaders']} empty header cell(s)")
    for table in inspected(page)["reading-phone"]["tables"]:
        if table["cards"] and table["fitsAsTable"]:
            problems.append(f"phone: {table['head']} fits as a table but is shown as cards")
        if not table["cards"] and not table["fitsAsTable"] and table["head"]:
            problems.append(f"phone: {table['head']} does not fit and scrolls instead of becoming cards")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", INSPECTED)
def test_figure_text_is_large_enough_to_read(inspected, page, width):
    """Every text of every figure, as rendered (font size times the drawing's scale), is at least
    11 px on the desktop page and 9 px on a phone; text is SVG text, not glyph outlines."""
    found = inspected(page)[f"reading-{width}"]
    minimum = MIN_FIGURE_TEXT_PX[width]
    small = sorted({f"{t['figure']}: {t['text']!r} at {t['size']:.1f} px"
                    for t in found["figureText"] if t["size"] < minimum - 0.05})
    assert small == [], f"figure text under {minimum} px at {width} width:\n" + "\n".join(small[:20])
    assert found["glyphOutlines"] == 0, "figures draw text as glyph outlines (svg.fonttype 'path')"


SEARCHES = [
    # (what a reader types, the pages it must list (the first is followed), a phrase it must contain)
    ("saddle", ["question-4/4c.html", "question-4/4b.html"], "saddle"),
    ("running mean", ["question-5/5c.html"], "running mean"),
    ("running variance", ["question-5/5c.html"], "running variance"),
]


# The text from a heading to the next heading of the same or a higher level.
SECTION_TEXT = """id => {
  const heading = document.getElementById(id);
  const level = Number(heading.tagName.slice(1));
  let text = "";
  for (let el = heading.nextElementSibling; el; el = el.nextElementSibling) {
    if (/^H[1-6]$/.test(el.tagName) && Number(el.tagName.slice(1)) <= level) break;
    text += " " + el.innerText;
  }
  return text;
}"""


@pytest.mark.parametrize(("query", "targets", "phrase"), SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_finds_the_right_page(browser, site_url, query, targets, phrase):
    """Type in the search box as a reader would, read the results, follow the right one."""
    visit = Visit(browser, site_url, "index.html")
    try:
        shown = visit.open()
        box = shown.get_by_role("textbox", name="Search")
        box.click()
        # Material searches on each key press. Pasting all but the last letter and typing that one
        # runs exactly one search, for the whole query, so the results read below are its own.
        box.fill(query[:-1])
        box.press(query[-1])
        links = shown.locator(".md-search-result__item > a.md-search-result__link")
        links.first.wait_for()
        hrefs = links.evaluate_all("links => links.map(a => a.href)")
        found = [urlsplit(href).path.removeprefix(urlsplit(site_url).path) for href in hrefs]
        pages = list(dict.fromkeys(found))  # each page once, in the order listed
        for target in targets:
            assert target in pages, f"searching {query!r} did not list {target}; it listed {pages}"
            assert pages.index(target) < 5, f"{target} is not among the first five results: {pages}"
        target = targets[0]
        rank = found.index(target)
        # The first result for the page leads to the section that says it, not to a list of
        # references or checks that repeats the words.
        section = urlsplit(hrefs[rank]).fragment
        assert section not in {"references", "checks-on-this-page"}, f"{query!r} leads to #{section}"
        links.nth(rank).click()
        shown.wait_for_url(re.compile(re.escape(site_url + target)))
        shown.evaluate(RENDER_ALL)  # innerText leaves out a block whose rendering is skipped
        text = shown.locator("article").inner_text().lower()
        assert phrase in text, f"{target} does not mention {phrase!r}"
        if section:  # the section the result names holds the phrase, before the next heading
            said = shown.evaluate(SECTION_TEXT, section).lower()
            assert phrase in said, f"#{section} of {target} does not say {phrase!r}"
        # search.highlight marks the searched words on the page the result leads to.
        marked = " ".join(shown.locator("article mark").all_inner_texts()).lower()
        assert any(word in marked for word in query.split()), "the searched words are not highlighted"
        assert visit.errors == [], "\n".join(visit.errors)
    finally:
        visit.close()


# --- Costs cut for speed, and what they must not cost ---------------------------------------------

# The accessibility tree, as role and name per node, indented by depth; left out are text boxes and
# nameless generic nodes (a box with no meaning of its own: KaTeX's equation number, drawn by CSS).
AX_OUTLINE = """nodes => {
  const byId = new Map(nodes.map(n => [n.nodeId, n]));
  const lines = [];
  const meaningless = node => node.role.value === "InlineTextBox"
    || (node.role.value === "generic" && !(node.name || {}).value);
  const walk = (node, depth) => {
    if (!node.ignored && !meaningless(node)) {
      lines.push("  ".repeat(depth) + node.role.value + " " + JSON.stringify((node.name || {}).value || ""));
      depth += 1;
    }
    (node.childIds || []).forEach(id => byId.has(id) && walk(byId.get(id), depth));
  };
  walk(nodes[0], 0);
  return lines;
}"""


def _accessibility_outline(context, html: str) -> list[str]:
    page = context.new_page()
    page.set_content(html)
    nodes = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    outline = page.evaluate(AX_OUTLINE, nodes)
    page.close()
    return outline


@pytest.mark.parametrize("page", ["question-4/4b.html", "question-5/5a.html"])
def test_site_css_leaves_the_math_a_screen_reader_hears_unchanged(browser, built_site, page):
    """site.css lays out KaTeX's MathML as plain text, for speed: every formula of the page (tables,
    fractions, roots, scripts) keeps the accessibility tree it has under KaTeX's stylesheet alone."""
    html = (built_site / page).read_text(encoding="utf-8")
    formulas = re.findall(r'<span class="katex">.*?</katex-glyphs></span>', html, re.S)
    assert len(formulas) > 50, f"only {len(formulas)} formulas found on {page}"
    body = "".join(f"<p>Formula {i}: {formula}</p>" for i, formula in enumerate(formulas))
    katex = (built_site / "assets/vendor/katex/katex.min.css").read_text(encoding="utf-8")
    site = (built_site / "assets/site.css").read_text(encoding="utf-8")
    context = browser.new_context()
    try:
        alone = _accessibility_outline(context, f"<style>{katex}</style>{body}")
        styled = _accessibility_outline(context, f"<style>{katex}{site}</style>{body}")
    finally:
        context.close()
    assert sum("MathMLMath" in line for line in alone) == len(formulas), "the MathML is not read out"
    assert styled == alone, "site.css changes what a screen reader hears of the math"


def test_colour_scheme_follows_the_system_until_the_reader_chooses(browser, site_url):
    """overrides/partials/palette.html: dark for a system set to dark, before any script of
    Material's runs; a choice made with the toggle (click or Enter) is kept on the next page."""
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.route("**/bundle.*.min.js", lambda route: route.abort())  # the scheme is not Material's doing
        page.goto(site_url + "question-5/5a.html", wait_until="domcontentloaded")
        assert _scheme(page) == SCHEME["dark"]
        assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == "dark"
        page.unroute("**/bundle.*.min.js")
        page.goto(site_url + "question-5/5a.html", wait_until="load")
        page.get_by_title("Switch to light mode").click()
        assert _scheme(page) == SCHEME["light"]
        page.goto(site_url + "index.html", wait_until="load")
        assert _scheme(page) == SCHEME["light"], "the reader's choice was not kept"
        page.locator("form[data-palette] input:checked").focus()
        page.keyboard.press("Enter")
        assert _scheme(page) == SCHEME["dark"]
        assert page.get_by_title("Switch to light mode").is_visible()
        assert not page.get_by_title("Switch to dark mode").is_visible()
    finally:
        context.close()


# Joins and caps of a figure's first line, and of the header's first icon path (not a figure's).
STROKES = """() => [".exec-figure__svg path", ".md-header svg path"].map(selector => {
  const style = getComputedStyle(document.querySelector(selector));
  return [style.strokeLinejoin, style.strokeLinecap];
})"""


def test_figures_keep_matplotlibs_line_joins_and_nothing_else_takes_them(browser, site_url):
    """figures.py moves matplotlib's rule (round joins, butt caps) from each SVG's <style> to
    site.css: a figure's lines still have them; the page's other drawings have CSS's defaults, as
    they had on pages without a figure (the <style> had given them to every element)."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(site_url + "question-5/5a.html", wait_until="load")
        assert page.evaluate(STROKES) == [["round", "butt"], ["miter", "butt"]]
    finally:
        context.close()


def _chevrons_off_their_toggle(context, tab) -> list[str]:
    """Each <summary> whose chevron (Material's ::after, found through DevTools, as a script sees
    no box for a pseudo-element) is not drawn within the summary's own box."""
    cdp = context.new_cdp_session(tab)
    off = []

    def box(node_id):
        quad = cdp.send("DOM.getBoxModel", {"nodeId": node_id})["model"]["border"]
        return min(quad[0::2]), min(quad[1::2]), max(quad[0::2]), max(quad[1::2])

    def walk(node):
        afters = [p for p in node.get("pseudoElements", []) if p["pseudoType"] == "after"]
        if node.get("nodeName") == "SUMMARY" and afters:  # a summary with no chevron has none
            toggle, chevron = box(node["nodeId"]), box(afters[0]["nodeId"])
            inside = toggle[0] <= chevron[0] and toggle[1] <= chevron[1]
            inside = inside and chevron[2] <= toggle[2] and chevron[3] <= toggle[3]
            if not inside:
                off.append(f"summary {len(off) + 1}: chevron at {chevron}, summary at {toggle}")
        for child in node.get("children", []):
            walk(child)

    tab.evaluate(RENDER_ALL)
    walk(cdp.send("DOM.getDocument", {"depth": -1})["root"])
    return off


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("page", ["question-4/4b.html", "question-5/5a.html"])
def test_every_chevron_is_drawn_on_its_own_toggle(browser, site_url, page, width):
    """A check box's toggle sits below the check's line on a phone: its chevron is drawn at the
    right end of that row, not at the top of the box over the end of the line (where the phone
    layout had left it); on the desktop the toggle is the chevron."""
    context = browser.new_context(viewport=DESKTOP if width == "desktop" else PHONE)
    try:
        tab = context.new_page()
        tab.goto(site_url + page, wait_until="load")
        assert tab.evaluate("document.querySelectorAll('.exec-check__more > summary').length") > 0
        assert _chevrons_off_their_toggle(context, tab) == []
    finally:
        context.close()


# Printed: the statements of check boxes whose comparisons toggle lies over a word of their line
# (the words drawn: KaTeX's MathML, for screen readers, is clipped to a pixel and not drawn).
TOGGLE_OVER_STATEMENT = """() => [...document.querySelectorAll(".exec-check__item")].flatMap(item => {
  const toggle = item.querySelector(":scope > .exec-check__more > summary").getBoundingClientRect();
  const line = item.querySelector(":scope > .admonition-title");
  const texts = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  const rects = [];
  while (texts.nextNode()) {
    if (texts.currentNode.parentElement.closest(".katex-mathml")) continue;
    const words = document.createRange();
    words.selectNodeContents(texts.currentNode);
    rects.push(...words.getClientRects());
  }
  const hit = rects.some(word => word.width > 0 && word.right > toggle.left
    && word.left < toggle.right && word.bottom > toggle.top && word.top < toggle.bottom);
  return hit ? [item.querySelector(".exec-check__statement").textContent.slice(0, 60)] : [];
})"""


@pytest.mark.parametrize("page", ["question-4/4b.html", "question-5/5a.html"])
def test_printed_check_boxes_keep_their_toggle_off_the_statement(browser, site_url, page):
    """On paper (the book, `make pdf`, or a page printed from the browser) a check's comparisons
    are printed open, under their count ("4 comparisons"): the count is not printed over the words
    of the check's line, as it was at the line's right end; and no summary shows a chevron."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.emulate_media(media="print")
        tab.goto(site_url + page, wait_until="load")
        assert tab.evaluate("document.querySelectorAll('.exec-check__item').length") > 0
        assert tab.evaluate(TOGGLE_OVER_STATEMENT) == []
        chevrons = tab.evaluate("""[...document.querySelectorAll("details > summary")]
            .filter(toggle => getComputedStyle(toggle, "::after").display !== "none").length""")
        assert chevrons == 0, f"{chevrons} printed summaries show a chevron, with nothing to unfold"
    finally:
        context.close()


# Scrolled a screen at a time: the blocks in view whose rendering is still skipped (none should be).
SKIPPED_IN_VIEW = """async () => {
  const frame = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const found = [];
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.8) {
    scrollTo(0, y);
    await frame();
    for (const block of document.querySelectorAll(".md-typeset > *")) {
      const box = block.getBoundingClientRect();
      // A Source|Result block is skipped below its labels: its open tab is looked at too.
      const inside = [block.firstElementChild, ...block.querySelectorAll(":scope > .tabbed-content > *")]
        .filter(element => element && element.checkVisibility());
      if (box.bottom < 0 || box.top > innerHeight || !inside.length) continue;
      if (inside.some(element => !element.checkVisibility({contentVisibilityAuto: true}))) {
        found.push(`${block.tagName.toLowerCase()}.${block.className} at ${Math.round(y + box.top)} px`);
      }
    }
  }
  return [...new Set(found)];
}"""


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("question-")])
def test_every_block_is_drawn_as_a_phone_reader_scrolls_to_it(browser, site_url, page):
    """site.css skips the rendering of blocks off screen: scrolling down a phone a screen at a time,
    no block in view is left undrawn."""
    visit = Visit(browser, site_url, page, viewport=PHONE)
    try:
        skipped = visit.open().evaluate(SKIPPED_IN_VIEW)
        assert skipped == [], f"blocks in view but not drawn: {skipped[:5]}"
    finally:
        visit.close()


# The first Source|Result block's code: whether Material has given it its copy button yet.
FIRST_SOURCE_COPY = """() => !!document.querySelector(".tabbed-set pre")
  .querySelector(":scope > .md-code__nav > [data-md-type=copy]")"""


def test_a_code_block_gets_its_copy_button_once_it_is_shown(browser, site_url):
    """Material mounts a code block when it comes into view (content.lazy in mkdocs.yml), not all
    at load: a Source tab's code has no copy button while the tab is closed, and has one once the
    reader opens the tab."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.goto(site_url + "question-5/5a.html", wait_until="load")
        tab.wait_for_timeout(500)
        assert not tab.evaluate(FIRST_SOURCE_COPY), "a closed tab's code was mounted at load"
        tab.locator(".tabbed-set .tabbed-labels > label", has_text="Source").first.click()
        tab.wait_for_function(FIRST_SOURCE_COPY, timeout=5000)
    finally:
        context.close()


# Every code box drawn, its tab stop flipped as the theme's script would write it; after a moment,
# each box's tab stop before and after.
FLIP_CODE_TAB_STOPS = """async () => {
  const codes = [...document.querySelectorAll(".md-typeset pre > code")]
    .filter(code => code.getClientRects().length);
  const before = codes.map(c => c.getAttribute("tabindex"));
  for (const code of codes) {
    if (code.getAttribute("tabindex") === "0") code.removeAttribute("tabindex");
    else code.setAttribute("tabindex", "0");
  }
  await new Promise(resolve => setTimeout(resolve, 200));
  return {before, after: codes.map(c => c.getAttribute("tabindex"))};
}"""


def test_a_code_tab_stop_written_by_the_theme_is_put_back(browser, site_url):
    """Material writes a code block's tab stop by its own measure (any overflow, even a pixel)
    whenever the block's size changes, and whichever script wrote last won: on a phone, 5b's
    listing a pixel too wide was a tab stop in some loads and not in others. a11y.js puts its own
    decision back (a tab stop exactly when the box scrolls, as test_only_boxes_that_scroll_are_tab_stops
    checks)."""
    context = browser.new_context(viewport=PHONE)
    try:
        tab = context.new_page()
        tab.goto(site_url + "question-5/5b.html", wait_until="load")
        tab.evaluate("document.dispatchEvent(new Event('boxes:measure'))")
        tab.wait_for_function("document.documentElement.hasAttribute('data-boxes-measured')")
        flipped = tab.evaluate(FLIP_CODE_TAB_STOPS)
        assert flipped["before"], "no code box drawn on 5b"
        assert flipped["after"] == flipped["before"], flipped
    finally:
        context.close()


# Installed before the page's scripts: each change of the root element's set of classes, with
# whether the parser had reached the body when it happened.
ROOT_CLASS_CHANGES = """window.__rootClassChanges = [];
new MutationObserver(records => {
  const root = document.documentElement;
  const values = records.filter(r => r.target === root).map(r => r.oldValue || "");
  values.push(root.className);
  const set = value => value.split(/\\s+/).filter(Boolean).sort().join(" ");
  for (let i = 1; i < values.length; i++) {
    const [before, after] = [set(values[i - 1]), set(values[i])];
    if (before !== after) window.__rootClassChanges.push({before, after, body: document.body !== null});
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["class"],
                      attributeOldValue: true});"""


def test_the_root_classes_are_set_before_the_body_is_parsed(browser, site_url):
    """overrides/main.html gives the root element the classes Material's script gives it ("js",
    "js-focus-visible") in the page's head: changed after the body is parsed, they made Chromium
    restyle the whole page (Material's `table:not([class]) td > :first-child`). Material's script
    still runs (it adds its own attribute) and changes nothing more."""
    context = browser.new_context(viewport=PHONE)
    try:
        tab = context.new_page()
        tab.add_init_script(ROOT_CLASS_CHANGES)
        tab.goto(site_url + "question-5/5a.html", wait_until="load")
        tab.wait_for_function("document.documentElement.hasAttribute('data-js-focus-visible')")
        changes = tab.evaluate("window.__rootClassChanges")
        assert [c for c in changes if c["body"]] == [], "the root's classes changed after the head"
        assert changes and changes[-1]["after"] == "js js-focus-visible", changes
    finally:
        context.close()


# Installed before the page's scripts: each style sheet added to the page once it has been parsed.
LATE_STYLESHEETS = """window.__lateStylesheets = [];
new MutationObserver(records => {
  if (document.readyState === "loading") return;
  for (const node of records.flatMap(r => [...r.addedNodes])) {
    if (node.nodeName === "STYLE" || (node.nodeName === "LINK" && /stylesheet/i.test(node.rel)))
      window.__lateStylesheets.push(node.outerHTML.slice(0, 120));
  }
}).observe(document, {subtree: true, childList: true});"""


def test_no_style_sheet_is_added_once_the_page_is_parsed(browser, site_url):
    """A style sheet added once the page is parsed makes the browser match every element against
    its rules again (xref-preview.js added the preview's at load; it is now in site.css). Every
    sheet is in the page's head."""
    context = browser.new_context(viewport=PHONE)
    try:
        tab = context.new_page()
        tab.add_init_script(LATE_STYLESHEETS)
        tab.goto(site_url + "question-5/5a.html", wait_until="load")
        tab.wait_for_timeout(500)
        assert tab.evaluate("window.__lateStylesheets") == []
    finally:
        context.close()
