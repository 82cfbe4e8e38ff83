"""The client file: clients and prospects, their identity, terms, segmentation and follow-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func, or_, orm
from sqlmodel import Session, col, delete, select

from agence.models import (
    Address,
    Client,
    ClientCategory,
    ClientCategoryLink,
    ClientTag,
    PaymentMethod,
    PaymentTerm,
    Tag,
    User,
)
from agence.services.billing.outstanding import outstanding_for
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, FormErrors, postcode_problem, vat_siren_problem
from agence.services.common.listing import (
    ChoiceFilter,
    Column,
    DateFilter,
    ListSpec,
    NumberFilter,
    TextFilter,
)
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import Resource, get_record, record_change
from agence.services.common.text import normalize_text
from agence.services.parties import accounts
from agence.services.parties.party_files import (
    ADDRESS_FIELDS,
    keep_account_code,
    main_address,
    refresh_location,
    sync_main_address,
)
from agence.services.parties.suppliers import parse_schedule, schedule_text
from agence.services.parties.vocabulary import ClientStatus, ClientType, Language

# The label tables other areas read (a guide's languages, the Chorus Pro clients…).
CLIENT_TYPES: dict[str, str] = ClientType.labels()
STATUSES: dict[str, str] = ClientStatus.labels()
LANGUAGES: dict[str, str] = Language.labels()
PUBLIC_BODY = ClientType.PUBLIC_BODY
ACCOUNT_PREFIX = "411"
ACCOUNT_COUNTER = "next_client_account"
MAX_TAGS = 20
CATEGORY_FIELD = "category:"

# Modules that forbid deleting a client (dossiers, invoices) register a check here:
# given a client id, the reason it cannot be deleted, or None.
DELETE_GUARDS: list[Callable[[Session, int], str | None]] = []


class DuplicateWarning(FormErrors):
    """A client that looks like this one exists: the user may still confirm the creation."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        names = ", ".join(f"{d.name} ({d.reason})" for d in duplicates)
        super().__init__({"": f"Un client semblable existe déjà : {names}."})
        self.duplicates = duplicates


@dataclass(frozen=True)
class Duplicate:
    """A client that looks like the one being created, shown with a link to its page."""

    client_id: int
    name: str
    reason: str


# The option queries and the decoration of a listing take the SQLAlchemy session the listing
# is typed with (SQLModel's is one), hence session.execute rather than session.exec.


def sales_rep_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(user_id), f"{first} {last}")
        for user_id, first, last in session.execute(
            select(User.id, User.first_name, User.last_name)
            .where(User.is_sales_rep, User.active)
            .order_by(col(User.last_name), col(User.first_name))
        )
    ]


def _category_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(category_id), name)
        for category_id, name in session.execute(
            select(ClientCategory.id, ClientCategory.name).order_by(col(ClientCategory.name))
        )
    ]


def _tag_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(tag_id), name)
        for tag_id, name in session.execute(select(Tag.id, Tag.name).order_by(col(Tag.name)))
    ]


def _department_options(session: orm.Session) -> list[tuple[str, str]]:
    departments = session.scalars(
        select(Client.department)
        .where(Client.department != "", col(Client.deleted_at).is_(None))
        .distinct()
        .order_by(col(Client.department))
    ).all()
    return [(code, code) for code in departments]


def visible_clients(statement, actor: Actor):
    """Row-level scope of every client query: not deleted, and « ses clients » when so limited."""
    statement = statement.where(col(Client.deleted_at).is_(None))
    if actor.own_clients_only:
        statement = statement.where(Client.sales_rep_id == actor.user_id)
    return statement


def _add_outstanding(session: orm.Session, rows: list[dict[str, Any]]) -> None:
    # The listing runs on the app's sessions, all SQLModel's.
    balances = outstanding_for(cast(Session, session), [row["id"] for row in rows])
    for row in rows:
        balance = balances.get(row["id"])
        row["outstanding"] = balance.total if balance else None
        row["over_limit"] = bool(balance and balance.exceeded)


def rep_name(rep_column):
    """The sales rep's name as a scalar subquery: unlike a join, counting rows ignores it."""
    return (
        select(col(User.first_name) + " " + col(User.last_name))
        .where(User.id == rep_column)
        .scalar_subquery()
    )


