"""A competition grown to any number of bids, evaluators and criteria: for counting queries (and for
``bench/bench_queries.py``).

One buyer with a commissioner, an officer and a panel; ``bids`` bidder organisations, each with a bid in three
probation tenders: one open for bids (sealed), one being evaluated and one awarded. In the last two every bid that is
not excluded at the compliance stage is scored by the whole panel (the last evaluator declared a conflict with the
first bidder, as in the demo), marked finished and moderated, so every page has data to show. The second bid is the
demo's tokenistic one (excluded); the others cycle through the demo's bids that pass, the first one winning.
A draft tender completes the lifecycle. ``wide`` doubles the scored criteria (each one split in two).

Everything is done through the services, as users would, unless ``bulk``: then only the first bid of each kind is
submitted through them (the workbook read once), and the other bids, the scores, consensus and completions are
written as rows (no audit events for them). The bench grows to 500 bids that way in seconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core import CriterionKind, Rubric
from tenderscore.db.models import (
    ConsensusScore,
    Contract,
    IssuedDocument,
    Organisation,
    PartnerConfirmation,
    Role,
    Score,
    ScoringCompletion,
    Submission,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import (
    accounts,
    award_path,
    clarifications,
    contracts,
    jobs,
    panel,
    policies,
    scoring,
    submissions,
    tenders,
)
from tenderscore.services.evaluation import compliance_exclusions
from tenderscore.sheets import DemoBid, demo_bids

PASSWORD = "correct horse battery"
PROBATION = "probation-innovation-partner"
REASON = "Specific evidence from the bidder's current contracts, with figures, against every part of the question."


@dataclass(frozen=True)
class Size:
    bids: int
    evaluators: int = 3
    wide: bool = False  # twice the scored criteria

    def __str__(self) -> str:
        return f"{self.bids} bids, {self.evaluators} evaluators{', wide rubric' if self.wide else ''}"


@dataclass
class Grown:
    """The ids a test or the bench needs, and who signs in as each role (all share ``PASSWORD``)."""

    tenders: dict[str, int]  # "draft", "open", "evaluating", "awarded" -> id
    bids: dict[str, list[int]]  # tender key -> its current submission ids, oldest first
    emails: dict[str, str]  # "officer", "commissioner", "evaluator", "conflicted", "bidder" -> email
    policy_id: int
    evaluator_ids: list[int]
    bidder_org_ids: list[int] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)  # "summary", "letter", "notice", "contract" -> an id
    job: str = ""  # a finished background job of the officer's (the evaluation report of the awarded tender)
    entry_id: int = 0  # a VCSE register entry (tests/performance/test_query_counts.py grows the register)
    confirmation: int = 0  # a partner's confirmation request (the first bid's first partner, in the open tender)
    contract_id: int = 0  # the awarded tender's contract (none in bulk)
    clarification: int = 0  # the first of the open tender's clarification questions (one per bidder)


def wider(rubric: Rubric) -> Rubric:
    """The rubric with each scored criterion split into two, each with half its weight."""
    sections = []
    for section in rubric.sections:
        criteria = []
        for c in section.criteria:
            if c.kind != CriterionKind.SCORED:
                criteria.append(c)
                continue
            half = c.weight / 2
            criteria.append(dataclasses.replace(c, weight=half))
            criteria.append(dataclasses.replace(c, id=f"{c.id}_more", title=f"{c.title} (further)", weight=half))
        sections.append(dataclasses.replace(section, criteria=tuple(criteria)))
    return tenders.validated(dataclasses.replace(rubric, sections=tuple(sections)))


def _profiles(workbooks: list[DemoBid], bids: int) -> list[DemoBid]:
    """Which demo bid each bidder sends: the winner first, the tokenistic one second, then the others in turn."""
    passing = [b for b in workbooks if b.expected_to_pass and not b.late]
    excluded = next(b for b in workbooks if not b.expected_to_pass and not b.late and b.filled is not None
                    and "Brightpath" in b.name)  # fmt: skip
    chosen = [passing[0], excluded] + [passing[1 + i % (len(passing) - 1)] for i in range(max(0, bids - 2))]
    return chosen[:bids]


def _mark(bid: int, criterion: int, evaluator: int, maximum: int) -> int:
    """An evaluator's score: the first bid is excellent throughout; the others vary around 3, two steps apart."""
    if bid == 0:
        return maximum
    return 2 + (bid + criterion + evaluator) % 3


