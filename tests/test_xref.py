"""Cross-references and citations: a probe site shows the syntax works across pages, every
reference of the real site shows the number its target shows, and each kind of mistake fails the
strict build naming the page and line."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sitebuild import ROOT, copy_project

from snippets.plumbing.citations import bibliography, citations_in, uncited
from snippets.plumbing.xref import parse_page

PROBE_A = r"""# Probe A

## Setup {#sec-setup}

$$
\begin{equation}
a = b
\end{equation}
$$ {#eq-first}

An unnumbered display:

$$
x = y
$$

$$
c = d
$$ {#eq-second}

Table: Two numbers, $x$ and $y$ {#tbl-two}

| x | y |
|---|---|
| 1 | 2 |

```python exec="on" html="1" session="probe"
from snippets.plumbing.drawn import decorative
from snippets.plumbing.figures import figure_html, new_figure

fig, ax = new_figure(2, 2)
(line,) = ax.plot([0, 1], [0, 1])
decorative(line, "a probe of figure numbers and references: the line states no result")
print(figure_html(fig, label="fig-line", title="A line", description="A rising line.", caption="A line."))
```

See @eq-first and @eq-second, @tbl-two, @fig-line, @sec-setup, and @eq-other on the other page;
the check @chk-probe.sum. Cited [@ioffe2015, §3; @nocedal2006] and by @dauphin2014. Code is
not a reference: `@eq-nothing`.

```python exec="on" html="1" session="probe"
from snippets.plumbing.check_report import show

print(show("probe.sum"))
```

Two is {{ probe.two = 2 }}.

## References

```python exec="on" html="1" session="probe"
from snippets.plumbing.check_report import page_summary

print(page_summary())
```
"""

PROBE_CHECK = '''"""The probe page's check and prose value."""

from snippets.plumbing.checks import check, equal
from snippets.plumbing.values import value


@value("probe.two", statement="one plus one")
def two() -> int:
    return 1 + 1


@check("probe.sum", page="index.md", statement="One plus one is two")
def _one_plus_one():
    return equal(1 + 1, 2, what="1 + 1", scope="one case")
'''

PROBE_B = r"""# Probe B

\begin{equation}
e = f
\end{equation} {#eq-other}

Back to @eq-second and @fig-line on the first page, to @sec-setup, and to @val-probe.two. Two more citations
[see @ba2016, §3] and @wu2018 [Fig. 2].

## References
"""


def probe_project(tmp_path: Path, a: str = PROBE_A, b: str = PROBE_B) -> Path:
    """A copy of the project whose docs are the two probe pages (and the bibliography), with a
    snippet module registering the probe's check."""
    project = copy_project(tmp_path / "project")
    docs = project / "docs"
    for path in docs.rglob("*.md"):
        path.unlink()
    (project / "snippets" / "probe_check.py").write_text(PROBE_CHECK, encoding="utf-8")
    (docs / "probe").mkdir()
    (docs / "index.md").write_text(a, encoding="utf-8")
    (docs / "probe" / "b.md").write_text(b, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("\nnav:\n") + 1
    end = re.search(r"^\S", config[start + 5 :], re.MULTILINE).start() + start + 5
    config = config[:start] + "nav:\n  - index.md\n  - probe/b.md\n\n" + config[end:]
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def shown_at(target) -> str:
    """The number or title the reader sees at a reference's target element."""
    if target.name == "figure":
        return target.select_one(".exec-figure__number").get_text(strip=True).removesuffix(".")
    if target.name == "strong":  # a table caption's number
        return target.get_text(strip=True).removesuffix(".")
    if target.name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        for link in target.select("a.headerlink"):
            link.decompose()
        return _text(target)
    if target.get("id", "").startswith("check-"):
        return _text(target.select_one(".exec-check__statement"))
    if "claim" in target.get("class", []):  # a stated value: the value itself carries the anchor
        return _text(target)
    tag = target.select_one(".katex-html .katex-tag")
    assert tag is not None, f"no equation number at #{target.get('id')}"
    return _text(tag)


def _text(element) -> str:
    """What a reader sees: KaTeX's zero-width spacers dropped."""
    return element.get_text("", strip=True).replace("\u200b", "")


def reference_mismatches(site: Path) -> tuple[int, list[str]]:
    """How many references the site has, and each whose text is not what its target shows."""
    count, wrong = 0, []
    # Each page parsed once, whether it links or is linked to: only a target heading's own
    # pilcrow link is ever removed (shown_at), which no reference and no other target contains.
    parsed: dict[Path, BeautifulSoup] = {}

    def soup_of(path: Path) -> BeautifulSoup:
        if path.resolve() not in parsed:
            parsed[path.resolve()] = _soup(path)
        return parsed[path.resolve()]

    for page in sorted(site.rglob("*.html")):
        for link in soup_of(page).select("article a.xref"):
            count += 1
            url = urlsplit(link["href"])
            target_page = (page.parent / url.path).resolve() if url.path else page
            target = soup_of(target_page).find(id=url.fragment)
            where = f"{page.relative_to(site)}: {link.get_text()!r} -> {link['href']}"
            if target is None:
                wrong.append(f"{where}: no such target")
            elif "claim" in target.get("class", []) and not _text(target):
                # A value stated inside math: its anchor stands just before the formula that shows it.
                formula = target.find_next(class_="katex")
                if formula is None or _text(link) not in _text(formula.select_one(".katex-html")):
                    wrong.append(f"{where}: the formula after the anchor does not show it")
            elif shown_at(target) != _text(link):
                wrong.append(f"{where}: the target shows {shown_at(target)!r}")
    return count, wrong


@pytest.fixture(scope="module")
def probe_site(xref_probe_site) -> Path:
    return xref_probe_site


@pytest.mark.build
def test_the_probe_references_render_the_numbers_and_titles_they_point_to(probe_site):
    links = {a["href"]: a.get_text() for a in _soup(probe_site / "index.html").select("a.xref")}
    assert links == {
        "#eq-first": "(1)",
        "#eq-second": "(2)",
        "#tbl-two": "Table 1",
        "#fig-line": "Figure 1",
        "#sec-setup": "Setup",
        "probe/b.html#eq-other": "(1)",
        "#check-probe-sum": "One plus one is two",
    }
    back = {a["href"]: a.get_text() for a in _soup(probe_site / "probe" / "b.html").select("a.xref")}
    assert back == {
        "../index.html#claim-probe-two": "2",
        "../index.html#eq-second": "(2)",
        "../index.html#fig-line": "Figure 1",
        "../index.html#sec-setup": "Setup",
    }


@pytest.mark.build
def test_equations_are_numbered_per_page_with_explicit_tags(probe_site):
    first = _soup(probe_site / "index.html")
    assert [_text(t) for t in first.select(".katex-html .katex-tag")] == ["(1)", "(2)"]
    assert _text(first.select_one("#eq-second .katex-html .katex-tag")) == "(2)"
    second = _soup(probe_site / "probe" / "b.html")
    assert [_text(t) for t in second.select(".katex-html .katex-tag")] == ["(1)"]
    # No equation is left to KaTeX's CSS counter, which runs on across the chapters of the PDF.
    for soup in (first, second):
        assert not soup.select(".katex-html .eqn-num")


@pytest.mark.build
def test_every_probe_reference_shows_its_targets_number(probe_site):
    count, wrong = reference_mismatches(probe_site)
    assert count == 11 and not wrong, wrong


@pytest.mark.build
def test_the_probe_cites_by_key_and_lists_what_it_cites(probe_site):
    soup = _soup(probe_site / "index.html")
    cited = [a.get_text() for a in soup.select("a.citation")]
    assert cited == ["Ioffe & Szegedy, 2015", "Nocedal & Wright, 2006", "Dauphin et al. (2014)"]
    assert "§3" in soup.select_one("span.citations").get_text()
    heading = soup.find("h2", id="references")
    listed = heading.find_next_sibling("ul", class_="references")
    assert [li["id"] for li in listed.select("li")] == ["ref-dauphin2014", "ref-ioffe2015", "ref-nocedal2006"]
    ioffe = listed.select_one("#ref-ioffe2015")
    assert ioffe.select_one('a[href="https://arxiv.org/abs/1502.03167"]') is not None
    assert not soup.select(".citation--unknown, .xref--broken")
    other = _soup(probe_site / "probe" / "b.html").article
    cited = [c.get_text() for c in other.select("span.citations, a.citation:not(span a)")]
    assert cited == ["(see Ba et al., 2016, §3)", "Wu & He (2018, Fig. 2)"], cited


def _failed_build(builder, tmp_path: Path, a: str = PROBE_A, b: str = PROBE_B) -> str:
    """The log of a build that must fail."""
    result = builder.build(probe_project(tmp_path, a, b), tmp_path / "site")
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    return log


@pytest.mark.build
def test_a_renamed_label_fails_the_build_naming_page_and_line(fork_builder, tmp_path):
    log = _failed_build(fork_builder, tmp_path, b=PROBE_B.replace("{#eq-other}", "{#eq-renamed}"))
    line = PROBE_A.splitlines().index(next(s for s in PROBE_A.splitlines() if "@eq-other" in s)) + 1
    assert "broken reference @eq-other: no label 'eq-other' is defined on any page" in log, log
    assert f"on docs/index.md:{line}" in log, log


@pytest.mark.build
def test_a_duplicate_label_fails_the_build_naming_both_places(fork_builder, tmp_path):
    log = _failed_build(fork_builder, tmp_path, b=PROBE_B.replace("{#eq-other}", "{#eq-first}"))
    assert "label 'eq-first' is defined more than once" in log, log
    assert "(also at docs/probe/b.md:5)\n           on docs/index.md:9" in log, log
    assert "(also at docs/index.md:9)\n           on docs/probe/b.md:5" in log, log


@pytest.mark.build
def test_an_unknown_citation_key_fails_the_build_naming_page_and_line(fork_builder, tmp_path):
    # Behind front matter, which MkDocs strips before Markdown sees the page: lines are the file's.
    cited = "As argued by [@nobody1999] after @eq-nowhere."
    page = "---\ndescription: A probe.\n---\n\n" + PROBE_B.replace(
        "## References", cited + "\n\n## References"
    )
    log = _failed_build(fork_builder, tmp_path, b=page)
    line = page.splitlines().index(cited) + 1
    assert "unknown citation key @nobody1999: no entry 'nobody1999' in docs/references.bib" in log, log
    assert "broken reference @eq-nowhere" in log, log
    assert log.count(f"on docs/probe/b.md:{line}") == 2, log
    assert "defined more than once" not in log, log


@pytest.mark.build
def test_a_figure_whose_label_the_page_does_not_name_fails_the_build(fork_builder, tmp_path):
    # The label is built at run time, so the scan cannot see it and cannot number it.
    page = PROBE_A.replace('label="fig-line"', 'label="fig-" + "line"')
    log = _failed_build(fork_builder, tmp_path, a=page)
    assert "figure 'fig-line' is the page's figure 1, but the page's Markdown never names it" in log, log


@pytest.mark.build
def test_a_hand_written_list_beside_cited_keys_fails_the_build(fork_builder, tmp_path):
    page = PROBE_A.replace("## References\n", "## References\n\n- A. Author, *A book*, 1999.\n")
    log = _failed_build(fork_builder, tmp_path, a=page)
    assert "a hand-written list under '## References'" in log, log


def test_the_scan_numbers_displays_tables_and_figures_in_page_order():
    parsed = parse_page(PROBE_A, "index.md")
    numbers = {t.label: t.number for t in parsed.targets}
    assert numbers == {"sec-setup": None, "eq-first": 1, "eq-second": 2, "tbl-two": 1, "fig-line": 1}
    assert [label for _, label in parsed.references] == [
        "eq-first",
        "eq-second",
        "tbl-two",
        "fig-line",
        "sec-setup",
        "eq-other",
        "chk-probe.sum",
    ]
    assert [key for _, key in citations_in(PROBE_A)] == ["ioffe2015", "nocedal2006", "dauphin2014"]


def test_the_bibliography_parses_and_every_work_has_a_label_and_a_year_or_shorthand():
    works = bibliography(ROOT / "docs")
    assert len(works) >= 30
    for work in works.values():
        assert work.authors and "{" not in work.authors, work
        assert work.year or work.key.startswith(("pytorch-", "keras-", "mathoverflow")), work
    # Cited by their keys, so keys are unique by construction; labels must be too.
    labels = [(w.authors, w.year) for w in works.values() if w.year]
    assert len(labels) == len(set(labels))


@pytest.mark.build
def test_every_reference_of_the_site_shows_its_targets_number(built_site):
    _, wrong = reference_mismatches(built_site)
    assert not wrong, wrong


def test_uncited_lists_entries_no_page_cites(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "references.bib").write_text(
        (ROOT / "docs" / "references.bib").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (docs / "a.md").write_text("Cited: [@ioffe2015].\n", encoding="utf-8")
    missing = uncited(docs)
    assert "ioffe2015" not in missing and "nocedal2006" in missing


DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_every_reference_and_citation_key_on_the_page_resolves(page):
    """The build's own checks, without a build: labels defined once, keys in the bibliography."""
    from snippets.plumbing.xref import resolve, site_index

    text = (DOCS / page).read_text(encoding="utf-8")
    parsed = parse_page(text, page)
    broken = [
        f"docs/{page}:{line}: @{label}: {why}"
        for line, label in parsed.references
        if (why := resolve(label, DOCS)[1])
    ]
    index = site_index(DOCS)
    duplicated = [t.where for t in parsed.targets if len(index.targets[t.label]) > 1]
    works = bibliography(DOCS)
    unknown = [f"docs/{page}:{line}: @{key}" for line, key in citations_in(text) if key not in works]
    assert not (broken or duplicated or unknown or parsed.problems), (
        broken,
        duplicated,
        unknown,
        parsed.problems,
    )


# "equation (3)", "Figure 2", "Table 1", "section 4", "§2": numbers that must come from a reference.
HAND_TYPED = re.compile(
    r"\b(?:[Ee]quations?|[Ee]qs?\.)\s*\(\d+\)|\b(?:[Ee]quations?|[Ff]igures?|[Ff]igs?\.|[Tt]ables?|[Ss]ections?)"
    r"\s+\d+|§\s*\d+"
)
# What may show such a number: references and citations themselves (a work's own §4.3 is a
# locator), code, math, the numbers beside the targets, and the generated reference lists.
NOT_PROSE = (
    "a.xref, span.citations, a.citation, code, pre, .katex, svg, .exec-figure__number, "
    ".table-caption__number, ul.references, a.headerlink"
)


@pytest.mark.build
def test_no_hand_typed_number_or_reference_list_is_left_on_the_question_pages(built_site):
    left = []
    for page in sorted(built_site.glob("question-*/*.html")):
        article = _soup(page).select_one("article")
        heading = article.find("h2", id="references")
        listed = heading.find_next_sibling() if heading else None
        if listed is None or listed.name != "ul" or "references" not in listed.get("class", []):
            left.append(f"{page.name}: its References section is not the generated list")
        for element in article.select(NOT_PROSE):
            element.decompose()
        text = re.sub(r"\s+", " ", article.get_text(" "))
        left += [
            f"{page.name}: …{text[max(0, m.start() - 50) : m.end() + 20]}…" for m in HAND_TYPED.finditer(text)
        ]
    assert not left, "\n".join(left)


def test_every_entry_of_the_bibliography_is_cited_somewhere():
    assert not uncited(DOCS), "cited on no page; cite or remove: " + ", ".join(uncited(DOCS))
