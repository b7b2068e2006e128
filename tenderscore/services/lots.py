"""Lots (docs/lots.md): dividing a draft tender into lots, what the lots share with their tender, and the tender's
rule across them (the cap on lots one bidder may win) applied when a lot is awarded.

A tender is lot 1 of itself; each further lot is a ``tender`` row of its own pointing at it (``lot_of_id``), with
its own title, estimated value, rubric (weights and mandatory thresholds, within the policy) and, once published,
its own bids, panel, evaluation, moderation, reports and award: the code that runs a tender runs a lot. What the
lots share (buyer, policy, the deadlines, publication and opening) is set on the tender and copied to its lots here
and nowhere else (``follow``); a lot refuses to change it itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderscore.core import Evaluation
from tenderscore.core.lots import CapRule, LotOrder, LotOutcome, LotStanding, Ranked, allocate
from tenderscore.db.models import Role, Submission, Tender, TenderStatus, User, id_of
from tenderscore.services import audit, limits
from tenderscore.services.errors import Conflict, Forbidden, Problems, StaleRecord

# What a lot takes from its tender, always: set on the tender, never on a lot.
SHARED = ("buyer_org_id", "policy_id", "deadline", "clarification_deadline", "template_version")
# What a lot takes from its tender until bids are opened; from then on each lot is evaluated and awarded alone.
SHARED_UNTIL_OPENED = ("status", "published_at", "opened_at")
MOST_LOTS = 20


def head_of(session: Session, tender: Tender) -> Tender:
    """The tender a lot belongs to (a tender is its own)."""
    if tender.lot_of_id is None:
        return tender
    head = session.get(Tender, tender.lot_of_id)
    assert head is not None  # a foreign key
    return head


def lots_of(session: Session, tender: Tender, *, for_update: bool = False) -> list[Tender]:
    """Every lot of the tender ``tender`` is (or is a lot of), lot 1 first; deleted lots left out."""
    head = head_of(session, tender)
    query = (
        select(Tender)
        .where(Tender.lot_of_id == head.id, col(Tender.deleted_at).is_(None))
        .order_by(col(Tender.lot_number))
    )
    if for_update:
        query = query.with_for_update()
    return [head, *session.exec(query).all()]


def lots_of_many(session: Session, heads: list[Tender]) -> dict[int, list[Tender]]:
    """``lots_of`` for several tenders in one query, by tender id."""
    found: dict[int, list[Tender]] = {id_of(h): [h] for h in heads}
    if not found:
        return found
    rows = session.exec(
        select(Tender)
        .where(col(Tender.lot_of_id).in_(list(found)), col(Tender.deleted_at).is_(None))
        .order_by(col(Tender.lot_number))
    ).all()
    for row in rows:
        found[int(row.lot_of_id or 0)].append(row)
    return found


def divided(session: Session, tender: Tender) -> bool:
    """Whether the tender (or the tender of this lot) has more than one lot."""
    return tender.lot_of_id is not None or len(lots_of(session, tender)) > 1


def lot_name(tender: Tender) -> str:
    """"Lot 2: Accredited programmes" (or "Lot 1" while lot 1 has no title of its own)."""
    return f"Lot {tender.lot_number}" + (f": {tender.lot_title}" if tender.lot_title else "")


def caption(tender: Tender) -> str:
    """The title documents and templates carry: the tender's, with the lot named when the tender is divided."""
    return f"{tender.title} — {lot_name(tender)}" if tender.lot_title else tender.title


def rule_of(head: Tender) -> CapRule:
    return CapRule(cap=head.lot_cap, order=LotOrder(head.lot_order))


def _draft_head(session: Session, actor: User, tender_id: int, expected_version: int) -> Tender:
    from tenderscore.services.tenders import get_tender

    tender = get_tender(session, actor, tender_id, for_update=True)
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a procurement officer can do this")
    if tender.lot_of_id is not None:
        head = head_of(session, tender)
        raise Conflict(f"This is {lot_name(tender)} of {head.reference}; lots are added and ruled on the tender")
    if tender.status != TenderStatus.DRAFT:
        raise Conflict("Lots are set while the tender is a draft; a published tender's lots are frozen")
    if tender.version != expected_version:
        raise StaleRecord(f"This tender was changed by someone else (now version {tender.version}); reload it")
    return tender


