"""Figure tiles and their grid, and a bar chart of two series: the home page's pieces, legible
from a 390 px phone (tiles stacked, the chart's axis thinned) to a desktop."""

from __future__ import annotations

from typing import Any

import reflex as rx

CURRENT_COLOR = rx.color("accent", 9)
PREVIOUS_COLOR = rx.color("gray", 8)


def figure_tile(tile: Any) -> rx.Component:
    """A figure (a `Tile` row): its label with its definition behind the help icon, its value,
    its comparison and caption; the whole tile links to the filtered list behind it."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(tile.label, size="2", weight="medium", color=rx.color("gray", 11)),
                    rx.tooltip(
                        rx.icon(
                            "circle-help",
                            size=14,
                            color=rx.color("gray", 9),
                            aria_label=tile.help,
                            flex_shrink="0",
                        ),
                        content=tile.help,
                    ),
                    align="center",
                    justify="between",
                    width="100%",
                    spacing="2",
                ),
                rx.text(tile.value, size="6", weight="bold", class_name="figure-value"),
                rx.cond(
                    tile.comparison != "",
                    rx.text(tile.comparison, size="2", color=rx.color("gray", 11)),
                ),
                rx.text(tile.caption, size="1", color=rx.color("gray", 10)),
                spacing="1",
                align="start",
            ),
            width="100%",
            height="100%",
            _hover={"border_color": rx.color("accent", 8)},
        ),
        href=tile.url,
        underline="none",
        color="inherit",
        id="tile-" + tile.key,
        class_name="figure-tile",
        title=rx.cond(tile.exact, "", "La liste montre davantage de lignes que le chiffre."),
    )


def figure_grid(tiles: Any, grid_id: str) -> rx.Component:
    """Tiles side by side on a wide screen, stacked on a phone."""
    return rx.grid(
        rx.foreach(tiles, figure_tile),
        columns=rx.breakpoints(initial="1", xs="2", md="3", lg="4"),
        spacing="3",
        width="100%",
        id=grid_id,
    )


def two_series_bar_chart(
    rows: Any,
    category: str,
    current: tuple[str, str],
    previous: tuple[str, str],
    chart_id: str,
    height: int = 260,
) -> rx.Component:
    """Bars of two series (now and before) along `category`, from typed rows: `current` and
    `previous` are (row field, legend label)."""
    return rx.box(
        rx.recharts.responsive_container(
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(
                    data_key=category, tick={"fontSize": 11}, interval="preserveStartEnd"
                ),
                rx.recharts.y_axis(tick={"fontSize": 11}, width=64),
                rx.recharts.graphing_tooltip(),
                rx.recharts.legend(),
                rx.recharts.bar(data_key=current[0], name=current[1], fill=CURRENT_COLOR),
                rx.recharts.bar(data_key=previous[0], name=previous[1], fill=PREVIOUS_COLOR),
                data=rows.to(list[dict[str, Any]]),
                margin={"top": 8, "right": 4, "left": 0, "bottom": 0},
            ),
            width="100%",
            height=height,
        ),
        width="100%",
        min_width="0",
        id=chart_id,
    )


def link_card(*content: rx.Component, href: Any, size: str = "2") -> rx.Component:
    """A card that opens a page (a shortcut, a report), its border lit on hover."""
    return rx.link(
        rx.card(
            rx.vstack(*content, spacing="1"),
            size=size,
            width="100%",
            height="100%",
            _hover={"border_color": rx.color("accent", 8)},
        ),
        href=href,
        underline="none",
        color="inherit",
    )
