"""No literal results in prose: every numeral on a question page or in a figure caption is a value.

A numeral in the prose of docs/question-*/*.md (outside fenced code, inline code, links and the
generated References), in an admonition title or table, or in the literal text of a figure's
caption in the snippet modules, must be either a `{{ key = literal }}` value (computed by code and
compared with the text at build time) or not a claim, for one of the reasons below. Numerals
inside math are held to the same rule where they can state a result: decimals, numbers written
with a power of ten, and integers of three digits or more. Small integers in formulas are the
mathematics itself (exponents, coefficients, indices, the cases such as n = 2 the text defines).

The reasons a numeral is not a claim are rules, matched on the numeral's surroundings:
- a year of publication: 1900 to 2099 beside a citation's parenthesis or comma;
- a number that names a part of a text: after Figure, Table, Theorem, Thm, Lemma, Proposition,
  Corollary, Section, §, Chapter, Algorithm, Example, Exercise, Equation, eq., p., pp., Question or
  question, or as in "(1.2)";
- an ordinal in a word ("1st", "2nd") or a part label ("4a", "4(a)", "Q5"), a numbered heading;
- a number the quoted exercise itself sets (the `!!! question` admonition: the task as given);
- a quotation ("…"), whose numbers are someone else's words;
- 0, which states a sign or a vanishing, and a single digit beside a formula sign (+ − × / = < >
  ^ parentheses, superscripts, Greek letters): a formula written in Unicode in the running text;
- a formula that only names a case, "$n = 10$" (an integer: decimals are held to the rule);
and the short list NOT_A_CLAIM below, each entry with its page, its text and its reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DOCS, ROOT

from snippets.plumbing.values import FENCE

QUESTION_PAGES = sorted(DOCS.glob("question-*/*.md"))

NUMERAL = re.compile(
    r"(?<![\w.\\^_{])[-−]?\d+(?:[.,]\d+)*(?:\s?×\s?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?(?:[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?%?(?![\w])"
)
SUPERSCRIPT = re.compile(r"(?<![\w])(?:10)?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
NAMED_PART = re.compile(
    r"(?:Figures?|Fig\.|Tables?|Theorems?|Thm\.?|Lemmas?|Propositions?|Corollary|Sections?|§|Chapters?|"
    r"Algorithms?|Examples?|Exercises?|Equations?|[Ee]qs?\.|pp?\.|[Qq]uestions?|parts?)\s*\(?$"
)
YEAR = re.compile(r"^(?:19|20)\d\d$")

# (page, the text around the numeral, why it is not a claim). Keep it short: each entry is a
# sentence whose number is neither a result nor a parameter of the code.
NOT_A_CLAIM: list[tuple[str, str, str]] = [
    ("question-5/5a.md", "off by order 1", "an order of magnitude, not a number the code computes"),
    ("snippets/q5a_figure.py", "off by order 1", "an order of magnitude, not a number the code computes"),
    ("snippets/q5c_figures.py", "of ±1", "the exact limit ±1 of a normalized pair, derived on 5a"),
    ("snippets/q5c_figures.py", "plus or minus 1", "the exact limit ±1 of a normalized pair, derived on 5a"),
    ("question-5/5c.md", "its default $\\alpha = 0.1$", "PyTorch's documented default, cited"),
    ("question-5/5c.md", "PyTorch's momentum (default 0.1)", "PyTorch's documented default, cited"),
    ("question-5/5c.md", "(default 0.99) weights the old value", "Keras's documented default, cited"),
    ("question-5/5c.md", "so Keras's 0.99 is PyTorch's 0.01", "the two documented conventions, cited"),
    ("question-4/4b.md", "Binomial$(10, \\tfrac12)$", "the coin model of the case n = 10 the sentence names"),
    ("question-4/4b.md", "F_3 = (29 - 6\\sqrt6)/116", "Bardeen et al.'s exact closed form, cited"),
    ("question-4/4b.md", "entries all have variance 1", "defines the other ensemble (unit variances)"),
    ("question-4/4b.md", "minus saddles of index 1, plus those of index 2",
     "names the index classes of an alternating sum"),
]


@dataclass(frozen=True)
class Numeral:
    """A numeral found in the text, where it stands and what surrounds it."""

    where: str  # "docs/<page>:<line>" or "<snippet file>:<line> (caption)"
    numeral: str
    context: str  # the text around it, as written

    def __str__(self) -> str:
        return f"{self.where}: {self.numeral!r} in …{self.context}…"


def _without_fences(text: str) -> list[str]:
    """The page's lines with fenced code blanked (line numbers kept)."""
    lines, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if match and (fence is None or (match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence))):
            fence = match["fence"] if fence is None else None
            lines.append("")
            continue
        lines.append("" if fence else line)
    return lines


def _before_references(lines: list[str]) -> list[str]:
    """Drop everything from the References heading on (generated or cited bibliography entries)."""
    for index, line in enumerate(lines):
        if re.match(r"^#{2,}\s+References\b", line):
            return lines[:index]
    return lines


