"""Every page; importing this package registers them."""

from agence.pages import admin, auth, clients, crm, home, parameters, suppliers  # noqa: F401
