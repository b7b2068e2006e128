"""The API's error shape: JSON for every failure, a plain sentence for the unexpected, and nothing half-saved."""

from __future__ import annotations

import pytest

from tenderscore.services import policies
from tests.api.conftest import World


def test_401_says_how_to_authenticate(world: World) -> None:
    response = world.get(None, "/api/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_answers_are_never_stored_by_a_browser_or_proxy(published: World) -> None:
    for who, url in [
        ("officer", f"/api/tenders/{published.tender_id}"),
        ("bidder_a", f"/api/tenders/{published.tender_id}/template"),
        (None, "/api/me"),
    ]:
        response = published.get(who, url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unexpected_failure_is_a_plain_500_and_nothing_is_kept(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = policies.create_policy

    def half_then_crash(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("secret internals: /srv/tenderscore/db password=hunter2")

    monkeypatch.setattr(policies, "create_policy", half_then_crash)
    before = world.state()
    response = world.client.post(
        "/api/policies",
        json={"name": "Crash", "min_social_value_weight": "10"},
        headers={"Authorization": f"Bearer {world.tokens['commissioner']}"},
    )
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert response.json["title"] == "Internal Server Error"
    assert world.state() == before  # the policy the service flushed was rolled back with the request
