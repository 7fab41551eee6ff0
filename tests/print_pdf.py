"""Print every question and answer, in order, to one PDF, from a built site (nothing is re-run).

    python tests/print_pdf.py [SITE_DIR] [OUT_PDF]      (defaults: site/ and build/solutions.pdf)
    make pdf                                             (builds the site first)

The pages' article content, in navigation order, is assembled into one print-friendly HTML page
(the site's own CSS with KaTeX's, and tests/print_book.css; code and its result both shown), served
from the site on 127.0.0.1 and printed by headless Chromium: a cover, a contents page, the answers,
and an appendix with each answer's check summary. Chromium cannot number the contents itself, so
the book is printed twice: the first PDF says on which page each heading landed (its named
destinations), the numbers are written in, and the second print is the book. The PDF carries no
date; two runs on the same build give the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from browser import ROOT, launch, nav_pages, serve
from bs4 import BeautifulSoup

BOOK = "/__solutions__.html"  # where the assembled page is served (it is never written to SITE_DIR)
BOOK_CSS = Path(__file__).with_name("print_book.css")
LEFT_OUT = {"checks.html", "how-it-is-built.html"}  # see book_pages
LEFT_OUT_FOLDERS = ("proofs/",)
SUMMARY_ID = "checks-on-this-page"  # each answer's list of checks (a details), printed in the appendix
CONTENTS_LEVELS = ("h2", "h3")  # below each chapter's title
NOT_IN_CONTENTS = {"References"}
APPENDIX_TITLE = "Appendix: the checks of each answer"
# Inside a drawing, ids are the figure's own (already unique); only HTML ids get a page prefix.
ID_REFERENCES = ("for", "aria-labelledby", "aria-describedby", "aria-controls")
SIDE_MM = 15
PAPER_WIDTH_PX = round((210 - 2 * SIDE_MM) / 25.4 * 96)  # A4's text width in CSS pixels
PAPER_HEIGHT_PX = round((297 - 16 - 18) / 25.4 * 96)  # and its text height (print_book.css's margins)
# A box taller than this may break across pages; a shorter one moves whole to the next page.
BREAKABLE_PX = PAPER_HEIGHT_PX // 3
# After the fonts have loaded: shrink what is still too wide for the paper (display math, tables,
# code) rather than let the page edge cut it off; let long boxes break; then list whatever still
# does not fit.
LAY_OUT_FOR_PAPER = """(breakable) => {
  const wide = ".math-display, .print-book table, .highlight pre";
  for (const el of document.querySelectorAll(wide)) {
    const box = getComputedStyle(el.parentElement); // its content box, and room for a border
    const padding = parseFloat(box.paddingLeft) + parseFloat(box.paddingRight);
    const room = el.parentElement.clientWidth - padding - 4;
    if (el.scrollWidth > room) el.style.zoom = Math.floor((1000 * room) / el.scrollWidth) / 1000;
  }
  const boxes = ".admonition, details, .exec-check, .highlight, table, .print-book__tabs";
  for (const el of document.querySelectorAll(boxes)) {
    if (el.getBoundingClientRect().height > breakable) el.style.breakInside = "auto";
  }
  const edge = document.querySelector("main").getBoundingClientRect().right + 1;
  return [...document.querySelectorAll(wide + ", figure, img, svg[role='img']")]
    .filter(el => el.getBoundingClientRect().right > edge || el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.scrollWidth} px in ${el.clientWidth} px: ${el.outerHTML.slice(0, 100)}`);
}"""
WRITE_PAGE_NUMBERS = """(numbers) => {
  for (const el of document.querySelectorAll(".print-book__pageno")) {
    el.textContent = String(numbers[el.dataset.target]);
  }
}"""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _chapter(site: Path, page: str, number: int, chapters: dict[str, int]):
    """One page's article, made to stand inside the book: (section, title, check summary or None)."""
    article = _soup(site / page).select_one("article.md-content__inner")
    base = f"http://site/{page}"
    prefix = f"p{number}-"
    for junk in article.find_all(class_=["headerlink", "md-content__button", "md-source-file"]):
        junk.decompose()
    # KaTeX puts a zero-width space in each vertical list (a Safari fix); on paper it would only
    # end up in copied text.
    for text in article.find_all(string=re.compile("\u200b")):
        text.replace_with(text.replace("\u200b", ""))
    for details in article.find_all("details"):
        details["open"] = ""
    # A tabbed block (code, then its result) becomes the two blocks one after the other.
    for tabbed in article.find_all(class_="tabbed-set"):
        labels = [label.get_text(strip=True) for label in tabbed.select(".tabbed-labels > label")]
        blocks = tabbed.select(".tabbed-content > .tabbed-block")
        stacked = article.new_tag("div", attrs={"class": "print-book__tabs"})
        for label, block in zip(labels, blocks, strict=False):
            caption = article.new_tag("p", attrs={"class": "print-book__tab"})
            caption.string = label
            stacked.append(caption)
            stacked.append(block)
        tabbed.replace_with(stacked)
    drawings = {id(tag) for svg in article.find_all("svg") for tag in [svg, *svg.find_all(True)]}
    for tag in article.find_all(True):
        if id(tag) in drawings:
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
    summary = article.find("details", id=f"{prefix}{SUMMARY_ID}")
    if summary is not None:
        summary.extract()
    title = article.find("h1")
    section = article.new_tag("section", attrs={"class": "print-book__page", "id": f"p{number}"})
    for child in list(article.children):
        section.append(child)
    return section, title, summary


def _with_page_number(soup: BeautifulSoup, holder, target: str) -> None:
    """Make `holder` a line of title, dotted leader and the page of `target` (filled in later)."""
    title = soup.new_tag("span", attrs={"class": "print-book__ref-title"})
    for child in list(holder.children):
        title.append(child)
    holder.append(title)
    holder.append(soup.new_tag("span", attrs={"class": "print-book__leader", "aria-hidden": "true"}))
    holder.append(soup.new_tag("span", attrs={"class": "print-book__pageno", "data-target": target}))


def _copy_of(heading) -> BeautifulSoup:
    """A heading's content (math and all), copied for the contents or the appendix."""
    return BeautifulSoup(heading.decode_contents(), "html.parser")


def _entry(soup: BeautifulSoup, level: int, target: str, title) -> BeautifulSoup:
    item = soup.new_tag("li", attrs={"class": f"print-book__entry print-book__entry--{level}"})
    link = soup.new_tag("a", attrs={"class": "print-book__ref", "href": f"#{target}"})
    link.append(title)
    _with_page_number(soup, link, target)
    item.append(link)
    return item


def _contents(soup: BeautifulSoup, sections, appendix_id: str | None):
    """The contents page: each chapter, its sections (not its references), then the appendix."""
    box = soup.new_tag("section", attrs={"class": "print-book__contents"})
    heading = soup.new_tag("h2")
    heading.string = "Contents"
    box.append(heading)
    entries = soup.new_tag("ol", attrs={"class": "print-book__toc"})
    for section, title in sections:
        items = [(1, section["id"], title)] + [
            (int(h.name[1]), h["id"], h)
            for h in section.find_all(CONTENTS_LEVELS)
            if h.get("id") and h.get_text(" ", strip=True) not in NOT_IN_CONTENTS
        ]
        for level, target, source in items:
            entries.append(_entry(soup, level, target, _copy_of(source)))
    if appendix_id is not None:
        entries.append(_entry(soup, 1, appendix_id, APPENDIX_TITLE))
    box.append(entries)
    return box


def _appendix(soup: BeautifulSoup, summaries, number: int):
    """Each answer's summary under the answer's title: its proofs and stated numbers, each line
    with the page it links to (the check's box, the sentence that states the number)."""
    appendix = soup.new_tag("section", attrs={"class": "print-book__page", "id": f"p{number}"})
    title = soup.new_tag("h1")
    title.string = APPENDIX_TITLE
    appendix.append(title)
    for chapter_title, summary in summaries:
        part = soup.new_tag("div", attrs={"class": "print-book__checks"})
        heading = soup.new_tag("h2")
        heading.append(_copy_of(chapter_title))
        part.append(heading)
        total = soup.new_tag("p")
        total.string = summary.summary.extract().get_text(" ", strip=True)
        part.append(total)
        own_ids = {tag["id"] for tag in summary.find_all(id=True)}
        for item in summary.find_all("li"):
            link = item.find("a", href=re.compile("^#"))
            target = link["href"][1:] if link else None
            if target is None or target in own_ids:
                continue  # nothing outside the summary to give a page for
            _with_page_number(soup, item, target)
            item["class"] = "print-book__ref"
        for child in list(summary.children):  # the lists, each under its kind's label
            part.append(child)
        appendix.append(part)
    return appendix


def book_pages(site: Path) -> list[str]:
    """The pages the book holds, in navigation order: the home page as introduction, then the
    answers. Left out: the checks ledger (every page's summary again, as one long table), the
    page on how the site is built, and the proof sources (the code, a click away on the site)."""
    return [
        page for page in nav_pages(site) if page not in LEFT_OUT and not page.startswith(LEFT_OUT_FOLDERS)
    ]


def assemble(site: Path) -> str:
    """The book as one HTML document: cover, contents, each page in nav order, the appendix."""
    home = _soup(site / "index.html")
    pages = book_pages(site)
    chapters = {page: number for number, page in enumerate(pages, start=1)}
    # The site's own stylesheets (Material, KaTeX, site.css), from the site's root.
    sheets = [
        urlsplit(urljoin("http://site/", link["href"])).path for link in home.select('link[rel="stylesheet"]')
    ]
    styles = "".join(f'<link rel="stylesheet" href="{html.escape(sheet)}">' for sheet in sheets)
    name = home.select_one('meta[property="og:title"], title')
    site_name = name.get_text(strip=True) if name else "Solutions"
    description = home.select_one('meta[name="description"]')
    book_css = BOOK_CSS.read_text(encoding="utf-8").replace("__SITE_NAME__", _css_string(site_name))
    soup = BeautifulSoup("", "html.parser")
    sections, summaries = [], []
    for page, number in chapters.items():
        section, title, summary = _chapter(site, page, number, chapters)
        sections.append((section, title))
        if summary is not None:
            summaries.append((title, summary))
    appendix = _appendix(soup, summaries, len(chapters) + 1) if summaries else None
    contents = _contents(soup, sections, appendix["id"] if appendix else None)
    # The navigation's groups of pages ("Question 4 — …"), as the cover's list of parts.
    parts = [
        group.find(class_="md-nav__link").get_text(" ", strip=True)
        for group in home.select("nav.md-nav--primary > ul > li.md-nav__item--section")
    ]
    cover = (
        f'<section class="print-book__cover"><h1>{html.escape(site_name)}</h1>'
        + (f"<p>{html.escape(description['content'])}</p>" if description else "")
        + '<div class="print-book__parts">'
        + "".join(f"<p>{html.escape(part)}</p>" for part in parts)
        + "</div>"
        + '<p class="print-book__note">All questions and answers, with the code and the checks '
        "that prove them, printed from the site as built.</p></section>"
    )
    body = cover + str(contents) + "".join(str(s) for s, _ in sections) + (str(appendix) if appendix else "")
    return (
        '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        f"<title>{html.escape(site_name)}: all questions and answers</title>{styles}"
        f"<style>{book_css}</style></head>"
        '<body class="print-book" data-md-color-scheme="default" data-md-color-primary="indigo" '
        f'data-md-color-accent="indigo"><main class="md-typeset">{body}</main></body></html>'
    )


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _reproducible(pdf: bytes) -> bytes:
    """The same PDF without what changes from run to run, each value replaced by one as long (so
    the cross-reference offsets stay right): the dates, and the tagged-PDF structure ids Chromium
    takes from DOM node numbers (renumbered in their own order, which the id index relies on)."""
    pdf = re.sub(rb"/(CreationDate|ModDate) \(D:\d{14}", rb"/\1 (D:19700101000000", pdf)
    nodes = {old: b"%08d" % n for n, old in enumerate(sorted(set(re.findall(rb"\(node(\d{8})\)", pdf))))}
    return re.sub(rb"\(node(\d{8})\)", lambda m: b"(node" + nodes[m.group(1)] + b")", pdf)


def landing_pages(pdf: bytes) -> dict[str, int]:
    """The page (from 1) of each link target in a PDF Chromium printed: its named destinations."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {
        name.lstrip("/"): reader.get_destination_page_number(destination) + 1
        for name, destination in reader.named_destinations.items()
    }


def print_pdf(site: Path, out: Path, *, browser=None) -> Path:
    """Assemble the book from `site`, print it with Chromium to `out`; returns `out`."""
    book = assemble(site)
    # The same book from the same site prints the same bytes: print it once per process (the
    # tests that read the PDF share it).
    key = hashlib.sha256(
        "\0".join(
            [str(site.resolve()), book, LAY_OUT_FOR_PAPER, WRITE_PAGE_NUMBERS, str(BREAKABLE_PX)]
        ).encode()
    ).hexdigest()
    if key not in _PRINTED:
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
        _PRINTED[key] = _reproducible(pdf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_PRINTED[key])
    return out


_PRINTED: dict[str, bytes] = {}


def _print(browser, url: str) -> bytes:
    # Lay the page out as wide as the paper's text (A4 less the margins, at 96 px per inch), so
    # that what LAY_OUT_FOR_PAPER measures is what will be printed.
    context = browser.new_context(viewport={"width": PAPER_WIDTH_PX, "height": 1000})
    try:
        page = context.new_page()
        page.emulate_media(media="print", color_scheme="light")
        page.goto(url, wait_until="load")
        page.wait_for_function("document.fonts.status === 'loaded'")  # bounded, unlike a promise
        too_wide = page.evaluate(LAY_OUT_FOR_PAPER, BREAKABLE_PX)
        if too_wide:
            raise RuntimeError("wider than the paper, even scaled:\n" + "\n".join(too_wide))
        targets = page.evaluate(
            "[...document.querySelectorAll('.print-book__pageno')].map(e => e.dataset.target)"
        )
        numbers: dict[str, int] = {}
        # The numbers have a fixed width, so writing them in moves nothing: the second print
        # normally confirms the first. Print until the pages named are the pages found. The first
        # print only counts pages: without tags and bookmarks (same layout, a fifth faster).
        for attempt in range(3):
            book = attempt > 0
            pdf = page.pdf(prefer_css_page_size=True, print_background=True, outline=book, tagged=book)
            found = landing_pages(pdf)
            missing = sorted(set(targets) - set(found))
            if missing:
                raise RuntimeError(f"no PDF destination for {missing[:5]} (and {len(missing)} in all)")
            found = {target: found[target] for target in targets}
            if book and found == numbers:
                return pdf
            numbers = found
            page.evaluate(WRITE_PAGE_NUMBERS, numbers)
        raise RuntimeError("the contents' page numbers did not settle in three prints")
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
