"""The delivery pages as their users meet them: the supplier's contracts, periods and return form (with the GOV.UK
error pattern and nothing stored on an error), the partner's spend to confirm, and the officer's KPI management."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from tenderscore.db.models import DeliveryReturn, KpiVariation
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms
from tests.delivery.conftest import ALDERGATE, MILLRACE, TIDEWATER, Delivery, backdate

pytestmark = pytest.mark.db


@pytest.fixture
def moved(world: Delivery) -> Delivery:
    backdate(world, 200)
    return world


def _as(demo: Flask, email: str) -> tuple[FlaskClient, str]:
    client = demo.test_client()
    return client, forms.sign_in(client, email, DEMO_PASSWORD)


def csrf_of(client: FlaskClient) -> str:
    return forms.csrf_from(client.get("/account").get_data(as_text=True))


def _form(world: Delivery, csrf: str, **changes: str) -> dict[str, str]:
    data = {"csrf_token": csrf, "spend_rows": "5", "contract_spend": "250000.00", "note": "Quarter two",
            "spend.1.identifier": ALDERGATE, "spend.1.amount": "30000",
            "spend.3.identifier": TIDEWATER, "spend.3.name": "Tidewater", "spend.3.amount": "15000.50"}  # fmt: skip
    data.update({f"figures.{k.id}.value": "100" for k in world.figure_kpis})
    data.update(changes)
    return data


def test_the_supplier_sends_a_return_on_the_page(demo: Flask, moved: Delivery) -> None:
    client, csrf = _as(demo, moved.supplier.email)
    assert moved.contract.title in client.get("/contracts").get_data(as_text=True)  # the dashboards' list
    page = client.get(f"/contracts/{moved.cid}").get_data(as_text=True)
    assert "Period 3" in page and "Opens " in page and "manage-kpis" not in page
    assert "Overdue: due by" in page  # period 1 is over and nothing came
    assert f'href="/contracts/{moved.cid}"' in client.get(f"/contracts/{moved.cid}/performance").get_data(as_text=True)
    url = f"/contracts/{moved.cid}/periods/2"
    form = client.get(url).get_data(as_text=True)
    assert 'id="return-form"' in form and "Evidence expected" in form
    k1 = moved.figure_kpis[0]
    bad = _form(moved, csrf, **{f"figures.{k1.id}.value": "", "spend.3.amount": "12.345", "contract_spend": "x"})
    refused = client.post(url, data=bad)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in html
    for anchor in (f"#figures.{k1.id}.value", "#spend.3.amount", "#contract_spend"):
        assert f'href="{anchor}"' in html
    assert 'value="Tidewater"' in html and 'value="12.345"' in html  # what was typed is shown again
    moved.session.rollback()
    assert moved.session.exec(select(DeliveryReturn)).all() == []
    sent = client.post(url, data=_form(moved, csrf))
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    page = client.get(url).get_data(as_text=True)
    assert "Version 1 (current)" in page and "Not yet confirmed" in page and "£15,000.50" in page
    assert 'value="250000.00"' in page  # the form holds the current version, to correct
    # Its two partner lines and two empty rows are open; the other empty rows are folded away (a phone's page was
    # some 18,000 px tall), a click from being used.
    folded = page.index('id="more-partners"')
    assert page.index('id="partner-row-4"') < folded < page.index('id="partner-row-5"')
    assert page.index('id="partner-row-7"') > folded
    assert "More partners: 3 more empty rows" in page and 'id="partner-row-8"' not in page
    assert client.post(url, data=_form(moved, csrf, contract_spend="260000.00")).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Version 2 (current)" in page
    earlier = page[page.index('id="version-1"'):]
    assert earlier.index("<details") < earlier.index("Version 1 (superseded), sent") < earlier.index("£250,000")
    assert "You can send this return from" in client.get(f"/contracts/{moved.cid}/periods/3").get_data(as_text=True)


def test_others_see_what_their_seat_allows(demo: Flask, moved: Delivery) -> None:
    supplier, csrf = _as(demo, moved.supplier.email)
    assert supplier.post(f"/contracts/{moved.cid}/periods/2", data=_form(moved, csrf)).status_code == 302
    officer, _ = _as(demo, moved.officer.email)
    page = officer.get(f"/contracts/{moved.cid}/periods/2").get_data(as_text=True)
    assert "Version 1 (current)" in page and "return-form" not in page
    other, _ = _as(demo, moved.other_supplier.email)
    assert other.get(f"/contracts/{moved.cid}").status_code == 404
    assert moved.contract.title not in other.get("/contracts").get_data(as_text=True)
    partner, _ = _as(demo, moved.partner.email)
    assert partner.get(f"/contracts/{moved.cid}").status_code == 403
    assert officer.get(f"/tenders/{moved.tender.id}/award").status_code == 200


def test_a_partner_confirms_or_disputes_its_spend(demo: Flask, moved: Delivery) -> None:
    supplier, csrf = _as(demo, moved.supplier.email)
    assert supplier.post(f"/contracts/{moved.cid}/periods/2", data=_form(moved, csrf)).status_code == 302
    partner, csrf = _as(demo, moved.partner.email)
    listed = partner.get("/partner/spend").get_data(as_text=True)
    assert "£30,000" in listed and "£15,000.50" not in listed  # its own line only
    link = re.search(r'href="(/partner/spend/\d+)"', listed)
    assert link is not None
    refused = partner.post(link.group(1), data={"csrf_token": csrf, "answer": "refused", "reason": ""})
    assert refused.status_code == 400 and 'href="#reason"' in refused.get_data(as_text=True)
    chosen = partner.post(link.group(1), data={"csrf_token": csrf})
    assert chosen.status_code == 400 and 'href="#answer"' in chosen.get_data(as_text=True)
    assert partner.post(link.group(1), data={"csrf_token": csrf, "answer": "confirmed"}).status_code == 302
    officer, _ = _as(demo, moved.officer.email)
    page = officer.get(f"/contracts/{moved.cid}/periods/2").get_data(as_text=True)
    assert "Confirmed" in page and "Not yet confirmed" in page  # Tidewater has not answered
    tidewater, _ = _as(demo, moved.tidewater.email)
    assert tidewater.get(link.group(1)).status_code == 404
    # The supplier corrects the figure: the partner is asked again and sees what it answered before.
    assert supplier.post(f"/contracts/{moved.cid}/periods/2",
                         data=_form(moved, csrf_of(supplier), **{"spend.1.amount": "31000"})).status_code == 302
    listed = partner.get("/partner/spend").get_data(as_text=True)
    assert "£31,000" in listed and "Before: £30,000 in version 1, which you confirmed (superseded)" in listed
    again = re.search(r'href="(/partner/spend/\d+)"', listed)
    assert again is not None and again.group(1) != link.group(1)
    page = partner.get(again.group(1)).get_data(as_text=True)
    earlier = page[page.index('id="earlier-lines"'):]
    assert "the spend reported with you changed from £30,000 to £31,000" in page
    assert "Version 1" in earlier and "£30,000" in earlier and "Confirmed</strong>" in earlier
    assert "Tidewater" not in earlier and "£15,000.50" not in earlier  # only its own lines


def test_the_officer_manages_kpis_on_the_page(demo: Flask, moved: Delivery) -> None:
    officer, csrf = _as(demo, moved.officer.email)
    url = f"/contracts/{moved.cid}/kpis"
    page = officer.get(url).get_data(as_text=True)
    assert 'id="add-kpi"' in page and "Good: 95% of the target or more" in page
    new = {"csrf_token": csrf, "title": "Mentoring hours", "target_value": "500", "direction": "at_least",
           "basis": "figure", "evidence": "Session logs"}  # fmt: skip
    refused = officer.post(f"{url}/new", data={**new, "target_value": "lots"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'href="#target_value"' in html and 'href="#reason"' in html
    assert officer.post(f"{url}/new", data={**new, "reason": "Agreed at mobilisation."}).status_code == 302
    moved.session.rollback()
    kpi = moved.session.exec(select(KpiVariation)).one().kpi_id
    varied = officer.post(f"/kpis/{kpi}", data={**new, "target_value": "450", "reason": "Late start."})
    assert varied.status_code == 302
    assert officer.post(f"/kpis/{kpi}", data={**new, "withdraw": "yes", "reason": ""}).status_code == 400
    assert officer.post(f"/kpis/{kpi}", data={**new, "withdraw": "yes", "reason": "Replaced."}).status_code == 302
    page = officer.get(url).get_data(as_text=True)
    assert "Withdrawn" in page and "Late start." in page and "“500” to “450”" in page
    terms = officer.post(f"/contracts/{moved.cid}/delivery-terms", data={
        "csrf_token": csrf, "return_months": "6", "good": "90", "approaching": "80", "requires_improvement": "70",
        "reason": ""})  # fmt: skip
    assert terms.status_code == 400 and 'href="#reason"' in terms.get_data(as_text=True)
    supplier, _ = _as(demo, moved.supplier.email)
    assert supplier.get(f"/kpis/{kpi}").status_code == 403
    assert "add-kpi" not in supplier.get(url).get_data(as_text=True)


def test_a_workbook_uploaded_with_errors_names_its_cells(demo: Flask, moved: Delivery) -> None:
    client, csrf = _as(demo, moved.supplier.email)
    url = f"/contracts/{moved.cid}/periods/2"
    blank = client.get(f"{url}/workbook")
    assert blank.status_code == 200 and blank.data.startswith(b"PK")
    refused = client.post(f"{url}/workbook", data={"csrf_token": csrf, "workbook": (io.BytesIO(blank.data), "r.xlsx")},
                          content_type="multipart/form-data")  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'href="#workbook"' in html
    assert "Return!B4: Enter the contract&#39;s total spend in the period" in html  # each cell in the summary
    assert 'id="return-form"' in html  # the page as it was, with its form
    nothing = client.post(f"{url}/workbook", data={"csrf_token": csrf}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and "Choose the filled-in return workbook" in nothing.get_data(as_text=True)
    moved.session.rollback()
    assert moved.session.exec(select(DeliveryReturn)).all() == []


def test_a_partner_asked_again_sees_only_the_earlier_answers_that_tell_it_something(demo: Flask, moved: Delivery
                                                                                     ) -> None:  # fmt: skip
    """Version 2 repeats version 1's £30,000 (the partner's answer carries over); the partner confirms it; version 3
    says £31,000. Asked again, it sees version 2's confirmed £30,000, not version 1's unanswered copy of it."""
    supplier, csrf = _as(demo, moved.supplier.email)
    url = f"/contracts/{moved.cid}/periods/2"
    for _ in range(2):
        assert supplier.post(url, data=_form(moved, csrf)).status_code == 302
    partner, partner_csrf = _as(demo, moved.partner.email)
    first = re.search(r'href="(/partner/spend/\d+)"', partner.get("/partner/spend").get_data(as_text=True))
    assert first is not None
    assert "Before:" not in partner.get("/partner/spend").get_data(as_text=True)  # the same figure: nothing new
    assert partner.post(first.group(1), data={"csrf_token": partner_csrf, "answer": "confirmed"}).status_code == 302
    assert supplier.post(url, data=_form(moved, csrf, **{"spend.1.amount": "31000"})).status_code == 302
    listed = partner.get("/partner/spend").get_data(as_text=True)
    assert listed.count("Before:") == 1 and "Before: £30,000 in version 2, which you confirmed" in listed


def test_the_error_summary_names_each_spend_line(demo: Flask, moved: Delivery) -> None:
    """Every line's problem says which line, an identifier the register does not know says so (the likely typo), and
    "250,000.00" is read as on the API (core.numbers.read_number); the same identifier with a name is accepted."""
    client, csrf = _as(demo, moved.supplier.email)
    url = f"/contracts/{moved.cid}/periods/2"
    bad = _form(moved, csrf, **{"contract_spend": "250,000.00", "spend.2.identifier": "GB-CHC-9999999",
                                "spend.2.amount": "10", "spend.4.identifier": MILLRACE, "spend.4.amount": "5",
                                "spend.5.identifier": "GB-CHC-1290311", "spend.5.amount": "12,5"})  # fmt: skip
    refused = client.post(url, data=bad)
    assert refused.status_code == 400
    summary = html.unescape(refused.get_data(as_text=True).split("govuk-error-summary__list\">")[1]
                            .split("</ul>")[0])  # fmt: skip
    found = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert found == [
        ("spend.2.identifier", "Spend line 2: GB-CHC-9999999 is not on the VCSE register: check the number, or "
                               "enter the partner's name"),
        ("spend.4.identifier", f"Spend line 4: {MILLRACE} is not on the VCSE register: check the number, or enter "
                               "the partner's name"),
        ("spend.5.amount", "Spend line 5: enter the spend with the partner in pounds and pence, like 125000.00 "
                           "(not '12,5'): commas only separate thousands, like 1,250,000.50"),
    ]  # fmt: skip
    named = {**bad, "spend.2.name": "Millbrook Mentoring", "spend.4.name": "Millrace", "spend.5.amount": "1,250"}
    assert client.post(url, data=named).status_code == 302
    moved.session.rollback()
    assert moved.session.exec(select(DeliveryReturn)).one().contract_spend == Decimal("250000.00")
