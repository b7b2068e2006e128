"""The demo's two-lot tender (services/demo_lots.py): what a newcomer finds there, and the officer awarding Lot 1,
where the limit of one lot per bidder passes over the bidder that ranks first in it (docs/lots.md)."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import Award, Clarification, ClarificationAnswer, TenderStatus, User, id_of
from tenderscore.services import lots, scoring
from tenderscore.services.evaluation import gather
from tenderscore.services.tenders import list_tenders, rubric_of, tender_by_reference

NORTHERN, RIDGEWAY = "Northern Resettlement Consortium Ltd", "Ridgeway Housing and Justice Alliance"


def test_the_demo_tender_in_two_lots_and_the_cap_at_its_award(demo: Flask) -> None:
    with Session(get_engine(demo)) as session:
        head = tender_by_reference(session, "NWPR-2026-005")
        first, second = lots.lots_of(session, head)
        assert (first.id, first.lot_title, second.reference, second.lot_title) == (
            head.id, "Unpaid work", "NWPR-2026-005-L2", "Accredited programmes"
        )  # fmt: skip
        assert (first.estimated_value, second.estimated_value) == (Decimal(2100000), Decimal(2900000))
        assert (head.lot_cap, head.lot_order) == (1, "value")
        one, two = rubric_of(first), rubric_of(second)
        assert one.criterion("q2_unpaid_work_skills").weight > two.criterion("q2_unpaid_work_skills").weight
        assert (one.criterion("sv_vcse_share").mandatory_minimum, two.criterion("sv_vcse_share").mandatory_minimum) == (
            Decimal(15), Decimal(18)
        )  # fmt: skip
        answered = select(ClarificationAnswer.audience).join(
            Clarification, col(Clarification.id) == ClarificationAnswer.clarification_id
        )
        assert sorted(session.exec(answered.where(Clarification.tender_id == head.id)).all()) == ["all", "asker"]
        officer = session.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).one()
        listed = [t.reference for t in list_tenders(session, officer)]
        assert "NWPR-2026-005" in listed and "NWPR-2026-005-L2" not in listed  # lots are listed with their tender

        # Lot 2 (the higher value, settled first) went to Northern, first in both lots; Meridian's 16.5% VCSE share
        # is under Lot 2's own 18%.
        assert second.status == TenderStatus.AWARDED and first.status == TenderStatus.EVALUATING
        kept = session.exec(select(Award).where(Award.tender_id == second.id)).one().evaluation
        assert kept["lot_rule"]["winner"] == NORTHERN and kept["lot_rule"]["passed_over"] == []
        assert any("16.5% is below the mandatory minimum of 18%" in e for b in kept["bids"] for e in b["exclusions"])
        ranked = gather(session, first).evaluation.ranked
        assert [r.bidder for r in ranked][:2] == [NORTHERN, RIDGEWAY]

        # The officer awards Lot 1: it goes to Ridgeway, the award naming why Northern was passed over.
        award = scoring.award(session, officer, id_of(first), "Highest-ranked bidder under the limit on lots won.")
        assert award.submission_id == int(ranked[1].bid_id)
        assert award.evaluation["lot_rule"]["passed_over"] == [{"bidder": NORTHERN, "cap_reached_by_lots": [2]}]
