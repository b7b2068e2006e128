"""Delivery returns written as rows, in one place: the dashboards' tests read returns, they do not submit them.

When the returns service (services/delivery_returns.py) lands, ``write_return`` can call it instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session, select

from tenderscore.core.register import Confirmation
from tenderscore.db.models import DeliveryReturn, ReturnFigure, ReturnSpend, User, id_of

# (identifier, name, £, answer)
Line = tuple[str, str, str, Confirmation]


def write_return(session: Session, supplier: User, contract_id: int, period: int, *, contract_spend: str,
                 figures: Mapping[int, str | None] | None = None, spend: Sequence[Line] = (), late: bool = False,
                 at: datetime | None = None) -> DeliveryReturn:  # fmt: skip
    """A new version of the period's return: the figures by KPI id (None: not reported) and the partners' spend."""
    versions = session.exec(
        select(DeliveryReturn.version).where(DeliveryReturn.contract_id == contract_id, DeliveryReturn.period == period)
    ).all()
    made = DeliveryReturn(
        contract_id=contract_id, period=period, version=max(versions, default=0) + 1,
        contract_spend=Decimal(contract_spend), source="api", late=late, submitted_by_id=id_of(supplier),
        submitted_at=at or datetime(2027, 1, 1, tzinfo=UTC),
        sha256="0" * 64,
    )  # fmt: skip
    session.add(made)
    session.flush()
    for kpi_id, value in (figures or {}).items():
        session.add(ReturnFigure(return_id=id_of(made), kpi_id=kpi_id, value=None if value is None else Decimal(value),
                                 comment="" if value is not None else "Not measured this period"))  # fmt: skip
    for line, (identifier, name, amount, answer) in enumerate(spend, start=1):
        session.add(ReturnSpend(
            return_id=id_of(made), line=line, identifier=identifier, name=name, amount=Decimal(amount),
            confirmation=answer.value, answer_reason="The figure is not ours" if answer == Confirmation.REFUSED else "",
        ))  # fmt: skip
    session.flush()
    return made
