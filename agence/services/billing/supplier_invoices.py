"""Supplier invoices of a dossier: what each supplier of its services really billed, against
what the costing expected, and the real cost behind the dossier's margin.

A supplier invoice belongs to one dossier and to one of its suppliers (those of the current
version's services). Its PDF, if any, is kept among the dossier's documents (private files).
Amounts are including VAT, like the costing's costs (the margin scheme works on TTC costs); the
VAT amount is optional (kept for the purchases' accounts). Recording one is editing the
dossier (« dossiers : modifier »), in any status: a cancelled dossier's suppliers may still
bill their cancellation fees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import Booking, Costing, CostingLine, Supplier, SupplierInvoice
from agence.services.billing.outstanding import ZERO, cents
from agence.services.bookings.bookings import get_booking
from agence.services.bookings.lifecycle import audit_booking
from agence.services.catalogue import costings
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import attachments

MAX_AMOUNT = Decimal("999999999999.99")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("supplier_id", "Fournisseur", "ref", required=True),
    FieldSpec("reference", "Numéro de facture", required=True, max_length=60),
    FieldSpec("invoiced_on", "Date de facture", "date", required=True),
    FieldSpec("due_on", "Échéance", "date"),
    FieldSpec("amount_incl_vat", "Montant TTC", "decimal", required=True),
    FieldSpec("vat_amount", "Dont TVA", "decimal", min_value=Decimal(0)),
    FieldSpec("notes", "Notes", "textarea", max_length=1000, wide=True),
)


def _supplier_ids(session: Session, booking: Booking) -> set[int]:
    if booking.costing_id is None:
        return set()
    return {
        supplier_id
        for supplier_id in session.exec(
            select(CostingLine.supplier_id).where(
                CostingLine.costing_id == booking.costing_id,
                col(CostingLine.supplier_id).isnot(None),
            )
        )
        if supplier_id is not None
    }


def supplier_choices(session: Session, actor: Actor, booking_id: int) -> list[tuple[str, str]]:
    """The dossier's suppliers (those of its current services), by name."""
    booking = get_booking(session, actor, booking_id)
    return _supplier_options(session, booking)


def _supplier_options(session: Session, booking: Booking) -> list[tuple[str, str]]:
    ids = _supplier_ids(session, booking)
    if not ids:
        return []
    return [
        (str(supplier_id), name)
        for supplier_id, name in session.exec(
            select(Supplier.id, Supplier.name)
            .where(col(Supplier.id).in_(sorted(ids)))
            .order_by(Supplier.name)
        )
    ]


