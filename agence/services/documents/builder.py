"""Reads a dossier into document content (content.py): which version, which prices, which
programme, which supplier's services. The letter texts are added afterwards (the templates
package).

The caller has checked the rights and the dossier's access (`bookings.get_booking`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from sqlmodel import Session, col, select

from agence.models import (
    AgencySite,
    Booking,
    BookingProgrammeItem,
    BookingVersion,
    Client,
    Contact,
    Costing,
    Guide,
    GuideAssignment,
    PaymentTerm,
    Supplier,
    User,
)
from agence.models.parties import Address
from agence.services.bookings.programme import map_url
from agence.services.catalogue import costings, pricing
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.documents.content import (
    Addressee,
    Branding,
    Change,
    ClientDocument,
    DocumentKind,
    Group,
    PaymentSchedule,
    PriceRow,
    ProgrammeDay,
    ProgrammeEntry,
    Service,
    SupplierDocument,
    SupplierService,
)
from agence.services.documents.locale import money
from agence.services.parties.vocabulary import AddressKind
from agence.services.settings.payment_terms import TermRule, term_due_dates
from agence.settings import get_settings

QUOTE_VALIDITY_DAYS = 30
"""An offer without a client option deadline stays valid this long."""
CENT = Decimal("0.01")


# --- Parties -----------------------------------------------------------------------------------


def branding(session: Session, site_id: int | None) -> Branding:
    site = session.get(AgencySite, site_id) if site_id else None
    if site is None:
        site = session.exec(select(AgencySite).order_by(col(AgencySite.is_default).desc())).first()
    if site is None:
        return Branding(name="Agence", address_lines=())
    logo = get_settings().files_dir / site.logo_file if site.logo_file else None
    return Branding(
        name=site.name,
        address_lines=_lines(
            site.address_line1, site.address_line2, f"{site.postcode} {site.city}".strip()
        ),
        phone=site.phone,
        email=site.email,
        siret=site.siret,
        vat_number=site.vat_number,
        legal_form=site.legal_form,
        share_capital=site.share_capital,
        rcs=site.rcs,
        tourism_licence=site.tourism_licence,
        legal_mentions=site.legal_mentions,
        logo_path=logo if logo is not None and logo.is_file() else None,
        color=site.brand_color or "#1F4E79",
        iban=site.iban,
        bic=site.bic,
    )


def _lines(*parts: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in parts if part and part.strip())


def _address_of(session: Session, **owner: int) -> tuple[str, ...]:
    ((field, owner_id),) = owner.items()
    addresses = session.exec(
        select(Address).where(
            getattr(Address, field) == owner_id,
            col(Address.deleted_at).is_(None),
        )
    ).all()
    if not addresses:
        return ()
    chosen = sorted(
        addresses,
        key=lambda a: (a.kind != AddressKind.BILLING, not a.is_default, a.id or 0),
    )[0]
    return _lines(chosen.line1, chosen.line2, f"{chosen.postcode} {chosen.city}".strip())


def contact_name(contact: Contact | None) -> str:
    if contact is None:
        return ""
    return " ".join(p for p in (contact.civility, contact.first_name, contact.last_name) if p)


def client_addressee(session: Session, booking: Booking) -> Addressee:
    client = session.get(Client, booking.client_id)
    contact = session.get(Contact, booking.contact_id) if booking.contact_id else None
    return Addressee(
        name=client.name if client else "",
        address_lines=_address_of(session, client_id=booking.client_id),
        contact_name=contact_name(contact),
        contact_phone=(contact.mobile or contact.phone) if contact else "",
        contact_email=contact.email if contact else (client.email if client else ""),
    )


def supplier_addressee(session: Session, supplier: Supplier) -> Addressee:
    contact = session.exec(
        select(Contact)
        .where(Contact.supplier_id == supplier.id, Contact.deleted_at.is_(None))  # type: ignore[union-attr]
        .order_by(col(Contact.is_main).desc(), col(Contact.id))
    ).first()
    return Addressee(
        name=supplier.name,
        address_lines=_address_of(session, supplier_id=supplier.id or 0),
        contact_name=contact_name(contact),
        contact_phone=(contact.mobile or contact.phone) if contact else supplier.phone,
        contact_email=(contact.email if contact and contact.email else supplier.email),
    )


def user_addressee(session: Session, user_id: int | None, fallback: Branding) -> Addressee:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return Addressee(
            name=fallback.name, contact_phone=fallback.phone, contact_email=fallback.email
        )
    return Addressee(
        name=f"{user.first_name} {user.last_name}".strip(),
        contact_name=f"{user.first_name} {user.last_name}".strip(),
        contact_phone=user.phone or fallback.phone,
        contact_email=user.email,
    )


def language_name(code: str, language: str) -> str:
    """The group's language in the document's language (« anglais », « English »)."""
    try:
        name = Locale.parse(language if language in ("fr", "en") else "fr").languages.get(code)
    except (ValueError, TypeError):
        name = None
    return name or code


def group_of(booking: Booking, language: str) -> Group:
    needs = []
    if booking.reduced_mobility:
        needs.append("PMR" if language == "fr" else "Reduced mobility")
    if booking.dietary_needs:
        needs.append(booking.dietary_needs)
    return Group(
        starts_on=booking.starts_on,
        ends_on=booking.ends_on,
        start_time=formats.clock(booking.start_time),
        end_time=formats.clock(booking.end_time),
        paying=booking.paying,
        free=booking.free,
        staff=booking.staff,
        language=language_name(booking.language, language),
        meeting_place=booking.meeting_place,
        coach_company=booking.coach_company,
        driver_phone=booking.driver_phone,
        special_needs=" ; ".join(needs),
    )


# --- Versions: costing and programme ----------------------------------------------------------


@dataclass(frozen=True)
class PricedVersion:
    header: dict[str, str]
    lines: list[dict[str, str]]
    priced: pricing.PricedGroup | None


def version_costing_id(session: Session, booking: Booking, version: int) -> int | None:
    if version == booking.version:
        return booking.costing_id
    row = session.exec(
        select(BookingVersion).where(
            BookingVersion.booking_id == booking.id, BookingVersion.number == version
        )
    ).first()
    return row.costing_id if row else None


def priced_version(session: Session, booking: Booking, version: int) -> PricedVersion:
    costing_id = version_costing_id(session, booking, version)
    if costing_id is None:
        return PricedVersion({}, [], None)
    costing = session.get(Costing, costing_id)
    if costing is None:
        return PricedVersion({}, [], None)
    header, lines = costings.saved_strings(session, costing)
    return PricedVersion(header, lines, costings.quote(header, lines))


def _detail(line: pricing.PricedLine, language: str) -> str:
    french = language == "fr"
    if line.basis == pricing.Basis.PERSON:
        return f"{line.consumers} pers." if french else f"{line.consumers} people"
    if line.basis == pricing.Basis.GROUP:
        return "forfait groupe" if french else "group flat rate"
    return f"{line.units} unité(s)" if french else f"{line.units} unit(s)"


def services_of(version: PricedVersion, language: str) -> tuple[Service, ...]:
    if version.priced is None:
        return tuple(Service(label=line.get("label", "")) for line in version.lines)
    return tuple(
        Service(
            label=values.get("label", ""),
            detail=_detail(line, language),
            amount=line.sale,
            attached=bool(values.get("attached_to")),
        )
        for values, line in zip(version.lines, version.priced.lines, strict=False)
    )


def programme_items(session: Session, booking: Booking, version: int) -> list[BookingProgrammeItem]:
    return list(
        session.exec(
            select(BookingProgrammeItem)
            .where(
                BookingProgrammeItem.booking_id == booking.id,
                BookingProgrammeItem.version == version,
            )
            .order_by(
                col(BookingProgrammeItem.day),
                col(BookingProgrammeItem.position),
                col(BookingProgrammeItem.id),
            )
        ).all()
    )


def _time(item: BookingProgrammeItem) -> str:
    return " – ".join(
        text for text in (formats.clock(item.start_time), formats.clock(item.end_time)) if text
    )


def _guides_by_item(session: Session, booking: Booking) -> dict[int, list[Guide]]:
    found: dict[int, list[Guide]] = {}
    for assignment, guide in session.exec(
        select(GuideAssignment, Guide)
        .join(Guide, Guide.id == GuideAssignment.guide_id)  # type: ignore[arg-type]
        .where(GuideAssignment.booking_id == booking.id)
        .order_by(col(Guide.name))
    ):
        found.setdefault(assignment.programme_item_id, []).append(guide)
    return found


def programme_of(
    session: Session, booking: Booking, version: int
) -> tuple[tuple[ProgrammeDay, ...], list[Guide]]:
    guides = _guides_by_item(session, booking)
    days: dict[date, list[ProgrammeEntry]] = {}
    met: dict[int, Guide] = {}
    for item in programme_items(session, booking, version):
        item_guides = guides.get(item.id or 0, [])
        for guide in item_guides:
            met.setdefault(guide.id or 0, guide)
        days.setdefault(item.day, []).append(
            ProgrammeEntry(
                time=_time(item),
                title=item.title,
                place=item.meeting_place,
                address=item.meeting_address,
                map_url=map_url(item),
                notes=item.notes,
                is_transfer=item.is_transfer,
                guides=tuple(guide.name for guide in item_guides),
            )
        )
    programme = tuple(ProgrammeDay(day, tuple(entries)) for day, entries in days.items())
    return programme, list(met.values())


# --- Money: grid, payment schedule, cancellation terms ----------------------------------------


def price_grid(session: Session, version: PricedVersion) -> tuple[PriceRow, ...]:
    rows = costings.priced_grid(session, version.header, version.lines)
    return tuple(PriceRow(row.group.paying, row.price_per_paying, row.total_sale) for row in rows)


def payment_schedule(
    session: Session, client: Client | None, total: Decimal, on: date, departure: date
) -> PaymentSchedule:
    term = (
        session.get(PaymentTerm, client.payment_term_id)
        if client and client.payment_term_id
        else None
    )
    if term is None:
        return PaymentSchedule(balance=total, balance_due=departure)
    instalments = term_due_dates(term, on, departure)
    if term.rule == TermRule.DEPOSIT_THEN_BALANCE and len(instalments) == 2:
        deposit = (total * instalments[0].percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        return PaymentSchedule(
            deposit=deposit,
            deposit_due=instalments[0].due,
            balance=total - deposit,
            balance_due=instalments[1].due,
            terms_label=term.label,
        )
    return PaymentSchedule(balance=total, balance_due=instalments[0].due, terms_label=term.label)


def cancellation_lines(client: Client | None, language: str) -> tuple[str, ...]:
    steps = sorted(
        (client.cancellation_schedule if client else None) or [],
        key=lambda step: -int(step["days"]),
    )
    lines = []
    for step in steps:
        days, percent = int(step["days"]), formats.percent(Decimal(str(step["percent"])))
        if language == "fr":
            lines.append(f"À {days} jours ou moins du départ : {percent} du prix total")
        else:
            lines.append(f"{days} days or less before departure: {percent} of the total price")
    return tuple(lines)


# --- Amendments --------------------------------------------------------------------------------


def _service_key(values: dict[str, str]) -> str:
    return f"p{values['product_id']}" if values.get("product_id") else f"l{values.get('label', '')}"


def changes_between(
    before: PricedVersion, after: PricedVersion, language: str
) -> tuple[Change, ...]:
    """Services added, removed or changed (quantity, basis, label or price) from one version
    to the next, matched by catalogue product, else by label."""
    old = dict(
        zip((_service_key(v) for v in before.lines), services_of(before, language), strict=False)
    )
    new = dict(
        zip((_service_key(v) for v in after.lines), services_of(after, language), strict=False)
    )
    zero = Decimal(0)
    found: list[Change] = []
    for key, service in new.items():
        previous = old.get(key)
        if previous is None:
            found.append(
                Change("added", service.label, "", _said(service, language), service.amount or zero)
            )
        elif (previous.label, previous.detail, previous.amount) != (
            service.label,
            service.detail,
            service.amount,
        ):
            found.append(
                Change(
                    "changed",
                    service.label,
                    _said(previous, language),
                    _said(service, language),
                    (service.amount or zero) - (previous.amount or zero),
                )
            )
    for key, service in old.items():
        if key not in new:
            found.append(
                Change(
                    "removed",
                    service.label,
                    _said(service, language),
                    "",
                    -(service.amount or zero),
                )
            )
    return tuple(found)


def _said(service: Service, language: str) -> str:
    return " – ".join(part for part in (service.detail, money(service.amount, language)) if part)


# --- Documents ---------------------------------------------------------------------------------


def check_version(booking: Booking, kind: DocumentKind, version: int | None) -> int:
    """Which version a document prints: the contract the confirmed one, an amendment a later
    one, the others the current one; a version that does not exist is refused."""
    if kind == DocumentKind.CONTRACT:
        if not booking.confirmed_version:
            raise FormErrors({"kind": "Le contrat s'édite une fois le dossier confirmé."})
        chosen = version or booking.confirmed_version
        if chosen > booking.confirmed_version:
            raise FormErrors({"kind": "Le contrat reprend une version confirmée."})
        return chosen
    if kind == DocumentKind.AMENDMENT:
        chosen = version or booking.version
        if chosen < 2 or chosen > booking.version:
            raise FormErrors({"kind": "Ce dossier n'a pas d'avenant."})
        return chosen
    chosen = version or booking.version
    if not 1 <= chosen <= booking.version:
        raise FormErrors({"kind": "Version inconnue."})
    return chosen


def client_document(
    session: Session,
    booking: Booking,
    kind: DocumentKind,
    language: str,
    *,
    version: int | None = None,
    on: date | None = None,
    with_grid: bool = False,
) -> ClientDocument:
    on = on or formats.today()
    version = check_version(booking, kind, version)
    brand = branding(session, booking.site_id)
    client = session.get(Client, booking.client_id)
    current = priced_version(session, booking, version)
    programme, guides = programme_of(session, booking, version)
    priced = current.priced
    total = priced.total_sale if priced else booking.total_price
    per_paying = priced.price_per_paying if priced else booking.price_per_paying
    sales_rep = user_addressee(session, booking.sales_rep_id, brand)
    extra: dict = {}
    if kind == DocumentKind.AMENDMENT:
        previous = priced_version(session, booking, version - 1)
        reason = session.exec(
            select(BookingVersion.reason).where(
                BookingVersion.booking_id == booking.id, BookingVersion.number == version
            )
        ).first()
        extra = {
            "amendment_number": version - 1,
            "amendment_reason": reason or "",
            "changes": changes_between(previous, current, language),
            "previous_total": previous.priced.total_sale if previous.priced else None,
        }
    if kind == DocumentKind.ROAD_BOOK:
        agency = Addressee(name=brand.name, contact_phone=brand.phone, contact_email=brand.email)
        extra["contacts"] = (
            agency,
            sales_rep,
            *(
                Addressee(name=guide.name, contact_phone=guide.phone, contact_email=guide.email)
                for guide in guides
            ),
        )
    return ClientDocument(
        kind=kind,
        language=language,
        branding=brand,
        reference=booking.reference,
        title=booking.title,
        issued_on=on,
        version=version,
        client=client_addressee(session, booking),
        group=group_of(booking, language),
        sales_rep=sales_rep,
        programme=programme,
        services=services_of(current, language),
        price_per_paying=per_paying,
        total=total,
        price_grid=price_grid(session, current) if with_grid else (),
        valid_until=(booking.option_until or on + timedelta(days=QUOTE_VALIDITY_DAYS))
        if kind == DocumentKind.QUOTE
        else None,
        margin_scheme=_margin_scheme(current),
        payment=payment_schedule(session, client, total, on, booking.starts_on),
        cancellation_terms=cancellation_lines(client, language),
        **extra,
    )


def _margin_scheme(version: PricedVersion) -> bool:
    """The travel-agency mention applies when a service is sold under the margin scheme."""
    if not version.lines:
        return True
    return any(line.get("regime", "margin") == "margin" for line in version.lines)


def suppliers_of(session: Session, booking: Booking) -> list[Supplier]:
    """The suppliers of the current version's services, by name."""
    version = priced_version(session, booking, booking.version)
    ids = {int(v["supplier_id"]) for v in version.lines if (v.get("supplier_id") or "").isdigit()}
    if not ids:
        return []
    return list(
        session.exec(select(Supplier).where(col(Supplier.id).in_(ids)).order_by(Supplier.name))
    )


