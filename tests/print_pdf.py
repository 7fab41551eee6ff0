"""Print every question and answer, in order, to one PDF, from a built site (nothing is re-run).

    python tests/print_pdf.py [SITE_DIR] [OUT_PDF]      (defaults: site/ and build/solutions.pdf)
    make pdf                                             (builds the site first)

The pages' article content, in navigation order, is assembled into one print-friendly HTML page
(the site's own CSS with KaTeX's; check summaries opened; code and its result both shown), served
from the site on 127.0.0.1 and printed by headless Chromium. The PDF carries no date.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from browser import ROOT, launch, nav_pages, serve
from bs4 import BeautifulSoup

BOOK = "/__solutions__.html"  # where the assembled page is served (it is never written to SITE_DIR)
# The ledger repeats every page's check summary as one long table; the page on how the site is
# built is for its authors, not part of the solutions.
SKIPPED = {"checks.html", "how-it-is-built.html"}
# Inside a drawing, ids are the figure's own (already unique); only HTML ids get a page prefix.
ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls")
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#666;padding:0 15mm;display:flex;'
    'justify-content:space-between;font-family:sans-serif">'
    '<span class="title"></span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)
SIDE_MM = 15
PAPER_WIDTH_PX = round((210 - 2 * SIDE_MM) / 25.4 * 96)  # A4's text width in CSS pixels
# After the fonts have loaded: shrink what is still too wide for the paper (display math, tables,
# code) rather than let the page edge cut it off; then list whatever still does not fit.
FIT_TO_PAPER = """() => {
  const wide = ".math-display, .print-book table, .highlight pre";
  for (const el of document.querySelectorAll(wide)) {
    const room = el.parentElement.clientWidth - 4; // and room for a border
    if (el.scrollWidth > room) el.style.zoom = Math.floor((1000 * room) / el.scrollWidth) / 1000;
  }
  const edge = document.querySelector("main").getBoundingClientRect().right + 1;
  return [...document.querySelectorAll(wide + ", figure, img, svg[role='img']")]
    .filter(el => el.getBoundingClientRect().right > edge || el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.scrollWidth} px in ${el.clientWidth} px: ${el.outerHTML.slice(0, 100)}`);
}"""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _chapter(site: Path, page: str, number: int, chapters: dict[str, int]):
    """One page's article, made to stand inside the book."""
    article = _soup(site / page).select_one("article.md-content__inner")
    base = f"http://site/{page}"
    prefix = f"p{number}-"
    for junk in article.select("a.headerlink, .md-content__button, .md-source-file"):
        junk.decompose()
    for details in article.find_all("details"):
        details["open"] = ""
    # A tabbed block (code, then its result) becomes the two blocks one after the other.
    for tabbed in article.select(".tabbed-set"):
        labels = [label.get_text(strip=True) for label in tabbed.select(".tabbed-labels > label")]
        blocks = tabbed.select(".tabbed-content > .tabbed-block")
        stacked = article.new_tag("div", attrs={"class": "print-book__tabs"})
        for label, block in zip(labels, blocks, strict=False):
            caption = article.new_tag("p", attrs={"class": "print-book__tab"})
            caption.string = label
            stacked.append(caption)
            stacked.append(block)
        tabbed.replace_with(stacked)
    for tag in article.find_all(True):
        if tag.find_parent("svg") is not None or tag.name == "svg":
            continue
        if tag.get("id"):
            tag["id"] = prefix + tag["id"]
        for attribute in ID_REFERENCES:
            if tag.get(attribute):
                value = tag[attribute]
                ids = value.split() if isinstance(value, str) else value
                tag[attribute] = " ".join(prefix + i for i in ids)
        for attribute in ("src", "href"):
            value = tag.get(attribute)
            if not value or (attribute == "href" and tag.name != "a"):
                continue
            target = urlsplit(urljoin(base, value))
            if target.netloc != "site":
                continue  # an outside link stays as it is
            path = target.path.lstrip("/")
            if attribute == "src":
                tag["src"] = "/" + path
            elif path in chapters:  # a link within the book
                anchor = target.fragment
                tag["href"] = f"#p{chapters[path]}-{anchor}" if anchor else f"#p{chapters[path]}"
            else:  # a page the book leaves out: keep the words, drop the link
                tag.unwrap()
    title = article.find("h1")
    section = article.new_tag("section", attrs={"class": "print-book__page", "id": f"p{number}"})
    for child in list(article.children):
        section.append(child)
    return section, (title.get_text(" ", strip=True) if title else page)


def assemble(site: Path) -> str:
    """The book as one HTML document: a title page with contents, then each page in nav order."""
    home = _soup(site / "index.html")
    pages = [page for page in nav_pages(site) if page not in SKIPPED]
    chapters = {page: number for number, page in enumerate(pages, start=1)}
    # The site's own stylesheets (Material, KaTeX, site.css), from the site's root.
    sheets = [
        urlsplit(urljoin("http://site/", link["href"])).path for link in home.select('link[rel="stylesheet"]')
    ]
    styles = "".join(f'<link rel="stylesheet" href="{html.escape(sheet)}">' for sheet in sheets)
    name = home.select_one('meta[property="og:title"], title')
    site_name = name.get_text(strip=True) if name else "Solutions"
    description = home.select_one('meta[name="description"]')
    sections, contents = [], []
    for page, number in chapters.items():
        section, title = _chapter(site, page, number, chapters)
        sections.append(str(section))
        contents.append(f'<li><a href="#p{number}">{html.escape(title)}</a></li>')
    cover = (
        f'<section class="print-book__cover"><h1>{html.escape(site_name)}</h1>'
        + (f"<p>{html.escape(description['content'])}</p>" if description else "")
        + f'<h2>Contents</h2><ol class="print-book__contents">{"".join(contents)}</ol></section>'
    )
    return (
        '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        f"<title>{html.escape(site_name)}: all questions and answers</title>{styles}</head>"
        '<body class="print-book" data-md-color-scheme="default" data-md-color-primary="indigo" '
        f'data-md-color-accent="indigo"><main class="md-typeset">{cover}{"".join(sections)}</main>'
        "</body></html>"
    )


def _reproducible(pdf: bytes) -> bytes:
    """The same PDF without what changes from run to run, each value replaced by one as long (so
    the cross-reference offsets stay right): the dates, and the tagged-PDF structure ids Chromium
    takes from DOM node numbers (renumbered in their own order, which the id index relies on)."""
    pdf = re.sub(rb"/(CreationDate|ModDate) \(D:\d{14}", rb"/\1 (D:19700101000000", pdf)
    nodes = {old: b"%08d" % n for n, old in enumerate(sorted(set(re.findall(rb"\(node(\d{8})\)", pdf))))}
    return re.sub(rb"\(node(\d{8})\)", lambda m: b"(node" + nodes[m.group(1)] + b")", pdf)


def print_pdf(site: Path, out: Path, *, browser=None) -> Path:
    """Assemble the book from `site`, print it with Chromium to `out`; returns `out`."""
    book = assemble(site)
    with serve(site, extra={BOOK: book.encode("utf-8")}) as base:
        if browser is None:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                chromium = launch(playwright)
                try:
                    pdf = _print(chromium, base + BOOK.lstrip("/"))
                finally:
                    chromium.close()
        else:
            pdf = _print(browser, base + BOOK.lstrip("/"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_reproducible(pdf))
    return out


def _print(browser, url: str) -> bytes:
    # Lay the page out as wide as the paper's text (A4 less the margins, at 96 px per inch), so
    # that what FIT_TO_PAPER measures is what will be printed.
    context = browser.new_context(viewport={"width": PAPER_WIDTH_PX, "height": 1000})
    try:
        page = context.new_page()
        page.emulate_media(media="print", color_scheme="light")
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        too_wide = page.evaluate(FIT_TO_PAPER)
        if too_wide:
            raise RuntimeError("wider than the paper, even scaled:\n" + "\n".join(too_wide))
        return page.pdf(
            format="A4",
            margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
            outline=True,
            tagged=True,
        )
    finally:
        context.close()


def main(argv: list[str]) -> int:
    site = Path(argv[1]) if len(argv) > 1 else ROOT / "site"
    out = Path(argv[2]) if len(argv) > 2 else ROOT / "build" / "solutions.pdf"
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site: run `make site` first (or `make pdf`).", file=sys.stderr)
        return 2
    print(f"wrote {print_pdf(site, out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
