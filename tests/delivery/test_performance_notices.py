"""Contract performance notices (services/performance_notices.py) on the demo's contract, on both databases: refused
until every period since the last notice is rated and none is stale; then the PDF (its text read back), the OCDS
``implementation`` release validated against the UK schema, the supplier told, the step audited; every 12 months
and a final notice at the end, after which nothing follows."""

from __future__ import annotations

import hashlib
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from tenderscore.core.performance import add_months
from tenderscore.core.ukdates import uk_time
from tenderscore.db import get_engine
from tenderscore.db.models import (
    AuditEvent,
    DeliveryReturn,
    IssuedDocument,
    OcdsRelease,
    PerformanceNotice,
    ReturnSpend,
    id_of,
)
from tenderscore.ocds import loads
from tenderscore.services import access, audit, delivery, mail, performance_notices, publication, ratings
from tenderscore.services import kpis as kpi_service
from tenderscore.services.errors import Conflict, Forbidden
from tests.ocds_schema import validate_record_package, validate_release

from .helpers import (
    CONFIRMED_PARTNER,
    OTHER_PARTNER,
    after_period,
    clear,
    demo_contract,
    kpis,
    officer,
    on_target_figures,
    period_end,
    report,
    supplier,
    user,
)

pytestmark = pytest.mark.db
D = Decimal
JUDGED = "Two sites closed by flooding in the period; the supplier moved the hours to the next quarter as agreed."


@pytest.fixture
def db(demo: Flask) -> Session:
    with Session(get_engine(demo), expire_on_commit=False) as session:
        clear(session, demo_contract(session))  # from the test's own returns only, not the demo's
        yield session  # type: ignore[misc]


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _two_quarters(db: Session) -> dict[str, int]:
    """Period 1: hours 81 of 90 (Approaching), VCSE 18% of 20% confirmed (Approaching), £5,000 unconfirmed.
    Period 2: everything on target but the hours, 60 of 90 (67%: Inadequate by the rule)."""
    contract = demo_contract(db)
    named = kpis(db, contract)
    ids = {name: id_of(k) for name, k in named.items()}
    report(db, contract, 1, figures=on_target_figures(named) | {ids["hours"]: D(81)}, spend=[
        (*CONFIRMED_PARTNER, D(18000), "confirmed"), (*OTHER_PARTNER, D(5000), "awaiting")])  # fmt: skip
    report(db, contract, 2, figures=on_target_figures(named) | {ids["hours"]: D(60)}, contract_spend=D(50000),
           spend=[(*CONFIRMED_PARTNER, D(10000), "confirmed")])  # fmt: skip
    return ids


