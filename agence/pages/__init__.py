"""Every page; importing this package registers them."""

from agence.pages import admin, auth, home, parameters  # noqa: F401
