"""Who may see and do what with a contract in delivery: the one rule every door uses (pages, API, PDFs, exports).

- the buyer's **officers** see every contract of their organisation's tenders and manage it (KPIs, ratings, notices);
- the **commissioner** whose policy the tender was run under sees it (read only);
- the **supplier's** bidder accounts see their own contract and submit its returns;
- a **partner** (a VCSE organisation) sees only the spend lines that name it, to confirm or dispute its figure
  (``services/delivery_returns.spend_requests_for``), never the contract's other figures.
Anyone else is told there is no such contract (a 404 that reveals nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from tenderscore.db.models import Award, Contract, Policy, Role, Tender, User
from tenderscore.services.errors import Forbidden, NotFound


class Seat(StrEnum):
    OFFICER = "officer"
    COMMISSIONER = "commissioner"
    SUPPLIER = "supplier"


@dataclass(frozen=True)
class ContractSeat:
    contract: Contract
    tender: Tender
    seat: Seat

    @property
    def manages(self) -> bool:
        return self.seat == Seat.OFFICER


def seat_of(session: Session, actor: User, contract: Contract, tender: Tender) -> Seat | None:
    if tender.deleted_at is not None:
        return None
    if actor.role == Role.OFFICER and tender.buyer_org_id == actor.organisation_id:
        return Seat.OFFICER
    if actor.role == Role.COMMISSIONER and tender.policy_id is not None:
        policy = session.get(Policy, tender.policy_id)
        if policy is not None and policy.commissioner_org_id == actor.organisation_id:
            return Seat.COMMISSIONER
    if actor.role == Role.BIDDER and contract.supplier_org_id == actor.organisation_id:
        return Seat.SUPPLIER
    return None


def contract_seat(session: Session, actor: User, contract_id: int, *, for_update: bool = False) -> ContractSeat:
    """The contract and the actor's seat at it, or a 404 naming nothing."""
    contract = session.get(Contract, contract_id, with_for_update=for_update, populate_existing=for_update)
    tender = session.get(Tender, contract.tender_id) if contract is not None else None
    award = session.get(Award, contract.award_id) if contract is not None else None
    seat = seat_of(session, actor, contract, tender) if contract and tender else None
    if contract is None or tender is None or seat is None or award is None or award.withdrawn_at is not None:
        raise NotFound(f"No contract {contract_id}")
    return ContractSeat(contract, tender, seat)


def managed_contract(session: Session, actor: User, contract_id: int, *, lock: bool = True) -> ContractSeat:
    """The contract, locked, for the buyer's officer who manages it; others may not change it. A page showing the
    officer's form reads it without the lock (``lock=False``)."""
    found = contract_seat(session, actor, contract_id, for_update=lock)
    if not found.manages:
        raise Forbidden("Only a procurement officer of the buyer manages the contract's KPIs, ratings and notices")
    return found


def supplied_contract(session: Session, actor: User, contract_id: int) -> ContractSeat:
    """The contract, locked, for the supplier's own accounts, who alone submit its delivery returns."""
    found = contract_seat(session, actor, contract_id, for_update=True)
    if found.seat != Seat.SUPPLIER:
        raise Forbidden("Only the supplier submits the contract's delivery returns")
    return found


def visible_contracts(session: Session, actor: User) -> list[tuple[Contract, Tender]]:
    """Every contract the actor may see, newest first, each with its tender, in one query."""
    query = (
        select(Contract, Tender)
        .join(Tender, col(Tender.id) == Contract.tender_id)
        .join(Award, col(Award.id) == Contract.award_id)
        .where(col(Tender.deleted_at).is_(None), col(Award.withdrawn_at).is_(None))
        .order_by(col(Contract.starts_on).desc(), col(Contract.id).desc())
    )
    if actor.role == Role.OFFICER:
        query = query.where(Tender.buyer_org_id == actor.organisation_id)
    elif actor.role == Role.COMMISSIONER:
        query = query.join(Policy, col(Policy.id) == Tender.policy_id).where(
            Policy.commissioner_org_id == actor.organisation_id
        )
    elif actor.role == Role.BIDDER:
        query = query.where(Contract.supplier_org_id == actor.organisation_id)
    else:
        return []
    return [(contract, tender) for contract, tender in session.exec(query).all()]


_ROLE_SEATS: dict[str, Seat] = {
    Role.OFFICER: Seat.OFFICER,
    Role.COMMISSIONER: Seat.COMMISSIONER,
    Role.BIDDER: Seat.SUPPLIER,
}


def visible_seats(session: Session, actor: User) -> list[ContractSeat]:
    """``visible_contracts`` with the actor's seat at each (the role's: that is what made each one visible)."""
    seat = _ROLE_SEATS.get(actor.role)
    if seat is None:
        return []
    return [ContractSeat(contract, tender, seat) for contract, tender in visible_contracts(session, actor)]


__all__ = [
    "ContractSeat",
    "Seat",
    "contract_seat",
    "managed_contract",
    "supplied_contract",
    "visible_contracts",
    "visible_seats",
]
