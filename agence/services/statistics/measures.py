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
    # Home pages
    FOLLOW_UPS_TODAY = "relances_jour"
    FOLLOW_UPS_LATE = "relances_retard"
    CLIENTS_TO_VISIT = "clients_a_voir"
    MY_QUOTES_PENDING = "mes_devis_attente"
    PIPELINE = "pipeline"
    MY_REVENUE = "mon_ca"
    CLIENT_OPTIONS_EXPIRING = "options_clients"
    SUPPLIER_OPTIONS_EXPIRING = "options_fournisseurs"
    SERVICES_TO_BOOK = "prestations_a_reserver"
    DEPARTURES_NEXT_DAYS = "departs_7_jours"
    GUIDINGS_WITHOUT_GUIDE = "guidages_sans_guide"
    DEPOSITS_TO_INVOICE = "acomptes_a_facturer"
    DONE_TO_INVOICE = "realises_a_facturer"
    CHORUS_TO_WATCH = "chorus_a_suivre"
    DEPARTURES_IN_PERIOD = "departs_periode"

    # Clients and prospecting
    REVENUE_CHANGE = "evolution_ca_ht"
    CLIENT_BOOKINGS = "dossiers_factures"
    PARTICIPANTS = "participants"
    LAST_BOOKING = "dernier_dossier"
    ABC_CLASS = "classe_abc"
    REVENUE_SHARE = "part_ca_ht"
    CUMULATIVE_SHARE = "part_cumulee_ca_ht"
    VISITS = "visites"
    CALLS = "appels"
    EMAILS = "emails"
    OTHER_CONTACTS = "autres_contacts"
    PROSPECTS_CREATED = "prospects_crees"
    PROSPECTS_CONVERTED = "prospects_convertis"
    PROSPECT_CONVERSION_RATE = "taux_conversion_prospects"
    QUOTES_SENT = "devis_envoyes"
    BOOKINGS_CONFIRMED = "dossiers_confirmes"
    CLIENTS_VISITED = "clients_visites"
    CLIENTS_QUOTED = "clients_devis"
    CLIENTS_CONFIRMED = "clients_confirmes"

    # Dossiers and services sold
    BOOKING_SALE = "vente_dossier"
    BOOKING_COST = "cout_dossier"
    BOOKING_MARGIN = "marge_dossier"
    BOOKING_MARGIN_RATE = "taux_marge_dossier"
    BOOKING_INVOICED = "facture_dossier"
    BOOKING_PAID = "regle_dossier"
    BOOKING_REMAINING = "reste_du_dossier"
    NOT_INVOICED = "confirme_non_facture"
    UNDER_INVOICED = "sous_facture"
    BOOKING_UNPAID = "impaye_dossier"
    SOLD_SALE = "ventes_prestations"
    SOLD_COST = "achats_prestations"
    SOLD_MARGIN = "marge_prestations"
    SOLD_MARGIN_RATE = "taux_marge_prestations"
    SOLD_UNITS = "quantites_vendues"
    SOLD_PERSONS = "participants_vendus"
    SOLD_BOOKINGS = "dossiers_vendus"
    FEES_AND_ROUNDING = "frais_arrondis"

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
    # Home pages
    Measure.FOLLOW_UPS_TODAY: "Relances du jour",
    Measure.FOLLOW_UPS_LATE: "Relances en retard",
    Measure.CLIENTS_TO_VISIT: "Clients à voir",
    Measure.MY_QUOTES_PENDING: "Mes devis sans réponse",
    Measure.PIPELINE: "Mon pipeline",
    Measure.MY_REVENUE: "Mon CA facturé HT",
    Measure.CLIENT_OPTIONS_EXPIRING: "Options clients qui expirent",
    Measure.SUPPLIER_OPTIONS_EXPIRING: "Options fournisseurs qui expirent",
    Measure.SERVICES_TO_BOOK: "Prestations à réserver",
    Measure.DEPARTURES_NEXT_DAYS: "Départs des 7 prochains jours",
    Measure.GUIDINGS_WITHOUT_GUIDE: "Guidages sans guide",
    Measure.DEPOSITS_TO_INVOICE: "Acomptes à facturer",
    Measure.DONE_TO_INVOICE: "Réalisés à facturer",
    Measure.CHORUS_TO_WATCH: "Chorus : dépôts en attente ou rejetés",
    Measure.DEPARTURES_IN_PERIOD: "Départs",
    # Clients and prospecting
    Measure.REVENUE_CHANGE: "Évolution du CA HT",
    Measure.CLIENT_BOOKINGS: "Dossiers facturés",
    Measure.PARTICIPANTS: "Participants",
    Measure.LAST_BOOKING: "Dernier dossier",
    Measure.ABC_CLASS: "Classe ABC",
    Measure.REVENUE_SHARE: "Part du CA HT",
    Measure.CUMULATIVE_SHARE: "Part cumulée du CA HT",
    Measure.VISITS: "Visites",
    Measure.CALLS: "Appels",
    Measure.EMAILS: "E-mails",
    Measure.OTHER_CONTACTS: "Autres contacts",
    Measure.PROSPECTS_CREATED: "Prospects créés",
    Measure.PROSPECTS_CONVERTED: "Prospects convertis",
    Measure.PROSPECT_CONVERSION_RATE: "Taux de conversion des prospects",
    Measure.QUOTES_SENT: "Devis envoyés",
    Measure.BOOKINGS_CONFIRMED: "Dossiers confirmés",
    Measure.CLIENTS_VISITED: "Clients visités",
    Measure.CLIENTS_QUOTED: "Clients avec devis",
    Measure.CLIENTS_CONFIRMED: "Clients avec dossier confirmé",
    # Dossiers and services sold
    Measure.BOOKING_SALE: "Vente TTC",
    Measure.BOOKING_COST: "Coût TTC",
    Measure.BOOKING_MARGIN: "Marge",
    Measure.BOOKING_MARGIN_RATE: "Marge %",
    Measure.BOOKING_INVOICED: "Facturé TTC",
    Measure.BOOKING_PAID: "Réglé",
    Measure.BOOKING_REMAINING: "Reste dû",
    Measure.NOT_INVOICED: "Confirmé non facturé",
    Measure.UNDER_INVOICED: "Sous-facturé",
    Measure.BOOKING_UNPAID: "Impayé",
    Measure.SOLD_SALE: "Ventes TTC",
    Measure.SOLD_COST: "Achats TTC",
    Measure.SOLD_MARGIN: "Marge",
    Measure.SOLD_MARGIN_RATE: "Marge %",
    Measure.SOLD_UNITS: "Quantités",
    Measure.SOLD_PERSONS: "Participants",
    Measure.SOLD_BOOKINGS: "Dossiers",
    Measure.FEES_AND_ROUNDING: "Frais de dossier et arrondis",
}

