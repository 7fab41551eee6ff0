"""Markdown extension: replace each `{{ key = literal }}` with the computed value, failing on mismatch."""

from __future__ import annotations

import logging

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from snippets.plumbing.page_context import page
from snippets.plumbing.values import claim_spans, find_claims

# Under the `mkdocs` logger, so a mismatch fails `mkdocs build --strict`.
log = logging.getLogger("mkdocs.extensions.inline_values")


class _SubstituteClaims(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        context = page()
        claims = find_claims(text, context.src_uri)
        spans = claim_spans(text)
        if not claims:
            return lines
        out = lines[:]
        # Replace right to left so earlier positions on the same line stay valid.
        for claim, (line, match) in reversed(list(zip(claims, spans, strict=True))):
            outcome = claim.outcome()
            if not outcome.passed:
                log.warning("%s", claim.report())
            current = out[line - 1]
            out[line - 1] = current[: match.start()] + claim.literal + current[match.end() :]
        context.claims = claims
        return out


class InlineValuesExtension(Extension):
    """Runs after whitespace normalisation and before fenced blocks execute, so blocks see the claims."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.register(_SubstituteClaims(md), "inline_values", 28)


def makeExtension(**kwargs) -> InlineValuesExtension:  # noqa: N802 (Markdown's API)
    return InlineValuesExtension(**kwargs)
