"""The words of the third-parties area: the kinds and statuses a client, a supplier, a contact,
an address or a sales follow-up can take, each value exactly the string the database stores,
each with the French label the pages show. Code compares members, never raw strings."""

from __future__ import annotations

from agence.services.common.vocabulary import Labelled

# --- Clients ----------------------------------------------------------------------------------


class ClientStatus(Labelled):
    """Where a client stands: a prospect becomes a client; an inactive one is kept, not deleted."""

    PROSPECT = "prospect", "Prospect"
    CLIENT = "client", "Client"
    INACTIVE = "inactif", "Inactif"


class ClientType(Labelled):
    SCHOOL = "scolaire", "Scolaire"
    WORKS_COUNCIL = "ce", "Comité d'entreprise / CSE"
    ASSOCIATION = "association", "Association"
    COACH_OPERATOR = "autocariste", "Autocariste"
    AGENCY = "agence", "Agence / tour-opérateur"
    COMPANY = "entreprise", "Entreprise"
    PUBLIC_BODY = "collectivite", "Collectivité / organisme public"
    """Invoiced through Chorus Pro."""
    PERSON = "particulier", "Particulier"
    """A private person: named by last and first name, not a company."""


class Language(Labelled):
    """The language of the documents sent to a client (also a guide's or a product's)."""

    FRENCH = "fr", "Français"
    ENGLISH = "en", "Anglais"
    GERMAN = "de", "Allemand"
    SPANISH = "es", "Espagnol"
    ITALIAN = "it", "Italien"
    DUTCH = "nl", "Néerlandais"


# --- Suppliers --------------------------------------------------------------------------------


class SupplierType(Labelled):
    ACCOMMODATION = "hebergement", "Hébergement"
    CATERING = "restauration", "Restauration"
    SITE = "site", "Site / musée"
    TRANSPORT = "transport", "Transport"
    GUIDE = "guide", "Guide"
    VENUE = "salle", "Salle"
    ACTIVITY = "activite", "Activité"
    OTHER = "autre", "Autre"


class VatRegime(Labelled):
    """The VAT regime a supplier's services (and the products bought from him) default to."""

    MARGIN = "marge", "TVA sur la marge (prestation achetée)"
    NORMAL = "normal", "TVA normale"


VAT_REGIME_SHORT_LABELS: dict[str, str] = {
    VatRegime.MARGIN.value: "Marge",
    VatRegime.NORMAL.value: "Normal",
}
"""The words of the suppliers' list, where the column is narrow."""


# --- Contacts, addresses, contracts -----------------------------------------------------------


class Civility(Labelled):
    NONE = "", "—"
    MRS = "Mme", "Mme"
    MR = "M.", "M."


class AddressKind(Labelled):
    BILLING = "facturation", "Facturation"
    """The main address typed on the file's form is the default billing one."""
    DELIVERY = "livraison", "Livraison / accueil"
    OTHER = "autre", "Autre"


class InvoicingMode(Labelled):
    """How a framework contract has the client invoiced."""

    PER_BOOKING = "par_dossier", "Une facture par dossier"
    MONTHLY = "mensuelle", "Facture mensuelle groupée"


# --- Sales follow-up --------------------------------------------------------------------------


class NextAction(Labelled):
    """The next step planned with a client (« Mes relances », the pipeline)."""

    CALL = "appel", "Appeler"
    EMAIL = "email", "Écrire"
    VISIT = "visite", "Rendre visite"
    QUOTE = "devis", "Envoyer un devis"
    REMIND = "relance", "Relancer"


class Due(Labelled):
    """The « Échéance » filter of the follow-ups: which planned actions are due."""

    LATE = "retard", "En retard"
    TODAY = "jour", "Aujourd'hui"
    TODAY_AND_LATE = "echues", "Aujourd'hui et en retard"
    THIS_WEEK = "semaine", "Cette semaine"


class ReportKind(Labelled):
    VISIT = "visite", "Visite"
    CALL = "appel", "Appel"
    MEETING = "reunion", "Réunion"
    EMAIL = "email", "E-mail"
    FAIR = "salon", "Salon / éductour"

    @property
    def met_in_person(self) -> bool:
        """A visit, a meeting or a fair counts as the client's last visit; a call does not."""
        return self in (ReportKind.VISIT, ReportKind.MEETING, ReportKind.FAIR)


class Interest(Labelled):
    LOW = "faible", "Faible"
    MEDIUM = "moyen", "Moyen"
    HIGH = "fort", "Fort"


class ReportStatus(Labelled):
    """A report is a draft of its author, kept as typed, until he validates it."""

    DRAFT = "brouillon", "Brouillon"
    VALIDATED = "valide", "Validé"


# --- Saved filters and imports ----------------------------------------------------------------


class SegmentList(Labelled):
    """The listings whose filters can be saved (the `list_key` of a segment)."""

    CLIENTS = "clients", "Clients"
    BOOKINGS = "dossiers", "Dossiers"


class ImportTarget(Labelled):
    """What an Excel or CSV file can be imported into."""

    CLIENTS = "clients", "Clients et prospects"
    SUPPLIERS = "fournisseurs", "Fournisseurs"
    RATES = "tarifs", "Tarifs"
    PARTICIPANTS = "participants", "Participants"
