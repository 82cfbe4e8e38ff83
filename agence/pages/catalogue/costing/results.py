"""« Résultat » for the group being costed, and the price grid for other group sizes, where a
jump (one more coach or guide) shows."""

from __future__ import annotations

import reflex as rx


def figure(S, label: str, key: str, *, big: bool = False) -> rx.Component:
    """One figure of the summary, `key` naming its field (and its element's id)."""
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 11)),
        rx.text(
            getattr(S.summary, key), size="6" if big else "3", weight="bold", id=f"result-{key}"
        ),
        spacing="0",
        min_width="8rem",
    )


def _margin(S) -> rx.Component:
    """The margin and its rate, in red when negative."""
    return rx.vstack(
        rx.text("Marge", size="1", color=rx.color("gray", 11)),
        rx.text(
            S.summary.margin,
            " (",
            S.summary.margin_rate,
            ")",
            size="3",
            weight="bold",
            color=rx.cond(S.summary.negative, "red", None),
            id="result-margin",
        ),
        spacing="0",
        min_width="8rem",
    )


def results_card(S) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Résultat", size="3"),
                rx.text(S.summary.group, size="2", color=rx.color("gray", 11)),
                align="baseline",
                wrap="wrap",
            ),
            rx.cond(
                S.has_results,
                rx.flex(
                    figure(S, "Prix par payant", "price_per_paying", big=True),
                    figure(S, "Total vente", "total_sale"),
                    figure(S, "Coût total", "total_cost"),
                    _margin(S),
                    figure(S, "TVA sur marge", "margin_vat"),
                    figure(S, "TVA normale", "normal_vat"),
                    spacing="5",
                    wrap="wrap",
                ),
                rx.text(
                    "Corrigez les champs signalés pour voir le prix.",
                    size="2",
                    color=rx.color("orange", 11),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="costing-results",
    )


def grid_row(row) -> rx.Component:
    cell = rx.table.cell
    return rx.table.row(
        cell(
            rx.hstack(
                rx.text(row.paying, weight=rx.cond(row.current, "bold", "regular")),
                rx.cond(
                    row.jump,
                    rx.badge("saut", color_scheme="orange", title="Un car ou un guide de plus"),
                ),
                spacing="2",
            )
        ),
        cell(row.free),
        cell(row.staff),
        cell(rx.text(row.price_per_paying, weight="bold")),
        cell(row.total_sale),
        cell(row.total_cost),
        cell(row.margin + " (" + row.margin_rate + ")"),
        background_color=rx.cond(row.jump, rx.color("orange", 2), None),
    )


def grid_card(S) -> rx.Component:
    head = rx.table.column_header_cell
    return rx.card(
        rx.vstack(
            rx.heading("Grille de prix par taille de groupe", size="3"),
            rx.text(
                "« saut » : une unité de plus (car, guide…) fait monter le prix à cette taille.",
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            head("Payants"),
                            head("Gratuits"),
                            head("Accomp."),
                            head("Prix / payant"),
                            head("Total vente"),
                            head("Coût"),
                            head("Marge"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.grid, grid_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="costing-grid",
    )
