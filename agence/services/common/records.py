"""The one create / edit / delete mechanism behind every simple form of the application.

A `Resource` describes an entity once: its table, its module (for rights), its form fields and
its listing. The functions below load a form, save it (parse, validate, write, audit — all in the
caller's transaction) and delete a record; entities only add what is their own (checks across
fields, side effects) by overriding a hook.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from agence.models.base import utcnow
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form, value_for_input
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import Action, Actor, Module

M = TypeVar("M", bound=SQLModel)

DUPLICATE = "Cette valeur est déjà utilisée."
PARENT_KEY = "_parent_id"
"""Where `validate` finds the file a new record is being added to."""


class RecordNotFound(Exception):
    def __init__(self, entity: str, record_id: Any) -> None:
        super().__init__(f"{entity} introuvable ({record_id}).")


class Resource(Generic[M]):
    model: ClassVar[type[SQLModel]]
    module: ClassVar[Module]
    entity: ClassVar[str]
    """The audit entity type and the word used in messages (« site d'agence »)."""
    fields: ClassVar[tuple[FieldSpec, ...]]
    new_title: ClassVar[str] = "Nouvel élément"
    """The title of the form of a record being created."""
    unique: ClassVar[tuple[str, ...]] = ()
    """Fields whose value must be unique, case-insensitively."""
    deletable: ClassVar[bool] = True
    live_fields: ClassVar[tuple[str, ...]] = ()
    """Fields whose every change refreshes `preview` while the form is being typed."""
    parent: ClassVar[Resource | None] = None
    """For the records of a file (a client's contacts): the resource of the file."""
    parent_field: ClassVar[str] = ""
    """The column that holds the id of the parent record (e.g. "client_id")."""

    @property
    def soft_deleted(self) -> bool:
        """Tables with a `deleted_at` column keep deleted rows (history, audit, references)."""
        return "deleted_at" in self.model.model_fields

    def accessible(self, session: Session, actor: Actor, record: M) -> bool:
        """Row-level access (e.g. a sales rep restricted to his own clients)."""
        return True

    def action_for(self, action: Action) -> Action:
        """The right an action needs: a file's records are changed by editing the file."""
        if self.parent is not None and action in (Action.CREATE, Action.EDIT, Action.DELETE):
            return Action.EDIT
        return action

    def list_spec(self) -> ListSpec:
        raise NotImplementedError

    def describe(self, record: M) -> str:
        return str(getattr(record, "name", getattr(record, "label", record)))

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        """Options of the choice fields that come from the database."""
        return {}

    def form_fields(self, record: M | None) -> tuple[FieldSpec, ...]:
        return self.fields

    def defaults(self, session: Session) -> dict[str, str]:
        return {}

    def form_values(self, session: Session, record: M) -> dict[str, str]:
        return {
            spec.name: value_for_input(spec, getattr(record, spec.name, None))
            for spec in self.form_fields(record)
            if spec.kind != "password"
        }

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: M | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        """Checks across fields; adds messages to `errors`."""

    def apply(self, session: Session, record: M, clean: dict[str, Any]) -> None:
        for spec in self.form_fields(record):
            if spec.name in clean and hasattr(record, spec.name) and spec.kind != "password":
                setattr(record, spec.name, clean[spec.name])

    def after_save(
        self, session: Session, actor: Actor, record: M, clean: dict[str, Any], created: bool
    ) -> dict[str, Any]:
        """Side effects once the record has its id; returns extra audited changes."""
        return {}

    def delete_problem(self, session: Session, record: M) -> str | None:
        """Why this record cannot be deleted, or None."""
        return None

    def after_delete(self, session: Session, actor: Actor, record: M) -> None:
        """Side effects of a deletion (e.g. the file's city follows its addresses)."""

    def parse_extra(
        self,
        session: Session,
        data: dict[str, Any],
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        """Reads submitted values that are not fixed fields (e.g. one checkbox per category)."""

    def preview(self, values: dict[str, str], today: date) -> str:
        """A worked example of the values being typed (e.g. a due date), or ""."""
        return ""


def get_record(
    session: Session,
    resource: Resource[M],
    record_id: int,
    actor: Actor | None = None,
    parent_id: int | None = None,
) -> M:
    """The record, unless it is deleted, out of the actor's reach, or not under `parent_id`:
    all three answer « introuvable », so nothing is revealed."""
    record = session.get(resource.model, record_id)
    if (
        record is None
        or getattr(record, "deleted_at", None) is not None
        or (actor is not None and not resource.accessible(session, actor, record))  # type: ignore[arg-type]
        or (resource.parent is not None and getattr(record, resource.parent_field) != parent_id)
    ):
        raise RecordNotFound(resource.entity, record_id)
    return record  # type: ignore[return-value]


def get_parent(session: Session, actor: Actor, resource: Resource[M], parent_id: int | None):
    """The file a record belongs to, checked like the file itself."""
    if resource.parent is None:
        return None
    if parent_id is None:
        raise RecordNotFound(resource.parent.entity, parent_id)
    return get_record(session, resource.parent, parent_id, actor)


def form_for(
    session: Session,
    actor: Actor,
    resource: Resource[M],
    record_id: int | None,
    parent_id: int | None = None,
) -> dict[str, str]:
    actor.require(resource.module, Action.SEE)
    get_parent(session, actor, resource, parent_id)
    if record_id is None:
        return resource.defaults(session)
    record = get_record(session, resource, record_id, actor, parent_id)
    return resource.form_values(session, record)


def _unique_errors(
    session: Session, resource: Resource[M], record: M | None, clean: dict[str, Any]
) -> dict[str, str]:
    errors = {}
    model = resource.model
    for name in resource.unique:
        value = clean.get(name)
        if value in (None, ""):
            continue
        column = getattr(model, name)
        condition = (
            func.lower(column) == value.lower() if isinstance(value, str) else (column == value)
        )
        statement = select(model.id).where(condition)  # type: ignore[attr-defined]
        if record is not None:
            statement = statement.where(model.id != record.id)  # type: ignore[attr-defined]
        if session.exec(statement).first() is not None:
            errors[name] = DUPLICATE
    return errors


def save(
    session: Session,
    actor: Actor,
    resource: Resource[M],
    record_id: int | None,
    data: dict[str, Any],
    parent_id: int | None = None,
) -> M:
    """Creates (record_id None) or updates a record from submitted form data."""
    actor.require(
        resource.module, resource.action_for(Action.CREATE if record_id is None else Action.EDIT)
    )
    get_parent(session, actor, resource, parent_id)
    record = (
        None if record_id is None else get_record(session, resource, record_id, actor, parent_id)
    )
    fields = resource.form_fields(record)
    clean, errors = parse_form(fields, data, resource.choices(session, parent_id))
    resource.parse_extra(session, data, clean, errors)
    clean[PARENT_KEY] = parent_id
    for name, message in _unique_errors(session, resource, record, clean).items():
        errors.setdefault(name, message)
    resource.validate(session, actor, record, clean, errors)
    if errors:
        raise FormErrors(errors)

    created = record is None
    if record is None:
        record = cast(M, resource.model())
        if resource.parent is not None:
            setattr(record, resource.parent_field, parent_id)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(record)
    resource.apply(session, record, clean)
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    session.add(record)
    session.flush()
    changes = audit.changes_between(before, audit.snapshot(record))
    changes.update(resource.after_save(session, actor, record, clean, created))
    if created or changes:
        audit.record(
            session,
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            entity_type=resource.entity,
            entity_id=record.id,  # type: ignore[attr-defined]
            entity_label=resource.describe(record),
            changes=changes,
        )
    return record


def record_change(
    session: Session,
    actor: Actor,
    resource: Resource[M],
    record: M,
    changes: dict[str, Any],
    action: AuditAction = AuditAction.UPDATE,
) -> None:
    """A change made outside the form (an action button): timestamped and audited."""
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    session.add(record)
    audit.record(
        session,
        actor,
        action,
        entity_type=resource.entity,
        entity_id=record.id,  # type: ignore[attr-defined]
        entity_label=resource.describe(record),
        changes=changes,
    )


def delete(
    session: Session,
    actor: Actor,
    resource: Resource[M],
    record_id: int,
    parent_id: int | None = None,
) -> None:
    """Deletes a record (keeps it with a deletion date when its table has one)."""
    actor.require(resource.module, resource.action_for(Action.DELETE))
    get_parent(session, actor, resource, parent_id)
    record = get_record(session, resource, record_id, actor, parent_id)
    problem = (
        "Cet élément ne peut pas être supprimé."
        if not resource.deletable
        else resource.delete_problem(session, record)
    )
    if problem:
        raise FormErrors({"": problem})
    label = resource.describe(record)
    before = audit.snapshot(record)
    if resource.soft_deleted:
        record.deleted_at = utcnow()
        session.add(record)
    else:
        session.delete(record)
    session.flush()
    resource.after_delete(session, actor, record)
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type=resource.entity,
        entity_id=record_id,
        entity_label=label,
        changes={k: [v, None] for k, v in before.items()},
    )
