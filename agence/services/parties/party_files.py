"""What clients and suppliers share: the main (billing) address typed on the file's form, the
location and search text copied from it, the auxiliary account that a blank never loses."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from agence.models import Address, Client, Supplier
from agence.models.base import utcnow
from agence.services.common.text import department_of, normalize_text
from agence.services.parties.vocabulary import AddressKind

ADDRESS_FIELDS = (
    "billing_line1",
    "billing_line2",
    "billing_postcode",
    "billing_city",
    "billing_country",
)


def main_address(session: Session, owner_field: str, owner_id: int) -> Address | None:
    """The default billing address of a client or supplier (else its first billing one)."""
    return session.exec(
        select(Address)
        .where(
            getattr(Address, owner_field) == owner_id,
            Address.kind == AddressKind.BILLING,
            col(Address.deleted_at).is_(None),
        )
        .order_by(col(Address.is_default).desc(), col(Address.id))
    ).first()


def _describe(address: Address | None) -> str:
    if address is None:
        return ""
    return " ".join(
        filter(
            None, (address.line1, address.line2, address.postcode, address.city, address.country)
        )
    )


def sync_main_address(
    session: Session, owner_field: str, owner_id: int, clean: dict[str, Any]
) -> dict[str, list[str]]:
    """Keeps the billing address typed on the file's form: created, updated, or removed when
    its fields were emptied. Returns the audited change."""
    address = main_address(session, owner_field, owner_id)
    before = _describe(address)
    if clean.get("billing_line1"):
        if address is None:
            address = Address(kind=AddressKind.BILLING.value, is_default=True, line1="", city="")
            setattr(address, owner_field, owner_id)
        address.line1 = clean["billing_line1"]
        address.line2 = clean.get("billing_line2") or ""
        address.postcode = clean.get("billing_postcode") or ""
        address.city = clean["billing_city"]
        address.country = clean.get("billing_country") or "FR"
        address.updated_at = utcnow()
        session.add(address)
    elif address is not None and not any(clean.get(name) for name in ADDRESS_FIELDS[:4]):
        address.deleted_at = utcnow()
        session.add(address)
        address = None
    session.flush()
    after = _describe(address)
    return {"adresse de facturation": [before, after]} if before != after else {}


def refresh_location(session: Session, party: Client | Supplier) -> None:
    """Copies the city of the main address onto the file (filters, duplicates) and rebuilds
    the text the list's search scans."""
    owner_field = "client_id" if isinstance(party, Client) else "supplier_id"
    address = main_address(session, owner_field, party.id or 0)
    party.city = address.city if address else ""
    party.postcode = address.postcode if address else ""
    party.department = department_of(address.postcode, address.country) if address else ""
    party.search_text = search_text(
        party.name,
        party.city,
        party.postcode,
        party.email,
        party.siret,
        party.account_code,
        party.phone,
    )
    session.add(party)


def search_text(*parts: str) -> str:
    return normalize_text(" ".join(part for part in parts if part))[:600]


def keep_account_code(previous: str, typed: str) -> str:
    """Entries may already carry the code: a blank never loses it ("" = to be numbered)."""
    return typed or previous