def _question(lines: list[str]) -> list[str]:
    """The lines of the quoted exercise (the `!!! question` admonition)."""
    kept = _without_question(lines)
    return [line for line, blank in zip(lines, kept, strict=True) if line != blank]


def _without_question(lines: list[str]) -> list[str]:
    """Blank the quoted exercise (the `!!! question` admonition): the task as set, not a claim."""
    out, inside = [], False
    for line in lines:
        if re.match(r"^[!?]{3}\+?\s+question\b", line):
            inside = True
            out.append("")
            continue
        if inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
        out.append("" if inside else line)
    return out


def _mask(text: str, pattern: str, flags: int = 0) -> str:
    """Blank out the matches (same length, so columns and lines stay put)."""
    return re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=flags)


def _math_numerals(tex: str) -> list[str]:
    """Numerals in a formula that could state a result or a parameter: decimals, powers of ten, and
    integers of two digits or more that are not a coefficient (followed by a symbol or a bracket)."""
    found = [m.group(0) for m in re.finditer(r"(?<![\w.])10\s*\^", tex)]  # 10^{-2}: a magnitude
    body = re.sub(r"[\^_]\s*(\{[^{}]*\}|\\?\w)", " ", tex)  # exponents and subscripts are structure
    for match in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.(\\])(?!\s*\^)", body):
        token = match.group(0)
        if "." in token or len(token) >= 2:
            found.append(token)
    return found


# A formula written in Unicode in running text: a small integer beside one of these is structure.
FORMULA_NEIGHBOURS = set("+−-×·/=<>≤≥≈^()[]|⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿ₀₁₂ᵢⱼₖ") | set("αβγδεηθλμπσφψω∂∇")


def _in_a_formula(text: str, start: int, end: int, numeral: str) -> bool:
    if not re.fullmatch(r"[-−]?\d", numeral):
        return False
    left, right = text[:start].rstrip()[-1:], text[end:].lstrip()[:1]
    return bool({left, right} & FORMULA_NEIGHBOURS)


def _not_a_claim_by_rule(text: str, start: int, end: int, numeral: str) -> bool:
    before, after = text[max(0, start - 30) : start], text[end : end + 3]
    if numeral == "0":  # a sign or a vanishing: the mathematics, not a computed magnitude
        return True
    if _in_a_formula(text, start, end, numeral):
        return True
    if re.match(r"^\([a-c]\)", after):  # a part label, "4(a)"
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if re.match(r"#+\s*$", text[line_start:start]):  # a numbered heading, "### 2. Escape …"
        return True
    quoted = text[line_start:start]
    if quoted.count('"') % 2 == 1 or quoted.count("“") > quoted.count("”"):  # inside a quotation
        return True
    if YEAR.match(numeral) and (before.rstrip().endswith(("(", ",", "and", "&")) or after[:1] in ");,"):
        return True
    if NAMED_PART.search(before):
        return True
    return bool(re.match(r"^\(\d+(?:\.\d+)*\)$", text[max(0, start - 1) : end + 1]))


def _listed(page: str, context: str) -> bool:
    return any(page == p and needle in context for p, needle, _ in NOT_A_CLAIM)


def prose_numerals(page: Path) -> list[Numeral]:
    """The numerals of one question page's prose that are not values and not excused by a rule."""
    return numerals_in(page.read_text(encoding="utf-8"), page.relative_to(DOCS).as_posix())


def numerals_in(markdown: str, relative: str) -> list[Numeral]:
    """The stray numerals of a page's Markdown (`relative`: its path below docs/)."""
    lines = _before_references(_without_fences(markdown))
    givens = set(re.findall(r"\d+(?:\.\d+)?", " ".join(_question(lines))))
    lines = _without_question(lines)
    text = "\n".join(lines)
    text = _mask(text, r"\{\{.*?\}\}")  # values
    text = _mask(text, r"<!--.*?-->", re.S)
    text = _mask(text, r"`[^`\n]*`")  # inline code
    text = _mask(text, r"\]\([^)]*\)")  # link targets
    text = _mask(text, r"\]\[[^\]]*\]|\[@[^\]]*\]|@[\w:.-]+|\{#[^}]*\}")  # references, labels
    found: list[Numeral] = []
    # Display math, and inline math that may run over a line break (not over a blank line).
    math = re.compile(r"\$\$.*?\$\$|\$(?:[^$\n]|\n(?![ \t]*\n))+?\$", re.S)
    for formula in math.finditer(text):
        if re.fullmatch(r"\$\s*\\?[A-Za-z]\w*\s*=\s*\d+\s*\$", formula.group(0)):
            continue  # "$n = 10$": the definition of a case
        for token in _math_numerals(formula.group(0)):
            if token in givens:
                continue
            line = text.count("\n", 0, formula.start()) + 1
            context = formula.group(0).strip("$").strip()[:70]
            last = line + formula.group(0).count("\n")
            if not _listed(relative, " ".join(" ".join(lines[line - 1 : last]).split())):
                found.append(Numeral(f"docs/{relative}:{line}", token, context))
    prose = _mask(text, math.pattern, re.S)
    # Ordered-list markers ("1. ") are Markdown syntax, not numerals of the text.
    prose = re.sub(r"(?m)^(\s*)(\d+)\.(\s)", lambda m: m.group(1) + " " * (len(m.group(2)) + 1) + m.group(3),
                   prose)
    for match in NUMERAL.finditer(prose):
        numeral = match.group(0)
        if numeral in givens or _not_a_claim_by_rule(prose, match.start(), match.end(), numeral):
            continue
        context = " ".join(lines[prose.count("\n", 0, match.start())].split())
        if _listed(relative, context):
            continue
        line = prose.count("\n", 0, match.start()) + 1
        found.append(Numeral(f"docs/{relative}:{line}", numeral, context[:90]))
    return found


