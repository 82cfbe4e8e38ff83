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
    # Invoices and credit notes (french-rules 2.1, 2.2)
    "title_invoice": {"fr": "Facture n° {number}", "en": "Invoice no. {number}"},
    "title_deposit_invoice": {
        "fr": "Facture d'acompte n° {number}",
        "en": "Deposit invoice no. {number}",
    },
    "title_credit_note": {"fr": "Avoir n° {number}", "en": "Credit note no. {number}"},
    "credit_note_refers": {
        "fr": "Cet avoir se rapporte à la facture n° {number} du {date}",
        "en": "This credit note relates to invoice no. {number} of {date}",
    },
    "seller": {"fr": "Émetteur", "en": "Seller"},
    "siren": {"fr": "SIREN", "en": "SIREN"},
    "invoice_date": {"fr": "Date de facture", "en": "Invoice date"},
    "credit_note_date": {"fr": "Date de l'avoir", "en": "Credit note date"},
    "service_date": {"fr": "Date de la prestation", "en": "Date of service"},
    "service_period": {"fr": "Période de la prestation", "en": "Service period"},
    "deposit_date": {"fr": "Date de l'acompte", "en": "Date of the deposit"},
    "trip_dates": {"fr": "Dates du voyage", "en": "Trip dates"},
    "due_date": {"fr": "Échéance", "en": "Due date"},
    "buyer_reference": {"fr": "Code service", "en": "Service code"},
    "order_reference": {"fr": "N° d'engagement", "en": "Purchase order no."},
    "category_services": {
        "fr": "Cette facture se rapporte exclusivement à des prestations de services.",
        "en": "This invoice relates exclusively to services.",
    },
    "category_services_credit": {
        "fr": "Cet avoir se rapporte exclusivement à des prestations de services.",
        "en": "This credit note relates exclusively to services.",
    },
    "unit_price": {"fr": "Prix unitaire", "en": "Unit price"},
    "unit_price_excl_vat": {"fr": "Prix unitaire HT", "en": "Unit price excl. VAT"},
    "unit_price_incl_vat": {"fr": "Prix unitaire TTC", "en": "Unit price incl. VAT"},
    "vat_rate": {"fr": "TVA", "en": "VAT"},
    "line_total": {"fr": "Montant", "en": "Amount"},
    "margin_cell": {"fr": "Marge", "en": "Margin"},
    "margin_lines_note": {
        "fr": "Lignes « Marge » : régime particulier des agences de voyages, montants TTC, "
        "TVA sur la marge ni mentionnée ni récupérable. Autres lignes : montants HT.",
        "en": "« Margin » lines: special scheme for travel agents, amounts include VAT, VAT "
        "on the margin neither shown nor recoverable. Other lines: amounts excluding VAT.",
    },
    "margin_only_note": {
        "fr": "Montants TTC – TVA sur la marge ni mentionnée ni récupérable.",
        "en": "Amounts include VAT – VAT on the margin neither shown nor recoverable.",
    },
    "vat_summary": {"fr": "Récapitulatif de la TVA", "en": "VAT summary"},
    "vat_rate_heading": {"fr": "Taux", "en": "Rate"},
    "vat_base": {"fr": "Base HT", "en": "Taxable amount"},
    "vat_amount": {"fr": "Montant de TVA", "en": "VAT amount"},
    "total_margin_lines": {
        "fr": "Prestations sous régime de marge (TTC)",
        "en": "Services under the margin scheme (incl. VAT)",
    },
    "total_excl_vat": {"fr": "Total HT", "en": "Total excl. VAT"},
    "total_excl_vat_other": {
        "fr": "Total HT des autres prestations",
        "en": "Other services, total excl. VAT",
    },
    "total_vat": {"fr": "Total TVA", "en": "Total VAT"},
    "total_incl_vat": {"fr": "Total TTC", "en": "Total incl. VAT"},
    "deducted_invoices": {
        "fr": "Factures d'acompte déduites",
        "en": "Deposit invoices deducted",
    },
    "deposit_invoice": {"fr": "Facture d'acompte", "en": "Deposit invoice"},
    "deposits_deducted": {"fr": "Acomptes déduits", "en": "Deposits deducted"},
    "deducted_invoice_line": {
        "fr": "Facture d'acompte n° {number} du {date} : {amount}",
        "en": "Deposit invoice no. {number} of {date}: {amount}",
    },
    "net_to_pay": {"fr": "Net à payer", "en": "Amount due"},
    "credit_net": {"fr": "Montant net de l'avoir", "en": "Net amount credited"},
    "credit_settlement": {
        "fr": "Montant remboursé ou imputé sur une prochaine facture",
        "en": "Amount refunded or offset against a future invoice",
    },
    "pay_by": {"fr": "À régler au plus tard le {date}", "en": "To be paid no later than {date}"},
    "payment_methods": {"fr": "Moyens de paiement", "en": "Payment methods"},
    "no_early_discount": {
        "fr": "Pas d'escompte pour paiement anticipé",
        "en": "No discount for early payment",
    },
    "late_penalties": {
        "fr": "Pénalités de retard : {rate}",
        "en": "Late-payment penalties: {rate}",
    },
    "default_late_rate": {
        "fr": "trois fois le taux d'intérêt légal",
        "en": "three times the French legal interest rate",
    },
    "recovery_indemnity": {
        "fr": "Indemnité forfaitaire pour frais de recouvrement : 40\u00a0€ "
        "(art. L441-10 et D441-5 du Code de commerce)",
        "en": "Fixed compensation for recovery costs: €40 "
        "(French Commercial Code, art. L441-10 and D441-5)",
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
