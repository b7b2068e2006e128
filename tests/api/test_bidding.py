"""Bidders through the API: self-check (nothing stored), submit before the deadline, versions; the seal."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from tenderscore.db.models import AuditEvent, Tender
from tests.api.conftest import World
from tests.world import demo_workbooks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(data: bytes, name: str = "bid.xlsx") -> dict[str, object]:
    return {"data": {"workbook": (io.BytesIO(data), name)}, "content_type": "multipart/form-data"}


def _submit(world: World, who: str, data: bytes | None = None, name: str = "bid.xlsx") -> object:
    workbook = data if data is not None else world.bids[who].workbook
    return world.post(who, f"/api/tenders/{world.tender_id}/submissions", **_upload(workbook, name))


def test_self_check_answers_at_once_and_stores_nothing(published: World) -> None:
    before = published.state()
    good = published.post(
        "bidder_a", f"/api/tenders/{published.tender_id}/self-check", **_upload(published.bids["bidder_a"].workbook)
    )
    assert good.status_code == 200, good.json
    assert good.json["ok"] is True and good.json["errors"] == [] and good.json["rejected"] is None
    tokenistic = published.post(
        "bidder_c", f"/api/tenders/{published.tender_id}/self-check", **_upload(published.bids["bidder_c"].workbook)
    )
    assert tokenistic.status_code == 200
    assert tokenistic.json["ok"] is False
    assert any(g["outcome"] == "failed" and "15" in g["message"] for g in tokenistic.json["gates"])
    assert published.state() == before  # "stored nowhere": not even an audit event


def test_self_check_names_cells_of_a_workbook_with_errors(published: World) -> None:
    assert published.tender is not None
    with published.fresh() as s:
        tender = s.get(Tender, published.tender_id)
        assert tender is not None
        harbour = demo_workbooks(s, tender)["Harbour Lane Support Services Ltd"]
    before = published.state()
    response = published.post("bidder_a", f"/api/tenders/{published.tender_id}/self-check", **_upload(harbour.workbook))
    assert response.status_code == 200
    errors = response.json["errors"]
    assert errors and all(e["sheet"] and e["cell"] and e["message"] for e in errors)
    submitted = _submit(published, "bidder_a", harbour.workbook)
    assert submitted.status_code == 422  # type: ignore[attr-defined]
    assert submitted.json["field"] == "workbook" and submitted.json["details"]  # type: ignore[attr-defined]
    # The self-check stored nothing; the refused submission is on record, without the file.
    assert published.unchanged_but_audit(before) == ["submission.refused_invalid"]
    listing = published.get("officer", f"/api/tenders/{published.tender_id}").json
    assert listing["status"] == "published"


def test_submit_keeps_every_version_with_its_sha256(published: World) -> None:
    data = published.bids["bidder_a"].workbook
    first = _submit(published, "bidder_a", name="../../etc/passwd<script>.xlsx")
    assert first.status_code == 201, first.json  # type: ignore[attr-defined]
    receipt = first.json  # type: ignore[attr-defined]
    assert receipt["version"] == 1 and receipt["is_current"] is True
    assert receipt["sha256"] == hashlib.sha256(data).hexdigest() and receipt["size_bytes"] == len(data)
    assert "/" not in receipt["filename"] and "<" not in receipt["filename"]
    second = _submit(published, "bidder_a")
    assert second.status_code == 201 and second.json["version"] == 2  # type: ignore[attr-defined]
    listed = published.get("bidder_a", f"/api/tenders/{published.tender_id}/submissions").json
    assert [(v["version"], v["is_current"]) for v in listed] == [(2, True), (1, False)]
    own = published.get("bidder_a", f"/api/submissions/{receipt['id']}/workbook")
    assert own.status_code == 200 and own.data == data  # byte for byte
    assert published.get("bidder_a", "/api/audit/verify").status_code == 403


def test_a_bidder_sees_only_their_own_submissions(published: World) -> None:
    receipt = _submit(published, "bidder_a").json  # type: ignore[attr-defined]
    before = published.state()
    assert published.get("bidder_b", f"/api/tenders/{published.tender_id}/submissions").json == []
    assert published.get("bidder_b", f"/api/submissions/{receipt['id']}/workbook").status_code == 404
    assert published.get("bidder_b", f"/api/submissions/{receipt['id']}").status_code == 403
    assert published.get("bidder_b", f"/api/tenders/{published.tender_id}/bids").status_code == 403
    summary = published.get("bidder_b", f"/api/tenders/{published.tender_id}/assessment-summary")
    assert summary.status_code == 404
    summary = published.get(
        "bidder_b", f"/api/tenders/{published.tender_id}/assessment-summary?submission_id={receipt['id']}"
    )
    assert summary.status_code == 404
    assert published.state() == before


def test_only_bidders_submit_or_self_check(published: World) -> None:
    before = published.state()
    for who in ("officer", "evaluator1", "commissioner"):
        assert _submit(published, who, published.bids["bidder_a"].workbook).status_code == 403  # type: ignore[attr-defined]
        check = published.post(
            who, f"/api/tenders/{published.tender_id}/self-check", **_upload(published.bids["bidder_a"].workbook)
        )
        assert check.status_code == 403
    assert published.state() == before


def test_bids_are_sealed_before_the_deadline_and_every_attempt_is_logged(published: World) -> None:
    receipt = _submit(published, "bidder_a").json  # type: ignore[attr-defined]
    listing = published.get("officer", f"/api/tenders/{published.tender_id}/bids")
    assert listing.status_code == 200
    assert listing.json == {"sealed": True, "received": 1, "bids": []}
    for url in (
        f"/api/submissions/{receipt['id']}",
        f"/api/submissions/{receipt['id']}/workbook",
        f"/api/submissions/{receipt['id']}/moderation",
    ):
        before = published.state()
        response = published.get("officer", url)
        assert response.status_code == 403, (url, response.json)
        assert "sealed" in response.json["detail"]
        assert b"PK" not in response.data
        assert published.unchanged_but_audit(before) == ["submission.read_refused"]
    before = published.state()
    refused = published.post("officer", f"/api/tenders/{published.tender_id}/open")
    assert refused.status_code == 409
    assert published.state() == before
    assert published.get("officer", "/api/audit/verify").json["ok"] is True


def test_after_the_deadline_no_bid_is_taken_and_the_officer_opens(published: World) -> None:
    _submit(published, "bidder_a")
    published.move_deadline(datetime.now(UTC) - timedelta(seconds=1))
    before = published.state()
    late = _submit(published, "bidder_b")
    assert late.status_code == 409 and "deadline" in late.json["detail"]  # type: ignore[attr-defined]
    # Nothing of the bid is kept, but the refused attempt is on record (who, when, the file's SHA-256).
    assert published.unchanged_but_audit(before) == ["submission.refused_late"]
    with published.fresh() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "submission.refused_late")).one()
    assert event.actor == "bids@bidder_b.example" and event.tender_id == published.tender_id
    assert event.after is not None
    assert event.after["sha256"] == hashlib.sha256(published.bids["bidder_b"].workbook).hexdigest()
    assert published.post("bidder_a", f"/api/tenders/{published.tender_id}/open").status_code == 403
    opened = published.post("officer", f"/api/tenders/{published.tender_id}/open")
    assert opened.status_code == 200 and opened.json["status"] == "evaluating"
    bids = published.get("officer", f"/api/tenders/{published.tender_id}/bids").json
    assert bids["sealed"] is False and bids["received"] == 1
    assert [b["bidder"] for b in bids["bids"]] == ["Northern Resettlement Consortium Ltd"]
    content = published.get("officer", f"/api/submissions/{bids['bids'][0]['id']}")
    assert content.status_code == 200
    assert content.json["responses"]["price"]
    assert published.post("officer", f"/api/tenders/{published.tender_id}/open").status_code == 409
