"""One limit per rule, whatever the door: the page, the API and the services accept and refuse the same input."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tenderscore.db.models import Role
from tenderscore.services import limits, scoring, tenders
from tenderscore.services.errors import ServiceError
from tests import forms
from tests.api.conftest import DEADLINE, Declare, World
from tests.api.test_evaluation import SCORED
from tests.world import PASSWORD, PROBATION


def _browser(world: World, who: str) -> tuple[FlaskClient, str]:
    client = world.app.test_client()
    token = forms.sign_in(client, world.users[who].email, PASSWORD)
    return client, token


def test_a_reason_over_the_limit_is_refused_by_the_page_as_by_the_api(opened: World, declare: Declare) -> None:
    declare("evaluator1")
    sub = opened.submission_id("bidder_a")
    criterion = SCORED[0]
    huge = "x" * 400_000
    before = opened.state()
    client, token = _browser(opened, "evaluator1")
    page = client.post(
        f"/submissions/{sub}/score",
        data={"criterion_id": criterion, f"score-{criterion}": "3", f"reason-{criterion}": huge, "csrf_token": token},
    )
    assert page.status_code == 400
    assert "10,000 characters or fewer" in page.get_data(as_text=True)
    api = opened.put(
        "evaluator1", f"/api/submissions/{sub}/scores/{criterion}", json={"score": 3, "reason": huge, "version": None}
    )
    assert api.status_code == 422
    assert opened.state() == before
    # Exactly at the limit is accepted at both doors.
    at_limit = "y" * limits.REASON_MAX
    assert opened.put(
        "evaluator1", f"/api/submissions/{sub}/scores/{criterion}",
        json={"score": 3, "reason": at_limit, "version": None},
    ).status_code == 200  # fmt: skip


@pytest.mark.parametrize("reason", ["\x00 zero", "bell \x07", "esc \x1b[31m", "", "   "])
def test_a_score_reason_with_control_characters_or_nothing_written_is_refused(
    opened: World, declare: Declare, reason: str
) -> None:
    declare("evaluator1")
    with pytest.raises(ServiceError) as refused:
        scoring.record_score(
            opened.session, opened.users["evaluator1"], opened.submission_id("bidder_a"), SCORED[0], 3, reason
        )
    assert refused.value.field == "reason"
    opened.session.rollback()


@pytest.mark.parametrize(
    "reference", ["T-1\r\nSet-Cookie: x=1", "../../etc/passwd", "a/b", "T..1", "-T1", "T1.", "x" * 51, " ", "Ünïcode"]
)
def test_a_tender_reference_has_one_form_at_every_door(world: World, reference: str) -> None:
    before = world.state()
    body = {"reference": reference, "title": "Resettlement", "deadline": DEADLINE.isoformat(), "rubric": PROBATION}
    api = world.post("officer", "/api/tenders", json=body)
    assert api.status_code == 422, api.json
    client, token = _browser(world, "officer")
    page = client.post(
        "/tenders/new",
        data={"reference": reference, "title": "Resettlement", "rubric": PROBATION, "csrf_token": token,
              "deadline-day": str(DEADLINE.day), "deadline-month": str(DEADLINE.month),
              "deadline-year": str(DEADLINE.year), "deadline-time": "12:00"},
    )  # fmt: skip
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert ("letters and digits" in text) if reference.strip() else ("Enter a reference" in text)
    with pytest.raises(ServiceError) as refused:
        tenders.create_tender(
            world.session, world.users["officer"], reference=reference, title="Resettlement",
            rubric=tenders.load_rubric_source(PROBATION), deadline=DEADLINE,
        )  # fmt: skip
    assert refused.value.field == "reference"
    world.session.rollback()
    assert world.state() == before


@pytest.mark.parametrize("reference", ["NWPR-2027-010", "T1", "CCS_RM6187.lot-2", "A"])
def test_ordinary_references_are_accepted(world: World, reference: str) -> None:
    body = {"reference": reference, "title": "Resettlement", "deadline": DEADLINE.isoformat(), "rubric": PROBATION}
    response = world.post("officer", "/api/tenders", json=body)
    assert response.status_code == 201, response.json
    template = world.get("officer", f"/api/tenders/{response.json['id']}")
    assert template.status_code == 200


def test_a_title_with_a_line_break_is_refused_by_the_service(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        tenders.create_tender(
            world.session, world.users["officer"], reference="T-9", title="One\nTwo",
            rubric=tenders.load_rubric_source(PROBATION), deadline=DEADLINE,
        )  # fmt: skip
    assert refused.value.field == "title"
    world.session.rollback()
    assert world.users["officer"].role == Role.OFFICER
