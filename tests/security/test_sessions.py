"""Sessions end when they should: sign-out, a password change and deactivation end every session issued before
them (a copied cookie included); a password change and deactivation end the API token too."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.migrate import current_revision, head_revision, upgrade
from tenderscore.db.models import AuditEvent, Organisation, Role, User
from tenderscore.services import accounts
from tenderscore.services.errors import Forbidden, ServiceError
from tenderscore.web.auth import login_manager
from tests.forms import csrf_token, sign_in

PASSWORD = "a long test password"
NEW_PASSWORD = "another long password"
EMAIL = "officer@x.example"





@pytest.fixture
def officer(app: Flask) -> int:
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name="Council", kind="buyer")
        user = accounts.create_user(session, email=EMAIL, name="O", password=PASSWORD, role=Role.OFFICER,
                                    organisation=org)  # fmt: skip
        session.commit()
        assert user.id is not None
        return user.id


def _browser(app: Flask, password: str = PASSWORD) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, sign_in(client, EMAIL, password)


def _copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    status = client.get("/account").status_code
    assert status in (200, 302)
    return status == 200


def _token(app: Flask, user_id: int) -> str:
    with Session(get_engine(app)) as session:
        user = session.get(User, user_id)
        assert user is not None
        token = accounts.issue_api_token(session, user)
        session.commit()
    return token


def _api_ok(app: Flask, token: str) -> bool:
    status = app.test_client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code
    assert status in (200, 401)
    return status == 200


def _actions(app: Flask) -> list[str]:
    with Session(get_engine(app)) as session:
        return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_session_protection_stays_strong(app: Flask) -> None:
    assert login_manager.session_protection == "strong"


def test_a_session_cookie_copied_before_sign_out_stops_working(app: Flask, officer: int) -> None:
    browser, csrf = _browser(app)
    thief = _copy_of(browser, app)
    assert _signed_in(thief)
    response = browser.post("/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert not _signed_in(browser)
    assert not _signed_in(thief)
    assert thief.get("/api/me").status_code == 401
    assert "user.signed_out" in _actions(app)


def test_sign_out_ends_the_users_other_sessions_but_keeps_the_api_token(app: Flask, officer: int) -> None:
    token = _token(app, officer)
    laptop, csrf = _browser(app)
    phone, _ = _browser(app)
    laptop.post("/sign-out", data={"csrf_token": csrf})
    assert not _signed_in(phone)  # signed out everywhere (README, "Sessions")
    assert _api_ok(app, token)  # another system's credential, not a browser's
    again, _ = _browser(app)
    assert _signed_in(again)


def test_changing_the_password_ends_every_other_session_and_the_token(app: Flask, officer: int) -> None:
    token = _token(app, officer)
    browser, csrf = _browser(app)
    other, _ = _browser(app)
    thief = _copy_of(browser, app)
    page = browser.get("/account/password")
    assert page.status_code == 200 and "Change your password" in page.text
    response = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "csrf_token": csrf_token(browser, "/account")},  # fmt: skip
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _signed_in(browser)  # this browser carries on, in a new session
    assert not _signed_in(other)
    assert not _signed_in(thief)
    assert not _api_ok(app, token)
    assert _browser(app, NEW_PASSWORD)
    old = app.test_client()
    assert old.post("/sign-in", data={"email": EMAIL, "password": PASSWORD,
                                      "csrf_token": csrf_token(old, "/sign-in")}).status_code == 401  # fmt: skip
    assert "user.password_changed" in _actions(app)
    with Session(get_engine(app)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.password_changed")).one()
        assert PASSWORD not in str(event.after) and NEW_PASSWORD not in str(event.after)


def test_a_wrong_current_password_changes_nothing(app: Flask, officer: int) -> None:
    token = _token(app, officer)
    browser, csrf = _browser(app)
    other, _ = _browser(app)
    response = browser.post(
        "/account/password",
        data={"current_password": "not it at all", "new_password": NEW_PASSWORD, "csrf_token": csrf},
    )
    assert response.status_code == 400
    assert "Your current password is not correct" in response.text
    assert _signed_in(browser) and _signed_in(other) and _api_ok(app, token)


def test_a_short_new_password_is_refused(session: Session, officer: int) -> None:
    user = session.get(User, officer)
    assert user is not None
    with pytest.raises(ServiceError, match="at least 10 characters") as refused:
        accounts.change_password(session, user, PASSWORD, "short")
    assert refused.value.field == "new_password"


def test_deactivation_ends_every_session_and_the_token(app: Flask, officer: int) -> None:
    token = _token(app, officer)
    browser, _ = _browser(app)
    thief = _copy_of(browser, app)
    with Session(get_engine(app)) as session:
        accounts.deactivate(session, "operator", officer)
        session.commit()
    assert not _signed_in(browser) and not _signed_in(thief)
    assert not _api_ok(app, token)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD,
                                         "csrf_token": csrf_token(client, "/sign-in")}).status_code == 401  # fmt: skip
    assert "user.deactivated" in _actions(app)


def test_only_a_buyer_of_the_same_organisation_may_deactivate(session: Session, officer: int) -> None:
    other_org = accounts.create_organisation(session, name="Elsewhere", kind="buyer")
    outsider = accounts.create_user(session, email="c@elsewhere.example", name="C", password=PASSWORD,
                                    role=Role.COMMISSIONER, organisation=other_org)  # fmt: skip
    user = session.get(User, officer)
    assert user is not None
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    evaluator = accounts.create_user(session, email="e@x.example", name="E", password=PASSWORD, role=Role.EVALUATOR,
                                     organisation=org)  # fmt: skip
    with pytest.raises(Forbidden):
        accounts.deactivate(session, outsider, officer)
    with pytest.raises(Forbidden):
        accounts.deactivate(session, evaluator, officer)
    assert accounts.deactivate(session, user, evaluator.id or 0).active is False


def test_cli_deactivate_and_set_password(app: Flask, runner: FlaskCliRunner, officer: int) -> None:
    browser, _ = _browser(app)
    token = _token(app, officer)
    result = runner.invoke(args=["users", "set-password", "--email", EMAIL.upper()],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "set a new password for officer@x.example" in result.output
    assert not _signed_in(browser) and not _api_ok(app, token)
    browser, _ = _browser(app, NEW_PASSWORD)
    result = runner.invoke(args=["users", "deactivate", "--email", EMAIL])
    assert result.exit_code == 0, result.output
    assert not _signed_in(browser)
    assert _actions(app)[-2:] == ["user.password_changed", "user.deactivated"]
    missing = runner.invoke(args=["users", "deactivate", "--email", "nobody@x.example"])
    assert missing.exit_code == 1 and "No user with the email nobody@x.example" in missing.output
    short = runner.invoke(args=["users", "set-password", "--email", EMAIL, "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_a_session_from_before_the_upgrade_signs_in_again(app: Flask, officer: int) -> None:
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(officer)  # the old form: the id alone
    assert not _signed_in(client)


def test_migration_0002_keeps_existing_users(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisation (name, kind, created_at) VALUES ('C', 'buyer', :now)"),
                           {"now": "2026-01-01 00:00:00+00:00"})  # fmt: skip
        connection.execute(
            text("INSERT INTO user_account (email, name, password_hash, role, organisation_id, active, created_at) "
                 "SELECT 'a@x.example', 'A', 'x', 'officer', id, :yes, :now FROM organisation"),
            {"yes": True, "now": "2026-01-01 00:00:00+00:00"},
        )  # fmt: skip
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT session_epoch FROM user_account")).scalar_one() == 0


@pytest.mark.real_hashing
def test_passwords_are_kept_only_as_scrypt_hashes(app: Flask) -> None:
    """The tests hash cheaply; the product hashes with scrypt, and never keeps the password itself."""
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name="Council", kind="buyer")
        user = accounts.create_user(session, email="real@x.example", name="R", password=PASSWORD, role=Role.OFFICER,
                                    organisation=org)  # fmt: skip
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        assert accounts.authenticate(session, "real@x.example", PASSWORD) is not None
        assert accounts.authenticate(session, "real@x.example", NEW_PASSWORD) is None
