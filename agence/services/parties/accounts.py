"""Auxiliary accounts of third parties (411… clients, 401… suppliers), numbered by counters."""

from __future__ import annotations

from sqlmodel import Session, select

from agence.models import AppSetting


def next_counter_code(session: Session, model, counter_key: str, prefix: str) -> str:
    """The next free "<prefix>NNNNN" auxiliary account, from a counter kept in the database
    (locked on PostgreSQL, so that two users never get the same code)."""
    statement = select(AppSetting).where(AppSetting.key == counter_key)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    counter = session.exec(statement).first()
    if counter is None:
        counter = AppSetting(key=counter_key, value="1")
    number = int(counter.value or "1")
    while True:
        code = f"{prefix}{number:05d}"
        number += 1
        if session.exec(select(model.id).where(model.account_code == code)).first() is None:
            break
    counter.value = str(number)
    session.add(counter)
    return code