def test_the_first_notice_refused_until_rated_then_published_as_pdf_and_release(db: Session, tmp_path: Path) -> None:
    contract = demo_contract(db)
    cid = id_of(contract)
    me = officer(db)
    with pytest.raises(Conflict, match="No reporting period has ended yet"):
        performance_notices.publish(db, me, cid, now=after_period(contract, 1, days=-5))
    ids = _two_quarters(db)
    now = after_period(contract, 2)
    with pytest.raises(Conflict, match="Rate periods 1 and 2 first"):
        performance_notices.publish(db, me, cid, now=now)
    ratings.rate_period(db, me, cid, 1, {}, now=now)
    with pytest.raises(Conflict, match="Rate period 2 first"):
        performance_notices.publish(db, me, cid, now=now)
    ratings.rate_period(db, me, cid, 2, {ids["hours"]: ("requires_improvement", JUDGED)}, now=now)
    awaiting = db.exec(select(ReturnSpend).where(ReturnSpend.confirmation == "awaiting")).one()
    awaiting.confirmation = "confirmed"  # the partner answers after the rating: the VCSE share of period 1 moves
    db.add(awaiting)
    db.flush()
    with pytest.raises(Conflict, match="Rate period 1 again"):
        performance_notices.publish(db, me, cid, now=now)
    ratings.rate_period(db, me, cid, 1, {}, now=now)
    for who in (supplier(db, contract), user(db, "commissioner@demo.tenderscore.test")):
        with pytest.raises(Forbidden):
            performance_notices.publish(db, who, cid, now=now)
    mail.discard(db)

    notice = performance_notices.publish(db, me, cid, contract_url="https://x/contracts/1", now=now)
    # Period 1 (hours 90%) Approaching; period 2 the hours Requires improvement by the officer's judgement.
    assert (notice.number, notice.first_period, notice.last_period, notice.final) == (1, 1, 2, False)
    assert notice.overall == "requires_improvement" and notice.assessed_on == period_end(contract, 2)
    with pytest.raises(Conflict, match="No reporting period has ended since notice 1"):
        performance_notices.publish(db, me, cid, now=now)
    with pytest.raises(Conflict, match="reported in performance notice 1"):
        ratings.rate_period(db, me, cid, 1, {}, now=now)

    # The PDF: public, kept as issued, reads as a notice with every KPI line and the officer's reason.
    document = db.get(IssuedDocument, notice.document_id)
    assert document is not None and document.kind == "performance_notice"
    for reader in (supplier(db, contract), user(db, "commissioner@demo.tenderscore.test")):
        assert access.readable_document(db, reader, id_of(document)).content == document.content
    (tmp_path / "notice.pdf").write_bytes(document.content)
    text = " ".join(pdf_text(document.content).split())
    for phrase in ("Contract performance notice", "Overall rating: Requires improvement", contract.title,
                   "Unpaid work hours completed on time Period 1 90% 81% 90.00% Approaching target",
                   "Period 2 90% 60% 66.67% Requires improvement",
                   "The published rule gives Inadequate. The buyer's reason: " + JUDGED[:40],
                   "Delivery through VCSE organisations Period 1 20% 23% 115.00% Good Period 2 20% 20% 100.00% Good",
                   "Good: 95% of the target or more", notice.release_id):  # fmt: skip
        assert phrase in text, phrase

    # The release: tagged implementation, valid against the UK profile, in the tender's record.
    release_row = db.exec(select(OcdsRelease).where(OcdsRelease.release_id == notice.release_id)).one()
    assert release_row.tag == "implementation" and notice.release_id.endswith("-implementation-1")
    assert "-performance-" not in text  # the notice names its release, not an identifier of its own
    release = loads(release_row.body)
    validate_release(release)
    published = release["contracts"][0]
    assert published["status"] == "active"
    metrics = {m["id"]: m for m in published["implementation"]["metrics"]}
    assert len(metrics) == 7
    hours = {o["id"]: o for o in metrics[f"kpi-{ids['hours']}"]["observations"]}
    assert len(hours) == 4  # target and actual, each period
    first = hours[f"kpi-{ids['hours']}-period-1-actual"]
    assert first["measure"] == D(81) and first["unit"] == {"name": "percent"}
    assert first["measureClassification"] == {"scheme": "UK-contractPerformanceRating", "id": "slightlyBelow",
                                              "description": "Approaching target"}  # fmt: skip
    second = hours[f"kpi-{ids['hours']}-period-2-actual"]
    assert second["measureClassification"]["id"] == "below" and JUDGED in second["notes"]
    assert hours[f"kpi-{ids['hours']}-period-2-target"]["measure"] == D(90)
    assert second["period"]["startDate"].startswith(add_months(contract.starts_on, 3).isoformat())
    record = loads(publication.record_of(db, supplier(db, contract), contract.tender_id, uri="https://x/record"))
    validate_record_package(record)
    assert "implementation" in {r["tag"][0] for r in record["records"][0]["releases"]}

    # Told and on the record; the next one due twelve months after this assessment.
    told = [m for m in mail.queued(db) if m.purpose == "performance_notice"]
    assert [m.to for m in told] == [supplier(db, contract).email]
    assert "Overall rating: Requires improvement" in told[0].body and "https://x/contracts/1" in told[0].body
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "contract.performance_notice_published")
                    .order_by(col(AuditEvent.id).desc())).first()  # the newest: the demo has its own
    assert event.after is not None and event.after["overall"] == "requires_improvement"
    assert audit.verify_chain(db).ok
    due = delivery.delivery(db, me, cid, now=now).next_notice
    assert due is not None and due.assessed_by == add_months(notice.assessed_on, 12) and not due.final


def test_the_final_notice_covers_the_rest_and_closes_the_contract(db: Session) -> None:
    contract = demo_contract(db)
    cid, me = id_of(contract), officer(db)
    ids = _two_quarters(db)
    now = after_period(contract, 2)
    for period in (1, 2):
        ratings.rate_period(db, me, cid, period, {}, now=now)
    performance_notices.publish(db, me, cid, now=now)
    # After the contract has ended with no further returns: every later period rated Inadequate, with the reason.
    end = after_period(contract, 12)
    assert end.date() > contract.ends_on
    why = "No return was submitted for the period."
    for period in range(3, 13):
        ratings.rate_period(db, me, cid, period, {i: ("inadequate", why) for i in ids.values()}, now=end)
    final = performance_notices.publish(db, me, cid, now=end)
    assert (final.number, final.first_period, final.last_period, final.final) == (2, 3, 12, True)
    assert final.overall == "inadequate" and final.assessed_on == contract.ends_on
    with pytest.raises(Conflict, match="final contract performance notice has been published"):
        performance_notices.publish(db, me, cid, now=end)
    assert delivery.delivery(db, me, cid, now=end).next_notice is None
    rows = db.exec(select(OcdsRelease).where(OcdsRelease.tender_id == contract.tender_id)
                   .order_by(col(OcdsRelease.id))).all()  # fmt: skip
    assert [r.tag for r in rows][-2:] == ["implementation", "implementation"]
    release = loads(rows[-1].body)
    validate_release(release)
    assert release["contracts"][0]["status"] == "terminated"
    not_reported = release["contracts"][0]["implementation"]["metrics"][0]["observations"][1]
    assert "measure" not in not_reported and not_reported["notes"].startswith("Nothing was reported")
    record = loads(publication.record_of(db, me, contract.tender_id, uri="https://x/record"))
    validate_record_package(record)
    compiled = record["records"][0]["compiledRelease"]["contracts"][0]
    assert compiled["status"] == "terminated"
    # The compiled release keeps every period's observations: both notices' merged by id (12 periods x 2).
    assert len(compiled["implementation"]["metrics"][0]["observations"]) == 24
    assert len(db.exec(select(PerformanceNotice)).all()) == 2


