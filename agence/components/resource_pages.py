"""The two pages of a resource — its listing and its record form — registered in one call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import reflex as rx

from agence import routes
from agence.components.data_table import list_page
from agence.components.forms import record_form
from agence.components.layout import app_page
from agence.services.common.forms import FieldSpec
from agence.services.common.records import Resource


@dataclass(frozen=True)
class ResourcePages:
    resource: Resource
    list_route: str
    list_state: type
    form_state: type
    title: str
    subtitle: str
    record_title: str
    new_label: str
    entity: str
    fields: Sequence[FieldSpec] | None = None
    live: Sequence[str] = ()
    after_fields: Callable[[], rx.Component] | None = None
    aside: Callable[[], rx.Component] | None = None


def register(pages: ResourcePages) -> None:
    """Adds the listing at `list_route` and the form at `list_route/[record_id]`."""

    def listing() -> rx.Component:
        return list_page(
            pages.title,
            pages.subtitle,
            pages.list_state,
            pages.resource.list_spec(),
            pages.list_route,
            pages.new_label,
        )

    def form() -> rx.Component:
        return record_form(
            pages.form_state,
            pages.fields or pages.resource.fields,
            list_route=pages.list_route,
            entity=pages.entity,
            live=pages.live,
            after_fields=pages.after_fields() if pages.after_fields else None,
            aside=pages.aside() if pages.aside else None,
        )

    slug = pages.list_route.strip("/").replace("/", "_").replace("-", "_")
    listing.__name__, form.__name__ = f"{slug}_list", f"{slug}_form"
    app_page(pages.list_route, pages.title, pages.list_state.load_list)(listing)
    app_page(routes.record_route(pages.list_route), pages.record_title, pages.form_state.load)(form)
