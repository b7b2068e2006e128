"""Rating a contract's KPIs for a period (services/ratings.py) on the demo's contract, on both databases: the rule's
rating taken from the delivery view, the officer's judgement with its reason, all problems at once with nothing
stored, re-ratings beside the old, and ratings gone stale when a new return or a partner's answer changes things."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import Session, col, func, select

from tenderscore.core.performance import Rating
from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, KpiRating, ReturnSpend, id_of
from tenderscore.services import audit, delivery, ratings
from tenderscore.services.errors import Conflict, Forbidden, Invalid, NotFound

from .helpers import (
    CONFIRMED_PARTNER,
    OTHER_PARTNER,
    after_period,
    clear,
    demo_contract,
    kpis,
    officer,
    on_target_figures,
    report,
    supplier,
    user,
)

pytestmark = pytest.mark.db
D = Decimal


@pytest.fixture
def db(demo: Flask) -> Session:
    with Session(get_engine(demo), expire_on_commit=False) as session:
        clear(session, demo_contract(session))  # from the test's own returns only, not the demo's
        yield session  # type: ignore[misc]


def _first_quarter(db: Session) -> tuple[int, dict[str, int]]:
    """Period 1 reported: unpaid-work hours 81% against a 90% target (90% of it), £18,000 of £100,000 with a
    verified partner who confirmed it (18% against 20%: 90% of it) and £5,000 with a partner not yet answered."""
    contract = demo_contract(db)
    named = kpis(db, contract)
    figures = on_target_figures(named) | {id_of(named["hours"]): D(81)}
    report(db, contract, 1, figures=figures, contract_spend=D(100000), spend=[
        (*CONFIRMED_PARTNER, D(18000), "confirmed"), (*OTHER_PARTNER, D(5000), "awaiting")])  # fmt: skip
    return id_of(contract), {name: id_of(k) for name, k in named.items()}


def test_the_worked_example_rated_as_the_rule_says(db: Session) -> None:
    cid, ids = _first_quarter(db)
    contract = demo_contract(db)
    now = after_period(contract, 1)
    rows = ratings.rate_period(db, officer(db), cid, 1, {}, now=now)
    by_kpi = {r.kpi_id: r for r in rows}
    assert len(rows) == 7
    # 81 / 90 = 90%: Approaching target (at least 85, below 95)
    assert (by_kpi[ids["hours"]].delivered, by_kpi[ids["hours"]].computed) == (D(81), "approaching_target")
    # The VCSE share counts confirmed spend only: 18,000 / 100,000 = 18%; 18 / 20 = 90%.
    vcse = by_kpi[ids["vcse"]]
    assert (vcse.delivered, vcse.computed, vcse.rating, vcse.reason) == (D(18), "approaching_target",
                                                                         "approaching_target", "")  # fmt: skip
    assert by_kpi[ids["starts"]].computed == "good"
    assert {r.return_id for r in rows} == {rows[0].return_id} and rows[0].return_id is not None
    view = delivery.delivery(db, officer(db), cid, now=now).period(1)
    line = next(k for k in view.kpis if id_of(k.kpi) == ids["vcse"])
    assert line.reported == D(23) and line.delivered == D(18) and line.percent == D("90.00")
    assert view.rated and view.overall == Rating.APPROACHING
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "contract.period_rated")
                    .order_by(col(AuditEvent.id).desc())).first()  # the newest: the demo has its own
    assert event.after is not None and event.after["period"] == 1 and len(event.after["ratings"]) == 7
    assert audit.verify_chain(db).ok


def test_a_judgement_needs_a_reason_and_every_problem_is_told_at_once(db: Session) -> None:
    cid, ids = _first_quarter(db)
    now = after_period(demo_contract(db), 1)
    judged = {ids["hours"]: ("good", "  "), ids["starts"]: ("excellent", ""), 99999: ("good", "x")}
    with pytest.raises(Invalid) as refused:
        ratings.rate_period(db, officer(db), cid, 1, judged, now=now)
    fields = {f for f, _ in refused.value.problems}
    assert fields == {f"kpis.{ids['hours']}.reason", f"kpis.{ids['starts']}.rating", "kpis.99999"}
    assert "the published rule gives Approaching target" in str(refused.value)
    assert db.exec(select(func.count()).select_from(KpiRating)).one() == 0
    reason = "Court backlog in January closed two sites for a week; hours recovered in February."
    rows = ratings.rate_period(db, officer(db), cid, 1, {ids["hours"]: ratings.Judgement("good", reason)}, now=now)
    hours = next(r for r in rows if r.kpi_id == ids["hours"])
    assert (hours.computed, hours.rating, hours.reason) == ("approaching_target", "good", reason)
    line = next(k for k in delivery.delivery(db, officer(db), cid, now=now).period(1).kpis if k.kpi.id == ids["hours"])
    assert line.judged and line.rating == Rating.GOOD and not line.stale


def test_a_new_return_or_a_partners_answer_makes_a_rating_stale_until_rated_again(db: Session) -> None:
    cid, ids = _first_quarter(db)
    contract = demo_contract(db)
    now = after_period(contract, 1, days=20)
    ratings.rate_period(db, officer(db), cid, 1, {}, now=now)
    # The partner confirms the £5,000 it had not answered: 23% is now counted, 115% of the target, Good.
    awaiting = db.exec(select(ReturnSpend).where(ReturnSpend.confirmation == "awaiting")).one()
    awaiting.confirmation = "confirmed"
    db.add(awaiting)
    db.flush()
    # And a corrected return (version 2) puts the hours on target.
    report(db, contract, 1, figures=on_target_figures(kpis(db, contract)), contract_spend=D(100000), spend=[
        (*CONFIRMED_PARTNER, D(18000), "confirmed"), (*OTHER_PARTNER, D(5000), "confirmed")])  # fmt: skip
    view = delivery.delivery(db, officer(db), cid, now=now).period(1)
    stale = {k.kpi.id for k in view.kpis if k.stale}
    assert stale == {ids["hours"], ids["vcse"]}
    assert view.overall == Rating.APPROACHING  # the recorded ratings still count until the officer rates again
    ratings.rate_period(db, officer(db), cid, 1, {}, now=now)
    view = delivery.delivery(db, officer(db), cid, now=now).period(1)
    assert not any(k.stale for k in view.kpis) and view.overall == Rating.GOOD
    assert view.current is not None and view.current.version == 2
    assert db.exec(select(func.count()).select_from(KpiRating)).one() == 14  # the first ratings kept beside
    newest = db.exec(select(KpiRating).order_by(col(KpiRating.id).desc())).first()
    assert newest is not None and newest.return_id == view.current.id


def test_a_period_without_a_return_is_rated_only_with_reasons(db: Session) -> None:
    contract = demo_contract(db)
    cid, ids = id_of(contract), {n: id_of(k) for n, k in kpis(db, contract).items()}
    now = after_period(contract, 1, days=40)  # the return was due 30 days after the period: none came
    assert delivery.delivery(db, officer(db), cid, now=now).period(1).overdue
    with pytest.raises(Invalid) as refused:
        ratings.rate_period(db, officer(db), cid, 1, {ids["hours"]: ("inadequate", "")}, now=now)
    assert len(refused.value.problems) == 7
    assert "no return came for period 1" in str(refused.value)
    why = "No return was submitted for the period despite two reminders."
    rows = ratings.rate_period(db, officer(db), cid, 1, {i: ("inadequate", why) for i in ids.values()}, now=now)
    assert {(r.computed, r.rating, r.return_id) for r in rows} == {("other", "inadequate", None)}
    assert delivery.delivery(db, officer(db), cid, now=now).period(1).overall == Rating.INADEQUATE


def test_only_the_managing_officer_rates_and_only_once_the_period_has_ended(db: Session) -> None:
    cid, _ = _first_quarter(db)
    contract = demo_contract(db)
    with pytest.raises(Conflict, match="rate it once it has ended"):
        ratings.rate_period(db, officer(db), cid, 1, {}, now=after_period(contract, 1, days=-1))
    with pytest.raises(NotFound, match="no reporting period 99"):
        ratings.rate_period(db, officer(db), cid, 99, {}, now=after_period(contract, 1))
    for who in (supplier(db, contract), user(db, "commissioner@demo.tenderscore.test")):
        with pytest.raises(Forbidden):
            ratings.rate_period(db, who, cid, 1, {}, now=after_period(contract, 1))
    assert db.exec(select(func.count()).select_from(KpiRating)).one() == 0
    assert after_period(contract, 1) - after_period(contract, 1, days=-1) == timedelta(days=11)
