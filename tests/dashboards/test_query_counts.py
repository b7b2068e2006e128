"""The dashboards read as many statements for 2 contracts as for 6: no query per contract, period, KPI or partner.

The worked example's two contracts (tests/dashboards/conftest.py) are counted, then contract A is copied four times
as rows (its tender, award, contract, KPIs, returns with figures and spend, ratings) and counted again: the list,
the oversight and their exports, and the API's, as the officer and the commissioner.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import Session, SQLModel, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import (
    Award,
    Contract,
    ContractKpi,
    DeliveryReturn,
    KpiRating,
    ReturnFigure,
    ReturnSpend,
    Tender,
    id_of,
)
from tests.dashboards.conftest import Delivered

pytestmark = pytest.mark.db
URLS = ("/contracts", "/contracts/oversight", "/contracts/oversight.xlsx", "/api/contracts",
        "/api/contracts/oversight")  # fmt: skip
COPIES = 4


def _copy(row: SQLModel, **changes: object) -> SQLModel:
    made = type(row)(**{**row.model_dump(exclude={"id"}), **changes})
    return made


def _copy_contract(session: Session, contract: Contract, n: int) -> None:
    """Contract ``contract`` again, under a tender of its own, with everything the dashboards read of it."""
    tender = session.get(Tender, contract.tender_id)
    award = session.get(Award, contract.award_id)
    assert tender is not None and award is not None
    new_tender = _copy(tender, reference=f"{tender.reference}-COPY{n}")
    session.add(new_tender)
    session.flush()
    new_award = _copy(award, tender_id=id_of(new_tender))
    session.add(new_award)
    session.flush()
    new_contract = _copy(contract, tender_id=id_of(new_tender), award_id=id_of(new_award))
    session.add(new_contract)
    session.flush()
    cid = id_of(new_contract)
    kpis = {}
    for kpi in session.exec(select(ContractKpi).where(ContractKpi.contract_id == contract.id)).all():
        kpis[id_of(kpi)] = _copy(kpi, contract_id=cid)
        session.add(kpis[id_of(kpi)])
    session.flush()
    for old in session.exec(select(DeliveryReturn).where(DeliveryReturn.contract_id == contract.id)).all():
        new = _copy(old, contract_id=cid)
        session.add(new)
        session.flush()
        for figure in session.exec(select(ReturnFigure).where(ReturnFigure.return_id == old.id)).all():
            session.add(_copy(figure, return_id=id_of(new), kpi_id=id_of(kpis[figure.kpi_id])))
        for line in session.exec(select(ReturnSpend).where(col(ReturnSpend.return_id) == old.id)).all():
            session.add(_copy(line, return_id=id_of(new)))
    for rating in session.exec(select(KpiRating).where(KpiRating.contract_id == contract.id)).all():
        session.add(_copy(rating, contract_id=cid, kpi_id=id_of(kpis[rating.kpi_id])))
    session.flush()


def _counts(app: Flask, clients: dict[str, FlaskClient]) -> dict[tuple[str, str], int]:
    seen = {"n": 0}

    def count(*_: object) -> None:
        seen["n"] += 1

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    found = {}
    try:
        for who, client in clients.items():
            for url in URLS:
                before = seen["n"]
                response = client.get(url)
                assert response.status_code == 200, (who, url, response.status_code)
                found[(who, url)] = seen["n"] - before
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found


def test_the_dashboards_read_as_much_for_six_contracts_as_for_two(
    frozen: Delivered, browse: Callable[[str], FlaskClient], demo: Flask
) -> None:
    clients = {"officer": browse("officer@demo.tenderscore.test"),
               "commissioner": browse("commissioner@demo.tenderscore.test")}  # fmt: skip
    two = _counts(demo, clients)
    for n in range(COPIES):
        _copy_contract(frozen.session, frozen.a, n)
    frozen.session.commit()
    six = _counts(demo, clients)
    listed = clients["commissioner"].get("/api/contracts").get_json()
    assert len(listed) == 2 + COPIES  # the copies are seen, and read
    assert two == six, {key: (two[key], six[key]) for key in two if two[key] != six[key]}
