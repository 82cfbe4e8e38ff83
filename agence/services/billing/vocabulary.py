"""Billing's words: an invoice's kind and status, the regime of its lines and where it stands
on Chorus Pro. Each value is the string the database stores (never change one without a data
migration); each member carries its French label. No raw billing string elsewhere: compare
with these members, label with `.label`, and give a list column its labels with `Kind.labels()`."""

from __future__ import annotations

from agence.services.common.vocabulary import Labelled


class InvoiceKind(Labelled):
    DEPOSIT = "acompte", "Facture d'acompte"
    FINAL = "solde", "Facture"
    """The final invoice: the whole confirmed dossier, less its deposit invoices."""
    CREDIT_NOTE = "avoir", "Avoir"

    @property
    def short_label(self) -> str:
        """In a narrow column: « Acompte », « Facture », « Avoir »."""
        return _KIND_SHORT_LABELS[self]


_KIND_SHORT_LABELS = {
    InvoiceKind.DEPOSIT: "Acompte",
    InvoiceKind.FINAL: "Facture",
    InvoiceKind.CREDIT_NOTE: "Avoir",
}
PAYABLE_KINDS = (InvoiceKind.DEPOSIT, InvoiceKind.FINAL)
"""The kinds a client pays (a credit note is money owed back)."""


class InvoiceStatus(Labelled):
    DRAFT = "brouillon", "Brouillon"
    """No number yet: it may change or be deleted."""
    ISSUED = "emise", "Émise"
    """Numbered and kept: it never changes, a credit note corrects it."""


class LineRegime(Labelled):
    """How an invoice line is taxed (InvoiceLine.regime)."""

    MARGIN = "margin", "Régime de la marge"
    """Margin scheme (TVA sur marge): priced including VAT, no VAT shown."""
    NORMAL = "normal", "TVA"
    """The agency's own service: VAT at its rate, shown."""
    DEDUCTION = "acompte", "Acompte déduit"
    """A stored line of a final invoice deducting a deposit invoice."""


class ChorusStatus(Labelled):
    """Where an invoice stands on Chorus Pro (Invoice.chorus_status), as we record it."""

    NOT_SENT = "", "Non déposée"
    DEPOSITING = "depot_en_cours", "Dépôt en cours"
    UNCERTAIN = "depot_incertain", "Dépôt incertain"
    DEPOSIT_FAILED = "echec_depot", "Échec du dépôt"
    DEPOSITED = "deposee", "Déposée"
    AVAILABLE = "mise_a_disposition", "Mise à disposition"
    SUSPENDED = "suspendue", "Suspendue"
    REJECTED = "rejetee", "Rejetée"
    MANDATED = "mandatee", "Mandatée"
    PAID = "payee", "Payée"


CHORUS_SENDABLE = (ChorusStatus.NOT_SENT, ChorusStatus.DEPOSIT_FAILED)
"""The only statuses a deposit may start from: never sent, or a deposit that certainly failed."""
