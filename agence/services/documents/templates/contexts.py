"""The values a template is rendered with: a client's or supplier's document, an issued
invoice, or plausible samples for the editor's preview before a dossier is chosen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from agence.services.documents.content import (
    SUPPLIER_KINDS,
    Addressee,
    Branding,
    Change,
    ClientDocument,
    DocumentKind,
    Group,
    SupplierDocument,
)
from agence.services.documents.templates.sandbox import checked_language


def _address(lines: tuple[str, ...]) -> str:
    return "\n".join(line for line in lines if line)


def _agency(branding: Branding) -> dict[str, str]:
    return {
        "nom": branding.name,
        "adresse": _address(branding.address_lines),
        "telephone": branding.phone,
        "email": branding.email,
        "siret": branding.siret,
        "tva": branding.vat_number,
        "immatriculation": branding.tourism_licence,
    }


def _person(person: Addressee) -> dict[str, str]:
    return {"nom": person.name, "telephone": person.contact_phone, "email": person.contact_email}


def _group_fields(reference: str, title: str, group_name: str, group: Group) -> dict[str, Any]:
    return {
        "reference": reference,
        "titre": title,
        "groupe": group_name,
        "date_debut": group.starts_on,
        "date_fin": group.ends_on,
        "heure_debut": group.start_time,
        "nb_payants": group.paying,
        "nb_gratuits": group.free,
        "nb_accompagnateurs": group.staff,
        "nb_personnes": group.people,
        "langue": group.language,
        "lieu_rdv": group.meeting_place,
    }


def _sender(name: str, email: str, fallback: Addressee) -> dict[str, str]:
    return {"nom": name or fallback.name, "email": email or fallback.contact_email}


_NO_INVOICE: dict[str, Any] = {
    "numero": "",
    "type": "",
    "date": None,
    "echeance": None,
    "montant": None,
    "net_a_payer": None,
}


def context_for_invoice(
    doc: ClientDocument,
    invoice: dict[str, Any],
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The dossier's names plus the invoice's (`numero`, `type`, `date`, `echeance`,
    `montant`, `net_a_payer`), for the e-mail that carries an issued invoice."""
    context = context_for_client_document(
        doc,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        sender_name=sender_name,
        sender_email=sender_email,
    )
    context["facture"] = {**_NO_INVOICE, **invoice}
    context["montant"] = invoice.get("net_a_payer")
    return context


