"""A tender's award as recorded: its live decision (one per tender; withdrawn ones stay beside it), the contract
entered into under it, and that contract's KPIs and commitments. The one home of these reads, for every service
that needs them (scoring, reports, the bidder's outcome, the award path, publication)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tenderscore.db.models import Award, Contract, ContractCommitment, ContractKpi


def live_award(session: Session, tender_id: int | None, *, for_update: bool = False) -> Award | None:
    """The tender's award decision that has not been withdrawn, if any."""
    query = select(Award).where(Award.tender_id == tender_id, col(Award.withdrawn_at).is_(None))
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def live_awards(session: Session, tender_ids: list[int]) -> dict[int, Award]:
    """The live award of each of these tenders that has one, in one query."""
    if not tender_ids:
        return {}
    query = select(Award).where(col(Award.tender_id).in_(tender_ids), col(Award.withdrawn_at).is_(None))
    return {award.tender_id: award for award in session.exec(query).all()}


def contract_of(session: Session, award: Award) -> Contract | None:
    return session.exec(select(Contract).where(Contract.award_id == award.id)).first()


def contract_terms(session: Session, contract: Contract) -> tuple[list[ContractKpi], list[ContractCommitment]]:
    """The contract's KPIs in the officer's order, and the winning bid's commitments it carries."""
    kpis = session.exec(
        select(ContractKpi).where(ContractKpi.contract_id == contract.id).order_by(col(ContractKpi.position))
    ).all()
    commitments = session.exec(
        select(ContractCommitment)
        .where(ContractCommitment.contract_id == contract.id)
        .order_by(col(ContractCommitment.id))
    ).all()
    return list(kpis), list(commitments)
