"""A demo competition a newcomer can walk through: users of every role, a policy, tenders at each stage, bids.

Deterministic: the same data on every machine. Times are set relative to now, so the open tender is always open
and the evaluated one is always past its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderscore.core import CriterionKind, Rubric
from tenderscore.db.models import Nation, Organisation, Role, Tender, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import (
    access,
    accounts,
    award_path,
    confirmations,
    contracts,
    demo_clarifications,
    demo_delivery,
    demo_lots,
    demo_register,
    evaluation,
    identifiers,
    mail,
    panel,
    policies,
    scoring,
    submissions,
    tenders,
)
from tenderscore.services.errors import ServiceError
from tenderscore.sheets import demo_bids

DEMO_PASSWORD = "tenderscore-demo"
PROBATION_RUBRIC = "probation-innovation-partner"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    name: str
    organisation: str


def _user(session: Session, org: Organisation, role: Role, email: str, name: str) -> User:
    return accounts.create_user(session, email=email, name=name, password=DEMO_PASSWORD, role=role, organisation=org)


def load_demo(session: Session, *, now: datetime | None = None) -> list[DemoAccount]:
    """Create the demo competition once; returns the accounts to print (all share ``DEMO_PASSWORD``)."""
    if session.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).first() is not None:
        return demo_accounts(session)
    now = now or utcnow()
    region = accounts.create_organisation(session, name="North West Probation Region (demo)", kind="buyer")
    region.nation = Nation.ENGLAND_AND_WALES
    commissioner = _user(session, region, Role.COMMISSIONER, "commissioner@demo.tenderscore.test", "Carys Commissioner")
    officer = _user(session, region, Role.OFFICER, "officer@demo.tenderscore.test", "Omar Officer")
    demo_register.load_register(session, officer, DEMO_PASSWORD, now)
    evaluators = [
        _user(session, region, Role.EVALUATOR, f"evaluator{i}@demo.tenderscore.test", name)
        for i, name in enumerate(("Eve Evans", "Femi Adeyemi", "Gwen Hughes"), start=1)
    ]
    policy = policies.create_policy(
        session,
        commissioner,
        name="Probation social value policy 2026",
        min_social_value_weight=Decimal(20),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}],
        required_criteria=[],
        vcse_counting="verified",  # only verified VCSE partners count: one demo bid leans on an unverified one
    )
    rubric = tenders.load_rubric_source(PROBATION_RUBRIC)

    evaluated = tenders.create_tender(
        session,
        officer,
        reference="NWPR-2026-014",
        title="Innovation Partner: unpaid work and accredited programmes",
        rubric=rubric,
        deadline=now - timedelta(days=2),
        estimated_value=Decimal("2400000"),
        policy_id=policy.id,
        description="Delivery of unpaid work and accredited programmes across the North West, 2027-2030.",
    )
    # Published a month ago, bids arrived before the deadline two days ago (one a day late, refused).
    tenders.publish(session, officer, id_of(evaluated), now=now - timedelta(days=30))
    bidders: dict[str, User] = {}
    _submit_demo_bids(session, evaluated, now, bidders)
    _partners_answer(session, evaluated, now - timedelta(days=1))
    _evaluate(session, officer, evaluators, evaluated, now)
    _awarded(session, officer, evaluators, policy.id, rubric, bidders, now)
    partner = session.exec(select(User).where(User.email == "partner@demo.tenderscore.test")).one()
    supplier = session.exec(select(User).where(User.email == "ridgeway@demo.tenderscore.test")).one()
    demo_delivery.load_delivery(session, officer, supplier, partner, now)

    open_tender = tenders.create_tender(
        session,
        officer,
        reference="NWPR-2027-002",
        title="Resettlement: accommodation and employment support",
        rubric=rubric,
        deadline=now + timedelta(days=30),
        estimated_value=Decimal("1200000"),
        policy_id=policy.id,
    )
    tenders.publish(session, officer, id_of(open_tender), now=now - timedelta(days=6))
    panel.assign_evaluator(session, officer, id_of(open_tender), id_of(evaluators[0]))
    demo_clarifications.ask_and_answer(session, officer, open_tender, list(bidders.values()), now)

    tenders.create_tender(
        session,
        officer,
        reference="NWPR-2027-003",
        title="Anti-social behaviour and tenancy sustainment (draft)",
        rubric=tenders.load_rubric_source("housing-asb-services"),
        deadline=now + timedelta(days=45),
        estimated_value=Decimal("650000"),
        policy_id=policy.id,
    )
    demo_lots.load_lot_tender(session, officer, evaluators, policy.id, rubric, bidders, now)
    session.flush()
    mail.discard(session)  # the demo's people are not real: nobody is emailed
    return demo_accounts(session)


def _awarded(
    session: Session,
    officer: User,
    evaluators: list[User],
    policy_id: int | None,
    rubric: Rubric,
    bidders: dict[str, User],
    now: datetime,
) -> None:
    """Two earlier competitions run to the end of the award path: one in standstill, one under contract since
    seven months ago (two quarterly periods of delivery past)."""
    for reference, title, ago in (
        ("NWPR-2026-009", "Accredited programmes: Merseyside and Cheshire", 0),
        ("NWPR-2026-003", "Unpaid work: Greater Manchester", 250),  # under contract for seven months
    ):
        start = now - timedelta(days=70 + ago)
        tender = tenders.create_tender(
            session, officer, reference=reference, title=title, rubric=rubric, deadline=start + timedelta(days=28),
            estimated_value=Decimal("5600000") if ago else Decimal("1800000"), policy_id=policy_id,
            description=f"{title}, 2027-2030.",
        )  # fmt: skip
        tenders.publish(session, officer, id_of(tender), now=start)
        # Bids ten days before the deadline; the late one a day after it (refused), as in the tender above.
        _submit_demo_bids(session, tender, start + timedelta(days=29, hours=12), bidders)
        _evaluate(session, officer, evaluators, tender, start + timedelta(days=30), complete=True)
        decided = now - timedelta(days=12 + ago)
        scoring.award(session, officer, id_of(tender), "Highest-ranked compliant bid after moderation; the "
                      "sensitivity check shows the ranking holds.", now=decided)  # fmt: skip
        link = f"/tenders/{tender.id}"
        award_path.issue_summaries(session, officer, id_of(tender), tender_url=link, now=decided + timedelta(days=6))
        published = now - timedelta(days=2 + ago)
        award_path.publish_award_notice(session, officer, id_of(tender), tender_url=link, now=published)
        if not ago:
            continue
        signed = published + timedelta(days=14)  # the standstill over (8 working days from publication)
        contracts.enter_contract(session, officer, id_of(tender), contracts.ContractEntry(
            title=title, value="5450000.00", starts_on=(signed + timedelta(days=20)).date().isoformat(),
            ends_on=(signed + timedelta(days=20 + 3 * 365)).date().isoformat(), signed_on=signed.date().isoformat(),
            kpis=[
                contracts.KpiEntry("Unpaid work hours completed on time", "Hours ordered by the courts and completed "
                                   "within 12 months", "90", "percent"),
                contracts.KpiEntry("Placements with VCSE partners", "Share of placements hosted by VCSE "
                                   "organisations", "25", "percent"),
                contracts.KpiEntry("People starting work within 6 months", "People on orders who start "
                                   "employment, NI 144", "120", "people a year"),
            ],
        ), now=signed)  # fmt: skip
        contracts.publish_contract_notice(session, officer, id_of(tender), now=signed + timedelta(days=5))


def _partners_answer(session: Session, tender: Tender, when: datetime) -> None:
    """The demo's partner accounts answer on the evaluated tender: Aldergate Housing Trust confirms its part in
    every bid; Tidewater Lived Experience Collective refuses the part the bid leaning on it gives it (a flag)."""
    current = access.current_bids(session, id_of(tender))
    asked = confirmations.of_submissions(session, [id_of(s) for s in current])
    people = {u.organisation_id: u for u in session.exec(select(User).where(User.role == Role.PARTNER)).all()}
    for rows in asked.values():
        for row in rows:
            partner = people.get(row.partner_org_id or 0)
            if partner is None or row.status != "awaiting":
                continue
            if row.identifier == "GB-MPR-31207R":
                note = "We agreed to run two peer-mentoring groups, about half this value, and not the rest."
                confirmations.answer(session, partner, id_of(row), "refused", note, now=when)
            else:
                confirmations.answer(session, partner, id_of(row), "confirmed", "", now=when)


def _submit_demo_bids(session: Session, tender: Tender, now: datetime, bidders: dict[str, User]) -> None:
    ident = submissions.identity(session, tender)
    for n, bid in enumerate(demo_bids(tenders.rubric_of(tender), ident), start=1):
        user = bidders.get(bid.name)
        slug = bid.name.split()[0].lower()
        if user is None:
            org = accounts.create_organisation(session, name=bid.name, kind="supplier")
            org.sme = len(bid.name) % 2 == 0  # some of the demo's suppliers are SMEs
            number = bid.filled.bidder.get("company_number") if bid.filled is not None else None
            if number and bid.expected_to_pass:  # published in the award notices as the supplier's identifier
                identifiers.add(session, "demo", org, [identifiers.parse(f"GB-COH-{number}")])
            user = bidders[bid.name] = _user(session, org, Role.BIDDER, f"{slug}@demo.tenderscore.test",
                                             f"Bid manager, {bid.name}")  # fmt: skip
        when = now - timedelta(days=1) if bid.late else now - timedelta(days=10, hours=n)
        try:
            submissions.submit(session, user, id_of(tender), f"{slug}-response.xlsx", bid.workbook, now=when)
        except ServiceError:
            pass  # the late bid and the bid with errors are refused, as they must be


def _evaluate(
    session: Session, officer: User, evaluators: list[User], tender: Tender, now: datetime, *, complete: bool = False
) -> None:
    """Open the bids, have the panel declare and score, and agree consensus on all but the last bid (on every bid
    when ``complete``)."""
    tenders.open_bids(session, officer, id_of(tender), now=now)
    rubric = tenders.rubric_of(tender)
    current = access.current_bids(session, id_of(tender))
    for evaluator in evaluators:
        panel.assign_evaluator(session, officer, id_of(tender), id_of(evaluator))
        conflicts = (
            [(current[0].bidder_org_id, "Former colleague of the bid director")] if evaluator is evaluators[2] else []
        )
        panel.declare(
            session,
            evaluator,
            id_of(tender),
            statement="I have no conflict of interest other than any listed.",
            conflicts=conflicts,
        )
    scored = rubric.of_kind(CriterionKind.SCORED)
    # A bid excluded at the compliance stage (the tokenistic VCSE share) is not scored.
    excluded = evaluation.compliance_exclusions_of(session, tender, current)
    current = [s for s in current if not excluded[id_of(s)]]
    for b, submission in enumerate(current):
        for c, criterion in enumerate(scored):
            marks = []
            for e, evaluator in enumerate(evaluators):
                if evaluator is evaluators[2] and b == 0:
                    continue
                mark = max(
                    0, min(rubric.scale.maximum, 3 + ((b * 7 + c * 3 + e * 5) % 5) // 2 - (1 if b % 3 == 1 else 0))
                )
                marks.append(mark)
                scoring.record_score(
                    session,
                    evaluator,
                    id_of(submission),
                    criterion.id,
                    mark,
                    _reason(mark, criterion.title),
                )
            if complete or b < len(current) - 1:
                agreed = sorted(marks)[len(marks) // 2]
                scoring.record_consensus(
                    session,
                    officer,
                    id_of(submission),
                    criterion.id,
                    agreed,
                    f"Panel agreed {agreed}: {_reason(agreed, criterion.title).lower()}",
                )
        # The panel has finished every bid but the last, where only the first evaluator has.
        for e, evaluator in enumerate(evaluators):
            if not (evaluator is evaluators[2] and b == 0) and (complete or b < len(current) - 1 or e == 0):
                scoring.finish_scoring(session, evaluator, id_of(submission))


def _reason(mark: int, title: str) -> str:
    words = {
        0: "No relevant evidence",
        1: "Little evidence",
        2: "Some evidence but significant gaps",
        3: "Good evidence with minor gaps",
        4: "Strong, specific evidence",
        5: "Excellent, specific evidence",
    }
    return f"{words.get(mark, 'Evidence')} on {title.lower()}, with examples from the bidder's own delivery."


def demo_accounts(session: Session) -> list[DemoAccount]:
    users = session.exec(select(User).where(User.email.like("%@demo.tenderscore.test"))).all()  # type: ignore[attr-defined]
    orgs = {o.id: o.name for o in session.exec(select(Organisation)).all()}
    order = {Role.COMMISSIONER: 0, Role.OFFICER: 1, Role.EVALUATOR: 2, Role.BIDDER: 3, Role.PARTNER: 4}
    return sorted(
        (DemoAccount(u.email, u.role, u.name, orgs.get(u.organisation_id, "")) for u in users),
        key=lambda a: (order[Role(a.role)], a.email),
    )
