"""The demo's tender in two lots (docs/lots.md), built through the services as an officer and bidders would.

NWPR-2026-005 "Community sentences: unpaid work and accredited programmes" is divided into Lot 1 "Unpaid work"
(the tender row itself) and Lot 2 "Accredited programmes" (a row of its own), each with its own estimated value and
weights, Lot 2 with a stricter VCSE minimum (18% against the policy's 15%). One bidder may win one lot, settled
from the highest estimated value down, so Lot 2 (the larger) is settled first. Northern Resettlement Consortium
ranks first in both lots: it is awarded Lot 2 here, and when the officer awards Lot 1 the rule passes it over and
Lot 1 goes to the runner-up, the award naming the lot that used up its limit.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from tenderscore.core import CriterionKind, Rubric
from tenderscore.db.models import Organisation, Tender, User, id_of
from tenderscore.services import access, clarifications, evaluation, lots, panel, scoring, submissions, tenders
from tenderscore.sheets.demo import PROFILES, demo_filled
from tenderscore.sheets.fill import fill_template
from tenderscore.sheets.writer import write_template

REFERENCE = "NWPR-2026-005"
TITLE = "Community sentences: unpaid work and accredited programmes"
# Each lot's own weights (summing to 100, social value at or above the policy's 20) and mandatory thresholds.
UNPAID_WORK: dict[str, dict[str, Any]] = {
    "q1_attitudes_programmes": {"weight": 6},
    "q2_unpaid_work_skills": {"weight": 18},
    "q5_drugs_alcohol": {"weight": 4},
    "sv_jobs_convictions": {"weight": 6},
    "sv_settled_accommodation": {"weight": 3},
    "sv_employment": {"weight": 3},
}
ACCREDITED_PROGRAMMES: dict[str, dict[str, Any]] = {  # every weight, as Lot 2 starts from Lot 1's rubric
    "q1_attitudes_programmes": {"weight": 20},
    "q2_unpaid_work_skills": {"weight": 4},
    "q3_accommodation": {"weight": 6},
    "q4_health": {"weight": 6},
    "q5_drugs_alcohol": {"weight": 6},
    "q6_finance_benefit_debt": {"weight": 4},
    "q7_children_families": {"weight": 4},
    "sv_vcse_share": {"weight": 12, "mandatory_minimum": Decimal(18)},
    "sv_jobs_convictions": {"weight": 4},
    "sv_settled_accommodation": {"weight": 4},
    "sv_employment": {"weight": 5},
    "price": {"weight": 25},
}
# Who bids in which lot: Oakfield leaves Lot 2 alone; in Lot 2 Meridian's 16.5% VCSE share is under the lot's 18%.
BIDS = {
    1: ("Northern Resettlement Consortium Ltd", "Ridgeway Housing and Justice Alliance",
        "Meridian Probation Partners LLP", "Oakfield Pathways Trust"),
    2: ("Northern Resettlement Consortium Ltd", "Ridgeway Housing and Justice Alliance",
        "Meridian Probation Partners LLP"),
}  # fmt: skip
WORDS = {
    0: "no relevant evidence",
    1: "little evidence",
    2: "some evidence but significant gaps",
    3: "good evidence with minor gaps",
    4: "strong, specific evidence",
    5: "excellent, specific evidence",
}


def load_lot_tender(
    session: Session,
    officer: User,
    evaluators: list[User],
    policy_id: int | None,
    rubric: Rubric,
    bidders: dict[str, User],
    now: datetime,
) -> Tender:
    """The two-lot tender, evaluated and moderated in both lots, Lot 2 awarded; returns the tender (Lot 1)."""
    start = now - timedelta(days=45)  # published; the deadline 28 days later, bids opened the day after
    head = tenders.create_tender(
        session, officer, reference=REFERENCE, title=TITLE, deadline=start + timedelta(days=28),
        rubric=tenders.with_criterion_changes(rubric, UNPAID_WORK), estimated_value=Decimal("2100000"),
        policy_id=policy_id,
        description="Unpaid work placements and accredited programmes for people on community sentences across "
        "Lancashire and Cumbria, 2027-2030, in two lots; one bidder may win one lot.",
    )  # fmt: skip
    second = lots.add_lot(
        session, officer, id_of(head), expected_version=head.version, title="Accredited programmes",
        estimated_value=Decimal("2900000"), first_title="Unpaid work",
    )  # fmt: skip
    tenders.update_draft(
        session, officer, id_of(second), expected_version=second.version,
        rubric=tenders.with_criterion_changes(tenders.rubric_of(second), ACCREDITED_PROGRAMMES),
        reason="Accredited programmes weigh the programmes question most, and ask for a larger VCSE share.",
    )  # fmt: skip
    lots.set_rule(session, officer, id_of(head), expected_version=head.version, cap=1, order="value")
    tenders.publish(session, officer, id_of(head), now=start)
    _clarify(session, officer, head, bidders, start)
    for lot in (head, second):
        _submit(session, lot, bidders, start + timedelta(days=18))
    tenders.open_bids(session, officer, id_of(head), now=start + timedelta(days=29))
    for lot in (head, second):
        _evaluate(session, officer, evaluators, lot)
    scoring.award(
        session, officer, id_of(second),
        "Highest-ranked compliant bid after moderation; Lot 2 has the higher estimated value, so it is settled "
        "first under the limit of one lot per bidder.",
        now=now - timedelta(days=3),
    )  # fmt: skip
    return head


def _clarify(session: Session, officer: User, head: Tender, bidders: dict[str, User], start: datetime) -> None:
    """Two questions on the tender: one answered to every bidder, one to its asker alone."""
    northern = bidders["Northern Resettlement Consortium Ltd"]
    ridgeway = bidders["Ridgeway Housing and Justice Alliance"]
    shared = clarifications.ask(
        session, northern, id_of(head),
        "If we bid for both lots and rank first in both, which lot would we be awarded? We would rather keep "
        "accredited programmes.",
        now=start + timedelta(days=3),
    )  # fmt: skip
    clarifications.answer(
        session, officer, id_of(shared), audience="all",
        published_question="A bidder may win one lot. If a bidder ranks first in both, which lot does it win?",
        answer="The lot with the higher estimated value: Lot 2, accredited programmes (£2.9m), is settled first "
        "and goes to its best-ranked bidder; Lot 1 then goes to its best-ranked bidder who has not already won a "
        "lot. A bidder cannot choose the lot it keeps. Submit a separate workbook for each lot you bid for.",
        now=start + timedelta(days=4),
    )  # fmt: skip
    private = clarifications.ask(
        session, ridgeway, id_of(head),
        "Our unpaid work placements are hosted by our own charity, Ridgeway Community Projects. Can it be named as "
        "a VCSE partner in the Lot 1 workbook?",
        now=start + timedelta(days=5),
    )  # fmt: skip
    clarifications.answer(
        session, officer, id_of(private), audience="asker",
        answer="Yes, if it is a separate organisation on the VCSE register, verified by the time of the award; "
        "only verified partners count under this policy. We answer you alone because it concerns your own group.",
        now=start + timedelta(days=6),
    )  # fmt: skip


def _workbooks(session: Session, lot: Tender, names: tuple[str, ...]) -> dict[str, bytes]:
    """The named demo bidders' workbooks for this lot, each filled in from the lot's own template."""
    rubric = tenders.rubric_of(lot)
    template = write_template(rubric, submissions.identity(session, lot))
    found = {}
    for profile in (p for p in PROFILES if p.name in names):
        filled, _ = demo_filled(rubric, profile, random.Random(f"{lot.reference}:{profile.name}"))
        found[profile.name] = fill_template(template, filled)
    return found


def _submit(session: Session, lot: Tender, bidders: dict[str, User], when: datetime) -> None:
    """Each bidder's workbook for this lot, a few hours apart."""
    names = BIDS[lot.lot_number]
    for n, (name, workbook) in enumerate(_workbooks(session, lot, names).items()):
        slug = name.split()[0].lower()
        filename = f"{slug}-lot-{lot.lot_number}.xlsx"
        submissions.submit(session, bidders[name], id_of(lot), filename, workbook, now=when + timedelta(hours=n))


