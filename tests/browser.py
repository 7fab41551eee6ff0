"""Headless Chromium for the browser tests and the PDF: find it, launch it, serve a built site.

Playwright drives the system's Chromium (Debian's `chromium` package); Playwright's own browser
download is never used. The site is served by a local http.server on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots and the PDF the tests make, for a human to look at (build/ is not tracked).
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))

# As root, in a container, with no way out but the package registries: no sandbox, no GPU, and
# none of the background traffic (updates, sync, field trials) Chromium would send to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--font-render-hinting=none",  # the same glyph metrics on screen and in print
]


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM if set (and only it), else Debian's, else one on PATH."""
    if "CHROMIUM" in os.environ:
        candidates = [os.environ["CHROMIUM"]]
    else:
        candidates = ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium(request) -> str:
    """In a test: Chromium's path; else skip with a banner, or fail under CI (CI=true)."""
    import pytest

    executable = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        executable = None
    if executable is not None:
        return executable
    message = (
        "BROWSER TESTS SKIPPED: no Chromium (or no Playwright) on this machine. Install Debian's "
        "Chromium (apt-get install chromium) or set $CHROMIUM to a Chromium binary."
    )
    if in_ci():
        pytest.fail(message + " Under CI a skipped browser test is a failure.", pytrace=False)
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("browser-skip-banner"):

        class SkipBanner:
            """Repeats the skip at the very end of the run, where nobody can miss it."""

            @pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after pytest's own summary
            def pytest_terminal_summary(self, terminalreporter):
                result = yield
                terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
                terminalreporter.write_line(message, red=True, bold=True)
                return result

        plugins.register(SkipBanner(), "browser-skip-banner")
    pytest.skip(message)


def launch(playwright):
    """A headless Chromium with a fresh temporary profile (Playwright makes one per launch)."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium not found: install it (apt-get install chromium) or set $CHROMIUM")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


_SHARED: dict = {}


def shared_browser(request):
    """In tests: one Chromium for the whole pytest session, whichever module asks first.

    Playwright's sync API allows one running instance per thread, so the browser tests and the PDF
    test share it; it is closed when pytest finishes.
    """
    if "browser" not in _SHARED:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = launch(_SHARED["playwright"])

        def stop() -> None:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()

        request.config.add_cleanup(stop)
    return _SHARED["browser"]


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves a directory, plus any in-memory documents given in `extra` (path -> bytes).

    With `compress`, text files go out gzipped to a client that accepts it, as a web host
    (GitHub Pages) sends them: Lighthouse measures the site as a reader would download it.
    """

    extra: dict[str, bytes] = {}
    compress = False
    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ttf": "font/ttf",
        ".svg": "image/svg+xml",
    }

    def do_GET(self) -> None:  # noqa: N802 (http.server's API)
        path = urlsplit(self.path).path
        body = self.extra.get(path)
        if body is None and self.compress and "gzip" in self.headers.get("Accept-Encoding", ""):
            return self._send_gzipped()
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_gzipped(self) -> None:
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file() or local.suffix not in self.COMPRESSIBLE:
            return super().do_GET()
        body = gzip.compress(local.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(local)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's API)
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A page closed while its fonts were still arriving is not an error worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(
    directory: Path, extra: dict[str, bytes] | None = None, *, compress: bool = False
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; yields the base URL ending in /."""
    handler = type("Handler", (_QuietHandler,), {"extra": dict(extra or {}), "compress": compress})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def nav_pages(site: Path) -> list[str]:
    """The site's pages in navigation order, as paths relative to the site (e.g. question-5/5b.html).

    Read from the built home page's primary navigation, so it follows mkdocs.yml's `nav` as built.
    """
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    pages: list[str] = []
    for link in soup.select("nav.md-nav--primary a.md-nav__link[href]"):
        href = urlsplit(urljoin("http://site/index.html", link["href"]))
        if href.netloc != "site" or not href.path.endswith(".html"):
            continue
        page = href.path.lstrip("/")
        if page not in pages:
            pages.append(page)
    return pages
