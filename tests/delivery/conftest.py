"""The demo's contract in delivery (NWPR-2026-003, under contract), its supplier, another supplier, its buyer's
people and the demo's partners, for the delivery tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from tenderscore.core.performance import Period, periods
from tenderscore.db import get_engine
from tenderscore.db.engine import DEFERRED
from tenderscore.db.models import Contract, ContractKpi, Role, Tender, User
from tenderscore.services import accounts
from tenderscore.services.kpis import VCSE_SHARE, kpis_of
from tests.delivery import helpers

ALDERGATE = "GB-CHC-1290417"  # verified; partner@demo.tenderscore.test
TIDEWATER = "GB-MPR-31207R"  # registered, unverified; tidewater@demo.tenderscore.test
MILLRACE = "GB-CHC-1297001"  # not on the register: nobody to ask


@dataclass
class Delivery:
    session: Session
    contract: Contract
    tender: Tender
    supplier: User
    other_supplier: User
    officer: User
    other_officer: User | None
    commissioner: User
    partner: User
    tidewater: User

    @property
    def cid(self) -> int:
        assert self.contract.id is not None
        return self.contract.id

    def period(self, number: int) -> Period:
        return periods(self.contract.starts_on, self.contract.ends_on, self.contract.return_months)[number - 1]

    def on(self, number: int, days: int = 0) -> datetime:
        """Noon (UTC) ``days`` after period ``number``'s last day."""
        return datetime.combine(self.period(number).ends_on + timedelta(days=days), time(12), tzinfo=UTC)

    @property
    def kpis(self) -> list[ContractKpi]:
        return kpis_of(self.session, self.cid)

    @property
    def figure_kpis(self) -> list[ContractKpi]:
        return [k for k in self.kpis if k.basis != VCSE_SHARE]

    @property
    def vcse_kpi(self) -> ContractKpi:
        return next(k for k in self.kpis if k.basis == VCSE_SHARE)


def _user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


@pytest.fixture
def db(demo: Flask) -> Iterator[Session]:
    """Begins DEFERRED on SQLite, so reading here never holds the write lock a request in the same test needs."""
    with Session(get_engine(demo).execution_options(**{DEFERRED: True}), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(db: Session) -> Delivery:
    tender = db.exec(select(Tender).where(Tender.reference == "NWPR-2026-003")).one()
    contract = db.exec(select(Contract).where(Contract.tender_id == tender.id)).one()
    helpers.clear(db, contract)  # the demo reports two periods: these tests start from their own returns
    db.commit()
    bidders = db.exec(select(User).where(User.role == Role.BIDDER).order_by(User.id)).all()  # type: ignore[arg-type]
    supplier = next(u for u in bidders if u.organisation_id == contract.supplier_org_id)
    other = next(u for u in bidders if u.organisation_id != contract.supplier_org_id)
    return Delivery(db, contract, tender, supplier, other, _user(db, "officer@demo.tenderscore.test"), None,
                    _user(db, "commissioner@demo.tenderscore.test"), _user(db, "partner@demo.tenderscore.test"),
                    _user(db, "tidewater@demo.tenderscore.test"))  # fmt: skip


def backdate(world: Delivery, days: int) -> None:
    """Start the contract ``days`` before today (for three years), so that periods the server's clock sees as ended
    exist (the server decides by its own time, so the record moves instead of the clock); committed."""
    world.contract.starts_on = datetime.now(UTC).date() - timedelta(days=days)
    world.contract.ends_on = world.contract.starts_on + timedelta(days=3 * 365)
    world.session.add(world.contract)
    world.session.commit()


@dataclass
class Api:
    client: FlaskClient
    tokens: dict[str, str]

    def call(self, who: str, method: str, url: str, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who != "nobody" else {}
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, who: str, url: str) -> TestResponse:
        return self.call(who, "GET", url)

    def post(self, who: str, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "POST", url, **kwargs)

    def put(self, who: str, url: str, **kwargs: Any) -> TestResponse:
        return self.call(who, "PUT", url, **kwargs)


@pytest.fixture
def api(demo: Flask, world: Delivery) -> Api:
    """An API token for each of the delivery world's people (``supplier``, ``officer``, ``partner`` ...)."""
    people = {"supplier": world.supplier, "other_supplier": world.other_supplier, "officer": world.officer,
              "commissioner": world.commissioner, "partner": world.partner, "tidewater": world.tidewater}  # fmt: skip
    tokens = {key: accounts.issue_api_token(world.session, person) for key, person in people.items()}
    world.session.commit()
    return Api(demo.test_client(), tokens)
