"""The access-denied page's state."""

from __future__ import annotations

import reflex as rx

from agence.state.common.base import AppState


class DeniedState(AppState):
    @rx.event
    def open_denied(self):
        self._require_signed_in()
