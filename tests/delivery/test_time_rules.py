"""Delivery respects time: each period reads the KPIs as they stood on its last day, and a period a published
performance notice reported stands as published (its return, its partners' answers and its ratings no longer change).

On the demo's contract (NWPR-2026-003): quarterly returns, periods 1 and 2 reported and rated, contract performance
notice 1 published covering both; period 3 is running.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tenderscore.db.models import ContractKpi, KpiVariation, ReturnSpend, id_of
from tenderscore.services import delivery, delivery_returns, kpis, ratings
from tenderscore.services.errors import Conflict, Invalid
from tests.delivery.helpers import after_period, demo_contract, officer, supplier, user
from tests.delivery.helpers import kpis as named_kpis

pytestmark = pytest.mark.db


def _terms(kpi: ContractKpi, **changes: str) -> kpis.KpiEntry:
    now = {"title": kpi.title, "description": kpi.description, "unit": kpi.unit, "direction": kpi.direction,
           "evidence": kpi.evidence, "target_value": "" if kpi.target_value is None else str(kpi.target_value)}
    return kpis.KpiEntry(**{**now, **changes})


def test_a_varied_target_applies_from_the_period_it_falls_in_never_to_a_published_one(db: Session) -> None:
    contract = demo_contract(db)
    cid, me = id_of(contract), officer(db)
    hours = named_kpis(db, contract)["hours"]  # 90% of unpaid work hours on time
    before = delivery.delivery(db, me, cid)
    first = before.period(1).kpi(hours.id)
    assert first is not None and first.kpi.target_value == Decimal(90) and first.published == 1
    kpis.vary_kpi(db, me, id_of(hours), _terms(hours, target_value="85"), reason="Agreed at the annual review")
    after = delivery.delivery(db, me, cid)
    for number in (1, 2):  # as published: the target, the figure and the percentage of it
        was, now = before.period(number).kpi(hours.id), after.period(number).kpi(hours.id)
        assert was is not None and now is not None
        assert (now.kpi.target_value, now.kpi.target, now.percent, now.rating, now.stale) == (
            Decimal(90), "90", was.percent, was.rating, False)  # fmt: skip
    running = after.period(3).kpi(hours.id)
    assert running is not None and running.kpi.target_value == Decimal(85)
    assert [k.target_value for k in after.kpis if k.id == hours.id] == [Decimal(85)]  # the KPI as it stands now
    assert hours.target_value == Decimal(85)  # the row itself was not swapped for an old copy
    assert db.exec(select(ContractKpi).where(ContractKpi.id == hours.id)).one().target == "85%"  # its unit now shown


def test_a_withdrawn_kpi_stays_in_the_periods_before_and_a_new_one_counts_from_its_own(db: Session) -> None:
    contract = demo_contract(db)
    cid, me = id_of(contract), officer(db)
    placements = named_kpis(db, contract)["placements"]
    kpis.withdraw_kpi(db, me, id_of(placements), reason="Placements are now counted in the VCSE share")
    added = kpis.add_kpi(db, me, cid, kpis.KpiEntry(title="Complaints upheld", target_value="5", unit="count",
                                                     direction="at_most"), reason="New requirement")  # fmt: skip
    view = delivery.delivery(db, me, cid)
    for number in (1, 2):
        shown = view.period(number)
        assert shown.kpi(placements.id) is not None and shown.kpi(added.id) is None
        assert shown.rated  # the ratings published still cover every KPI in force then
    assert view.period(3).kpi(placements.id) is None and view.period(3).kpi(added.id) is not None
    assert placements.id not in {k.id for k in view.kpis}  # in force now: not the withdrawn one
    listed = [k.id for k in view.reported_kpis]
    assert placements.id in listed and added.id in listed  # the dashboards still show the withdrawn KPI's history
    # The supplier's return for period 3 (once it ends) is asked for the new KPI; its figure is required.
    later = after_period(contract, 3)
    entry = delivery_returns.ReturnEntry(contract_spend="100000", figures={
        id_of(k.kpi): ("1", "") for k in view.period(3).kpis if k.kpi.basis == kpis.FIGURE and k.kpi.id != added.id})
    with pytest.raises(Invalid) as refused:
        delivery_returns.submit_return(db, supplier(db, contract), cid, 3, entry, source="api", now=later)
    assert [f for f, _ in refused.value.problems] == [f"figures.{added.id}.value"]


def test_a_published_period_takes_no_new_version_answer_or_rating(db: Session) -> None:
    contract = demo_contract(db)
    cid = id_of(contract)
    entry = delivery_returns.ReturnEntry(contract_spend="500000")
    with pytest.raises(Conflict, match="period 2 was reported in contract performance notice 1") as refused:
        delivery_returns.submit_return(db, supplier(db, contract), cid, 2, entry, source="page")
    assert refused.value.field == "period"
    line = db.exec(select(ReturnSpend).where(ReturnSpend.identifier == "GB-CHC-1290417")
                   .order_by(col(ReturnSpend.id).desc())).first()  # Aldergate's line on period 2's current return
    assert line is not None and line.confirmation == "confirmed"
    with pytest.raises(Conflict, match="answers can no longer change it"):
        delivery_returns.answer_spend(db, user(db, "partner@demo.tenderscore.test"), id_of(line), False,
                                      "We were paid less")  # fmt: skip
    assert db.get(ReturnSpend, line.id).confirmation == "confirmed"  # type: ignore[union-attr]
    view = delivery.delivery(db, officer(db), cid)
    assert ratings.refusal(view, view.period(2)) == (
        "Period 2 was reported in performance notice 1: its ratings stand as published")


def test_the_reporting_cycle_is_fixed_once_the_first_period_has_ended(db: Session) -> None:
    contract = demo_contract(db)
    rule = kpis.rule_of(contract).as_dict()
    with pytest.raises(Invalid) as refused:
        kpis.set_delivery_terms(db, officer(db), id_of(contract), return_months=1, reason="Monthly from now",
                                **{k: str(v) for k, v in rule.items()})  # fmt: skip
    (field, message), = refused.value.problems
    assert field == "return_months" and "period 1 ended on" in message and "periods of 3 months" in message
    assert contract.return_months == 3
    # The rule itself may change (reason given): it applies to periods not yet in a published notice.
    kpis.set_delivery_terms(db, officer(db), id_of(contract), return_months=3, good="99", approaching="90",
                            requires_improvement="80", reason="Stricter from the second year")  # fmt: skip
    view = delivery.delivery(db, officer(db), id_of(contract))
    assert all(not k.stale for p in view.periods[:2] for k in p.kpis)  # published ratings stand


def test_as_at_reads_the_terms_each_moment_had() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def at(days: int) -> datetime:
        return start + timedelta(days=days)

    kept = ContractKpi(id=1, contract_id=1, position=1, title="Kept", target="10", target_value=Decimal(10))
    varied = ContractKpi(id=2, contract_id=1, position=2, title="Varied", target="12", target_value=Decimal(12))
    added = ContractKpi(id=3, contract_id=1, position=3, title="Added", target="1", target_value=Decimal(1))
    gone = ContractKpi(id=4, contract_id=1, position=4, title="Gone", target="2", target_value=Decimal(2),
                       withdrawn_at=at(50))  # fmt: skip
    old = '{"title": "Varied", "target": "8", "target_value": "8", "unit": ""}'
    rows = [
        KpiVariation(contract_id=1, kpi_id=2, before=old, after="{}", reason="r", varied_by_id=1, varied_at=at(40)),
        KpiVariation(contract_id=1, kpi_id=3, before="{}", after="{}", reason="r", varied_by_id=1, varied_at=at(45)),
        KpiVariation(contract_id=1, kpi_id=4, before='{"title": "Gone", "target_value": "2"}', after="{}", reason="r",
                     varied_by_id=1, varied_at=at(50)),
    ]  # fmt: skip
    every = [kept, varied, added, gone]
    early = kpis.as_at(every, rows, at(30))
    assert [(k.title, k.target_value) for k in early] == [("Kept", 10), ("Varied", 8), ("Gone", 2)]
    assert early[1] is not varied and early[0] is kept  # an old copy only where the terms differed
    middle = kpis.as_at(every, rows, at(47))
    assert [(k.title, k.target_value) for k in middle] == [("Kept", 10), ("Varied", 12), ("Added", 1), ("Gone", 2)]
    late = kpis.as_at(every, rows, at(60))
    assert [k.title for k in late] == ["Kept", "Varied", "Added"]
