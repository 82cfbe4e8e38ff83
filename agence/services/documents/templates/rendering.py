"""Rendering a template's text: checked, compiled once, run in the sandbox within one deadline
for all the parts of a document; and the editor's preview, which never raises."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from agence.services.documents.content import DocumentKind, LetterTexts
from agence.services.documents.templates import sandbox
from agence.services.documents.templates.checker import check_statically, compiled
from agence.services.documents.templates.contexts import sample_context
from agence.services.documents.templates.sandbox import TemplateProblem, checked_language

MAX_SECONDS = 1.0
"""Time the parts of one document may take to render, all together."""
PREVIEW_CHARS = 25_000
"""Characters of one part the editor's preview sends to the browser."""
TRUNCATED = "\n… aperçu tronqué"


def deadline() -> float:
    """When renderings started now must have finished, all of them together."""
    return time.monotonic() + MAX_SECONDS


def check(text: str, kind: DocumentKind | None = None, language: str = "fr") -> None:
    """Refuses, with the line and a French reason, a text that would not render safely:
    syntax error, unknown placeholder, forbidden filter or construct, attribute walk. With a
    kind, also a placeholder that kind cannot fill (a price on a supplier's voucher). Then
    renders it once on the sample values, so that a text breaking a limit of time or size
    (or failing on plausible values) is refused before it is saved."""
    check_within(text, kind, language, deadline())


def check_within(text: str, kind: DocumentKind | None, language: str, until: float) -> None:
    """`check`, within a deadline shared with other parts."""
    check_statically(text, kind)
    _render(text, sample_context(language, kind), language, until)


def _render(text: str, context: Mapping[str, Any], language: str, until: float) -> str:
    return sandbox.run(compiled(text, checked_language(language)), context, until)


def render(text: str, context: Mapping[str, Any], language: str) -> str:
    """The text with its placeholders filled; raises TemplateProblem (line, French reason)."""
    return _render(text, context, language, deadline())


def render_texts(
    texts: Mapping[str, str], context: Mapping[str, Any], language: str
) -> dict[str, str]:
    """Every part rendered, within one deadline for them all; the first failing part raises,
    its name in `.part`."""
    until = deadline()
    rendered: dict[str, str] = {}
    for part, text in texts.items():
        try:
            rendered[part] = _render(text, context, language, until)
        except TemplateProblem as problem:
            raise TemplateProblem(problem.reason, problem.line, part) from None
    return rendered


def letter_texts(rendered: Mapping[str, str]) -> LetterTexts:
    """The PDF's texts; a part that renders to blank space is left out of the document."""
    return LetterTexts(
        introduction=rendered.get("introduction", "").strip(),
        not_included=rendered.get("not_included", "").strip(),
        terms=rendered.get("terms", "").strip(),
        closing=rendered.get("closing", "").strip(),
    )


def preview(
    texts: Mapping[str, str],
    context: Mapping[str, Any],
    language: str,
    *,
    kind: DocumentKind | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """The editor's live preview: each part rendered, or its error « Ligne N : … »; never
    raises, so that one broken part does not hide the others. What goes to the browser is
    bounded: a part past PREVIEW_CHARS is cut, with a note saying so."""
    until = deadline()
    rendered: dict[str, str] = {}
    errors: dict[str, str] = {}
    for part, text in texts.items():
        try:
            check_statically(text, kind)
            shown = _render(text, context, language, until)
        except TemplateProblem as problem:
            errors[part] = problem.message
            continue
        if len(shown) > PREVIEW_CHARS:
            shown = shown[:PREVIEW_CHARS] + TRUNCATED
        rendered[part] = shown
    return rendered, errors