def record_supplier_invoice(
    session: Session,
    actor: Actor,
    booking_id: int,
    values: dict[str, str],
    file_name: str = "",
    data: bytes = b"",
) -> SupplierInvoice:
    """Records a supplier's invoice for the dossier, with its PDF if given; every field is
    checked before anything is written."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    clean, errors = parse_form(
        FIELDS, values, {"supplier_id": tuple(_supplier_options(session, booking))}
    )
    if errors.get("supplier_id") == "Choix invalide.":
        errors["supplier_id"] = "Ce fournisseur n'a aucune prestation dans ce dossier."
    amount, vat = clean.get("amount_incl_vat"), clean.get("vat_amount")
    if amount is not None and amount <= 0:
        errors["amount_incl_vat"] = "Le montant doit être positif."
    elif amount is not None and amount > MAX_AMOUNT:
        errors["amount_incl_vat"] = "Montant trop élevé."
    elif amount is not None and vat is not None and vat > amount:
        errors["vat_amount"] = "La TVA ne peut pas dépasser le montant TTC."
    invoiced_on, due_on = clean.get("invoiced_on"), clean.get("due_on")
    if isinstance(invoiced_on, date) and invoiced_on > formats.today():
        errors["invoiced_on"] = "Une facture reçue ne peut pas être datée dans le futur."
    if isinstance(invoiced_on, date) and isinstance(due_on, date) and due_on < invoiced_on:
        errors["due_on"] = "L'échéance précède la date de facture."
    if file_name and not file_name.lower().endswith(".pdf"):
        errors["document"] = "La facture se joint en PDF."
    if "supplier_id" not in errors and clean.get("reference"):
        duplicate = session.exec(
            select(SupplierInvoice.id).where(
                SupplierInvoice.booking_id == booking_id,
                SupplierInvoice.supplier_id == clean["supplier_id"],
                func.lower(SupplierInvoice.reference) == clean["reference"].lower(),
            )
        ).first()
        if duplicate is not None:
            errors["reference"] = "Cette facture de ce fournisseur est déjà enregistrée."
    if errors:
        raise FormErrors(errors)
    supplier = session.get(Supplier, clean["supplier_id"])
    supplier_name = supplier.name if supplier else ""
    document_id = None
    if file_name or data:
        document = attachments.store_document(
            session,
            actor,
            "booking_id",
            booking_id,
            file_name,
            data,
            title=f"Facture {supplier_name} {clean['reference']}",
        )
        document_id = document.id
    invoice = SupplierInvoice(
        booking_id=booking_id,
        supplier_id=clean["supplier_id"],
        reference=clean["reference"],
        invoiced_on=clean["invoiced_on"],
        due_on=clean["due_on"],
        amount_incl_vat=clean["amount_incl_vat"],
        vat_amount=vat or ZERO,
        notes=clean["notes"],
        document_id=document_id,
        created_by_id=actor.user_id,
    )
    session.add(invoice)
    session.flush()
    _audit(session, actor, booking, [None, _label(supplier_name, invoice)])
    return invoice


def delete_supplier_invoice(
    session: Session, actor: Actor, booking_id: int, supplier_invoice_id: int
) -> None:
    """Removes a supplier invoice entered by mistake (its PDF stays among the documents)."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    invoice = session.get(SupplierInvoice, supplier_invoice_id)
    if invoice is None or invoice.booking_id != booking_id:
        raise RecordNotFound("facture fournisseur", supplier_invoice_id)
    supplier = session.get(Supplier, invoice.supplier_id)
    label = _label(supplier.name if supplier else "", invoice)
    session.delete(invoice)
    session.flush()
    _audit(session, actor, booking, [label, None])


def _label(supplier_name: str, invoice: SupplierInvoice) -> str:
    return f"{supplier_name} {invoice.reference} ({formats.money(invoice.amount_incl_vat)})"


def _audit(session: Session, actor: Actor, booking: Booking, change: list[Any]) -> None:
    audit_booking(session, actor, booking, {"facture fournisseur": change})


@dataclass(frozen=True)
class SupplierInvoiceRow:
    """A supplier invoice as the dossier's page shows it, as French text."""

    id: str
    supplier_id: str
    supplier: str
    reference: str
    invoiced_on: str
    due_on: str
    amount: str
    vat: str
    notes: str
    document_id: str


@dataclass(frozen=True)
class SupplierCostRow:
    """One supplier of the dossier: what the costing expected it to bill, what it billed."""

    supplier_id: str
    supplier: str
    expected: str
    invoiced: str
    gap: str
    """Invoiced − expected: positive when it costs more than planned."""
    over: bool
    """It billed more than expected."""


