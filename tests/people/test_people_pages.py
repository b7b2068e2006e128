"""Deactivating people from the People page (with a confirmation page), and who may do it to whom."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tenderscore.db.models import User
from tenderscore.services import accounts
from tenderscore.services.errors import Forbidden
from tests.people.conftest import People


def _fresh(session: Session, user_id: int) -> User:
    session.rollback()
    session.expire_all()
    user = session.get(User, user_id)
    assert user is not None
    return user


def test_a_commissioner_deactivates_an_evaluator_after_confirming(people: People, session: Session) -> None:
    evaluator, _ = people.browser("evaluator1")
    commissioner, csrf = people.browser("commissioner")
    listing = commissioner.get("/people").text
    assert f'href="/people/{people.id("evaluator1")}/deactivate"' in listing
    assert f'href="/people/{people.id("commissioner")}/deactivate"' not in listing  # never oneself

    confirm = commissioner.get(f"/people/{people.id('evaluator1')}/deactivate")
    assert confirm.status_code == 200
    assert "Are you sure you want to deactivate Evaluator1?" in confirm.text
    assert _fresh(session, people.id("evaluator1")).active  # looking at the page changes nothing

    done = commissioner.post(f"/people/{people.id('evaluator1')}/deactivate", data={"csrf_token": csrf})
    assert done.status_code == 302 and done.headers["Location"] == "/people"
    listing = commissioner.get("/people").text
    assert "Evaluator1 has been deactivated" in listing and "Deactivated" in listing
    assert not _fresh(session, people.id("evaluator1")).active
    assert evaluator.get("/account").status_code == 302  # their session has ended
    assert "is deactivated" in commissioner.get(f"/people/{people.id('evaluator1')}/deactivate").text


def test_nobody_deactivates_themselves(people: People, session: Session) -> None:
    officer, csrf = people.browser("officer")
    assert officer.get(f"/people/{people.id('officer')}/deactivate").status_code == 403
    assert officer.post(f"/people/{people.id('officer')}/deactivate", data={"csrf_token": csrf}).status_code == 403
    with pytest.raises(Forbidden, match="your own account"):
        accounts.deactivate(session, people.users["officer"], people.id("officer"))
    assert _fresh(session, people.id("officer")).active


def test_nobody_deactivates_another_organisations_people(people: People, session: Session) -> None:
    other, csrf = people.browser("other_officer")
    for key in ("evaluator1", "bidder_a"):
        assert other.get(f"/people/{people.id(key)}/deactivate").status_code == 403
        assert other.post(f"/people/{people.id(key)}/deactivate", data={"csrf_token": csrf}).status_code == 403
        assert _fresh(session, people.id(key)).active
    assert other.get("/people/999999/deactivate").status_code == 404


def test_evaluators_and_bidders_cannot_deactivate_anyone(people: People, session: Session) -> None:
    for key in ("evaluator1", "bidder_a"):
        client, csrf = people.browser(key)
        target = people.id("evaluator2")
        assert client.get(f"/people/{target}/deactivate").status_code == 403
        assert client.post(f"/people/{target}/deactivate", data={"csrf_token": csrf}).status_code == 403
        with pytest.raises(Forbidden):
            accounts.deactivate(session, people.users[key], target)
    assert _fresh(session, people.id("evaluator2")).active


def test_the_navigation_offers_people_to_those_who_manage_them(people: People) -> None:
    for key, shown in (("officer", True), ("commissioner", True), ("evaluator1", False), ("bidder_a", False)):
        client, _ = people.browser(key)
        assert ('href="/people"' in client.get("/account").text) is shown, key


def test_the_change_password_form_reports_every_mistake_at_once(people: People) -> None:
    client, csrf = people.browser("officer")
    page = client.post("/account/password", data={"current_password": "wrong", "new_password": "short",
                                                   "csrf_token": csrf})  # fmt: skip
    assert page.status_code == 400 and "<title>Error: Change your password" in page.text
    assert 'href="#current_password">Your current password is not correct' in page.text
    assert 'href="#new_password">The password must be at least 10 characters' in page.text
