"""The editable letter and e-mail templates: per document kind and language, the e-mail subject
and body and the letter texts, written with placeholders (`{{ client.nom }}`,
`{{ dossier.date_debut|date }}`, `{{ montant|euros }}`…).

The agency's staff write these texts, so they are treated as untrusted code. One module per
concern: `catalogue` (the parts, placeholders and filters a template may use), `sandbox` (the
bounded Jinja2 environment a template runs in), `checker` (the static check of its tree),
`rendering` (check, render, preview), `contexts` (the values it is rendered with) and `storage`
(the agency's own texts). This module names what the rest of the application uses.
"""

from agence.services.documents.templates.catalogue import (
    AMOUNT_NAMES,
    DATE_NAMES,
    FILTER_NAMES,
    FILTERS,
    NAMES,
    PART_LABELS,
    PART_LIMITS,
    PARTS,
    PARTS_BY_KIND,
    PLACEHOLDER_GROUPS,
    PLACEHOLDERS,
    FilterHelp,
    Placeholder,
    available_names,
    placeholders_for,
)
from agence.services.documents.templates.contexts import (
    context_for_client_document,
    context_for_invoice,
    context_for_supplier_document,
    sample_context,
)
from agence.services.documents.templates.rendering import (
    MAX_SECONDS,
    PREVIEW_CHARS,
    TRUNCATED,
    check,
    letter_texts,
    preview,
    render,
    render_texts,
)
from agence.services.documents.templates.sandbox import (
    MAX_ITERATIONS,
    MAX_NUMBER,
    MAX_OUTPUT,
    MAX_RENDERED,
    TemplateProblem,
    environment,
)
from agence.services.documents.templates.storage import (
    ENTITY,
    clean_texts,
    default_texts,
    effective_texts,
    is_customised,
    reset_template,
    save_template,
    validation_errors,
)

__all__ = [
    "AMOUNT_NAMES",
    "DATE_NAMES",
    "ENTITY",
    "FILTERS",
    "FILTER_NAMES",
    "MAX_ITERATIONS",
    "MAX_NUMBER",
    "MAX_OUTPUT",
    "MAX_RENDERED",
    "MAX_SECONDS",
    "NAMES",
    "PARTS",
    "PARTS_BY_KIND",
    "PART_LABELS",
    "PART_LIMITS",
    "PLACEHOLDERS",
    "PLACEHOLDER_GROUPS",
    "PREVIEW_CHARS",
    "TRUNCATED",
    "FilterHelp",
    "Placeholder",
    "TemplateProblem",
    "available_names",
    "check",
    "clean_texts",
    "context_for_client_document",
    "context_for_invoice",
    "context_for_supplier_document",
    "default_texts",
    "effective_texts",
    "environment",
    "is_customised",
    "letter_texts",
    "placeholders_for",
    "preview",
    "render",
    "render_texts",
    "reset_template",
    "sample_context",
    "save_template",
    "validation_errors",
]
