"""Delivery returns through the service, on the demo's contract: who may submit and when, every problem at once with
nothing stored, versions never overwritten, lateness, partners confirming their own spend, and what each sees."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import col, select

from tenderscore.core.register import Confirmation
from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import AuditEvent, DeliveryReturn, ReturnFigure, ReturnSpend
from tenderscore.services import audit, delivery, mail
from tenderscore.services.delivery_returns import (
    ReturnEntry,
    answer_spend,
    spend_request_for,
    spend_requests_for,
    submit_return,
    versions,
)
from tenderscore.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from tests.delivery.conftest import ALDERGATE, MILLRACE, TIDEWATER, Delivery

pytestmark = pytest.mark.db


def entry(world: Delivery, *, spend: list[tuple[str, str, str]] | None = None, contract_spend: str = "100000.00",
          **figures: tuple[str, str]) -> ReturnEntry:  # fmt: skip
    """A complete return: 95 for every figure KPI unless ``figures`` (by KPI position, ``k1=...``) says otherwise."""
    given = {k.id: figures.get(f"k{k.position}", ("95", "")) for k in world.figure_kpis}
    default = [(ALDERGATE, "", "12000.00"), (TIDEWATER, "Tidewater Lived Experience Collective", "8000")]
    return ReturnEntry(contract_spend=contract_spend, note="Quarter one.", figures=given,  # type: ignore[arg-type]
                       spend=default if spend is None else spend)  # fmt: skip


def _count(world: Delivery) -> tuple[int, int, int]:
    s = world.session
    return (len(s.exec(select(DeliveryReturn)).all()), len(s.exec(select(ReturnFigure)).all()),
            len(s.exec(select(ReturnSpend)).all()))  # fmt: skip


def test_a_return_is_stored_with_its_figures_and_partners_asked(world: Delivery) -> None:
    s = world.session
    row = submit_return(s, world.supplier, world.cid, 1, entry(world), source="page", now=world.on(1, 3),
                        link=lambda i: f"https://x/partner/spend/{i}")  # fmt: skip
    assert (row.version, row.late, row.source, row.contract_spend) == (1, False, "page", Decimal("100000.00"))
    figures = {f.kpi_id: f.value for f in s.exec(select(ReturnFigure).where(ReturnFigure.return_id == row.id))}
    assert figures == {k.id: Decimal(95) for k in world.figure_kpis}  # nothing for the VCSE share: it is spend
    lines = s.exec(select(ReturnSpend).where(ReturnSpend.return_id == row.id).order_by(col(ReturnSpend.line))).all()
    assert [(x.line, x.identifier, x.name, x.amount, x.confirmation) for x in lines] == [
        (1, ALDERGATE, "Aldergate Housing Trust", Decimal("12000.00"), "awaiting"),  # a blank name: the register's
        (2, TIDEWATER, "Tidewater Lived Experience Collective", Decimal("8000"), "awaiting"),
    ]
    emails = [m for m in mail.queued(s) if m.purpose == "spend_confirmation"]
    assert "partner@demo.tenderscore.test" in {m.to for m in emails}
    aldergate = next(m for m in emails if m.to == "partner@demo.tenderscore.test")
    assert "£12,000" in aldergate.body and f"https://x/partner/spend/{lines[0].id}" in aldergate.body
    assert "£8,000" not in aldergate.body  # a partner is told of its own line only
    assert "no tenderscore account" not in aldergate.body
    event = s.exec(select(AuditEvent).where(AuditEvent.action == "delivery_return.submitted")
                    .order_by(col(AuditEvent.id).desc())).first()  # the newest: the demo has its own
    assert event.tender_id == world.tender.id and event.after["version"] == 1 and event.after["asked"] == 2
    # The read model: the VCSE share counts only confirmed spend, so nothing yet; 20% of spend reported.
    view = delivery.delivery(s, world.officer, world.cid, now=world.on(1, 3)).period(1)
    share = next(k for k in view.kpis if k.kpi.id == world.vcse_kpi.id)
    assert share.reported == Decimal(20) and share.delivered == Decimal(0)
    assert audit.verify_chain(s).ok


def test_every_problem_at_once_and_nothing_stored(world: Delivery) -> None:
    s = world.session
    before = _count(world)
    k1, k3 = world.figure_kpis[0], world.figure_kpis[2]
    bad = ReturnEntry(
        contract_spend="10,000.005",
        figures={k1.id: ("lots", ""), k3.id: ("", ""), world.vcse_kpi.id: ("20", ""), 999: ("1", "")},  # type: ignore[dict-item]
        spend=[("GB-CHC-12", "Somebody", "10"), (ALDERGATE, "", "-5"), (ALDERGATE, "Again", "1"), ("", "", "")],
    )
    with pytest.raises(Invalid) as refused:
        submit_return(s, world.supplier, world.cid, 1, bad, source="api", now=world.on(1))
    fields = {f for f, _ in refused.value.problems}
    assert {"contract_spend", f"figures.{k1.id}.value", f"figures.{k3.id}.value",
            f"figures.{world.vcse_kpi.id}.value", "figures.999", "spend.1.identifier", "spend.2.amount",
            "spend.3.identifier"} <= fields  # fmt: skip
    words = dict(refused.value.problems)
    assert "already on line 2" in words["spend.3.identifier"]
    assert "'lots'" in words[f"figures.{k1.id}.value"]
    assert _count(world) == before and mail.queued(s) == []


def test_a_name_of_spaces_takes_the_registers_name(world: Delivery) -> None:
    """Spaces are no name: the register's is used for an identifier it knows ("Enter the partner's name" before)."""
    row = submit_return(world.session, world.supplier, world.cid, 1, entry(world, spend=[(ALDERGATE, "   ", "100")]),
                        source="page", now=world.on(1))  # fmt: skip
    line = world.session.exec(select(ReturnSpend).where(ReturnSpend.return_id == row.id)).one()
    assert line.name == "Aldergate Housing Trust"


