"""The built-in letter and e-mail texts: what every document says until the agency edits its
own templates. They are templates themselves (same placeholders, same sandbox) and the tests
check them like any edited text.

The general terms of sale follow the Code du tourisme as rewritten in 2018 (articles L211-1 and
following, R211-3 and following); article numbers live here, in editable text, not in code, so
that the agency's legal adviser can correct them without a release. [VERIFY: have them read by
a lawyer before go-live; the minimum-number deadlines and the 8 % threshold are L211-12/L211-14.]

Prose is written wrapped for the source; `_prose` joins the lines of a paragraph, keeps blank
lines between paragraphs and starts a new line at each « – » list item.
"""

from __future__ import annotations

import textwrap

from agence.services.documents.content import DocumentKind


def _prose(text: str) -> str:
    """One paragraph per blank-line separated block, its source lines joined by spaces."""
    paragraphs = []
    for block in textwrap.dedent(text).strip().split("\n\n"):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if lines and not line.startswith("– "):
                lines[-1] += " " + line
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


GREETING_FR = (
    "{% if destinataire.nom %}Bonjour {{ destinataire.nom }},{% else %}Bonjour,{% endif %}"
)
GREETING_EN = "{% if destinataire.nom %}Dear {{ destinataire.nom }},{% else %}Hello,{% endif %}"
SIGNATURE_FR = (
    "Bien cordialement,\n\n"
    "{{ utilisateur.nom }}\n"
    "{{ agence.nom }}\n"
    "{% if agence.telephone %}{{ agence.telephone }}\n{% endif %}"
)
SIGNATURE_EN = (
    "Kind regards,\n\n"
    "{{ utilisateur.nom }}\n"
    "{{ agence.nom }}\n"
    "{% if agence.telephone %}{{ agence.telephone }}\n{% endif %}"
)

DATES_FR = (
    "{% if dossier.date_fin and dossier.date_fin != dossier.date_debut %}"
    "du {{ dossier.date_debut|date }} au {{ dossier.date_fin|date }}"
    "{% else %}le {{ dossier.date_debut|date_longue }}{% endif %}"
)
DATES_EN = (
    "{% if dossier.date_fin and dossier.date_fin != dossier.date_debut %}"
    "from {{ dossier.date_debut|date }} to {{ dossier.date_fin|date }}"
    "{% else %}on {{ dossier.date_debut|date_longue }}{% endif %}"
)


def _email(greeting: str, body: str, signature: str) -> str:
    return f"{greeting}\n\n{_prose(body)}\n\n{signature}"


# --- Client documents: French ----------------------------------------------------------------

NOT_INCLUDED_FR = _prose(
    """
    – les dépenses personnelles et les pourboires ;
    – les boissons et les repas non mentionnés au programme ;
    – l'assurance annulation, assistance et rapatriement ;
    – les entrées, visites et transports non mentionnés au programme ;
    – d'une manière générale, toute prestation qui ne figure pas dans « Le prix comprend ».
    """
)

