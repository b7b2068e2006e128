"""Partners confirming their part in a bid (docs/register.md, "Confirmations"): the one home of the requests, the
answers, who may see and give them, and what the evaluation reads of them.

- **Asked on submission.** Each partner line of a stored submission gets one ``PartnerConfirmation``: ``awaiting``
  when the identifier is on the register (the partner organisation is asked, by its page and by email), ``not_asked``
  when the register does not know it (nobody to ask; the officer still sees the line).
- **Carried over.** A resubmission naming the same partner (identifier) for the same £ and role carries the earlier
  answer over (``carried_from_id``) and asks nobody again; anything else is a new request.
- **What a partner sees.** Its own requests only, and of each only the buyer, the tender, the bidder, its role and
  its £: never the rest of the bid nor its price. Another organisation's request is a 404.
- **Answers** (confirm, or refuse with a reason) can be given and changed until the tender is awarded, never after;
  each one is audited. A refusal is a flag for the moderator (core/flags.partner_flags).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tenderscore.core.numbers import money, plural
from tenderscore.core.register import Confirmation
from tenderscore.core.responses import BidResponse
from tenderscore.db.models import (
    Organisation,
    PartnerConfirmation,
    RegisterEntry,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import audit, identifiers, limits, lots, mail, register
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError
from tenderscore.services.tenders import buyer_name

NOTE_MAX = 2_000
ANSWERS = (Confirmation.CONFIRMED, Confirmation.REFUSED)
Link = Callable[[int], str]  # confirmation id -> the full address of its page, for an email


# --- asking, when a submission is stored -------------------------------------------------------------------------


def ask(
    session: Session,
    actor: User,
    tender: Tender,
    submission: Submission,
    response: BidResponse,
    previous: Submission | None,
    *,
    now: datetime,
    link: Link | None = None,
) -> list[PartnerConfirmation]:
    """One request per partner line of ``submission`` (see the module's rules); emails queue with the commit."""
    orgids = [identifiers.stored(p.identifier) for p in response.vcse_partners]
    found = register.standings(session, [o for o in orgids if o is not None], at=now)
    earlier = _by_identifier(of_submissions(session, [id_of(previous)]).get(id_of(previous), [])) if previous else {}
    rows: list[PartnerConfirmation] = []
    for line, (partner, orgid) in enumerate(zip(response.vcse_partners, orgids, strict=True), start=1):
        seen = found.get(orgid) if orgid is not None else None
        org_id = id_of(seen.organisation) if seen and seen.entry is not None and seen.organisation else None
        row = PartnerConfirmation(
            submission_id=id_of(submission), line=line, name=partner.name, identifier=partner.identifier or "",
            partner_org_id=org_id, value_gbp=partner.value_gbp, role=partner.role or "",
            status=Confirmation.AWAITING if org_id is not None else Confirmation.NOT_ASKED, asked_at=now,
        )  # fmt: skip
        prior = earlier.get(row.identifier)
        if prior is not None and _same_part(prior, row):
            row.status, row.asked_at, row.carried_from_id = prior.status, prior.asked_at, prior.id
            row.answered_at, row.answered_by_id, row.note = prior.answered_at, prior.answered_by_id, prior.note
        session.add(row)
        rows.append(row)
    session.flush()
    fresh = [r for r in rows if r.carried_from_id is None and r.status == Confirmation.AWAITING]
    _email(session, tender, submission, fresh, link)
    if rows:
        audit.record(
            session, actor, "submission.partners_asked", "submission", id_of(submission), tender_id=tender.id,
            after={"submission_id": id_of(submission), "asked": len(fresh),
                   "carried": sum(r.carried_from_id is not None for r in rows),
                   "not_asked": sum(r.status == Confirmation.NOT_ASKED for r in rows)},
        )  # fmt: skip
    return rows



def _by_identifier(rows: Iterable[PartnerConfirmation]) -> dict[str, PartnerConfirmation]:
    return {r.identifier: r for r in rows}


def _same_part(prior: PartnerConfirmation, row: PartnerConfirmation) -> bool:
    """The partner is asked about the same thing: the same organisation, £ and role."""
    return (
        prior.partner_org_id == row.partner_org_id
        and prior.value_gbp == row.value_gbp
        and prior.role.strip() == row.role.strip()
    )


def partner_addresses(session: Session, org_ids: Iterable[int]) -> dict[int, set[str]]:
    """Where a partner organisation is asked: each active partner user's address and its register entry's contact
    address, by organisation id (also used for the spend a supplier reports in a delivery return)."""
    wanted = set(org_ids)
    addresses: dict[int, set[str]] = defaultdict(set)
    if not wanted:
        return addresses
    for org_id, email in _partner_users(session, wanted):
        addresses[org_id].add(email.lower())
    for org_id, email in session.exec(
        select(RegisterEntry.organisation_id, RegisterEntry.contact_email).where(
            col(RegisterEntry.organisation_id).in_(wanted)
        )
    ).all():
        if email.strip():
            addresses[org_id].add(email.strip().lower())
    return addresses


def with_accounts(session: Session, org_ids: Iterable[int]) -> set[int]:
    """The organisations among ``org_ids`` with an active partner account (the others cannot answer yet)."""
    wanted = set(org_ids)
    return {org_id for org_id, _email in _partner_users(session, wanted)} if wanted else set()


def _partner_users(session: Session, org_ids: set[int]) -> list[tuple[int, str]]:
    """(organisation id, email) of every active partner account of the organisations ``org_ids``: who can answer."""
    query = select(User.organisation_id, User.email).where(
        col(User.organisation_id).in_(org_ids), User.role == Role.PARTNER, col(User.active).is_(True)
    )
    return [(org_id, email) for org_id, email in session.exec(query).all()]


def no_account_yet(organisation: str, buyer: str) -> str:
    """What a partner with no account is told, in every email asking it to answer."""
    return (f"Nobody at {organisation} has a tenderscore account yet, so you cannot answer online until someone "
            f"does: ask {buyer} to give you one from {organisation}'s entry on the VCSE register.")


def _email(
    session: Session, tender: Tender, submission: Submission, rows: Sequence[PartnerConfirmation], link: Link | None
) -> None:
    """One email to each active partner user and the entry's contact address of each partner asked: the buyer, the
    tender, the bidder, the role and the £, and nothing else of the bid."""
    org_ids = {r.partner_org_id for r in rows if r.partner_org_id is not None}
    if not org_ids:
        return
    addresses = partner_addresses(session, org_ids)
    answering = with_accounts(session, org_ids)
    bidder = session.get(Organisation, submission.bidder_org_id)
    buyer = buyer_name(session, tender)
    for row in rows:
        where = (
            f"Confirm or refuse it here: {link(id_of(row))}"
            if link is not None
            else "Sign in to tenderscore and open 'Confirmations' to confirm or refuse it."
        )
        if row.partner_org_id not in answering:
            where = no_account_yet(row.name, buyer)
        body = (
            f"{bidder.name if bidder else 'A bidder'} names {row.name} ({row.identifier}) as a VCSE partner in its "
            f"bid for {buyer}'s tender {tender.reference}: {lots.caption(tender)}.\n\n"
            f"The part it gives you: {row.role or '(no role stated)'}, worth {money(row.value_gbp)}.\n\n"
            "Please tell the buyer whether you agreed to this. If the role or the £ value is not what you agreed, "
            f"refuse it and say why: the evaluation panel will see your answer.\n\n{where}\n\n"
            "You can change your answer until the contract is awarded."
        )
        subject = f"Please confirm your part in a bid for {tender.reference}"
        for address in sorted(addresses.get(row.partner_org_id or 0, ())):
            mail.queue(session, mail.Message(to=address, subject=subject, body=body, purpose="partner_confirmation"))


# --- what the evaluation reads ----------------------------------------------------------------------------------


def of_submissions(session: Session, submission_ids: Iterable[int]) -> dict[int, list[PartnerConfirmation]]:
    """Each submission's requests, in the bid's order, in one query whatever the number of submissions."""
    wanted = set(submission_ids)
    found: dict[int, list[PartnerConfirmation]] = defaultdict(list)
    if wanted:
        for row in session.exec(
            select(PartnerConfirmation)
            .where(col(PartnerConfirmation.submission_id).in_(wanted))
            .order_by(col(PartnerConfirmation.submission_id), col(PartnerConfirmation.line))
        ).all():
            found[row.submission_id].append(row)
    return dict(found)


def status_at(row: PartnerConfirmation, at: datetime | None) -> Confirmation:
    """What the evaluation takes the answer to be at ``at`` (``None``: now). An answer given after ``at`` (after
    the award decision) does not count: the request stands as unanswered, as it was when the decision was made."""
    status = Confirmation(row.status)
    if at is not None and status in ANSWERS and row.answered_at is not None and row.answered_at > at:
        return Confirmation.AWAITING
    return status


# --- the partner's side ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request as its partner sees it: what it is asked to confirm, and nothing else of the bid."""

    confirmation: PartnerConfirmation
    tender_id: int
    tender_reference: str
    tender_title: str
    buyer: str
    bidder: str
    awarded: bool  # the tender is awarded: the answer can no longer change
    current: bool  # the bid's current version (an earlier version's request is replaced by the new one's)

    @property
    def status(self) -> Confirmation:
        return Confirmation(self.confirmation.status)

    @property
    def answerable(self) -> bool:
        return self.current and not self.awarded


def _partner(actor: User) -> None:
    if actor.role != Role.PARTNER:
        raise Forbidden("Only a VCSE partner's users confirm or refuse a part in a bid")


def _requests(session: Session, actor: User, confirmation_id: int | None = None) -> list[Request]:
    """The actor's organisation's requests (one query with the tender, the bid and the bidder)."""
    bidder, buyer = aliased(Organisation), aliased(Organisation)
    query = (
        select(PartnerConfirmation, Tender, Submission.is_current, bidder.name, buyer.name)  # type: ignore[call-overload]
        .join(Submission, col(Submission.id) == PartnerConfirmation.submission_id)
        .join(Tender, col(Tender.id) == Submission.tender_id)
        .join(bidder, col(bidder.id) == Submission.bidder_org_id)
        .join(buyer, col(buyer.id) == Tender.buyer_org_id)
        .where(PartnerConfirmation.partner_org_id == actor.organisation_id, col(Tender.deleted_at).is_(None))
    )
    if confirmation_id is not None:
        query = query.where(PartnerConfirmation.id == confirmation_id)
    rows = session.exec(query.order_by(col(PartnerConfirmation.asked_at).desc(), col(PartnerConfirmation.id))).all()
    return [
        Request(row, id_of(tender), tender.reference, lots.caption(tender), buyer_org, bidder_org,
                tender.status == TenderStatus.AWARDED, bool(current))
        for row, tender, current, bidder_org, buyer_org in rows
    ]  # fmt: skip


def requests_for(session: Session, actor: User) -> list[Request]:
    """The partner's requests on current bids: awaiting an answer first, then the newest."""
    _partner(actor)
    found = [r for r in _requests(session, actor) if r.current]
    return sorted(found, key=lambda r: r.status != Confirmation.AWAITING)  # stable: newest first within each


def request_for(session: Session, actor: User, confirmation_id: int) -> Request:
    """One of the partner's requests; a 404 for anyone else's (another's request is not said to exist)."""
    _partner(actor)
    found = _requests(session, actor, confirmation_id)
    if not found:
        raise NotFound(f"No confirmation request {confirmation_id}")
    return found[0]


def replaced_by(session: Session, actor: User, request: Request) -> PartnerConfirmation | None:
    """For a request on an earlier version of a bid: the same partner's request on the current version, if any."""
    if request.current:
        return None
    current = session.exec(
        select(PartnerConfirmation)
        .join(Submission, col(Submission.id) == PartnerConfirmation.submission_id)
        .where(
            Submission.tender_id == request.tender_id,
            col(Submission.is_current).is_(True),
            PartnerConfirmation.partner_org_id == actor.organisation_id,
            PartnerConfirmation.identifier == request.confirmation.identifier,
            Submission.bidder_org_id
            == select(Submission.bidder_org_id)
            .where(Submission.id == request.confirmation.submission_id)
            .scalar_subquery(),
        )
    ).first()
    return current


def answer(
    session: Session,
    actor: User,
    confirmation_id: int,
    given: object,
    note: object = "",
    *,
    now: datetime | None = None,
) -> PartnerConfirmation:
    """Confirm or refuse (a refusal needs a reason), or change an earlier answer, until the tender is awarded."""
    request = request_for(session, actor, confirmation_id)
    row = session.get(PartnerConfirmation, confirmation_id, with_for_update=True, populate_existing=True)
    tender = session.get(Tender, request.tender_id, with_for_update=True, populate_existing=True)
    assert row is not None and tender is not None
    if tender.status == TenderStatus.AWARDED:
        raise Conflict(
            f"answer: {tender.reference} has been awarded, so answers can no longer be given or changed", field="answer"
        )
    if not request.current:
        raise Conflict(
            "answer: the bidder has replaced this version of its bid; answer the request on its current version",
            field="answer",
        )
    if given not in tuple(ANSWERS):
        raise ServiceError("answer: choose whether you confirm or refuse this part", field="answer")
    status = Confirmation(str(given))
    if status == Confirmation.REFUSED:
        text = limits.written(note, "note", "why you refuse: what is wrong with the role or the £ value",
                              maximum=NOTE_MAX)  # fmt: skip
    else:
        text = limits.written(note if note is not None else "", "note", "a note", maximum=NOTE_MAX, required=False)
    before = {"status": row.status, "note": row.note, "answered_at": row.answered_at}
    now = now or utcnow()
    row.status, row.note, row.answered_at, row.answered_by_id = status, text, now, id_of(actor)
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "partner_confirmation.answered", "partner_confirmation", id_of(row), tender_id=tender.id,
        before=before,
        after={"status": row.status, "note": row.note, "answered_at": now, "submission_id": row.submission_id,
               "partner": row.name, "identifier": row.identifier},
        reason=text,
    )  # fmt: skip
    return row


def summary(rows: Sequence[PartnerConfirmation]) -> str:
    """``3 partners: 1 confirmed, 1 refused, 1 not yet answered``."""
    counts: dict[Confirmation, int] = defaultdict(int)
    for row in rows:
        counts[Confirmation(row.status)] += 1
    parts = [f"{n} {status.words}" for status, n in counts.items() if n]
    return f"{plural(len(rows), 'partner')}: {', '.join(parts)}" if rows else "no partners named"
