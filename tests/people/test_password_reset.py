"""A password reset by email: the same answer for every email typed, a link that works once for an hour, limited
requests, and a deactivated person's link dead."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from tenderscore.db.models import AuditEvent, User
from tenderscore.services import invitations
from tests import forms, world
from tests.people.conftest import Inbox, People, body, link_in

NEW_PASSWORD = "my new and longer password"


def _ask(client: FlaskClient, email: str) -> tuple[int, str]:
    response = client.post(
        "/forgot-password", data={"email": email, "csrf_token": forms.csrf_token(client, "/forgot-password")}
    )
    if response.status_code == 302:
        assert response.headers["Location"] == "/forgot-password/check-your-email"
        return 302, client.get("/forgot-password/check-your-email").get_data(as_text=True)
    return response.status_code, response.get_data(as_text=True)


def _main(page: str) -> str:
    """The page's main content with the email typed taken out: what differs from one answer to another."""
    main = page[page.index('<main'):page.index("</main>")]
    return re.sub(r"<strong>[^<]*</strong>", "<strong>EMAIL</strong>", main)


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def test_a_reset_link_sets_a_new_password_once_and_ends_every_other_session(
    people: People, inbox: Inbox, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    laptop, _ = people.browser("evaluator1")
    status, page = _ask(people.app.test_client(), "  Evaluator1@Buyer.example ")
    assert status == 302 and "Check your email" in page and "evaluator1@buyer.example" in page

    message = inbox.only("evaluator1@buyer.example")
    assert message["Subject"] == "Reset your tenderscore password"
    assert "The link works once, and only until" in body(message)
    link = link_in(message)
    assert "/reset-password/" in link
    token = link.rsplit("/", 1)[1]

    browser = people.app.test_client()
    assert browser.get(link).headers["Location"] == "/reset-password"
    form = browser.get("/reset-password")
    assert form.status_code == 200 and "Choose a new password" in form.text
    empty = browser.post("/reset-password", data={"password": "", "csrf_token": forms.csrf_from(form.text)})
    assert empty.status_code == 400 and "<title>Error: Choose a new password" in empty.text
    assert 'href="#password">Enter a password' in empty.text
    done = browser.post("/reset-password", data={"password": NEW_PASSWORD, "csrf_token": forms.csrf_from(form.text)})
    assert done.status_code == 302
    assert "Your password has been changed" in browser.get("/dashboard").text
    assert _signed_in(browser)

    assert not _signed_in(laptop)  # every other session has ended
    old = people.app.test_client()
    refused = old.post("/sign-in", data={"email": people.email("evaluator1"), "password": world.PASSWORD,
                                         "csrf_token": forms.csrf_token(old, "/sign-in")})  # fmt: skip
    assert refused.status_code == 401
    assert forms.sign_in(people.app.test_client(), people.email("evaluator1"), NEW_PASSWORD)

    again = people.app.test_client()
    again.get(link)
    assert again.get("/reset-password").status_code == 410

    session.rollback()
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(people.id("evaluator1")))
                          .order_by(col(AuditEvent.id))).all()  # fmt: skip
    actions = [e.action for e in events]
    assert actions[-2:] == ["user.password_reset_requested", "user.password_changed"]
    assert events[-1].after == {"api_token_revoked": False, "via": "password reset link"}
    assert all(token not in f"{e.before} {e.after}" and NEW_PASSWORD not in f"{e.after}" for e in events)
    app_records = [r for r in caplog.records if r.name != "mail.log"]  # mail.log: the test's SMTP server
    assert all(token not in r.getMessage() and "/reset-password/" not in r.getMessage() for r in app_records)


def test_an_unknown_email_gets_exactly_the_same_answer_and_nothing_is_sent(
    people: People, inbox: Inbox, session: Session
) -> None:
    before = session.exec(select(AuditEvent)).all()
    known_status, known = _ask(people.app.test_client(), people.email("officer"))
    unknown_status, unknown = _ask(people.app.test_client(), "nobody@buyer.example")
    assert known_status == unknown_status == 302
    assert _main(known) == _main(unknown)
    assert "nobody@buyer.example" in unknown
    assert inbox.to("nobody@buyer.example") == [] and len(inbox.messages) == 1
    session.rollback()
    session.expire_all()
    assert len(session.exec(select(AuditEvent)).all()) == len(before) + 1  # only the known one is on record


