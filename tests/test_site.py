"""Inspect the HTML of one strict build: pages, executed output, math, links, figures, privacy."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import DOCS
from sitebuild import ROOT

from snippets.plumbing.checks import load_all
from snippets.plumbing.values import all_claims

PAGES = sorted(p.relative_to(DOCS).with_suffix(".html").as_posix() for p in DOCS.rglob("*.md"))
QUESTION_PAGES = [p for p in PAGES if p.startswith("question-")]


@functools.cache
def soup(site: Path, page: str) -> BeautifulSoup:
    """A built page, parsed once for all the tests below: they only read it, never change it."""
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def article(site: Path, page: str):
    return soup(site, page).select_one("article")


def test_every_page_is_built(built_site):
    for page in PAGES + ["404.html", "search/search_index.js"]:
        assert (built_site / page).is_file(), f"{page} missing from the build"


def test_navigation_holds_all_six_questions_grouped(built_site):
    nav = soup(built_site, "index.html").select_one("nav.md-nav--primary")
    text = nav.get_text(" ", strip=True)
    for group in ("Question 4", "Question 5"):
        assert group in text
    links = {a["href"] for a in nav.select("a[href]")}
    for part in ("4a", "4b", "4c", "5a", "5b", "5c"):
        assert any(href.endswith(f"{part}.html") for href in links), f"{part} not in the navigation"


@pytest.mark.parametrize("page", QUESTION_PAGES)
def test_question_page_anatomy(built_site, page):
    body = article(built_site, page)
    assert body.select_one(".admonition.question"), "the question is not quoted"
    assert body.select_one(".exec-check"), "no check stands beside the text"
    assert any("References" in h.get_text() for h in body.find_all("h2")), "no references"
    summary = body.select_one("details#checks-on-this-page")
    assert summary is not None, "the page has no summary of its checks"
    # Counted from the sources, not from the registry the summary is made from.
    source = page.replace(".html", ".md")
    declared = sum(1 for found in declared_checks().values() if found == source)
    numbers = len(set(declared_claims(DOCS / source)))
    listed = summary.select("li")
    assert len(listed) == declared + numbers, (
        f"the summary lists {len(listed)} entries; the snippets declare {declared} checks for "
        f"{source} and the page states {numbers} distinct prose values"
    )
    title = summary.select_one("summary").get_text()
    assert re.match(rf"On this page: {declared} proofs? and {numbers} stated numbers?,", title), title


@pytest.mark.parametrize("page", PAGES)
def test_math_is_rendered_by_katex_at_build_time(built_site, page):
    html = (built_site / page).read_text(encoding="utf-8")
    main = str(article(built_site, page))
    assert "katex-error" not in html
    assert 'class="arithmatex"' not in html, "math left for a browser script"
    text = BeautifulSoup(main, "html.parser")
    for tag in text.select(".katex-mathml, code, pre, script"):
        tag.decompose()  # TeX legitimately appears in MathML annotations and code
    visible = text.get_text()
    for raw in ("$$", "\\(", "\\[", "\\begin{", "\\frac"):
        assert raw not in visible, f"raw TeX {raw!r} left in {page}"
    assert not re.search(r"<script[^>]+(katex|mathjax)", html, re.I), "math JavaScript shipped"


def test_katex_css_and_fonts_are_served_from_the_site(built_site):
    css = built_site / "assets/vendor/katex/katex.min.css"
    assert css.is_file()
    for font in re.findall(r"url\((fonts/[^)]+\.woff2)\)", css.read_text()):
        assert (css.parent / font).is_file(), f"{font} referenced by KaTeX CSS is missing"


FETCHING = {  # elements whose URL a browser fetches without a click
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
    "track": "src",
}


def _external(url: str) -> bool:
    return bool(urlsplit(url.strip()).scheme in {"http", "https"} or url.strip().startswith("//"))


def test_no_third_party_request(built_site):
    offenders = []
    for html_file in built_site.rglob("*.html"):
        page = soup(built_site, html_file.relative_to(built_site).as_posix())
        for tag, attr in FETCHING.items():
            offenders += [
                (html_file.name, el[attr])
                for el in page.find_all(tag)
                if el.get(attr) and _external(el[attr])
            ]
        for link in page.find_all("link", href=True):
            if _external(link["href"]) and set(link.get("rel", [])) & {
                "stylesheet",
                "preload",
                "prefetch",
                "preconnect",
                "dns-prefetch",
                "icon",
                "manifest",
                "modulepreload",
            }:
                offenders.append((html_file.name, link["href"]))
        for styled in page.find_all(style=True):
            offenders += [
                (html_file.name, u)
                for u in re.findall(r"url\(['\"]?([^)'\"]+)", styled["style"])
                if _external(u)
            ]
        for use in page.find_all(["use", "image"]):
            href = use.get("href") or use.get("xlink:href") or ""
            if _external(href):
                offenders.append((html_file.name, href))
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [(css.name, u) for u in re.findall(r"url\(['\"]?([^)'\"]+)", text) if _external(u)]
        offenders += [(css.name, u) for u in re.findall(r"@import\s+['\"]([^'\"]+)", text) if _external(u)]
    assert not offenders, f"third-party URLs a browser would fetch: {offenders[:10]}"


def _ids(site: Path, page: str, cache: dict) -> set[str]:
    if page not in cache:
        cache[page] = {el["id"] for el in soup(site, page).find_all(id=True)}
    return cache[page]


def test_internal_links_and_anchors_resolve(built_site):
    cache: dict[str, set[str]] = {}
    broken = []
    for page in PAGES:
        for link in soup(built_site, page).select("a[href]"):
            href = link["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:")):
                continue
            target = (built_site / page).parent / unquote(parts.path) if parts.path else built_site / page
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((page, href))
                continue
            if parts.fragment and target.suffix == ".html":
                rel = target.relative_to(built_site.resolve()).as_posix()
                if parts.fragment not in _ids(built_site, rel, cache):
                    broken.append((page, href))
    assert not broken, f"broken links or anchors: {broken[:10]}"


def _string_constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets if isinstance(target, ast.Name)
    }


def declared_checks() -> dict[str, str]:
    """check id -> page, read from the question modules' source (ast), not by importing them.

    Finds `check("id", page=...)` calls whose id is a literal and whose page is a literal or a
    module-level string constant (its own, or imported from another question module); a check
    registered any other way makes the tests below fail.
    """
    modules = sorted((ROOT / "snippets").glob("*.py"))
    trees = {m.stem: ast.parse(m.read_text(encoding="utf-8")) for m in modules}
    own = {name: _string_constants(tree) for name, tree in trees.items()}
    # A page's own `check = partial(check, page=PAGE)` (4b): its page, for checks that import it.
    bound = {name: own[name].get(node.value.keywords[0].value.id) for name, tree in trees.items()
             for node in tree.body
             if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["check"]
             and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "partial"
             and [k.arg for k in node.value.keywords] == ["page"]
             and isinstance(node.value.keywords[0].value, ast.Name)}
    found: dict[str, str] = {}
    for name, tree in trees.items():
        constants = dict(own[name])
        default_page = bound.get(name)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets."):
                source = own.get(node.module.removeprefix("snippets."), {})
                constants |= {a.asname or a.name: source[a.name] for a in node.names if a.name in source}
                if any(a.name == "check" for a in node.names):
                    default_page = bound.get(node.module.removeprefix("snippets."), default_page)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check" and node.args):
                continue
            pages = [k.value for k in node.keywords if k.arg == "page"]
            page = pages[0].value if pages and isinstance(pages[0], ast.Constant) else (
                constants.get(pages[0].id) if pages and isinstance(pages[0], ast.Name) else default_page
            )
            assert isinstance(node.args[0], ast.Constant) and page, (
                f"{name}.py:{node.lineno}: a check whose id or page is computed"
            )
            assert node.args[0].value not in found, f"check {node.args[0].value} declared twice"
            found[node.args[0].value] = page
    return found


CLAIM_TEXT = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*=[^{}]*\}\}")


def declared_claims(page: Path) -> list[str]:
    """The keys of the `{{ key = literal }}` a page states, outside fenced code, in order."""
    keys, fence = [], None
    for line in page.read_text(encoding="utf-8").splitlines():
        marker = re.match(r"\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker[1].startswith(fence)):
            fence = marker[1] if fence is None else None
            continue
        if fence is None:
            keys.extend(CLAIM_TEXT.findall(line))
    return keys


def test_ledger_lists_every_proof_and_stated_number_once_by_page(built_site):
    body = article(built_site, "checks.html")
    sections = body.select("section.exec-ledger__page")
    pages_in_ledger = [s["data-page"] for s in sections]
    assert len(pages_in_ledger) == len(set(pages_in_ledger)), "a page is listed twice"
    assert {"docs/" + p.replace(".html", ".md") for p in QUESTION_PAGES} <= set(pages_in_ledger)
    proofs = [a["href"] for a in body.select(".exec-ledger tbody tr td:first-child a")]
    numbers = [li.a["href"] for li in body.select(".exec-ledger__numbers li")]
    # Counted from the sources (ast, a regular expression), not from the registry the ledger lists.
    declared = declared_checks()
    stated = {(page.relative_to(DOCS).as_posix(), key)
              for page in DOCS.rglob("*.md") for key in declared_claims(page)}
    assert len(proofs) == len(set(proofs)) == len(declared), "proofs missing or listed twice"
    assert {p.rpartition("#")[2] for p in proofs} == {"check-" + c.replace(".", "-") for c in declared}
    assert len(numbers) == len(set(numbers)) == len(stated), "stated numbers missing or listed twice"
    home = article(built_site, "index.html").get_text(" ", strip=True)
    assert f"{len(declared)} proofs" in home and f"{len(stated)} stated numbers" in home, (
        "the home page does not count proofs and stated numbers apart")


def _source_line_at(anchor) -> str:
    """The text of the highlighted source line an anchor sits on (inline line numbers: a line runs
    from its `__codelineno-` anchor to the next one)."""
    text = []
    for node in anchor.next_siblings:
        if getattr(node, "name", None) == "a" and node.get("id", "").startswith("__codelineno-"):
            break
        text.append(node.get_text() if hasattr(node, "get_text") else str(node))
    return "".join(text)


def test_every_check_box_links_to_its_proof_line(built_site):
    checks_by_anchor = {c.anchor: c for c in load_all()}
    seen = set()
    for page in QUESTION_PAGES:
        for box in article(built_site, page).select(".exec-check__item"):
            found = checks_by_anchor[box["id"]]
            link = box.select_one(".admonition-title a.exec-check__proof")
            assert link is not None, f"{page}: the box of {found.id} has no proof link"
            target, fragment = urlsplit(link["href"]).path, urlsplit(link["href"]).fragment
            proof = soup(built_site, (Path(page).parent / target).as_posix().replace("question-4/../", "")
                         .replace("question-5/../", ""))
            line = proof.find(id=fragment)
            assert line is not None, f"{found.id}: {link['href']} lands nowhere"
            text = _source_line_at(line)
            source = (DOCS.parent / found.file).read_text(encoding="utf-8").splitlines()
            head = "\n".join(source[found.line - 1 : found.line + 12])
            assert text == source[found.line - 1] + "\n" and text.lstrip().startswith(("@check(", "def ")), (
                f"{found.id}: {link['href']} lands on {text!r}")
            assert f'"{found.id}"' in head and f"def {found.function}(" in head, head
            seen.add(found.id)
    assert seen == {c.id for c in load_all()}, "a check has no box on its page"


def test_proof_pages_stay_out_of_the_search_index(built_site):
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert (built_site / "proofs" / "batchnorm.html").is_file()
    assert '"location":"proofs/' not in index.replace(" ", "")


def test_every_stated_number_is_anchored_at_its_sentence(built_site):
    for claim in all_claims(DOCS):
        body = article(built_site, claim.page.replace(".md", ".html"))
        anchor = body.find(id=claim.anchor)
        assert anchor is not None, f"docs/{claim.page}:{claim.line}: no anchor {claim.anchor}"
        assert anchor.find_parent(id="checks-on-this-page") is None, (
            f"docs/{claim.page}:{claim.line}: {claim.key} is anchored in the summary, not at its sentence")


def test_boxes_speak_in_words_and_numbers(built_site):
    for page in QUESTION_PAGES:
        for box in article(built_site, page).select(".exec-check"):
            text = box.get_text(" ", strip=True)
            for repr_trace in ("characters)", "array of shape", "array(", "np.float", "Matrix(["):
                assert repr_trace not in text, f"{page}: {repr_trace!r} in a check box"


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_numbered_and_described(built_site, page):
    figures = article(built_site, page).select("figure.exec-figure")
    for number, figure in enumerate(figures, start=1):
        svg = figure.select_one("svg")
        assert svg is not None and svg.get("role") == "img"
        title, desc = svg.find("title"), svg.find("desc")
        assert title and title.get_text(strip=True), "figure without a title (alt text)"
        assert desc and desc.get_text(strip=True), "figure without a description"
        labelled = set(svg["aria-labelledby"].split())
        assert {title["id"], desc["id"]} == labelled
        caption = figure.select_one("figcaption").get_text(" ", strip=True)
        assert caption.startswith(f"Figure {number}."), f"caption {caption!r} out of order"


def test_ids_are_unique_on_every_page(built_site):
    for page in PAGES:
        ids = Counter(el["id"] for el in soup(built_site, page).find_all(id=True))
        duplicates = {i for i, count in ids.items() if count > 1}
        assert not duplicates, f"{page} repeats ids {sorted(duplicates)[:5]}"


def test_figure_palette_contrasts_with_both_themes():
    """Every series colour keeps WCAG's 3:1 for graphics on white and on Material's slate."""
    from snippets.plumbing.figures import PALETTE

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for colour in PALETTE:
        for background in ("#ffffff", "#1e2129"):  # Material's default and slate backgrounds
            assert contrast(colour, background) >= 3.0, f"{colour} on {background}"


@pytest.mark.parametrize("page", PAGES)
def test_wide_tables_label_every_cell_for_phones(built_site, page):
    from snippets.plumbing.table_cards import CARD_COLUMNS

    for table in article(built_site, page).select("table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        if len(headers) < CARD_COLUMNS or table.find_parent(class_="exec-ledger"):
            continue
        assert table.has_attr("data-cards"), f"a {len(headers)}-column table will not fit a phone"
        for row in table.select("tbody tr"):
            labels = [td.select_one(".cell-label") for td in row.select("td")]
            assert all(labels), "a cell of a wide table has no label"
            def bare(text: str) -> str:
                return "".join(text.split())

            assert [bare(lab.get_text()) for lab in labels] == [bare(h) + ":" for h in headers][: len(labels)]


@pytest.mark.parametrize("page", [*PAGES, "404.html"])
def test_script_files_wait_for_the_parsed_page(built_site, page):
    """overrides/main.html: every script file, the theme's and ours, is deferred (run in page order
    once the page is parsed), so no first paint waits for one; a script written into the page is
    only ever inline."""
    scripts = soup(built_site, page).select("script[src]")
    blocking = [tag["src"] for tag in scripts if not tag.has_attr("defer")]
    assert blocking == [], f"{page}: scripts run before the page is parsed: {blocking}"


KATEX_PRELOADS = ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]


@pytest.mark.parametrize("page", [*PAGES, "404.html"])
def test_pages_with_math_preload_katex_main_fonts_and_only_they(built_site, page):
    """overrides/main.html: a page with math asks for KaTeX's two commonest fonts with the page (a
    font found only at the first layout arrives after the first paint and moves the formulas in
    view); both are files KaTeX's stylesheet names and the page's formulas use; a page without
    math asks for none."""
    page_soup = soup(built_site, page)
    preloads = page_soup.select('link[rel="preload"][as="font"]')
    has_math = page_soup.select_one("article .katex") is not None
    if not has_math:
        assert preloads == [], f"{page} has no math but preloads {[link['href'] for link in preloads]}"
        return
    assert [link["href"].rsplit("/", 1)[-1] for link in preloads] == KATEX_PRELOADS
    css = (built_site / "assets/vendor/katex/katex.min.css").read_text(encoding="utf-8")
    for link in preloads:
        assert link.get("crossorigin") == "" and link.get("type") == "font/woff2", str(link)
        target = (built_site / page).parent / link["href"]
        assert target.resolve().is_file(), f"{page} preloads a missing font: {link['href']}"
        assert f"fonts/{target.name}" in css, f"KaTeX's stylesheet does not use {target.name}"
    assert page_soup.select_one("article .katex .mathnormal"), f"{page} never uses KaTeX_Math-Italic"


@pytest.mark.parametrize("page", [*PAGES, "404.html"])
def test_no_stylesheet_arrives_with_the_page_body(built_site, page):
    """A <style> written into the body (matplotlib put one in every SVG: a rule for all elements)
    styles the whole page, and parsed mid-page it has the browser restyle everything drawn so far
    (Lighthouse: 5a's longest task at load). figures.py moves that rule to site.css."""
    styles = soup(built_site, page).select("body style")
    assert styles == [], f"{page} writes a stylesheet into its body: {[str(s)[:80] for s in styles]}"


def test_site_css_counts_no_block_from_the_end():
    """A selector that counts siblings from the end (:nth-last-child, :nth-last-of-type,
    :last-of-type, :only-of-type) makes Chromium restyle every child of the article again once the
    parser closes it after a first paint; with the theme's tabs' selectors that is every element
    (Lighthouse: 1.8 s of style on proofs/q5c_figures, in about half the runs). :last-child is
    checked on its one element only."""
    css = (ROOT / "docs/assets/site.css").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert not re.findall(r":(nth-last-child|nth-last-of-type|last-of-type|only-of-type)\b", rules)