def _consensus(bid: int, criterion: int, maximum: int) -> int:
    return maximum if bid == 0 else 3 + (bid + criterion) % 2


def _copy(first: Submission, bidder: User) -> Submission:
    """Another bidder's submission of the same workbook (bulk: read and checked once, for the first)."""
    kept = first.model_dump(exclude={"id", "bidder_org_id", "submitted_by_id"})
    return Submission(**kept, bidder_org_id=bidder.organisation_id, submitted_by_id=id_of(bidder))


class _Grower:
    def __init__(self, session: Session, size: Size, now: datetime, bulk: bool) -> None:
        self.session, self.size, self.now, self.bulk = session, size, now, bulk
        self.buyer = accounts.create_organisation(session, name="Grown Probation Region", kind="buyer")
        self.commissioner = self.person(self.buyer, Role.COMMISSIONER, "commissioner@grown.example")
        self.officer = self.person(self.buyer, Role.OFFICER, "officer@grown.example")
        self.evaluators = [
            self.person(self.buyer, Role.EVALUATOR, f"evaluator{n + 1}@grown.example") for n in range(size.evaluators)
        ]
        self.policy = policies.create_policy(
            session, self.commissioner, name="Grown VCSE policy", min_social_value_weight=Decimal(10),
            mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}], vcse_counting="listed",
        )  # fmt: skip
        rubric = tenders.load_rubric_source(PROBATION)
        self.rubric = wider(rubric) if size.wide else rubric
        self.bidders = self.bidder_accounts()

    def person(self, org: Organisation, role: Role, email: str) -> User:
        return accounts.create_user(
            self.session, email=email, name=email.split("@")[0].title(), password=PASSWORD, role=role, organisation=org
        )

    def bidder_accounts(self) -> list[User]:
        """One organisation and one bid manager per bid; in bulk, all but the first few are written as rows."""
        people = []
        for n in range(self.size.bids):
            name, email = f"Bidder {n + 1:03} Services Ltd", f"bids{n + 1:03}@grown.example"
            if self.bulk and n >= 4:
                org = Organisation(name=name, kind="supplier")
                self.session.add(org)
                self.session.flush()
                user = User(email=email, name=f"Bids {n + 1:03}", password_hash=accounts.NO_PASSWORD,
                            role=Role.BIDDER, organisation_id=id_of(org))  # fmt: skip
                self.session.add(user)
            else:
                org = accounts.create_organisation(self.session, name=name, kind="supplier")
                user = self.person(org, Role.BIDDER, email)
            people.append(user)
        self.session.flush()
        return people

    def tender(self, reference: str, deadline: datetime, *, publish: bool = True) -> Tender:
        tender = tenders.create_tender(
            self.session, self.officer, reference=reference, title="Probation services, grown", rubric=self.rubric,
            deadline=deadline, estimated_value=Decimal("2400000"), policy_id=self.policy.id,
        )  # fmt: skip
        if publish:
            tenders.publish(self.session, self.officer, id_of(tender), now=min(deadline, self.now) - timedelta(days=30))
        return tender

    def submit_all(self, tender: Tender, when: datetime) -> list[Submission]:
        workbooks = demo_bids(self.rubric, submissions.identity(self.session, tender))
        sent: dict[str, Submission] = {}
        for n, (bidder, bid) in enumerate(zip(self.bidders, _profiles(workbooks, self.size.bids), strict=True)):
            first = sent.get(bid.name)
            if first is not None and self.bulk:
                self.session.add(_copy(first, bidder))
                continue
            receipt = submissions.submit(self.session, bidder, id_of(tender), f"bid-{n}.xlsx", bid.workbook, now=when)
            sent.setdefault(bid.name, self.session.exec(
                select(Submission).where(Submission.id == receipt.submission_id)).one())  # fmt: skip
        self.session.flush()
        return list(
            self.session.exec(
                select(Submission).where(Submission.tender_id == tender.id).order_by(col(Submission.id))
            ).all()
        )

    def evaluate(self, tender: Tender, bids: list[Submission]) -> None:
        """Open the bids, seat and declare the panel, and score, finish and moderate every bid not excluded."""
        tender_id = id_of(tender)
        tenders.open_bids(self.session, self.officer, tender_id, now=self.now)
        for evaluator in self.evaluators:
            panel.assign_evaluator(self.session, self.officer, tender_id, id_of(evaluator))
            conflicts = [(bids[0].bidder_org_id, "Former colleague of the bid director")] if (
                evaluator is self.evaluators[-1]) else []  # fmt: skip
            panel.declare(self.session, evaluator, tender_id, statement="Nothing else to declare.", conflicts=conflicts)
        criteria = self.rubric.of_kind(CriterionKind.SCORED)
        maximum = self.rubric.scale.maximum
        for b, bid in enumerate(bids):
            if compliance_exclusions(self.session, tender, bid):
                continue
            for e, evaluator in enumerate(self.evaluators):
                if b == 0 and evaluator is self.evaluators[-1]:
                    continue
                marks = {c.id: _mark(b, i, e, maximum) for i, c in enumerate(criteria)}
                self.scores(evaluator, id_of(bid), marks)
            self.consensus(id_of(bid), {c.id: _consensus(b, i, maximum) for i, c in enumerate(criteria)})

    def scores(self, evaluator: User, submission_id: int, marks: dict[str, int]) -> None:
        if not self.bulk:
            entries: dict[str, scoring.Entry] = {cid: (mark, REASON, None) for cid, mark in marks.items()}
            scoring.record_scores(self.session, evaluator, submission_id, entries, finished=True)
            return
        maximum = self.rubric.scale.maximum
        self.session.add_all(
            Score(
                submission_id=submission_id,
                criterion_id=cid,
                evaluator_id=id_of(evaluator),
                score=mark,
                scale_max=maximum,
                reason=REASON,
            )  # fmt: skip
            for cid, mark in marks.items()
        )
        self.session.add(ScoringCompletion(submission_id=submission_id, evaluator_id=id_of(evaluator)))

    def consensus(self, submission_id: int, agreed: dict[str, int]) -> None:
        if not self.bulk:
            entries: dict[str, scoring.Entry] = {cid: (mark, REASON, None) for cid, mark in agreed.items()}
            scoring.record_consensus_sheet(self.session, self.officer, submission_id, entries)
            return
        maximum = self.rubric.scale.maximum
        self.session.add_all(
            ConsensusScore(
                submission_id=submission_id,
                criterion_id=cid,
                score=mark,
                scale_max=maximum,
                reason=REASON,
                moderator_id=id_of(self.officer),
            )  # fmt: skip
            for cid, mark in agreed.items()
        )
        self.session.flush()


