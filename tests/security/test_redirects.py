"""Signed out, a page sends you to sign in and back; ``next`` never leads off this site."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from tenderscore.db import get_engine
from tenderscore.db.models import Role
from tenderscore.services import accounts
from tenderscore.web.pages.account import safe_next
from tests.forms import csrf_from, csrf_token

PASSWORD = "a long test password"
EMAIL = "officer@x.example"

# Values of ``next`` as the app reads them (the query string already decoded), each a known way off-site.
BYPASSES = [
    "//evil.test/phish",
    "///evil.test/phish",
    "/\\evil.test/phish",
    "\\\\evil.test/phish",
    "/\\/evil.test/phish",
    "/\t/evil.test/phish",
    "/\r\n/evil.test/phish",
    "\t//evil.test/phish",
    " //evil.test/phish",
    "/ /evil.test/phish",
    "\x00//evil.test/phish",
    "/\x7f/evil.test/phish",
    "https://evil.test/phish",
    "HTTPS://evil.test",
    "https:/evil.test",
    "http:evil.test",
    "//evil.test@localhost/",
    "javascript:alert(document.domain)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F/evil.test/phish",  # sent as /%252F/...: decoded once more by something on the way, it is //evil
    "/%5Cevil.test",
    "evil.test/phish",
    "",
]


@pytest.fixture
def officer(app: Flask) -> str:
    with Session(get_engine(app)) as session:
        org = accounts.create_organisation(session, name="Council", kind="buyer")
        accounts.create_user(session, email=EMAIL, name="O", password=PASSWORD, role=Role.OFFICER, organisation=org)
        session.commit()
    return EMAIL


def _sign_in_with_next(client: FlaskClient, raw_query: str) -> str:
    token = csrf_token(client, "/sign-in")
    response = client.post(f"/sign-in?{raw_query}", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


@pytest.mark.parametrize("target", BYPASSES)
def test_next_off_this_site_lands_on_the_dashboard(app: Flask, officer: str, target: str) -> None:
    location = _sign_in_with_next(app.test_client(), "next=" + quote(target, safe=""))
    assert location == "/dashboard"


@pytest.mark.parametrize(
    "raw_query",
    ["next=/%09/evil.test/phish", "next=/%2F/evil.test/phish", "next=%2F%2Fevil.test", "next=/%0D%0A/evil.test",
     "next=%09//evil.test", "next=/%5C/evil.test", "next=https:%2F%2Fevil.test"],
)  # fmt: skip
def test_the_reported_query_strings_land_on_the_dashboard(app: Flask, officer: str, raw_query: str) -> None:
    assert _sign_in_with_next(app.test_client(), raw_query) == "/dashboard"


@pytest.mark.parametrize("target", ["/tenders/3", "/tenders/3/assessment-summary.pdf?submission=4", "/policies"])
def test_next_on_this_site_is_followed(app: Flask, officer: str, target: str) -> None:
    assert safe_next(target) == target
    assert _sign_in_with_next(app.test_client(), "next=" + quote(target, safe="")) == target


@pytest.mark.parametrize("target", BYPASSES)
def test_safe_next_refuses_every_bypass(target: str) -> None:
    assert safe_next(target) is None


def test_a_protected_page_signed_out_redirects_to_sign_in_and_back(app: Flask, officer: str) -> None:
    client = app.test_client()
    response = client.get("/policies?page=2")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == ["/policies?page=2"]
    sign_in_page = client.get(response.headers["Location"])
    assert "Sign in to continue." in sign_in_page.text
    back = client.post(
        response.headers["Location"],
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_from(sign_in_page.text)},
    )
    assert back.status_code == 302 and back.headers["Location"] == "/policies?page=2"


def test_back_after_signing_out_is_a_sign_in_page_not_an_error(app: Flask, officer: str) -> None:
    client = app.test_client()
    token = csrf_token(client, "/sign-in")
    client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert client.get("/dashboard").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    for path in ("/dashboard", "/account", "/policies", "/tenders/1", "/tenders/1/evaluation-report.pdf"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert client.get("/api/me").status_code == 401