TERMS_FR = _prose(
    """
    1. Champ d'application. Les présentes conditions générales s'appliquent aux voyages,
    séjours, excursions et prestations touristiques vendus aux groupes par {{ agence.nom }}{% if
    agence.immatriculation %}, immatriculée au registre des opérateurs de voyages et de séjours
    tenu par Atout France sous le numéro {{ agence.immatriculation }}{% endif %}. Elles sont
    établies conformément aux articles L211-1 et suivants et R211-3 et suivants du Code du
    tourisme. Les informations figurant au devis (programme, prix, prestations comprises et non
    comprises, barème d'annulation) constituent l'information précontractuelle et font partie
    du contrat ; elles ne peuvent être modifiées que d'un commun accord. Lorsque la prestation
    constitue un forfait touristique, le formulaire d'information standard prévu par la
    réglementation est remis au client avant la conclusion du contrat.

    2. Inscription et acompte. L'inscription du groupe devient définitive à la réception par
    l'agence du devis ou du contrat daté et signé par une personne habilitée à engager le client,
    accompagné de l'acompte. Sauf conditions particulières indiquées au contrat, l'acompte
    s'élève à 30 % du prix total. Les prestations sont réservées dans la limite des
    disponibilités au moment de la confirmation ; à défaut, l'agence propose des prestations
    équivalentes ou rembourse les sommes versées. L'effectif définitif et la liste nominative
    des participants sont communiqués à l'agence au plus tard 15 jours avant le départ.

    3. Solde. Le solde du prix est réglé au plus tard 30 jours avant le départ, sauf échéancier
    différent indiqué au contrat, sans relance de la part de l'agence. Pour une inscription à
    moins de 30 jours du départ, la totalité du prix est exigible à l'inscription. À défaut de
    paiement du solde à l'échéance, l'agence peut, après une mise en demeure restée sans effet,
    considérer le contrat comme résolu du fait du client et appliquer les frais prévus au
    barème d'annulation. Pour les clients professionnels, tout retard de paiement entraîne de
    plein droit des pénalités au taux de trois fois le taux d'intérêt légal et une indemnité
    forfaitaire pour frais de recouvrement de 40 € (articles L441-10 et D441-5 du Code de
    commerce). Les établissements publics règlent par mandat administratif sur présentation de
    la facture, dans le délai légal de paiement.

    4. Prix. Les prix sont exprimés en euros, toutes taxes comprises, par participant payant et
    pour le groupe. Ils sont calculés pour le nombre de participants payants, les dates et le
    programme figurant au devis ; les gratuités accordées y sont précisées. Une diminution de
    l'effectif payant peut entraîner une révision du prix par participant selon la grille
    tarifaire du devis. Le prix ne comprend que les prestations expressément mentionnées.
    Conformément à l'article L211-12 du Code du tourisme, le prix peut être révisé, à la hausse
    comme à la baisse, pour tenir compte de l'évolution du coût du transport de passagers
    résultant du prix du carburant ou d'autres sources d'énergie, du niveau des taxes et
    redevances sur les services compris, ou des taux de change. Aucune majoration ne peut
    intervenir moins de 20 jours avant le départ ; si la majoration dépasse 8 % du prix total,
    le client peut résoudre le contrat sans frais.

    5. Modification par le client. Toute demande de modification (dates, programme, effectif,
    prestations) est adressée par écrit à l'agence. Elle est satisfaite dans la mesure des
    disponibilités et peut entraîner une modification du prix, constatée par un avenant au
    contrat ; les frais facturés par les prestataires du fait de la modification restent à la
    charge du client. Conformément à l'article L211-11 du Code du tourisme, le client peut céder
    le contrat à un cessionnaire remplissant les mêmes conditions, en informant l'agence par
    écrit au plus tard 7 jours avant le départ ; le cédant et le cessionnaire sont
    solidairement responsables du paiement du solde et des frais supplémentaires
    occasionnés par la cession.

    6. Modification par l'agence. Avant le départ, l'agence peut apporter au contrat une
    modification mineure, dont elle informe le client de manière claire et compréhensible sur un
    support durable. Si elle est contrainte de modifier un élément essentiel du contrat ou ne
    peut satisfaire une exigence particulière qu'elle a acceptée, elle en informe le client sans
    délai ; celui-ci peut accepter la modification proposée ou résoudre le contrat sans frais
    dans le délai indiqué par l'agence (article L211-13 du Code du tourisme). En cas de
    résolution, les sommes versées sont remboursées au plus tard dans les 14 jours.

    7. Annulation par le client. Le client peut résoudre le contrat à tout moment avant le
    départ, par lettre ou par courrier électronique ; la date de réception par l'agence
    détermine les frais. Conformément à l'article L211-14 du Code du tourisme, la résolution
    donne lieu aux frais figurant au barème d'annulation indiqué au devis et au contrat,
    calculés sur le prix total des prestations annulées. L'annulation d'une partie des
    participants est traitée de la même manière pour les places annulées et peut entraîner la
    révision du prix par participant prévue à l'article 4. Les primes d'assurance et les frais de
    visa ne sont pas remboursables. Aucuns frais ne sont dus lorsque des circonstances
    exceptionnelles et inévitables, survenant au lieu de destination ou à proximité immédiate,
    ont des conséquences importantes sur l'exécution du contrat ou sur le transport des
    participants vers la destination ; le client a droit alors au remboursement intégral des
    sommes versées, sans dédommagement supplémentaire. Une prestation non consommée du fait du
    client ou d'un participant (retard, absence, abandon en cours de voyage) ne donne lieu à
    aucun remboursement.

    8. Annulation par l'agence. L'agence peut résoudre le contrat, en remboursant
    intégralement les sommes versées sans autre dédommagement, lorsque le nombre minimal de
    participants indiqué au contrat n'est pas atteint, à condition d'en informer le client au
    plus tard 20 jours avant le départ pour un voyage de plus de six jours, 7 jours pour un
    voyage de deux à six jours et 48 heures pour un voyage de moins de deux jours, ou lorsqu'elle
    est empêchée d'exécuter le contrat par des circonstances exceptionnelles et inévitables,
    notifiées au client sans retard avant le départ. Dans les autres cas, le client a droit, en
    plus du remboursement intégral, à un dédommagement approprié. Le remboursement intervient au
    plus tard dans les 14 jours suivant la résolution.

    9. Responsabilité. Conformément à l'article L211-16 du Code du tourisme, l'agence est
    responsable de plein droit de l'exécution des services de voyage prévus au contrat, que ces
    services soient exécutés par elle-même ou par d'autres prestataires. Elle peut s'exonérer de
    tout ou partie de sa responsabilité en apportant la preuve que le dommage est imputable soit
    au client ou à un participant, soit à un tiers étranger à la fourniture des services compris
    dans le contrat et revêtant un caractère imprévisible ou inévitable, soit à des
    circonstances exceptionnelles et inévitables. Sauf en cas de préjudice corporel ou de
    dommage causé intentionnellement ou par négligence, les dommages et intérêts éventuellement
    dus par l'agence sont limités à trois fois le prix total du voyage (article L211-17). Le
    client signale sans délai à l'agence, de préférence sur place, toute non-conformité
    constatée pendant le voyage afin qu'il puisse y être remédié ; l'agence apporte une aide
    appropriée aux participants en difficulté. Le client veille au respect par les participants
    des horaires, des règlements des lieux visités et des consignes des guides et
    accompagnateurs ; les dommages causés par un participant restent à sa charge.

    10. Assurances. L'agence dispose d'une garantie financière et d'une assurance de
    responsabilité civile professionnelle conformément à l'article L211-18 du Code du tourisme ;
    leurs coordonnées figurent dans les mentions légales de ses documents. Aucune assurance
    annulation, assistance ou rapatriement n'est comprise dans le prix, sauf mention contraire
    au devis : l'agence recommande vivement au client d'en souscrire une pour le groupe.

    11. Formalités et besoins particuliers. Les participants doivent être munis des documents
    d'identité et, le cas échéant, des autorisations (autorisation de sortie du territoire des
    mineurs) exigés pour le voyage. Le client signale à l'agence, dès l'inscription, les
    participants à mobilité réduite et les régimes alimentaires particuliers ; l'agence
    précise dans quelle mesure ces besoins peuvent être satisfaits.

    12. Réclamations et médiation. Toute réclamation est adressée par écrit à {{ agence.nom
    }}{% if agence.email %} ({{ agence.email }}){% endif %}, de préférence dans les 30 jours
    suivant le retour, avec les justificatifs. À défaut de réponse satisfaisante dans un délai de
    60 jours, le client consommateur peut saisir gratuitement le Médiateur du Tourisme et du
    Voyage (MTV Médiation Tourisme Voyage, BP 80 303, 75823 Paris Cedex 17, www.mtv.travel),
    conformément aux articles L612-1 et suivants du Code de la consommation.

    13. Données personnelles. Les données personnelles du client et des participants sont
    traitées par l'agence pour la réservation et l'exécution du voyage, la facturation et le
    respect de ses obligations légales ; seules les données nécessaires sont transmises aux
    prestataires (hébergements, transporteurs, sites visités). Elles sont conservées pendant la
    durée de la relation commerciale puis pendant les durées légales de conservation.
    Conformément au règlement (UE) 2016/679 et à la loi « Informatique et libertés », chacun
    dispose d'un droit d'accès, de rectification, d'effacement, de limitation et d'opposition,
    qu'il exerce auprès de l'agence{% if agence.email %} à l'adresse {{ agence.email }}{% endif
    %} ; une réclamation peut être adressée à la CNIL (www.cnil.fr). Le client informe les
    participants de ces traitements.

    14. Droit applicable. Le contrat est soumis au droit français.
    """
)

