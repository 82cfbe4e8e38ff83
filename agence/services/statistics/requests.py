"""A report's request as the user types it (the page's filter form, the command line's options)
and the choices its filters offer: parsed and checked here once, French messages per field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from agence.models import (
    AgencySite,
    BookingType,
    ClientCategory,
    ProductType,
    Supplier,
    User,
)
from agence.services.common import identifiers
from agence.services.common.forms import FieldSpec, FormErrors
from agence.services.common.permissions import Actor
from agence.services.parties.vocabulary import ClientType
from agence.services.statistics.report import (
    Period,
    PeriodBasis,
    ReportFilters,
    ReportName,
    ReportRequest,
)

MAX_DAYS = 366 * 5
"""A period (or its comparison) spans at most five years."""
MAX_SUPPLIER_CHOICES = 500

Choice = tuple[str, str]

GROUPINGS: dict[ReportName, tuple[Choice, ...]] = {
    ReportName.DASHBOARD: (),
    ReportName.REVENUE: (
        ("mois", "Mois"),
        ("site", "Site"),
        ("commercial", "Commercial"),
        ("type_client", "Type de client"),
        ("categorie_client", "Catégorie de client"),
        ("type_dossier", "Type de dossier"),
    ),
    ReportName.BOOKINGS: (
        ("", "Tous les dossiers"),
        ("confirme_non_facture", "Confirmés non facturés"),
        ("sous_facture", "Sous-facturés"),
        ("impaye", "Impayés"),
    ),
    ReportName.PRODUCTS: (
        ("product", "Par prestation"),
        ("supplier", "Par fournisseur"),
        ("product_type", "Par type de prestation"),
    ),
    ReportName.CLIENTS: (),
    ReportName.PROSPECTING: (),
}
"""The groupings (or, for the dossiers, the control lists) each report offers; the first is
its default."""

FILTER_FIELDS = (
    "site",
    "rep",
    "client_type",
    "category",
    "booking_type",
    "product_type",
    "supplier",
)

PERIOD_FIELDS = (
    FieldSpec("from", "Du", "date", help="Vide avec « Au » : l'année en cours."),
    FieldSpec("to", "Au", "date"),
    FieldSpec("compare_from", "Comparer du", "date", help="Vide : la même période en N-1."),
    FieldSpec("compare_to", "Comparer au", "date"),
)
BASIS_FIELD = FieldSpec(
    "basis", "Période selon", "choice", required=True, choices=PeriodBasis.choices()
)
GROUPING_FIELD = FieldSpec("grouping", "Regroupement", "choice", required=True)
"""Shown only for a report that offers groupings (`GROUPINGS`)."""
FILTER_SPECS = (
    FieldSpec("site", "Site", "choice"),
    FieldSpec("rep", "Commercial", "choice"),
    FieldSpec("client_type", "Type de client", "choice", choices=ClientType.choices()),
    FieldSpec("category", "Catégorie de client", "choice"),
    FieldSpec("booking_type", "Type de dossier", "choice"),
    FieldSpec("product_type", "Type de prestation", "choice"),
    FieldSpec("supplier", "Fournisseur", "choice"),
)
"""The report form's fields (the page lays them out with the form machinery)."""


def request_keys() -> tuple[str, ...]:
    """Every key `parse_request` reads (the form's fields, the URL's query parameters)."""
    return tuple(spec.name for spec in (*PERIOD_FIELDS, BASIS_FIELD, GROUPING_FIELD, *FILTER_SPECS))


@dataclass(frozen=True)
class FilterChoices:
    """The options of every filter of the reports' form."""

    sites: tuple[Choice, ...]
    reps: tuple[Choice, ...]
    client_types: tuple[Choice, ...]
    categories: tuple[Choice, ...]
    booking_types: tuple[Choice, ...]
    product_types: tuple[Choice, ...]
    suppliers: tuple[Choice, ...]
    bases: tuple[Choice, ...] = PeriodBasis.choices()

    def options(self, field: str) -> tuple[Choice, ...]:
        return {
            "site": self.sites,
            "rep": self.reps,
            "client_type": self.client_types,
            "category": self.categories,
            "booking_type": self.booking_types,
            "product_type": self.product_types,
            "supplier": self.suppliers,
            "basis": self.bases,
        }[field]


def _pairs(rows) -> tuple[Choice, ...]:
    return tuple((str(key), str(label)) for key, label in rows)


def filter_choices(session: Session, actor: Actor) -> FilterChoices:
    """A rep limited to his clients is offered only himself as the rep."""
    reps = select(col(User.id), col(User.last_name) + " " + col(User.first_name)).order_by(
        col(User.last_name), col(User.first_name)
    )
    if actor.own_clients_only:
        reps = reps.where(col(User.id) == actor.user_id)
    return FilterChoices(
        sites=_pairs(
            session.execute(
                select(col(AgencySite.id), col(AgencySite.name)).order_by(col(AgencySite.name))
            )
        ),
        reps=_pairs(session.execute(reps.where(col(User.active).is_(True)))),
        client_types=ClientType.choices(),
        categories=_pairs(
            session.execute(
                select(col(ClientCategory.id), col(ClientCategory.name)).order_by(
                    col(ClientCategory.name)
                )
            )
        ),
        booking_types=_pairs(
            session.execute(
                select(col(BookingType.id), col(BookingType.label)).order_by(
                    col(BookingType.position)
                )
            )
        ),
        product_types=_pairs(
            session.execute(
                select(col(ProductType.id), col(ProductType.label)).order_by(col(ProductType.label))
            )
        ),
        suppliers=_pairs(
            session.execute(
                select(col(Supplier.id), col(Supplier.name))
                .where(col(Supplier.deleted_at).is_(None))
                .order_by(col(Supplier.name))
                .limit(MAX_SUPPLIER_CHOICES)
            )
        ),
    )