def _clients_query():
    return sa.select(
        col(Client.id).label("id"),
        col(Client.name).label("name"),
        col(Client.client_type).label("client_type"),
        col(Client.status).label("status"),
        col(Client.city).label("city"),
        rep_name(Client.sales_rep_id).label("sales_rep"),
        col(Client.last_visit_on).label("last_visit_on"),
        col(Client.revenue).label("revenue"),
        col(Client.account_code).label("account_code"),
        col(Client.email).label("email"),
        col(Client.phone).label("phone"),
        col(Client.next_action_on).label("next_action_on"),
    )


def has_category(category_id: int):
    return col(Client.id).in_(
        select(ClientCategoryLink.client_id).where(ClientCategoryLink.category_id == category_id)
    )


def has_tag(tag_id: int):
    return col(Client.id).in_(select(ClientTag.client_id).where(ClientTag.tag_id == tag_id))


CLIENTS_LIST = ListSpec(
    name="Clients",
    query=_clients_query,
    columns=(
        Column("name", "Nom", Client.search_name, width=36),
        Column(
            "client_type",
            "Type",
            Client.client_type,
            width=24,
            labels=ClientType.labels(),
            phone=False,
        ),
        Column("status", "Statut", Client.status, width=10, labels=ClientStatus.labels()),
        Column("city", "Ville", Client.city, width=20, phone=False),
        Column("sales_rep", "Commercial", None, width=22, sortable=False, phone=False),
        Column(
            "last_visit_on",
            "Dernière visite",
            Client.last_visit_on,
            kind="date",
            width=14,
            phone=False,
        ),
        Column("revenue", "CA 12 mois", Client.revenue, kind="money", width=14, phone=False),
        Column(
            "outstanding",
            "En-cours",
            None,
            kind="money",
            width=14,
            sortable=False,
            flag="over_limit",
        ),
        Column("account_code", "Compte", Client.account_code, width=12, phone=False),
        Column("email", "E-mail", Client.email, width=30, phone=False),
        Column("phone", "Téléphone", Client.phone, width=16, phone=False),
    ),
    normalized_search=(Client.search_text,),
    filters=(
        ChoiceFilter("client_type", "Type", Client.client_type, ClientType.choices()),
        ChoiceFilter("status", "Statut", Client.status, ClientStatus.choices()),
        ChoiceFilter(
            "sales_rep",
            "Commercial",
            Client.sales_rep_id,
            options_query=sales_rep_options,
            value_type=int,
        ),
        ChoiceFilter(
            "category",
            "Catégorie",
            None,
            options_query=_category_options,
            value_type=int,
            match=has_category,
        ),
        ChoiceFilter(
            "tag", "Étiquette", None, options_query=_tag_options, value_type=int, match=has_tag
        ),
        ChoiceFilter(
            "department", "Département", Client.department, options_query=_department_options
        ),
        TextFilter("city", "Ville", Client.city),
        DateFilter(
            "visited_since", "Visité depuis le", Client.last_visit_on, "since", is_datetime=False
        ),
        DateFilter(
            "visited_until",
            "Pas visité depuis le",
            Client.last_visit_on,
            "until",
            is_datetime=False,
        ),
        NumberFilter("revenue_min", "CA minimum", Client.revenue, "min"),
        NumberFilter("revenue_max", "CA maximum", Client.revenue, "max"),
    ),
    default_sort="name",
    tie_breaker=Client.id,
    scope=visible_clients,
    decorate=_add_outstanding,
)


# --- Account codes --------------------------------------------------------------------------


def next_account_code(session: Session) -> str:
    return accounts.next_counter_code(session, Client, ACCOUNT_COUNTER, ACCOUNT_PREFIX)


# --- Duplicates ------------------------------------------------------------------------------


def find_duplicates(
    session: Session,
    *,
    siret: str = "",
    email: str = "",
    name: str = "",
    postcode: str = "",
    exclude_id: int | None = None,
) -> list[Duplicate]:
    """Clients with the same SIRET, the same e-mail, or the same name in the same postcode."""
    conditions: list[ColumnElement[bool]] = []
    if siret:
        conditions.append(col(Client.siret) == siret)
    if email:
        conditions.append(func.lower(Client.email) == email.lower())
    normalized = normalize_text(name)
    if normalized and postcode:
        conditions.append(
            (col(Client.search_name) == normalized) & (col(Client.postcode) == postcode)
        )
    if not conditions:
        return []
    statement = select(Client).where(or_(*conditions), col(Client.deleted_at).is_(None))
    if exclude_id is not None:
        statement = statement.where(Client.id != exclude_id)
    found = []
    for client in session.exec(statement.limit(5)):
        if siret and client.siret == siret:
            reason = "même SIRET"
        elif email and client.email.lower() == email.lower():
            reason = "même e-mail"
        else:
            reason = "même nom, même code postal"
        found.append(Duplicate(client.id or 0, client.name, reason))
    return found


