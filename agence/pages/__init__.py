"""Every page; importing this package registers them."""

from agence.pages import (  # noqa: F401
    admin,
    auth,
    clients,
    crm,
    home,
    imports,
    parameters,
    suppliers,
)
