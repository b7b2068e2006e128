"""The register's JSON API: status codes, field paths in errors, who may do what, and nothing stored when refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from tenderscore.services import accounts
from tests.api.conftest import no_trace
from tests.register.conftest import ROLES, UNVERIFIED, VERIFIED, Register
from tests.register.test_import import GOOD, HEADER, fingerprint

ENTRY = {"name": "New Dawn Trust", "identifiers": ["GB-CHC-1123456"], "legal_form": "cio", "services": ["ete"],
         "areas": ["london"]}  # fmt: skip


class Api:
    def __init__(self, reg: Register, session: Session) -> None:
        self.client: FlaskClient = reg.app.test_client()
        self.tokens = {key: accounts.issue_api_token(session, reg.users[key]) for key in ROLES}
        session.commit()

    def __call__(self, who: str, method: str, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(url, method=method, headers={"Authorization": f"Bearer {self.tokens[who]}",
                                                                  **kwargs.pop("headers", {})}, **kwargs)  # fmt: skip
        no_trace(response)
        return response


@pytest.fixture
def api(reg: Register, session: Session) -> Api:
    return Api(reg, session)


@pytest.mark.parametrize("who", ROLES)
def test_everyone_searches_and_only_some_see_evidence(api: Api, reg: Register, who: str) -> None:
    found = api(who, "GET", "/api/register?area=north-west&standing=verified")
    assert found.status_code == 200 and [e["name"] for e in found.json] == [VERIFIED]
    assert found.json[0]["verifications"] is None and found.json[0]["verified_until"]
    assert found.json[0]["standing"] == "verified" and found.json[0]["identifiers"] == ["GB-CHC-1290417"]
    one = api(who, "GET", f"/api/register/{reg.entries[VERIFIED]}").json
    sees = who in ("officer", "commissioner", "other_officer", "partner")
    assert (one["verifications"] is not None) is sees
    if sees:
        assert one["verifications"][0]["evidence"] == "Charity Commission entry 1290417"
        assert one["verifications"][0]["verified_by"] == "Officer" and one["verifications"][0]["in_force"]


def test_search_parameters_are_checked(api: Api) -> None:
    response = api("bidder_a", "GET", "/api/register?service=teleportation")
    assert response.status_code == 422 and "service" in response.json["errors"]["query"]
    assert api("bidder_a", "GET", "/api/register/999999").status_code == 404
    assert api("bidder_a", "GET", "/api/register").status_code == 200
    assert FlaskClient(api.client.application).get("/api/register").status_code == 401


@pytest.mark.parametrize("who", ROLES)
def test_only_officers_add_entries(api: Api, who: str) -> None:
    response = api(who, "POST", "/api/register", json=ENTRY)
    assert response.status_code == (201 if who in ("officer", "other_officer") else 403)
    if response.status_code == 201:
        assert response.json["standing"] == "registered" and response.json["source"] == "added through the API"


def test_a_bad_entry_names_each_field_path_and_stores_nothing(app: Flask, api: Api) -> None:
    before = fingerprint(app)
    wrong = api("officer", "POST", "/api/register", json={**ENTRY, "identifiers": ["GB-CHC-1123456", "GB-CHC-12"],
                                                            "website": "example.org"})  # fmt: skip
    assert wrong.status_code == 422
    errors = wrong.json["errors"]["json"]
    assert "6 or 7 digits" in errors["identifiers"]["1"][0]
    assert errors["website"] == ["Enter the full address, starting https://"]
    schema = api("officer", "POST", "/api/register", json={**ENTRY, "legal_form": "trust", "extra": 1})
    assert schema.status_code == 422 and {"legal_form", "extra"} <= set(schema.json["errors"]["json"])
    named = api("officer", "POST", "/api/register", json={**ENTRY, "name": VERIFIED})
    assert named.status_code == 409 and named.json["field"] == "name" and "already exists" in named.json["detail"]
    held = api("officer", "POST", "/api/register", json={**ENTRY, "identifiers": ["GB-CHC-1290417"]})
    assert held.status_code == 409 and held.json["field"] == "identifiers[0]"
    assert f"already belongs to {VERIFIED}" in held.json["detail"]
    assert fingerprint(app) == before


def test_verifying_and_ending_through_the_api(api: Api, reg: Register) -> None:
    url = f"/api/register/{reg.entries[UNVERIFIED]}"
    assert api("bidder_a", "POST", f"{url}/verifications", json={"evidence": "e", "reason": "r"}).status_code == 403
    past = api(
        "officer", "POST", f"{url}/verifications", json={"evidence": "e", "reason": "r", "lapses_on": "2020-01-01"}
    )
    assert past.status_code == 422 and past.json["errors"]["json"]["lapses_on"] == [
        "The verification must lapse on a day after today"
    ]
    blank = api("officer", "POST", f"{url}/verifications", json={"evidence": " ", "reason": "r"})
    assert blank.status_code == 422 and "evidence" in blank.json["errors"]["json"]
    done = api("commissioner", "POST", f"{url}/verifications", json={"evidence": "MPR entry", "reason": "Society"})
    assert done.status_code == 201 and done.json["standing"] == "verified"
    assert done.json["standing_words"].startswith("verified VCSE, lapses on ")
    ended = api("officer", "POST", f"{url}/verifications/end", json={"reason": "Dissolved"})
    assert ended.status_code == 200 and ended.json["standing"] == "registered"
    assert ended.json["verifications"][0]["end_reason"] == "Dissolved"
    again = api("officer", "POST", f"{url}/verifications/end", json={"reason": "Dissolved"})
    assert again.status_code == 400 and "no verification in force" in again.json["detail"]


def test_editing_through_the_api_with_its_version(api: Api, reg: Register) -> None:
    url = f"/api/register/{reg.entries[UNVERIFIED]}"
    body = {**ENTRY, "name": UNVERIFIED, "identifiers": ["GB-COH-01234567"], "version": 1}
    assert api("partner", "PUT", url, json=body).status_code == 403  # another organisation's partner
    changed = api("other_partner", "PUT", url, json=body)
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert changed.json["identifiers"] == ["GB-MPR-31207R", "GB-COH-01234567"]
    stale = api("officer", "PUT", url, json={**body, "identifiers": []})
    assert stale.status_code == 409 and stale.json["field"] == "version"


def test_importing_through_the_api(app: Flask, api: Api) -> None:
    for who in ("commissioner", "partner", "bidder_a"):
        assert (
            api(who, "POST", "/api/register/import", data=GOOD, headers={"Content-Type": "text/csv"}).status_code == 403
        )
    before = fingerprint(app)
    bad = api("officer", "POST", "/api/register/import", data=f"{HEADER}\nX,GB-CHC-12,cio,ete,london,,,,,,\n",
              headers={"Content-Type": "text/csv"})  # fmt: skip
    assert bad.status_code == 422 and bad.json["field"] == "file"
    assert bad.json["problems"] == [{"line": 2, "column": "identifiers", "message": bad.json["problems"][0]["message"]}]
    assert bad.json["details"][0].startswith("Line 2, column identifiers: GB-CHC-12 is not")
    assert fingerprint(app) == before
    wrong_type = api("officer", "POST", "/api/register/import", json={"csv": GOOD})
    assert wrong_type.status_code == 400 and wrong_type.json["field"] == "file"
    done = api("officer", "POST", "/api/register/import", data={"file": (io.BytesIO(GOOD.encode()), "p.csv")},
               content_type="multipart/form-data")  # fmt: skip
    assert done.status_code == 201 and done.json["filename"] == "p.csv"
    assert [(e["line"], e["verified"]) for e in done.json["entries"]] == [(2, True), (3, False)]


@pytest.mark.parametrize(("who", "keeps"), [("officer", True), ("commissioner", False), ("bidder_a", True),
                                            ("partner", True), ("evaluator1", False)])  # fmt: skip
def test_your_organisations_identifiers(api: Api, who: str, keeps: bool) -> None:
    mine = api(who, "GET", "/api/organisations/mine/identifiers")
    assert mine.status_code == 200 and mine.json["may_change"] is keeps
    added = api(who, "POST", "/api/organisations/mine/identifiers", json={"identifiers": ["GB-COH-07654321"]})
    assert added.status_code == (201 if keeps else 403)
    if keeps:
        assert "GB-COH-07654321" in added.json["identifiers"]
        removed = api(who, "DELETE", "/api/organisations/mine/identifiers/gb-coh-07654321")
        assert removed.status_code == 204


def test_identifier_errors_name_their_path(api: Api) -> None:
    bad = api("bidder_a", "POST", "/api/organisations/mine/identifiers", json={"identifiers": ["GB-COH-1", "GB-XX-2"]})
    assert bad.status_code == 422
    assert "is not a register we accept" in bad.json["errors"]["json"]["identifiers"]["1"][0]
    held = api("bidder_a", "POST", "/api/organisations/mine/identifiers", json={"identifiers": ["GB-CHC-1290417"]})
    assert held.status_code == 409 and held.json["field"] == "identifiers[0]" and VERIFIED in held.json["detail"]
    last = api("partner", "DELETE", "/api/organisations/mine/identifiers/GB-CHC-1290417")
    assert last.status_code == 400 and "only identifier" in last.json["detail"]
