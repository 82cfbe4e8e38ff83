"""« Ajouter des prestations »: the catalogue searched by name, type and supplier, each result
added as a line in one click, or a free line typed by hand."""

from __future__ import annotations

import reflex as rx


def search_result(S, item) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(item.name, weight="medium", size="2"),
            rx.text(
                item.product_type + " · " + item.supplier + " · " + item.basis,
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.button(
            rx.icon("plus", size=14),
            "Ajouter",
            size="1",
            on_click=S.add_product(item.id),
            id="add-product-" + item.id,
        ),
        width="100%",
        align="center",
        padding_y="0.35rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _search_bar(S) -> rx.Component:
    return rx.flex(
        rx.debounce_input(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                value=S.search_text,
                on_change=S.search_changed,
                placeholder="Chercher dans le catalogue : nom, fournisseur, mot-clé…",
                id="product-search",
                width="100%",
            ),
            debounce_timeout=300,
        ),
        rx.el.select(
            rx.el.option("Type : tous", value=""),
            rx.foreach(S.type_options, lambda o: rx.el.option(o[1], value=o[0])),
            value=S.search_type,
            on_change=lambda value: S.search_filter_changed("product_type", value),
            class_name="agence-select",
            aria_label="Type",
            id="product-search-type",
        ),
        rx.el.select(
            rx.el.option("Fournisseur : tous", value=""),
            rx.foreach(S.supplier_options, lambda o: rx.el.option(o[1], value=o[0])),
            value=S.search_supplier,
            on_change=lambda value: S.search_filter_changed("supplier", value),
            class_name="agence-select",
            aria_label="Fournisseur",
            id="product-search-supplier",
        ),
        rx.button(
            rx.icon("pencil-line", size=14),
            "Ligne libre",
            variant="soft",
            on_click=S.add_blank_line,
            id="add-free-line",
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
    )


def search_card(S) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Ajouter des prestations", size="3"),
            _search_bar(S),
            rx.cond(
                S.search_results.length() > 0,
                rx.vstack(
                    rx.foreach(S.search_results, lambda item: search_result(S, item)),
                    spacing="0",
                    width="100%",
                ),
                rx.cond(
                    S.search_text != "",
                    rx.text("Aucune prestation active ne correspond.", size="2"),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
