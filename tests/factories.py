"""Building blocks for tests: reference data, users with given rights, signed-in actors."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import (
    AgencySite,
    Booking,
    BookingType,
    Client,
    ParticipantCategory,
    Product,
    ProductType,
    Profile,
    Rate,
    Supplier,
    User,
    VatRate,
)
from agence.services.admin import auth, passwords
from agence.services.admin.profiles import set_rights
from agence.services.bookings import bookings
from agence.services.bookings.bookings import create_booking
from agence.services.common.permissions import ALL_RIGHTS, Actor, Right
from agence.services.common.text import normalize_text
from agence.services.demo.seed import seed_demo, seed_reference_data

PASSWORD = "Motdepasse123"
_counter = itertools.count(1)
_FAST_HASH = passwords.hash_password(PASSWORD)


def reference_data() -> None:
    with session_scope() as session:
        seed_reference_data(session)


def make_site(session: Session, code: str = "VDL", **values) -> AgencySite:
    site = AgencySite(code=code, name=values.pop("name", f"Site {code}"), **values)
    session.add(site)
    session.commit()
    return site


def make_profile(
    session: Session, rights: set[Right] | frozenset[Right], name: str = ""
) -> Profile:
    profile = Profile(name=name or f"Profil {next(_counter)}")
    session.add(profile)
    session.flush()
    set_rights(session, profile.id or 0, set(rights))
    session.commit()
    return profile


def make_user(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    email: str = "",
    active: bool = True,
    must_change_password: bool = False,
    profile: Profile | None = None,
    site_id: int | None = None,
    first_name: str = "Jeanne",
    last_name: str = "",
) -> User:
    number = next(_counter)
    profile = profile or make_profile(session, rights)
    user = User(
        first_name=first_name,
        last_name=last_name or f"Testeur{number}",
        email=email or f"user{number}@example.fr",
        profile_id=profile.id or 0,
        site_id=site_id,
        active=active,
        must_change_password=must_change_password,
        password_hash=_FAST_HASH,
    )
    session.add(user)
    session.commit()
    return user


def actor_for(user: User) -> Actor:
    with session_scope() as session:
        return auth.load_actor(session, user.id or 0)


def sign_in(user: User, password: str = PASSWORD) -> str:
    """Signs in as the browser does: credentials, then the ticket exchanged for the token."""
    with session_scope() as session:
        result = auth.sign_in(session, user.email, password)
    assert result.ok, result.message
    with session_scope() as session:
        token = auth.hand_over(session, result.ticket)
    assert token
    return token


def profile_named(session: Session, name: str) -> Profile:
    return session.exec(select(Profile).where(Profile.name == name)).one()


# --- Third parties and the catalogue (reference data must be seeded first) ---------------------


def make_actor(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    own_clients_only: bool = False,
) -> Actor:
    """A signed-in sales rep with the given rights, limited to his clients if asked."""
    profile = make_profile(session, rights)
    if own_clients_only:
        profile.own_clients_only = True
        session.add(profile)
        session.commit()
    user = make_user(session, profile=profile)
    user.is_sales_rep = True
    session.add(user)
    session.commit()
    return actor_for(user)


def make_client(session: Session, name: str = "", sales_rep_id: int | None = None) -> Client:
    number = next(_counter)
    name = name or f"Client {number}"
    client = Client(
        name=name,
        search_name=normalize_text(name),
        client_type="ce",
        account_code=f"411C{number:06d}",
        sales_rep_id=sales_rep_id,
    )
    session.add(client)
    session.commit()
    return client


def make_supplier(session: Session, name: str = "", **values) -> Supplier:
    number = next(_counter)
    name = name or f"Fournisseur {number}"
    supplier = Supplier(
        name=name,
        search_name=normalize_text(name),
        supplier_type=values.pop("supplier_type", "site"),
        account_code=f"401F{number:06d}",
        **values,
    )
    session.add(supplier)
    session.commit()
    return supplier


def product_type_id(session: Session, code: str) -> int:
    return session.exec(select(ProductType.id).where(ProductType.code == code)).one()


def category_id(session: Session, code: str) -> int:
    return session.exec(
        select(ParticipantCategory.id).where(ParticipantCategory.code == code)
    ).one()


def vat_rate_id(session: Session, rate: str) -> int:
    return session.exec(select(VatRate.id).where(VatRate.rate == Decimal(rate))).one()


def make_product(
    session: Session,
    name: str = "",
    *,
    type_code: str = "VISITE",
    supplier: Supplier | None = None,
    **values,
) -> Product:
    """A product written directly (the form's defaults are tested through PRODUCTS)."""
    name = name or f"Prestation {next(_counter)}"
    product = Product(
        name=name,
        search_name=normalize_text(name),
        search_text=normalize_text(f"{name} {supplier.name if supplier else ''}"),
        product_type_id=product_type_id(session, type_code),
        supplier_id=supplier.id if supplier else None,
        **values,
    )
    session.add(product)
    session.commit()
    return product


def make_rate(
    session: Session,
    product: Product,
    valid_from: date,
    valid_to: date,
    purchase: str = "10.00",
    *,
    min_group: int = 1,
    max_group: int | None = None,
    days: str = "tous",
    category: str = "ADULTE",
    sale: str | None = None,
    markup: str | None = None,
    label: str = "",
) -> Rate:
    rate = Rate(
        product_id=product.id or 0,
        label=label,
        valid_from=valid_from,
        valid_to=valid_to,
        days=days,
        min_group=min_group,
        max_group=max_group,
        participant_category_id=category_id(session, category),
        purchase_price=Decimal(purchase),
        sale_price=Decimal(sale) if sale is not None else None,
        markup_percent=Decimal(markup) if markup is not None else None,
    )
    session.add(rate)
    session.commit()
    return rate


# --- Dossiers -----------------------------------------------------------------------------------


def booking_type_id(session: Session, code: str = "JOURNEE") -> int:
    return session.exec(select(BookingType.id).where(BookingType.code == code)).one()


def make_booking(
    actor: Actor, client: Client, site: AgencySite, *, starts_on: str = "2026-06-05", **values
) -> Booking:
    """A dossier created through the service, à la carte unless `catalogue_dossier_id` is given
    (reference data must be seeded first)."""
    with session_scope() as session:
        data = {
            "client_id": str(client.id),
            "title": "Sortie du comité d'entreprise",
            "booking_type_id": str(booking_type_id(session)),
            "site_id": str(site.id),
            "starts_on": starts_on,
            "paying": "20",
        }
        data.update(values)
        return create_booking(session, actor, data)


# --- The demo agency's dossiers -----------------------------------------------------------

DEMO_SCHOOL = "Collège Anatole-France"
DEMO_ADMIN = "admin@escapades-loire.fr"


def demo_admin(session: Session) -> Actor:
    """The demo agency seeded (catalogue included), and its administrator."""
    seed_demo(session)
    session.commit()
    user = session.exec(select(User).where(User.email == DEMO_ADMIN)).one()
    return auth.load_actor(session, user.id or 0)


def demo_dossier(
    actor: Actor, starts_on: date | str, *, from_catalogue: bool = True, **values
) -> Booking:
    """A dossier of the demo school, from « Journée châteaux de la Loire » unless told
    otherwise (then give it a title)."""
    with session_scope() as session:
        client = session.exec(select(Client).where(Client.name == DEMO_SCHOOL)).one()
        data = {
            **bookings.creation_defaults(session, actor),
            "client_id": str(client.id),
            "starts_on": starts_on if isinstance(starts_on, str) else starts_on.isoformat(),
        }
        if from_catalogue:
            data["catalogue_dossier_id"] = bookings.creation_choices(session)[
                "catalogue_dossier_id"
            ][0][0]
        data.update({key: str(value) for key, value in values.items()})
        return bookings.create_booking(session, actor, data)
