"""Policies and the tender lifecycle: breaches block publication, the rubric freezes, steps go in order."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from tenderscore.db.models import Role, TenderStatus
from tenderscore.services import accounts, policies, tenders
from tenderscore.services.errors import Conflict, Forbidden, ServiceError, StaleRecord
from tests.competition import NOW, PASSWORD, Competition


def test_the_published_rubric_is_frozen_with_its_hash(competition: Competition) -> None:
    tender = competition.tender
    assert tender.status == TenderStatus.PUBLISHED
    assert tender.rubric_snapshot is not None and len(tender.rubric_hash or "") == 64
    assert tender.policy_snapshot is not None
    assert tender.policy_snapshot["mandatory_commitments"] == [{"measure": "vcse_share", "minimum": "15"}]
    with pytest.raises(Conflict, match="frozen"):
        tenders.update_draft(
            competition.session,
            competition.officer,
            tender.id,
            expected_version=tender.version,  # type: ignore[arg-type]
            title="Changed",
        )


def test_a_later_policy_edit_does_not_change_a_running_competition(competition: Competition) -> None:
    session = competition.session
    policy_id = competition.tender.policy_id
    assert policy_id is not None
    policies.update_policy(
        session,
        competition.commissioner,
        policy_id,
        expected_version=1,
        reason="raise the bar",
        name="VCSE policy",
        min_social_value_weight=Decimal(30),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "25"}],
    )
    session.commit()
    assert competition.tender.policy_snapshot["mandatory_commitments"][0]["minimum"] == "15"  # type: ignore[index]


def _draft(competition: Competition, **policy: object) -> tuple[int, int]:
    session = competition.session
    p = policies.create_policy(session, competition.commissioner, name="Strict", **policy)  # type: ignore[arg-type]
    draft = tenders.create_tender(
        session,
        competition.officer,
        reference="T-2",
        title="Second",
        rubric=tenders.load_rubric_source("social-value-model-services"),
        deadline=NOW + timedelta(days=30),
        policy_id=p.id,
    )
    return draft.id, p.id  # type: ignore[return-value]


def test_breaches_are_listed_in_plain_words_and_block_publication(competition: Competition) -> None:
    draft_id, _ = _draft(
        competition,
        min_social_value_weight=Decimal(40),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}],
        required_criteria=["sv_vcse_share"],  # a probation criterion this rubric lacks (unknown ids are refused)
    )
    session = competition.session
    draft = tenders.get_tender(session, competition.officer, draft_id)
    found = tenders.breaches(session, draft)
    assert len(found) >= 2
    assert any("40" in b for b in found)
    assert any("sv_vcse_share" in b or "VCSE share" in b for b in found)
    # The officer reads titles and measure names, never ids.
    assert not any("sv_vcse_share" in b or "vcse_share" in b for b in found), found
    assert any("the criterion “" in b for b in found)
    with pytest.raises(Conflict, match="breaks its policy") as refused:
        tenders.publish(session, competition.officer, draft_id, now=NOW)
    assert refused.value.details == found
    assert tenders.get_tender(session, competition.officer, draft_id).status == TenderStatus.DRAFT


def test_weights_must_still_sum_to_100_after_an_edit(competition: Competition) -> None:
    draft_id, _ = _draft(competition, min_social_value_weight=Decimal(10))
    session = competition.session
    draft = tenders.get_tender(session, competition.officer, draft_id)
    rubric = tenders.rubric_of(draft)
    first = rubric.sections[0]
    changed = dataclasses.replace(
        first,
        criteria=(dataclasses.replace(first.criteria[0], weight=first.criteria[0].weight + 1), *first.criteria[1:]),
    )
    with pytest.raises(ServiceError, match="100"):
        tenders.validated(dataclasses.replace(rubric, sections=(changed, *rubric.sections[1:])))


def test_stale_draft_edits_are_refused(competition: Competition) -> None:
    draft_id, _ = _draft(competition, min_social_value_weight=Decimal(10))
    session = competition.session
    tenders.update_draft(session, competition.officer, draft_id, expected_version=1, title="First edit")
    with pytest.raises(StaleRecord):
        tenders.update_draft(session, competition.officer, draft_id, expected_version=1, title="Second edit")


def test_lifecycle_steps_go_in_order(competition: Competition) -> None:
    session = competition.session
    officer = competition.officer
    tender_id = competition.tender.id
    assert tender_id is not None
    with pytest.raises(Conflict, match="sealed until the deadline"):
        tenders.open_bids(session, officer, tender_id, now=NOW - timedelta(seconds=1))
    with pytest.raises(Conflict, match="cannot be moved"):
        tenders.publish(session, officer, tender_id, now=NOW)
    opened = tenders.open_bids(session, officer, tender_id, now=NOW)
    assert opened.status == TenderStatus.EVALUATING
    with pytest.raises(Conflict, match="cannot be moved"):
        tenders.open_bids(session, officer, tender_id, now=NOW)


def test_only_officers_build_tenders_and_only_commissioners_set_policies(competition: Competition) -> None:
    session = competition.session
    with pytest.raises(Forbidden):
        tenders.publish(session, competition.commissioner, competition.tender.id, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        policies.create_policy(session, competition.officer, name="x", min_social_value_weight=Decimal(10))


def test_policy_floor_is_the_uk_minimum(session: Session) -> None:
    org = accounts.create_organisation(session, name="Council", kind="buyer")
    commissioner = accounts.create_user(
        session, email="c@x.example", name="C", password=PASSWORD, role=Role.COMMISSIONER, organisation=org
    )
    with pytest.raises(ServiceError, match="from 10 to 100"):
        policies.create_policy(session, commissioner, name="Too low", min_social_value_weight="5")
