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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core import BidResponse, VcsePartner
from tenderscore.core.numbers import ZERO
from tenderscore.core.orgid import OrgId
from tenderscore.core.register import Confirmation, Standing
from tenderscore.core.vcse import vcse_share
from tenderscore.db.models import (
    Organisation,
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
    asked = confirmations.of_submissions(session, [b.submission_id for b in bids])
    named = [identifiers.stored(p.identifier) for b in bids for p in b.response.vcse_partners]
    book = register.standing_book(session, [o for o in named if o is not None])
    by_tender: dict[int, list[_Bid]] = defaultdict(list)
    for bid in bids:
        by_tender[bid.tender_id].append(bid)
    now = utcnow()
    shares = []
    recurring: dict[str, RecurringPartner] = {}
    for tender in tenders:
        award = live.get(id_of(tender))
        moment = named_partners.as_at(tender) or now  # the one rule: as at the award decision, else now
        awarded = None
        for bid in by_tender.get(id_of(tender), []):
            rows = {row.line: row for row in asked.get(bid.submission_id, [])}
            response = named_partners.filled(bid.response, rows, _standing_in(book, moment), moment)
            lines = [_line(p) for p in response.vcse_partners]
            _tally(recurring, tender, lines, book, now)
            if award is not None and award.submission_id == bid.submission_id:
                awarded = _awarded_share(tender, response, lines, moment)
        shares.append(TenderShare(tender, tender in opened, counts.get(id_of(tender), 0), awarded))
    partners = sorted(recurring.values(), key=lambda p: (-p.bids, -p.tender_count, p.name.lower()))
    return PolicyShare(policy, shares, partners, now)


@dataclass(frozen=True)
class _Bid:
    submission_id: int
    tender_id: int
    response: BidResponse


def _current(session: Session, tender_ids: list[int]) -> list[_Bid]:
    """The current bids of these (opened) tenders as read responses: the stored JSON, never the workbooks' bytes."""
    if not tender_ids:
        return []
    rows = session.exec(
        select(Submission.id, Submission.tender_id, Submission.responses, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(Submission.bidder_org_id))
        .where(col(Submission.tender_id).in_(tender_ids), col(Submission.is_current).is_(True))
        .order_by(col(Submission.id))
    ).all()
    return [_Bid(sid or 0, tender_id, response_from_json(dict(responses), bid_id=str(sid), bidder=name))
            for sid, tender_id, responses, name in rows]  # fmt: skip


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


def _standing_in(book: register.StandingBook, moment: datetime) -> Callable[[OrgId], Standing]:
    return lambda orgid: book.at(orgid, moment).standing


def _line(partner: VcsePartner) -> PartnerLine:
    """A partner as ``named_partners.filled`` left it, in the words of this page."""
    confirmation = Confirmation(partner.confirmation) if partner.confirmation else Confirmation.NOT_ASKED
    return PartnerLine(partner.name, partner.identifier or "", partner.value_gbp,
                       Standing(partner.standing or Standing.UNKNOWN), confirmation)  # fmt: skip


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
    tender: Tender, response: BidResponse, lines: list[PartnerLine], moment: datetime
) -> AwardedShare | None:
    price = response.price
    if price is None or price <= ZERO:
        return None
    partners = response.vcse_partners
    verified = [p for p in partners if p.standing == Standing.VERIFIED]
    confirmed = [p for p in verified if p.confirmation == Confirmation.CONFIRMED]
    rubric = rubric_of(tender)
    stated = response.commitments.get(rubric.vcse_criterion) if rubric.vcse_criterion else None
    promised = stated if stated is not None else vcse_share(partners, price)
    return AwardedShare(response.bidder, price, promised, vcse_share(verified, price), vcse_share(confirmed, price),
                        tuple(lines), moment)  # fmt: skip
