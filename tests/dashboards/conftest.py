"""Two contracts in delivery on a copy of the demo, both under the demo's VCSE policy (verified partners count):
the demo's NWPR-2026-003 and NWPR-2026-009 taken on to its contract, with the returns the worked example needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tenderscore.core.award import UK
from tenderscore.core.performance import periods
from tenderscore.core.register import Confirmation
from tenderscore.db import get_engine
from tenderscore.db.models import (
    Award,
    Contract,
    ContractKpi,
    KpiRating,
    Tender,
    User,
    id_of,
)
from tenderscore.services import contracts
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms
from tests.dashboards.returns import write_return
from tests.delivery.helpers import clear

ALDERGATE = ("GB-CHC-1290417", "Aldergate Housing Trust")  # verified on the demo register: counts
KESTREL = ("GB-CHC-1290311", "Kestrel Recovery Network")  # verified
TIDEWATER = ("GB-MPR-31207R", "Tidewater Mutual")  # registered, not verified: does not count under the policy
CONFIRMED, AWAITING, REFUSED = Confirmation.CONFIRMED, Confirmation.AWAITING, Confirmation.REFUSED


@dataclass
class Delivered:
    session: Session
    officer: User
    commissioner: User
    a: Contract  # NWPR-2026-003: two periods reported, the second late
    b: Contract  # NWPR-2026-009: one period reported, the second overdue
    now: datetime  # a day after the later contract's second return fell due
    kpis: dict[str, ContractKpi]  # "a.vcse", "a.jobs", "a.ni143", "a.ni144", "b.vcse", ...

    def supplier(self, contract: Contract) -> User:
        found = self.session.exec(select(User).where(User.organisation_id == contract.supplier_org_id)).first()
        assert found is not None
        self.session.commit()  # on SQLite an open transaction would hold the app's writes (signing in) off
        return found

    def user(self, email: str) -> User:
        return self.session.exec(select(User).where(User.email == email)).one()


def _tender(session: Session, reference: str) -> Tender:
    return session.exec(select(Tender).where(Tender.reference == reference)).one()


def _named(session: Session, contract: Contract, prefix: str) -> dict[str, ContractKpi]:
    names = {"sv_vcse_share": "vcse", "sv_jobs_convictions": "jobs", "sv_settled_accommodation": "ni143",
             "sv_employment": "ni144"}  # fmt: skip
    kpis = session.exec(select(ContractKpi).where(ContractKpi.contract_id == contract.id)).all()
    return {f"{prefix}.{names[k.criterion_id]}": k for k in kpis if k.criterion_id in names}


def _contract_b(session: Session, officer: User) -> Contract:
    tender = _tender(session, "NWPR-2026-009")
    award = session.exec(select(Award).where(Award.tender_id == tender.id)).one()
    assert award.standstill_ends_at is not None
    signed = award.standstill_ends_at.astimezone(UK).date() + timedelta(days=1)
    entry = contracts.ContractEntry(
        title="Accredited programmes", value="1800000.00", starts_on=signed.isoformat(),
        ends_on=(signed + timedelta(days=3 * 365)).isoformat(), signed_on=signed.isoformat(),
        kpis=[contracts.KpiEntry("Programme completions", "", "80", "percent")],
    )  # fmt: skip
    at = datetime.combine(signed, time(12), tzinfo=UK)
    contracts.enter_contract(session, officer, id_of(tender), entry, now=at)
    contracts.publish_contract_notice(session, officer, id_of(tender), now=at + timedelta(hours=1))
    return session.exec(select(Contract).where(Contract.tender_id == tender.id)).one()


def _fresh_start(session: Session, contract: Contract, starts_on: date) -> None:
    """The worked example's contract A starts a week from now with nothing reported: the demo's own returns and
    ratings on it are cleared, its period moved."""
    clear(session, contract)
    contract.ends_on = starts_on + (contract.ends_on - contract.starts_on)
    contract.starts_on = starts_on
    session.add(contract)
    session.flush()


def _kpi(d: dict[str, ContractKpi], key: str) -> int:
    return id_of(d[key])


@pytest.fixture
def delivered(demo: Flask) -> Iterator[Delivered]:
    with Session(get_engine(demo), expire_on_commit=False) as session:
        officer = session.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).one()
        commissioner = session.exec(select(User).where(User.email == "commissioner@demo.tenderscore.test")).one()
        a = session.exec(select(Contract).where(Contract.tender_id == _tender(session, "NWPR-2026-003").id)).one()
        _fresh_start(session, a, date.today() + timedelta(days=8))
        b = _contract_b(session, officer)
        kpis = {**_named(session, a, "a"), **_named(session, b, "b")}
        supplier_a = session.exec(select(User).where(User.organisation_id == a.supplier_org_id)).first()
        supplier_b = session.exec(select(User).where(User.organisation_id == b.supplier_org_id)).first()
        assert supplier_a is not None and supplier_b is not None
        k = {key: _kpi(kpis, key) for key in kpis}
        # Contract A, period 1: a first version superseded by a second (only the second counts).
        write_return(session, supplier_a, id_of(a), 1, contract_spend="90000", spend=[(*ALDERGATE, "9000", AWAITING)])
        write_return(session, supplier_a, id_of(a), 1, contract_spend="100000",
                     figures={k["a.jobs"]: "4.8", k["a.ni143"]: "30", k["a.ni144"]: "40"},
                     spend=[(*ALDERGATE, "12000", CONFIRMED), (*KESTREL, "5000", AWAITING),
                            (*TIDEWATER, "3000", CONFIRMED)])  # fmt: skip
        # Contract A, period 2: late; NI 144 not reported; Kestrel disputes its figure.
        write_return(session, supplier_a, id_of(a), 2, contract_spend="150000", late=True,
                     figures={k["a.jobs"]: "3.6", k["a.ni143"]: "36", k["a.ni144"]: None},
                     spend=[(*ALDERGATE, "24000", CONFIRMED), (*KESTREL, "6000", REFUSED)])  # fmt: skip
        # The officer judges jobs in period 2 Inadequate (the rule says Requires improvement).
        session.add(KpiRating(contract_id=id_of(a), kpi_id=k["a.jobs"], period=2, delivered=None,
                              computed="requires_improvement", rating="inadequate",
                              reason="Two placements ended early and were not replaced.",
                              rated_by_id=id_of(officer)))  # fmt: skip
        # Contract B, period 1 only: its period 2 is overdue.
        write_return(session, supplier_b, id_of(b), 1, contract_spend="80000", figures={k["b.jobs"]: "2"},
                     spend=[(*ALDERGATE, "20000", CONFIRMED), (*KESTREL, "4000", AWAITING),
                            (*TIDEWATER, "1000", AWAITING)])  # fmt: skip
        second = max(periods(c.starts_on, c.ends_on, c.return_months)[1].due_on for c in (a, b))
        now = datetime.combine(second + timedelta(days=1), time(12), tzinfo=UK)
        session.commit()
        yield Delivered(session, officer, commissioner, a, b, now, kpis)


@pytest.fixture
def frozen(delivered: Delivered, monkeypatch: pytest.MonkeyPatch) -> Delivered:
    """The worked example with the server's clock at ``delivered.now``, for pages and the API."""
    from tenderscore.services import delivery, delivery_oversight

    for module in (delivery, delivery_oversight):
        monkeypatch.setattr(module, "utcnow", lambda: delivered.now)
    return delivered


@pytest.fixture
def browse(demo: Flask) -> Callable[[str], FlaskClient]:
    """A client signed in as the demo's ``email``."""

    def signed_in(email: str) -> FlaskClient:
        client = demo.test_client()
        forms.sign_in(client, email, DEMO_PASSWORD)
        return client

    return signed_in
