"""The supplier's delivery return form, sent wrong, at a desktop width (1280 px) and a phone width (375 px): the GOV.UK
error pattern as tests/browser/test_error_paths.py checks it (title "Error: ", every problem in the summary linked to
its field, the message above the field, the values typed kept, no sideways scrolling), nothing stored, and then the
return sent right. Screenshots: screenshots/return_error_paths/supplier-<state>-<width>px.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Contract, DeliveryReturn, Role, Tender, User
from tenderscore.services.kpis import FIGURE, kpis_of
from tests.browser.conftest import SCREENSHOTS, demo_app, serve
from tests.browser.test_register_error_paths import World as _World
from tests.browser.test_register_error_paths import error_state, signed_in
from tests.delivery.helpers import clear

pytestmark = pytest.mark.browser
FOLDER = SCREENSHOTS / "return_error_paths"
# Each width sends the return of its own period, so that each starts from none.
WIDTHS = [pytest.param(1280, 1, id="1280px"), pytest.param(375, 2, id="375px")]


@dataclass(frozen=True)
class World(_World):
    app: Flask
    contract_id: int
    supplier: str
    kpis: tuple[int, ...]  # the KPIs the supplier reports a figure for


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("return_error_paths")
    app = demo_app(folder, "returns")
    with app.app_context(), Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2026-003")).one()
        contract = session.exec(select(Contract).where(Contract.tender_id == tender.id)).one()
        clear(session, contract)  # the demo's two reported periods: this test reports them itself
        session.commit()
        supplier = session.exec(select(User).where(
            User.role == Role.BIDDER, User.organisation_id == contract.supplier_org_id)).first()  # fmt: skip
        assert supplier is not None and contract.id is not None
        kpis = tuple(k.id for k in kpis_of(session, contract.id) if k.basis == FIGURE and k.id is not None)
        cid, email = contract.id, supplier.email
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    try:
        with serve(app) as base:
            yield World(base, {}, folder, app, cid, email, kpis)
    finally:
        get_engine(app).dispose()


def _fill(page: object, selector: str, value: str) -> None:
    page.locator(f'[id="{selector}"]').fill(value)  # type: ignore[attr-defined]  # ids hold dots: no CSS #id


@pytest.mark.parametrize(("width", "period"), WIDTHS)
def test_the_return_form_sent_wrong_then_right(browser: Browser, world: World, width: int, period: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr("tests.browser.test_register_error_paths.FOLDER", FOLDER)  # where error_state saves
    page = signed_in(browser, world, world.supplier, width)
    page.goto(world.url(f"/contracts/{world.contract_id}/periods/{period}"))
    expect(page.locator("#return-form")).to_be_visible()
    first, *others = world.kpis
    _fill(page, "contract_spend", "a lot")
    for kpi in others:
        _fill(page, f"figures.{kpi}.value", "95")
    _fill(page, "spend.1.identifier", "GB-CHC-12")
    _fill(page, "spend.1.amount", "500")
    _fill(page, "spend.2.identifier", "GB-CHC-1290417")
    _fill(page, "spend.2.amount", "12.345")
    page.click("#send-return")
    error_state(page, "supplier", "return", width, fields={
        "contract_spend": "the contract's total spend in the period",
        f"figures.{first}.value": "or say in the comment why it is not reported",
        "spend.1.identifier": "GB-CHC-12",
        "spend.2.amount": "pounds and pence",
    }, kept={'[id="spend.2.amount"]': "12.345", '[id="spend.1.identifier"]': "GB-CHC-12"})  # fmt: skip
    with Session(get_engine(world.app)) as session:
        assert session.exec(select(DeliveryReturn).where(DeliveryReturn.period == period)).all() == []
    _fill(page, "contract_spend", "250000")
    _fill(page, f"figures.{first}.value", "88")
    _fill(page, "spend.1.identifier", "")
    _fill(page, "spend.1.amount", "")
    _fill(page, "spend.2.amount", "12000")
    page.click("#send-return")
    expect(page.locator("#version-1")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#version-1")).to_contain_text("Aldergate Housing Trust")  # the register's name
    page.screenshot(path=str(FOLDER / f"supplier-sent-{width}px.png"), full_page=True)

