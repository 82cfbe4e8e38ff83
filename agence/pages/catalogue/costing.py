"""The costing screen: the group and the terms, the lines (from the catalogue or typed freely),
the result for the group and the price grid — all updated as the user types."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import confirm_button, record_page
from agence.components.layout import app_page, page_title
from agence.services.catalogue.costings import LINE_BASES, REGIMES, ROUNDINGS
from agence.state.catalogue.costing import CostingState

DEBOUNCE = 350


def costing_screen(S, *, dossier: bool = False) -> rx.Component:
    """The screen for a costing state `S`: a quick costing (catalogue) or a dossier's, whose
    title, client and date are the dossier's."""

    def _error(message) -> rx.Component:
        return rx.cond(
            message,
            rx.text(message, color=rx.color("red", 11), size="1", role="alert"),
        )

    def _label(text: str, html_for: str) -> rx.Component:
        return rx.el.label(
            text, html_for=html_for, style={"font_size": "0.8rem", "font_weight": 500}
        )

    def _header_input(name: str, label: str, *, mode: str = "decimal", width: str = "100%"):
        dom_id = f"costing-{name.replace('_', '-')}"
        return rx.vstack(
            _label(label, dom_id),
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
            _error(S.header_errors.get(name, "")),
            spacing="1",
            width="100%",
        )

    def _header_select(name: str, label: str, options, *, empty: str | None = None):
        dom_id = f"costing-{name.replace('_', '-')}"
        if isinstance(options, dict):
            items = [rx.el.option(text, value=value) for value, text in options.items()]
        else:
            items = [rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0]))]
        return rx.vstack(
            _label(label, dom_id),
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
            _error(S.header_errors.get(name, "")),
            spacing="1",
            width="100%",
        )

    def _date_input(name: str, label: str):
        dom_id = f"costing-{name.replace('_', '-')}"
        return rx.vstack(
            _label(label, dom_id),
            rx.input(
                type="date",
                value=S.header.get(name, ""),
                on_change=lambda value: S.set_header(name, value),
                id=dom_id,
                width="100%",
                disabled=~S.can_edit,
            ),
            _error(S.header_errors.get(name, "")),
            spacing="1",
            width="100%",
        )

    def _grid_of(*cells: rx.Component, columns: str = "4") -> rx.Component:
        return rx.grid(
            *cells,
            columns=rx.breakpoints(initial="2", sm="3", md=columns),
            spacing="3",
            width="100%",
        )

    def _header_card() -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.heading("Le groupe et les conditions", size="3"),
                _grid_of(
                    rx.box(_header_input("name", "Intitulé *", mode="text"), grid_column="1 / -1"),
                    _header_select(
                        "client_id", "Client", S.client_options, empty="— sans client —"
                    ),
                    _date_input("service_date", "Date de la prestation"),
                    _header_input("paying", "Payants *", mode="numeric"),
                    _header_input("free", "Gratuits", mode="numeric"),
                    _header_input("staff", "Accompagnateurs / chauffeur", mode="numeric"),
                    _header_input("client_free", "Gratuités client : k", mode="numeric"),
                    _header_input("client_free_per", "… pour N payants", mode="numeric"),
                    _header_input("markup_percent", "Majoration globale (%)"),
                    _header_input("fee_per_group", "Frais par groupe (€)"),
                    _header_input("fee_per_person", "Frais par personne (€)"),
                    _header_select("rounding", "Arrondi du prix par payant", ROUNDINGS),
                    _header_input("grid", "Grille : payants", mode="text"),
                ),
                _error(S.header_errors.get("", "")),
                spacing="3",
                width="100%",
            ),
            width="100%",
        )

    def _search_card() -> rx.Component:
        result = lambda item: rx.hstack(  # noqa: E731
            rx.vstack(
                rx.text(item["name"], weight="medium", size="2"),
                rx.text(
                    item["product_type"] + " · " + item["supplier"] + " · " + item["basis"],
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
                on_click=S.add_product(item["id"]),
                id="add-product-" + item["id"],
            ),
            width="100%",
            align="center",
            padding_y="0.35rem",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        )
        return rx.card(
            rx.vstack(
                rx.heading("Ajouter des prestations", size="3"),
                rx.flex(
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
                ),
                rx.cond(
                    S.search_results.length() > 0,
                    rx.vstack(rx.foreach(S.search_results, result), spacing="0", width="100%"),
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

    def _line_input(line, index, name: str, label: str, width: str = "6.5rem", mode="decimal"):
        dom_id = f"line-{index}-{name}"
        return rx.vstack(
            rx.el.label(label, html_for=dom_id, style={"font_size": "0.72rem"}),
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

    def _line_select(line, index, name: str, label: str, options: dict[str, str]):
        dom_id = f"line-{index}-{name}"
        return rx.vstack(
            rx.el.label(label, html_for=dom_id, style={"font_size": "0.72rem"}),
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

    def _line_tick(line, index, name: str, label: str):
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

    def _line(line, index) -> rx.Component:
        results = S.line_results[index]
        is_group = line["basis"] == "group"
        return rx.box(
            rx.flex(
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
                        rx.text.strong(results["cost"]),
                        " · Vente ",
                        rx.text.strong(results["sale"]),
                        size="2",
                        id=f"line-{index}-result",
                    ),
                    rx.text(results["detail"], size="1", color=rx.color("gray", 11)),
                    spacing="0",
                    align="end",
                ),
                rx.cond(
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
                ),
                spacing="2",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.flex(
                _line_select(line, index, "basis", "Base", LINE_BASES),
                _line_input(line, index, "quantity", "Quantité", "4.5rem"),
                _line_input(line, index, "unit_cost", "Coût unit. TTC"),
                rx.cond(
                    is_group,
                    _line_input(line, index, "capacity", "1 unité pour", "5rem", "numeric"),
                    rx.hstack(
                        _line_input(
                            line, index, "supplier_free", "Grat. fourn.", "4rem", "numeric"
                        ),
                        _line_input(line, index, "supplier_free_per", "pour N", "4rem", "numeric"),
                        spacing="1",
                    ),
                ),
                rx.vstack(
                    rx.text("Consommée par", size="1"),
                    rx.hstack(
                        _line_tick(line, index, "for_paying", "payants"),
                        _line_tick(line, index, "for_free", "gratuits"),
                        _line_tick(line, index, "for_staff", "accomp."),
                        spacing="2",
                    ),
                    spacing="1",
                ),
                _line_input(line, index, "vat_rate", "TVA %", "4rem"),
                _line_select(line, index, "regime", "Régime", REGIMES),
                _line_input(line, index, "markup_percent", "Majoration %", "5rem"),
                _line_input(line, index, "unit_sale_price", "Prix vente unit.", "6rem"),
                _line_input(line, index, "discount_percent", "Remise %", "4.5rem"),
                rx.vstack(
                    rx.el.label(
                        "Rattachée à",
                        html_for=f"line-{index}-attached_to",
                        style={"font_size": "0.72rem"},
                    ),
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
                ),
                spacing="3",
                wrap="wrap",
                align="end",
                width="100%",
            ),
            rx.flex(
                rx.cond(
                    line["price_note"] != "",
                    rx.badge(
                        rx.icon("badge-percent", size=12), line["price_note"], color_scheme="green"
                    ),
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
            ),
            _error(S.line_errors[index]),
            key=line["key"],
            margin_left=rx.cond(line["attached_to"] != "", "1.5rem", "0"),
            padding="0.75rem",
            border=f"1px solid {rx.color('gray', 5)}",
            border_left=rx.cond(
                line["attached_to"] != "",
                f"3px solid {rx.color('accent', 8)}",
                f"1px solid {rx.color('gray', 5)}",
            ),
            border_radius="8px",
            width="100%",
            id=f"line-{index}",
        )

    def _lines_card() -> rx.Component:
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
                rx.foreach(S.lines, _line),
                spacing="3",
                width="100%",
            ),
            width="100%",
        )

    def _figure(label: str, key: str, *, big: bool = False) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="1", color=rx.color("gray", 11)),
            rx.text(
                S.summary.get(key, ""), size="6" if big else "3", weight="bold", id=f"result-{key}"
            ),
            spacing="0",
            min_width="8rem",
        )

    def _results_card() -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Résultat", size="3"),
                    rx.text(S.summary.get("group", ""), size="2", color=rx.color("gray", 11)),
                    align="baseline",
                    wrap="wrap",
                ),
                rx.cond(
                    S.has_results,
                    rx.flex(
                        _figure("Prix par payant", "price_per_paying", big=True),
                        _figure("Total vente", "total_sale"),
                        _figure("Coût total", "total_cost"),
                        rx.vstack(
                            rx.text("Marge", size="1", color=rx.color("gray", 11)),
                            rx.text(
                                S.summary.get("margin", ""),
                                " (",
                                S.summary.get("margin_rate", ""),
                                ")",
                                size="3",
                                weight="bold",
                                color=rx.cond(S.summary.get("negative", "") == "1", "red", None),
                                id="result-margin",
                            ),
                            spacing="0",
                            min_width="8rem",
                        ),
                        _figure("TVA sur marge", "margin_vat"),
                        _figure("TVA normale", "normal_vat"),
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

    def _grid_row(row) -> rx.Component:
        cell = rx.table.cell
        return rx.table.row(
            cell(
                rx.hstack(
                    rx.text(
                        row["paying"], weight=rx.cond(row["current"] == "1", "bold", "regular")
                    ),
                    rx.cond(
                        row["jump"] == "1",
                        rx.badge("saut", color_scheme="orange", title="Un car ou un guide de plus"),
                    ),
                    spacing="2",
                )
            ),
            cell(row["free"]),
            cell(row["staff"]),
            cell(rx.text(row["price_per_paying"], weight="bold")),
            cell(row["total_sale"]),
            cell(row["total_cost"]),
            cell(row["margin"] + " (" + row["margin_rate"] + ")"),
            background_color=rx.cond(row["jump"] == "1", rx.color("orange", 2), None),
        )

    def _grid_card() -> rx.Component:
        head = rx.table.column_header_cell
        return rx.card(
            rx.vstack(
                rx.heading("Grille de prix par taille de groupe", size="3"),
                rx.text(
                    "« saut » : une unité de plus (car, guide…) fait monter le prix à cette "
                    "taille.",
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
                        rx.table.body(rx.foreach(S.grid, _grid_row)),
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

    def _actions(suffix: str = "") -> rx.Component:
        """Save, back, delete: above the costing and again below it (ids differ: one per page)."""
        return rx.flex(
            rx.cond(
                S.can_edit,
                rx.button(
                    rx.icon("save", size=16),
                    "Enregistrer",
                    on_click=S.save,
                    id="costing-save" + suffix,
                ),
            ),
            rx.link(
                rx.button("Retour aux cotations", variant="soft", color_scheme="gray"),
                href=routes.CATALOGUE_COSTINGS,
            ),
            rx.cond(
                S.template_of != "",
                rx.link(
                    rx.button("Dossier catalogue : " + S.template_of, variant="soft"),
                    href=S.template_url,
                ),
            ),
            rx.cond(S.dirty, rx.badge("Modifications non enregistrées", color_scheme="orange")),
            rx.spacer(),
            rx.cond(
                S.can_delete,
                confirm_button(
                    "Supprimer",
                    "Supprimer cette cotation ?",
                    S.delete,
                    button_id="costing-delete" + suffix,
                ),
            ),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
        )

    def _dossier_header_card() -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading("Le groupe et les conditions", size="3"),
                    rx.text(S.version_label, size="2", color=rx.color("gray", 11)),
                    align="baseline",
                    wrap="wrap",
                ),
                _grid_of(
                    _header_input("paying", "Payants *", mode="numeric"),
                    _header_input("free", "Gratuits", mode="numeric"),
                    _header_input("staff", "Accompagnateurs / chauffeur", mode="numeric"),
                    _header_input("client_free", "Gratuités client : k", mode="numeric"),
                    _header_input("client_free_per", "… pour N payants", mode="numeric"),
                    _header_input("markup_percent", "Majoration globale (%)"),
                    _header_input("fee_per_group", "Frais par groupe (€)"),
                    _header_input("fee_per_person", "Frais par personne (€)"),
                    _header_select("rounding", "Arrondi du prix par payant", ROUNDINGS),
                    _header_input("grid", "Grille : payants", mode="text"),
                ),
                _error(S.header_errors.get("", "")),
                spacing="3",
                width="100%",
            ),
            width="100%",
        )

    def _dossier_actions(suffix: str = "") -> rx.Component:
        return rx.flex(
            rx.cond(
                S.can_edit,
                rx.button(
                    rx.icon("save", size=16),
                    "Enregistrer",
                    on_click=S.save,
                    id="costing-save" + suffix,
                ),
            ),
            rx.link(
                rx.button("Retour au dossier", variant="soft", color_scheme="gray"),
                href=S.booking_url,
            ),
            rx.cond(S.dirty, rx.badge("Modifications non enregistrées", color_scheme="orange")),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
        )

    header = _header_card() if not dossier else _dossier_header_card()
    return record_page(
        S,
        page_title(S.title),
        _actions() if not dossier else _dossier_actions(),
        rx.cond(
            S.read_only_reason != "",
            rx.callout(
                S.read_only_reason, icon="lock", color_scheme="gray", id="costing-read-only"
            ),
        ),
        header,
        rx.cond(S.can_edit, _search_card()),
        _lines_card(),
        _results_card(),
        _grid_card(),
        _actions("-bottom") if not dossier else _dossier_actions("-bottom"),
    )


@app_page(routes.record_route(routes.CATALOGUE_COSTINGS), "Cotation", CostingState.load)
def costing_page() -> rx.Component:
    return costing_screen(CostingState)
