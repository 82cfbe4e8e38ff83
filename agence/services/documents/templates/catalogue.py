"""What a template may use: the parts each document kind prints or sends, the placeholders
the editor lists (with which kinds can fill them), and the filters and tests it offers."""

from __future__ import annotations

from typing import NamedTuple

from agence.models.correspondence import DocumentTemplate
from agence.services.documents.content import SUPPLIER_KINDS, DocumentKind

# --- Parts -----------------------------------------------------------------------------------

PARTS = ("email_subject", "email_body", "introduction", "not_included", "terms", "closing")

PART_LABELS: dict[str, str] = {
    "email_subject": "Objet de l'e-mail",
    "email_body": "Texte de l'e-mail",
    "introduction": "Introduction du document",
    "not_included": "Le prix ne comprend pas",
    "terms": "Conditions générales de vente",
    "closing": "Formule de fin",
}

_LETTER = ("email_subject", "email_body", "introduction", "closing")
PARTS_BY_KIND: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.QUOTE: PARTS,
    DocumentKind.CONTRACT: PARTS,
    DocumentKind.AMENDMENT: _LETTER,
    DocumentKind.PROFORMA: _LETTER,
    DocumentKind.SUPPLIER_REQUEST: _LETTER,
    DocumentKind.VOUCHER: _LETTER,
    DocumentKind.ROAD_BOOK: _LETTER,
    DocumentKind.INVOICE: ("email_subject", "email_body"),
}
"""The parts each kind prints or sends; the others are neither edited nor stored."""

PART_LIMITS: dict[str, int] = {
    part: DocumentTemplate.__table__.c[part].type.length  # type: ignore[attr-defined]
    for part in PARTS
}
"""The column sizes, read from the table so that the message and the schema cannot differ."""

# --- The placeholders catalogue --------------------------------------------------------------


class Placeholder(NamedTuple):
    """One line of the editor's list: what to type, what it means, what it looks like."""

    name: str
    description: str
    example: str


