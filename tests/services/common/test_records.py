"""The create / edit / delete mechanism, through real resources: rights, validation, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, PaymentMethod, VatRate
from agence.services.admin.users import USERS
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import DUPLICATE, RecordNotFound
from agence.services.settings.payment_methods import PAYMENT_METHODS
from agence.services.settings.vat_rates import VAT_RATES
from tests.factories import actor_for, make_user

CARD = {"code": "cb", "label": "Carte bancaire", "position": "30", "active": "on"}
NORMAL_RATE = {
    "rate": "20",
    "label": "Taux normal",
    "collected_account": "445712",
    "deductible_account": "445662",
    "active": "on",
}


def rights(*actions: Action) -> set[Right]:
    return {Right(Module.PARAMETERS, action) for action in actions}


def save(actor: Actor, resource, record_id, data):
    """One user action: its own transaction, committed when it succeeds."""
    with session_scope() as session:
        return records.save(session, actor, resource, record_id, data)


def delete(actor: Actor, resource, record_id) -> None:
    with session_scope() as session:
        records.delete(session, actor, resource, record_id)


def form(actor: Actor, resource, record_id) -> dict[str, str]:
    with session_scope() as session:
        return records.form_for(session, actor, resource, record_id)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def audit_entries() -> list[AuditEntry]:
    with session_scope() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def stored(model, record_id):
    with session_scope() as session:
        return session.get(model, record_id)


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, rights(*Action), first_name="Claire", last_name="Martin"))


# --- Creation --------------------------------------------------------------------------------


def test_saving_a_new_record_creates_it_from_the_clean_values(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    saved = stored(PaymentMethod, method.id)
    assert (saved.code, saved.label, saved.position, saved.active) == (
        "CB",
        "Carte bancaire",
        30,
        True,
    )


def test_a_creation_is_audited_with_who_what_and_the_new_values(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    [entry] = audit_entries()
    assert entry.action == "creation"
    assert entry.user_id == admin.user_id
    assert entry.user_label == f"Claire Martin <{admin.email}>"
    assert (entry.entity_type, entry.entity_id, entry.entity_label) == (
        "mode de règlement",
        str(method.id),
        "Carte bancaire",
    )
    assert entry.changes["code"] == [None, "CB"]
    assert entry.changes["label"] == [None, "Carte bancaire"]
    assert entry.changes["position"] == [None, 30]
    assert not {"created_at", "updated_at"} & set(entry.changes)


def test_a_new_form_shows_the_resource_defaults(admin):
    assert form(admin, PAYMENT_METHODS, None) == {"active": "on", "position": "0"}


# --- Update ----------------------------------------------------------------------------------


def test_an_update_audits_only_the_changed_fields_with_old_and_new_values(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    save(admin, PAYMENT_METHODS, method.id, {**CARD, "label": "Carte bleue", "position": "35"})
    entry = audit_entries()[-1]
    assert entry.action == "modification"
    assert entry.entity_id == str(method.id) and entry.entity_label == "Carte bleue"
    assert entry.changes == {"label": ["Carte bancaire", "Carte bleue"], "position": [30, 35]}
    assert stored(PaymentMethod, method.id).label == "Carte bleue"


def test_unticking_a_checkbox_is_a_change(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    save(admin, PAYMENT_METHODS, method.id, {k: v for k, v in CARD.items() if k != "active"})
    assert audit_entries()[-1].changes == {"active": [True, False]}
    assert stored(PaymentMethod, method.id).active is False


def test_saving_unchanged_values_writes_no_audit_entry(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    save(admin, PAYMENT_METHODS, method.id, form(admin, PAYMENT_METHODS, method.id))
    assert [entry.action for entry in audit_entries()] == ["creation"]


def test_saving_an_unchanged_decimal_as_shown_in_the_form_writes_no_audit_entry(admin):
    """The form shows 20.00 as "20"; submitting it back is no change."""
    rate = save(admin, VAT_RATES, None, NORMAL_RATE)
    values = form(admin, VAT_RATES, rate.id)
    assert values["rate"] == "20"
    save(admin, VAT_RATES, rate.id, values)
    assert [(entry.action, entry.changes) for entry in audit_entries()][1:] == []


def test_the_form_of_a_record_shows_its_stored_values_as_typed(admin):
    rate = save(admin, VAT_RATES, None, {**NORMAL_RATE, "rate": "5,50", "label": "Réduit"})
    values = form(admin, VAT_RATES, rate.id)
    assert values["rate"] == "5,5"
    assert values["label"] == "Réduit" and values["active"] == "on"


# --- Uniqueness ------------------------------------------------------------------------------


def test_a_unique_field_refuses_a_value_already_used_whatever_its_case(admin):
    save(admin, PAYMENT_METHODS, None, CARD)
    with pytest.raises(FormErrors) as refused:
        save(admin, PAYMENT_METHODS, None, {"code": "CB", "label": "CARTE BANCAIRE"})
    assert refused.value.errors == {"code": DUPLICATE, "label": DUPLICATE}
    assert DUPLICATE == "Cette valeur est déjà utilisée."
    assert count(PaymentMethod) == 1


def test_a_record_is_not_a_duplicate_of_itself(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    save(admin, PAYMENT_METHODS, method.id, {**CARD, "label": "CARTE BANCAIRE"})
    assert stored(PaymentMethod, method.id).label == "CARTE BANCAIRE"


def test_a_unique_number_is_compared_by_value(admin):
    save(admin, VAT_RATES, None, NORMAL_RATE)
    with pytest.raises(FormErrors) as refused:
        save(admin, VAT_RATES, None, {**NORMAL_RATE, "rate": "20,00", "label": "Autre"})
    assert refused.value.errors == {"rate": DUPLICATE}


# --- Not found -------------------------------------------------------------------------------


def test_an_unknown_id_is_not_found_for_every_operation(admin):
    with pytest.raises(RecordNotFound, match="mode de règlement introuvable"):
        save(admin, PAYMENT_METHODS, 999_999, CARD)
    with pytest.raises(RecordNotFound):
        delete(admin, PAYMENT_METHODS, 999_999)
    with pytest.raises(RecordNotFound):
        form(admin, PAYMENT_METHODS, 999_999)
    assert count(PaymentMethod) == 0 and audit_entries() == []


# --- Deletion --------------------------------------------------------------------------------


def test_a_deletion_removes_the_record_and_audits_its_last_values(admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    delete(admin, PAYMENT_METHODS, method.id)
    assert stored(PaymentMethod, method.id) is None
    entry = audit_entries()[-1]
    assert entry.action == "suppression"
    assert (entry.entity_id, entry.entity_label) == (str(method.id), "Carte bancaire")
    assert entry.changes["code"] == ["CB", None]
    assert entry.changes["label"] == ["Carte bancaire", None]


def test_a_resource_that_is_not_deletable_refuses_deletion(session, admin):
    everything = actor_for(make_user(session, {Right(Module.ADMINISTRATION, Action.DELETE)}))
    with pytest.raises(FormErrors) as refused:
        delete(everything, USERS, admin.user_id)
    assert refused.value.errors == {"": "Cet élément ne peut pas être supprimé."}
    assert audit_entries() == []


# --- Rights ----------------------------------------------------------------------------------


def test_creating_without_the_create_right_is_denied_and_writes_nothing(session):
    actor = actor_for(make_user(session, rights(Action.SEE, Action.EDIT, Action.DELETE)))
    with pytest.raises(AccessDenied):
        save(actor, PAYMENT_METHODS, None, CARD)
    assert count(PaymentMethod) == 0 and count(AuditEntry) == 0


def test_updating_without_the_edit_right_is_denied_and_writes_nothing(session, admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    actor = actor_for(make_user(session, rights(Action.SEE, Action.CREATE, Action.DELETE)))
    with pytest.raises(AccessDenied):
        save(actor, PAYMENT_METHODS, method.id, {**CARD, "label": "Piratée"})
    assert stored(PaymentMethod, method.id).label == "Carte bancaire"
    assert count(AuditEntry) == 1


def test_deleting_without_the_delete_right_is_denied_and_writes_nothing(session, admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    actor = actor_for(make_user(session, rights(Action.SEE, Action.CREATE, Action.EDIT)))
    with pytest.raises(AccessDenied):
        delete(actor, PAYMENT_METHODS, method.id)
    assert stored(PaymentMethod, method.id) is not None
    assert count(AuditEntry) == 1


def test_opening_a_form_needs_the_see_right(session, admin):
    method = save(admin, PAYMENT_METHODS, None, CARD)
    actor = actor_for(make_user(session, rights(Action.CREATE, Action.EDIT, Action.DELETE)))
    with pytest.raises(AccessDenied):
        form(actor, PAYMENT_METHODS, method.id)
    with pytest.raises(AccessDenied):
        form(actor, PAYMENT_METHODS, None)


def test_rights_are_checked_before_the_record_is_looked_up(session):
    actor = actor_for(make_user(session, set()))
    with pytest.raises(AccessDenied):
        save(actor, PAYMENT_METHODS, 999_999, CARD)
    with pytest.raises(AccessDenied):
        delete(actor, PAYMENT_METHODS, 999_999)


def test_the_rights_of_another_module_do_not_count(session):
    actor = actor_for(make_user(session, {Right(Module.ADMINISTRATION, a) for a in Action}))
    with pytest.raises(AccessDenied):
        save(actor, VAT_RATES, None, NORMAL_RATE)
    assert count(VatRate) == 0


# --- Validation failures ---------------------------------------------------------------------


def test_a_form_error_on_creation_leaves_the_database_untouched(admin):
    with pytest.raises(FormErrors) as refused:
        save(admin, VAT_RATES, None, {**NORMAL_RATE, "label": "", "collected_account": "445662"})
    assert refused.value.errors == {
        "label": REQUIRED,
        "collected_account": "Le compte doit commencer par 4457.",
    }
    assert count(VatRate) == 0 and count(AuditEntry) == 0


def test_a_form_error_on_update_leaves_the_record_untouched(admin):
    rate = save(admin, VAT_RATES, None, NORMAL_RATE)
    with pytest.raises(FormErrors):
        save(admin, VAT_RATES, rate.id, {**NORMAL_RATE, "label": "Nouveau", "rate": "cent"})
    kept = stored(VatRate, rate.id)
    assert (kept.label, kept.rate) == ("Taux normal", Decimal("20"))
    assert count(AuditEntry) == 1


def test_a_form_error_message_lists_the_fields(admin):
    with pytest.raises(FormErrors) as refused:
        save(admin, PAYMENT_METHODS, None, {"label": "Sans code"})
    assert "code: Ce champ est obligatoire." in str(refused.value)
