"""Saved filters on a listing page (client segments, dossiers' saved filters): save the
current search and filters under a name, re-apply one, delete one's own."""

from __future__ import annotations

import reflex as rx

from agence.db import session_scope
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor
from agence.services.parties import segments
from agence.services.parties.segments import SegmentRow
from agence.state.common.listing import ListMixin


class SegmentsMixin(ListMixin, mixin=True):
    segments: list[SegmentRow] = []
    segment_errors: dict[str, str] = {}

    def _segment_list(self) -> str:
        raise NotImplementedError

    def _load_segments(self, actor: Actor) -> None:
        with session_scope() as session:
            self.segments = segments.segment_rows(session, actor, self._segment_list())

    @rx.event
    def save_segment(self, form_data: dict):
        actor = self._require(self._list_module(), Action.SEE)
        try:
            with session_scope() as session:
                segment = segments.save_segment(
                    session,
                    actor,
                    str(form_data.get("segment_name", "")),
                    self._list_query(),
                    shared=str(form_data.get("segment_shared", "")) in ("on", "true"),
                    list_key=self._segment_list(),
                )
                name = segment.name
        except FormErrors as problem:
            self.segment_errors = problem.errors
            return
        self.segment_errors = {}
        self._load_segments(actor)
        return rx.toast.success(f"Filtre « {name} » enregistré.")

    @rx.event
    def apply_segment(self, segment_id: str):
        actor = self._require(self._list_module(), Action.SEE)
        if not str(segment_id).isdigit():
            return
        try:
            with session_scope() as session:
                query = segments.segment_query(
                    session, actor, int(segment_id), self._segment_list()
                )
        except FormErrors as problem:
            return self._toast_problem(problem, None)
        self.search, self.filters = query.search, query.filters
        if query.sort:
            self.sort, self.desc = query.sort, query.desc
        self.page = 1
        self._refresh(actor)

    @rx.event
    def delete_segment(self, segment_id: str):
        actor = self._require(self._list_module(), Action.SEE)
        if not str(segment_id).isdigit():
            return
        try:
            with session_scope() as session:
                segments.delete_segment(session, actor, int(segment_id), self._segment_list())
        except FormErrors as problem:
            return self._toast_problem(problem, None)
        self._load_segments(actor)
        return rx.toast.success("Filtre supprimé.")