# --- Tags and categories --------------------------------------------------------------------


def parse_tags(text: str) -> tuple[list[str], str | None]:
    names: list[str] = []
    for raw in text.replace(";", ",").split(","):
        name = " ".join(raw.split())[:50]
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > MAX_TAGS:
        return names, f"{MAX_TAGS} étiquettes au plus."
    return names, None


def set_tags(session: Session, client_id: int, names: list[str]) -> None:
    session.exec(delete(ClientTag).where(col(ClientTag.client_id) == client_id))
    for name in names:
        tag = session.exec(select(Tag).where(func.lower(Tag.name) == name.lower())).first()
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
        session.add(ClientTag(client_id=client_id, tag_id=tag.id or 0))


def tags_of(session: Session, client_id: int) -> list[str]:
    return list(
        session.exec(
            select(Tag.name)
            .join(ClientTag, col(ClientTag.tag_id) == Tag.id)
            .where(ClientTag.client_id == client_id)
            .order_by(Tag.name)
        )
    )


def categories_of(session: Session, client_id: int) -> list[int]:
    return list(
        session.exec(
            select(ClientCategoryLink.category_id).where(ClientCategoryLink.client_id == client_id)
        )
    )


def set_categories(session: Session, client_id: int, category_ids: list[int]) -> None:
    session.exec(delete(ClientCategoryLink).where(col(ClientCategoryLink.client_id) == client_id))
    for category_id in sorted(set(category_ids)):
        session.add(ClientCategoryLink(client_id=client_id, category_id=category_id))


# --- Billing address ------------------------------------------------------------------------

BILLING_FIELDS = ADDRESS_FIELDS


def billing_address(session: Session, client_id: int) -> Address | None:
    return main_address(session, "client_id", client_id)


# --- The resource ---------------------------------------------------------------------------