def supplier_invoices_of_booking(
    session: Session, actor: Actor, booking_id: int
) -> list[SupplierInvoiceRow]:
    """The dossier's supplier invoices, by date, as the page shows them."""
    get_booking(session, actor, booking_id)
    rows = session.exec(
        select(SupplierInvoice, Supplier.name)
        .join(Supplier, col(Supplier.id) == SupplierInvoice.supplier_id)
        .where(SupplierInvoice.booking_id == booking_id)
        .order_by(col(SupplierInvoice.invoiced_on), col(SupplierInvoice.id))
    ).all()
    return [
        SupplierInvoiceRow(
            id=str(invoice.id),
            supplier_id=str(invoice.supplier_id),
            supplier=name,
            reference=invoice.reference,
            invoiced_on=formats.day(invoice.invoiced_on),
            due_on=formats.day(invoice.due_on),
            amount=formats.money(cents(invoice.amount_incl_vat)),
            vat=formats.money(cents(invoice.vat_amount)) if invoice.vat_amount else "",
            notes=invoice.notes,
            document_id=str(invoice.document_id or ""),
        )
        for invoice, name in rows
    ]


def expected_costs(session: Session, booking: Booking) -> dict[int, Decimal] | None:
    """What the current costing expects each supplier to bill (TTC, its services' costs for
    the dossier's group); None while the costing does not price (a tariff missing)."""
    costing = session.get(Costing, booking.costing_id) if booking.costing_id else None
    if costing is None:
        return {}
    header, lines = costings.saved_strings(session, costing)
    priced = costings.quote(header, lines)
    if priced is None:
        return None
    suppliers = session.exec(
        select(CostingLine.supplier_id)
        .where(CostingLine.costing_id == costing.id)
        .order_by(col(CostingLine.position), col(CostingLine.id))
    ).all()
    expected: dict[int, Decimal] = {}
    for supplier_id, line in zip(suppliers, priced.lines, strict=False):
        if supplier_id is not None:
            expected[supplier_id] = expected.get(supplier_id, ZERO) + line.cost
    return {supplier_id: cents(cost) for supplier_id, cost in expected.items()}


def invoiced_by_supplier(session: Session, booking_id: int) -> dict[int, Decimal]:
    return {
        supplier_id: cents(total)
        for supplier_id, total in session.exec(
            select(SupplierInvoice.supplier_id, func.sum(SupplierInvoice.amount_incl_vat))
            .where(SupplierInvoice.booking_id == booking_id)
            .group_by(col(SupplierInvoice.supplier_id))
        )
    }


def expected_vs_invoiced(session: Session, actor: Actor, booking_id: int) -> list[SupplierCostRow]:
    """Per supplier of the dossier (or that billed it): the costing's expected cost, what
    was invoiced, and the gap (invoiced − expected: positive = costs more than planned)."""
    booking = get_booking(session, actor, booking_id)
    expected = expected_costs(session, booking)
    invoiced = invoiced_by_supplier(session, booking_id)
    ids = _supplier_ids(session, booking) | set(invoiced) | set(expected or {})
    names: dict[int, str] = {}
    if ids:
        found = session.exec(
            select(col(Supplier.id), col(Supplier.name)).where(col(Supplier.id).in_(sorted(ids)))
        ).all()
        names.update((cast(int, i), name) for i, name in found)  # an id read is never None
    rows: list[SupplierCostRow] = []
    for supplier_id in sorted(ids, key=lambda i: (names.get(i, ""), i)):
        planned = None if expected is None else expected.get(supplier_id, ZERO)
        billed = invoiced.get(supplier_id)
        gap = billed - planned if billed is not None and planned is not None else None
        rows.append(
            SupplierCostRow(
                supplier_id=str(supplier_id),
                supplier=names.get(supplier_id, ""),
                expected=formats.money(planned),
                invoiced=formats.money(billed) if billed is not None else "",
                gap=formats.money(gap) if gap is not None else "",
                over=gap is not None and gap > 0,
            )
        )
    return rows


def real_costs(session: Session, booking_id: int) -> Decimal | None:
    """What the suppliers really billed the dossier (TTC), None while none has: the margin
    then stays estimated from the costing. The caller has checked the rights."""
    count, total = session.exec(
        select(func.count(), func.sum(SupplierInvoice.amount_incl_vat)).where(
            SupplierInvoice.booking_id == booking_id
        )
    ).one()
    return cents(total) if count else None