PLACEHOLDER_GROUPS: tuple[tuple[str, tuple[Placeholder, ...]], ...] = (
    (
        "Agence",
        (
            Placeholder("agence.nom", "Nom de l'agence (site émetteur)", "Escapades en Loire"),
            Placeholder(
                "agence.adresse", "Adresse de l'agence, sur plusieurs lignes", "12 rue Nationale"
            ),
            Placeholder("agence.telephone", "Téléphone de l'agence", "02 47 20 10 10"),
            Placeholder("agence.email", "E-mail de l'agence", "contact@escapades-loire.fr"),
            Placeholder("agence.siret", "SIRET de l'agence", "30326504500003"),
            Placeholder("agence.tva", "N° de TVA intracommunautaire", "FR40303265045"),
            Placeholder("agence.immatriculation", "Immatriculation Atout France", "IM037100001"),
        ),
    ),
    (
        "Client",
        (
            Placeholder("client.nom", "Nom du client", "Collège Anatole-France"),
            Placeholder(
                "client.adresse", "Adresse du client, sur plusieurs lignes", "3 rue Balzac"
            ),
        ),
    ),
    (
        "Destinataire",
        (
            Placeholder(
                "destinataire.nom", "Contact à qui le document est adressé", "Mme Claire Martin"
            ),
            Placeholder("destinataire.email", "E-mail du destinataire", "c.martin@college.fr"),
        ),
    ),
    (
        "Dossier",
        (
            Placeholder("dossier.reference", "Référence du dossier", "VDL-2026-0142"),
            Placeholder("dossier.titre", "Titre du dossier", "Journée châteaux de la Loire"),
            Placeholder(
                "dossier.groupe",
                "Nom du groupe (client et titre), tel que le connaît le prestataire",
                "Collège Anatole-France – Journée châteaux de la Loire",
            ),
            Placeholder(
                "dossier.date_debut",
                "Date de début (avec |date ou |date_longue)",
                "30/11/2026",
            ),
            Placeholder(
                "dossier.date_fin", "Date de fin (avec |date ou |date_longue)", "30/11/2026"
            ),
            Placeholder("dossier.heure_debut", "Heure de début", "09:30"),
            Placeholder("dossier.nb_payants", "Nombre de participants payants", "22"),
            Placeholder("dossier.nb_gratuits", "Nombre de gratuités", "2"),
            Placeholder("dossier.nb_accompagnateurs", "Nombre d'accompagnateurs", "1"),
            Placeholder("dossier.nb_personnes", "Nombre total de personnes", "25"),
            Placeholder("dossier.langue", "Langue du groupe, en toutes lettres", "français"),
            Placeholder(
                "dossier.lieu_rdv", "Lieu de rendez-vous", "Parking du château de Chenonceau"
            ),
            Placeholder(
                "dossier.prix_par_payant", "Prix par participant payant (avec |euros)", "118,50 €"
            ),
            Placeholder("dossier.prix_total", "Prix total du groupe (avec |euros)", "2 607,00 €"),
            Placeholder("dossier.version", "Version du dossier", "2"),
            Placeholder(
                "dossier.validite", "Date limite de validité de l'offre (devis)", "15/10/2026"
            ),
        ),
    ),
    (
        "Fournisseur",
        (
            Placeholder("fournisseur.nom", "Nom du prestataire", "Château de Chenonceau"),
            Placeholder(
                "fournisseur.reponse_avant",
                "Date limite de réponse (demande de réservation)",
                "15/09/2026",
            ),
        ),
    ),
    (
        "Commercial",
        (
            Placeholder("commercial.nom", "Commercial qui suit le dossier", "Julien Moreau"),
            Placeholder("commercial.telephone", "Téléphone du commercial", "06 12 34 56 78"),
            Placeholder("commercial.email", "E-mail du commercial", "j.moreau@escapades-loire.fr"),
        ),
    ),
    (
        "Expéditeur",
        (
            Placeholder("utilisateur.nom", "Utilisateur qui envoie le document", "Julien Moreau"),
            Placeholder(
                "utilisateur.email", "E-mail de l'expéditeur", "j.moreau@escapades-loire.fr"
            ),
        ),
    ),
    (
        "Montant",
        (
            Placeholder(
                "montant", "Montant du document : total du dossier (avec |euros)", "2 607,00 €"
            ),
        ),
    ),
    (
        "Facture",
        (
            Placeholder(
                "facture.numero", "Numéro de la facture ou de l'avoir", "FA-VDL-2026-000123"
            ),
            Placeholder("facture.type", "Facture, facture d'acompte ou avoir", "Facture d'acompte"),
            Placeholder("facture.date", "Date d'émission (avec |date)", "01/09/2026"),
            Placeholder("facture.echeance", "Date d'échéance (avec |date)", "01/10/2026"),
            Placeholder("facture.montant", "Total TTC (avec |euros)", "782,10 €"),
            Placeholder("facture.net_a_payer", "Net à payer (avec |euros)", "782,10 €"),
        ),
    ),
    (
        "Avenant",
        (
            Placeholder("avenant.numero", "Numéro de l'avenant", "1"),
            Placeholder("avenant.motif", "Motif de l'avenant", "Deux participants de plus"),
            Placeholder(
                "avenant.ecart",
                "Écart de prix avec la version précédente (avec |euros)",
                "237,00 €",
            ),
        ),
    ),
)

PLACEHOLDERS: tuple[Placeholder, ...] = tuple(
    placeholder for _, group in PLACEHOLDER_GROUPS for placeholder in group
)
NAMES: frozenset[str] = frozenset(p.name for p in PLACEHOLDERS)
ROOTS: dict[str, tuple[str, ...]] = {}
for _placeholder in PLACEHOLDERS:
    _root, _, _field = _placeholder.name.partition(".")
    ROOTS.setdefault(_root, ())
    if _field:
        ROOTS[_root] += (_field,)

DATE_NAMES = frozenset(
    {
        "dossier.date_debut",
        "dossier.date_fin",
        "dossier.validite",
        "fournisseur.reponse_avant",
        "facture.date",
        "facture.echeance",
    }
)
AMOUNT_NAMES = frozenset(
    {
        "dossier.prix_par_payant",
        "dossier.prix_total",
        "montant",
        "avenant.ecart",
        "facture.montant",
        "facture.net_a_payer",
    }
)

