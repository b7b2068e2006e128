"""Inviting people: a buyer's commissioner or officer invites by email with a role; the email arrives (through a real
SMTP server) with a link that sets the password once, within 7 days, and only then can the person sign in."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlmodel import Session, col, select

from tenderscore.db.models import AuditEvent, Organisation, Role, User
from tenderscore.services import accounts, invitations
from tenderscore.services.errors import Forbidden, Invalid
from tests import forms
from tests.people.conftest import SERVICE_URL, Inbox, People, body, link_in

NEW_PASSWORD = "a brand new long password"


def _invite(client: FlaskClient, csrf: str, **fields: str) -> tuple[int, str]:
    response = client.post("/people/invite", data={"csrf_token": csrf, **fields})
    return response.status_code, response.get_data(as_text=True)


def _summary(page: str) -> str:
    """The error summary's list, for an assertion's message."""
    start = page.find("govuk-error-summary__list")
    return page[start : page.find("</ul>", start)] if start >= 0 else "(no error summary)"


def _user(session: Session, email: str) -> User:
    session.rollback()  # end the read snapshot: see what the requests committed
    session.expire_all()
    found = session.exec(select(User).where(User.email == email)).one()
    return found


def _events(session: Session) -> list[AuditEvent]:
    session.rollback()  # end the read snapshot: see what the requests committed
    session.expire_all()
    return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())


def _cannot_sign_in(client: FlaskClient, email: str, password: str) -> bool:
    response = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": forms.csrf_token(client, "/sign-in")}
    )
    return response.status_code == 401


def test_an_officer_invites_an_evaluator_who_chooses_a_password_and_signs_in(
    people: People, inbox: Inbox, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    officer, csrf = people.browser("officer")
    status, _ = _invite(officer, csrf, name="Priya Shah", email="Priya.Shah@Buyer.example", role="evaluator")
    assert status == 302
    listing = officer.get("/people").get_data(as_text=True)
    assert "Invitation sent to Priya Shah at priya.shah@buyer.example" in listing
    assert "Priya Shah" in listing and "Invited" in listing

    message = inbox.only("priya.shah@buyer.example")
    assert message["Subject"] == "You have been invited to tenderscore"
    assert inbox.recipients == [["priya.shah@buyer.example"]]
    text = body(message)
    assert "Dear Priya Shah" in text and "as an evaluator at Test Probation Region" in text
    assert "Officer (Test Probation Region) has invited you" in text
    link = link_in(message)
    assert link.startswith(f"{SERVICE_URL}/invitation/")
    token = link.rsplit("/", 1)[1]

    invited = _user(session, "priya.shah@buyer.example")
    assert invited.role == Role.EVALUATOR and invited.organisation_id == people.users["officer"].organisation_id
    assert accounts.status(invited) == accounts.Status.INVITED
    stranger = people.app.test_client()
    for guess in ("", accounts.NO_PASSWORD, "a long guessed password"):
        assert _cannot_sign_in(stranger, invited.email, guess)

    # The recipient follows the link: it lands on a page without the token in its address.
    browser = people.app.test_client()
    followed = browser.get(link)
    assert followed.status_code == 302 and followed.headers["Location"] == "/invitation"
    page = browser.get("/invitation")
    assert page.status_code == 200
    assert "Create your password" in page.text and "priya.shah@buyer.example" in page.text
    assert token not in page.text

    short = browser.post("/invitation", data={"password": "short", "csrf_token": forms.csrf_from(page.text)})
    assert short.status_code == 400
    assert "<title>Error: Create your password" in short.text
    assert 'href="#password">The password must be at least 10 characters' in short.text
    assert accounts.status(_user(session, invited.email)) == accounts.Status.INVITED

    done = browser.post("/invitation", data={"password": NEW_PASSWORD, "csrf_token": forms.csrf_from(page.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert "Your account is ready" in browser.get("/dashboard").text
    assert browser.get("/account").status_code == 200  # signed in as the new evaluator
    assert accounts.status(_user(session, invited.email)) == accounts.Status.ACTIVE
    assert forms.sign_in(people.app.test_client(), invited.email, NEW_PASSWORD)

    # The link worked once.
    again = people.app.test_client()
    again.get(link)
    used = again.get("/invitation")
    assert used.status_code == 410 and "This link has already been used" in used.text

    actions = [e.action for e in _events(session)]
    assert {"user.created", "user.invited", "user.invitation_accepted", "user.password_changed"} <= set(actions)
    for event in _events(session):
        recorded = f"{event.before} {event.after} {event.reason}"
        assert token not in recorded and NEW_PASSWORD not in recorded
    # The app's logs never hold the token ("mail.log" is the test's SMTP server: the recipient's side).
    app_records = [r for r in caplog.records if r.name != "mail.log"]
    assert all(token not in r.getMessage() for r in app_records), "a token reached the log"
    assert any("sent invitation email" in r.getMessage() for r in caplog.records)  # the log says what, not the link


def test_the_invitation_form_reports_every_mistake_at_once_and_keeps_what_was_typed(
    people: People, inbox: Inbox
) -> None:
    officer, csrf = people.browser("officer")
    status, page = _invite(officer, csrf, name="", email="not an email", role="")
    assert status == 400
    assert "<title>Error: Invite someone" in page
    assert 'href="#name">Enter the person&#39;s full name' in page
    assert 'href="#email">Enter an email address in the correct format, like name@example.org' in page
    assert 'href="#role">Choose the person&#39;s role' in page
    assert page.count("govuk-error-message") == 3  # each repeated above its field
    assert 'value="not an email"' in page

    status, page = _invite(officer, csrf, name="Sam Bidder", email="sam@supplier.example", role="bidder")
    assert status == 400
    assert 'href="#organisation">Enter the name of the bidder&#39;s organisation' in page, _summary(page)
    assert 'value="Sam Bidder"' in page and 'value="bidder" checked' in page
    assert inbox.messages == []


def test_an_email_that_already_has_an_account_is_refused(people: People, inbox: Inbox) -> None:
    officer, csrf = people.browser("officer")
    status, page = _invite(officer, csrf, name="Again", email="EVALUATOR1@buyer.example", role="evaluator")
    assert status == 400
    assert "There is already a user with the email evaluator1@buyer.example" in page
    assert inbox.messages == []


def test_a_bidder_is_invited_into_the_organisation_they_bid_for(
    people: People, inbox: Inbox, session: Session
) -> None:
    commissioner, csrf = people.browser("commissioner")
    status, _ = _invite(commissioner, csrf, name="Ada Jones", email="ada@newco.example", role="bidder",
                        organisation="Newco Support Ltd")  # fmt: skip
    assert status == 302
    ada = _user(session, "ada@newco.example")
    org = session.get(Organisation, ada.organisation_id)
    assert org is not None and org.name == "Newco Support Ltd" and org.kind == "supplier"
    assert ada.role == Role.BIDDER
    assert "as a bidder for Newco Support Ltd" in body(inbox.only("ada@newco.example"))

    # An existing supplier is joined, not duplicated.
    status, _ = _invite(commissioner, csrf, name="Ben", email="ben@northern.example", role="bidder",
                        organisation="Northern Resettlement Consortium Ltd")  # fmt: skip
    assert status == 302
    assert _user(session, "ben@northern.example").organisation_id == people.users["bidder_a"].organisation_id

    # Never into a buyer's organisation, another's or one's own.
    for buyer in ("Other County Council", "Test Probation Region"):
        status, page = _invite(commissioner, csrf, name="Eve", email="eve@x.example", role="bidder",
                               organisation=buyer)  # fmt: skip
        assert status == 400 and f"{buyer} is a buyer, not a bidder" in page
    assert inbox.to("eve@x.example") == []


def test_people_of_other_roles_cannot_invite_or_see_the_people_page(people: People, session: Session) -> None:
    for key in ("evaluator1", "bidder_a"):
        client, csrf = people.browser(key)
        assert client.get("/people").status_code == 403
        assert client.get("/people/invite").status_code == 403
        status, _ = _invite(client, csrf, name="X", email=f"x-{key}@x.example", role="officer")
        assert status == 403
        with pytest.raises(Forbidden):
            invitations.invite(session, people.users[key], _links(), email="y@x.example", name="Y", role="officer")
    session.rollback()
    session.expire_all()
    assert session.exec(select(User).where(col(User.email).like("x-%"))).all() == []


def test_an_invitation_goes_into_the_inviters_own_organisation(people: People, session: Session) -> None:
    """Another buyer's officer who invites an officer gets one in their own organisation, never this buyer's."""
    invited = invitations.invite(session, people.users["other_officer"], _links(), email="new@other.example",
                                 name="New", role="officer")  # fmt: skip
    assert invited.organisation_id == people.users["other_officer"].organisation_id
    assert invited.organisation_id != people.users["officer"].organisation_id


def test_the_people_page_lists_only_your_organisation(people: People) -> None:
    client, _ = people.browser("commissioner")
    page = client.get("/people").get_data(as_text=True)
    assert "evaluator1@buyer.example" in page and "officer@buyer.example" in page
    assert "officer@other.example" not in page and "bids@bidder_a.example" not in page
    assert "Commissioner (you)" in page


def test_links_start_with_the_service_url(people: People, inbox: Inbox) -> None:
    people.app.config["SERVICE_URL"] = "https://tenderscore.council.example/"
    officer, csrf = people.browser("officer")
    assert _invite(officer, csrf, name="Far", email="far@buyer.example", role="evaluator")[0] == 302
    assert "https://tenderscore.council.example/invitation/" in body(inbox.only("far@buyer.example"))


def _signed_days_ago(days: int) -> Callable[[str, str], URLSafeTimedSerializer]:
    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - days * 24 * 3600

    real = invitations._serializer
    return lambda key, purpose: URLSafeTimedSerializer(key, salt=real(key, purpose).salt, signer=Earlier)


def _links() -> invitations.Links:
    return invitations.Links("test-secret", lambda purpose, token: f"{SERVICE_URL}/{purpose}/{token}")


def test_an_expired_invitation_says_so_and_sets_nothing(
    people: People, inbox: Inbox, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer, csrf = people.browser("officer")
    with monkeypatch.context() as patch:  # the link is signed as if eight days ago
        patch.setattr(invitations, "_serializer", _signed_days_ago(8))
        status, page = _invite(officer, csrf, name="Late", email="late@buyer.example", role="evaluator")
        assert status == 302, _summary(page)
    link = link_in(inbox.only("late@buyer.example"))
    browser = people.app.test_client()
    browser.get(link)
    page = browser.get("/invitation")
    assert page.status_code == 410 and "This link has expired" in page.text
    posted = browser.post("/invitation", data={"password": NEW_PASSWORD,
                                               "csrf_token": forms.csrf_token(browser, "/sign-in")})  # fmt: skip
    assert posted.status_code == 410
    assert accounts.status(_user(session, "late@buyer.example")) == accounts.Status.INVITED


def test_expiry_is_seven_days_for_an_invitation(people: People, session: Session) -> None:
    links = _links()
    invited = invitations.invite(session, people.users["officer"], links, email="d@buyer.example", name="D",
                                 role="evaluator")  # fmt: skip
    token = links.token(invitations.INVITATION, invited)
    now = datetime.now(UTC)
    assert invitations.user_for_link(session, "invitation", token, "test-secret", now=now + timedelta(days=6, hours=23))
    with pytest.raises(invitations.LinkNotValid) as refused:
        invitations.user_for_link(session, "invitation", token, "test-secret", now=now + timedelta(days=7, minutes=1))
    assert refused.value.why == "expired"
    with pytest.raises(invitations.LinkNotValid) as forged:
        invitations.user_for_link(session, "invitation", token, "another-secret")
    assert forged.value.why == "invalid"
    with pytest.raises(invitations.LinkNotValid) as crossed:  # an invitation is never a reset link
        invitations.user_for_link(session, "password_reset", token, "test-secret")
    assert crossed.value.why == "invalid"


def test_a_new_invitation_replaces_the_old_link(people: People, inbox: Inbox, session: Session) -> None:
    officer, csrf = people.browser("officer")
    assert _invite(officer, csrf, name="Twice", email="twice@buyer.example", role="evaluator")[0] == 302
    first = link_in(inbox.only("twice@buyer.example"))
    invited = _user(session, "twice@buyer.example")
    resent = officer.post(f"/people/{invited.id}/invitation", data={"csrf_token": csrf})
    assert resent.status_code == 302
    assert "A new invitation has been sent to Twice" in officer.get("/people").text
    messages = inbox.to("twice@buyer.example")
    assert len(messages) == 2
    second = link_in(messages[1])
    assert second != first

    browser = people.app.test_client()
    browser.get(first)
    assert browser.get("/invitation").status_code == 410
    browser.get(second)
    page = browser.get("/invitation")
    assert page.status_code == 200
    done = browser.post("/invitation", data={"password": NEW_PASSWORD, "csrf_token": forms.csrf_from(page.text)})
    assert done.status_code == 302
    # Someone who has a password is not waiting for an invitation any more.
    assert officer.post(f"/people/{invited.id}/invitation", data={"csrf_token": csrf}).status_code == 400


def test_a_deactivated_invitees_link_stops_working(people: People, inbox: Inbox, session: Session) -> None:
    officer, csrf = people.browser("officer")
    assert _invite(officer, csrf, name="Gone", email="gone@buyer.example", role="evaluator")[0] == 302
    link = link_in(inbox.only("gone@buyer.example"))
    invited = _user(session, "gone@buyer.example")
    assert officer.post(f"/people/{invited.id}/deactivate", data={"csrf_token": csrf}).status_code == 302
    browser = people.app.test_client()
    browser.get(link)
    page = browser.get("/invitation")
    assert page.status_code == 404 and "This link is not valid" in page.text
    assert not _user(session, "gone@buyer.example").active


def test_a_forged_or_missing_link_is_not_valid(people: People) -> None:
    browser = people.app.test_client()
    assert browser.get("/invitation").status_code == 404  # nothing followed yet
    browser.get("/invitation/eyJ1c2VyIjoxLCJlcG9jaCI6MH0.forged.signature")
    page = browser.get("/invitation")
    assert page.status_code == 404 and "This link is not valid" in page.text


def test_the_service_refuses_an_invalid_invitation_whole(people: People, session: Session) -> None:
    with pytest.raises(Invalid) as refused:
        invitations.invite(session, people.users["officer"], _links(), email="", name=" ", role="moderator")
    fields = {field for field, _ in refused.value.problems}
    assert fields == {"email", "name", "role"}
