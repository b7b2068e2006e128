"""Every door to a bid asks services/access.py: pages, API operations, PDFs and exports refuse alike.

The first attack found the workbook page serving a conflicted evaluator's bid that the API refused. Here each door
that shows bid content is tried by each person who must not pass it, through pages (a signed-in browser session)
and the API (a bearer token), and the refusals are compared: same status, nothing but the record of the attempt.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from tenderscore.db.models import AuditEvent
from tenderscore.services import panel, submissions
from tests import forms
from tests.api.conftest import Declare, World
from tests.world import PASSWORD


def _browser(world: World, who: str) -> FlaskClient:
    client = world.app.test_client()
    forms.sign_in(client, world.users[who].email, PASSWORD)
    return client


def _page_doors(world: World, sub: int) -> list[str]:
    tender = world.tender_id
    return [
        f"/submissions/{sub}/workbook.xlsx",
        f"/submissions/{sub}/score",
        f"/tenders/{tender}/moderation/{sub}",
        f"/tenders/{tender}/assessment-summary.pdf?submission={sub}",
    ]


def _api_doors(world: World, sub: int) -> list[str]:
    tender = world.tender_id
    return [
        f"/api/submissions/{sub}",
        f"/api/submissions/{sub}/workbook",
        f"/api/submissions/{sub}/scores",
        f"/api/submissions/{sub}/moderation",
        f"/api/tenders/{tender}/assessment-summary?submission_id={sub}",
    ]


def _refused(status: int) -> bool:
    return status in (302, 403, 404, 409, 422)


def _try_every_door(world: World, who: str, sub: int) -> dict[str, int]:
    browser = _browser(world, who)
    statuses = {}
    for url in _page_doors(world, sub):
        response = browser.get(url)
        assert response.status_code < 500 and b"Traceback" not in response.data, (who, url)
        assert b"PK\x03\x04" not in response.data[:4] and not response.data.startswith(b"%PDF"), (who, url)
        statuses[url] = response.status_code
    for url in _api_doors(world, sub):
        response = world.get(who, url)
        assert not response.data.startswith((b"PK\x03\x04", b"%PDF")), (who, url)
        assert "responses" not in (response.json or {}), (who, url)
        statuses[url] = response.status_code
    return statuses


def test_a_conflicted_evaluator_is_refused_at_every_door_and_each_attempt_is_recorded(
    opened: World, declare: Declare
) -> None:
    declare("evaluator2", [{"bidder_org_id": opened.org_id("bidder_b"), "details": "Sister is their FD"}])
    sub = opened.submission_id("bidder_b")
    before = opened.state()
    statuses = _try_every_door(opened, "evaluator2", sub)
    assert all(_refused(s) for s in statuses.values()), statuses
    # The two doors an evaluator uses (the workbook and the scoring page) refuse in the same words as the API.
    assert statuses[f"/submissions/{sub}/workbook.xlsx"] == statuses[f"/api/submissions/{sub}/workbook"] == 403
    assert statuses[f"/submissions/{sub}/score"] == 403
    added = opened.unchanged_but_audit(before)
    assert added and set(added) == {"submission.read_refused"}
    with opened.fresh() as s:
        reasons = {e.reason for e in s.exec(select(AuditEvent).where(AuditEvent.action == "submission.read_refused"))}
    assert reasons == {"the evaluator declared a conflict of interest with this bidder"}


def test_an_evaluator_who_has_not_declared_sees_no_bid_anywhere(opened: World) -> None:
    sub = opened.submission_id("bidder_a")
    before = opened.state()
    statuses = _try_every_door(opened, "evaluator1", sub)
    assert all(_refused(s) for s in statuses.values()), statuses
    assert opened.state() == before


@pytest.mark.parametrize("who", ["commissioner", "other_officer", "other_commissioner", "evaluator3", "bidder_b"])
def test_nobody_outside_the_buyers_team_reads_a_bid_through_any_door(opened: World, who: str) -> None:
    sub = opened.submission_id("bidder_a")
    statuses = _try_every_door(opened, who, sub)
    assert all(_refused(s) for s in statuses.values()), statuses


def test_sealed_bids_are_refused_at_every_door_to_the_officer_too(published: World) -> None:
    for key in ("bidder_a", "bidder_b"):
        response = published.post(
            key,
            f"/api/tenders/{published.tender_id}/submissions",
            data={"workbook": (io.BytesIO(published.bids[key].workbook), "bid.xlsx")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.json
    sub = published.submission_id("bidder_a")
    before = published.state()
    statuses = _try_every_door(published, "officer", sub)
    assert all(_refused(s) for s in statuses.values()), statuses
    assert set(published.unchanged_but_audit(before)) == {"submission.read_refused"}
    # Who has bid is sealed too: the officer learns only how many bids arrived.
    listing = published.get("officer", f"/api/tenders/{published.tender_id}/bids").json
    assert listing == {"sealed": True, "received": 2, "bids": []}


def test_an_officer_download_of_a_bid_workbook_is_recorded_and_the_bidders_own_is_not(
    opened: World, declare: Declare
) -> None:
    sub = opened.submission_id("bidder_a")
    declare("evaluator1")
    before = opened.state()
    page = _browser(opened, "officer").get(f"/submissions/{sub}/workbook.xlsx")
    assert page.status_code == 200 and page.data == opened.bids["bidder_a"].workbook
    api = opened.get("evaluator1", f"/api/submissions/{sub}/workbook")
    assert api.status_code == 200 and api.data == opened.bids["bidder_a"].workbook
    own = opened.get("bidder_a", f"/api/submissions/{sub}/workbook")
    assert own.status_code == 200
    assert opened.unchanged_but_audit(before) == ["submission.workbook_downloaded"] * 2
    with opened.fresh() as s:
        downloads = s.exec(select(AuditEvent).where(AuditEvent.action == "submission.workbook_downloaded")).all()
    assert [e.actor for e in downloads] == ["officer@buyer.example", "evaluator1@buyer.example"]


def _declaration_page(world: World, who: str) -> str:
    response = _browser(world, who).get(f"/tenders/{world.tender_id}/declaration")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_declaration_page_names_no_bidder_before_the_bids_are_opened(published: World) -> None:
    s = published.session
    for key in ("bidder_a", "bidder_b"):
        submissions.submit(s, published.users[key], published.tender_id, "bid.xlsx", published.bids[key].workbook)
    panel.assign_evaluator(s, published.users["officer"], published.tender_id, published.uid("evaluator1"))
    s.commit()
    names = [published.users[k].organisation_id for k in ("bidder_a", "bidder_b")]
    html = _declaration_page(published, "evaluator1")
    for name in ("Northern Resettlement", "Meridian Probation"):
        assert name not in html
    assert all(f"conflict-{org}" not in html for org in names)
    # Once the deadline has passed and the officer opens the bids, the bidders are listed to declare against.
    published.move_deadline(datetime.now(UTC) - timedelta(minutes=1))
    assert published.post("officer", f"/api/tenders/{published.tender_id}/open").status_code == 200
    html = _declaration_page(published, "evaluator1")
    assert "Northern Resettlement" in html and "Meridian Probation" in html



def test_a_declaration_without_a_statement_is_shown_again_with_its_error(opened: World) -> None:
    client = opened.app.test_client()
    token = forms.sign_in(client, opened.users["evaluator1"].email, PASSWORD)
    before = opened.state()
    response = client.post(f"/tenders/{opened.tender_id}/declaration", data={"csrf_token": token, "statement": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: " in html
    assert 'href="#statement"' in html and 'id="statement-error"' in html
    assert opened.state() == before
