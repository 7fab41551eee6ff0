"""The built site's plumbing: search index scope, 404 page, sitemap, meta descriptions, logo and favicon."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import yaml
from browser import nav_pages
from bs4 import BeautifulSoup, SoupStrainer
from sitebuild import ROOT

# What mkdocs.yml's site_url is when SITE_URL is not set (local builds and these tests).
LOCAL_SITE_URL = "http://127.0.0.1:8000/"
# A formula indexed as its TeX source (commands, or braced super/subscripts such as ^{3/2} that
# were written outside $…$), or as KaTeX's glyphs (their layout puts zero-width spaces between the
# parts of a formula).
TEX = re.compile(r"\\[a-zA-Z]+|[_^]\{|\u200b")


def _soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _index(built_site) -> list[dict]:
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_search_leaves_out_the_ledger_proof_sources_and_page_summaries(built_site):
    docs = _index(built_site)
    pages = {doc["location"].split("#")[0] for doc in docs}
    assert "checks.html" not in pages, "the checks ledger is in the search index"
    assert not [p for p in pages if p.startswith("proofs/")], "proof-source pages are in the search index"
    summaries = [doc["location"] for doc in docs if "Checks on this page" in doc["text"]]
    assert summaries == [], f"page summaries of checks are indexed: {summaries}"
    assert {"index.html", "question-4/4a.html", "question-5/5c.html"} <= pages


def test_search_indexes_each_formula_once_as_text(built_site):
    """A formula is indexed as its MathML text only: not also as TeX, nor as KaTeX's glyphs."""
    problems = []
    for doc in _index(built_site):
        prose = re.sub(r"<(pre|code)>.*?</\1>", " ", doc["text"], flags=re.S)
        prose = re.sub(r"<[^>]+>", " ", prose)
        tex = sorted(set(TEX.findall(prose)))
        if tex:
            problems.append(f"{doc['location']}: {tex[:5]}")
    assert problems == [], "TeX or glyphs in the search index:\n" + "\n".join(problems[:10])
    # Nor does a page carry the TeX for search to find (KaTeX's MathML annotation).
    with_tex = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
                if 'encoding="application/x-tex"' in p.read_text(encoding="utf-8")]
    assert with_tex == [], f"pages holding formulas' TeX source: {with_tex}"


def test_site_url_is_set_and_the_sitemap_lists_every_page(built_site):
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvLoader)
    assert config["site_url"] == ["SITE_URL", LOCAL_SITE_URL], "site_url must come from $SITE_URL"
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = {urlsplit(loc).path.lstrip("/") for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    assert set(nav_pages(built_site)) <= listed, f"the sitemap lists {sorted(listed)}"


def test_404_page_keeps_its_styles_at_any_depth_and_offers_a_way_back(built_site):
    soup = _soup(built_site / "404.html")
    # Served for any missing path, so every asset is addressed from the site's root, not relative.
    assets = [tag.get("href") or tag.get("src") for tag in soup.select("link[rel=stylesheet], script[src]")]
    assert assets and all(a.startswith("/") for a in assets), f"relative assets on the 404 page: {assets}"
    for asset in assets:
        assert (built_site / urlsplit(asset).path.lstrip("/")).is_file(), f"{asset} is missing"
    article = soup.select_one("article")
    homes = [a["href"] for a in article.select("a[href]") if a["href"] == LOCAL_SITE_URL]
    assert homes, "the 404 page does not link to the home page"
    linked = {urlsplit(a["href"]).path.lstrip("/") for a in article.select("a[href]")}
    questions = [p for p in nav_pages(built_site) if p.startswith("question-")]
    assert set(questions) <= linked, "the 404 page does not list the questions"


def test_every_page_has_its_own_description(built_site):
    site_description = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                                 Loader=_EnvLoader)["site_description"]
    seen: dict[str, str] = {}
    for page in nav_pages(built_site):
        # Only the page's <meta> elements are parsed (its head, not its body of math and figures).
        metas = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser",
                              parse_only=SoupStrainer("meta"))
        meta = metas.select_one('meta[name="description"]')
        description = meta["content"].strip() if meta else ""
        assert description and description != site_description, f"{page} has no description of its own"
        assert description not in seen, f"{page} has the description of {seen.get(description)}"
        seen[description] = page


def test_site_has_its_own_logo_and_favicon(built_site):
    soup = _soup(built_site / "index.html")
    icon = soup.select_one('link[rel="icon"]')["href"]
    assert icon.endswith("assets/favicon.svg") and (built_site / "assets" / "favicon.svg").is_file()
    logo = soup.select_one(".md-header__button.md-logo img")
    assert logo is not None and logo["src"].endswith("assets/logo.svg")


class _EnvLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as written: `!ENV [NAME, default]` stays a list; python tags are kept as text."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node))
_EnvLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)