def test_spend_with_partners_cannot_exceed_the_contract_spend(world: Delivery) -> None:
    with pytest.raises(Invalid) as refused:
        submit_return(world.session, world.supplier, world.cid, 1, entry(world, contract_spend="19999.99"),
                      source="page", now=world.on(1))  # fmt: skip
    assert refused.value.problems == [("spend", "The spend with VCSE partners (£20,000) cannot be more than the "
                                                "contract's total spend in the period (£19,999.99)")]  # fmt: skip


def test_a_figure_not_reported_needs_a_comment(world: Delivery) -> None:
    k2 = world.figure_kpis[1]
    row = submit_return(world.session, world.supplier, world.cid, 1,
                        entry(world, k2=("", "The placements count is audited in April.")), source="api",
                        now=world.on(1))  # fmt: skip
    figure = world.session.exec(select(ReturnFigure).where(ReturnFigure.return_id == row.id,
                                                           ReturnFigure.kpi_id == k2.id)).one()  # fmt: skip
    assert figure.value is None and figure.comment.startswith("The placements count")


def test_only_from_the_period_s_last_day(world: Delivery) -> None:
    s = world.session
    two = world.period(2)  # the demo's contract starts 20 days after it is built
    words = (f"period 2 runs from {uk_date(two.starts_on)} to {uk_date(two.ends_on)}; its return can be submitted "
             f"from {uk_date(two.ends_on)}, the period's last day")
    with pytest.raises(Conflict, match=re.escape(words)):
        submit_return(s, world.supplier, world.cid, 2, entry(world), source="page", now=world.on(2, -1))
    with pytest.raises(NotFound, match="no reporting period 13"):
        submit_return(s, world.supplier, world.cid, 13, entry(world), source="page", now=world.on(1))
    assert submit_return(s, world.supplier, world.cid, 2, entry(world), source="page", now=world.on(2)).version == 1


def test_versions_are_kept_and_lateness_is_the_first_version_s(world: Delivery) -> None:
    s = world.session
    first = submit_return(s, world.supplier, world.cid, 1, entry(world), source="page", now=world.on(1, 30))
    assert not first.late  # the due date is the 30th day after the period's end
    second = submit_return(s, world.supplier, world.cid, 1, entry(world, contract_spend="120000"), source="api",
                           now=world.on(1, 45))  # fmt: skip
    assert (second.version, second.late) == (2, False)
    late = submit_return(s, world.supplier, world.cid, 2, entry(world), source="page", now=world.on(2, 31))
    assert late.late
    seen = versions(s, world.officer, world.cid, 1)
    assert [(v.row.version, v.current, v.row.contract_spend) for v in seen] == [
        (2, True, Decimal("120000")), (1, False, Decimal("100000.00"))]  # fmt: skip
    assert seen[0].submitted_by == world.supplier.name
    assert delivery.delivery(s, world.officer, world.cid, now=world.on(1, 45)).period(1).current.id == second.id  # type: ignore[union-attr]


