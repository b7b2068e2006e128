"""A policy's VCSE share across its tenders, for the commissioner who must show it is real (docs/register.md,
"For commissioners").

For each tender under the policy whose bids are open: how many bids, and for the awarded bid the VCSE share it
promised, how much of that its *verified* partners deliver, and how much its verified partners who *confirmed* their
part deliver. Across every opened bid: which partners recur, their standing now, and what they said. An awarded
tender is read as at its award (the register and the answers on the day it was decided), so a later lapse or answer
never rewrites what was decided on; a tender still in evaluation is read as it stands.

Sealed bids are never read: a tender whose bids are not open shows only that it has bids to come.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core.numbers import HUNDRED, ZERO, exact_arithmetic, ratio
from tenderscore.core.orgid import OrgId
from tenderscore.core.register import Confirmation, Standing
from tenderscore.db.models import (
    Organisation,
    PartnerConfirmation,
    Policy,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import access, awards, confirmations, identifiers, named_partners, register
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import NotFound
from tenderscore.services.tenders import rubric_of


@dataclass(frozen=True)
class PartnerLine:
    """One partner named in one bid, as at the moment its tender is read."""

    name: str
    identifier: str
    value_gbp: Decimal
    standing: Standing
    confirmation: Confirmation


@dataclass(frozen=True)
class AwardedShare:
    """The awarded bid's VCSE share: promised, by verified partners, by verified partners who confirmed."""

    bidder: str
    price: Decimal
    promised: Decimal  # percent: the share the bid stated (or, with no VCSE question, its partners' £)
    verified: Decimal  # percent of the price delivered by partners verified at the award
    confirmed: Decimal  # percent delivered by verified partners who had confirmed their part by the award
    partners: tuple[PartnerLine, ...]
    as_at: datetime


@dataclass(frozen=True)
class TenderShare:
    tender: Tender
    opened: bool
    bids: int
    awarded: AwardedShare | None


