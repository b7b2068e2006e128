"""Several people at once on the embedded database: report downloads, scoring and submissions queue, never fail.

An attack on SQLite had 18 of 25 concurrent evaluation-report downloads answer 500 "database is locked": issuing a
report writes an audit event inside a GET whose transaction began as a reader. Here real threads download reports,
save scores and submit bids at the same time, and every request must succeed and be recorded.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

from sqlmodel import select

from tenderscore.db.models import AuditEvent, Tender
from tests.api.conftest import Declare, World, publish_tender
from tests.api.test_evaluation import SCORED
from tests.world import demo_workbooks


def _run_together(calls: list[Callable[[], int]]) -> list[int]:
    """Start every call on its own thread at the same moment; their HTTP statuses, in order."""
    statuses: list[int] = [0] * len(calls)
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        try:
            start.wait()
            statuses[index] = calls[index]()
        except BaseException as exc:  # noqa: BLE001 - reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return statuses


def _get(world: World, who: str, url: str) -> Callable[[], int]:
    def call() -> int:
        response = world.app.test_client().get(url, headers={"Authorization": f"Bearer {world.tokens[who]}"})
        assert b"Traceback" not in response.data
        return response.status_code

    return call


def _put(world: World, who: str, url: str, body: dict[str, Any]) -> Callable[[], int]:
    def call() -> int:
        client = world.app.test_client()
        return client.put(url, json=body, headers={"Authorization": f"Bearer {world.tokens[who]}"}).status_code

    return call


def _submit(world: World, who: str, tender_id: int, workbook: bytes) -> Callable[[], int]:
    def call() -> int:
        client = world.app.test_client()
        response = client.post(
            f"/api/tenders/{tender_id}/submissions",
            data={"workbook": (io.BytesIO(workbook), "bid.xlsx")},
            content_type="multipart/form-data",
            headers={"Authorization": f"Bearer {world.tokens[who]}"},
        )
        return response.status_code

    return call


def test_downloads_scores_and_submissions_at_once_all_succeed(opened: World, declare: Declare) -> None:
    declare("evaluator1")
    declare("evaluator2")
    second = publish_tender(opened, reference="NWPR-API-2")
    assert second.id is not None
    with opened.fresh() as s:
        tender = s.get(Tender, second.id)
        assert tender is not None
        workbooks = demo_workbooks(s, tender)
    tender_url = f"/api/tenders/{opened.tender_id}"
    subs = {key: opened.submission_id(key) for key in ("bidder_a", "bidder_b")}
    calls: list[Callable[[], int]] = []
    calls += [_get(opened, "officer", f"{tender_url}/evaluation-report") for _ in range(4)]
    calls += [_get(opened, who, f"{tender_url}/score-matrix") for who in ("officer", "commissioner") * 3]
    calls += [
        _put(opened, who, f"/api/submissions/{subs[key]}/scores/{criterion}",
             {"score": 3, "reason": f"{who} on {criterion}", "version": None})
        for who in ("evaluator1", "evaluator2") for key in subs for criterion in SCORED[:2]
    ]  # fmt: skip
    calls += [
        _submit(opened, key, second.id, workbooks[name].workbook)
        for key, name in (("bidder_a", "Northern Resettlement Consortium Ltd"),
                          ("bidder_b", "Meridian Probation Partners LLP"))
    ]  # fmt: skip
    statuses = _run_together(calls)
    expected = [200] * 10 + [200] * 8 + [201] * 2
    assert statuses == expected
    with opened.fresh() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert actions.count("report.evaluation_report") == 4
    assert actions.count("report.score_matrix") == 6
    assert actions.count("score.recorded") == 8
    assert actions.count("submission.received") == 3 + 2
    assert opened.get("officer", "/api/audit/verify").json["ok"] is True