QUOTE_FR = {
    "email_subject": "Votre devis {{ dossier.reference }} – {{ dossier.titre }}",
    "email_body": _email(
        GREETING_FR,
        f"""
        Nous vous remercions de votre demande. Vous trouverez ci-joint notre proposition pour
        « {{{{ dossier.titre }}}} » {DATES_FR}, établie pour {{{{ dossier.nb_personnes }}}}
        personnes.

        Le montant total s'élève à {{{{ montant|euros }}}}, soit
        {{{{ dossier.prix_par_payant|euros }}}} par participant payant.{{% if dossier.validite
        %}} Cette offre est valable jusqu'au {{{{ dossier.validite|date }}}}.{{% endif %}}

        Nous restons à votre disposition pour adapter ce programme à vos souhaits.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        """
        Suite à votre demande, nous avons le plaisir de vous soumettre notre proposition pour
        « {{ dossier.titre }} », établie pour {{ dossier.nb_payants }} participants payants{%
        if dossier.nb_gratuits %} et {{ dossier.nb_gratuits }} gratuité(s){% endif %}. Vous
        trouverez ci-dessous le programme détaillé et les prestations comprises dans le prix.
        """
    ),
    "not_included": NOT_INCLUDED_FR,
    "terms": TERMS_FR,
    "closing": _prose(
        """
        Nous espérons que cette proposition retiendra votre attention. Pour confirmer votre
        réservation, il vous suffit de nous retourner ce devis daté et signé, avec la mention
        « Bon pour accord »{% if dossier.validite %}, avant le {{ dossier.validite|date }}{%
        endif %}. Les prestations restent soumises à disponibilité au moment de la confirmation.

        {{ commercial.nom }} se tient à votre disposition pour tout renseignement{% if
        commercial.telephone %} au {{ commercial.telephone }}{% endif %}{% if commercial.email
        %} ou par e-mail à {{ commercial.email }}{% endif %}.
        """
    ),
}

CONTRACT_FR = {
    "email_subject": "Votre contrat {{ dossier.reference }} – {{ dossier.titre }}",
    "email_body": _email(
        GREETING_FR,
        f"""
        Nous vous remercions de votre confiance. Vous trouverez ci-joint le contrat de voyage
        pour « {{{{ dossier.titre }}}} » {DATES_FR}, d'un montant total de
        {{{{ montant|euros }}}}.

        Merci de nous le retourner daté et signé, accompagné de l'acompte prévu à l'échéancier :
        votre réservation sera alors définitive.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        """
        Le présent contrat est conclu entre {{ agence.nom }} et {{ client.nom }} pour
        « {{ dossier.titre }} », pour {{ dossier.nb_payants }} participants payants{% if
        dossier.nb_gratuits %}, {{ dossier.nb_gratuits }} gratuité(s){% endif %}{% if
        dossier.nb_accompagnateurs %} et {{ dossier.nb_accompagnateurs }} accompagnateur(s){%
        endif %}. Il comprend le programme et les prestations ci-dessous, le prix et
        l'échéancier de paiement, le barème d'annulation et les conditions générales de vente,
        conformément aux articles L211-1 et suivants du Code du tourisme.
        """
    ),
    "not_included": NOT_INCLUDED_FR,
    "terms": TERMS_FR,
    "closing": _prose(
        """
        Le client reconnaît avoir reçu, avant la signature du présent contrat, l'information
        précontractuelle et, s'il s'agit d'un forfait touristique, le formulaire d'information
        standard, et avoir pris connaissance des conditions particulières et générales de vente,
        qu'il accepte.

        Fait en deux exemplaires. Signature du client, précédée de la mention « Lu et
        approuvé » :
        """
    ),
}

