"""Every administration and parameters action: without the right, refused, nothing written."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import AgencySite, AuditEntry, PaymentMethod, PaymentTerm, Profile, User, VatRate
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Module,
    NotSignedIn,
    PasswordChangeRequired,
    Right,
)
from agence.state.admin.admin import (
    AuditListState,
    ProfileFormState,
    ProfilesListState,
    UserFormState,
    UsersListState,
)
from agence.state.settings.parameters import (
    PaymentMethodFormState,
    PaymentMethodsListState,
    PaymentTermFormState,
    PaymentTermsListState,
    SiteFormState,
    SitesListState,
    VatRateFormState,
    VatRatesListState,
)
from agence.state.statistics.home import HomeState
from tests.factories import make_site, make_user, reference_data


def _everything_but(module: Module, action: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if r != Right(module, action)}


def _counts(session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (AgencySite, PaymentMethod, PaymentTerm, VatRate, Profile, User, AuditEntry)
    }


# (form state, list route, valid form data for a new record, the table written)
FORMS = [
    (
        SiteFormState,
        routes.PARAM_SITES,
        {"code": "BLO", "name": "Blois", "country": "FR", "active": "on"},
        AgencySite,
    ),
    (
        PaymentMethodFormState,
        routes.PARAM_PAYMENT_METHODS,
        {"code": "PAYPAL", "label": "PayPal", "active": "on"},
        PaymentMethod,
    ),
    (
        PaymentTermFormState,
        routes.PARAM_PAYMENT_TERMS,
        {"label": "60 jours", "rule": "jours", "days": "60", "active": "on"},
        PaymentTerm,
    ),
    (
        VatRateFormState,
        routes.PARAM_VAT_RATES,
        {"rate": "8,5", "label": "DOM", "collected_account": "445718", "active": "on"},
        VatRate,
    ),
    (
        ProfileFormState,
        routes.ADMIN_PROFILES,
        {"name": "Stagiaire", "right:tiers:voir": "on"},
        Profile,
    ),
    (
        UserFormState,
        routes.ADMIN_USERS,
        {
            "first_name": "Zoé",
            "last_name": "Durand",
            "email": "zoe.durand@example.fr",
            "profile_id": "__profile__",
            "password": "Provisoire2026",
            "active": "on",
        },
        User,
    ),
]
FORM_IDS = [form[0].__name__ for form in FORMS]


def _module_of(form_state) -> Module:
    if form_state in (ProfileFormState, UserFormState):
        return Module.ADMINISTRATION
    return Module.PARAMETERS


def _prepared(data: dict[str, str], session) -> dict[str, str]:
    if data.get("profile_id") == "__profile__":
        profile = session.exec(select(Profile).where(Profile.name == "Commercial")).one()
        data = {**data, "profile_id": str(profile.id)}
    return data


@pytest.mark.parametrize(("form_state", "list_route", "data", "model"), FORMS, ids=FORM_IDS)
def test_creating_without_the_create_right_is_refused_and_writes_nothing(
    browser, session, form_state, list_route, data, model
):
    reference_data()
    module = _module_of(form_state)
    user = make_user(session, _everything_but(module, Action.CREATE))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, "nouveau"),
        record_id="nouveau",
    )
    with pytest.raises(AccessDenied):
        browser.run(form_state, "load")
    before = _counts(session)
    with pytest.raises(AccessDenied):
        browser.run(form_state, "save", _prepared(data, session))
    assert _counts(session) == before


@pytest.mark.parametrize(("form_state", "list_route", "data", "model"), FORMS, ids=FORM_IDS)
def test_creating_with_the_right_saves_and_returns_to_the_list(
    browser, session, form_state, list_route, data, model
):
    reference_data()
    user = make_user(session)
    browser.sign_in(user)
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, "nouveau"),
        record_id="nouveau",
    )
    browser.run(form_state, "load")
    before = _counts(session)
    events = browser.run(form_state, "save", _prepared(data, session))
    assert browser.state(form_state).errors == {}
    after = _counts(session)
    assert after[model.__name__] == before[model.__name__] + 1
    assert after["AuditEntry"] > before["AuditEntry"]
    assert any(list_route in str(event) for event in events)


@pytest.mark.parametrize(("form_state", "list_route", "data", "model"), FORMS, ids=FORM_IDS)
def test_editing_without_the_edit_right_is_refused_and_writes_nothing(
    browser, session, form_state, list_route, data, model
):
    reference_data()
    module = _module_of(form_state)
    if model is AgencySite:
        record = make_site(session, "TST")
    elif model is User:
        record = make_user(session, set())
    else:
        record = session.exec(select(model)).first()
    user = make_user(session, _everything_but(module, Action.EDIT))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, record.id),
        record_id=str(record.id),
    )
    browser.run(form_state, "load")
    state = browser.state(form_state)
    assert state.can_edit is False
    before = _counts(session)
    with pytest.raises(AccessDenied):
        browser.run(form_state, "save", dict(state.values))
    assert _counts(session) == before


@pytest.mark.parametrize(("form_state", "list_route", "data", "model"), FORMS, ids=FORM_IDS)
def test_a_user_without_the_see_right_cannot_open_the_form(
    browser, session, form_state, list_route, data, model
):
    reference_data()
    user = make_user(session, _everything_but(_module_of(form_state), Action.SEE))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, "nouveau"),
        record_id="nouveau",
    )
    with pytest.raises(AccessDenied):
        browser.run(form_state, "load")
    assert browser.state(form_state).values == {}


DELETABLE = [form for form in FORMS if form[0] is not UserFormState]


@pytest.mark.parametrize(
    ("form_state", "list_route", "data", "model"),
    DELETABLE,
    ids=[form[0].__name__ for form in DELETABLE],
)
def test_deleting_without_the_delete_right_is_refused_and_writes_nothing(
    browser, session, form_state, list_route, data, model
):
    reference_data()
    make_site(session, "DEL")
    record = session.exec(select(model)).first()
    user = make_user(session, _everything_but(_module_of(form_state), Action.DELETE))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, record.id),
        record_id=str(record.id),
    )
    browser.run(form_state, "load")
    assert browser.state(form_state).can_delete is False
    before = _counts(session)
    with pytest.raises(AccessDenied):
        browser.run(form_state, "delete")
    assert _counts(session) == before


LISTS = [
    (UsersListState, Module.ADMINISTRATION),
    (ProfilesListState, Module.ADMINISTRATION),
    (AuditListState, Module.ADMINISTRATION),
    (SitesListState, Module.PARAMETERS),
    (PaymentMethodsListState, Module.PARAMETERS),
    (PaymentTermsListState, Module.PARAMETERS),
    (VatRatesListState, Module.PARAMETERS),
]


@pytest.mark.parametrize(("list_state", "module"), LISTS, ids=[s.__name__ for s, _ in LISTS])
def test_a_list_is_refused_without_the_see_right_and_shown_with_it(
    browser, session, list_state, module
):
    reference_data()
    make_site(session, "LST")
    refused = make_user(session, _everything_but(module, Action.SEE))
    browser.sign_in(refused)
    with pytest.raises(AccessDenied):
        browser.run(list_state, "load_list")
    assert browser.state(list_state).rows == []

    allowed = make_user(session, {Right(module, Action.SEE)})
    browser.sign_in(allowed)
    browser.run(list_state, "load_list")
    state = browser.state(list_state)
    assert state.total == len(state.rows) > 0
    assert state.can_export is False and state.can_create is False


def test_users_cannot_be_deactivated_or_given_a_password_without_the_edit_right(browser, session):
    reference_data()
    target = make_user(session, set())
    user = make_user(session, _everything_but(Module.ADMINISTRATION, Action.EDIT))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(routes.ADMIN_USERS),
        routes.record_url(routes.ADMIN_USERS, target.id),
        record_id=str(target.id),
    )
    browser.run(UserFormState, "load")
    before = _counts(session)
    with pytest.raises(AccessDenied):
        browser.run(UserFormState, "set_active", False)
    with pytest.raises(AccessDenied):
        browser.run(UserFormState, "reset_password", {"password": "Nouveau2026x"})
    assert _counts(session) == before
    session.refresh(target)
    assert target.active and not target.must_change_password


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


class _Upload:
    """What Reflex hands an upload handler: an object with an async read()."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, size: int = -1) -> bytes:
        return self._data


