"""Reading a listing state's rows in a test as the user reads them: by column."""

from __future__ import annotations

from typing import Any


def rows_of(state: Any) -> list[dict[str, str]]:
    """The page's `ListRow`s as {"id": …, column key: text}, in the listing's order."""
    keys = [column.key for column in state._list_spec().columns]
    return [{"id": row.id, **dict(zip(keys, row.cells, strict=True))} for row in state.rows]
