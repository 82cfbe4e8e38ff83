"""The measures of the statistics, each defined once: its French label (the column or the tile)
and its French definition (the help text shown beside the figure). A report, a dashboard tile or
an export names a `Measure`; it never writes its own wording of what a figure means.

The rules these definitions state are the ones `revenue` computes:
- only issued invoices count, on their issue date; a draft never counts;
- a credit note reduces revenue on its own issue date, not on the date of the invoice it
  corrects;
- a deposit invoice counts when issued, and the final invoice for what it adds to the deposits
  it deducts, so that a dossier's invoices add up to its price once;
- a cancelled dossier counts only what remains invoiced for it (its cancellation fees: what its
  credit notes left of its invoices);
- under the margin scheme (TVA sur marge, CGI art. 266-1-e) the price carries no VAT: the VAT
  is due on the margin only, so the revenue excluding VAT of such a sale is its price less the
  VAT on its margin (french-rules 1.3).
"""

from __future__ import annotations

from enum import StrEnum


class Measure(StrEnum):
    INVOICED_EXCL_VAT = "ca_ht"
    INVOICED_INCL_VAT = "ca_ttc"
    GROSS_MARGIN = "marge_brute"
    MARGIN_RATE = "taux_marge"
    MARGIN_VAT = "tva_marge"
    ORDER_BOOK = "carnet"
    QUOTES_PENDING = "devis_attente"
    CONVERSION_RATE = "taux_transformation"
    UNPAID = "impayes"
    UNPAID_OVER_30 = "impayes_30"
    RECEIVABLES = "creances"
    RECEIVABLES_NOT_DUE = "creances_non_echues"
    UNPAID_1_30 = "impayes_1_30"
    UNPAID_31_60 = "impayes_31_60"
    UNPAID_61_90 = "impayes_61_90"
    UNPAID_OVER_90 = "impayes_90"
    PAYMENTS_RECEIVED = "reglements_recus"
    DEPARTURES = "departs_semaine"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def definition(self) -> str:
        """The help text shown beside the figure."""
        return _DEFINITIONS[self]


_LABELS = {
    Measure.INVOICED_EXCL_VAT: "CA facturé HT",
    Measure.INVOICED_INCL_VAT: "CA facturé TTC",
    Measure.GROSS_MARGIN: "Marge brute",
    Measure.MARGIN_RATE: "Taux de marge",
    Measure.MARGIN_VAT: "TVA sur marge",
    Measure.ORDER_BOOK: "Carnet de commandes",
    Measure.QUOTES_PENDING: "Devis en attente",
    Measure.CONVERSION_RATE: "Taux de transformation",
    Measure.UNPAID: "Impayés",
    Measure.UNPAID_OVER_30: "Impayés à plus de 30 jours",
    Measure.RECEIVABLES: "Créances clients",
    Measure.RECEIVABLES_NOT_DUE: "Non échu",
    Measure.UNPAID_1_30: "Retard de 1 à 30 jours",
    Measure.UNPAID_31_60: "Retard de 31 à 60 jours",
    Measure.UNPAID_61_90: "Retard de 61 à 90 jours",
    Measure.UNPAID_OVER_90: "Retard de plus de 90 jours",
    Measure.PAYMENTS_RECEIVED: "Règlements reçus",
    Measure.DEPARTURES: "Départs de la semaine",
}

_COUNTED = (
    "Seules les factures émises comptent, à leur date d'émission ; un brouillon ne compte "
    "jamais. Un avoir diminue le chiffre d'affaires à sa propre date d'émission, pas à celle "
    "de la facture qu'il corrige. Une facture d'acompte compte à son émission, la facture de "
    "solde pour ce qu'elle ajoute aux acomptes qu'elle déduit. Un dossier annulé ne compte que "
    "ce qui lui reste facturé (ses frais d'annulation)."
)

_DEFINITIONS = {
    Measure.INVOICED_EXCL_VAT: (
        "Le chiffre d'affaires facturé hors taxes : le TTC des factures moins la TVA qu'elles "
        "portent (prestations propres de l'agence) et moins la TVA sur marge. Une vente au "
        "régime de la marge ne porte pas de TVA sur son prix : son HT est son TTC moins la TVA "
        "due sur sa marge. " + _COUNTED
    ),
    Measure.INVOICED_INCL_VAT: (
        "Le chiffre d'affaires facturé toutes taxes comprises : ce que les factures demandent "
        "au client, acomptes déduits, avoirs en moins. " + _COUNTED
    ),
    Measure.GROSS_MARGIN: (
        "Le CA facturé HT moins les coûts des prestataires que les factures retiennent : pour "
        "les ventes au régime de la marge, le prix TTC moins les prix TTC des prestataires "
        "(leurs factures reçues, sinon la cotation), moins la TVA sur marge ; les prestations "
        "propres de l'agence (TVA normale) comptent pour leur HT, aucun achat ne leur étant "
        "rattaché. " + _COUNTED
    ),
    Measure.MARGIN_RATE: (
        "La marge brute divisée par le CA facturé HT, en pourcentage ; vide quand il n'y a pas "
        "de CA."
    ),
    Measure.MARGIN_VAT: (
        "La TVA due sur la marge des ventes au régime particulier des agences de voyages : "
        "20/120 de la marge TTC (prix TTC moins coûts TTC des prestataires), nulle sur une "
        "marge négative ; estimée sur les acomptes, régularisée par la facture de solde. Elle "
        "n'apparaît pas sur les factures. " + _COUNTED
    ),
    Measure.ORDER_BOOK: (
        "Le prix TTC des dossiers confirmés (ou réalisés) pas encore facturés : leur prix "
        "moins ce qui en est déjà facturé, avoirs déduits."
    ),
    Measure.QUOTES_PENDING: (
        "Les dossiers dont le devis est envoyé et sans réponse du client (ni confirmés, ni "
        "refusés, ni annulés), en nombre et en prix TTC."
    ),
    Measure.CONVERSION_RATE: (
        "Parmi les dossiers dont le devis a été envoyé sur la période, la part que le client a "
        "confirmée, en pourcentage du nombre de dossiers."
    ),
    Measure.UNPAID: (
        "Ce qui reste dû par les clients sur les factures émises et échues : leur TTC moins "
        "les règlements affectés et les avoirs."
    ),
    Measure.UNPAID_OVER_30: (
        "La part des impayés dont l'échéance est dépassée de plus de 30 jours."
    ),
    Measure.RECEIVABLES: (
        "Ce qui reste dû par les clients sur les factures émises, échues ou non : leur TTC "
        "moins les règlements affectés et les avoirs. Les impayés en sont la part échue."
    ),
    Measure.RECEIVABLES_NOT_DUE: (
        "La part des créances clients dont l'échéance n'est pas encore passée (ou sans échéance)."
    ),
    Measure.UNPAID_1_30: "La part des impayés dont l'échéance est dépassée de 1 à 30 jours.",
    Measure.UNPAID_31_60: "La part des impayés dont l'échéance est dépassée de 31 à 60 jours.",
    Measure.UNPAID_61_90: "La part des impayés dont l'échéance est dépassée de 61 à 90 jours.",
    Measure.UNPAID_OVER_90: (
        "La part des impayés dont l'échéance est dépassée de plus de 90 jours."
    ),
    Measure.PAYMENTS_RECEIVED: (
        "Les règlements des clients reçus du lundi au dimanche de la semaine, en nombre et en "
        "montant ; les remboursements n'en sont pas."
    ),
    Measure.DEPARTURES: (
        "Le nombre de dossiers confirmés dont le départ tombe du lundi au dimanche de la semaine."
    ),
}