def test_a_site_logo_needs_the_edit_right(browser, session):
    site = make_site(session, "LOG")
    user = make_user(session, _everything_but(Module.PARAMETERS, Action.EDIT))
    browser.sign_in(user)
    browser.visit(
        routes.record_route(routes.PARAM_SITES),
        routes.record_url(routes.PARAM_SITES, site.id),
        record_id=str(site.id),
    )
    browser.run(SiteFormState, "load")
    with pytest.raises(AccessDenied):
        browser.run(SiteFormState, "upload_logo", [_Upload(_png())])
    with pytest.raises(AccessDenied):
        browser.run(SiteFormState, "remove_logo")
    session.refresh(site)
    assert site.logo_file == ""


def test_a_site_logo_is_stored_and_shown_with_the_right(browser, session):
    site = make_site(session, "LOG")
    browser.sign_in(make_user(session))
    browser.visit(
        routes.record_route(routes.PARAM_SITES),
        routes.record_url(routes.PARAM_SITES, site.id),
        record_id=str(site.id),
    )
    browser.run(SiteFormState, "load")
    browser.run(SiteFormState, "upload_logo", [_Upload(_png())])
    state = browser.state(SiteFormState)
    assert state.logo_error == ""
    assert state.logo_url.startswith(routes.site_logo_url(site.id))
    browser.run(SiteFormState, "upload_logo", [_Upload(b"not an image")])
    assert "PNG ou JPEG" in state.logo_error


def test_nobody_signed_in_is_sent_to_the_sign_in_page(browser, session):
    browser.visit(routes.ADMIN_USERS)
    with pytest.raises(NotSignedIn):
        browser.run(UsersListState, "load_list")
    with pytest.raises(NotSignedIn):
        browser.run(HomeState, "open_home")


def test_a_user_deactivated_while_signed_in_is_refused_at_his_next_action(browser, session):
    reference_data()
    user = make_user(session)
    browser.sign_in(user)
    browser.run(UsersListState, "load_list")
    user.active = False
    session.add(user)
    session.commit()
    with pytest.raises(NotSignedIn):
        browser.run(UsersListState, "go_to_page", 1)


def test_a_user_with_a_temporary_password_must_change_it_first(browser, session):
    reference_data()
    user = make_user(session, must_change_password=True)
    browser.sign_in(user)
    with pytest.raises(PasswordChangeRequired):
        browser.run(UsersListState, "load_list")
