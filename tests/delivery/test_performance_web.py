"""Rating and performance notices through the pages and the JSON API, on the demo's contract moved back in time so
that two quarters have ended by the server's clock: the rating form with its values kept on error, the GOV.UK error
summary, the notice published from its button, the tender page saying when the next is due; the API the same,
with refusals that store nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import Session, func, select

from tenderscore.core.performance import add_months
from tenderscore.db import get_engine
from tenderscore.db.models import Contract, KpiRating, PerformanceNotice, id_of
from tenderscore.services import accounts
from tenderscore.services.demo import DEMO_PASSWORD
from tests.forms import csrf_from, sign_in

from .helpers import CONFIRMED_PARTNER, OTHER_PARTNER, clear, demo_contract, kpis, on_target_figures, report, user

pytestmark = pytest.mark.db
D = Decimal
COMMISSIONER = "commissioner@demo.tenderscore.test"


@pytest.fixture
def moved(demo: Flask) -> dict[str, int]:
    """The demo's contract started eight months ago (periods 1 and 2 ended), with period 1 reported: the hours
    81 of 90 and £18,000 of £100,000 with a VCSE partner that confirmed it, £5,000 more unconfirmed."""
    with Session(get_engine(demo), expire_on_commit=False) as session:
        contract = demo_contract(session)
        clear(session, contract)  # from the test's own returns only, not the demo's
        contract.starts_on = add_months(date.today(), -8)
        contract.ends_on = add_months(contract.starts_on, 36) - timedelta(days=1)
        session.add(contract)
        session.flush()
        named = kpis(session, contract)
        report(session, contract, 1, figures=on_target_figures(named) | {id_of(named["hours"]): D(81)}, spend=[
            (*CONFIRMED_PARTNER, D(18000), "confirmed"), (*OTHER_PARTNER, D(5000), "awaiting")])  # fmt: skip
        ids = {name: id_of(k) for name, k in named.items()} | {"contract": id_of(contract),
                                                              "tender": contract.tender_id}  # fmt: skip
        session.commit()
    return ids


def _count(demo: Flask, model: type) -> int:
    with Session(get_engine(demo)) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_rating_a_period_on_its_page_with_every_error_and_then_publishing(
    demo: Flask, moved: dict[str, int]
) -> None:
    client = demo.test_client()
    sign_in(client, "officer@demo.tenderscore.test", DEMO_PASSWORD)
    cid, hours, vcse = moved["contract"], moved["hours"], moved["vcse"]
    page = client.get(f"/contracts/{cid}/periods/1/ratings")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Good: 95% of the target or more" in html  # the published rule in words
    assert "Not yet confirmed</strong> not counted" in html and "£5,000" in html and "£18,000" in html
    warning = html[html.index('id="pending-confirmations"'):]
    assert "£5,000 of VCSE spend is awaiting its partner's answer: rating now counts it as not delivered" in " ".join(
        warning[: warning.index("</div>")].split())  # fmt: skip
    assert f'id="computed-{hours}">Approaching target' in html and "90.00%" in html
    assert "23%: £23,000 with VCSE partners of £100,000 spent" in html  # reported, beside 18% counted
    token = csrf_from(html)
    # The partner was verified on the register, as the tender requires, before period 1 ended: its £18,000 counts,
    # 18% of the 20% promised is 90%: Approaching target. The unconfirmed £5,000 does not count.
    assert 'data-label="Counts">Yes' in html and f'id="computed-{vcse}">Approaching target' in html
    form = {"csrf_token": token, f"kpis.{hours}.rating": "good", f"kpis.{hours}.reason": "",
            f"kpis.{vcse}.rating": ""}  # fmt: skip
    refused = client.post(f"/contracts/{cid}/periods/1/ratings", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "There is a problem" in html and f'href="#kpis.{hours}.reason"' in html
    assert "the published rule gives Approaching target" in html
    chosen = html.split(f'name="kpis.{hours}.rating"')
    assert any('value="good" checked' in part[:80] for part in chosen[1:])  # the value typed is kept
    assert _count(demo, KpiRating) == 0
    form[f"kpis.{hours}.reason"] = "Hours recovered in the month after the period, as the contract allows."
    saved = client.post(f"/contracts/{cid}/periods/1/ratings", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    assert saved.location.endswith(f"/contracts/{cid}/ratings")
    assert _count(demo, KpiRating) == 7
    overview = client.get(f"/contracts/{cid}/ratings").get_data(as_text=True)
    assert "1 by your judgement with its reason" in overview
    assert "Rate period 2 first" in overview  # period 2 has ended with no return: it must be rated first

    # Period 2 has no return: every KPI needs a reason; then the notice is published from its button.
    page = client.get(f"/contracts/{cid}/periods/2/ratings").get_data(as_text=True)
    assert "every rating needs your reason" in page
    why = "No return was submitted for the period."
    form2 = {"csrf_token": csrf_from(page)}
    for name in ("hours", "placements", "starts", "vcse", "jobs", "ni143", "ni144"):
        form2[f"kpis.{moved[name]}.rating"] = "inadequate"
        form2[f"kpis.{moved[name]}.reason"] = why
    assert client.post(f"/contracts/{cid}/periods/2/ratings", data=form2).status_code == 302
    overview = client.get(f"/contracts/{cid}/ratings").get_data(as_text=True)
    assert f'id="preview-notice" href="/contracts/{cid}/performance-notices/preview.pdf"' in overview
    preview = client.get(f"/contracts/{cid}/performance-notices/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf" and preview.data.startswith(b"%PDF")
    assert _count(demo, PerformanceNotice) == 0
    published = client.post(f"/contracts/{cid}/performance-notices", data={"csrf_token": csrf_from(overview)})
    assert published.status_code == 302
    overview = client.get(f"/contracts/{cid}/ratings").get_data(as_text=True)
    assert "Contract performance notice 1 is published, rated Inadequate overall" in overview
    assert 'id="notice-1"' in overview and "(PDF)" in overview
    tender = client.get(f"/tenders/{moved['tender']}").get_data(as_text=True)
    assert 'id="next-performance-notice"' in tender and "1 published so far" in tender


def test_the_tender_page_flags_an_overdue_notice_and_others_only_read(
    demo: Flask, moved: dict[str, int]
) -> None:
    client = demo.test_client()
    with Session(get_engine(demo)) as session:
        contract = session.get(Contract, moved["contract"])
        assert contract is not None
        contract.starts_on = add_months(date.today(), -14)  # a year and two months in: the first notice is late
        contract.ends_on = add_months(contract.starts_on, 36)
        session.add(contract)
        session.commit()
    sign_in(client, COMMISSIONER, DEMO_PASSWORD)
    tender = client.get(f"/tenders/{moved['tender']}").get_data(as_text=True)
    assert 'id="performance-notice-overdue"' in tender
    page = client.get(f"/contracts/{moved['contract']}/periods/1/ratings").get_data(as_text=True)
    assert "Save the ratings" not in page and "Period 1 ratings" in page  # read only
    refused = client.post(f"/contracts/{moved['contract']}/periods/1/ratings", data={"csrf_token": csrf_from(
        client.get("/account").get_data(as_text=True))})  # fmt: skip
    assert refused.status_code == 403 and _count(demo, KpiRating) == 0


def _token(demo: Flask, email: str) -> dict[str, str]:
    with Session(get_engine(demo)) as session:
        token = accounts.issue_api_token(session, user(session, email))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_rates_and_publishes_and_refuses_with_field_paths(
    demo: Flask, moved: dict[str, int]
) -> None:
    client = demo.test_client()
    cid, hours = moved["contract"], moved["hours"]
    me = _token(demo, "officer@demo.tenderscore.test")
    assert client.get(f"/api/contracts/{cid}/periods/1/ratings").status_code == 401
    sheet = client.get(f"/api/contracts/{cid}/periods/1/ratings", headers=me).json
    line = next(k for k in sheet["kpis"] if k["kpi_id"] == moved["vcse"])
    # Reported 23%; £18,000 confirmed by a partner verified before the period's end: 18% of the 20% promised.
    assert (line["reported"], line["delivered"], line["percent_of_target"], line["computed"]) == (
        "23", "18", "90.00", "approaching_target")  # fmt: skip
    assert sheet["vcse_spend_confirmed"] == "18000.00" and sheet["can_rate"] is True
    bad = client.post(f"/api/contracts/{cid}/periods/1/ratings", headers=me,
                      json={"ratings": [{"kpi_id": hours, "rating": "good"}]})  # fmt: skip
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]["kpis"][str(hours)]) == {"reason"}
    assert _count(demo, KpiRating) == 0
    done = client.post(f"/api/contracts/{cid}/periods/1/ratings", headers=me, json={"ratings": [
        {"kpi_id": hours, "rating": "good", "reason": "Recovered the next month."}]})  # fmt: skip
    assert done.status_code == 201 and done.json["rated"] is True
    rated = next(k for k in done.json["kpis"] if k["kpi_id"] == hours)
    assert (rated["rating"], rated["computed"], rated["judged"]) == ("good", "approaching_target", True)
    notices = client.get(f"/api/contracts/{cid}/performance-notices", headers=me).json
    assert notices["can_publish"] is False and notices["why_not"].startswith("Rate period 2 first")
    assert notices["next_notice"]["final"] is False and notices["notices"] == []
    refused = client.post(f"/api/contracts/{cid}/performance-notices", headers=me)
    assert refused.status_code == 409 and _count(demo, PerformanceNotice) == 0
    no_preview = client.get(f"/api/contracts/{cid}/performance-notices/preview", headers=me)
    assert no_preview.status_code == 409 and "rate period 2 first" in str(no_preview.json)
    assert client.get(f"/api/contracts/{cid}/performance-notices/preview",
                      headers=_token(demo, "ridgeway@demo.tenderscore.test")).status_code == 403  # fmt: skip
    supplier_reads = client.get(f"/api/contracts/{cid}/performance-notices",
                                headers=_token(demo, "ridgeway@demo.tenderscore.test"))  # fmt: skip
    assert supplier_reads.status_code == 200 and supplier_reads.json["can_publish"] is False
    partner = _token(demo, "partner@demo.tenderscore.test")
    partner_reads = client.get(f"/api/contracts/{cid}/performance-notices", headers=partner)
    assert partner_reads.status_code in (403, 404)
