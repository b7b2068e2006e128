"""The sign-in limit counts failed attempts only: 5 per account and 50 per address in any 15 minutes.

(The same limit shared by two real workers through Redis: test_rate_limit_workers.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, SQLModel
from werkzeug.test import TestResponse

from tenderscore import create_app
from tenderscore.config import ConfigurationError
from tenderscore.db import get_engine
from tenderscore.db.models import Role
from tenderscore.services import accounts
from tenderscore.web.security import Refusal
from tests.forms import csrf_token

PASSWORD = "a long test password"
ACCOUNT_LOCKED = "Too many failed sign-in attempts for this account. Try again in 15 minutes."
ADDRESS_LOCKED = "Too many failed sign-in attempts from your network. Try again in 15 minutes."





def _user(app: Flask, email: str) -> None:
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name=f"Org of {email}", kind="buyer")
        accounts.create_user(session, email=email, name="Someone", password=PASSWORD, role=Role.OFFICER,
                             organisation=org)  # fmt: skip
        session.commit()


def _attempt(client: FlaskClient, email: str, password: str, address: str = "192.0.2.1") -> TestResponse:
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=environ)  # fmt: skip


def test_successful_sign_ins_are_never_counted(app: Flask, client: FlaskClient) -> None:
    """A council office behind one address signs in all day: 120 sign-ins in a row, none refused."""
    _user(app, "officer@x.example")
    for _ in range(120):
        assert _attempt(client, "officer@x.example", PASSWORD).status_code == 302


def test_five_failures_lock_the_account_and_the_right_password_then_waits_too(app: Flask) -> None:
    _user(app, "officer@x.example")
    client = app.test_client()
    statuses = [_attempt(client, "officer@x.example", "wrong").status_code for _ in range(5)]
    assert statuses == [401] * 5
    refused = _attempt(client, "OFFICER@x.example ", PASSWORD)  # the email as typed differently: one account
    assert refused.status_code == 429
    assert ACCOUNT_LOCKED in refused.text and "Traceback" not in refused.text
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    # From another address too: the limit is the account's.
    assert _attempt(app.test_client(), "officer@x.example", PASSWORD, address="198.51.100.7").status_code == 429


def test_an_unknown_email_is_counted_and_refused_alike(app: Flask) -> None:
    _user(app, "officer@x.example")
    known = [_attempt(app.test_client(), "officer@x.example", "wrong") for _ in range(6)]
    unknown = [_attempt(app.test_client(), "nobody@x.example", "wrong") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    def page(response: TestResponse) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', "", response.text).replace("officer@", "nobody@")

    assert page(known[-1]) == page(unknown[-1])
    assert page(known[-2]) == page(unknown[-2])


def test_a_successful_sign_in_clears_the_accounts_failures(app: Flask) -> None:
    _user(app, "officer@x.example")
    client = app.test_client()
    assert [_attempt(client, "officer@x.example", "wrong").status_code for _ in range(4)] == [401] * 4
    assert _attempt(client, "officer@x.example", PASSWORD).status_code == 302
    statuses = [_attempt(app.test_client(), "officer@x.example", "wrong").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_fifty_failures_from_one_address_hold_back_that_address_only(app: Flask) -> None:
    _user(app, "officer@x.example")
    client = app.test_client()
    # Fifty failures across many accounts (none of them near its own limit) from one address...
    statuses = [_attempt(client, f"guess{n % 25}@x.example", "wrong").status_code for n in range(50)]
    assert statuses == [401] * 50
    # ...and that address is held back, even for a right password.
    refused = _attempt(client, "officer@x.example", PASSWORD)
    assert refused.status_code == 429 and ADDRESS_LOCKED in refused.text
    # Another address is not, and a success never cleared the address's count.
    assert _attempt(app.test_client(), "officer@x.example", PASSWORD, address="198.51.100.7").status_code == 302
    assert _attempt(client, "officer@x.example", PASSWORD).status_code == 429


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(690, "Try again in 12 minutes."), (30, "Try again in 1 minute."), (61, "Try again in 2 minutes.")],
)
def test_the_refusal_says_when_to_try_again(seconds: int, words: str) -> None:
    assert Refusal("account", seconds).message == f"Too many failed sign-in attempts for this account. {words}"


def test_a_malformed_limit_setting_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SIGN_IN_FAILURES_PER_ACCOUNT"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                    "SIGN_IN_FAILURES_PER_ACCOUNT": "lots"}, instance_path=str(tmp_path))  # fmt: skip


def test_an_unreachable_shared_store_still_limits_per_process(tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "RATELIMIT_KEY_PREFIX": f"t-{tmp_path.name}"},
        instance_path=str(tmp_path / "instance"),
    )  # fmt: skip
    SQLModel.metadata.create_all(get_engine(app))
    _user(app, "officer@x.example")
    statuses = [_attempt(app.test_client(), "officer@x.example", "wrong").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    get_engine(app).dispose()