def test_answers_carry_over_when_identifier_and_amount_are_unchanged(world: Delivery) -> None:
    s = world.session
    first = submit_return(s, world.supplier, world.cid, 1, entry(world), source="page", now=world.on(1))
    lines = {x.identifier: x for x in s.exec(select(ReturnSpend).where(ReturnSpend.return_id == first.id))}
    answer_spend(s, world.partner, lines[ALDERGATE].id, True, "", now=world.on(1, 2))  # type: ignore[arg-type]
    answer_spend(s, world.tidewater, lines[TIDEWATER].id, False, "We were paid £6,000.", now=world.on(1, 2))  # type: ignore[arg-type]
    mail.discard(s)
    again = entry(world, spend=[(ALDERGATE, "Aldergate Housing Trust", "12000"), (TIDEWATER, "", "6000"),
                                (MILLRACE, "Millrace Peer Support", "500")])  # fmt: skip
    second = submit_return(s, world.supplier, world.cid, 1, again, source="page", now=world.on(1, 3))
    now_lines = {x.identifier: x for x in s.exec(select(ReturnSpend).where(ReturnSpend.return_id == second.id))}
    assert now_lines[ALDERGATE].confirmation == Confirmation.CONFIRMED  # 12000 == 12000.00: the same £
    assert now_lines[TIDEWATER].confirmation == Confirmation.AWAITING  # a new figure is asked afresh
    assert now_lines[MILLRACE].confirmation == Confirmation.AWAITING  # nobody holds it: it stays unconfirmed
    asked = {m.to for m in mail.queued(s)}
    assert "tidewater@demo.tenderscore.test" in asked and "partner@demo.tenderscore.test" not in asked
    # The earlier version's line can no longer be answered; the current one can.
    with pytest.raises(Conflict, match="newer version"):
        answer_spend(s, world.tidewater, lines[TIDEWATER].id, True, "")  # type: ignore[arg-type]
    answer_spend(s, world.tidewater, now_lines[TIDEWATER].id, True, "")  # type: ignore[arg-type]
    view = delivery.delivery(s, world.officer, world.cid, now=world.on(1, 3)).period(1)
    share = next(k for k in view.kpis if k.kpi.id == world.vcse_kpi.id)
    # Confirmed spend of partners that count (the demo counts verified partners only): Aldergate's £12,000 of
    # £100,000; Tidewater (unverified) confirmed but does not count; Millrace is unconfirmed.
    assert share.delivered == Decimal(12) and share.reported == Decimal("18.5")


def test_partners_answer_their_own_lines_only(world: Delivery) -> None:
    s = world.session
    row = submit_return(s, world.supplier, world.cid, 1, entry(world), source="page", now=world.on(1))
    lines = {x.identifier: x for x in s.exec(select(ReturnSpend).where(ReturnSpend.return_id == row.id))}
    mine = spend_requests_for(s, world.partner)
    assert [r.line.identifier for r in mine] == [ALDERGATE] and mine[0].tender_reference == "NWPR-2026-003"
    with pytest.raises(NotFound):
        spend_request_for(s, world.partner, lines[TIDEWATER].id)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        answer_spend(s, world.partner, lines[TIDEWATER].id, True, "")  # type: ignore[arg-type]
    with pytest.raises(ServiceError, match="why you dispute"):
        answer_spend(s, world.partner, lines[ALDERGATE].id, False, "  ")  # type: ignore[arg-type]
    for outsider in (world.supplier, world.officer):
        with pytest.raises(Forbidden):
            answer_spend(s, outsider, lines[ALDERGATE].id, True, "")  # type: ignore[arg-type]
    answered = answer_spend(s, world.partner, lines[ALDERGATE].id, False, "We were paid £10,000.")  # type: ignore[arg-type]
    assert (answered.confirmation, answered.answer_reason) == ("refused", "We were paid £10,000.")
    event = s.exec(select(AuditEvent).where(AuditEvent.action == "return_spend.answered")
                   .order_by(col(AuditEvent.id).desc())).first()  # the newest: the demo's partner answered too
    assert event.tender_id == world.tender.id and event.after["amount"] == "12000.00"


def test_only_the_supplier_submits_and_others_see_nothing(world: Delivery) -> None:
    s = world.session
    for who, refusal in ((world.officer, Forbidden), (world.commissioner, Forbidden), (world.other_supplier, NotFound),
                         (world.partner, NotFound)):  # fmt: skip
        with pytest.raises(refusal):
            submit_return(s, who, world.cid, 1, entry(world), source="page", now=world.on(1))
    submit_return(s, world.supplier, world.cid, 1, entry(world), source="page", now=world.on(1))
    for reader in (world.officer, world.commissioner, world.supplier):
        assert len(versions(s, reader, world.cid, 1)) == 1
    for outsider in (world.other_supplier, world.partner):
        with pytest.raises(NotFound):
            versions(s, outsider, world.cid, 1)


def test_a_partner_with_no_account_is_told_how_to_get_one(world: Delivery) -> None:
    s = world.session
    kestrel = "GB-CHC-1290311"  # verified on the register, nobody's account: its contact address is asked
    submit_return(s, world.supplier, world.cid, 1, entry(world, spend=[(kestrel, "", "3000")]), source="page",
                  now=world.on(1, 3), link=lambda i: f"https://x/partner/spend/{i}")  # fmt: skip
    (letter,) = [m for m in mail.queued(s) if m.to == "hello@kestrel.example.org"]
    assert "Nobody at Kestrel Recovery Network has a tenderscore account yet" in letter.body
    assert "entry on the VCSE register" in letter.body and "https://x/partner/spend/" not in letter.body
