"""The register's pages as people use them: signing up (and the email that follows), the errors next to their
fields, searching, who sees evidence, who may verify (every role tried), editing, importing, your organisation."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tenderscore.db.models import AuditEvent, Organisation, RegisterEntry, Role, User, Verification
from tenderscore.db.types import utcnow
from tests import forms
from tests.register.conftest import PASSWORD, ROLES, UNVERIFIED, VERIFIED, Register, Sent
from tests.register.test_import import GOOD, fingerprint

JOIN = {
    "name": "New Dawn Trust", "identifiers": "GB-CHC-1123456\r\nGB-COH-01234567", "legal_form": "charitable_company",
    "services": ["ete", "mentoring"], "areas": ["london", "wales"], "description": "Mentoring into work",
    "website": "https://newdawn.example.org", "contact_email": "hello@newdawn.example.org",
    "person_name": "Ann Smith", "person_email": "Ann@NewDawn.example.org",
}  # fmt: skip


def summary(page: str) -> list[str]:
    """The error summary's lines, each as (link) text."""
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert found, "no error summary"
    return [f"{href} {re.sub(r'<[^>]+>', '', text).strip()}" for href, text in
            re.findall(r'<a href="([^"]+)">(.*?)</a>', found.group(1), re.S)]  # fmt: skip


