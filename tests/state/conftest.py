"""State tests: the real State classes, their event handlers called directly."""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import RouterData

from agence.models import User
from agence.settings import SESSION_COOKIE
from tests.factories import sign_in


class Browser:
    """One browser tab's state tree, as the server holds it."""

    def __init__(self) -> None:
        self.root = rx.State(_reflex_internal_init=True)
        self.cookie_header = ""
        self._route, self._path, self._params = "/", "/", {}

    def state(self, cls: type[rx.State]) -> Any:
        names = cls.get_full_name().split(".")
        node = self.root
        for name in names[1:]:
            node = node.substates[name]
        return node

    def sign_in(self, user: User) -> str:
        """The HttpOnly cookie the browser holds after signing in, sent with the handshake."""
        token = sign_in(user)
        self.set_cookie(token)
        return token

    def set_cookie(self, token: str) -> None:
        self.cookie_header = f"theme=clair; {SESSION_COOKIE}={token}" if token else ""
        self.visit(self._route, self._path, **self._params)

    def visit(self, route: str, path: str | None = None, **params: str) -> None:
        path = path or route
        self._route, self._path, self._params = route, path, params
        query = "&".join(f"{k}={v}" for k, v in params.items())
        self.root.router = RouterData.from_router_data(
            {
                "pathname": route,
                "query": params,
                "asPath": path + ("?" + query if query else ""),
                "headers": {"cookie": self.cookie_header} if self.cookie_header else {},
            }
        )

    def run(self, cls: type[rx.State], handler: str, *args: Any) -> Any:
        """Calls an event handler as Reflex would (awaiting it when it is async)."""
        function = cls.event_handlers[handler].fn
        result = function(self.state(cls), *args)
        if inspect.iscoroutine(result):
            # A thread of its own: Playwright's sync API may hold this thread's event loop.
            with ThreadPoolExecutor(max_workers=1) as pool:
                result = pool.submit(asyncio.run, result).result()
        return result


@pytest.fixture
def browser(db) -> Browser:
    return Browser()
