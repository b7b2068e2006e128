"""What a VCSE partner answered before for a period it is asked about again.

When a supplier sends a new version of a return that changes a partner's figure, the partner is asked afresh and its
earlier line can no longer be answered (services/delivery_returns.py). So that it knows what changed, its pages show
beside each line the lines of the same contract and period in earlier versions that named it: the £ reported, the
version, and what it answered then (superseded). Only lines naming an identifier the partner's organisation holds,
as ``delivery_returns.spend_request_for`` allows; read-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from tenderscore.db.models import DeliveryReturn, ReturnSpend, User
from tenderscore.services import identifiers
from tenderscore.services.delivery_returns import SpendRequest


@dataclass(frozen=True)
class Earlier:
    """A line of an earlier version of the same return that named the partner."""

    version: int
    line: ReturnSpend


def earlier_lines(session: Session, actor: User, requests: Sequence[SpendRequest]
                  ) -> dict[int, list[Earlier]]:  # fmt: skip
    """For each request (by its line's id), the partner's lines in earlier versions of the same return that differ
    from it (another £, or an answer since replaced), newest first, in one query."""
    held = [str(o) for o in identifiers.of(session, [actor.organisation_id]).get(actor.organisation_id, [])]
    if not held or not requests:
        return {}
    wanted = or_(*(
        (col(DeliveryReturn.contract_id) == r.contract_id) & (col(DeliveryReturn.period) == r.period.number)
        & (col(DeliveryReturn.version) < r.version)
        for r in requests
    ))  # fmt: skip
    rows = session.exec(
        select(ReturnSpend, DeliveryReturn)
        .join(DeliveryReturn, col(DeliveryReturn.id) == ReturnSpend.return_id)
        .where(wanted, col(ReturnSpend.identifier).in_(held))
        .order_by(col(DeliveryReturn.version).desc(), col(ReturnSpend.line))
    ).all()
    by_period: dict[tuple[int, int], list[tuple[int, Earlier]]] = defaultdict(list)
    for line, ret in rows:
        by_period[(ret.contract_id, ret.period)].append((ret.version, Earlier(ret.version, line)))
    return {
        r.line.id: _distinct([e for version, e in by_period.get((r.contract_id, r.period.number), [])
                              if version < r.version and _tells(e.line, r.line)])
        for r in requests
        if r.line.id is not None
    }  # fmt: skip


def _distinct(earlier: list[Earlier]) -> list[Earlier]:
    """Newest first, leaving out an unanswered line whose figure a newer one repeats (its answer carried over)."""
    kept: list[Earlier] = []
    for e in earlier:
        repeated = any(k.line.identifier == e.line.identifier and k.line.amount == e.line.amount for k in kept)
        if not (repeated and e.line.confirmation == "awaiting"):
            kept.append(e)
    return kept


def _tells(before: ReturnSpend, now: ReturnSpend) -> bool:
    """An earlier line says something the current one does not: another £, or an answer since replaced (the same
    figure with no answer, or with the answer carried over, says nothing new)."""
    return before.amount != now.amount or before.confirmation not in ("awaiting", now.confirmation)


__all__ = ["Earlier", "earlier_lines"]