def field_error(page: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no error message above {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


def anonymous(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, forms.csrf_token(client, "/register/join")


def test_signing_up_creates_the_entry_and_account_and_emails_what_happens_next(
    reg: Register, session: Session, sent: Sent
) -> None:
    client, csrf = anonymous(reg.app)
    response = client.post("/register/join", data={**JOIN, "csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == "/register/join/check-your-email"
    done = client.get("/register/join/check-your-email").text
    assert "to finish registering New Dawn Trust" in done and "ann@newdawn.example.org" in done
    org = session.exec(select(Organisation).where(Organisation.name == "New Dawn Trust")).one()
    entry = session.exec(select(RegisterEntry).where(RegisterEntry.organisation_id == org.id)).one()
    person = session.exec(select(User).where(User.email == "ann@newdawn.example.org")).one()
    assert org.kind == "vcse" and entry.source == "signed up" and entry.legal_form == "charitable_company"
    assert person.role == Role.PARTNER and person.organisation_id == org.id
    assert not session.exec(select(Verification).where(Verification.entry_id == entry.id)).all()
    assert "register.signed_up" in [e.action for e in session.exec(select(AuditEvent)).all()]
    [email] = sent.to("ann@newdawn.example.org")
    assert "GB-CHC-1123456, GB-COH-01234567" in email.body and "registered but not yet verified" in email.body
    assert "What happens next: a procurement officer or commissioner" in email.body
    link = re.search(r"http://localhost(/invitation/\S+)", email.body)
    assert link, email.body
    # The link works as an invitation: choose a password, and the partner is signed in to their entry.
    assert client.get(link.group(1)).status_code == 302
    page = client.get("/invitation").text
    chosen = client.post("/invitation", data={"password": "a long new password", "csrf_token": forms.csrf_from(page)})
    assert chosen.status_code == 302
    dashboard = client.get("/dashboard").text
    assert "Your register entry" in dashboard and f"/register/{entry.id}" in dashboard
    assert "registered but unverified" in dashboard


def test_sign_up_mistakes_are_all_shown_next_to_their_fields_and_nothing_is_stored(
    app: Flask, reg: Register, sent: Sent
) -> None:
    before = fingerprint(app)
    client, csrf = anonymous(app)
    typed = {**JOIN, "name": "", "identifiers": "GB-CHC-12", "legal_form": "", "services": [], "website": "newdawn.org",
             "person_email": "partner@vcse.example", "csrf_token": csrf}  # fmt: skip
    response = client.post("/register/join", data=typed)
    assert response.status_code == 400
    page = response.text
    assert summary(page) == [
        "#name Enter the organisation&#39;s name",
        "#identifiers GB-CHC-12 is not a Charity Commission for England and Wales number: GB-CHC numbers are 6 or 7 "
        "digits, such as GB-CHC-1123456",
        "#legal_form Choose the organisation&#39;s legal form",
        "#services Choose at least one service",
        "#website Enter the full address, starting https://",
    ]  # partner@vcse.example has an account: the form never says so (the next test)
    assert field_error(page, "identifiers").startswith("GB-CHC-12 is not")
    assert 'id="person_email-error"' not in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Register a VCSE organisation" in page
    assert 'value="Ann Smith"' in page and 'value="london" checked' in page  # what was typed is kept
    assert fingerprint(app) == before and not sent.messages


def test_signing_up_with_an_address_that_has_an_account_answers_as_any_sign_up_and_tells_only_its_owner(
    app: Flask, reg: Register, session: Session, sent: Sent
) -> None:
    """Nobody learns from the form which addresses have accounts: a stranger sees the page any sign-up gets; the
    address's owner is emailed that nothing was registered and how to sign in; no organisation, entry or account is
    made. A new address gets the same page with its own organisation's name."""
    tables = ("organisation", "registerentry", "user", "orgidentifier")
    before = {k: v for k, v in fingerprint(app).items() if k in tables}
    pages = []
    for email in ("Partner@VCSE.example", "someone.new@newdawn.example.org"):
        client, csrf = anonymous(app)
        response = client.post("/register/join", data={**JOIN, "person_email": email, "csrf_token": csrf,
                                                       "name": f"Dawn {len(pages)}",
                                                       "identifiers": f"GB-CHC-112345{len(pages)}"})  # fmt: skip
        assert response.status_code == 302, summary(response.text)
        assert response.headers["Location"] == "/register/join/check-your-email"
        pages.append(client.get("/register/join/check-your-email").text)
        if not len(pages) - 1:  # the taken address: nothing stored
            assert {k: v for k, v in fingerprint(app).items() if k in tables} == before
    taken, new = pages
    assert taken.replace("Dawn 0", "X").replace("partner@vcse.example", "Y") == new.replace("Dawn 1", "X").replace(
        "someone.new@newdawn.example.org", "Y"
    )
    assert session.exec(select(Organisation).where(Organisation.name == "Dawn 0")).first() is None
    [email] = sent.to("partner@vcse.example")
    assert email.subject == "Dawn 0 was not registered: this address has an account"
    assert "already has a tenderscore account, as a VCSE partner for" in email.body
    assert "nothing was registered: Dawn 0 is not on the register" in email.body
    link = re.search(r"http://localhost(/reset-password/\S+)", email.body)
    assert link, email.body
    assert client.get(link.group(1)).status_code == 302  # a working reset link for the owner
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "register.sign_up_address_taken")).all()
    assert event.after == {"organisation": "Dawn 0"}


def test_signing_up_an_organisation_already_known_names_it(app: Flask, reg: Register) -> None:
    before = fingerprint(app)
    client, csrf = anonymous(app)
    response = client.post("/register/join", data={**JOIN, "name": VERIFIED, "csrf_token": csrf,
                                                   "identifiers": "GB-CHC-1123456\nGB-CHC-1290417"})  # fmt: skip
    assert response.status_code == 400
    lines = summary(response.text)
    assert lines[0].startswith(f"#name An organisation called {VERIFIED} already exists")
    assert lines[1].startswith(f"#identifiers GB-CHC-1290417 already belongs to {VERIFIED}")
    assert fingerprint(app) == before


def test_sign_ups_are_limited_per_address(app: Flask, reg: Register) -> None:
    app.config["REGISTER_SIGN_UPS_PER_ADDRESS"] = "2 per hour"
    app.config["RATELIMIT_KEY_PREFIX"] = f"register-test-{id(app)}"
    client, csrf = anonymous(app)
    codes = [client.post("/register/join", data={**JOIN, "name": "", "csrf_token": csrf}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    refused = client.post("/register/join", data={**JOIN, "csrf_token": csrf})
    assert refused.status_code == 429 and "too many sign-ups" in refused.text.lower()


def test_the_home_and_sign_in_pages_lead_to_sign_up(client: FlaskClient) -> None:
    for page in ("/", "/sign-in"):
        assert re.search(r'href="/register/join">register a VCSE organisation', client.get(page).text, re.I)


@pytest.mark.parametrize("who", ROLES)
def test_every_role_searches_the_register(reg: Register, who: str) -> None:
    client, _ = reg.browser(who)
    page = client.get("/register?service=housing_support&area=north-west").text
    assert re.search(r'href="/register"[^>]*>\s*(<strong[^>]*>)?VCSE register', page)  # in the header
    rows = re.findall(r'<tr class="govuk-table__row">\s*<td.*?</tr>', page, re.S)
    assert len(rows) == 2 and VERIFIED in rows[0] and UNVERIFIED in rows[1]
    assert "Verified VCSE, lapses on" in rows[0] and "Lapses on" in rows[0]
    assert "Registered but unverified" in rows[1] and "Not verified" in rows[1]
    assert "GB-CHC-1290417" in rows[0] and "Charitable incorporated organisation" in rows[0]
    only = client.get("/register?standing=verified").text
    assert VERIFIED in only and UNVERIFIED not in only
    assert "No entries match" in client.get("/register?service=asb").text


@pytest.mark.parametrize(("who", "sees"), [("officer", True), ("commissioner", True), ("other_officer", True),
                                           ("partner", True), ("other_partner", False), ("bidder_a", False),
                                           ("evaluator1", False)])  # fmt: skip
def test_who_sees_the_evidence_on_an_entry(reg: Register, who: str, sees: bool) -> None:
    client, _ = reg.browser(who)
    page = client.get(f"/register/{reg.entries[VERIFIED]}").text
    assert "Verified VCSE, lapses on" in page  # everyone sees the standing and its date
    assert ("Charity Commission entry 1290417" in page) is sees
    assert ("A CIO with charitable objects" in page) is sees
    assert ('id="history"' in page) is sees


@pytest.mark.parametrize("who", ROLES)
def test_who_may_verify_and_end_a_verification(reg: Register, session: Session, who: str) -> None:
    client, csrf = reg.browser(who)
    may = who in ("officer", "commissioner", "other_officer")
    entry = reg.entries[UNVERIFIED]
    assert (f"/register/{entry}/verify" in client.get(f"/register/{entry}").text) is may
    assert client.get(f"/register/{entry}/verify").status_code == (200 if may else 403)
    response = client.post(f"/register/{entry}/verify", data={
        "evidence": "Mutuals Public Register", "reason": "A society with an asset lock", "lapses_on-day": "1",
        "lapses_on-month": "6", "lapses_on-year": str(utcnow().year + 1), "csrf_token": csrf})  # fmt: skip
    assert response.status_code == (302 if may else 403)
    verified = session.exec(select(Verification).where(Verification.entry_id == entry)).all()
    assert len(verified) == (1 if may else 0)
    ended = client.post(f"/register/{reg.entries[VERIFIED]}/end-verification",
                        data={"reason": "Struck off", "csrf_token": csrf})  # fmt: skip
    assert ended.status_code == (302 if may else 403)


def test_the_verify_form_defaults_to_a_year_and_shows_every_mistake(reg: Register) -> None:
    client, csrf = reg.browser("officer")
    url = f"/register/{reg.entries[UNVERIFIED]}/verify"
    page = client.get(url).text
    year_on = (utcnow() + timedelta(days=365)).year
    assert f'name="lapses_on-year" type="text" value="{year_on}"' in page or f'value="{year_on}"' in page
    response = client.post(url, data={"evidence": " ", "reason": "", "lapses_on-day": "31", "lapses_on-month": "2",
                                      "lapses_on-year": "2027", "csrf_token": csrf})  # fmt: skip
    assert response.status_code == 400
    lines = summary(response.text)
    assert [line.split(" ", 1)[0] for line in lines] == ["#evidence", "#reason", "#lapses_on-day"]
    assert field_error(response.text, "lapses_on") == "The date must be a real date, for example 2 12 2027"
    past = client.post(url, data={"evidence": "e", "reason": "r", "lapses_on-day": "1", "lapses_on-month": "1",
                                  "lapses_on-year": "2020", "csrf_token": csrf})  # fmt: skip
    assert past.status_code == 400 and "after today" in field_error(past.text, "lapses_on")


def test_a_partner_edits_its_own_entry_and_a_stale_edit_is_refused(reg: Register, session: Session) -> None:
    client, csrf = reg.browser("other_partner")
    url = f"/register/{reg.entries[UNVERIFIED]}/edit"
    page = client.get(url).text
    assert 'value="1"' in page and "GB-MPR-31207R" in page
    data = {"name": UNVERIFIED, "identifiers": "GB-COH-01234567", "legal_form": "cbs", "services": ["mentoring"],
            "areas": ["wales"], "description": "Peer mentors", "version": "1", "csrf_token": csrf}  # fmt: skip
    assert client.post(url, data=data).status_code == 302
    shown = client.get(f"/register/{reg.entries[UNVERIFIED]}").text
    assert "GB-MPR-31207R" in shown and "GB-COH-01234567" in shown and "Peer mentors" in shown
    stale = client.post(url, data={**data, "description": "Something else"})
    assert stale.status_code == 409
    assert summary(stale.text)[0].startswith("#version Someone else changed this entry")
    assert "Peer mentors" in stale.text  # the form shows what is on record now
    # another organisation's entry is not theirs to edit
    assert client.get(f"/register/{reg.entries[VERIFIED]}/edit").status_code == 403
    bad = client.post(url, data={**data, "version": "2", "identifiers": "GB-CHC-1290417"})
    assert bad.status_code == 409 and field_error(bad.text, "identifiers").startswith(
        f"GB-CHC-1290417 already belongs to {VERIFIED}"
    )


def test_removing_an_entrys_last_identifier_is_refused(reg: Register) -> None:
    client, csrf = reg.browser("partner")
    url = f"/register/{reg.entries[VERIFIED]}/identifiers/remove"
    response = client.post(url, data={"identifier": "GB-CHC-1290417", "csrf_token": csrf})
    assert response.status_code == 400 and "only identifier" in summary(response.text)[0]
    assert f'value="{VERIFIED}"' in response.text  # the edit form below still shows the entry as it is


@pytest.mark.parametrize("who", ROLES)
def test_only_officers_import_and_a_refused_file_lists_every_problem(app: Flask, reg: Register, who: str) -> None:
    client, csrf = reg.browser(who)
    assert client.get("/register/import").status_code == (200 if who in ("officer", "other_officer") else 403)
    if who != "officer":
        return
    before = fingerprint(app)
    bad = GOOD + "Bad Row,GB-CHC-12,cio,health,,,,,,,\n"
    upload = {"file": (io.BytesIO(bad.encode()), "partners.csv"), "csrf_token": csrf}
    response = client.post("/register/import", data=upload, content_type="multipart/form-data")
    assert response.status_code == 422
    assert summary(response.text) == [
        "#file Line 4, column identifiers: GB-CHC-12 is not a Charity Commission for England and Wales number: GB-CHC "
        "numbers are 6 or 7 digits, such as GB-CHC-1123456",
        "#file Line 4, column areas: Choose at least one area",
    ]
    assert field_error(response.text, "file").startswith("The file has 2 problems in 1 row; nothing was imported")
    assert fingerprint(app) == before
    done = client.post("/register/import", data={"file": (io.BytesIO(GOOD.encode()), "partners.csv"),
                                                 "csrf_token": csrf}, content_type="multipart/form-data")  # fmt: skip
    assert done.status_code == 200 and "2 entries imported" in done.text and "1 verified" in done.text
    assert "Kestrel Recovery Network" in client.get("/register?text=kestrel").text


@pytest.mark.parametrize(("who", "keeps"), [("officer", True), ("commissioner", False), ("bidder_a", True),
                                            ("partner", True), ("evaluator1", False)])  # fmt: skip
def test_your_organisation_page_shows_and_adds_identifiers(reg: Register, who: str, keeps: bool) -> None:
    client, csrf = reg.browser(who)
    assert "/organisation" in client.get("/account").text
    page = client.get("/organisation").text
    assert ('name="identifiers"' in page) is keeps
    response = client.post("/organisation", data={"identifiers": "GB-COH-07654321", "csrf_token": csrf})
    assert response.status_code == (302 if keeps else 403)
    if keeps:
        assert "GB-COH-07654321" in client.get("/organisation").text
        again = reg.browser("officer" if who != "officer" else "bidder_a")
        taken = again[0].post("/organisation", data={"identifiers": "GB-COH-07654321", "csrf_token": again[1]})
        assert taken.status_code == 409
        assert "GB-COH-07654321 already belongs to" in field_error(taken.text, "identifiers")


def test_signed_out_the_register_pages_ask_to_sign_in(client: FlaskClient, reg: Register) -> None:
    for url in ("/register", f"/register/{reg.entries[VERIFIED]}", "/register/import", "/organisation"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/register/join").status_code == 200
    assert client.get("/register/join/check-your-email").status_code == 302  # nothing signed up in this browser


def test_a_partner_signs_in_with_the_password_set_in_the_fixture(reg: Register) -> None:
    client = reg.app.test_client()
    forms.sign_in(client, reg.users["partner"].email, PASSWORD)
    assert VERIFIED in client.get("/dashboard").text
