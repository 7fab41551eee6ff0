"""Every built page through the Nu HTML checker (npm vnu-jar, run by Java): no error from our markup.

One Java run checks all pages. Errors that come from Material's own templates, which this project
does not write, are listed with their reasons in tests/html_known_errors.json; any other error fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from browser import in_ci
from sitebuild import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
KNOWN = json.loads((ROOT / "tests" / "html_known_errors.json").read_text(encoding="utf-8"))


def _java() -> str:
    java = shutil.which("java")
    if java and VNU_JAR.is_file():
        return java
    message = "HTML CHECK SKIPPED: needs Java (apt-get install default-jre-headless) and `npm ci` (vnu-jar)"
    if in_ci():
        pytest.fail(message + "; under CI a skipped check is a failure.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def messages(built_site) -> list[dict]:
    java = _java()
    pages = sorted(str(p) for p in built_site.rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *pages],
        capture_output=True, text=True, timeout=180, check=False,
    )
    found = json.loads(result.stderr)["messages"]
    for message in found:
        message["page"] = message.get("url", "").split(str(built_site), 1)[-1].lstrip("/")
    return found


def _matches(known: dict, message: dict) -> bool:
    return bool(re.search(known["message"], message["message"])
                and re.search(known["extract"], message.get("extract", "")))


def _known(message: dict) -> str | None:
    for known in KNOWN:
        if _matches(known, message):
            return known["reason"]
    return None


def test_the_checker_reads_every_page(messages, built_site):
    fatal = [m for m in messages if m["type"] == "non-document-error"]
    assert fatal == [], fatal


def test_no_html_error_from_our_own_markup(messages):
    ours = [m for m in messages if m["type"] == "error" and _known(m) is None]
    lines = [f"{m['page']}:{m.get('lastLine')}: {m['message']}\n    {m.get('extract', '')!r}" for m in ours]
    assert ours == [], f"{len(ours)} HTML error(s):\n" + "\n".join(lines[:30])


def test_every_known_error_still_occurs(messages):
    """A listed exception that no longer happens is removed from the list, not kept as a blanket."""
    errors = [m for m in messages if m["type"] == "error"]
    stale = [k["message"] for k in KNOWN if not any(_matches(k, m) for m in errors)]
    assert stale == [], f"known errors that no longer occur: {stale}"
