"""Markdown extension: replace each `{{ key = literal }}` with the computed value, failing on mismatch."""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from snippets.plumbing import failures, snippet_imports
from snippets.plumbing.page_context import page
from snippets.plumbing.values import VALUES, Claim, anchor_sites, claim_spans, find_claims, rendered
from snippets.plumbing.xref import front_matter_lines


def _report(claim: Claim, offset: int) -> None:
    """Record a claim that does not hold: the value's own error, its absence, or the two texts.

    `offset` is the page's front matter: a claim's line counts from the Markdown after it.
    """
    line = claim.line + offset
    try:
        rendered(claim.key)
    except Exception as error:  # noqa: BLE001 (each kind of failure is reported below)
        if claim.key not in VALUES:
            behind = snippet_imports.failure_behind(claim.key)
            if behind is not None:
                failures.report(f"prose value {claim.key!r} was not checked: its module failed to import",
                                line=line, because=behind, kind="claim")
            else:
                failures.report(f"prose value {claim.key!r} is not registered (see values.value)",
                                line=line, kind="claim")
            return
        found = VALUES[claim.key]
        failures.report_exception(error, line=line, context=f"computing the prose value {claim.key!r}"
                                  f" (defined at {found.location})", kind="claim")
        return
    found = VALUES[claim.key]
    failures.report(
        f'prose value {claim.key!r} disagrees with its code: the text says "{claim.literal}", '
        f'the code gives "{rendered(claim.key)}"',
        line=line,
        source=found.location,
        details=f"statement: {found.statement}",
        kind="claim",
    )


class _SubstituteClaims(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        context = page()
        claims = find_claims(text, context.src_uri)
        spans = claim_spans(text)
        if not claims:
            return lines
        offset = front_matter_lines(context)
        for claim in claims:
            if not claim.outcome().passed:
                _report(claim, offset)
        out = lines[:]
        # Each claim's anchor (the ledger and the page summary link to it) marks the sentence that
        # states it: the value itself in running text, an empty anchor before or beside math.
        edits = []
        for claim, (line, match), site in zip(claims, spans, anchor_sites(text), strict=True):
            if site is None:
                shown = f'<span class="claim" id="{claim.anchor}">{claim.literal}</span>'
                edits.append((line, match.start(), match.end(), shown))
            else:
                edits.append((line, match.start(), match.end(), claim.literal))
                if site != (0, 0):
                    edits.append(
                        (site[0], site[1], site[1], f'<span class="claim" id="{claim.anchor}"></span>')
                    )
        # Right to left, so earlier positions on the same line stay valid.
        for line, start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            current = out[line - 1]
            out[line - 1] = current[:start] + replacement + current[end:]
        context.claims = claims
        return out


class InlineValuesExtension(Extension):
    """Runs after whitespace normalisation and before fenced blocks execute, so blocks see the claims."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(_SubstituteClaims(md), "inline_values", 28)


def makeExtension(**kwargs) -> InlineValuesExtension:  # noqa: N802 (Markdown's API)
    return InlineValuesExtension(**kwargs)
