"""Reading a page's CSRF token and signing in through the page, as a browser does."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of a page's form; the assertion fails if the page has none."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def csrf_token(client: FlaskClient, path: str) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def sign_in(client: FlaskClient, email: str, password: str) -> str:
    """Sign in through the page; returns the new session's CSRF token (signing in starts a new session)."""
    response = client.post("/sign-in", data={"email": email, "password": password,
                                             "csrf_token": csrf_token(client, "/sign-in")})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_token(client, "/account")
