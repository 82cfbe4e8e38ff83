"""Reference data (profiles, payment methods and terms, VAT rates) and the demo agency.

Both are idempotent: reference rows are added when missing (never overwritten, the agency may
have edited them); the demo agency is added only to a database without users.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from agence.models import (
    AgencySite,
    BookingType,
    ParticipantCategory,
    PaymentMethod,
    PaymentTerm,
    ProductType,
    Profile,
    User,
    VatRate,
)
from agence.services.admin import passwords
from agence.services.admin.auth import normalize_email
from agence.services.admin.profiles import set_rights
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, parse_form
from agence.services.common.permissions import ALL_RIGHTS, Action, Module, Right
from agence.services.demo.catalogue import seed_catalogue
from agence.services.demo.parties import seed_parties
from agence.services.settings.payment_terms import TermRule

A = Action
BUSINESS = (
    Module.THIRD_PARTIES,
    Module.CATALOGUE,
    Module.BOOKINGS,
    Module.INVOICING,
    Module.PAYMENTS,
    Module.DUNNING,
    Module.ACCOUNTING,
    Module.STATISTICS,
    Module.AGENDA,
)


def _grant(module: Module, *actions: Action) -> set[Right]:
    return {Right(module, action) for action in actions}


def _all_of(*modules: Module) -> set[Right]:
    return {right for right in ALL_RIGHTS if right.module in modules}


ADMINISTRATOR = "Administrateur"

PROFILES: dict[str, tuple[str, set[Right]]] = {
    ADMINISTRATOR: (
        "Tous les droits, y compris les utilisateurs et les paramètres.",
        set(ALL_RIGHTS),
    ),
    "Direction": (
        "Pilotage : tout le métier, statistiques ; consulte l'administration et les paramètres.",
        _all_of(*BUSINESS)
        | _grant(Module.ADMINISTRATION, A.SEE, A.EXPORT)
        | _grant(Module.PARAMETERS, A.SEE),
    ),
    "Commercial": (
        "Clients et prospects, devis, dossiers, agenda ; consulte le catalogue et la facturation.",
        _grant(Module.THIRD_PARTIES, A.SEE, A.CREATE, A.EDIT, A.EXPORT)
        | _grant(Module.CATALOGUE, A.SEE)
        | _grant(Module.BOOKINGS, A.SEE, A.CREATE, A.EDIT, A.EXPORT)
        | _grant(Module.INVOICING, A.SEE)
        | _grant(Module.PAYMENTS, A.SEE)
        | _grant(Module.STATISTICS, A.SEE)
        | _grant(Module.AGENDA, A.SEE, A.CREATE, A.EDIT, A.DELETE),
    ),
    "Réservation": (
        "Dossiers et réservations fournisseurs, catalogue des prestations.",
        _grant(Module.THIRD_PARTIES, A.SEE, A.CREATE, A.EDIT, A.EXPORT)
        | _grant(Module.CATALOGUE, A.SEE, A.CREATE, A.EDIT, A.EXPORT)
        | _grant(Module.BOOKINGS, A.SEE, A.CREATE, A.EDIT, A.EXPORT, A.VALIDATE)
        | _grant(Module.INVOICING, A.SEE)
        | _grant(Module.PAYMENTS, A.SEE)
        | _grant(Module.STATISTICS, A.SEE)
        | _grant(Module.AGENDA, A.SEE, A.CREATE, A.EDIT, A.DELETE),
    ),
    "Comptabilité": (
        "Facturation, règlements, relances, exports comptables ; TVA et conditions de règlement.",
        _grant(Module.THIRD_PARTIES, A.SEE, A.EDIT, A.EXPORT)
        | _grant(Module.BOOKINGS, A.SEE, A.EXPORT)
        | _all_of(Module.INVOICING, Module.PAYMENTS, Module.DUNNING, Module.ACCOUNTING)
        | _grant(Module.STATISTICS, A.SEE, A.EXPORT)
        | _grant(Module.AGENDA, A.SEE)
        | _grant(Module.PARAMETERS, A.SEE, A.EDIT),
    ),
}

PAYMENT_METHODS = (
    ("VIREMENT", "Virement"),
    ("CHEQUE", "Chèque"),
    ("CB", "Carte bancaire"),
    ("ESPECES", "Espèces"),
    ("ANCV", "Chèques-Vacances ANCV"),
    ("MANDAT", "Mandat administratif"),
)

PAYMENT_TERMS = (
    ("À réception de facture", TermRule.ON_RECEIPT, 0, None, 0, False),
    ("30 jours date de facture", TermRule.NET_DAYS, 30, None, 0, True),
    ("45 jours fin de mois", TermRule.DAYS_END_OF_MONTH, 45, None, 0, False),
    (
        "Acompte 30 % à la commande, solde 30 jours avant le départ",
        TermRule.DEPOSIT_THEN_BALANCE,
        0,
        Decimal("30"),
        30,
        False,
    ),
)

PRODUCT_TYPES = (
    ("VISITE", "Visite"),
    ("RESTAURATION", "Restauration"),
    ("HEBERGEMENT", "Hébergement"),
    ("TRANSPORT", "Transport"),
    ("GUIDAGE", "Guidage"),
    ("ACTIVITE", "Activité"),
    ("SALLE", "Salle"),
    ("DIVERS", "Divers"),
)
PARTICIPANT_CATEGORIES = (
    ("ADULTE", "Adulte"),
    ("ENFANT", "Enfant"),
    ("ETUDIANT", "Étudiant"),
    ("SENIOR", "Senior"),
    ("GRATUIT", "Gratuit"),
)
BOOKING_TYPES = (
    ("VISITE", "Visite"),
    ("JOURNEE", "Journée"),
    ("SEJOUR", "Séjour"),
    ("SEMINAIRE", "Séminaire"),
    ("SCOLAIRE", "Scolaire"),
    ("INCENTIVE", "Incentive"),
)
OWN_CLIENTS_PROFILES = ("Commercial",)

VAT_RATES = (
    (Decimal("20"), "Taux normal", "445712", "445662"),
    (Decimal("10"), "Taux intermédiaire", "445711", "445661"),
    (Decimal("5.5"), "Taux réduit", "445713", "445663"),
    (Decimal("2.1"), "Taux particulier", "445714", "445664"),
    (Decimal("0"), "Exonéré / hors champ", "", ""),
)


def seed_reference_data(session: Session) -> None:
    for name, (description, rights) in PROFILES.items():
        if session.exec(select(Profile).where(Profile.name == name)).first() is None:
            profile = Profile(
                name=name, description=description, own_clients_only=name in OWN_CLIENTS_PROFILES
            )
            session.add(profile)
            session.flush()
            set_rights(session, profile.id or 0, rights)
    for position, (code, label) in enumerate(PAYMENT_METHODS, start=1):
        if session.exec(select(PaymentMethod).where(PaymentMethod.code == code)).first() is None:
            session.add(PaymentMethod(code=code, label=label, position=position * 10))
    has_default_term = session.exec(select(PaymentTerm).where(PaymentTerm.is_default)).first()
    for label, rule, days, deposit, balance_days, default in PAYMENT_TERMS:
        if session.exec(select(PaymentTerm).where(PaymentTerm.label == label)).first() is None:
            session.add(
                PaymentTerm(
                    label=label,
                    rule=rule.value,
                    days=days,
                    deposit_percent=deposit,
                    balance_days_before_departure=balance_days,
                    is_default=default and has_default_term is None,
                )
            )
    for position, (code, label) in enumerate(PRODUCT_TYPES, start=1):
        if session.exec(select(ProductType).where(ProductType.code == code)).first() is None:
            session.add(ProductType(code=code, label=label, position=position * 10))
    for position, (code, label) in enumerate(PARTICIPANT_CATEGORIES, start=1):
        existing = session.exec(
            select(ParticipantCategory).where(ParticipantCategory.code == code)
        ).first()
        if existing is None:
            session.add(ParticipantCategory(code=code, label=label, position=position * 10))
    for position, (code, label) in enumerate(BOOKING_TYPES, start=1):
        if session.exec(select(BookingType).where(BookingType.code == code)).first() is None:
            session.add(BookingType(code=code, label=label, position=position * 10))
    for rate, label, collected, deductible in VAT_RATES:
        if session.exec(select(VatRate).where(VatRate.rate == rate)).first() is None:
            session.add(
                VatRate(
                    rate=rate,
                    label=label,
                    collected_account=collected,
                    deductible_account=deductible,
                )
            )
    session.flush()


def profile_id(session: Session, name: str) -> int:
    profile = session.exec(select(Profile).where(Profile.name == name)).one()
    return profile.id or 0


# --- The demo agency -------------------------------------------------------------------------

DEMO_PASSWORD = "Agence2026!"
DEMO_DOMAIN = "escapades-loire.fr"


@dataclass(frozen=True)
class DemoUser:
    first_name: str
    last_name: str
    email: str
    profile: str
    site_code: str
    sales_rep: bool = False
    active: bool = True
    phone: str = ""


DEMO_USERS = (
    DemoUser(
        "Claire", "Martin", f"admin@{DEMO_DOMAIN}", ADMINISTRATOR, "VDL", phone="02 47 00 10 01"
    ),
    DemoUser(
        "Philippe",
        "Garnier",
        f"direction@{DEMO_DOMAIN}",
        "Direction",
        "VDL",
        sales_rep=True,
        phone="02 47 00 10 02",
    ),
    DemoUser(
        "Lucie",
        "Bernard",
        f"l.bernard@{DEMO_DOMAIN}",
        "Commercial",
        "VDL",
        sales_rep=True,
        phone="06 12 34 56 78",
    ),
    DemoUser(
        "Thomas",
        "Moreau",
        f"t.moreau@{DEMO_DOMAIN}",
        "Commercial",
        "PAR",
        sales_rep=True,
        phone="06 98 76 54 32",
    ),
    DemoUser(
        "Sophie", "Petit", f"s.petit@{DEMO_DOMAIN}", "Réservation", "VDL", phone="02 47 00 10 05"
    ),
    DemoUser(
        "Julien", "Roux", f"j.roux@{DEMO_DOMAIN}", "Réservation", "PAR", phone="01 42 00 20 06"
    ),
    DemoUser(
        "Nathalie",
        "Fontaine",
        f"compta@{DEMO_DOMAIN}",
        "Comptabilité",
        "VDL",
        phone="02 47 00 10 07",
    ),
    DemoUser(
        "Marc",
        "Lefèvre",
        f"m.lefevre@{DEMO_DOMAIN}",
        "Commercial",
        "VDL",
        sales_rep=True,
        active=False,
    ),
)

DEMO_SITES = (
    AgencySite(
        code="VDL",
        name="Escapades Val de Loire — Tours",
        address_line1="12 rue Nationale",
        postcode="37000",
        city="Tours",
        phone="02 47 00 10 00",
        email=f"tours@{DEMO_DOMAIN}",
        siret="81234567600017",
        vat_number="FR19812345676",
        iban="FR7630004012340001234567862",
        bic="BNPAFRPPXXX",
        legal_form="SAS",
        share_capital=Decimal("50000"),
        rcs="RCS Tours 812 345 676",
        tourism_licence="IM037150012",
        # The footer already prints the legal form, capital, RCS, SIRET, VAT number and
        # registration: the mentions add what the site alone knows.
        legal_mentions=(
            "Garantie financière APST, 15 avenue Carnot, 75017 Paris — "
            "RC professionnelle Hiscox, contrat n° 0012345."
        ),
        is_default=True,
    ),
    AgencySite(
        code="PAR",
        name="Escapades Val de Loire — Paris",
        address_line1="48 rue de Rivoli",
        postcode="75004",
        city="Paris",
        phone="01 42 00 20 00",
        email=f"paris@{DEMO_DOMAIN}",
        siret="81234567600025",
        vat_number="FR19812345676",
        iban="FR7610278370000009876543203",
        bic="CMCIFR2A",
        legal_form="SAS",
        share_capital=Decimal("50000"),
        rcs="RCS Tours 812 345 676",
        tourism_licence="IM037150012",
        legal_mentions=(
            "Escapades Val de Loire SAS — bureau de Paris — RCS Tours 812 345 676 — "
            "Immatriculation Atout France IM037150012."
        ),
    ),
)


def seed_demo(session: Session) -> bool:
    """Adds the demo agency to a database without users; returns whether it did."""
    seed_reference_data(session)
    if session.exec(select(func.count()).select_from(User)).one():
        return False
    sites = {}
    for template in DEMO_SITES:
        site = AgencySite.model_validate(template.model_dump(exclude={"id"}))
        existing = session.exec(select(AgencySite).where(AgencySite.code == site.code)).first()
        if existing is None:
            session.add(site)
            session.flush()
            existing = site
        sites[site.code] = existing.id
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    for demo in DEMO_USERS:
        session.add(
            User(
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=demo.email,
                phone=demo.phone,
                site_id=sites[demo.site_code],
                profile_id=profile_id(session, demo.profile),
                is_sales_rep=demo.sales_rep,
                active=demo.active,
                password_hash=password_hash,
            )
        )
    session.flush()
    seed_parties(session)
    seed_catalogue(session)
    return True


def demo_logins_text() -> str:
    lines = ["Comptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :"]
    for demo in DEMO_USERS:
        if demo.active:
            lines.append(f"  {demo.email:<34} {demo.profile}")
    return "\n".join(lines)


def create_administrator(
    session: Session, email: str, password: str, first_name: str, last_name: str
) -> User:
    """An administrator created from the command line (the first one of an empty database)."""
    seed_reference_data(session)
    email = normalize_email(email)
    _, errors = parse_form(
        (FieldSpec("email", "E-mail", "email", required=True, max_length=254),), {"email": email}
    )
    if errors:
        raise ValueError(f"{email or 'e-mail vide'} : {errors['email']}")
    problem = passwords.password_problem(password, email)
    if problem:
        raise ValueError(problem)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ValueError(f"Un utilisateur {email} existe déjà.")
    default_site = session.exec(select(AgencySite.id).where(AgencySite.is_default)).first()
    user = User(
        first_name=first_name,
        last_name=last_name,
        email=email,
        site_id=default_site,
        profile_id=profile_id(session, ADMINISTRATOR),
        password_hash=passwords.hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        None,
        AuditAction.CREATE,
        entity_type="utilisateur",
        entity_id=user.id,
        entity_label=f"{first_name} {last_name} <{email}>",
        user_label="ligne de commande",
        changes={"profil": [None, ADMINISTRATOR]},
    )
    return user