def context_for_client_document(
    doc: ClientDocument,
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The catalogue's names filled from a client document. The recipient defaults to the
    client's contact, the sender to the sales rep; what a client document has no value for
    (the supplier) is empty."""
    if doc.previous_total is not None:
        difference = doc.total - doc.previous_total
    else:
        difference = sum((change.amount_difference for change in doc.changes), Decimal(0))
    return {
        "agence": _agency(doc.branding),
        "client": {"nom": doc.client.name, "adresse": _address(doc.client.address_lines)},
        "destinataire": {
            "nom": recipient_name or doc.client.contact_name,
            "email": recipient_email or doc.client.contact_email,
        },
        "dossier": {
            **_group_fields(
                doc.reference, doc.title, f"{doc.client.name} – {doc.title}", doc.group
            ),
            "prix_par_payant": doc.price_per_paying,
            "prix_total": doc.total,
            "version": doc.version,
            "validite": doc.valid_until,
        },
        "fournisseur": {"nom": "", "reponse_avant": None},
        "commercial": _person(doc.sales_rep),
        "utilisateur": _sender(sender_name, sender_email, doc.sales_rep),
        "montant": doc.total,
        "avenant": {
            "numero": doc.amendment_number,
            "motif": doc.amendment_reason,
            "ecart": difference,
        },
        "facture": dict(_NO_INVOICE),
    }


def context_for_supplier_document(
    doc: SupplierDocument,
    *,
    recipient_name: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    sender_email: str = "",
) -> dict[str, Any]:
    """The catalogue's names filled from a booking request or voucher. A supplier never sees
    the client's price or address: those names are empty here (and refused by `check` for
    these kinds). The agency contact stands for the sales rep."""
    return {
        "agence": _agency(doc.branding),
        "client": {"nom": "", "adresse": ""},
        "destinataire": {
            "nom": recipient_name or doc.supplier.contact_name,
            "email": recipient_email or doc.supplier.contact_email,
        },
        "dossier": {
            **_group_fields(doc.reference, doc.title, doc.group_name, doc.group),
            "prix_par_payant": None,
            "prix_total": None,
            "version": None,
            "validite": None,
        },
        "fournisseur": {"nom": doc.supplier.name, "reponse_avant": doc.reply_by},
        "commercial": _person(doc.agency_contact),
        "utilisateur": _sender(sender_name, sender_email, doc.agency_contact),
        "montant": None,
        "avenant": {"numero": None, "motif": "", "ecart": None},
        "facture": dict(_NO_INVOICE),
    }


_SAMPLE_TITLES = {"fr": "Journée châteaux de la Loire", "en": "Loire Valley castles day trip"}
_SAMPLE_LANGUAGES = {"fr": "français", "en": "English"}
_SAMPLE_CONTACTS = {"fr": "Mme Claire Martin", "en": "Ms Claire Martin"}
_SAMPLE_REASONS = {"fr": "Deux participants de plus", "en": "Two more participants"}


def sample_context(language: str = "fr", kind: DocumentKind | None = None) -> dict[str, Any]:
    """Plausible values for every placeholder, for the preview before a dossier is chosen; for
    a supplier's document the recipient is the supplier's contact."""
    language = checked_language(language)
    sales_rep = Addressee(
        "Julien Moreau", contact_phone="06 12 34 56 78", contact_email="j.moreau@escapades-loire.fr"
    )
    doc = ClientDocument(
        kind=DocumentKind.AMENDMENT,
        language=language,
        branding=Branding(
            name="Escapades en Loire",
            address_lines=("12 rue Nationale", "37000 Tours"),
            phone="02 47 20 10 10",
            email="contact@escapades-loire.fr",
            siret="30326504500003",
            vat_number="FR40303265045",
            tourism_licence="IM037100001",
        ),
        reference="VDL-2026-0142",
        title=_SAMPLE_TITLES[language],
        issued_on=date(2026, 9, 1),
        version=2,
        client=Addressee(
            "Collège Anatole-France",
            ("3 rue Balzac", "37000 Tours"),
            contact_name=_SAMPLE_CONTACTS[language],
            contact_email="c.martin@college-anatole-france.fr",
        ),
        group=Group(
            starts_on=date(2026, 11, 30),
            ends_on=date(2026, 11, 30),
            start_time="09:30",
            paying=22,
            free=2,
            staff=1,
            language=_SAMPLE_LANGUAGES[language],
            meeting_place="Parking du château de Chenonceau",
        ),
        sales_rep=sales_rep,
        price_per_paying=Decimal("118.50"),
        total=Decimal("2607.00"),
        valid_until=date(2026, 10, 15),
        amendment_number=1,
        amendment_reason=_SAMPLE_REASONS[language],
        changes=(Change("added", "Déjeuner", amount_difference=Decimal("237.00")),),
        previous_total=Decimal("2370.00"),
    )
    context = context_for_client_document(doc)
    context["fournisseur"] = {"nom": "Château de Chenonceau", "reponse_avant": date(2026, 9, 15)}
    context["facture"] = {
        "numero": "FA-VDL-2026-000123",
        "type": "Facture d'acompte" if language == "fr" else "Deposit invoice",
        "date": date(2026, 9, 1),
        "echeance": date(2026, 10, 1),
        "montant": Decimal("782.10"),
        "net_a_payer": Decimal("782.10"),
    }
    if kind is not None and DocumentKind(kind) in SUPPLIER_KINDS:
        context["destinataire"] = {
            "nom": "M. Paul Durand" if language == "fr" else "Mr Paul Durand",
            "email": "groupes@chenonceau.example",
        }
    return context
