"""Reflex configuration. The database is ours (agence.db, Alembic), not Reflex's: no db_url here.

REFLEX_REDIS_URL (read by Reflex itself) switches state to Redis and allows several workers.
AGENCE_ALLOWED_ORIGINS lists the origins the browser may connect from (websocket CORS).
"""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin
from reflex_components_radix.plugin import RadixThemesPlugin

os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
os.environ.setdefault("REFLEX_USE_GRANIAN", "true")

config = rx.Config(
    app_name="agence",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=[
        origin.strip()
        for origin in os.environ.get(
            "AGENCE_ALLOWED_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000"
        ).split(",")
        if origin.strip()
    ],
    plugins=[
        RadixThemesPlugin(theme=rx.theme(accent_color="teal", gray_color="slate", radius="medium")),
    ],
    disable_plugins=[SitemapPlugin],
)
