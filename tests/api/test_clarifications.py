"""Clarification questions through the API: ask, answer privately, publish, correct; who sees what; refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tenderscore.db.models import Tender
from tests.api.conftest import DEADLINE, World
from tests.api.test_tender_lifecycle import Outbox, outbox  # noqa: F401 - the fixture

QUESTION = "Can Northern Resettlement's own hostels count as accommodation?"


def _ask(world: World, who: str = "bidder_a", question: str = QUESTION) -> int:
    response = world.post(who, f"/api/tenders/{world.tender_id}/clarifications", json={"question": question})
    assert response.status_code == 201, response.json
    assert response.json["state"] == "awaiting" and response.json["yours"] is True
    return int(response.json["id"])


def test_ask_answer_privately_then_publish_a_correction(published: World, outbox: Outbox) -> None:  # noqa: F811
    asked = _ask(published)
    assert sorted(m.to for m in outbox.sent) == ["moderator@buyer.example", "officer@buyer.example"]
    outbox.sent.clear()
    queue = published.get("officer", f"/api/tenders/{published.tender_id}/clarifications").json
    assert [(q["id"], q["asker"], q["question"]) for q in queue] == [
        (asked, "Northern Resettlement Consortium Ltd", QUESTION)
    ]
    private = published.post("officer", f"/api/clarifications/{asked}/answer", json={"answer": "Yes, if registered."})
    assert private.status_code == 201, private.json
    assert private.json["state"] == "private"
    assert [m.to for m in outbox.sent] == ["bids@bidder_a.example"]
    first = private.json["answers"][0]["id"]
    # Another bidder and an evaluator see nothing of a private answer: not even that the question exists.
    assert published.get("bidder_b", f"/api/tenders/{published.tender_id}/clarifications").json == []
    assert published.get("bidder_b", f"/api/clarifications/{asked}").status_code == 404

    outbox.sent.clear()
    body = {"answer": "Yes, if registered with the regulator.", "corrects": first,
            "published_question": "Can a bidder's own hostels count as accommodation?"}  # fmt: skip
    public = published.post("officer", f"/api/clarifications/{asked}/publish", json=body)
    assert public.status_code == 201, public.json
    assert sorted(m.to for m in outbox.sent) == [f"bids@{k}.example" for k in ("bidder_a", "bidder_b", "bidder_c")]
    assert all("Northern" not in m.body for m in outbox.sent)
    seen = published.get("bidder_b", f"/api/clarifications/{asked}").json
    assert seen["question"] == "Can a bidder's own hostels count as accommodation?"
    assert (seen["original"], seen["asker"], seen["yours"], seen["state"]) == (None, None, False, "published")
    assert [a["answer"] for a in seen["answers"]] == ["Yes, if registered with the regulator."]
    assert datetime.fromisoformat(seen["published_at"]) <= datetime.now(UTC)
    team = published.get("officer", f"/api/clarifications/{asked}").json
    assert [(a["audience"], a["corrected"]) for a in team["answers"]] == [("asker", True), ("all", False)]


def test_refusals_name_the_field_and_change_nothing(published: World, outbox: Outbox) -> None:  # noqa: F811
    asked = _ask(published)
    outbox.sent.clear()
    url = f"/api/tenders/{published.tender_id}/clarifications"
    before = published.state()
    blank = published.post("bidder_b", url, json={"question": "   "})
    assert blank.status_code == 422 and "question" in blank.json["errors"]["json"]
    long = published.post("bidder_b", url, json={"question": "x" * 5001})
    assert long.status_code == 422 and "question" in long.json["errors"]["json"]
    assert published.post("officer", url, json={"question": "Mine?"}).status_code == 403
    assert published.post("evaluator1", f"/api/clarifications/{asked}/answer", json={"answer": "No"}).status_code == 403
    unpublished = published.post("officer", f"/api/clarifications/{asked}/publish", json={"answer": "Yes"})
    assert unpublished.status_code == 400 and unpublished.json["field"] == "published_question"
    stranger = published.post("other_officer", f"/api/clarifications/{asked}/answer", json={"answer": "x"})
    assert stranger.status_code == 404
    assert published.get("bidder_b", "/api/clarifications/999999").status_code == 404
    assert published.state() == before and outbox.sent == []

    published.post("officer", f"/api/clarifications/{asked}/answer", json={"answer": "No."})
    again = published.post("officer", f"/api/clarifications/{asked}/answer", json={"answer": "Yes after all."})
    assert again.status_code == 409 and again.json["field"] == "corrects"


def test_questions_close_at_the_clarification_deadline_naming_it(published: World) -> None:
    tender = published.get("bidder_a", f"/api/tenders/{published.tender_id}").json
    # Published now, under two days before the deadline: questions close halfway there (to the minute).
    opened = datetime.fromisoformat(tender["published_at"])
    halfway = opened + (DEADLINE - opened) / 2
    assert timedelta(0) <= halfway - datetime.fromisoformat(tender["clarification_deadline"]) < timedelta(minutes=1)
    with published.fresh() as s:
        tender = s.get(Tender, published.tender_id)
        assert tender is not None
        tender.clarification_deadline = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
        s.add(tender)
        s.commit()
    late = published.post("bidder_a", f"/api/tenders/{published.tender_id}/clarifications", json={"question": "Late?"})
    assert late.status_code == 409 and late.json["field"] == "question"
    assert "closed at 5 January 2026, 5:00pm GMT" in late.json["detail"]


def test_an_extension_follows_an_answer_and_moves_the_clarification_deadline(published: World) -> None:
    asked = _ask(published)
    answer = {"answer": "We will give more time.", "published_question": "Is there time to form partnerships?"}
    assert published.post("officer", f"/api/clarifications/{asked}/publish", json=answer).status_code == 201
    body = {"version": 2, "deadline": (DEADLINE + timedelta(days=14)).isoformat(), "reason": "Following a question",
            "clarification_deadline": (DEADLINE + timedelta(days=7)).isoformat(), "following": asked}  # fmt: skip
    extended = published.post("officer", f"/api/tenders/{published.tender_id}/deadline", json=body)
    assert extended.status_code == 200, extended.json
    assert datetime.fromisoformat(extended.json["clarification_deadline"]) == DEADLINE + timedelta(days=7)
    [change] = published.get("bidder_c", f"/api/clarifications/{asked}").json["changes"]
    assert change["action"] == "tender.deadline_extended"
    assert change["summary"].startswith("The deadline for bids was extended to ")


def test_a_draft_takes_a_clarification_deadline_before_its_deadline(world: World) -> None:
    body = {"reference": "NWPR-2027-030", "title": "Resettlement", "deadline": DEADLINE.isoformat(),
            "policy_id": world.policy.id, "rubric": "probation-innovation-partner",
            "clarification_deadline": (DEADLINE + timedelta(hours=1)).isoformat()}  # fmt: skip
    refused = world.post("officer", "/api/tenders", json=body)
    assert refused.status_code == 400 and refused.json["field"] == "clarification_deadline"
    body["clarification_deadline"] = (DEADLINE - timedelta(hours=20)).isoformat()
    created = world.post("officer", "/api/tenders", json=body)
    assert created.status_code == 201, created.json
    published = world.post("officer", f"/api/tenders/{created.json['id']}/publish")
    assert published.status_code == 200, published.json
    assert datetime.fromisoformat(published.json["clarification_deadline"]) == DEADLINE - timedelta(hours=20)
