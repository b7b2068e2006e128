"""Clarification questions' wrong turns at a desktop width (1280 px) and a phone width (375 px): a bidder's blank
question, an officer's answer with no audience and no words, and a publication without the question's wording. Each
error state is checked for the GOV.UK error pattern as tests/browser/test_error_paths.py checks it, and saved as
screenshots/clarification_error_paths/<role>-<state>-<width>px.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, col, select

from tenderscore.db import get_engine
from tenderscore.db.models import Clarification, Tender
from tests.browser import test_register_error_paths as register
from tests.browser.conftest import SCREENSHOTS, demo_app, serve
from tests.browser.test_error_paths import fits

pytestmark = pytest.mark.browser
FOLDER = SCREENSHOTS / "clarification_error_paths"
WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[register.World]:
    folder = tmp_path_factory.mktemp("clarification_error_paths")
    app = demo_app(folder, "clarifications")
    with app.app_context(), Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NWPR-2027-002")).one()
        waiting = session.exec(
            select(Clarification.id).where(col(Clarification.answered_at).is_(None))
        ).one()  # the demo's question awaiting an answer
        ids = {"tender": int(tender.id or 0), "waiting": int(waiting or 0)}
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    try:
        with serve(app) as base:
            yield register.World(base, ids, folder)
    finally:
        get_engine(app).dispose()


def _state(page: object, role: str, state: str, width: int, **kwargs: object) -> None:
    saved = register.FOLDER
    register.FOLDER = FOLDER  # the shared checker saves its screenshots into its module's folder
    try:
        register.error_state(page, role, state, width, **kwargs)  # type: ignore[arg-type]
    finally:
        register.FOLDER = saved


@pytest.mark.parametrize("width", WIDTHS)
def test_a_bidder_asks_a_blank_question_then_a_real_one(browser: Browser, world: register.World, width: int) -> None:
    page = register.signed_in(browser, world, "harbour@demo.tenderscore.test", width)
    page.goto(world.url(f"/tenders/{world.entries['tender']}"))
    expect(page.locator("#clarification-deadline")).to_be_visible()
    questions = page.locator("#clarifications ~ .ts-clarification")
    expect(questions.filter(has_text="Can bed spaces in hostels run by a bidder")).to_have_count(1)  # published
    for others in ("two hostels in Salford", "digital job-matching", "anonymised staff list"):  # as asked, private
        expect(questions.filter(has_text=others)).to_have_count(0)
    fits(page)
    page.screenshot(path=str(FOLDER / f"bidder-tender-page-{width}px.png"), full_page=True)
    page.click("text=Ask a clarification question")
    page.fill("#question", "   ")
    page.click("button:has-text('Send the question')")
    _state(page, "bidder", "blank-question", width, fields={"question": "Enter your question"})
    page.fill("#question", f"Is TUPE likely to apply? ({width} px)")
    page.click("button:has-text('Send the question')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent to the buyer")
    expect(page.locator("#question-text")).to_contain_text("Is TUPE likely to apply?")
    fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_answers_without_an_audience_then_publishes_without_wording(
    browser: Browser, world: register.World, width: int
) -> None:
    page = register.signed_in(browser, world, "officer@demo.tenderscore.test", width)
    page.goto(world.url(f"/clarifications/{world.entries['waiting']}"))
    fits(page)
    page.click("button:has-text('Send the answer')")
    _state(page, "officer", "no-audience-no-answer", width,
           fields={"audience": "Choose who gets the answer", "answer": "Enter the answer"})  # fmt: skip
    page.check("#audience-2")  # every bidder: the question's wording is revealed, filled with the question as asked
    page.fill("#published_question", "")
    page.fill("#answer", "By 15 January.")
    page.click("button:has-text('Send the answer')")
    _state(page, "officer", "no-published-wording", width,
           fields={"published_question": "Enter the question as every bidder will read it"},
           kept={"#answer": "By 15 January."})  # fmt: skip
    expect(page.locator("#audience-2")).to_be_checked()