def test_the_preview_is_the_notice_marked_not_issued_and_audited(db: Session) -> None:
    """Before publishing (irreversible, emailed), the officer reads the same PDF marked "Preview - not published":
    nothing is issued or released, the download is on the record; the notice says which return version was rated,
    when it came and whether late, the VCSE spend reported, confirmed, disputed and awaiting, and the KPI variations
    and withdrawals since the last notice."""
    contract = demo_contract(db)
    cid, me = id_of(contract), officer(db)
    named = kpis(db, contract)
    ids = {name: id_of(k) for name, k in named.items()}
    kpi_service.vary_kpi(db, me, ids["hours"], kpi_service.KpiEntry(
        title=named["hours"].title, target_value="85", unit="percent", direction="at_least",
        evidence=named["hours"].evidence, description=named["hours"].description), reason="Agreed after the floods")
    kpi_service.withdraw_kpi(db, me, ids["ni144"], reason="Measured by the probation service instead")
    report(db, contract, 1, figures=on_target_figures(named), spend=[
        (*CONFIRMED_PARTNER, D(18000), "confirmed"), (*OTHER_PARTNER, D(5000), "awaiting")])  # fmt: skip
    late = after_period(contract, 2, days=33)
    report(db, contract, 2, figures=on_target_figures(named), submitted_at=late, spend=[
        (*CONFIRMED_PARTNER, D(22000), "confirmed"), (*OTHER_PARTNER, D(3000), "refused")])  # fmt: skip
    now = after_period(contract, 2, days=40)
    with pytest.raises(Conflict, match="nothing to preview: rate periods 1 and 2 first"):
        performance_notices.preview(db, me, cid, now=now)
    for period in (1, 2):
        ratings.rate_period(db, me, cid, period, {}, now=now)
    for who in (supplier(db, contract), user(db, "commissioner@demo.tenderscore.test")):
        with pytest.raises(Forbidden):
            performance_notices.preview(db, who, cid, now=now)
    documents = len(db.exec(select(IssuedDocument)).all())
    releases = len(db.exec(select(OcdsRelease)).all())
    mail.discard(db)

    name, pdf = performance_notices.preview(db, me, cid, now=now)
    assert name.endswith("-performance-notice-1-preview.pdf")
    assert len(db.exec(select(IssuedDocument)).all()) == documents
    assert len(db.exec(select(OcdsRelease)).all()) == releases
    assert not db.exec(select(PerformanceNotice).where(PerformanceNotice.contract_id == cid)).all()
    assert not [m for m in mail.queued(db) if m.purpose == "performance_notice"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "report.performance_notice_preview")).one()
    assert event.after is not None and event.after["sha256"] == hashlib.sha256(pdf).hexdigest()
    text = " ".join(pdf_text(pdf).split())
    rated = db.exec(select(DeliveryReturn).where(DeliveryReturn.contract_id == cid, DeliveryReturn.period == 2)).one()
    for phrase in ("Preview - not published", "The returns rated",
                   f"Period 1 Version 1, received {uk_time(after_period(contract, 1, days=5))}",
                   f"Period 2 Version 1, received {uk_time(rated.submitted_at)} Late",
                   "£23,000 reported; £18,000 confirmed and counted; £5,000 awaiting the partner's answer",
                   "£25,000 reported; £22,000 confirmed and counted; £3,000 disputed by the partner",
                   "Changes to the key performance indicators since the contract details notice",
                   "Target 90% to 85%", "Agreed after the floods", "Withdrawn",
                   "Measured by the probation service instead"):  # fmt: skip
        assert phrase in text, phrase

    notice = performance_notices.publish(db, me, cid, now=now)
    issued = db.get(IssuedDocument, notice.document_id)
    assert issued is not None
    published = " ".join(pdf_text(issued.content).split())
    assert "Preview" not in published and notice.release_id in published and notice.release_id in text
