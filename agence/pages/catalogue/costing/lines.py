"""« Les prestations »: one box per costing line — its label and result, the fields of its
cost and price, its notes — a line attached to another shown indented beneath it."""

from __future__ import annotations

import reflex as rx

from agence.pages.catalogue.costing.fields import DEBOUNCE, error
from agence.services.catalogue.pricing import Basis
from agence.services.catalogue.vocabulary import LINE_BASIS_LABELS, LINE_REGIME_LABELS

_SMALL_LABEL = {"font_size": "0.72rem"}


def line_input(
    S, line, index, name: str, label: str, width: str = "6.5rem", mode="decimal"
) -> rx.Component:
    dom_id = f"line-{index}-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=dom_id, style=_SMALL_LABEL),
        rx.debounce_input(
            rx.input(
                value=line[name],
                on_change=lambda value: S.set_line(index, name, value),
                input_mode=mode,
                id=dom_id,
                size="1",
                width=width,
                disabled=~S.can_edit,
            ),
            debounce_timeout=DEBOUNCE,
        ),
        spacing="0",
    )


def line_select(S, line, index, name: str, label: str, options: dict[str, str]) -> rx.Component:
    dom_id = f"line-{index}-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=dom_id, style=_SMALL_LABEL),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options.items()],
            value=line[name],
            on_change=lambda value: S.set_line(index, name, value),
            id=dom_id,
            class_name="agence-select",
            disabled=~S.can_edit,
        ),
        spacing="0",
    )


def line_tick(S, line, index, name: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            checked=line[name] == "on",
            on_change=lambda ticked: S.tick_line(index, name, ticked),
            id=f"line-{index}-{name}",
            disabled=~S.can_edit,
        ),
        rx.text(label, size="1"),
        display="flex",
        gap="0.3rem",
        align_items="center",
        cursor="pointer",
    )


def _move_buttons(S, index) -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.icon_button(
                rx.icon("arrow-up", size=14),
                size="1",
                variant="ghost",
                on_click=S.move_line(index, -1),
                aria_label="Monter",
            ),
            rx.icon_button(
                rx.icon("arrow-down", size=14),
                size="1",
                variant="ghost",
                on_click=S.move_line(index, 1),
                aria_label="Descendre",
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="ghost",
                color_scheme="red",
                on_click=S.remove_line(index),
                aria_label="Retirer la ligne",
                id=f"line-{index}-remove",
            ),
            spacing="1",
        ),
    )


def _line_title(S, line, index) -> rx.Component:
    """Its number, label and supplier, its cost and sale, and the buttons that move it."""
    results = S.line_results[index]
    return rx.flex(
        rx.badge(index + 1, variant="soft", color_scheme="gray"),
        rx.debounce_input(
            rx.input(
                value=line["label"],
                on_change=lambda value: S.set_line(index, "label", value),
                id=f"line-{index}-label",
                aria_label="Libellé",
                size="2",
                flex="1",
                min_width="12rem",
                disabled=~S.can_edit,
            ),
            debounce_timeout=DEBOUNCE,
        ),
        rx.text(line["supplier"], size="1", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.vstack(
            rx.text(
                "Coût ",
                rx.text.strong(results.cost),
                " · Vente ",
                rx.text.strong(results.sale),
                size="2",
                id=f"line-{index}-result",
            ),
            rx.text(results.detail, size="1", color=rx.color("gray", 11)),
            spacing="0",
            align="end",
        ),
        _move_buttons(S, index),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _attachment_select(S, line, index) -> rx.Component:
    """« Rattachée à »: any other line that is not itself attached."""
    return rx.vstack(
        rx.el.label("Rattachée à", html_for=f"line-{index}-attached_to", style=_SMALL_LABEL),
        rx.el.select(
            rx.el.option("—", value=""),
            rx.foreach(
                S.lines,
                lambda other: rx.cond(
                    (other["key"] != line["key"]) & (other["attached_to"] == ""),
                    rx.el.option(other["label"], value=other["key"]),
                ),
            ),
            value=line["attached_to"],
            on_change=lambda value: S.attach_line(index, value),
            id=f"line-{index}-attached_to",
            class_name="agence-select",
            disabled=~S.can_edit,
        ),
        spacing="0",
    )


def _line_fields(S, line, index) -> rx.Component:
    """The basis, quantities, cost, VAT and price of the line; a per-group line gives how many
    people one unit serves, a per-person line the supplier's free places."""
    return rx.flex(
        line_select(S, line, index, "basis", "Base", LINE_BASIS_LABELS),
        line_input(S, line, index, "quantity", "Quantité", "4.5rem"),
        line_input(S, line, index, "unit_cost", "Coût unit. TTC"),
        rx.cond(
            line["basis"] == Basis.GROUP.value,
            line_input(S, line, index, "capacity", "1 unité pour", "5rem", "numeric"),
            rx.hstack(
                line_input(S, line, index, "supplier_free", "Grat. fourn.", "4rem", "numeric"),
                line_input(S, line, index, "supplier_free_per", "pour N", "4rem", "numeric"),
                spacing="1",
            ),
        ),
        rx.vstack(
            rx.text("Consommée par", size="1"),
            rx.hstack(
                line_tick(S, line, index, "for_paying", "payants"),
                line_tick(S, line, index, "for_free", "gratuits"),
                line_tick(S, line, index, "for_staff", "accomp."),
                spacing="2",
            ),
            spacing="1",
        ),
        line_input(S, line, index, "vat_rate", "TVA %", "4rem"),
        line_select(S, line, index, "regime", "Régime", LINE_REGIME_LABELS),
        line_input(S, line, index, "markup_percent", "Majoration %", "5rem"),
        line_input(S, line, index, "unit_sale_price", "Prix vente unit.", "6rem"),
        line_input(S, line, index, "discount_percent", "Remise %", "4.5rem"),
        _attachment_select(S, line, index),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _line_notes(line, index) -> rx.Component:
    """The client price applied, and what to check (a rate missing for the date…)."""
    return rx.flex(
        rx.cond(
            line["price_note"] != "",
            rx.badge(rx.icon("badge-percent", size=12), line["price_note"], color_scheme="green"),
        ),
        rx.cond(
            line["flag"] != "",
            rx.badge(
                rx.icon("triangle-alert", size=12),
                line["flag"],
                color_scheme="orange",
                id=f"line-{index}-flag",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def line_box(S, line, index) -> rx.Component:
    attached = line["attached_to"] != ""
    return rx.box(
        _line_title(S, line, index),
        _line_fields(S, line, index),
        _line_notes(line, index),
        error(S.line_errors[index]),
        key=line["key"],
        margin_left=rx.cond(attached, "1.5rem", "0"),
        padding="0.75rem",
        border=f"1px solid {rx.color('gray', 5)}",
        border_left=rx.cond(
            attached,
            f"3px solid {rx.color('accent', 8)}",
            f"1px solid {rx.color('gray', 5)}",
        ),
        border_radius="8px",
        width="100%",
        id=f"line-{index}",
    )


def lines_card(S) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Les prestations", size="3"),
                rx.badge(S.lines.length(), variant="soft"),
                align="center",
            ),
            rx.cond(
                S.lines.length() == 0,
                rx.text(
                    "Aucune ligne : cherchez une prestation du catalogue ou ajoutez une ligne "
                    "libre.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            rx.foreach(S.lines, lambda line, index: line_box(S, line, index)),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