def supplier_document(
    session: Session,
    booking: Booking,
    supplier_id: int,
    kind: DocumentKind,
    language: str,
    *,
    on: date | None = None,
    statuses: dict[str, str] | None = None,
) -> SupplierDocument:
    """One supplier's services of the dossier's current version, dated from the programme
    slots of the same product (else the first day of the dossier)."""
    on = on or formats.today()
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise FormErrors({"supplier_id": "Fournisseur inconnu."})
    current = priced_version(session, booking, booking.version)
    slots: dict[str, list[BookingProgrammeItem]] = {}
    for item in programme_items(session, booking, booking.version):
        if item.product_id:
            slots.setdefault(str(item.product_id), []).append(item)
    priced_lines = current.priced.lines if current.priced else ()
    services: list[SupplierService] = []
    for index, values in enumerate(current.lines):
        if values.get("supplier_id") != str(supplier_id):
            continue
        line = priced_lines[index] if index < len(priced_lines) else None
        option_until = costings_date(values.get("supplier_option_until", ""))
        # The whole stay when the line has no slot in the programme; else one per slot.
        whole_stay = SupplierService(
            day=booking.starts_on,
            time="",
            label=values.get("label", ""),
            quantity=_detail(line, language) if line else "",
            status=(statuses or {}).get(values.get("supplier_status", ""), ""),
            supplier_reference=values.get("supplier_reference", ""),
            option_until=option_until,
        )
        items = slots.get(values.get("product_id", ""), [])
        if not items:
            services.append(whole_stay)
        for item in items:
            services.append(replace(whole_stay, day=item.day, time=_time(item), notes=item.notes))
    if not services:
        raise FormErrors({"supplier_id": f"{supplier.name} n'a pas de prestation dans ce dossier."})
    brand = branding(session, booking.site_id)
    client = session.get(Client, booking.client_id)
    deadlines = [s.option_until for s in services if s.option_until]
    return SupplierDocument(
        kind=kind,
        language=language,
        branding=brand,
        reference=booking.reference,
        title=booking.title,
        issued_on=on,
        supplier=supplier_addressee(session, supplier),
        group_name=f"{client.name if client else ''} – {booking.title}",
        group=group_of(booking, language),
        services=tuple(services),
        agency_contact=user_addressee(session, booking.sales_rep_id, brand),
        reply_by=min(deadlines) if deadlines else None,
    )


def costings_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
