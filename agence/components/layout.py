"""The app shell: sidebar generated from the route registry, drawer on small screens, header.

`app_page` registers a page inside the shell; the right the page needs is checked by its
on_load handler on the server, never by what the shell shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

import reflex as rx

from agence import routes
from agence.routes import NavEntry
from agence.state.common.base import AppState

APP_NAME = "Agence"
SIDEBAR_WIDTH = "15rem"
# Breakpoint index 3 (62em ≈ 992 px) and up: sidebar; below: drawer.
DESKTOP_ONLY = ["none", "none", "none", "flex"]
MOBILE_ONLY = ["flex", "flex", "flex", "none"]


def _visible(entry: NavEntry) -> rx.Var | bool:
    if entry.right is None:
        return True
    return AppState.rights.contains(entry.right.key)


def _any_visible(entries: list[NavEntry]) -> rx.Var | bool:
    condition = None
    for entry in entries:
        visible = _visible(entry)
        if visible is True:
            return True
        condition = visible if condition is None else condition | visible
    return condition if condition is not None else False


def _nav_link(entry: NavEntry, close_drawer: bool) -> rx.Component:
    path = AppState.router.url.path
    active = (path == entry.route) if entry.route == routes.HOME else path.contains(entry.route)
    link = rx.link(
        rx.hstack(
            rx.icon(entry.icon, size=18),
            rx.text(entry.label, size="2", weight="medium"),
            align="center",
            spacing="3",
            padding_x="0.75rem",
            padding_y="0.5rem",
            border_radius="var(--radius-3)",
            background=rx.cond(active, rx.color("accent", 4), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 12)),
            _hover={"background": rx.color("accent", 3)},
            width="100%",
        ),
        href=entry.route,
        underline="none",
        width="100%",
        aria_current=rx.cond(active, "page", None),
    )
    if close_drawer:
        link = rx.drawer.close(link)
    component = link
    visible = _visible(entry)
    return component if visible is True else rx.cond(visible, component)


def navigation(close_drawer: bool = False) -> rx.Component:
    """The menu: one block per section of the route registry, only what the user may see."""
    blocks: list[rx.Component] = []
    for section, group in groupby(routes.NAVIGATION, key=lambda entry: entry.section):
        entries = list(group)
        links = [_nav_link(entry, close_drawer) for entry in entries]
        if not section:
            blocks.extend(links)
            continue
        block = rx.vstack(
            rx.text(
                section.upper(),
                size="1",
                weight="bold",
                color=rx.color("gray", 10),
                padding_x="0.75rem",
                padding_top="0.75rem",
            ),
            *links,
            spacing="1",
            width="100%",
        )
        visible = _any_visible(entries)
        blocks.append(block if visible is True else rx.cond(visible, block))
    return rx.vstack(
        *blocks, spacing="1", width="100%", role="navigation", aria_label="Menu principal"
    )


def brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("map", size=22, color=rx.color("accent", 10)),
            rx.heading(APP_NAME, size="5"),
            align="center",
            spacing="2",
        ),
        href=routes.HOME,
        underline="none",
        color=rx.color("gray", 12),
    )


def sidebar() -> rx.Component:
    return rx.box(
        rx.box(
            rx.vstack(
                brand(),
                rx.separator(),
                navigation(),
                spacing="4",
                padding="1rem",
                width="100%",
            ),
            height="100vh",
            position="sticky",
            top="0",
            overflow_y="auto",
        ),
        display=DESKTOP_ONLY,
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        align_self="stretch",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def drawer_menu() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.trigger(
            rx.icon_button(
                rx.icon("menu"),
                variant="ghost",
                size="3",
                aria_label="Ouvrir le menu",
                id="open-menu",
            ),
        ),
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        brand(),
                        rx.spacer(),
                        rx.drawer.close(
                            rx.icon_button(
                                rx.icon("x"), variant="ghost", aria_label="Fermer le menu"
                            ),
                        ),
                        width="100%",
                        align="center",
                    ),
                    rx.separator(),
                    navigation(close_drawer=True),
                    spacing="4",
                    padding="1rem",
                    width="100%",
                ),
                top="0",
                left="0",
                height="100%",
                width="min(18rem, 85vw)",
                overflow_y="auto",
                background=rx.color("gray", 1),
                z_index="50",
                role="dialog",
                aria_label="Menu",
            ),
        ),
        direction="left",
    )


def user_menu() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(AppState.user_name, size="2", weight="bold", id="current-user"),
            rx.text(
                rx.cond(AppState.site_name != "", AppState.site_name, AppState.profile_name),
                size="1",
                color=rx.color("gray", 10),
                id="current-site",
            ),
            spacing="0",
            align="end",
            display=["none", "flex"],
        ),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.avatar(fallback=AppState.user_initials, size="2", radius="full"),
                    variant="ghost",
                    aria_label="Mon compte",
                    id="account-menu",
                ),
            ),
            rx.menu.content(
                rx.box(
                    rx.text(AppState.user_name, size="2", weight="bold"),
                    rx.text(AppState.profile_name, size="1", color=rx.color("gray", 10)),
                    padding_x="0.75rem",
                    padding_y="0.25rem",
                ),
                rx.menu.separator(),
                rx.menu.item(
                    "Changer mon mot de passe", on_click=rx.redirect(routes.CHANGE_PASSWORD)
                ),
                rx.menu.item("Se déconnecter", on_click=AppState.logout, color="red", id="logout"),
            ),
        ),
        rx.icon_button(
            rx.icon("log-out", size=18),
            on_click=AppState.logout,
            variant="ghost",
            color_scheme="gray",
            aria_label="Se déconnecter",
            title="Se déconnecter",
            id="logout-button",
        ),
        align="center",
        spacing="3",
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.box(drawer_menu(), display=MOBILE_ONLY),
        rx.box(brand(), display=MOBILE_ONLY),
        rx.spacer(),
        user_menu(),
        align="center",
        width="100%",
        padding_x=["0.75rem", "1rem", "1.5rem"],
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def shell(content: rx.Component) -> rx.Component:
    return rx.hstack(
        sidebar(),
        rx.vstack(
            header(),
            rx.box(
                content,
                padding=["0.75rem", "1rem", "1.5rem"],
                width="100%",
                max_width="90rem",
            ),
            spacing="0",
            flex="1",
            min_width="0",
            width="100%",
        ),
        spacing="0",
        align="start",
        width="100%",
        min_height="100vh",
    )


@dataclass(frozen=True)
class PageDefinition:
    route: str
    title: str
    render: Callable[[], rx.Component]
    on_load: object


PAGES: list[PageDefinition] = []
"""Every page of the application, added to the app by agence.agence."""


def public_page(route: str, title: str, on_load: object) -> Callable:
    """Registers a page outside the shell (sign-in, own password)."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append(PageDefinition(route, f"{title} · {APP_NAME}", render, on_load))
        return render

    return decorator


def app_page(route: str, title: str, on_load: object) -> Callable:
    """Registers a page of the application, inside the shell."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def render() -> rx.Component:
            return shell(content())

        render.__name__ = content.__name__
        PAGES.append(PageDefinition(route, f"{title} · {APP_NAME}", render, on_load))
        return content

    return decorator


def page_title(
    title: rx.Var | str, *actions: rx.Component, subtitle: rx.Var | str = ""
) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="6", as_="h1"),
            rx.text(subtitle, color=rx.color("gray", 10), size="2")
            if isinstance(subtitle, rx.Var) or subtitle
            else rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(*actions, spacing="2", wrap="wrap"),
        direction=rx.breakpoints(initial="column", xs="row"),
        spacing="3",
        align=rx.breakpoints(initial="start", xs="center"),
        width="100%",
        margin_bottom="1rem",
    )


def not_found_block(message: str = "Cet élément est introuvable.") -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Introuvable", weight="bold"),
            rx.text(message),
            rx.link("Retour à l'accueil", href=routes.HOME),
            spacing="1",
        ),
        icon="search-x",
        color_scheme="orange",
        id="not-found",
    )