def _title(value: str, field: str) -> str:
    return limits.written(value, field, "the lot's title", maximum=limits.TITLE_MAX, single_line=True)


def add_lot(
    session: Session,
    actor: User,
    tender_id: int,
    *,
    expected_version: int,
    title: str,
    estimated_value: Decimal | None = None,
    first_title: str | None = None,
) -> Tender:
    """A further lot of a draft tender, starting from the tender's own rubric (the officer then sets its weights
    and thresholds as for any draft). Dividing a tender for the first time names lot 1 too (``first_title``; the
    tender's title when not given)."""
    head = _draft_head(session, actor, tender_id, expected_version)
    lots = lots_of(session, head, for_update=True)
    problems = Problems()
    title = problems.check(lambda: _title(title, "title")) or ""
    if len(lots) == 1 and head.lot_title is None:
        first = first_title if first_title is not None and first_title.strip() else head.title
        head.lot_title = problems.check(lambda: _title(first, "first_title")) or head.title
    if estimated_value is not None and estimated_value < 0:
        problems.add("estimated_value", "enter an estimated value of £0 or more")
    if len(lots) >= MOST_LOTS:
        problems.add("title", f"a tender has at most {MOST_LOTS} lots")
    numbers = session.exec(select(Tender.lot_number).where(Tender.lot_of_id == head.id)).all()
    number = max([1, *numbers]) + 1  # never reused, deleted lots included: "Lot 3" in the record is one lot
    reference = f"{head.reference}-L{number}"
    if len(reference) > limits.REFERENCE_MAX:
        problems.add("title", f"the tender's reference is too long to name lot {number} ({reference}); shorten it")
    elif session.exec(select(Tender.id).where(Tender.reference == reference)).first() is not None:
        problems.add("title", f"the reference {reference} that lot {number} would have is taken by another tender")
    problems.raise_any()
    lot = Tender(
        reference=reference,
        title=head.title,
        description=head.description,
        buyer_org_id=head.buyer_org_id,
        estimated_value=estimated_value,
        deadline=head.deadline,
        rubric=dict(head.rubric),
        created_by_id=id_of(actor),
        lot_of_id=head.id,
        lot_number=number,
        lot_title=title,
    )
    for name in SHARED:
        setattr(lot, name, getattr(head, name))
    head.version += 1
    session.add_all([head, lot])
    session.flush()
    audit.record(
        session, actor, "tender.lot_added", "tender", lot.id, tender_id=head.id,
        after={"lot": number, "reference": reference, "title": title, "estimated_value": estimated_value,
               "lot_1_title": head.lot_title},
    )  # fmt: skip
    return lot


def set_rule(
    session: Session, actor: User, tender_id: int, *, expected_version: int, cap: int | None, order: str
) -> Tender:
    """The tender's rule across its lots: the most lots one bidder may win (None: no limit) and which lots are
    settled first when that bites. Published with the tender."""
    head = _draft_head(session, actor, tender_id, expected_version)
    problems = Problems()
    if cap is not None and cap < 1:
        problems.add("lot_cap", "enter 1 or more, or leave it empty for no limit")
    if order not in tuple(LotOrder):
        problems.add("lot_order", "choose by value or by lot number")
    problems.raise_any()
    before = {"lot_cap": head.lot_cap, "lot_order": head.lot_order}
    head.lot_cap, head.lot_order = cap, order
    if before == {"lot_cap": cap, "lot_order": order}:
        return head
    head.version += 1
    session.add(head)
    session.flush()
    audit.record(
        session, actor, "tender.lot_rule_set", "tender", head.id, tender_id=head.id, before=before,
        after={"lot_cap": cap, "lot_order": order, "rule": rule_of(head).words},
    )  # fmt: skip
    return head