AMENDMENT_FR = {
    "email_subject": "Avenant n° {{ avenant.numero }} au contrat {{ dossier.reference }}",
    "email_body": _email(
        GREETING_FR,
        """
        Vous trouverez ci-joint l'avenant n° {{ avenant.numero }} au contrat
        {{ dossier.reference }} – « {{ dossier.titre }} »{% if avenant.motif %}, établi pour le
        motif suivant : {{ avenant.motif }}{% endif %}.

        Le nouveau montant total s'élève à {{ montant|euros }} (écart :
        {{ avenant.ecart|euros }}). Merci de nous retourner l'avenant daté et signé.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        """
        Le présent avenant n° {{ avenant.numero }} modifie le contrat {{ dossier.reference }}
        conclu entre {{ agence.nom }} et {{ client.nom }} pour « {{ dossier.titre }} ».{% if
        avenant.motif %} Motif : {{ avenant.motif }}.{% endif %} Les modifications apportées
        sont détaillées ci-dessous.
        """
    ),
    "closing": _prose(
        """
        Nouveau montant total : {{ montant|euros }}, soit un écart de {{ avenant.ecart|euros }}
        par rapport à la version précédente. Les autres clauses du contrat, dont les conditions
        générales de vente et le barème d'annulation, demeurent inchangées.

        Signature du client, précédée de la mention « Lu et approuvé » :
        """
    ),
}

PROFORMA_FR = {
    "email_subject": "Facture pro forma – dossier {{ dossier.reference }}",
    "email_body": _email(
        GREETING_FR,
        f"""
        Vous trouverez ci-joint la facture pro forma du dossier {{{{ dossier.reference }}}} –
        « {{{{ dossier.titre }}}} » {DATES_FR}, d'un montant de {{{{ montant|euros }}}}. Elle
        vous permet d'engager la dépense (bon de commande, demande de subvention, mandat
        administratif) ; la facture vous sera adressée à la confirmation.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        f"""
        Facture pro forma établie pour « {{{{ dossier.titre }}}} » {DATES_FR}, pour
        {{{{ dossier.nb_personnes }}}} personnes dont {{{{ dossier.nb_payants }}}} participants
        payants.
        """
    ),
    "closing": _prose(
        """
        Ce document est établi à titre indicatif : il n'est pas une facture et ne peut donner
        lieu à aucune déduction ni à aucun paiement comptabilisé comme tel. La facture
        correspondante vous sera adressée à la confirmation du dossier.
        """
    ),
}

ROAD_BOOK_FR = {
    "email_subject": "Votre convocation – {{ dossier.titre }} – {{ dossier.date_debut|date }}",
    "email_body": _email(
        GREETING_FR,
        """
        Le départ approche ! Vous trouverez ci-joint la convocation et le programme détaillé de
        « {{ dossier.titre }} » ({{ dossier.reference }}).{% if dossier.lieu_rdv %} Rendez-vous
        le {{ dossier.date_debut|date_longue }}{% if dossier.heure_debut %} à
        {{ dossier.heure_debut }}{% endif %} : {{ dossier.lieu_rdv }}.{% endif %}

        Merci de transmettre ces informations à l'ensemble des participants.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        """
        Nous avons le plaisir de vous adresser le programme détaillé de « {{ dossier.titre }} »
        pour votre groupe de {{ dossier.nb_personnes }} personnes.{% if dossier.lieu_rdv %}
        Rendez-vous le {{ dossier.date_debut|date_longue }}{% if dossier.heure_debut %} à
        {{ dossier.heure_debut }}{% endif %} : {{ dossier.lieu_rdv }}.{% endif %} Nous vous
        remercions de respecter les horaires indiqués : les visites sont réservées à heure fixe.
        """
    ),
    "closing": _prose(
        """
        En cas d'imprévu le jour du départ, contactez sans attendre {{ commercial.nom }}{% if
        commercial.telephone %} au {{ commercial.telephone }}{% endif %} ou l'agence{% if
        agence.telephone %} au {{ agence.telephone }}{% endif %}. Nous vous souhaitons un
        excellent voyage !
        """
    ),
}

# --- Supplier documents: French ----------------------------------------------------------------

SUPPLIER_REQUEST_FR = {
    "email_subject": (
        "Demande de réservation – {{ dossier.reference }} – {{ dossier.date_debut|date }}"
    ),
    "email_body": _email(
        GREETING_FR,
        f"""
        Nous souhaitons réserver les prestations détaillées dans la demande ci-jointe pour un
        groupe de {{{{ dossier.nb_personnes }}}} personnes {DATES_FR}.

        Merci de nous confirmer leur disponibilité{{% if fournisseur.reponse_avant %}} avant le
        {{{{ fournisseur.reponse_avant|date }}}}{{% endif %}}, en rappelant notre référence
        {{{{ dossier.reference }}}}.
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        f"""
        Madame, Monsieur, nous vous remercions de bien vouloir réserver les prestations
        ci-dessous pour notre groupe « {{{{ dossier.groupe }}}} » de
        {{{{ dossier.nb_personnes }}}} personnes ({{{{ dossier.nb_payants }}}} participants,
        {{{{ dossier.nb_gratuits + dossier.nb_accompagnateurs }}}} accompagnateurs et
        gratuités), {DATES_FR}.
        """
    ),
    "closing": _prose(
        """
        Merci de nous retourner cette demande confirmée{% if fournisseur.reponse_avant %} avant
        le {{ fournisseur.reponse_avant|date }}{% endif %}, avec vos conditions d'annulation et,
        le cas échéant, la date limite de l'option. La facture est à adresser à
        {{ agence.nom }} en rappelant notre référence {{ dossier.reference }}.
        """
    ),
}

