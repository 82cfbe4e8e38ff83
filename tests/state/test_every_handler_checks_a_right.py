"""Every public event handler is callable from the browser: each must check the user's right."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import textwrap

import reflex as rx

import agence.state

# Handlers that may run without a signed-in user, and why.
PUBLIC_HANDLERS = {
    ("LoginState", "open_login"): "the sign-in page itself",
    ("LoginState", "sign_in"): "checks the credentials",
    ("AppState", "logout"): "closes the caller's own session only",
    ("SurveyState", "load_survey"): "the client's survey: the link's token is the key",
    ("SurveyState", "submit_survey"): "one answer per unexpired token, checked in the service",
}
FRAMEWORK_HANDLERS = {"setvar"}  # only dispatches to declared set_* handlers, checked here too
CHECKS = ("self._require(", "self._require_signed_in(")


def _agence_state_classes() -> list[type[rx.State]]:
    for module in pkgutil.walk_packages(agence.state.__path__, "agence.state."):
        importlib.import_module(module.name)
    found = []
    pending = [rx.State]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("agence.state") and not getattr(cls, "_mixin", False):
            found.append(cls)
    return found


def _handlers_without_check() -> list[str]:
    missing = []
    for cls in _agence_state_classes():
        for name, handler in cls.event_handlers.items():
            if name in FRAMEWORK_HANDLERS or name.startswith("_"):
                continue
            owner = next((c.__name__ for c in cls.__mro__ if name in c.__dict__), cls.__name__)
            if (owner, name) in PUBLIC_HANDLERS:
                continue
            source = textwrap.dedent(inspect.getsource(handler.fn))
            if not any(check in source for check in CHECKS):
                missing.append(f"{cls.__name__}.{name}")
    return sorted(set(missing))


def test_the_walk_finds_the_application_states():
    names = {cls.__name__ for cls in _agence_state_classes()}
    assert {"AppState", "LoginState", "UsersListState", "SiteFormState"} <= names


def test_every_public_event_handler_checks_a_right():
    assert _handlers_without_check() == []


def test_the_public_allow_list_is_short_and_real():
    classes = {cls.__name__: cls for cls in _agence_state_classes()}
    for class_name, handler in PUBLIC_HANDLERS:
        assert handler in classes[class_name].event_handlers
    assert len(PUBLIC_HANDLERS) <= 5  # sign-in, sign-out, the client's satisfaction survey
