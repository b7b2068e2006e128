"""Accounts for a VCSE organisation on the register: an organisation added by import (or by a buyer) has none, so it
cannot confirm the spend or the parts it is named for; a buyer's officer or commissioner, or the organisation's own
account, gives someone one from its entry. Every role tried; mistakes shown with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, Role, User
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, confirmations, register
from tests.register.conftest import ROLES, UNVERIFIED, Register, Sent, details
from tests.register.test_register_pages import field_error, summary

KESTREL = "Kestrel Recovery Network"


@pytest.fixture
def kestrel(reg: Register, session: Session) -> int:
    """An entry imported with a contact address and nobody's account."""
    entry = register.join(session, "test", register.checked_details(details(
        KESTREL, "GB-CHC-1297333", contact_email="hello@kestrel.example")), source="import")  # fmt: skip
    entry.joined_at = utcnow() - timedelta(days=3)
    session.add(entry)
    accounts.organisation_named(session, KESTREL, kind="vcse")
    session.commit()
    assert entry.id is not None
    return entry.id


@pytest.mark.parametrize("who", ROLES)
def test_who_may_give_an_organisation_an_account(reg: Register, kestrel: int, who: str) -> None:
    client, csrf = reg.browser(who)
    may = who in ("officer", "commissioner", "other_officer")  # buyers; a partner only for its own organisation
    page = client.get(f"/register/{kestrel}").text
    assert ('id="add-account"' in page) is may
    assert client.get(f"/register/{kestrel}/people/new").status_code == (200 if may else 403)
    typed = {"name": "Kit Kestrel", "email": f"kit-{who}@kestrel.example", "csrf_token": csrf}
    response = client.post(f"/register/{kestrel}/people/new", data=typed)
    assert response.status_code == (302 if may else 403)
    with Session(_engine(reg)) as session:
        made = session.exec(select(User).where(User.email == f"kit-{who}@kestrel.example")).first()
        assert (made is not None) is may
        if made is not None:
            assert made.role == Role.PARTNER and accounts.status(made) == accounts.Status.INVITED


def test_the_officer_gives_one_and_the_entry_lists_it(reg: Register, kestrel: int, sent: Sent) -> None:
    client, csrf = reg.browser("officer")
    page = client.get(f"/register/{kestrel}").text
    assert "Nobody at Kestrel Recovery Network has an account yet" in page
    url = f"/register/{kestrel}/people/new"
    wrong = client.post(url, data={"name": "", "email": "not an email", "csrf_token": csrf})
    assert wrong.status_code == 400
    assert [line.split(" ", 1)[0] for line in summary(wrong.text)] == ["#name", "#email"]
    assert field_error(wrong.text, "email")
    with Session(_engine(reg)) as session:
        assert session.exec(select(User).where(User.email == "not an email")).first() is None
    taken = client.post(url, data={"name": "Pat", "email": reg.users["partner"].email, "csrf_token": csrf})
    assert taken.status_code == 400 and field_error(taken.text, "email")  # one account per address
    made = client.post(url, data={"name": "Kit Kestrel", "email": "kit@kestrel.example", "csrf_token": csrf})
    assert made.status_code == 302
    listed = client.get(f"/register/{kestrel}").text
    assert "Kit Kestrel, kit@kestrel.example" in listed and "(invited)" in listed
    assert "Gave someone an account: kit@kestrel.example" in listed  # the entry's history
    (letter,) = sent.to("kit@kestrel.example")
    assert "as a VCSE partner for Kestrel Recovery Network" in letter.body and "/invitation/" in letter.body
    with Session(_engine(reg)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.invited")
                             .order_by(col(AuditEvent.id).desc())).first()  # fmt: skip
        assert event is not None and event.after is not None
        assert (event.after["organisation"], event.after["register_entry"], event.after["role"]) == (
            KESTREL, kestrel, "partner")  # fmt: skip


def test_a_partner_gives_a_colleague_an_account_but_not_another_organisation(reg: Register) -> None:
    client, csrf = reg.browser("other_partner")  # Tidewater's own account
    own = client.post(f"/register/{reg.entries[UNVERIFIED]}/people/new",
                      data={"name": "Tam", "email": "tam@tidewater.example", "csrf_token": csrf})  # fmt: skip
    assert own.status_code == 302
    other = [e for name, e in reg.entries.items() if name != UNVERIFIED][0]
    refused = client.post(f"/register/{other}/people/new",
                          data={"name": "Tam", "email": "tam2@tidewater.example", "csrf_token": csrf})  # fmt: skip
    assert refused.status_code == 403


def test_the_people_page_cannot_invite_a_partner_into_the_buyer(reg: Register, app: Flask) -> None:
    client, csrf = reg.browser("officer")
    response = client.post("/people/invite", data={"name": "Sly", "email": "sly@example.org", "role": "partner",
                                                   "csrf_token": csrf})  # fmt: skip
    assert response.status_code == 400
    assert "entry on the VCSE register" in field_error(response.text, "role")


def test_an_organisation_without_an_account_is_told_how_to_get_one(reg: Register, kestrel: int,
                                                                     session: Session) -> None:  # fmt: skip
    entry = register.get_entry(session, kestrel)
    assert confirmations.with_accounts(session, [entry.organisation_id]) == set()
    words = confirmations.no_account_yet(KESTREL, "Northshire Council")
    assert "ask Northshire Council to give you one from Kestrel Recovery Network's entry" in words
    partner_org = reg.users["partner"].organisation_id
    assert confirmations.with_accounts(session, [entry.organisation_id, partner_org]) == {partner_org}


def _engine(reg: Register) -> Engine:
    return get_engine(reg.app)