def follow(session: Session, head: Tender) -> None:
    """Copy what a tender's lots share from it to each of them (after any change to the tender). A lot passes
    nothing on: a lot changed or removed alone leaves its tender's other lots as they are."""
    if head.lot_of_id is not None:
        return
    for lot in lots_of(session, head)[1:]:
        changed = False
        names = SHARED + (SHARED_UNTIL_OPENED if lot.opened_at is None else ())
        for name in names:
            if getattr(lot, name) != getattr(head, name):
                setattr(lot, name, getattr(head, name))
                changed = True
        if head.deleted_at is not None and lot.deleted_at is None:
            lot.deleted_at, changed = head.deleted_at, True
        if lot.title != head.title:
            lot.title, changed = head.title, True
        if changed:
            lot.version += 1
            session.add(lot)
    session.flush()


def refuse_on_a_lot(session: Session, tender: Tender, doing: str) -> None:
    """A lot shares ``doing`` with its tender: refuse it on the lot, naming the tender to do it on."""
    if tender.lot_of_id is not None:
        head = head_of(session, tender)
        raise Conflict(f"{lot_name(tender)} shares this with its tender: {doing} on {head.reference}")


# The rule across lots at award ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """The cap applied across a tender's lots: each lot's outcome, bidders named by organisation."""

    rule: CapRule
    outcomes: dict[int, LotOutcome]  # by lot number; bidders as organisation ids in text
    names: dict[str, str]  # organisation id -> bidder name

    def explained(self, number: int) -> dict[str, object]:
        outcome = self.outcomes[number]
        return {
            "rule": self.rule.words,
            "lot": number,
            "winner": self.names.get(outcome.winner or "", None),
            "passed_over": [
                {"bidder": self.names.get(b, b), "cap_reached_by_lots": list(lots)} for b, lots in outcome.passed_over
            ],
        }


def allocation(session: Session, tender: Tender, *, own: Evaluation | None = None) -> Allocation | None:
    """The tender's cap applied across all its lots, for awarding ``tender`` (a lot); None when no cap can bite
    (one lot, no cap, or a cap of at least the number of lots). Every lot's evaluation must then be final.
    ``own``: ``tender``'s evaluation when the caller has gathered it already (it is not gathered again)."""
    from tenderscore.services.evaluation import gather

    head = head_of(session, tender)
    lots = lots_of(session, head)
    rule = rule_of(head)
    if len(lots) == 1 or rule.cap is None or rule.cap >= len(lots):
        return None
    standings, names = [], {}
    for lot in lots:
        if lot.status not in (TenderStatus.EVALUATING, TenderStatus.AWARDED):
            raise Conflict(
                f"{lot_name(lot)} is {lot.status}: with a limit on lots won, every lot's evaluation is needed first"
            )
        result = own if own is not None and lot.id == tender.id else gather(session, lot).evaluation
        if result.provisional:
            raise Conflict(
                f"{lot_name(lot)}'s results are provisional ({len(result.missing_consensus)} consensus scores "
                "missing): with a limit on lots won, a lot is awarded only when every lot's evaluation is final"
            )
        orgs = _bidders(session, [int(r.bid_id) for r in result.ranked])
        ranked = tuple(Ranked(str(orgs[int(r.bid_id)]), int(r.rank or 0)) for r in result.ranked)
        names.update({str(orgs[int(r.bid_id)]): r.bidder for r in result.ranked})
        standings.append(LotStanding(lot.lot_number, lot.estimated_value, ranked))
    return Allocation(rule, allocate(rule, standings), names)


def _bidders(session: Session, submission_ids: list[int]) -> dict[int, int]:
    if not submission_ids:
        return {}
    rows = session.exec(
        select(Submission.id, Submission.bidder_org_id).where(col(Submission.id).in_(submission_ids))
    ).all()
    return {int(sid or 0): org for sid, org in rows}


def winning_submission(session: Session, tender: Tender, found: Allocation) -> int | None:
    """The submission in ``tender`` (a lot) of the bidder the rule gives it to."""
    winner = found.outcomes[tender.lot_number].winner
    if winner is None:
        return None
    return session.exec(
        select(Submission.id).where(
            Submission.tender_id == tender.id,
            Submission.bidder_org_id == int(winner),
            col(Submission.is_current).is_(True),
        )
    ).first()
