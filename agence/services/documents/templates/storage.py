"""The agency's own texts, one row per document kind and language: validated all parts at
once, audited, and falling back to the built-in texts when the agency has none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from agence.models.base import utcnow
from agence.models.correspondence import DocumentTemplate
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.documents.content import KIND_LABELS, LANGUAGES, DocumentKind
from agence.services.documents.default_texts import DEFAULT_TEXTS
from agence.services.documents.templates import rendering
from agence.services.documents.templates.catalogue import PART_LIMITS, PARTS, PARTS_BY_KIND
from agence.services.documents.templates.sandbox import TemplateProblem, checked_language

ENTITY = "modèle de document"


def _kind_and_language(kind: DocumentKind | str, language: str) -> tuple[DocumentKind, str]:
    """Values that come from the browser: refused in French rather than trusted."""
    errors: dict[str, str] = {}
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        errors["kind"] = f"Type de document inconnu : « {kind} »."
        document_kind = DocumentKind.QUOTE
    try:
        checked_language(language)
    except FormErrors as problem:
        errors.update(problem.errors)
    if errors:
        raise FormErrors(errors)
    return document_kind, language


def default_texts(kind: DocumentKind | str, language: str) -> dict[str, str]:
    """The built-in texts, one entry per part (empty for a part the kind does not use)."""
    document_kind, language = _kind_and_language(kind, language)
    builtin = DEFAULT_TEXTS[document_kind][language]
    return {part: builtin.get(part, "") for part in PARTS}


def _stored(session: Session, kind: DocumentKind, language: str) -> DocumentTemplate | None:
    return session.exec(
        select(DocumentTemplate).where(
            DocumentTemplate.kind == kind.value, DocumentTemplate.language == language
        )
    ).first()


def effective_texts(session: Session, kind: DocumentKind | str, language: str) -> dict[str, str]:
    """The texts documents of this kind use: the agency's row, else the built-in texts. An
    empty stored part stays empty (the agency chose to leave it out); only a missing row falls
    back to the built-in texts."""
    document_kind, language = _kind_and_language(kind, language)
    row = _stored(session, document_kind, language)
    if row is None:
        return default_texts(document_kind, language)
    used = PARTS_BY_KIND[document_kind]
    return {part: getattr(row, part) if part in used else "" for part in PARTS}


def is_customised(session: Session, kind: DocumentKind | str, language: str) -> bool:
    document_kind, language = _kind_and_language(kind, language)
    return _stored(session, document_kind, language) is not None


def _describe(kind: DocumentKind, language: str) -> str:
    return f"{KIND_LABELS[kind]} ({LANGUAGES[language]})"


def clean_texts(kind: DocumentKind, values: Mapping[str, Any]) -> dict[str, str]:
    """The submitted parts of a kind, with the browser's CRLF line ends made plain."""
    texts = {}
    for part in PARTS_BY_KIND[kind]:
        raw = values.get(part)
        texts[part] = "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n")
    return texts


def validation_errors(
    kind: DocumentKind, texts: Mapping[str, str], language: str = "fr"
) -> dict[str, str]:
    """Every failing part at once, so that the editor shows all of them; each part is also
    rendered once on the sample values of its kind and language (`check`), all of them
    within one deadline."""
    until = rendering.deadline()
    errors: dict[str, str] = {}
    for part, text in texts.items():
        limit = PART_LIMITS[part]
        if len(text) > limit:
            errors[part] = f"{limit} caractères au plus (le texte en compte {len(text)})."
            continue
        if part == "email_subject":
            if not text.strip():
                errors[part] = "L'objet de l'e-mail est obligatoire."
                continue
            if "\n" in text:
                errors[part] = "L'objet de l'e-mail tient sur une seule ligne."
                continue
        try:
            rendering.check_within(text, kind, language, until)
        except TemplateProblem as problem:
            errors[part] = problem.message
            # The time a refused part took is not the next parts' fault: they get a deadline
            # of their own (else a busy server reports them « trop long » too).
            until = rendering.deadline()
    return errors


def save_template(
    session: Session,
    actor: Actor,
    kind: DocumentKind | str,
    language: str,
    values: Mapping[str, Any],
) -> DocumentTemplate:
    """Stores the agency's texts for a kind and language (all parts or nothing), audited."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    document_kind, language = _kind_and_language(kind, language)
    texts = clean_texts(document_kind, values)
    if errors := validation_errors(document_kind, texts, language):
        raise FormErrors(errors)

    row = _stored(session, document_kind, language)
    created = row is None
    if row is None:
        row = DocumentTemplate(kind=document_kind.value, language=language)
        before = {part: "" for part in PARTS}
    else:
        before = {part: getattr(row, part) for part in PARTS}
    for part in PARTS:
        setattr(row, part, texts.get(part, ""))
    after = {part: getattr(row, part) for part in PARTS}
    changes = audit.changes_between(before, after)
    if not created and not changes:
        return row
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise FormErrors(
            {"": "Ce modèle vient d'être enregistré par un autre utilisateur : rechargez la page."}
        ) from None
    audit.record(
        session,
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        entity_type=ENTITY,
        entity_id=row.id,
        entity_label=_describe(document_kind, language),
        changes=changes,
    )
    return row


def reset_template(session: Session, actor: Actor, kind: DocumentKind | str, language: str) -> None:
    """Back to the built-in texts: the agency's row is deleted (audited with its texts)."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    document_kind, language = _kind_and_language(kind, language)
    row = _stored(session, document_kind, language)
    if row is None:
        return
    builtin = default_texts(document_kind, language)
    changes = audit.changes_between(
        {part: getattr(row, part) for part in PARTS}, {part: builtin[part] for part in PARTS}
    )
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type=ENTITY,
        entity_id=row.id,
        entity_label=f"{_describe(document_kind, language)} – textes par défaut rétablis",
        changes=changes,
    )
    session.delete(row)
    session.flush()
