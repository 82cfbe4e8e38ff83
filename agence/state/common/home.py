"""The home page: who is signed in, and shortcuts to the modules he may use."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.state.common.base import AppState


class HomeState(AppState):
    shortcuts: list[dict[str, str]] = []

    @rx.event
    def open_home(self):
        actor = self._require_signed_in()
        self.shortcuts = [
            {
                "label": entry.label,
                "route": entry.route,
                "section": entry.section,
                "description": entry.description,
            }
            for entry in routes.visible_entries(actor)
            if entry.route != routes.HOME
        ]


class DeniedState(AppState):
    @rx.event
    def open_denied(self):
        self._require_signed_in()