VOUCHER_FR = {
    "email_subject": "Bon d'échange – {{ dossier.reference }} – {{ dossier.date_debut|date }}",
    "email_body": _email(
        GREETING_FR,
        f"""
        Vous trouverez ci-joint le bon d'échange des prestations confirmées pour notre groupe
        « {{{{ dossier.groupe }}}} » {DATES_FR} ({{{{ dossier.nb_personnes }}}} personnes).
        """,
        SIGNATURE_FR,
    ),
    "introduction": _prose(
        """
        Le présent bon d'échange atteste que les prestations ci-dessous ont été réservées et
        sont prises en charge par {{ agence.nom }} pour le groupe « {{ dossier.groupe }} »
        (référence {{ dossier.reference }}).
        """
    ),
    "closing": _prose(
        """
        Toute prestation non mentionnée sur ce bon est réglée directement sur place par les
        participants. La facture est à adresser à {{ agence.nom }}, accompagnée de ce bon, en
        rappelant la référence {{ dossier.reference }}.
        """
    ),
}

# --- Client documents: English -----------------------------------------------------------------

NOT_INCLUDED_EN = _prose(
    """
    – personal expenses and tips;
    – drinks and meals not mentioned in the programme;
    – cancellation, assistance and repatriation insurance;
    – admissions, visits and transport not mentioned in the programme;
    – generally, any service not listed under “The price includes”.
    """
)

