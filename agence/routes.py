"""Every route of the application, and the navigation generated from them.

The sidebar, the home-page shortcuts and the right checked by each page come from `NAVIGATION`;
a module of a later issue adds its entries here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.statistics.report import Drill, DrillList

LOGIN = "/connexion"
CHANGE_PASSWORD = "/mot-de-passe"
HOME = "/"
ACCESS_DENIED = "/acces-refuse"

ADMIN_USERS = "/administration/utilisateurs"
ADMIN_PROFILES = "/administration/profils"
ADMIN_AUDIT = "/administration/journal"
PARAM_SITES = "/parametres/sites"
PARAM_PAYMENT_METHODS = "/parametres/modes-de-reglement"
PARAM_PAYMENT_TERMS = "/parametres/conditions-de-reglement"
PARAM_VAT_RATES = "/parametres/taux-de-tva"
PARAM_PRODUCT_TYPES = "/parametres/types-de-prestations"
PARAM_CLIENT_CATEGORIES = "/parametres/categories-de-clients"
PARAM_PARTICIPANT_CATEGORIES = "/parametres/categories-de-participants"

CATALOGUE_PRODUCTS = "/catalogue/prestations"
CATALOGUE_RATES = "/catalogue/tarifs"
CATALOGUE_RATES_IMPORT = "/catalogue/import-tarifs"
CATALOGUE_COSTINGS = "/catalogue/cotations"
CATALOGUE_DOSSIERS = "/catalogue/dossiers"

BOOKINGS = "/dossiers"
BOARD = "/suivi-des-dossiers"
GUIDES = "/guides"
PLANNING = "/planning"
SATISFACTION = "/satisfaction"
SURVEY = "/avis/[token]"
TOKEN_PARAM = "token"
BOOKING_COSTING = "/dossiers/[record_id]/cotation"
BOOKING_PARTICIPANTS_IMPORT = "/dossiers/[record_id]/import-participants"
PARAM_BOOKING_TYPES = "/parametres/types-de-dossiers"
INVOICES = "/facturation"
UNPAID = "/facturation/impayes"
PAYMENTS = "/reglements"
PARAM_TEMPLATES = "/parametres/courriers-et-e-mails"
PARAM_MAIL = "/parametres/messagerie"
PARAM_CHORUS = "/parametres/chorus-pro"

TIERS_CLIENTS = "/tiers/clients"
TIERS_SUPPLIERS = "/tiers/fournisseurs"
TIERS_FOLLOW_UPS = "/tiers/relances"
TIERS_PIPELINE = "/tiers/pipeline"
TIERS_REPORTS = "/tiers/comptes-rendus"
TIERS_TO_VISIT = "/tiers/clients-a-voir"
TIERS_IMPORT = "/tiers/import"

STATISTICS = "/statistiques"
STATISTICS_REPORT = "/statistiques/[report]"
REPORT_PARAM = "report"

RECORD_PARAM = "record_id"
NEW_RECORD = "nouveau"

DOWNLOAD_API = "/api/telechargement"
DOCUMENT_API = "/api/documents"
SITE_LOGO_API = "/api/sites"
HEALTH_API = "/api/sante"
SESSION_API = "/api/session"
SESSION_END_API = "/api/session/fin"


def record_route(list_route: str) -> str:
    """The dynamic route of a record's page under its list: "/parametres/sites/[record_id]"."""
    return f"{list_route}/[{RECORD_PARAM}]"


def record_url(list_route: str, record_id: int | str) -> str:
    return f"{list_route}/{record_id}"


def booking_costing_url(booking_id: int | str, version: int | str = "") -> str:
    url = f"{BOOKINGS}/{booking_id}/cotation"
    return f"{url}?version={version}" if version else url


def statistics_url(report: str) -> str:
    """A report's page: "/statistiques/revenue" (the report's name, see `ReportName`)."""
    return f"{STATISTICS}/{report}"


def list_url(list_route: str, filters: tuple[tuple[str, str], ...] | dict[str, str] = ()) -> str:
    """A listing already filtered: its filter keys as query parameters (read at load)."""
    pairs = list(filters.items()) if isinstance(filters, dict) else list(filters)
    return list_route + ("?" + urlencode(pairs) if pairs else "")


def drill_url(drill: Drill | None) -> str:
    """The list (already filtered) or the record page a figure or a report line drills into."""
    if drill is None:
        return ""
    filters = dict(drill.filters)
    if drill.list is DrillList.BOOKING:
        return record_url(BOOKINGS, filters.get("id", ""))
    if drill.list is DrillList.CLIENT:
        return record_url(TIERS_CLIENTS, filters.get("id", ""))
    return list_url(_DRILL_ROUTES[drill.list], drill.filters)