def _literal_parts(node: ast.AST) -> list[str]:
    """The literal text of a string expression: constants, f-string text (not its fields), joins."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _literal_parts(node.left) + _literal_parts(node.right)
    return []


# figure_html's texts a reader sees: the numbered caption, the alt text (title) and the long
# description screen readers read.
FIGURE_TEXTS = {"caption": "caption", "title": "alt text", "description": "description"}


def _module_strings(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level names bound to a string expression (a caption kept in a constant)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _literal_parts(node.value):
                found[node.targets[0].id] = node.value
    return found


def caption_numerals(root: Path = ROOT) -> list[Numeral]:
    """Numerals typed into the captions, alt texts and descriptions of figures (figure_html's
    caption=, title=, description=, literal or a module constant) in the snippet modules."""
    found = []
    for path in sorted((root / "snippets").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_strings(tree)
        relative = path.relative_to(root).as_posix()
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", ""))
                    == "figure_html"):
                continue
            for keyword in call.keywords:
                if keyword.arg not in FIGURE_TEXTS:
                    continue
                node = keyword.value
                if isinstance(node, ast.Name) and node.id in constants:
                    node = constants[node.id]
                for part in _literal_parts(node):
                    for match in NUMERAL.finditer(part):
                        if _not_a_claim_by_rule(part, match.start(), match.end(), match.group(0)):
                            continue
                        where = f"{relative}:{node.lineno} ({FIGURE_TEXTS[keyword.arg]})"
                        if not _listed(relative, part):
                            found.append(Numeral(where, match.group(0), part[:90]))
    return found


@pytest.mark.parametrize("page", QUESTION_PAGES, ids=[p.relative_to(DOCS).as_posix() for p in QUESTION_PAGES])
def test_every_numeral_in_the_prose_is_a_value_or_not_a_claim(page):
    stray = prose_numerals(page)
    assert not stray, "numerals that are neither {{ }} values nor listed as not-a-claim:\n" + "\n".join(
        map(str, stray))


def test_every_numeral_in_a_caption_or_alt_text_comes_from_the_code():
    stray = caption_numerals()
    assert not stray, "numerals typed into figure captions, alt texts or descriptions:\n" + "\n".join(
        map(str, stray))


def test_the_caption_scanner_reads_alt_texts_descriptions_and_constants(tmp_path):
    """A numeral typed into a figure's alt text, its description or a caption constant is found;
    one computed in an f-string field is not."""
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "q9_figure.py").write_text(
        'CAPTION = "The loss after 44 steps."\n'
        "def draw(fig, steps):\n"
        '    return figure_html(fig, label="fig-x", title="Loss over 60 steps",\n'
        '                       description=f"Falls {steps} times, to 0.37.", caption=CAPTION)\n',
        encoding="utf-8")
    found = sorted((n.where.split(" (")[-1], n.numeral) for n in caption_numerals(tmp_path))
    assert found == [("alt text)", "60"), ("caption)", "44"), ("description)", "0.37")]


def test_the_not_a_claim_list_is_short_and_every_entry_is_used():
    assert len(NOT_A_CLAIM) <= 25
    for page, needle, reason in NOT_A_CLAIM:
        assert reason, f"{page}: {needle!r} has no reason"
        source = (DOCS / page) if (DOCS / page).is_file() else (ROOT / page)
        assert needle in source.read_text(encoding="utf-8"), f"{page}: {needle!r} is no longer there"


def test_the_scanner_finds_a_literal_result():
    """A literal number written into prose or math is found; values and numerals excused are not."""
    page = (
        "The loss falls to 0.37 after 44 steps, as {{ q5b.weights = 800 }} says.\n"
        "Dean and Majumdar (2006) show it; see Figure 2 and Theorem 2.3, part 4a.\n"
        "In math $\\eta = 0.6$ and $x^2 + 2x$, for $n = 2$.\n"
        "```python\nprint(123)\n```\n"
        "## References\n\nSmith, J. (1999). Journal 12, 345.\n"
    )
    assert sorted(n.numeral for n in numerals_in(page, "question-9/x.md")) == ["0.37", "0.6", "44"]