def _evaluate(session: Session, officer: User, evaluators: list[User], lot: Tender) -> None:
    """The whole panel scores every bid that passed the gates around the score its profile suggests and finishes,
    and the officer records that score as the consensus on every criterion: the lot's results are final."""
    rubric = tenders.rubric_of(lot)
    suggested = {p.name: p.score for p in PROFILES}
    for evaluator in evaluators:
        panel.assign_evaluator(session, officer, id_of(lot), id_of(evaluator))
        panel.declare(session, evaluator, id_of(lot), statement="I have no conflict of interest.", conflicts=[])
    current = access.current_bids(session, id_of(lot))
    excluded = evaluation.compliance_exclusions_of(session, lot, current)
    scored = rubric.of_kind(CriterionKind.SCORED)
    for b, submission in enumerate(s for s in current if not excluded[id_of(s)]):
        bidder = session.get(Organisation, submission.bidder_org_id)
        agreed = suggested[bidder.name if bidder is not None else ""]
        for e, evaluator in enumerate(evaluators):
            marks = {
                c.id: max(0, min(rubric.scale.maximum, agreed + (b + i + e) % 3 - 1)) for i, c in enumerate(scored)
            }
            entries = {cid: (mark, _reason(mark), None) for cid, mark in marks.items()}
            scoring.record_scores(session, evaluator, id_of(submission), entries, finished=True)
        consensus = {c.id: (agreed, f"Panel agreed {agreed}: {_reason(agreed)}", None) for c in scored}
        scoring.record_consensus_sheet(session, officer, id_of(submission), consensus)


def _reason(mark: int) -> str:
    return f"{WORDS.get(mark, 'evidence')}, with examples from the bidder's own delivery in the region."
