"""Lots through the services (services/lots.py): dividing a draft, what a lot shares with its tender and what it
keeps, each lot through the policy's gates on its own, one publication and one opening, bids per lot, and the cap
on lots won applied at award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from tenderscore.core import CriterionKind
from tenderscore.core import evaluate as core_evaluate
from tenderscore.db.models import AuditEvent, Tender, TenderStatus
from tenderscore.services import access, evaluation, lots, panel, publication, reports, scoring, submissions, tenders
from tenderscore.services.errors import Conflict, ServiceError
from tenderscore.sheets import demo_bids
from tests import world
from tests.competition import NOW, Competition
from tests.ocds_schema import validate_release

pytestmark = pytest.mark.db
DEADLINE = NOW + timedelta(days=2)  # passed on the real clock, which the seal reads


@pytest.fixture
def divided(competition: Competition) -> tuple[Competition, Tender, Tender]:
    """A draft probation tender divided into two lots; lot 2 worth more, with more weight on quality."""
    session, officer = competition.session, competition.officer
    head = tenders.create_tender(
        session, officer, reference="LOTS-1", title="Community sentences", rubric=world_rubric(),
        deadline=DEADLINE, estimated_value=Decimal(1000000), policy_id=competition.tender.policy_id,
    )  # fmt: skip
    lot = lots.add_lot(
        session, officer, head.id, expected_version=head.version, title="Accredited programmes",  # type: ignore[arg-type]
        estimated_value=Decimal(3000000), first_title="Unpaid work",
    )  # fmt: skip
    rubric = tenders.rubric_of(lot)
    lot = tenders.update_draft(
        session, officer, lot.id, expected_version=lot.version,  # type: ignore[arg-type]
        rubric=tenders.with_criterion_changes(rubric, {"q1_attitudes_programmes": {"weight": Decimal(16)},
                                                       "q2_unpaid_work_skills": {"weight": Decimal(6)}}),
    )  # fmt: skip
    session.commit()
    return competition, head, lot


def world_rubric():  # type: ignore[no-untyped-def]
    return tenders.load_rubric_source(world.PROBATION)


def test_a_lot_shares_what_it_must_and_keeps_its_own_title_value_and_weights(
    divided: tuple[Competition, Tender, Tender],
) -> None:
    c, head, lot = divided
    assert (lot.reference, lot.lot_number, lot.lot_of_id) == ("LOTS-1-L2", 2, head.id)
    assert (head.lot_title, lot.lot_title) == ("Unpaid work", "Accredited programmes")
    assert lots.lot_name(lot) == "Lot 2: Accredited programmes"
    assert (lot.deadline, lot.policy_id, lot.buyer_org_id) == (head.deadline, head.policy_id, head.buyer_org_id)
    assert tenders.rubric_of(lot).criterion("q1_attitudes_programmes").weight == 16
    assert tenders.rubric_of(head).criterion("q1_attitudes_programmes").weight == 12
    with pytest.raises(ServiceError, match="deadline: A lot shares this with its tender"):
        tenders.update_draft(c.session, c.officer, lot.id, expected_version=lot.version,  # type: ignore[arg-type]
                             deadline=DEADLINE + timedelta(days=1), now=NOW)  # fmt: skip
    moved = DEADLINE + timedelta(days=2)
    tenders.update_draft(c.session, c.officer, head.id, expected_version=head.version, deadline=moved,  # type: ignore[arg-type]
                         now=NOW)
    assert c.session.get(Tender, lot.id).deadline == moved  # type: ignore[union-attr]
    renamed = tenders.update_draft(c.session, c.officer, lot.id, expected_version=lot.version,  # type: ignore[arg-type]
                                   lot_title="Accredited programmes (North)", title="ignored on a lot")  # fmt: skip
    assert (renamed.lot_title, renamed.title) == ("Accredited programmes (North)", head.title)
    with pytest.raises(ServiceError, match="lot_title: Enter the lot's title"):
        tenders.update_draft(c.session, c.officer, lot.id, expected_version=renamed.version, lot_title=" ")  # type: ignore[arg-type]
    # The tender list shows the tender once; the lot is with it.
    listed = [t.reference for t in tenders.list_tenders(c.session, c.officer)]
    assert "LOTS-1" in listed and "LOTS-1-L2" not in listed
    assert [t.lot_number for t in lots.lots_of(c.session, head)] == [1, 2]
    with pytest.raises(ServiceError, match="lots are added and ruled on the tender"):
        lots.add_lot(c.session, c.officer, lot.id, expected_version=lot.version, title="Nested")  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match="lot_cap"):
        lots.set_rule(c.session, c.officer, head.id, expected_version=head.version, cap=0, order="value")  # type: ignore[arg-type]


def test_every_lot_passes_the_policys_gates_on_its_own_and_they_are_published_together(
    divided: tuple[Competition, Tender, Tender],
) -> None:
    c, head, lot = divided
    session, officer = c.session, c.officer
    no_floor = tenders.with_criterion_changes(tenders.rubric_of(lot), {"sv_vcse_share": {"mandatory_minimum": None}})
    tenders.update_draft(session, officer, lot.id, expected_version=lot.version, rubric=no_floor)  # type: ignore[arg-type]
    session.commit()
    with pytest.raises(Conflict) as refused:
        tenders.publish(session, officer, head.id, now=NOW)  # type: ignore[arg-type]
    assert refused.value.details and all(d.startswith("Lot 2: ") for d in refused.value.details)
    session.rollback()
    assert {t.status for t in lots.lots_of(session, head)} == {TenderStatus.DRAFT}
    with pytest.raises(Conflict, match="publish on LOTS-1"):
        tenders.publish(session, officer, lot.id, now=NOW)  # type: ignore[arg-type]
    session.rollback()
    stricter = {"sv_vcse_share": {"mandatory_minimum": Decimal(20)}}  # its own, stricter VCSE threshold
    floor = tenders.with_criterion_changes(tenders.rubric_of(lot), stricter)
    lot = session.get(Tender, lot.id)  # type: ignore[assignment]
    tenders.update_draft(session, officer, lot.id, expected_version=lot.version, rubric=floor)  # type: ignore[arg-type]
    tenders.publish(session, officer, head.id, now=NOW)  # type: ignore[arg-type]
    session.commit()
    both = lots.lots_of(session, head)
    assert [t.status for t in both] == [TenderStatus.PUBLISHED] * 2
    assert both[0].rubric_hash != both[1].rubric_hash  # each lot's own weights and thresholds, frozen
    assert both[1].clarification_deadline == both[0].clarification_deadline is not None
    published = session.exec(
        select(AuditEvent.entity_id).where(AuditEvent.action == "tender.published").order_by(col(AuditEvent.id))
    ).all()
    assert [int(e) for e in published[-2:]] == [head.id, lot.id]
    # One contracting process: one tender release, both lots in it with their own values and weights.
    _, releases = publication.releases_of(session, officer, lot.id)  # type: ignore[arg-type]
    assert [r["tag"] for r in releases] == [["tender"]] and releases[0]["ocid"] == "ocds-tndrsc-LOTS-1"
    validate_release(releases[0])
    published_lots = releases[0]["tender"]["lots"]  # type: ignore[index]
    assert [(x["id"], x["title"], x["value"]["amount"]) for x in published_lots] == [
        ("1", "Unpaid work", 1000000), ("2", "Accredited programmes", 3000000)
    ]
    weights = [{c["name"]: c["numbers"][0]["number"] for c in x["awardCriteria"]["criteria"]} for x in published_lots]
    key = "Accredited programmes that change attitudes, thinking and behaviour"
    assert [w[key] for w in weights] == [12, 16]


def _ready(c: Competition, head: Tender, lot: Tender) -> dict[str, int]:
    """Both lots published, Northern and Meridian bidding in each, opened, and every consensus recorded with
    Northern ahead in both; returns the two lots' ids by number."""
    session, officer = c.session, c.officer
    tenders.publish(session, officer, head.id, now=NOW)  # type: ignore[arg-type]
    for tender in lots.lots_of(session, head):
        made = {b.name: b for b in demo_bids(tenders.rubric_of(tender), submissions.identity(session, tender))}
        for prefix in ("Northern", "Meridian"):
            bid = next(b for name, b in made.items() if name.startswith(prefix))
            submissions.submit(session, c.bidder(bid.name), tender.id, f"{prefix}.xlsx", bid.workbook,  # type: ignore[arg-type]
                               now=NOW + timedelta(days=1))  # fmt: skip
    tenders.open_bids(session, officer, head.id, now=DEADLINE + timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="open the bids on LOTS-1"):
        tenders.open_bids(session, officer, lot.id, now=DEADLINE + timedelta(hours=1))  # type: ignore[arg-type]
    for tender in lots.lots_of(session, head):
        assert tender.status == TenderStatus.EVALUATING
        scored = [cr.id for cr in tenders.rubric_of(tender).criteria if cr.kind == CriterionKind.SCORED]
        for sub in access.current_bids(session, tender.id):  # type: ignore[arg-type]
            name = c.session.get(type(c.buyer), sub.bidder_org_id).name  # type: ignore[union-attr]
            mark = 4 if name.startswith("Northern") else 3
            for crit in scored:
                scoring.record_consensus(session, officer, sub.id, crit, mark, f"Agreed {mark}")  # type: ignore[arg-type]
    return {t.lot_number: t.id for t in lots.lots_of(session, head)}  # type: ignore[misc]