_COUNTED = (
    "Seules les factures émises comptent, à leur date d'émission ; un brouillon ne compte "
    "jamais. Un avoir diminue le chiffre d'affaires à sa propre date d'émission, pas à celle "
    "de la facture qu'il corrige. Une facture d'acompte compte à son émission, la facture de "
    "solde pour ce qu'elle ajoute aux acomptes qu'elle déduit. Un dossier annulé ne compte que "
    "ce qui lui reste facturé (ses frais d'annulation)."
)

_SOLD = (
    "Un dossier est vendu quand il est confirmé, réalisé, facturé ou soldé : les demandes, "
    "devis et options n'en sont pas, un dossier annulé non plus (ses prestations ne sont pas "
    "achetées)."
)
_QUOTED = (
    "Les prestations sont celles de la version en cours du dossier, telles que sa cotation "
    "les chiffre pour son groupe, arrondies au centime par prestation."
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
    # Home pages
    Measure.FOLLOW_UPS_TODAY: (
        "Les clients et prospects dont vous êtes le commercial et dont la prochaine action est "
        "prévue aujourd'hui."
    ),
    Measure.FOLLOW_UPS_LATE: (
        "Les clients et prospects dont vous êtes le commercial et dont la prochaine action "
        "était prévue avant aujourd'hui."
    ),
    Measure.CLIENTS_TO_VISIT: (
        "Vos clients et prospects actifs sans visite depuis le nombre de mois fixé dans les "
        "paramètres (« Clients à voir »), ou jamais visités."
    ),
    Measure.MY_QUOTES_PENDING: (
        "Les dossiers dont vous êtes le commercial, au devis envoyé et sans réponse du client "
        "(ni confirmés, ni refusés, ni annulés), en nombre et en prix TTC."
    ),
    Measure.PIPELINE: (
        "Le prix TTC des dossiers dont vous êtes le commercial et qui ne sont pas encore "
        "confirmés : demandes, devis envoyés et options."
    ),
    Measure.MY_REVENUE: (
        "Le chiffre d'affaires facturé hors taxes des dossiers dont vous êtes le commercial, "
        "depuis le 1er janvier, à côté de la même période de l'année précédente. " + _COUNTED
    ),
    Measure.CLIENT_OPTIONS_EXPIRING: (
        "Les dossiers en option dont l'option posée pour le client tombe dans les 7 prochains "
        "jours ou est déjà échue."
    ),
    Measure.SUPPLIER_OPTIONS_EXPIRING: (
        "Les prestations en option chez un fournisseur (dossiers non annulés) dont l'option "
        "tombe dans les 7 prochains jours ou est déjà échue."
    ),
    Measure.SERVICES_TO_BOOK: (
        "Les prestations de fournisseurs des dossiers confirmés encore à demander ou seulement "
        "en option, pas réservées pour de bon ; le nombre de dossiers concernés en regard."
    ),
    Measure.DEPARTURES_NEXT_DAYS: (
        "Le nombre de dossiers confirmés dont le départ tombe entre aujourd'hui et les 7 jours "
        "qui suivent."
    ),
    Measure.GUIDINGS_WITHOUT_GUIDE: (
        "Les créneaux de programme d'une prestation de type « Guidage », dans les dossiers "
        "confirmés qui partent dans les 30 prochains jours, auxquels aucun guide n'est affecté."
    ),
    Measure.DEPOSITS_TO_INVOICE: (
        "Les dossiers confirmés dont les conditions de règlement du client (les siennes, sinon "
        "celles de l'agence par défaut) demandent un acompte à la commande, et qui n'ont encore "
        "aucune facture émise : la date de l'acompte est passée."
    ),
    Measure.DONE_TO_INVOICE: (
        "Les dossiers réalisés qui ne sont pas encore passés au statut facturé, avec ce qu'il "
        "leur reste à facturer (leur prix moins ce qui en est déjà facturé, avoirs déduits)."
    ),
    Measure.DEPARTURES_IN_PERIOD: (
        "Le nombre de dossiers confirmés (ou depuis réalisés, facturés ou soldés) dont le "
        "départ tombe dans la période."
    ),
    Measure.CHORUS_TO_WATCH: (
        "Les factures émises pour un acheteur public (avec un code service Chorus Pro) dont le "
        "dépôt reste à faire, est en cours, incertain ou en échec, et celles que Chorus Pro a "
        "suspendues ou rejetées."
    ),
    # Clients and prospecting
    Measure.REVENUE_CHANGE: (
        "L'écart du CA facturé HT de la période avec celui de la période de comparaison, en "
        "pourcentage du CA HT de la comparaison ; vide quand la comparaison n'a pas de CA."
    ),
    Measure.CLIENT_BOOKINGS: (
        "Le nombre de dossiers dont une facture émise (ou un avoir) compte dans le CA de la "
        "période : émise sur la période, ou d'un dossier dont le départ ou la création tombe "
        "dans la période quand la période lit ces dates."
    ),
    Measure.PARTICIPANTS: (
        "Les participants de ces dossiers : payants, gratuits et accompagnateurs, tels que le "
        "dossier les compte aujourd'hui."
    ),
    Measure.LAST_BOOKING: (
        "Le dossier du client dont le départ est le plus récent (ou à venir), quelle que soit "
        "la période, hors dossiers annulés ou supprimés : sa référence et sa date de départ."
    ),
    Measure.ABC_CLASS: (
        "Le classement des clients par CA facturé HT décroissant : A pour les clients qui font "
        "les premiers 80 % du CA (un client est A tant que ceux qui le précèdent font moins de "
        "80 %), B pour les 15 % suivants, C pour les autres, et ceux sans CA positif."
    ),
    Measure.REVENUE_SHARE: (
        "Le CA facturé HT d'une ligne en pourcentage du CA facturé HT de tous les clients."
    ),
    Measure.CUMULATIVE_SHARE: (
        "Le CA facturé HT du client et de ceux qui le précèdent dans le classement, en "
        "pourcentage du CA facturé HT de tous les clients."
    ),
    Measure.VISITS: (
        "Les comptes rendus validés de type « Visite » datés de la période, par leur auteur ; "
        "un brouillon ne compte pas."
    ),
    Measure.CALLS: (
        "Les comptes rendus validés de type « Appel » datés de la période, par leur auteur ; "
        "un brouillon ne compte pas."
    ),
    Measure.EMAILS: (
        "Les comptes rendus validés de type « E-mail » datés de la période, par leur auteur ; "
        "un brouillon ne compte pas."
    ),
    Measure.OTHER_CONTACTS: (
        "Les autres comptes rendus validés datés de la période (réunions, salons et "
        "éductours), par leur auteur ; un brouillon ne compte pas."
    ),
    Measure.PROSPECTS_CREATED: (
        "Les fiches de clients et prospects créées sur la période (date de création de la "
        "fiche, importées comprises), quel que soit leur statut aujourd'hui, par commercial "
        "de la fiche ; une fiche supprimée ne compte pas."
    ),
    Measure.PROSPECTS_CONVERTED: (
        "Parmi les prospects créés sur la période, ceux qui ont à ce jour au moins un dossier "
        "confirmé (un passage au statut « confirmé » dans son historique, même annulé depuis)."
    ),
    Measure.PROSPECT_CONVERSION_RATE: (
        "Les prospects convertis en pourcentage des prospects créés sur la période ; vide "
        "quand aucun prospect n'a été créé."
    ),
    Measure.QUOTES_SENT: (
        "Les dossiers dont le devis a été envoyé sur la période (date du premier envoi), par "
        "commercial du dossier."
    ),
    Measure.BOOKINGS_CONFIRMED: (
        "Les dossiers passés au statut « confirmé » sur la période (date du passage dans leur "
        "historique), même annulés depuis, par commercial du dossier."
    ),
    Measure.CLIENTS_VISITED: (
        "Les clients et prospects rencontrés sur la période : au moins un compte rendu validé "
        "de visite, de réunion ou de salon daté de la période ; chacun compté une fois."
    ),
    Measure.CLIENTS_QUOTED: (
        "Parmi les clients rencontrés sur la période, ceux dont un dossier a eu son devis "
        "envoyé sur la période."
    ),
    Measure.CLIENTS_CONFIRMED: (
        "Parmi les clients rencontrés et ayant reçu un devis sur la période, ceux dont un "
        "dossier est passé au statut « confirmé » sur la période."
    ),
    # Dossiers and services sold
    Measure.BOOKING_SALE: (
        "Le prix TTC que le client paie pour le dossier (sa version en cours, frais de dossier "
        "compris). Un dossier annulé ne compte que ce qui lui reste facturé : ses frais "
        "d'annulation (ses factures émises moins ses avoirs)."
    ),
    Measure.BOOKING_COST: (
        "Ce que coûtent TTC les prestations des fournisseurs du dossier, gratuités des "
        "fournisseurs déduites. " + _QUOTED + " Nul pour un dossier annulé : ses prestations "
        "ne sont pas achetées."
    ),
    Measure.BOOKING_MARGIN: (
        "La vente TTC moins le coût TTC du dossier, avant la TVA sur marge ; vide tant que le "
        "coût du dossier n'est pas calculé."
    ),
    Measure.BOOKING_MARGIN_RATE: (
        "La marge divisée par la vente TTC, en pourcentage ; vide quand il n'y a pas de vente."
    ),
    Measure.BOOKING_INVOICED: (
        "Ce que les factures émises du dossier demandent au client à ce jour, quelle que soit "
        "leur date : ses acomptes, sa facture de solde pour ce qu'elle ajoute aux acomptes "
        "qu'elle déduit, ses avoirs en moins. Un brouillon ne compte pas. Pour des dossiers "
        "dont toutes les factures tombent dans une période, leur somme est le CA facturé TTC "
        "de la période."
    ),
    Measure.BOOKING_PAID: (
        "Les règlements du client affectés aux factures du dossier (lettrage), remboursements "
        "déduits."
    ),
    Measure.BOOKING_REMAINING: (
        "Le facturé TTC moins le réglé : ce que le client doit encore sur le dossier ; négatif "
        "quand il a payé plus que ce qui reste facturé (un avoir après règlement)."
    ),
    Measure.NOT_INVOICED: (
        "Un dossier confirmé ou réalisé dont rien n'est facturé (aucune facture émise, ou "
        "des avoirs qui les annulent) ; le montant est son prix."
    ),
    Measure.UNDER_INVOICED: (
        "Un dossier vendu dont le facturé TTC est inférieur au prix de plus d'un demi-centime, "
        "déjà facturé en partie ou marqué facturé ou soldé ; le montant est l'écart entre le "
        "prix et le facturé."
    ),
    Measure.BOOKING_UNPAID: (
        "Un dossier dont une facture émise (acompte ou solde) a passé son échéance sans être "
        "réglée : le montant est ce qui reste dû sur ses factures échues, comme dans la liste "
        "des impayés."
    ),
    Measure.SOLD_SALE: (
        "Le prix de vente TTC des prestations des dossiers vendus, avant les frais de dossier "
        "et l'arrondi du prix par payant. " + _QUOTED + " " + _SOLD
    ),
    Measure.SOLD_COST: (
        "Ce que coûtent TTC les prestations des dossiers vendus, gratuités des fournisseurs "
        "déduites : les achats aux fournisseurs. " + _QUOTED + " " + _SOLD
    ),
    Measure.SOLD_MARGIN: (
        "Les ventes TTC des prestations moins leurs achats TTC, avant frais de dossier, arrondi "
        "et TVA sur marge. " + _SOLD
    ),
    Measure.SOLD_MARGIN_RATE: (
        "La marge des prestations divisée par leurs ventes TTC, en pourcentage ; vide quand il "
        "n'y a pas de vente."
    ),
    Measure.SOLD_UNITS: (
        "Les unités payées aux fournisseurs : les personnes (gratuités des fournisseurs "
        "déduites) pour une prestation par personne, les autocars, guides ou salles pour une "
        "prestation au groupe. " + _SOLD
    ),
    Measure.SOLD_PERSONS: (
        "Les participants pour qui la prestation est achetée (payants, gratuits et "
        "accompagnateurs qui la consomment), additionnés sur les dossiers. " + _SOLD
    ),
    Measure.SOLD_BOOKINGS: "Le nombre de dossiers vendus qui comptent la prestation. " + _SOLD,
    Measure.FEES_AND_ROUNDING: (
        "Ce que le prix des dossiers vendus ajoute aux ventes de leurs prestations : les frais "
        "de dossier (par groupe et par personne) et l'arrondi du prix par payant. Le prix des "
        "dossiers est la somme des deux."
    ),
}
