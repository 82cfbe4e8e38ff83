"""Ids and numbers that come from outside (URLs, filters, event arguments), range-checked here.

A value past what the database can hold must read as « not found » or « no filter », never as an
error: SQLite raises OverflowError beyond 2⁶³, PostgreSQL « integer out of range » beyond 2³¹
for our `integer` keys. Every reader of an outside id or whole number goes through this module,
and the unit of work (`agence.db.AgenceSession.get`) applies the same bound to every lookup by
primary key.
"""

from __future__ import annotations

from decimal import Decimal

MAX_RECORD_ID = 2_147_483_647
"""The largest `integer` of PostgreSQL, the type of every primary key."""
MAX_WHOLE_NUMBER = 2_147_483_647
MAX_AMOUNT = Decimal("999999999999.99")
"""Beyond any `Numeric(14, 2)`; a bound typed past it filters like the bound itself."""
MAX_PAGE = 1_000_000


def record_id(raw: object) -> int | None:
    """The id in `raw` (an int or a string of digits) when it can name a row, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            return None
        value = int(text)
    else:
        return None
    return value if 1 <= value <= MAX_RECORD_ID else None


def is_record_id(raw: object) -> bool:
    return record_id(raw) is not None


def whole_number_in_range(value: int) -> bool:
    return -MAX_WHOLE_NUMBER <= value <= MAX_WHOLE_NUMBER


def page_number(raw: object) -> int:
    """A page number from the browser, 1 when unreadable, capped (an offset must stay small)."""
    try:
        text = str(raw).strip()
        number = int(text) if text.isascii() and len(text) <= 8 else 1
    except ValueError:
        number = 1
    return min(max(1, number), MAX_PAGE)


def bounded_amount(amount: Decimal) -> Decimal:
    """An amount typed in a filter, brought within what a column can hold."""
    return max(-MAX_AMOUNT, min(MAX_AMOUNT, amount))