def test_a_cap_of_one_lot_gives_the_leader_the_bigger_lot_and_the_other_to_the_next_bidder(
    divided: tuple[Competition, Tender, Tender],
) -> None:
    c, head, lot = divided
    session, officer = c.session, c.officer
    lots.set_rule(session, officer, head.id, expected_version=head.version, cap=1, order="value")  # type: ignore[arg-type]
    ids = _ready(c, head, lot)
    for number in (1, 2):  # each lot is evaluated alone, on its own rubric and its own bids: Northern first in both
        gathered = evaluation.gather(session, session.get(Tender, ids[number]))  # type: ignore[arg-type]
        own = {str(s.id) for s in access.current_bids(session, ids[number])}
        assert {b.bid_id for b in gathered.bids} == own and len(own) == 2
        assert gathered.evaluation == core_evaluate(gathered.rubric, gathered.bids, gathered.consensus)
        assert gathered.evaluation.winner.bidder.startswith("Northern")  # type: ignore[union-attr]
    first = scoring.award(session, officer, ids[1], "Highest-ranked bidder not capped")
    second = scoring.award(session, officer, ids[2], "Highest-ranked compliant bid")
    session.commit()
    bidder_of = {s.id: s.bidder_org_id for t in ids.values() for s in access.current_bids(session, t)}
    northern = c.bidders[next(n for n in c.bidders if n.startswith("Northern"))].organisation_id
    assert bidder_of[second.submission_id] == northern  # lot 2 is worth more: settled first
    assert bidder_of[first.submission_id] != northern
    kept = first.evaluation["lot_rule"]
    assert kept["passed_over"] == [{"bidder": next(n for n in c.bidders if n.startswith("Northern")),
                                    "cap_reached_by_lots": [2]}]  # fmt: skip
    assert "at most 1 lot" in kept["rule"]
    # The assessment summaries of lot 1 say how the rule decided it: to the bidder passed over, and to the winner.
    views, problems = reports.summary_views(session, evaluation.gather(session, session.get(Tender, ids[1])), NOW)  # type: ignore[arg-type]
    assert problems == []
    by_bidder = {v.bidder[:8]: v for v in views}
    assert by_bidder["Northern"].passed_over and not by_bidder["Northern"].is_winner
    assert "Your tender ranked at or above the winning tender in lot 1" in by_bidder["Northern"].lot_rule
    assert by_bidder["Meridian"].is_winner and "Northern Resettlement" in by_bidder["Meridian"].lot_rule
    # Once the summaries are out, the bidder passed over reads on the lot's page which lot used its limit up.
    first.summaries_sent_at = second.summaries_sent_at = NOW
    northern_user = c.bidders[next(n for n in c.bidders if n.startswith("Northern"))]
    told = submissions.outcome(session, northern_user, ids[1])
    assert told is not None and not told.won and told.rank == 1 and told.passed_over_by_lots == (2,)
    assert submissions.outcome(session, northern_user, ids[2]).passed_over_by_lots == ()  # type: ignore[union-attr]


def test_with_a_cap_a_lot_waits_until_every_lots_evaluation_is_final(
    divided: tuple[Competition, Tender, Tender],
) -> None:
    c, head, lot = divided
    session, officer = c.session, c.officer
    lots.set_rule(session, officer, head.id, expected_version=head.version, cap=1, order="number")  # type: ignore[arg-type]
    tenders.publish(session, officer, head.id, now=NOW)  # type: ignore[arg-type]
    bid = next(iter(world.demo_workbooks(session, head).values()))
    submissions.submit(session, c.bidder(bid.name), head.id, "a.xlsx", bid.workbook, now=NOW + timedelta(days=1))  # type: ignore[arg-type]
    tenders.open_bids(session, officer, head.id, now=DEADLINE + timedelta(hours=1))  # type: ignore[arg-type]
    panel.assign_evaluator(session, officer, lot.id, c.evaluators[0].id)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="provisional"):
        scoring.award(session, officer, lot.id, "too early")  # type: ignore[arg-type]
