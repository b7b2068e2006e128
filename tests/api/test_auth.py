"""Who may call the API at all: bearer tokens, cookie sessions, and CSRF for what cookies authorise."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests import forms
from tests.api.conftest import World, no_trace
from tests.world import PASSWORD

POLICY = {"name": "Cookie policy", "min_social_value_weight": "12"}


def _sign_in(client: FlaskClient, email: str) -> str:
    """Sign in through the page as a browser does; returns the session's CSRF token."""
    return forms.sign_in(client, email, PASSWORD)


def _assert_json_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.mimetype == "application/json"  # type: ignore[attr-defined]
    body = response.json  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("url", ["/api/me", "/api/tenders", "/api/policies", "/api/audit/verify"])
def test_no_token_is_401_json(world: World, url: str) -> None:
    body = _assert_json_error(world.get(None, url), 401)
    assert "Bearer" in str(body["detail"])


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ts_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 10_000,
        "bearer\tts_tab",
    ],
)
def test_a_bad_token_is_401_and_writes_nothing(world: World, header: str) -> None:
    before = world.state()
    response = world.client.post("/api/policies", json=POLICY, headers={"Authorization": header})
    no_trace(response)
    # Without a valid token and without a session, nothing authenticates; CSRF may refuse first (400) when the
    # header is not a bearer token at all, which is equally a refusal.
    assert response.status_code in (400, 401)
    assert response.mimetype == "application/json"
    assert world.state() == before
    no_trace(world.client.get("/api/me", headers={"Authorization": header}))
    assert world.client.get("/api/me", headers={"Authorization": header}).status_code == 401


def test_a_token_works_and_says_who_it_belongs_to(world: World) -> None:
    response = world.get("officer", "/api/me")
    assert response.status_code == 200
    assert response.json == {
        "id": world.uid("officer"),
        "email": "officer@buyer.example",
        "name": "Officer",
        "role": "officer",
        "organisation_id": world.org_id("officer"),
    }


def test_a_replaced_token_stops_working(world: World) -> None:
    from tenderscore.services import accounts

    old = world.tokens["officer"]
    with world.fresh() as s:
        from tenderscore.db.models import User

        user = s.get(User, world.uid("officer"))
        assert user is not None
        new = accounts.issue_api_token(s, user)
        s.commit()
    assert world.client.get("/api/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert world.client.get("/api/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_a_deactivated_users_token_is_refused(world: World) -> None:
    from tenderscore.db.models import User

    with world.fresh() as s:
        user = s.get(User, world.uid("officer"))
        assert user is not None
        user.active = False
        s.add(user)
        s.commit()
    assert world.get("officer", "/api/me").status_code == 401


def test_cookie_session_post_without_csrf_is_refused_and_nothing_changes(world: World) -> None:
    csrf = _sign_in(world.client, "commissioner@buyer.example")
    assert world.client.get("/api/me").json["role"] == "commissioner"  # the cookie alone reads
    before = world.state()
    response = world.client.post("/api/policies", json=POLICY)
    no_trace(response)
    assert response.status_code in (400, 403)
    assert response.mimetype == "application/json"
    assert "CSRF" in response.json["detail"]
    assert world.state() == before
    # A wrong token is no better than none.
    response = world.client.post("/api/policies", json=POLICY, headers={"X-CSRFToken": "forged"})
    assert response.status_code in (400, 403)
    assert world.state() == before
    # With the session's CSRF token the same request is accepted.
    response = world.client.post("/api/policies", json=POLICY, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.json


def test_bearer_token_needs_no_csrf(world: World) -> None:
    response = world.post("commissioner", "/api/policies", json=POLICY)
    assert response.status_code == 201, response.json


def test_a_request_offering_a_token_is_authenticated_by_the_token_alone(world: World) -> None:
    """A bad token next to a good session cookie must not fall back to the cookie (that request skipped CSRF)."""
    _sign_in(world.client, "commissioner@buyer.example")
    before = world.state()
    response = world.client.post(
        "/api/policies", json=POLICY, headers={"Authorization": "Bearer ts_forged-token-value"}
    )
    no_trace(response)
    assert response.status_code == 401
    assert world.state() == before
    # And a good token for someone else acts as that someone, not as the cookie's user.
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {world.tokens['bidder_a']}"})
    assert me.json["role"] == "bidder"


@pytest.mark.parametrize(
    ("who", "method", "url"),
    [
        ("bidder_a", "POST", "/api/policies"),
        ("officer", "POST", "/api/policies"),
        ("evaluator1", "GET", "/api/policies"),
        ("bidder_a", "GET", "/api/audit/verify"),
        ("evaluator1", "GET", "/api/audit/verify"),
        ("bidder_a", "POST", "/api/tenders"),
        ("commissioner", "POST", "/api/tenders"),
    ],
)
def test_roles_are_checked_before_anything_is_read(world: World, who: str, method: str, url: str) -> None:
    before = world.state()
    response = world.call(who, method, url, json={})
    assert response.status_code == 403, response.json
    assert response.json["title"] == "Forbidden"
    assert world.state() == before