_CLIENT_ONLY = frozenset(
    {
        "client.nom",
        "client.adresse",
        "dossier.prix_par_payant",
        "dossier.prix_total",
        "dossier.version",
        "dossier.validite",
        "montant",
    }
)
_SUPPLIER_ONLY = frozenset({"fournisseur.nom", "fournisseur.reponse_avant"})
_AMENDMENT_ONLY = frozenset({"avenant.numero", "avenant.motif", "avenant.ecart"})
_INVOICE_ONLY = frozenset(name for name in NAMES if name.startswith("facture."))


def available_names(kind: DocumentKind) -> frozenset[str]:
    """The placeholders a document of this kind can fill: a supplier never sees the client's
    price, a quote has no supplier, only an amendment has an amendment number and only an
    invoice's e-mail has an invoice."""
    names = NAMES - _AMENDMENT_ONLY if kind != DocumentKind.AMENDMENT else NAMES
    if kind != DocumentKind.INVOICE:
        names = names - _INVOICE_ONLY
    if kind in SUPPLIER_KINDS:
        return names - _CLIENT_ONLY
    return names - _SUPPLIER_ONLY


def placeholders_for(kind: DocumentKind) -> tuple[tuple[str, tuple[Placeholder, ...]], ...]:
    """The editor's list for one kind, grouped, without the placeholders it cannot fill."""
    names = available_names(kind)
    groups = (
        (label, tuple(p for p in group if p.name in names)) for label, group in PLACEHOLDER_GROUPS
    )
    return tuple((label, group) for label, group in groups if group)


# --- Filters ---------------------------------------------------------------------------------


class FilterHelp(NamedTuple):
    name: str
    description: str
    example: str


FILTERS: tuple[FilterHelp, ...] = (
    FilterHelp("date", "Date au format jj/mm/aaaa", "{{ dossier.date_debut|date }} → 30/11/2026"),
    FilterHelp(
        "date_longue",
        "Date en toutes lettres, dans la langue du modèle",
        "{{ dossier.date_debut|date_longue }} → lundi 30 novembre 2026",
    ),
    FilterHelp(
        "euros", "Montant en euros, dans la langue du modèle", "{{ montant|euros }} → 2 607,00 €"
    ),
    FilterHelp("upper", "En majuscules", "{{ client.nom|upper }} → COLLÈGE ANATOLE-FRANCE"),
    FilterHelp("lower", "En minuscules", "{{ dossier.langue|lower }} → français"),
    FilterHelp("capitalize", "Première lettre en majuscule", "{{ dossier.langue|capitalize }}"),
    FilterHelp("title", "Initiales des mots en majuscules", "{{ destinataire.nom|title }}"),
    FilterHelp(
        "default",
        "Texte de remplacement si la valeur est vide (avec true)",
        "{{ destinataire.nom|default('Madame, Monsieur', true) }}",
    ),
    FilterHelp("trim", "Sans espaces au début ni à la fin", "{{ client.nom|trim }}"),
    FilterHelp("round", "Arrondi (nombre de décimales)", "{{ montant|round(0) }}"),
    FilterHelp("length", "Nombre de caractères ou d'éléments", "{{ client.nom|length }}"),
    FilterHelp("join", "Éléments joints par un séparateur", "{{ ['a', 'b']|join(', ') }}"),
    FilterHelp("first", "Premier élément ou caractère", "{{ client.nom|first }}"),
    FilterHelp("last", "Dernier élément ou caractère", "{{ client.nom|last }}"),
    FilterHelp(
        "replace", "Remplace un texte par un autre", "{{ client.adresse|replace('\\n', ', ') }}"
    ),
)
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
_OUR_FILTERS = ("date", "date_longue", "euros", "replace", "join")
JINJA_FILTER_NAMES = tuple(name for name in FILTER_NAMES if name not in _OUR_FILTERS)
"""Jinja's own filters we allow: pure functions of their value, nothing reaches an object."""

TEST_NAMES = ("defined", "none", "number", "string", "even", "odd", "divisibleby")
"""The `is …` tests allowed in conditions (`{% if dossier.nb_gratuits is even %}`)."""

LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})