@dataclass
class RecurringPartner:
    """A partner across the policy's opened bids."""

    name: str
    identifier: str
    standing: Standing  # now
    bids: int = 0
    tenders: set[int] = field(default_factory=set)
    total_gbp: Decimal = ZERO
    answers: dict[Confirmation, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def tender_count(self) -> int:
        return len(self.tenders)


@dataclass(frozen=True)
class PolicyShare:
    policy: Policy
    tenders: list[TenderShare]
    partners: list[RecurringPartner]
    read_at: datetime

    @property
    def awarded(self) -> list[TenderShare]:
        return [t for t in self.tenders if t.awarded is not None]


def may_oversee(actor: User, policy: Policy) -> bool:
    """The policy's own commissioners see every tender under it; a buyer's officers see their own tenders under it."""
    if actor.role == Role.COMMISSIONER:
        return actor.organisation_id == policy.commissioner_org_id
    return actor.role == Role.OFFICER


def policy_share(session: Session, actor: User, policy_id: int) -> PolicyShare:
    """The VCSE picture of a policy's tenders, in a fixed number of queries whatever their number."""
    policy = session.get(Policy, policy_id)
    if policy is None or not may_oversee(actor, policy):
        raise NotFound(f"No policy {policy_id}")
    query = select(Tender).where(Tender.policy_id == policy_id, col(Tender.deleted_at).is_(None),
                                 Tender.status != TenderStatus.DRAFT)  # fmt: skip
    if actor.role == Role.OFFICER:
        query = query.where(Tender.buyer_org_id == actor.organisation_id)
    tenders = list(session.exec(query.order_by(col(Tender.deadline).desc())).all())
    opened = [t for t in tenders if not access.sealed(t)]
    bids = _current(session, [id_of(t) for t in opened])
    counts = _counts(session, [id_of(t) for t in tenders])
    live = awards.live_awards(session, [id_of(t) for t in opened])
    answers = {sid: {row.line: row for row in rows}
               for sid, rows in confirmations.of_submissions(session, [id_of(s) for s, _ in bids]).items()}
    parsed = {id_of(s): _partners(s, name) for s, name in bids}
    book = register.standing_book(session, [o for lines in parsed.values() for o, _ in lines if o is not None])
    now = utcnow()
    shares = []
    recurring: dict[str, RecurringPartner] = {}
    for tender in tenders:
        award = live.get(id_of(tender))
        moment = named_partners.as_at(tender) or now  # the one rule: as at the award decision, else now
        awarded = None
        for submission, bidder in (b for b in bids if b[0].tender_id == tender.id):
            lines = _lines(parsed[id_of(submission)], answers.get(id_of(submission), {}), book, moment)
            _tally(recurring, tender, lines, book, now)
            if award is not None and award.submission_id == submission.id:
                awarded = _awarded_share(tender, submission, bidder, lines, moment)
        shares.append(TenderShare(tender, tender in opened, counts.get(id_of(tender), 0), awarded))
    partners = sorted(recurring.values(), key=lambda p: (-p.bids, -p.tender_count, p.name.lower()))
    return PolicyShare(policy, shares, partners, now)


def _current(session: Session, tender_ids: list[int]) -> list[tuple[Submission, str]]:
    if not tender_ids:
        return []
    rows = session.exec(
        select(Submission, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(Submission.bidder_org_id))
        .where(col(Submission.tender_id).in_(tender_ids), col(Submission.is_current).is_(True))
        .order_by(col(Submission.id))
    ).all()
    return [(s, name) for s, name in rows]


def _counts(session: Session, tender_ids: list[int]) -> dict[int, int]:
    if not tender_ids:
        return {}
    rows = session.exec(
        select(Submission.tender_id).where(col(Submission.tender_id).in_(tender_ids), col(Submission.is_current))
    ).all()
    counts: dict[int, int] = defaultdict(int)
    for tender_id in rows:
        counts[tender_id] += 1
    return counts


@dataclass(frozen=True)
class _Named:
    name: str
    identifier: str
    value_gbp: Decimal


def _partners(submission: Submission, bidder: str) -> list[tuple[OrgId | None, _Named]]:
    response = response_from_json(submission.responses, bid_id=str(submission.id), bidder=bidder)
    lines = []
    for partner in response.vcse_partners:
        identifier = partner.identifier or ""
        orgid = identifiers.stored(identifier)
        lines.append((orgid, _Named(partner.name, str(orgid) if orgid else identifier, partner.value_gbp)))
    return lines


def _lines(
    named: list[tuple[OrgId | None, _Named]],
    answers: dict[int, PartnerConfirmation],
    book: register.StandingBook,
    moment: datetime,
) -> list[PartnerLine]:
    lines = []
    for line, (orgid, partner) in enumerate(named, start=1):
        standing = book.at(orgid, moment).standing if orgid is not None else Standing.UNKNOWN
        lines.append(PartnerLine(partner.name, partner.identifier, partner.value_gbp, standing,
                                 _answer(answers.get(line), partner.identifier, moment)))  # fmt: skip
    return lines


def _answer(row: PartnerConfirmation | None, identifier: str, moment: datetime) -> Confirmation:
    """What the partner had said by ``moment`` (services/confirmations.status_at, the one rule)."""
    if row is None or row.identifier != identifier:
        return Confirmation.NOT_ASKED
    return confirmations.status_at(row, moment)


def _tally(
    recurring: dict[str, RecurringPartner],
    tender: Tender,
    lines: Sequence[PartnerLine],
    book: register.StandingBook,
    now: datetime,
) -> None:
    for line in lines:
        key = line.identifier or f"name:{line.name.lower()}"
        if key not in recurring:
            orgid = identifiers.stored(line.identifier)
            standing = book.at(orgid, now).standing if orgid is not None else Standing.UNKNOWN
            recurring[key] = RecurringPartner(line.name, line.identifier, standing)
        entry = recurring[key]
        entry.bids += 1
        entry.tenders.add(id_of(tender))
        entry.total_gbp += line.value_gbp
        entry.answers[line.confirmation] += 1


def _awarded_share(
    tender: Tender, submission: Submission, bidder: str, lines: list[PartnerLine], moment: datetime
) -> AwardedShare | None:
    response = response_from_json(submission.responses, bid_id=str(submission.id), bidder=bidder)
    price = response.price
    if price is None or price <= ZERO:
        return None
    rubric = rubric_of(tender)
    with exact_arithmetic():
        listed = ratio(sum((p.value_gbp for p in lines), ZERO) * HUNDRED, price)
        verified = ratio(sum((p.value_gbp for p in lines if p.standing is Standing.VERIFIED), ZERO) * HUNDRED, price)
        confirmed = ratio(sum((p.value_gbp for p in lines if p.standing is Standing.VERIFIED
                               and p.confirmation is Confirmation.CONFIRMED), ZERO) * HUNDRED, price)  # fmt: skip
    stated = response.commitments.get(rubric.vcse_criterion or "") if rubric.vcse_criterion else None
    return AwardedShare(bidder, price, stated if stated is not None else listed, verified, confirmed, tuple(lines),
                        moment)  # fmt: skip