def _day(values: dict[str, str], key: str, errors: dict[str, str]) -> date | None:
    text = (values.get(key) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = "Date invalide : attendu AAAA-MM-JJ."
        return None


def _period(
    values: dict[str, str], start_key: str, end_key: str, errors: dict[str, str]
) -> Period | None:
    start, end = _day(values, start_key, errors), _day(values, end_key, errors)
    if start is None or end is None:
        return None
    if end < start:
        errors[end_key] = "La fin de la période précède son début."
        return None
    if (end - start).days > MAX_DAYS:
        errors[end_key] = "Une période couvre au plus cinq ans."
        return None
    return Period(start, end)


def _choice_id(
    values: dict[str, str], key: str, choices: FilterChoices | None, errors: dict[str, str]
) -> int | None:
    text = (values.get(key) or "").strip()
    if not text:
        return None
    number = identifiers.record_id(text)
    if number is None or (
        choices is not None and key != "supplier" and text not in dict(choices.options(key))
    ):
        errors[key] = "Choix inconnu."
        return None
    return number


def default_period(today: date) -> Period:
    """The year to date."""
    return Period(today.replace(month=1, day=1), today)


def parse_request(
    name: ReportName,
    values: dict[str, str],
    today: date,
    choices: FilterChoices | None = None,
) -> ReportRequest:
    """The request the form or the command line typed; FormErrors names each wrong field.
    Keys: from, to (the period: the year to date when both are empty), compare_from,
    compare_to (empty: the same period one year earlier), basis, grouping and the filters
    (`FILTER_FIELDS`, ids; client_type a client type's value). With `choices`, an id must be
    one of them (the rep's own clients' limit is applied by the reports, not here)."""
    errors: dict[str, str] = {}
    if not (values.get("from") or "").strip() and not (values.get("to") or "").strip():
        period: Period | None = default_period(today)
    else:
        for key in ("from", "to"):
            if not (values.get(key) or "").strip():
                errors[key] = "Indiquez le début et la fin de la période."
        period = _period(values, "from", "to", errors)
    comparison = None
    if (values.get("compare_from") or "").strip() or (values.get("compare_to") or "").strip():
        for key in ("compare_from", "compare_to"):
            if not (values.get(key) or "").strip():
                errors[key] = "Indiquez le début et la fin de la période de comparaison."
        comparison = _period(values, "compare_from", "compare_to", errors)
    basis_text = (values.get("basis") or "").strip() or PeriodBasis.INVOICE.value
    try:
        basis = PeriodBasis(basis_text)
    except ValueError:
        errors["basis"] = "Date de référence inconnue."
        basis = PeriodBasis.INVOICE
    grouping = (values.get("grouping") or "").strip()
    offered = GROUPINGS[name]
    if offered and grouping and grouping not in dict(offered):
        errors["grouping"] = "Regroupement inconnu."
    if offered and not grouping:
        grouping = offered[0][0]
    client_type = (values.get("client_type") or "").strip() or None
    if client_type is not None and client_type not in ClientType.labels():
        errors["client_type"] = "Type de client inconnu."
    filters = ReportFilters(
        site_id=_choice_id(values, "site", choices, errors),
        rep_id=_choice_id(values, "rep", choices, errors),
        client_type=client_type,
        client_category_id=_choice_id(values, "category", choices, errors),
        booking_type_id=_choice_id(values, "booking_type", choices, errors),
        product_type_id=_choice_id(values, "product_type", choices, errors),
        supplier_id=_choice_id(values, "supplier", choices, errors),
    )
    if errors or period is None:
        raise FormErrors(errors or {"from": "Période invalide."})
    return ReportRequest(period, comparison, basis, filters, grouping)


def request_values(request: ReportRequest) -> dict[str, str]:
    """The form's values for a request (the inverse of `parse_request`)."""
    filters = request.filters
    values = {
        "from": request.period.start.isoformat(),
        "to": request.period.end.isoformat(),
        "compare_from": request.comparison.start.isoformat() if request.comparison else "",
        "compare_to": request.comparison.end.isoformat() if request.comparison else "",
        "basis": request.basis.value,
        "grouping": request.grouping,
        "site": filters.site_id,
        "rep": filters.rep_id,
        "client_type": filters.client_type,
        "category": filters.client_category_id,
        "booking_type": filters.booking_type_id,
        "product_type": filters.product_type_id,
        "supplier": filters.supplier_id,
    }
    return {key: "" if value is None else str(value) for key, value in values.items()}


def described_filters(request: ReportRequest, choices: FilterChoices) -> list[tuple[str, str]]:
    """The chosen filters as « label : value » for the export's first sheet."""
    labels = {
        "site": "Site",
        "rep": "Commercial",
        "client_type": "Type de client",
        "category": "Catégorie de client",
        "booking_type": "Type de dossier",
        "product_type": "Type de prestation",
        "supplier": "Fournisseur",
    }
    values = request_values(request)
    found = []
    for key, label in labels.items():
        if values[key]:
            found.append((label, dict(choices.options(key)).get(values[key], values[key])))
    return found
