"""Modules × actions: the rights matrix, and the signed-in actor that carries it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Module(StrEnum):
    THIRD_PARTIES = "tiers"
    CATALOGUE = "catalogue"
    BOOKINGS = "dossiers"
    INVOICING = "facturation"
    PAYMENTS = "reglements"
    DUNNING = "recouvrement"
    ACCOUNTING = "comptabilite"
    STATISTICS = "statistiques"
    AGENDA = "agenda"
    ADMINISTRATION = "administration"
    PARAMETERS = "parametres"


class Action(StrEnum):
    SEE = "voir"
    CREATE = "creer"
    EDIT = "modifier"
    DELETE = "supprimer"
    EXPORT = "exporter"
    VALIDATE = "valider"


MODULE_LABELS: dict[Module, str] = {
    Module.THIRD_PARTIES: "Tiers",
    Module.CATALOGUE: "Catalogue",
    Module.BOOKINGS: "Dossiers",
    Module.INVOICING: "Facturation",
    Module.PAYMENTS: "Règlements",
    Module.DUNNING: "Recouvrement",
    Module.ACCOUNTING: "Comptabilité",
    Module.STATISTICS: "Statistiques",
    Module.AGENDA: "Agenda",
    Module.ADMINISTRATION: "Administration",
    Module.PARAMETERS: "Paramètres",
}

ACTION_LABELS: dict[Action, str] = {
    Action.SEE: "Voir",
    Action.CREATE: "Créer",
    Action.EDIT: "Modifier",
    Action.DELETE: "Supprimer",
    Action.EXPORT: "Exporter",
    Action.VALIDATE: "Valider",
}


@dataclass(frozen=True, order=True)
class Right:
    module: Module
    action: Action

    @property
    def key(self) -> str:
        """Stable text form, also the name of the matrix checkbox: "tiers:voir"."""
        return f"{self.module.value}:{self.action.value}"

    @classmethod
    def from_key(cls, key: str) -> Right:
        module, _, action = key.partition(":")
        return cls(Module(module), Action(action))

    def describe(self) -> str:
        return f"{MODULE_LABELS[self.module]} — {ACTION_LABELS[self.action]}"


ALL_RIGHTS: tuple[Right, ...] = tuple(Right(m, a) for m in Module for a in Action)


class AccessProblem(Exception):
    """The signed-in user (or nobody) may not do this."""


class NotSignedIn(AccessProblem):
    def __init__(self, reason: str = "") -> None:
        super().__init__(reason or "Veuillez vous connecter.")
        self.reason = reason


class PasswordChangeRequired(AccessProblem):
    def __init__(self) -> None:
        super().__init__("Vous devez changer votre mot de passe avant de continuer.")


class AccessDenied(AccessProblem):
    def __init__(self, right: Right) -> None:
        super().__init__(f"Accès refusé : droit « {right.describe()} » requis.")
        self.right = right


@dataclass(frozen=True)
class Actor:
    """Who acts: resolved from the server-side session at every event, never from the browser."""

    user_id: int
    first_name: str
    last_name: str
    email: str
    profile_id: int
    profile_name: str
    site_id: int | None
    site_name: str
    is_sales_rep: bool
    rights: frozenset[Right] = field(default_factory=frozenset)
    session_id: int | None = None
    must_change_password: bool = False
    own_clients_only: bool = False
    """His profile limits him to the clients whose sales rep he is."""

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def can(self, module: Module, action: Action = Action.SEE) -> bool:
        return Right(module, action) in self.rights

    def require(self, module: Module, action: Action = Action.SEE) -> None:
        if not self.can(module, action):
            raise AccessDenied(Right(module, action))
