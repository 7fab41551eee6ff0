"""Hovering a cross-reference shows its target (docs/assets/xref-preview.js), with no request
leaving the site: on the probe site, served on 127.0.0.1 and opened in headless Chromium."""

from __future__ import annotations

import pytest
from browser import require_chromium, serve, shared_browser


@pytest.fixture(scope="module")
def probe_page(request):
    """The probe's first page open in Chromium, and every request it made."""
    require_chromium(request)
    with serve(request.getfixturevalue("xref_probe_site")) as base:
        context = shared_browser(request).new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "index.html", wait_until="load")
        yield {"page": page, "base": base, "requests": requests, "errors": errors}
        context.close()


def _preview_of(page, href: str):
    page.mouse.move(0, 0)
    page.hover(f'article a.xref[href="{href}"]')
    preview = page.wait_for_selector(".xref-preview", state="visible", timeout=5000)
    return preview


@pytest.mark.build
@pytest.mark.parametrize(
    ("href", "shows"),
    [
        ("#eq-second", "(2)"),
        ("probe/b.html#eq-other", "(1)"),
        ("#tbl-two", "Table 1."),
        ("#check-probe-sum", "One plus one is two"),
    ],
)
def test_hovering_a_reference_shows_its_target(probe_page, href, shows):
    preview = _preview_of(probe_page["page"], href)
    assert shows in preview.inner_text().replace("\u200b", "")
    # Styled by site.css: a box beside the link, over the page, not a block at the page's end.
    assert preview.evaluate("box => getComputedStyle(box).position") == "absolute"


@pytest.mark.build
def test_a_figure_preview_shows_the_drawing_and_its_caption(probe_page):
    preview = _preview_of(probe_page["page"], "#fig-line")
    assert preview.query_selector("svg") is not None and "Figure 1." in preview.inner_text()


@pytest.mark.build
def test_the_preview_goes_away_and_no_request_leaves_the_site(probe_page):
    page = probe_page["page"]
    _preview_of(page, "#eq-first")
    page.mouse.move(0, 0)
    page.wait_for_selector(".xref-preview", state="detached", timeout=5000)
    outside = [url for url in probe_page["requests"] if not url.startswith(probe_page["base"])]
    assert not outside and not probe_page["errors"], (outside, probe_page["errors"])