def survey_url(token: str) -> str:
    return f"/avis/{token}"


def login_url(next_path: str = "", reason: str = "") -> str:
    query = {k: v for k, v in (("suivant", next_path), ("motif", reason)) if v}
    return LOGIN + ("?" + urlencode(query) if query else "")


def document_url(document_id: int | str) -> str:
    return f"{DOCUMENT_API}/{document_id}"


def site_logo_url(site_id: int, version: str = "") -> str:
    return f"{SITE_LOGO_API}/{site_id}/logo" + (f"?v={version}" if version else "")


_DRILL_ROUTES = {
    DrillList.INVOICES: INVOICES,
    DrillList.UNPAID: UNPAID,
    DrillList.BOOKINGS: BOOKINGS,
    DrillList.PAYMENTS: PAYMENTS,
    DrillList.CLIENTS: TIERS_CLIENTS,
    DrillList.FOLLOW_UPS: TIERS_FOLLOW_UPS,
    DrillList.VISIT_REPORTS: TIERS_REPORTS,
    DrillList.BOARD: BOARD,
    DrillList.GUIDES: GUIDES,
    DrillList.PRODUCTS: CATALOGUE_PRODUCTS,
    DrillList.TO_VISIT: TIERS_TO_VISIT,
}


@dataclass(frozen=True)
class NavEntry:
    label: str
    route: str
    icon: str
    right: Right | None
    section: str = ""
    description: str = ""


