"""Every fixed word printed on the documents, in one table so a translation is one edit away.

The renderers never hold French or English themselves: they ask `label(key, language)`. Some
labels are templates (`{n}`, `{date}`…) filled with `str.format` by the caller. An unknown key
raises KeyError on purpose, so a typo fails the tests rather than printing a blank.
"""

from __future__ import annotations

FALLBACK_LANGUAGE = "fr"

LABELS: dict[str, dict[str, str]] = {
    # Document titles
    "title_quote": {"fr": "Devis / programme", "en": "Quote / programme"},
    "title_contract": {"fr": "Contrat de vente", "en": "Sales contract"},
    "title_amendment": {
        "fr": "Avenant n° {number} au contrat {reference}",
        "en": "Amendment no. {number} to contract {reference}",
    },
    "title_proforma": {
        "fr": "Facture pro forma — ne constitue pas une facture",
        "en": "Pro forma invoice — not an invoice",
    },
    "title_road_book": {"fr": "Convocation / road book", "en": "Joining instructions / road book"},
    "title_supplier_request": {"fr": "Demande de réservation", "en": "Booking request"},
    "title_voucher": {"fr": "Bon d'échange", "en": "Voucher"},
    # Punctuation: French puts a space before the colon, English does not
    "colon": {"fr": " : ", "en": ": "},
    # Info block
    "reference": {"fr": "Référence", "en": "Reference"},
    "dossier_reference": {"fr": "Référence du dossier", "en": "File reference"},
    "our_reference": {"fr": "Notre référence", "en": "Our reference"},
    "version": {"fr": "Version", "en": "Version"},
    "issued_on": {"fr": "Date", "en": "Date"},
    "valid_until": {"fr": "Offre valable jusqu'au", "en": "Offer valid until"},
    "voucher_number": {"fr": "Bon n°", "en": "Voucher no."},
    "dossier": {"fr": "Dossier", "en": "Trip"},
    # Parties and contacts
    "client": {"fr": "Client", "en": "Client"},
    "supplier": {"fr": "Prestataire", "en": "Supplier"},
    "agency": {"fr": "L'agence", "en": "The agency"},
    "parties": {"fr": "Les parties", "en": "The parties"},
    "attention_of": {"fr": "À l'attention de {name}", "en": "For the attention of {name}"},
    "phone": {"fr": "Tél.", "en": "Phone"},
    "email": {"fr": "E-mail", "en": "E-mail"},
    "name": {"fr": "Nom", "en": "Name"},
    "sales_rep": {"fr": "Votre contact", "en": "Your contact"},
    "agency_contact": {"fr": "Votre contact à l'agence", "en": "Your contact at the agency"},
    "useful_contacts": {"fr": "Contacts utiles", "en": "Useful contacts"},
    "siret": {"fr": "SIRET", "en": "SIRET"},
    "tourism_licence": {
        "fr": "Immatriculation Atout France",
        "en": "Atout France registration",
    },
    # Footer
    "share_capital": {"fr": "au capital de {amount}", "en": "share capital {amount}"},
    "rcs": {"fr": "RCS", "en": "RCS"},
    "vat_number": {"fr": "TVA intracommunautaire", "en": "VAT no."},
    # Group
    "group": {"fr": "Le groupe", "en": "The group"},
    "group_name": {"fr": "Groupe", "en": "Group"},
    "dates": {"fr": "Dates", "en": "Dates"},
    "date_range": {"fr": "du {start} au {end}", "en": "from {start} to {end}"},
    "day_at_time": {"fr": "{day} à {time}", "en": "{day} at {time}"},
    "participants": {"fr": "Participants", "en": "Participants"},
    "group_size": {"fr": "Effectif", "en": "Group size"},
    "language": {"fr": "Langue", "en": "Language"},
    "meeting_place": {"fr": "Lieu de rendez-vous", "en": "Meeting place"},
    "special_needs": {"fr": "Besoins particuliers", "en": "Special needs"},
    "coach_company": {"fr": "Autocariste", "en": "Coach company"},
    "driver_phone": {"fr": "Téléphone du chauffeur", "en": "Driver's phone"},
    "paying_one": {"fr": "{n} payant", "en": "{n} paying"},
    "paying_other": {"fr": "{n} payants", "en": "{n} paying"},
    "free_one": {"fr": "{n} gratuit", "en": "{n} free"},
    "free_other": {"fr": "{n} gratuits", "en": "{n} free"},
    "staff_one": {"fr": "{n} accompagnateur", "en": "{n} staff"},
    "staff_other": {"fr": "{n} accompagnateurs", "en": "{n} staff"},
    "people_one": {"fr": "{n} personne", "en": "{n} person"},
    "people_other": {"fr": "{n} personnes", "en": "{n} people"},
    "paying_persons_one": {"fr": "{n} personne payante", "en": "{n} paying person"},
    "paying_persons_other": {"fr": "{n} personnes payantes", "en": "{n} paying persons"},
    # Programme
    "programme": {"fr": "Programme", "en": "Programme"},
    "transfer": {"fr": "Transfert", "en": "Transfer"},
    "place": {"fr": "Lieu", "en": "Place"},
    "guides": {"fr": "Guide(s)", "en": "Guide(s)"},
    "map": {"fr": "Plan", "en": "Map"},
    "meeting": {"fr": "Rendez-vous", "en": "Meeting point"},
    # Services and price
    "services_included": {"fr": "Prestations incluses", "en": "Included services"},
    "not_included": {"fr": "Non compris", "en": "Not included"},
    "price": {"fr": "Prix", "en": "Price"},
    "price_per_paying": {"fr": "Prix par personne payante", "en": "Price per paying person"},
    "total_for_group": {
        "fr": "Total pour le groupe ({count})",
        "en": "Total for the group ({count})",
    },
    "price_grid": {
        "fr": "Prix selon l'effectif",
        "en": "Price according to group size",
    },
    "grid_paying": {"fr": "Personnes payantes", "en": "Paying persons"},
    "total": {"fr": "Total", "en": "Total"},
    # Payment and cancellation
    "bank_transfer": {"fr": "Virement", "en": "Bank transfer"},
    "payment_schedule": {"fr": "Échéancier de paiement", "en": "Payment schedule"},
    "deposit": {"fr": "Acompte", "en": "Deposit"},
    "balance": {"fr": "Solde", "en": "Balance"},
    "amount_due_by": {"fr": "{amount} à régler avant le {date}", "en": "{amount} due by {date}"},
    "payment_terms": {"fr": "Conditions de paiement", "en": "Payment terms"},
    "cancellation_terms": {"fr": "Conditions d'annulation", "en": "Cancellation terms"},
    "terms_of_sale": {"fr": "Conditions de vente", "en": "Terms and conditions of sale"},
    # Legal mentions (French is the legal wording: other languages print it in parentheses)
    "margin_scheme": {
        "fr": "Régime particulier – Agences de voyages",
        "en": "Special scheme – travel agents",
    },
    "vat_margin": {
        "fr": "Prix TTC – TVA sur la marge non récupérable, non mentionnée "
        "(art. 266-1-e et 297 A du CGI)",
        "en": "Prices include VAT – VAT on the margin, not recoverable and not shown "
        "(French tax code, art. 266-1-e and 297 A)",
    },
    # Signatures
    "approval": {"fr": "Bon pour accord", "en": "Approved"},
    "approval_instructions": {
        "fr": "Date, nom, signature et cachet, précédés de la mention « Bon pour accord »",
        "en": "Date, name, signature and company stamp, preceded by the words "
        "« Bon pour accord » (approved)",
    },
    "for_agency": {"fr": "Pour l'agence", "en": "For the agency"},
    "for_client": {"fr": "Pour le client, bon pour accord", "en": "For the client, approved"},
    "agency_signature": {"fr": "Date, nom et signature", "en": "Date, name and signature"},
    # Pro forma
    "designation": {"fr": "Désignation", "en": "Description"},
    "amount": {"fr": "Montant", "en": "Amount"},
    "package_line": {
        "fr": "Forfait {title} — {count} × {price}",
        "en": "Package {title} — {count} × {price}",
    },
    # Amendment
    "amendment_reason": {"fr": "Motif de l'avenant", "en": "Reason for the amendment"},
    "changes": {"fr": "Modifications", "en": "Changes"},
    "no_changes": {"fr": "Aucune prestation modifiée", "en": "No service changed"},
    "change_kind": {"fr": "Nature", "en": "Change"},
    "change_added": {"fr": "ajouté", "en": "added"},
    "change_removed": {"fr": "supprimé", "en": "removed"},
    "change_changed": {"fr": "modifié", "en": "changed"},
    "service": {"fr": "Prestation", "en": "Service"},
    "before": {"fr": "Avant", "en": "Before"},
    "after": {"fr": "Après", "en": "After"},
    "difference": {"fr": "Écart", "en": "Difference"},
    "previous_total": {"fr": "Montant total précédent", "en": "Previous total"},
    "new_total": {"fr": "Nouveau montant total", "en": "New total"},
    "new_price_per_paying": {
        "fr": "Nouveau prix par personne payante",
        "en": "New price per paying person",
    },
    "current_programme": {"fr": "Programme mis à jour", "en": "Updated programme"},
    # Supplier documents
    "services_requested": {"fr": "Prestations demandées", "en": "Services requested"},
    "services_booked": {"fr": "Prestations réservées", "en": "Services booked"},
    "date": {"fr": "Date", "en": "Date"},
    "time": {"fr": "Heure", "en": "Time"},
    "quantity": {"fr": "Quantité", "en": "Quantity"},
    "notes": {"fr": "Remarques", "en": "Notes"},
    "supplier_reference": {"fr": "Réf. prestataire", "en": "Supplier ref."},
    "option_until": {"fr": "Option jusqu'au {date}", "en": "Option until {date}"},
    "reply_by": {
        "fr": "Merci de nous répondre avant le {date}.",
        "en": "Please reply before {date}.",
    },
    "voucher_notice": {
        "fr": "Bon à présenter par le responsable du groupe. Facture à adresser à {agency}, "
        "rappelant notre référence {reference}.",
        "en": "Voucher to be presented by the group leader. Please send the invoice to "
        "{agency}, quoting our reference {reference}.",
    },
}


def label(key: str, language: str) -> str:
    """The label in `language`, French when the language has no translation; KeyError for an
    unknown key (a typo must fail loudly, not print an empty string)."""
    translations = LABELS[key]
    return translations.get(language) or translations[FALLBACK_LANGUAGE]


def plural(key: str, n: int, language: str) -> str:
    """`{n} personne` / `{n} personnes` from `key_one` / `key_other` (French counts 0 and 1 as
    singular, English only 1)."""
    one = n in (0, 1) if language == FALLBACK_LANGUAGE else n == 1
    return label(f"{key}_{'one' if one else 'other'}", language).format(n=n)


def labelled(key: str, value: str, language: str) -> str:
    """`Lieu : Amboise` / `Place: Amboise`, with each language's spacing around the colon."""
    return f"{label(key, language)}{label('colon', language)}{value}"


def with_legal_french(key: str, language: str) -> str:
    """A legal mention: its French wording is the one that counts, so another language prints
    its translation followed by the French words in parentheses."""
    text = label(key, language)
    french = label(key, FALLBACK_LANGUAGE)
    return text if text == french else f"{text} ({french})"