TERMS_EN = _prose(
    """
    1. Scope. These general terms apply to the trips, stays, excursions and tourism services
    sold to groups by {{ agence.nom }}{% if agence.immatriculation %}, registered with the
    register of travel and holiday operators kept by Atout France under number
    {{ agence.immatriculation }}{% endif %}. They are drawn up in accordance with articles L211-1
    et seq. and R211-3 et seq. of the French Tourism Code (Code du tourisme). The information
    given in the quote (programme, price, services included and not included, cancellation
    schedule) is the pre-contractual information and forms part of the contract; it may only be
    changed by mutual agreement. Where the service is a package travel, the standard
    information form required by the regulations is given to the client before the contract is
    concluded.

    2. Booking and deposit. The group's booking becomes final when the agency receives the
    quote or the contract dated and signed by a person authorised to bind the client, together
    with the deposit. Unless the contract states otherwise, the deposit is 30 % of the total
    price. Services are booked subject to availability at the time of confirmation; failing
    that, the agency offers equivalent services or refunds the sums paid. The final number and
    the list of participants' names are sent to the agency no later than 15 days before
    departure.

    3. Balance. The balance of the price is paid no later than 30 days before departure,
    unless the contract sets a different schedule, without any reminder from the agency. For a
    booking made less than 30 days before departure, the whole price is payable on booking. If
    the balance is not paid when due, the agency may, after a formal notice that has remained
    unanswered, treat the contract as terminated by the client and charge the fees set out in
    the cancellation schedule. For business clients, any late payment automatically incurs
    penalties at three times the French statutory interest rate and a fixed recovery fee of
    €40 (articles L441-10 and D441-5 of the French Commercial Code). Public bodies pay by
    administrative mandate on receipt of the invoice, within the statutory payment period.

    4. Price. Prices are stated in euros, all taxes included, per paying participant and for the
    group. They are calculated for the number of paying participants, the dates and the
    programme given in the quote, which also states the free places granted. A decrease in the
    number of paying participants may lead to a revision of the price per participant according
    to the price grid of the quote. The price only includes the services expressly mentioned.
    In accordance with article L211-12 of the French Tourism Code, the price may be revised
    upwards or downwards to reflect changes in the cost of passenger transport resulting from
    the price of fuel or other power sources, in the level of taxes or fees on the services
    included, or in exchange rates. No increase may be made less than 20 days before
    departure; if the increase exceeds 8 % of the total price, the client may terminate the
    contract free of charge.

    5. Changes requested by the client. Any request for a change (dates, programme, number of
    participants, services) is sent to the agency in writing. It is met subject to availability
    and may lead to a change of price, recorded in an amendment to the contract; any fees
    charged by suppliers because of the change are borne by the client. In accordance with
    article L211-11 of the French Tourism Code, the client may transfer the contract to a
    transferee who meets the same conditions, by informing the agency in writing no later than
    7 days before departure; the transferor and the transferee are jointly liable for the
    payment of the balance and of any additional costs arising from the transfer.

    6. Changes made by the agency. Before departure, the agency may make a minor change to the
    contract, of which it informs the client in a clear and comprehensible manner on a durable
    medium. If it is constrained to alter an essential element of the contract or cannot meet
    a special requirement it has accepted, it informs the client without delay; the client may
    accept the proposed change or terminate the contract free of charge within the period set
    by the agency (article L211-13 of the French Tourism Code). In the event of termination, the
    sums paid are refunded within 14 days at the latest.

    7. Cancellation by the client. The client may terminate the contract at any time before
    departure, by letter or e-mail; the date of receipt by the agency determines the fees. In
    accordance with article L211-14 of the French Tourism Code, termination gives rise to the
    fees set out in the cancellation schedule given in the quote and the contract, calculated
    on the total price of the cancelled services. The cancellation of some of the participants
    is treated in the same way for the cancelled places and may lead to the revision of the
    price per participant provided for in article 4. Insurance premiums and visa fees are not
    refundable. No fees are due where unavoidable and extraordinary circumstances occurring at
    the place of destination or its immediate vicinity significantly affect the performance of
    the contract or the carriage of the participants to the destination; the client is then
    entitled to a full refund of the sums paid, without further compensation. A service not
    used because of the client or a participant (delay, absence, leaving the trip) gives rise
    to no refund.

    8. Cancellation by the agency. The agency may terminate the contract, refunding the sums
    paid in full without further compensation, where the minimum number of participants stated
    in the contract is not reached, provided it informs the client no later than 20 days before
    departure for trips lasting more than six days, 7 days for trips lasting between two and
    six days and 48 hours for trips lasting less than two days, or where it is prevented from
    performing the contract by unavoidable and extraordinary circumstances notified to the
    client without undue delay before departure. In other cases, the client is entitled, in
    addition to a full refund, to appropriate compensation. The refund is made within 14 days
    of termination at the latest.

    9. Liability. In accordance with article L211-16 of the French Tourism Code, the agency is
    liable as of right for the performance of the travel services included in the contract,
    whether those services are performed by the agency itself or by other suppliers. It may be
    released from all or part of its liability by proving that the damage is attributable to
    the client or a participant, to a third party unconnected with the provision of the
    services included in the contract and is unforeseeable or unavoidable, or to unavoidable
    and extraordinary circumstances. Except for personal injury or damage caused intentionally
    or negligently, any damages payable by the agency are limited to three times the total
    price of the trip (article L211-17). The client reports to the agency without delay,
    preferably on the spot, any lack of conformity noticed during the trip so that it can be
    remedied; the agency gives appropriate assistance to participants in difficulty. The client
    ensures that participants keep to the timetable, the rules of the places visited and the
    instructions of guides and group leaders; damage caused by a participant remains the
    participant's responsibility.

    10. Insurance. The agency holds a financial guarantee and professional liability insurance
    in accordance with article L211-18 of the French Tourism Code; their details appear in the
    legal notices of its documents. No cancellation, assistance or repatriation insurance is
    included in the price unless the quote states otherwise: the agency strongly recommends
    that the client take out such insurance for the group.

    11. Formalities and special needs. Participants must carry the identity documents and, where
    applicable, the authorisations (travel authorisation for minors) required for the trip. The
    client informs the agency, on booking, of participants with reduced mobility and of special
    diets; the agency states to what extent these needs can be met.

    12. Complaints and mediation. Any complaint is sent in writing to {{ agence.nom }}{% if
    agence.email %} ({{ agence.email }}){% endif %}, preferably within 30 days of return, with
    supporting documents. If no satisfactory answer is received within 60 days, a consumer
    client may refer the matter free of charge to the Tourism and Travel Ombudsman (MTV
    Médiation Tourisme Voyage, BP 80 303, 75823 Paris Cedex 17, France, www.mtv.travel), in
    accordance with articles L612-1 et seq. of the French Consumer Code.

    13. Personal data. The personal data of the client and of the participants are processed by
    the agency to book and perform the trip, to invoice and to meet its legal obligations; only
    the data needed are passed on to suppliers (accommodation, carriers, places visited). They
    are kept for the duration of the business relationship and then for the statutory
    retention periods. In accordance with Regulation (EU) 2016/679 and the French Data
    Protection Act, everyone has a right of access, rectification, erasure, restriction and
    objection, exercised with the agency{% if agence.email %} at {{ agence.email }}{% endif %};
    a complaint may be lodged with the CNIL (www.cnil.fr). The client informs the participants
    of this processing.

    14. Governing law. The contract is governed by French law.
    """
)

