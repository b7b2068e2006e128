"""What the evaluation knows of each VCSE partner a bid names: its standing on the register and its answer.

The one home of the rule **as at when**: for a tender that is awarded, the register and the partners' answers are
read as they stood at the award decision (``Tender.awarded_at``), so a decided award never changes when a
verification later lapses or is withdrawn, or a partner joins the register afterwards; before the award they are
read as they stand now. (Answers cannot change once a tender is awarded; an award withdrawn puts the tender back
in evaluation, and it is read as of now again.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from tenderscore.core import BidResponse
from tenderscore.core.orgid import OrgId
from tenderscore.core.register import Standing
from tenderscore.db.models import PartnerConfirmation, Tender, TenderStatus
from tenderscore.services import confirmations, identifiers, register


def as_at(tender: Tender) -> datetime | None:
    """The moment partners are judged at for ``tender``: its award decision's time once awarded, else ``None``
    (now)."""
    if tender.status == TenderStatus.AWARDED and tender.awarded_at is not None:
        return tender.awarded_at
    return None


def looked_up(
    session: Session, tender: Tender, bids: Sequence[BidResponse], *, answers: bool = True, at: datetime | None = None
) -> list[BidResponse]:
    """``bids`` (``bid_id`` = submission id) with each partner's ``standing`` and ``confirmation`` filled in, in a
    fixed number of queries whatever the number of bids. ``answers=False`` skips the confirmations (the gates need
    only the standings). ``at`` judges them at another moment: the award decision being taken."""
    at = at or as_at(tender)
    orgids = [identifiers.stored(p.identifier) for bid in bids for p in bid.vcse_partners]
    found = register.standings(session, [o for o in orgids if o is not None], at=at)
    asked: dict[int, list[PartnerConfirmation]] = (
        confirmations.of_submissions(session, [int(b.bid_id) for b in bids if b.bid_id.isdigit()]) if answers else {}
    )
    return [
        filled(bid, {row.line: row for row in asked.get(int(bid.bid_id), [])} if bid.bid_id.isdigit() else {},
               lambda orgid: found[orgid].standing, at)
        for bid in bids
    ]  # fmt: skip


def filled(
    bid: BidResponse,
    rows: Mapping[int, PartnerConfirmation],
    standing_of: Callable[[OrgId], Standing],
    at: datetime | None,
) -> BidResponse:
    """``bid`` with each partner's ``standing`` (``standing_of`` its identifier; unknown without one) and
    ``confirmation`` (its request on the same line for the same identifier, as answered by ``at``) filled in."""
    partners = []
    for line, partner in enumerate(bid.vcse_partners, start=1):
        orgid = identifiers.stored(partner.identifier)
        standing = standing_of(orgid) if orgid is not None else Standing.UNKNOWN
        row = rows.get(line)
        row = row if row is not None and row.identifier == (partner.identifier or "") else None
        confirmation = confirmations.status_at(row, at) if row is not None else None
        partners.append(replace(partner, standing=str(standing), confirmation=confirmation and str(confirmation)))
    return replace(bid, vcse_partners=tuple(partners))