def test_a_malformed_email_is_explained_and_kept(people: People, inbox: Inbox) -> None:
    status, page = _ask(people.app.test_client(), "officer at buyer")
    assert status == 400
    assert "<title>Error: Reset your password" in page
    assert 'href="#email">Enter an email address in the correct format' in page
    assert 'value="officer at buyer"' in page and "govuk-error-message" in page
    assert inbox.messages == []


def test_requests_are_limited_per_email_whether_or_not_it_has_an_account(people: People, inbox: Inbox) -> None:
    for email in (people.email("evaluator2"), "ghost@buyer.example"):
        for _ in range(3):
            assert _ask(people.app.test_client(), email)[0] == 302
        status, page = _ask(people.app.test_client(), email)
        assert status == 429
        assert "Too many password reset links have been asked for. Wait an hour, then try again" in page
    assert len(inbox.to(people.email("evaluator2"))) == 3
    assert _ask(people.app.test_client(), people.email("evaluator3"))[0] == 302  # another email is not held back


def test_a_deactivated_persons_link_stops_working_and_they_get_no_new_one(
    people: People, inbox: Inbox, session: Session
) -> None:
    _ask(people.app.test_client(), people.email("evaluator3"))
    link = link_in(inbox.only(people.email("evaluator3")))
    officer, csrf = people.browser("officer")
    deactivated = officer.post(f"/people/{people.id('evaluator3')}/deactivate", data={"csrf_token": csrf})
    assert deactivated.status_code == 302

    browser = people.app.test_client()
    browser.get(link)
    page = browser.get("/reset-password")
    assert page.status_code == 404 and "This link is not valid" in page.text
    csrf = forms.csrf_token(browser, "/forgot-password")
    posted = browser.post("/reset-password", data={"password": NEW_PASSWORD, "csrf_token": csrf})
    assert posted.status_code == 404
    session.rollback()
    session.expire_all()
    user = session.get(User, people.id("evaluator3"))
    assert user is not None and not user.active

    status, _ = _ask(people.app.test_client(), people.email("evaluator3"))
    assert status == 302 and len(inbox.to(people.email("evaluator3"))) == 1  # the same answer; nothing sent


def test_a_reset_link_expires_after_an_hour(people: People, session: Session) -> None:
    links = invitations.Links("test-secret", lambda purpose, token: token)
    user = session.get(User, people.id("officer"))
    assert user is not None
    token = links.token(invitations.PASSWORD_RESET, user)
    now = datetime.now(UTC)
    assert invitations.user_for_link(session, "password_reset", token, "test-secret", now=now + timedelta(minutes=59))
    with pytest.raises(invitations.LinkNotValid) as refused:
        invitations.user_for_link(session, "password_reset", token, "test-secret", now=now + timedelta(minutes=61))
    assert refused.value.why == "expired"


def test_an_invited_person_who_asks_for_a_reset_can_set_their_first_password(
    people: People, inbox: Inbox, session: Session
) -> None:
    officer, csrf = people.browser("officer")
    officer.post("/people/invite", data={"csrf_token": csrf, "name": "Lost", "email": "lost@buyer.example",
                                         "role": "evaluator"})  # fmt: skip
    _ask(people.app.test_client(), "lost@buyer.example")
    reset = [m for m in inbox.to("lost@buyer.example") if m["Subject"] == "Reset your tenderscore password"]
    assert len(reset) == 1
    browser = people.app.test_client()
    browser.get(link_in(reset[0]))
    form = browser.get("/reset-password")
    done = browser.post("/reset-password", data={"password": NEW_PASSWORD, "csrf_token": forms.csrf_from(form.text)})
    assert done.status_code == 302
    session.rollback()
    session.expire_all()
    actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert "user.invitation_accepted" in actions


def test_the_development_servers_request_log_never_holds_a_link(caplog: pytest.LogCaptureFixture) -> None:
    from tenderscore.web.pages import account  # noqa: F401 - installs the filter

    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('%s - - [%s] "%s" %s -', "127.0.0.1", "now",
                                       "GET /reset-password/eyJ1c2VyIjoxfQ.abc.def HTTP/1.1", 302)  # fmt: skip
    logging.getLogger("werkzeug").info('"%s" %s', "GET /invitation/secret-token?x=1 HTTP/1.1", 302)
    messages = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert messages[0].endswith('"GET /reset-password/[redacted] HTTP/1.1" 302 -')
    assert "secret-token" not in messages[1] and "/invitation/[redacted]?x=1" in messages[1]
