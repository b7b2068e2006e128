"""The dashboards' pages and exports on the worked example of tests/dashboards/conftest.py (the figures are worked
by hand in test_oversight.py), signed in as each role."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import select

from tenderscore.core.ukdates import uk_date
from tenderscore.db.models import AuditEvent, KpiRating
from tests.dashboards.conftest import Delivered

pytestmark = pytest.mark.db


def _text(html: str) -> str:
    """The words of a piece of a page: tags dropped, spaces as one."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",").replace(" )", ")").replace("( ", "(")
OFFICER = "officer@demo.tenderscore.test"
COMMISSIONER = "commissioner@demo.tenderscore.test"
SVG = "{http://www.w3.org/2000/svg}"


def test_the_officer_lists_contracts_with_latest_rating_late_returns_and_next_notice(
    frozen: Delivered, browse: Callable[[str], FlaskClient]
) -> None:
    page = browse(OFFICER).get("/contracts").get_data(as_text=True)
    assert "NWPR-2026-003" in page and "NWPR-2026-009" in page
    assert page.count(">Inadequate</strong>") == 2
    assert "Period 2: came late" in page and "Period 2: no return, due" in page
    start = frozen.a.starts_on  # a week or so after the day the test runs
    year_on = date(start.year + 1, start.month, 28 if (start.month, start.day) == (2, 29) else start.day)
    assert f"Assessment by {uk_date(year_on)}" in page  # 12 months after A's start (10 December 2027 from 10 Dec)
    assert 'id="oversight-link"' in page


def test_the_contract_page_charts_each_kpi_against_its_target(frozen: Delivered,
                                                              browse: Callable[[str], FlaskClient]) -> None:
    a, vcse = frozen.a, frozen.kpis["a.vcse"]
    response = browse(OFFICER).get(f"/contracts/{a.id}/performance")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    start = page.index(f'id="kpi-{vcse.id}-chart"')
    svg = page[page.index("<svg", start): page.index("</svg>", start) + 6]
    root = ET.fromstring(svg)
    assert [(c.get("data-period"), c.get("data-value")) for c in root.iter(f"{SVG}circle") if c.get("data-value")] \
        == [("Period 1", "12"), ("Period 2", "16")]  # fmt: skip
    assert "Target 20%" in ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    table = page[page.index(f'id="kpi-{vcse.id}-table"'):]
    table = table[: table.index("</table>")]
    assert "14.4" not in table and "12%" in table and "16%" in table and "60.00%" in table and "80.00%" in table
    first = _text(table[table.index(f'id="spend-{vcse.id}-1"'): table.index(f'id="spend-{vcse.id}-2"')])
    second = _text(table[table.index(f'id="spend-{vcse.id}-2"'):])
    assert "£15,000 confirmed (Aldergate Housing Trust, Tidewater Mutual), of which £3,000 with partners that do " \
           "not count under the tender's rule (Tidewater Mutual)" in first  # fmt: skip
    assert "£5,000 not yet answered (Kestrel Recovery Network, £5,000)" in first and "disputed" not in first
    assert "£24,000 confirmed (Aldergate Housing Trust)" in second
    assert "£6,000 disputed: Kestrel Recovery Network, £6,000: “The figure is not ours”" in second
    assert "not yet answered" not in second
    jobs = page[page.index(f'id="kpi-{frozen.kpis["a.jobs"].id}-table"'):]
    assert "Two placements ended early" in jobs[: jobs.index("</table>")]
    assert ">Late</strong>" in page


def test_the_commissioner_sees_promised_against_delivered_and_partners_unconfirmed(
    frozen: Delivered, browse: Callable[[str], FlaskClient]
) -> None:
    page = browse(COMMISSIONER).get("/contracts/oversight").get_data(as_text=True)
    vcse = page[page.index('id="vcse-table"'): page.index('id="social-value-table"')]
    assert "14.4%" in vcse and "72.00%" in vcse and "25%" in vcse and "125.00%" in vcse
    assert "£250,000" in vcse and "£11,000" in vcse
    partners = page[page.index('id="partners-table"'):]
    assert partners.index("Kestrel Recovery Network") < partners.index("Tidewater Mutual")
    assert "£15,000" in partners
    assert 'id="vcse-chart"' in page


def test_roles_without_a_seat_are_refused(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    supplier = frozen.supplier(frozen.a)
    assert browse(supplier.email).get("/contracts/oversight").status_code == 403
    assert browse(supplier.email).get(f"/contracts/{frozen.a.id}/performance").status_code == 200
    partner = browse("partner@demo.tenderscore.test")
    assert partner.get(f"/contracts/{frozen.a.id}/performance").status_code == 403
    assert browse("evaluator1@demo.tenderscore.test").get("/contracts").status_code == 403


def test_the_contract_export_holds_the_kpis_by_period_as_numbers(frozen: Delivered,
                                                                 browse: Callable[[str], FlaskClient]) -> None:
    vcse_kpi = frozen.kpis["a.vcse"]
    frozen.session.add(KpiRating(contract_id=frozen.a.id, kpi_id=vcse_kpi.id, period=2, delivered=Decimal(20),
                                 computed="good", rating="good", rated_by_id=frozen.officer.id))  # fmt: skip
    frozen.session.commit()
    response = browse(OFFICER).get(f"/contracts/{frozen.a.id}/performance.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["KPIs by period", "Periods", "Partners' spend"]
    sheet = book["KPIs by period"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    vcse = [r for r in rows if r[0] == "Delivery through VCSE organisations"]
    assert [(r[3], r[6], r[7], r[9], r[10], r[11], r[13], r[14]) for r in vcse] == [
        (1, 20, "20%", 12, 60, "60.00%", "Inadequate", "Inadequate"),
        (2, 20, "20%", 16, 80, "80.00%", "Requires improvement", "Good")]  # fmt: skip
    # Period 2 was rated Good on an earlier return (the rule gave Good then): stale, not an override without reason.
    assert (vcse[1][12], vcse[1][15]) == ("Good", None) and vcse[1][16].startswith(
        "Stale: rated on an earlier return or before a partner answered; the rule now gives Requires improvement")
    assert vcse[0][12] is None and vcse[0][16] == "Not yet rated by the officer: the rule's rating"
    jobs = next(r for r in rows if r[0] == "Jobs for people with convictions" and r[3] == 2)
    assert (jobs[9], jobs[10], jobs[12], jobs[13], jobs[14], jobs[15], jobs[16], jobs[18]) == (
        3.6, 75, "Requires improvement", "Requires improvement", "Inadequate",
        "Two placements ended early and were not replaced.", None, "late")  # fmt: skip
    assert sheet.cell(row=5, column=5).value == "Starts" and sheet.cell(row=6, column=5).number_format == "d mmm yyyy"
    first = next(row for row in sheet.iter_rows(min_row=5) if row[0].value == "Delivery through VCSE organisations")
    assert first[10].number_format == '0.00"%"' and first[4].value.date() == frozen.a.starts_on
    periods = [[c.value for c in row] for row in book["Periods"].iter_rows(min_row=4)]
    assert [(r[0], r[7], r[8], r[9], r[10], r[11], r[12], r[13]) for r in periods] == [
        (1, 100000, 20000, 15000, 12000, 0, 5000, "Inadequate"),
        (2, 150000, 30000, 24000, 24000, 6000, 0, "Inadequate")]  # fmt: skip
    spend = [[c.value for c in row] for row in book["Partners' spend"].iter_rows(min_row=4)]
    assert [(r[0], r[1], r[4], r[6]) for r in spend] == [
        (1, "Aldergate Housing Trust", "Confirmed", "Yes"), (1, "Kestrel Recovery Network", "Not yet answered", "Yes"),
        (1, "Tidewater Mutual", "Confirmed", "No"), (2, "Aldergate Housing Trust", "Confirmed", "Yes"),
        (2, "Kestrel Recovery Network", "Disputed: The figure is not ours", "Yes")]  # fmt: skip
    assert book["Periods"].cell(row=4, column=8).number_format == '"£"#,##0.00'
    events = frozen.session.exec(select(AuditEvent).where(AuditEvent.action == "report.contract_performance")).all()
    assert len(events) == 1 and events[0].entity_id == str(frozen.a.id)


def test_the_oversight_export(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    response = browse(COMMISSIONER).get("/contracts/oversight.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Contracts", "VCSE share", "Social value", "Late returns", "Partners unconfirmed"]
    vcse = {r[0]: r for r in ([c.value for c in row] for row in book["VCSE share"].iter_rows(min_row=5))}
    assert vcse["NWPR-2026-003"][2:] == [20, 14.4, 72, 20, 250000, 50000, 39000, 36000, 11000, 2]
    assert vcse["NWPR-2026-009"][2:] == [20, 25, 125, 31.25, 80000, 25000, 20000, 20000, 5000, 1]
    partners = [[c.value for c in row] for row in book["Partners unconfirmed"].iter_rows(min_row=4)]
    assert partners == [
        ["GB-CHC-1290311", "Kestrel Recovery Network", 2, 9000, 1, 6000, 15000, "NWPR-2026-009, NWPR-2026-003"],
        ["GB-MPR-31207R", "Tidewater Mutual", 1, 1000, 0, 0, 1000, "NWPR-2026-009"],
    ]
    late = [[c.value for c in row][:5] for row in book["Late returns"].iter_rows(min_row=4)]
    assert [(r[0], r[2], r[4]) for r in late] == [("NWPR-2026-009", 2, "overdue"), ("NWPR-2026-003", 2, "late")]
    assert isinstance(late[0][3].date(), date)


def test_the_dashboard_home_links_to_contracts(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    for email in (OFFICER, COMMISSIONER, frozen.supplier(frozen.a).email):
        home = browse(email).get("/dashboard").get_data(as_text=True)
        assert 'id="contracts-link" href="/contracts"' in home, email
    assert 'href="/contracts/oversight"' in browse(COMMISSIONER).get("/dashboard").get_data(as_text=True)
    assert 'id="contracts-link"' not in browse("evaluator1@demo.tenderscore.test").get("/dashboard").get_data(
        as_text=True)  # fmt: skip