def grow(session: Session, size: Size, *, now: datetime | None = None, bulk: bool = False) -> Grown:
    """Build the grown competition in ``session`` (flushed, not committed)."""
    now = now or utcnow()
    grower = _Grower(session, size, now, bulk)
    grower.tender("GROWN-DRAFT", now + timedelta(days=60), publish=False)
    found: dict[str, list[int]] = {}
    made: dict[str, int] = {}
    open_tender = grower.tender("GROWN-OPEN", now + timedelta(days=30))
    found["open"] = [id_of(s) for s in grower.submit_all(open_tender, now)]
    for key in ("evaluating", "awarded"):
        tender = grower.tender(f"GROWN-{key.upper()}", now - timedelta(days=2))
        bids = grower.submit_all(tender, now - timedelta(days=10))
        grower.evaluate(tender, bids)
        if key == "awarded":
            decided = now if bulk else now - timedelta(days=20)
            scoring.award(session, grower.officer, id_of(tender), "The top-ranked compliant bid.", now=decided)
            if not bulk:  # the award path to the end: summaries, notice, standstill over, contract and its notice
                _contracted(session, grower.officer, id_of(tender), decided, now)
        found[key] = [id_of(s) for s in bids]
        made[key] = id_of(tender)
    made["open"] = id_of(open_tender)
    questions = _ask_questions(session, grower, open_tender, now)
    made["draft"] = id_of(session.exec(select(Tender).where(Tender.reference == "GROWN-DRAFT")).one())
    session.flush()
    emails = {
        "officer": grower.officer.email,
        "commissioner": grower.commissioner.email,
        "evaluator": grower.evaluators[0].email,
        "conflicted": grower.evaluators[-1].email,
        "bidder": grower.bidders[0].email,
    }
    kinds = {"assessment_summary": "summary", "standstill_letter": "letter", "award_notice": "notice",
             "contract_notice": "contract"}  # fmt: skip
    documents: dict[str, int] = {}
    for kind, document_id in session.exec(
        select(IssuedDocument.kind, IssuedDocument.id).order_by(col(IssuedDocument.id))
    ):
        documents.setdefault(kinds[kind], document_id)
    job = jobs.request(session, grower.officer, made["awarded"], "score_matrix")
    jobs.queued(session)
    session.flush()
    asked = session.exec(
        select(PartnerConfirmation.id).where(PartnerConfirmation.submission_id == found["open"][0])
    ).first()
    contract = session.exec(select(Contract.id).where(Contract.tender_id == made["awarded"])).first()
    return Grown(made, found, emails, id_of(grower.policy), [id_of(e) for e in grower.evaluators],
                 [b.organisation_id for b in grower.bidders], documents, job.id, asked or 0, contract or 0,
                 questions)  # fmt: skip


