"""The lots forms' wrong turns at a desktop width (1280 px) and a phone width (375 px): dividing a draft (or adding a
lot) with an empty lot title, and a cap of 0 lots on the rule across lots. Each error state is checked for the GOV.UK
error pattern as tests/browser/test_error_paths.py checks it, and saved as
screenshots/lot_error_paths/officer-<state>-<width>px.png with the tender page after each fix."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Tender
from tests.browser import test_register_error_paths as register
from tests.browser.conftest import SCREENSHOTS, demo_app, serve
from tests.browser.test_error_paths import fits

pytestmark = pytest.mark.browser
FOLDER = SCREENSHOTS / "lot_error_paths"
WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[register.World]:
    folder = tmp_path_factory.mktemp("lot_error_paths")
    app = demo_app(folder, "lots")
    with app.app_context(), Session(get_engine(app)) as session:
        draft = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-003")).one()
        ids = {"draft": int(draft.id or 0)}
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    try:
        with serve(app) as base:
            yield register.World(base, ids, folder)
    finally:
        get_engine(app).dispose()


def _state(page: object, state: str, width: int, **kwargs: object) -> None:
    saved = register.FOLDER
    register.FOLDER = FOLDER  # the shared checker saves its screenshots into its module's folder
    try:
        register.error_state(page, "officer", state, width, **kwargs)  # type: ignore[arg-type]
    finally:
        register.FOLDER = saved


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_leaves_a_lot_title_empty_then_sets_a_cap_of_0(
    browser: Browser, world: register.World, width: int
) -> None:
    page = register.signed_in(browser, world, "officer@demo.tenderscore.test", width)
    page.goto(world.url(f"/tenders/{world.entries['draft']}"))
    page.locator("#divide, #add-lot").first.click()  # the first run divides the draft; the second adds a lot
    page.fill("#title", "  ")
    page.fill("#estimated_value", "120000")
    page.click("form button.govuk-button >> nth=0")
    _state(page, "empty-lot-title", width, fields={"title": "title"}, kept={"#estimated_value": "120000"})
    page.fill("#title", f"Cumbria ({width} px)")
    page.click("form button.govuk-button >> nth=0")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is added")
    expect(page.locator("#lots-table")).to_contain_text(f"Cumbria ({width} px)")
    fits(page)
    page.screenshot(path=str(FOLDER / f"officer-lots-{width}px.png"), full_page=True)

    page.click("#lot-rule-words a")
    page.fill("#lot_cap", "0")
    page.check("#lot_order-2")
    page.click("button:has-text('Save the rule')")
    _state(page, "cap-of-0", width, fields={"lot_cap": "1 or more"}, kept={"#lot_cap": "0"})
    expect(page.locator("#lot_order-2")).to_be_checked()
    page.fill("#lot_cap", "1")
    page.click("button:has-text('Save the rule')")
    expect(page.locator("#lot-rule-words")).to_contain_text("One bidder may win at most 1 lot.")
    expect(page.locator("#lot-rule-words")).to_contain_text("lot number order")
    fits(page)
    page.screenshot(path=str(FOLDER / f"officer-rule-{width}px.png"), full_page=True)
    page.context.close()