QUOTE_EN = {
    "email_subject": "Your quote {{ dossier.reference }} – {{ dossier.titre }}",
    "email_body": _email(
        GREETING_EN,
        f"""
        Thank you for your enquiry. Please find attached our proposal for
        “{{{{ dossier.titre }}}}” {DATES_EN}, for {{{{ dossier.nb_personnes }}}} people.

        The total price is {{{{ montant|euros }}}}, that is
        {{{{ dossier.prix_par_payant|euros }}}} per paying participant.{{% if dossier.validite
        %}} This offer is valid until {{{{ dossier.validite|date }}}}.{{% endif %}}

        We will be happy to adapt this programme to your wishes.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        """
        Following your enquiry, we are pleased to submit our proposal for
        “{{ dossier.titre }}”, for {{ dossier.nb_payants }} paying participants{% if
        dossier.nb_gratuits %} and {{ dossier.nb_gratuits }} free place(s){% endif %}. The
        detailed programme and the services included in the price are set out below.
        """
    ),
    "not_included": NOT_INCLUDED_EN,
    "terms": TERMS_EN,
    "closing": _prose(
        """
        We hope this proposal meets your expectations. To confirm your booking, simply return
        this quote dated and signed, marked “Approved”{% if dossier.validite %}, before
        {{ dossier.validite|date }}{% endif %}. Services remain subject to availability at the
        time of confirmation.

        {{ commercial.nom }} will be glad to answer any question{% if commercial.telephone %}
        on {{ commercial.telephone }}{% endif %}{% if commercial.email %} or by e-mail at
        {{ commercial.email }}{% endif %}.
        """
    ),
}

CONTRACT_EN = {
    "email_subject": "Your contract {{ dossier.reference }} – {{ dossier.titre }}",
    "email_body": _email(
        GREETING_EN,
        f"""
        Thank you for your trust. Please find attached the travel contract for
        “{{{{ dossier.titre }}}}” {DATES_EN}, for a total price of {{{{ montant|euros }}}}.

        Please return it dated and signed, together with the deposit set out in the payment
        schedule: your booking will then be final.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        """
        This contract is made between {{ agence.nom }} and {{ client.nom }} for
        “{{ dossier.titre }}”, for {{ dossier.nb_payants }} paying participants{% if
        dossier.nb_gratuits %}, {{ dossier.nb_gratuits }} free place(s){% endif %}{% if
        dossier.nb_accompagnateurs %} and {{ dossier.nb_accompagnateurs }} group leader(s){%
        endif %}. It comprises the programme and services below, the price and payment
        schedule, the cancellation schedule and the general terms of sale, in accordance with
        articles L211-1 et seq. of the French Tourism Code.
        """
    ),
    "not_included": NOT_INCLUDED_EN,
    "terms": TERMS_EN,
    "closing": _prose(
        """
        The client acknowledges having received, before signing this contract, the
        pre-contractual information and, for a package travel, the standard information form,
        and having read and accepted the special and general terms of sale.

        Made in two copies. Client's signature, preceded by the words “Read and approved”:
        """
    ),
}

AMENDMENT_EN = {
    "email_subject": "Amendment no. {{ avenant.numero }} to contract {{ dossier.reference }}",
    "email_body": _email(
        GREETING_EN,
        """
        Please find attached amendment no. {{ avenant.numero }} to contract
        {{ dossier.reference }} – “{{ dossier.titre }}”{% if avenant.motif %}, made for the
        following reason: {{ avenant.motif }}{% endif %}.

        The new total price is {{ montant|euros }} (difference: {{ avenant.ecart|euros }}).
        Please return the amendment dated and signed.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        """
        This amendment no. {{ avenant.numero }} changes contract {{ dossier.reference }} made
        between {{ agence.nom }} and {{ client.nom }} for “{{ dossier.titre }}”.{% if
        avenant.motif %} Reason: {{ avenant.motif }}.{% endif %} The changes are detailed
        below.
        """
    ),
    "closing": _prose(
        """
        New total price: {{ montant|euros }}, a difference of {{ avenant.ecart|euros }} from the
        previous version. All other clauses of the contract, including the general terms of sale
        and the cancellation schedule, remain unchanged.

        Client's signature, preceded by the words “Read and approved”:
        """
    ),
}

PROFORMA_EN = {
    "email_subject": "Pro forma invoice – booking {{ dossier.reference }}",
    "email_body": _email(
        GREETING_EN,
        f"""
        Please find attached the pro forma invoice for booking {{{{ dossier.reference }}}} –
        “{{{{ dossier.titre }}}}” {DATES_EN}, for an amount of {{{{ montant|euros }}}}. It
        allows you to commit the expenditure (purchase order, grant application, public
        payment order); the invoice will be sent to you on confirmation.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        f"""
        Pro forma invoice for “{{{{ dossier.titre }}}}” {DATES_EN}, for
        {{{{ dossier.nb_personnes }}}} people including {{{{ dossier.nb_payants }}}} paying
        participants.
        """
    ),
    "closing": _prose(
        """
        This document is given for information only: it is not an invoice and cannot give rise
        to any deduction or to any payment recorded as such. The corresponding invoice will be
        sent to you when the booking is confirmed.
        """
    ),
}