class ClientResource(Resource[Client]):
    model = Client
    module = Module.THIRD_PARTIES
    entity = "client"
    new_title = "Nouveau client ou prospect"
    unique = ("account_code",)
    fields = (
        FieldSpec(
            "client_type",
            "Type",
            "choice",
            required=True,
            choices=ClientType.choices(),
            section="Identité",
        ),
        FieldSpec("status", "Statut", "choice", required=True, choices=ClientStatus.choices()),
        FieldSpec(
            "name",
            "Raison sociale",
            max_length=200,
            wide=True,
            help="Pour un particulier : laisser vide, le nom est pris ci-dessous.",
        ),
        FieldSpec("last_name", "Nom (particulier)", max_length=80),
        FieldSpec("first_name", "Prénom (particulier)", max_length=80),
        FieldSpec("email", "E-mail", "email", max_length=254, section="Coordonnées"),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("billing_line1", "Adresse de facturation", max_length=200, wide=True),
        FieldSpec("billing_line2", "Complément d'adresse", max_length=200, wide=True),
        FieldSpec("billing_postcode", "Code postal", max_length=10),
        FieldSpec("billing_city", "Ville", max_length=100),
        FieldSpec("billing_country", "Pays (code ISO)", "code", max_length=2),
        FieldSpec("website", "Site web", max_length=200),
        FieldSpec(
            "siret", "SIRET (ou SIREN)", "siren_or_siret", max_length=20, section="Identifiants"
        ),
        FieldSpec("vat_number", "N° de TVA intracommunautaire", "vat", max_length=20),
        FieldSpec(
            "sales_rep_id", "Commercial", "ref", section="Gestion commerciale et facturation"
        ),
        FieldSpec(
            "language",
            "Langue des documents",
            "choice",
            required=True,
            choices=Language.choices(),
        ),
        FieldSpec("payment_term_id", "Conditions de règlement", "ref"),
        FieldSpec("payment_method_id", "Mode de règlement", "ref"),
        FieldSpec("credit_limit", "Plafond d'en-cours (€)", "decimal", min_value=0),
        FieldSpec(
            "cancellation_text",
            "Frais d'annulation du client (jours : %)",
            max_length=300,
            placeholder="60:10 ; 30:50 ; 7:100",
            help="Part du prix du dossier due s'il annule à J-60, J-30… ; vide : "
            "les barèmes des fournisseurs seulement.",
        ),
        FieldSpec(
            "account_code",
            "Compte auxiliaire",
            "account",
            account_prefix=ACCOUNT_PREFIX,
            help="Laissé vide : attribué automatiquement (411…).",
        ),
        FieldSpec(
            "chorus_buyer_siret",
            "Chorus Pro : SIRET de l'acheteur",
            "siret",
            max_length=20,
            section="Chorus Pro (organismes publics)",
        ),
        FieldSpec("chorus_service_code", "Chorus Pro : code service", max_length=100),
        FieldSpec("chorus_engagement_required", "Chorus Pro : n° d'engagement obligatoire", "bool"),
        FieldSpec(
            "tags",
            "Étiquettes",
            max_length=1000,
            wide=True,
            help="Séparées par des virgules : fidèle, printemps, groupe scolaire…",
            section="Segmentation et notes",
        ),
        FieldSpec("notes", "Notes", "textarea", max_length=4000, wide=True),
        FieldSpec("confirm_duplicate", "Créer quand même (ce n'est pas le même client)", "bool"),
    )

    def list_spec(self) -> ListSpec:
        return CLIENTS_LIST

    def describe(self, record: Client) -> str:
        return record.name

    def accessible(self, session: Session, actor: Actor, record: Client) -> bool:
        return not actor.own_clients_only or record.sales_rep_id == actor.user_id

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "sales_rep_id": tuple(sales_rep_options(session)),
            "payment_term_id": tuple(
                (str(i), label)
                for i, label in session.exec(
                    select(PaymentTerm.id, PaymentTerm.label)
                    .where(PaymentTerm.active)
                    .order_by(PaymentTerm.label)
                )
            ),
            "payment_method_id": tuple(
                (str(i), label)
                for i, label in session.exec(
                    select(PaymentMethod.id, PaymentMethod.label)
                    .where(PaymentMethod.active)
                    .order_by(col(PaymentMethod.position))
                )
            ),
            "categories": tuple(_category_options(session)),
        }

    def defaults(self, session: Session) -> dict[str, str]:
        term = session.exec(select(PaymentTerm.id).where(PaymentTerm.is_default)).first()
        return {
            "status": ClientStatus.PROSPECT.value,
            "language": Language.FRENCH.value,
            "billing_country": "FR",
            "payment_term_id": str(term or ""),
        }

    def form_values(self, session: Session, record: Client) -> dict[str, str]:
        values = super().form_values(session, record)
        values["cancellation_text"] = schedule_text(record.cancellation_schedule)
        if record.client_type == ClientType.PERSON:
            values["name"] = ""
        address = billing_address(session, record.id or 0)
        if address is not None:
            values.update(
                {
                    "billing_line1": address.line1,
                    "billing_line2": address.line2,
                    "billing_postcode": address.postcode,
                    "billing_city": address.city,
                    "billing_country": address.country,
                }
            )
        values["tags"] = ", ".join(tags_of(session, record.id or 0))
        for category_id in categories_of(session, record.id or 0):
            values[f"{CATEGORY_FIELD}{category_id}"] = "on"
        values["confirm_duplicate"] = ""
        return values

    def parse_extra(self, session, data, clean, errors) -> None:
        known = {int(value) for value, _ in _category_options(session)}
        clean["categories"] = sorted(
            int(key.removeprefix(CATEGORY_FIELD))
            for key, value in data.items()
            if key.startswith(CATEGORY_FIELD)
            and key.removeprefix(CATEGORY_FIELD).isdigit()
            and int(key.removeprefix(CATEGORY_FIELD)) in known
            and str(value) not in ("", "off")
        )
        names, problem = parse_tags(clean.get("tags") or "")
        clean["tag_names"] = names
        if problem:
            errors.setdefault("tags", problem)

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: Client | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        try:
            clean["cancellation_schedule"] = parse_schedule(clean.get("cancellation_text") or "")
        except ValueError as exc:
            errors.setdefault("cancellation_text", str(exc))
        person = clean.get("client_type") == ClientType.PERSON
        if person and not clean.get("last_name"):
            errors.setdefault("last_name", "Le nom d'un particulier est obligatoire.")
        if not person and not clean.get("name"):
            errors.setdefault("name", "La raison sociale est obligatoire.")
        if problem := vat_siren_problem(clean.get("siret"), clean.get("vat_number")):
            errors.setdefault("vat_number", problem)
        address = [clean.get(name) for name in BILLING_FIELDS[:4]]
        if any(address):
            if not clean.get("billing_line1"):
                errors.setdefault("billing_line1", "Indiquez l'adresse (ou videz l'adresse).")
            if not clean.get("billing_city"):
                errors.setdefault("billing_city", "Indiquez la ville.")
            if problem := postcode_problem(
                clean.get("billing_postcode") or "", clean.get("billing_country") or "FR"
            ):
                errors.setdefault("billing_postcode", problem)
        if actor.own_clients_only:
            # A rep limited to his own clients keeps them: he cannot give one away.
            clean["sales_rep_id"] = actor.user_id
        if errors or record is not None or clean.get("confirm_duplicate"):
            return
        duplicates = find_duplicates(
            session,
            siret=clean.get("siret") or "",
            email=clean.get("email") or "",
            name=_display_name(clean),
            postcode=clean.get("billing_postcode") or "",
        )
        if duplicates:
            raise DuplicateWarning(duplicates)

    def apply(self, session: Session, record: Client, clean: dict[str, Any]) -> None:
        posted_code = record.account_code
        super().apply(session, record, clean)
        record.account_code = keep_account_code(posted_code, record.account_code) or (
            next_account_code(session)
        )
        record.cancellation_schedule = clean.get("cancellation_schedule") or []
        record.is_company = clean["client_type"] != ClientType.PERSON
        record.name = _display_name(clean)
        record.search_name = normalize_text(record.name)
        if record.is_company:
            record.first_name = record.last_name = ""

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: Client,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        client_id = record.id or 0
        changes.update(sync_main_address(session, "client_id", client_id, clean))
        refresh_location(session, record)
        old_tags = [] if created else tags_of(session, client_id)
        if sorted(n.lower() for n in old_tags) != sorted(n.lower() for n in clean["tag_names"]):
            set_tags(session, client_id, clean["tag_names"])
            changes["étiquettes"] = [", ".join(old_tags), ", ".join(clean["tag_names"])]
        old_categories = [] if created else categories_of(session, client_id)
        if sorted(old_categories) != clean["categories"]:
            set_categories(session, client_id, clean["categories"])
            changes["catégories"] = [old_categories, clean["categories"]]
        return changes

    def delete_problem(self, session: Session, record: Client) -> str | None:
        for guard in DELETE_GUARDS:
            problem = guard(session, record.id or 0)
            if problem:
                return f"{problem} Passez plutôt le client au statut « Inactif »."
        return None


def set_status(session: Session, actor: Actor, client_id: int, status: str) -> Client:
    """Moves a client along prospect → client → inactive (audited)."""
    actor.require(Module.THIRD_PARTIES, Action.EDIT)
    if status not in ClientStatus.labels():
        raise FormErrors({"status": "Statut inconnu."})
    client = get_record(session, CLIENTS, client_id, actor)
    if client.status != status:
        before, client.status = client.status, status
        record_change(session, actor, CLIENTS, client, {"status": [before, status]})
    return client


def _display_name(clean: dict[str, Any]) -> str:
    if clean.get("client_type") == ClientType.PERSON:
        return " ".join(
            filter(None, [clean.get("last_name", "").upper(), clean.get("first_name", "")])
        ).strip()
    return clean.get("name") or ""


CLIENTS = ClientResource()


def outstanding_text(session: Session, client_id: int) -> tuple[str, str, bool]:
    """(en-cours, plafond, dépassé) as shown on the client page."""
    balance = outstanding_for(session, [client_id]).get(client_id)
    if balance is None:
        return formats.money(Decimal(0)), "", False
    limit = formats.money(balance.credit_limit) if balance.credit_limit is not None else ""
    return formats.money(balance.total), limit, balance.exceeded