def _ask_questions(session: Session, grower: _Grower, tender: Tender, now: datetime) -> int:
    """A clarification question from every bidder about the open tender: a third published to all, a third answered
    to the asker alone, a third awaiting an answer. Returns the first question's id."""
    first = 0
    for n, bidder in enumerate(grower.bidders):
        asked = clarifications.ask(session, bidder, id_of(tender), f"Question {n} about the service?", now=now)
        if n % 3 == 0:
            clarifications.answer(session, grower.officer, id_of(asked), answer="For everyone.", audience="all",
                                  published_question=f"Question {n}, reworded?", now=now)  # fmt: skip
        elif n % 3 == 1:
            clarifications.answer(session, grower.officer, id_of(asked), answer="For you.", audience="asker", now=now)
        first = first or id_of(asked)
    return first


def _contracted(session: Session, officer: User, tender_id: int, decided: datetime, now: datetime) -> None:
    link = f"/tenders/{tender_id}"
    award_path.issue_summaries(session, officer, tender_id, tender_url=link, now=decided + timedelta(days=1))
    award_path.publish_award_notice(session, officer, tender_id, tender_url=link, now=decided + timedelta(days=2))
    signed = now - timedelta(days=2)
    entry = contracts.ContractEntry(
        title="Grown contract", value="1200000", starts_on=signed.date().isoformat(),
        ends_on=(signed + timedelta(days=365)).date().isoformat(), signed_on=signed.date().isoformat(),
        kpis=[contracts.KpiEntry("On time", "", "95", "percent")],
    )  # fmt: skip
    contracts.enter_contract(session, officer, tender_id, entry, now=signed)
    contracts.publish_contract_notice(session, officer, tender_id, now=signed + timedelta(hours=1))
