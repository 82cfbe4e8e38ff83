"""The dossier's « Fournisseurs » tab: per supplier, its services' bookings and the exchanges."""

from __future__ import annotations

import reflex as rx

from agence.components.forms import field_error, form_dialog
from agence.services.bookings.supplier_side import ExchangeRow, SupplierCard, SupplierService
from agence.services.bookings.vocabulary import (
    EXCHANGE_DIRECTION_LABELS,
    EXCHANGE_KIND_LABELS,
    SUPPLIER_STATUS_LABELS,
    SupplierStatus,
)
from agence.state.bookings.supplier_side import BookingSuppliersState


def _service_row(service: SupplierService) -> rx.Component:
    state = BookingSuppliersState
    return rx.flex(
        rx.text(service.label, size="2", weight="medium", flex="1", min_width="12rem"),
        rx.el.select(
            *[rx.el.option(label, value=code) for code, label in SUPPLIER_STATUS_LABELS.items()],
            value=service.status,
            on_change=lambda value: state.update_service(service.line_id, "status", value),
            disabled=~state.can_change,
            class_name="agence-select",
            aria_label="Réservation fournisseur",
            id="supplier-status-" + service.line_id,
        ),
        rx.cond(
            service.status == SupplierStatus.OPTION,
            rx.input(
                type="date",
                value=service.option_until,
                on_change=lambda value: state.update_service(
                    service.line_id, "option_until", value
                ),
                disabled=~state.can_change,
                aria_label="Option jusqu'au",
                width="10rem",
            ),
        ),
        rx.input(
            default_value=service.reference,
            placeholder="Référence fournisseur",
            on_blur=lambda value: state.update_service(service.line_id, "reference", value),
            disabled=~state.can_change,
            width="12rem",
            id="supplier-reference-" + service.line_id,
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
        padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _exchange_line(exchange: ExchangeRow) -> rx.Component:
    return rx.text(
        rx.text.strong(exchange.at + " · " + exchange.kind + " "),
        rx.text.em("(" + exchange.direction + ", " + exchange.user + ") "),
        exchange.summary,
        size="1",
    )


def _supplier_card(supplier: SupplierCard) -> rx.Component:
    state = BookingSuppliersState
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(supplier.name, size="3"),
                rx.cond(
                    supplier.to_request != "0",
                    rx.badge(supplier.to_request + " à demander", color_scheme="orange"),
                ),
                rx.text(supplier.email, " ", supplier.phone, size="1"),
                rx.spacer(),
                rx.cond(
                    state.can_change,
                    rx.button(
                        rx.icon("message-square-plus", size=14),
                        "Noter un échange",
                        size="1",
                        variant="soft",
                        on_click=state.open_exchange(supplier.id),
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.foreach(supplier.services, _service_row),
            rx.foreach(supplier.exchanges, _exchange_line),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _exchange_dialog() -> rx.Component:
    state = BookingSuppliersState
    return form_dialog(
        "Échange avec " + state.exchange_name,
        rx.hstack(
            rx.el.select(
                *[rx.el.option(label, value=code) for code, label in EXCHANGE_KIND_LABELS.items()],
                name="kind",
                class_name="agence-select",
                aria_label="Moyen",
            ),
            rx.el.select(
                *[
                    rx.el.option(label, value=code)
                    for code, label in EXCHANGE_DIRECTION_LABELS.items()
                ],
                name="direction",
                class_name="agence-select",
                aria_label="Sens",
            ),
            spacing="2",
        ),
        rx.text_area(name="summary", rows="4", width="100%", placeholder="Résumé"),
        field_error(state, "summary", state.exchange_errors),
        submit_label="Enregistrer",
        on_submit=state.save_exchange,
        on_close=state.close_exchange,
        is_open=state.exchange_open,
        width="32rem",
    )


def suppliers_tab() -> rx.Component:
    state = BookingSuppliersState
    return rx.vstack(
        rx.text(
            "Chaque prestation achetée : sa réservation chez le fournisseur (option jusqu'à une "
            "date, confirmation, référence) et les échanges notés.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            state.suppliers.length() == 0,
            rx.text(
                "Aucune prestation de fournisseur dans la cotation.",
                size="2",
                color=rx.color("gray", 11),
            ),
        ),
        rx.foreach(state.suppliers, _supplier_card),
        _exchange_dialog(),
        spacing="3",
        width="100%",
        id="suppliers",
    )