ROAD_BOOK_EN = {
    "email_subject": "Your travel details – {{ dossier.titre }} – {{ dossier.date_debut|date }}",
    "email_body": _email(
        GREETING_EN,
        """
        Departure is getting close! Please find attached the travel details and the detailed
        programme of “{{ dossier.titre }}” ({{ dossier.reference }}).{% if dossier.lieu_rdv
        %} Meeting point on {{ dossier.date_debut|date_longue }}{% if dossier.heure_debut %} at
        {{ dossier.heure_debut }}{% endif %}: {{ dossier.lieu_rdv }}.{% endif %}

        Please pass this information on to all participants.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        """
        We are pleased to send you the detailed programme of “{{ dossier.titre }}” for your
        group of {{ dossier.nb_personnes }} people.{% if dossier.lieu_rdv %} Meeting point on
        {{ dossier.date_debut|date_longue }}{% if dossier.heure_debut %} at
        {{ dossier.heure_debut }}{% endif %}: {{ dossier.lieu_rdv }}.{% endif %} Please keep to
        the times given: visits are booked at fixed times.
        """
    ),
    "closing": _prose(
        """
        In case of any problem on the day of departure, please contact {{ commercial.nom }}{% if
        commercial.telephone %} on {{ commercial.telephone }}{% endif %} or the agency{% if
        agence.telephone %} on {{ agence.telephone }}{% endif %} straight away. We wish you an
        excellent trip!
        """
    ),
}

# --- Supplier documents: English ---------------------------------------------------------------

SUPPLIER_REQUEST_EN = {
    "email_subject": "Booking request – {{ dossier.reference }} – {{ dossier.date_debut|date }}",
    "email_body": _email(
        GREETING_EN,
        f"""
        We would like to book the services detailed in the attached request for a group of
        {{{{ dossier.nb_personnes }}}} people {DATES_EN}.

        Please confirm their availability{{% if fournisseur.reponse_avant %}} before
        {{{{ fournisseur.reponse_avant|date }}}}{{% endif %}}, quoting our reference
        {{{{ dossier.reference }}}}.
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        f"""
        Dear Sir or Madam, we would be grateful if you would book the services below for our
        group “{{{{ dossier.groupe }}}}” of {{{{ dossier.nb_personnes }}}} people
        ({{{{ dossier.nb_payants }}}} participants,
        {{{{ dossier.nb_gratuits + dossier.nb_accompagnateurs }}}} group leaders and free
        places), {DATES_EN}.
        """
    ),
    "closing": _prose(
        """
        Please return this request confirmed{% if fournisseur.reponse_avant %} before
        {{ fournisseur.reponse_avant|date }}{% endif %}, with your cancellation terms and, where
        applicable, the option deadline. The invoice is to be sent to {{ agence.nom }}, quoting
        our reference {{ dossier.reference }}.
        """
    ),
}

VOUCHER_EN = {
    "email_subject": "Voucher – {{ dossier.reference }} – {{ dossier.date_debut|date }}",
    "email_body": _email(
        GREETING_EN,
        f"""
        Please find attached the voucher for the services confirmed for our group
        “{{{{ dossier.groupe }}}}” {DATES_EN} ({{{{ dossier.nb_personnes }}}} people).
        """,
        SIGNATURE_EN,
    ),
    "introduction": _prose(
        """
        This voucher certifies that {{ agence.nom }} has booked and will pay for the services
        below for the group “{{ dossier.groupe }}” (reference {{ dossier.reference }}).
        """
    ),
    "closing": _prose(
        """
        Any service not mentioned on this voucher is paid on the spot by the participants. The
        invoice is to be sent to {{ agence.nom }}, together with this voucher, quoting reference
        {{ dossier.reference }}.
        """
    ),
}

INVOICE_FR = {
    "email_subject": "{{ facture.type }} {{ facture.numero }} – dossier {{ dossier.reference }}",
    "email_body": _email(
        GREETING_FR,
        """
        Vous trouverez ci-joint notre {{ facture.type|lower }} n° {{ facture.numero }} du
        {{ facture.date|date }} pour « {{ dossier.titre }} » (dossier {{ dossier.reference }}),
        d'un montant de {{ facture.montant|euros }}.
        {% if facture.echeance %}Net à payer : {{ facture.net_a_payer|euros }}, à régler au plus
        tard le {{ facture.echeance|date }}.{% endif %} Le fichier PDF joint est une facture
        électronique Factur-X : votre logiciel comptable peut en lire les données.
        """,
        SIGNATURE_FR,
    ),
}

INVOICE_EN = {
    "email_subject": "{{ facture.type }} {{ facture.numero }} – booking {{ dossier.reference }}",
    "email_body": _email(
        GREETING_EN,
        """
        Please find attached our {{ facture.type|lower }} no. {{ facture.numero }} dated
        {{ facture.date|date }} for "{{ dossier.titre }}" (booking {{ dossier.reference }}),
        amounting to {{ facture.montant|euros }}.
        {% if facture.echeance %}Amount due: {{ facture.net_a_payer|euros }}, payable by
        {{ facture.echeance|date }}.{% endif %} The attached PDF is a Factur-X e-invoice: your
        accounting software can read its data.
        """,
        SIGNATURE_EN,
    ),
}

DEFAULT_TEXTS: dict[DocumentKind, dict[str, dict[str, str]]] = {
    DocumentKind.QUOTE: {"fr": QUOTE_FR, "en": QUOTE_EN},
    DocumentKind.CONTRACT: {"fr": CONTRACT_FR, "en": CONTRACT_EN},
    DocumentKind.AMENDMENT: {"fr": AMENDMENT_FR, "en": AMENDMENT_EN},
    DocumentKind.PROFORMA: {"fr": PROFORMA_FR, "en": PROFORMA_EN},
    DocumentKind.SUPPLIER_REQUEST: {"fr": SUPPLIER_REQUEST_FR, "en": SUPPLIER_REQUEST_EN},
    DocumentKind.VOUCHER: {"fr": VOUCHER_FR, "en": VOUCHER_EN},
    DocumentKind.ROAD_BOOK: {"fr": ROAD_BOOK_FR, "en": ROAD_BOOK_EN},
    DocumentKind.INVOICE: {"fr": INVOICE_FR, "en": INVOICE_EN},
}
"""Kind → language → part → template text; a part a kind does not use is absent."""
