"""The home page through its state: each demo profile's desks and figures, the links to the
filtered lists, a limited rep's own figures, and the figures counted again when something
changed."""

from __future__ import annotations

from sqlmodel import select

from agence import routes
from agence.models import Client
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.state.statistics.home import HomeState
from tests.factories import actor_for, demo_admin, demo_dossier, make_user, profile_named

SCHOOL = "Collège Anatole-France"


def _user(session, profile: str, *, rep: bool = False):
    user = make_user(session, profile=profile_named(session, profile))
    user.is_sales_rep = rep
    session.add(user)
    session.commit()
    return user


def _open(browser, user):
    browser.sign_in(user)
    browser.visit(routes.HOME)
    browser.run(HomeState, "open_home")
    return browser.state(HomeState)


def _tile(tiles, key: str):
    return next(tile for tile in tiles if tile.key == key)


def test_direction_sees_the_agency_s_figures_first_and_the_shortcuts(browser, session):
    demo_admin(session)
    state = _open(browser, _user(session, "Direction", rep=True))
    assert state.desks == ["direction", "commercial"]
    assert [tile.key for tile in state.direction][:3] == ["ca_ht", "ca_ttc", "marge_brute"]
    assert len(state.direction) == 12
    assert len(state.months) == 13
    assert state.months[-1].current_text == formats.money(0)
    quotes = _tile(state.direction, "devis_attente")
    assert quotes.url == "/dossiers?status=devis_envoye"
    assert quotes.help.startswith("Les dossiers dont le devis est envoyé")
    assert state.shortcuts  # still there, below
    assert state.bookings == [] and state.accounting == []


def test_each_profile_sees_its_own_desk(browser, session):
    demo_admin(session)
    state = _open(browser, _user(session, "Réservation"))
    assert state.desks == ["reservation"]
    assert [tile.label for tile in state.bookings] == [
        "Options clients qui expirent",
        "Options fournisseurs qui expirent",
        "Prestations à réserver",
        "Départs des 7 prochains jours",
        "Guidages sans guide",
    ]
    state = _open(browser, _user(session, "Comptabilité"))
    assert state.desks == ["comptabilite"]
    labels = [tile.label for tile in state.accounting]
    assert labels[1:6] == [
        "Non échu",
        "Retard de 1 à 30 jours",
        "Retard de 31 à 60 jours",
        "Retard de 61 à 90 jours",
        "Retard de plus de 90 jours",
    ]
    assert "Chorus : dépôts en attente ou rejetés" in labels
    assert _tile(state.accounting, "impayes_31_60").url.startswith("/facturation/impayes?due_from=")
    assert state.direction == [] and state.months == []


def test_a_limited_rep_counts_his_own_dossiers_only(browser, session):
    admin = demo_admin(session)
    rep = _user(session, "Commercial", rep=True)
    other = _user(session, "Commercial", rep=True)
    school = session.exec(select(Client).where(Client.name == SCHOOL)).one()
    school.sales_rep_id = rep.id
    session.add(school)
    session.commit()
    mine = demo_dossier(admin, "2027-06-01", sales_rep_id=rep.id)
    change_status(session, admin, mine.id, Status.QUOTE_SENT)
    session.commit()

    state = _open(browser, rep)
    assert state.desks == ["commercial"]
    assert _tile(state.sales, "mes_devis_attente").value == "1 devis"
    assert _tile(state.sales, "pipeline").comparison == "1 dossier(s) en cours"
    assert _tile(state.sales, "mes_devis_attente").url == (
        f"/dossiers?status=devis_envoye&sales_rep={rep.id}"
    )
    state = _open(browser, other)
    assert _tile(state.sales, "mes_devis_attente").value == "0 devis"


def test_the_figures_are_counted_again_only_when_something_changed(browser, session):
    admin = demo_admin(session)
    user = _user(session, "Direction")
    state = _open(browser, user)
    actor = actor_for(user)
    assert _tile(state.direction, "devis_attente").value == "0 devis"
    assert state._refresh_if_changed(actor, formats.today()) is False

    booking = demo_dossier(admin, "2027-06-01")
    change_status(session, admin, booking.id, Status.QUOTE_SENT)  # a colleague's action
    session.commit()
    assert state._refresh_if_changed(actor, formats.today()) is True
    assert _tile(state.direction, "devis_attente").value == "1 devis"
    assert state._refresh_if_changed(actor, formats.today()) is False
