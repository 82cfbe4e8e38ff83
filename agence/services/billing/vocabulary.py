"""Billing's words: an invoice's kind and status, the regime of its lines and where it stands
on Chorus Pro. Each value is the string the database stores (never change one without a data
migration); each member carries its French label. No raw billing string elsewhere: compare
with these members, label with `.label`, and give a list column its labels with `labels()`."""

from __future__ import annotations

from enum import StrEnum


class InvoiceKind(StrEnum):
    DEPOSIT = "acompte"
    FINAL = "solde"
    """The final invoice: the whole confirmed dossier, less its deposit invoices."""
    CREDIT_NOTE = "avoir"

    @property
    def label(self) -> str:
        """The document's title: « Facture d'acompte », « Facture », « Avoir »."""
        return _KIND_LABELS[self]

    @property
    def short_label(self) -> str:
        """In a narrow column: « Acompte », « Facture », « Avoir »."""
        return _KIND_SHORT_LABELS[self]


_KIND_LABELS = {
    InvoiceKind.DEPOSIT: "Facture d'acompte",
    InvoiceKind.FINAL: "Facture",
    InvoiceKind.CREDIT_NOTE: "Avoir",
}
_KIND_SHORT_LABELS = {
    InvoiceKind.DEPOSIT: "Acompte",
    InvoiceKind.FINAL: "Facture",
    InvoiceKind.CREDIT_NOTE: "Avoir",
}
PAYABLE_KINDS = (InvoiceKind.DEPOSIT, InvoiceKind.FINAL)
"""The kinds a client pays (a credit note is money owed back)."""


class InvoiceStatus(StrEnum):
    DRAFT = "brouillon"
    """No number yet: it may change or be deleted."""
    ISSUED = "emise"
    """Numbered and kept: it never changes, a credit note corrects it."""

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {InvoiceStatus.DRAFT: "Brouillon", InvoiceStatus.ISSUED: "Émise"}


class LineRegime(StrEnum):
    """How an invoice line is taxed (InvoiceLine.regime)."""

    MARGIN = "margin"
    """Margin scheme (TVA sur marge): priced including VAT, no VAT shown."""
    NORMAL = "normal"
    """The agency's own service: VAT at its rate, shown."""
    DEDUCTION = "acompte"
    """A stored line of a final invoice deducting a deposit invoice."""

    @property
    def label(self) -> str:
        return _REGIME_LABELS[self]


_REGIME_LABELS = {
    LineRegime.MARGIN: "Régime de la marge",
    LineRegime.NORMAL: "TVA",
    LineRegime.DEDUCTION: "Acompte déduit",
}


class ChorusStatus(StrEnum):
    """Where an invoice stands on Chorus Pro (Invoice.chorus_status), as we record it."""

    NOT_SENT = ""
    DEPOSITING = "depot_en_cours"
    UNCERTAIN = "depot_incertain"
    DEPOSIT_FAILED = "echec_depot"
    DEPOSITED = "deposee"
    AVAILABLE = "mise_a_disposition"
    SUSPENDED = "suspendue"
    REJECTED = "rejetee"
    MANDATED = "mandatee"
    PAID = "payee"

    @property
    def label(self) -> str:
        return _CHORUS_LABELS[self]


_CHORUS_LABELS = {
    ChorusStatus.NOT_SENT: "Non déposée",
    ChorusStatus.DEPOSITING: "Dépôt en cours",
    ChorusStatus.UNCERTAIN: "Dépôt incertain",
    ChorusStatus.DEPOSIT_FAILED: "Échec du dépôt",
    ChorusStatus.DEPOSITED: "Déposée",
    ChorusStatus.AVAILABLE: "Mise à disposition",
    ChorusStatus.SUSPENDED: "Suspendue",
    ChorusStatus.REJECTED: "Rejetée",
    ChorusStatus.MANDATED: "Mandatée",
    ChorusStatus.PAID: "Payée",
}
CHORUS_SENDABLE = (ChorusStatus.NOT_SENT, ChorusStatus.DEPOSIT_FAILED)
"""The only statuses a deposit may start from: never sent, or a deposit that certainly failed."""


def labels(vocabulary: type[InvoiceKind | InvoiceStatus | LineRegime | ChorusStatus]) -> dict:
    """Stored value → French label, for a list's column and filter."""
    return {member.value: member.label for member in vocabulary}


def label_of(vocabulary, value: str | None, default: str = "") -> str:
    """The French label of a stored value; `default` for a value the vocabulary lacks."""
    try:
        return vocabulary(value).label
    except ValueError:
        return default
