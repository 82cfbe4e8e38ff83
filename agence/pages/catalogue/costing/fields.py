"""The small pieces every part of the costing screen is made of: a field's label and error, an
input, select or date of the costing's header, and the grid that lays them out."""

from __future__ import annotations

import reflex as rx

DEBOUNCE = 350
"""Milliseconds of typing before a field is sent and the costing recomputed."""


def error(message) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, color=rx.color("red", 11), size="1", role="alert"),
    )


def label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(text, html_for=html_for, style={"font_size": "0.8rem", "font_weight": 500})


def _header_id(name: str) -> str:
    return f"costing-{name.replace('_', '-')}"


def header_input(
    S, name: str, text: str, *, mode: str = "decimal", width: str = "100%"
) -> rx.Component:
    dom_id = _header_id(name)
    return rx.vstack(
        label(text, dom_id),
        rx.debounce_input(
            rx.input(
                value=S.header.get(name, ""),
                on_change=lambda value: S.set_header(name, value),
                input_mode=mode,
                id=dom_id,
                width=width,
                disabled=~S.can_edit,
            ),
            debounce_timeout=DEBOUNCE,
        ),
        error(S.header_errors.get(name, "")),
        spacing="1",
        width="100%",
    )


def header_select(S, name: str, text: str, options, *, empty: str | None = None) -> rx.Component:
    """A select of fixed `options` (a dict) or of the state's [value, label] pairs."""
    dom_id = _header_id(name)
    if isinstance(options, dict):
        items = [rx.el.option(option, value=value) for value, option in options.items()]
    else:
        items = [rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0]))]
    return rx.vstack(
        label(text, dom_id),
        rx.el.select(
            *([rx.el.option(empty, value="")] if empty is not None else []),
            *items,
            value=S.header.get(name, ""),
            on_change=lambda value: S.set_header(name, value),
            id=dom_id,
            class_name="agence-select",
            disabled=~S.can_edit,
            width="100%",
        ),
        error(S.header_errors.get(name, "")),
        spacing="1",
        width="100%",
    )


def date_input(S, name: str, text: str) -> rx.Component:
    dom_id = _header_id(name)
    return rx.vstack(
        label(text, dom_id),
        rx.input(
            type="date",
            value=S.header.get(name, ""),
            on_change=lambda value: S.set_header(name, value),
            id=dom_id,
            width="100%",
            disabled=~S.can_edit,
        ),
        error(S.header_errors.get(name, "")),
        spacing="1",
        width="100%",
    )


def grid_of(*cells: rx.Component, columns: str = "4") -> rx.Component:
    return rx.grid(
        *cells,
        columns=rx.breakpoints(initial="2", sm="3", md=columns),
        spacing="3",
        width="100%",
    )