def _see(module: Module) -> Right:
    return Right(module, Action.SEE)


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Accueil", HOME, "house", None),
    NavEntry(
        "Clients et prospects",
        TIERS_CLIENTS,
        "contact",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Fiches clients, contacts, adresses, segments, en-cours.",
    ),
    NavEntry(
        "Fournisseurs",
        TIERS_SUPPLIERS,
        "store",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Hôtels, restaurants, sites, transporteurs, guides…",
    ),
    NavEntry(
        "Mes relances",
        TIERS_FOLLOW_UPS,
        "bell-ring",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Les prochaines actions dues aujourd'hui ou en retard.",
    ),
    NavEntry(
        "Pipeline",
        TIERS_PIPELINE,
        "kanban",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Prospects et clients avec leur prochaine action.",
    ),
    NavEntry(
        "Comptes rendus",
        TIERS_REPORTS,
        "notebook-pen",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Visites, appels, réunions : saisis sur le terrain.",
    ),
    NavEntry(
        "Clients à voir",
        TIERS_TO_VISIT,
        "map-pin",
        _see(Module.THIRD_PARTIES),
        "Tiers",
        "Vos clients sans visite depuis plusieurs mois.",
    ),
    NavEntry(
        "Import",
        TIERS_IMPORT,
        "upload",
        Right(Module.THIRD_PARTIES, Action.CREATE),
        "Tiers",
        "Clients ou fournisseurs depuis Excel ou CSV.",
    ),
    NavEntry(
        "Dossiers",
        BOOKINGS,
        "folder-open",
        _see(Module.BOOKINGS),
        "Dossiers",
        "Les groupes, de la demande au solde : cotation, programme, statuts.",
    ),
    NavEntry(
        "Suivi des dossiers",
        BOARD,
        "list-checks",
        _see(Module.BOOKINGS),
        "Dossiers",
        "Options qui expirent, devis sans réponse, prestations à réserver, départs.",
    ),
    NavEntry(
        "Planning",
        PLANNING,
        "calendar-days",
        _see(Module.BOOKINGS),
        "Dossiers",
        "Places prises et restantes par prestation, journées des guides.",
    ),
    NavEntry(
        "Satisfaction",
        SATISFACTION,
        "smile",
        _see(Module.BOOKINGS),
        "Dossiers",
        "Notes par prestation, export des réponses pour Avizi.",
    ),
    NavEntry(
        "Factures",
        INVOICES,
        "receipt-euro",
        _see(Module.INVOICING),
        "Facturation",
        "Factures, factures d'acompte et avoirs, émis ou en brouillon.",
    ),
    NavEntry(
        "Factures non réglées",
        UNPAID,
        "hourglass",
        _see(Module.PAYMENTS),
        "Facturation",
        "Échéances dépassées et jours de retard.",
    ),
    NavEntry(
        "Règlements",
        PAYMENTS,
        "banknote",
        _see(Module.PAYMENTS),
        "Facturation",
        "Règlements reçus, affectés aux factures ou en crédit.",
    ),
    NavEntry(
        "Guides",
        GUIDES,
        "flag",
        _see(Module.BOOKINGS),
        "Dossiers",
        "Langues, spécialités, secteurs, jours d'indisponibilité.",
    ),
    NavEntry(
        "Prestations",
        CATALOGUE_PRODUCTS,
        "package",
        _see(Module.CATALOGUE),
        "Catalogue",
        "Visites, repas, hébergements, transports, guides : leurs conditions.",
    ),
    NavEntry(
        "Tarifs",
        CATALOGUE_RATES,
        "receipt-euro",
        _see(Module.CATALOGUE),
        "Catalogue",
        "Tous les tarifs par période, tranche et catégorie ; export et import Excel.",
    ),
    NavEntry(
        "Cotations",
        CATALOGUE_COSTINGS,
        "calculator",
        _see(Module.CATALOGUE),
        "Catalogue",
        "Coût, prix par payant, marge et TVA, grille par taille de groupe.",
    ),
    NavEntry(
        "Dossiers catalogue",
        CATALOGUE_DOSSIERS,
        "book-open",
        _see(Module.CATALOGUE),
        "Catalogue",
        "Produits tout faits : programme type et cotation.",
    ),
    NavEntry(
        "Import de tarifs",
        CATALOGUE_RATES_IMPORT,
        "upload",
        Right(Module.CATALOGUE, Action.CREATE),
        "Catalogue",
        "Des tarifs depuis Excel ou CSV.",
    ),
    NavEntry(
        "Statistiques",
        STATISTICS,
        "chart-column",
        _see(Module.STATISTICS),
        "Statistiques",
        "Tableau de bord, chiffre d'affaires, réservations, prestations, clients, démarchages.",
    ),
    NavEntry(
        "Utilisateurs",
        ADMIN_USERS,
        "users",
        _see(Module.ADMINISTRATION),
        "Administration",
        "Comptes, sites de rattachement, profils, mots de passe.",
    ),
    NavEntry(
        "Profils et droits",
        ADMIN_PROFILES,
        "shield-check",
        _see(Module.ADMINISTRATION),
        "Administration",
        "La matrice des droits par module et par action.",
    ),
    NavEntry(
        "Journal d'audit",
        ADMIN_AUDIT,
        "scroll-text",
        _see(Module.ADMINISTRATION),
        "Administration",
        "Qui a fait quoi, et quand.",
    ),
    NavEntry(
        "Sites de l'agence",
        PARAM_SITES,
        "building-2",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Identité, SIRET, TVA, IBAN, logo, mentions légales.",
    ),
    NavEntry(
        "Modes de règlement",
        PARAM_PAYMENT_METHODS,
        "wallet",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Virement, chèque, carte, ANCV, mandat administratif…",
    ),
    NavEntry(
        "Conditions de règlement",
        PARAM_PAYMENT_TERMS,
        "calendar-clock",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Échéances, acomptes et soldes.",
    ),
    NavEntry(
        "Taux de TVA",
        PARAM_VAT_RATES,
        "percent",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Taux et comptes de TVA collectée et déductible.",
    ),
    NavEntry(
        "Types de prestations",
        PARAM_PRODUCT_TYPES,
        "tags",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Visite, restauration, hébergement… (remises clients, catalogue).",
    ),
    NavEntry(
        "Courriers et e-mails",
        PARAM_TEMPLATES,
        "mail-plus",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Textes des devis, contrats, bons d'échange et e-mails, par langue.",
    ),
    NavEntry(
        "Messagerie (SMTP)",
        PARAM_MAIL,
        "send",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Le serveur d'envoi des e-mails de l'agence.",
    ),
    NavEntry(
        "Chorus Pro",
        PARAM_CHORUS,
        "landmark",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Dépôt des factures des clients publics (PISTE, compte technique).",
    ),
    NavEntry(
        "Types de dossiers",
        PARAM_BOOKING_TYPES,
        "folders",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Visite, journée, séjour, séminaire, scolaire, incentive…",
    ),
    NavEntry(
        "Catégories de participants",
        PARAM_PARTICIPANT_CATEGORIES,
        "users-round",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Adulte, enfant, étudiant, senior, gratuit : pour les tarifs.",
    ),
    NavEntry(
        "Catégories de clients",
        PARAM_CLIENT_CATEGORIES,
        "folder-tree",
        _see(Module.PARAMETERS),
        "Paramètres",
        "Pour segmenter la clientèle.",
    ),
)


def visible_entries(actor: Actor) -> list[NavEntry]:
    return [
        entry
        for entry in NAVIGATION
        if entry.right is None or actor.can(entry.right.module, entry.right.action)
    ]
