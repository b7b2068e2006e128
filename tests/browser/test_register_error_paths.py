"""The VCSE register's wrong turns at a desktop width (1280 px) and a phone width (375 px): signing up, verifying,
editing an entry, importing a CSV file, your organisation's identifiers. Each error state is checked for the GOV.UK
error pattern as tests/browser/test_error_paths.py checks it (title "Error: ", every problem in the summary linked to
its field, the message above the field, the values typed kept, no sideways scrolling), and saved as
screenshots/register_error_paths/<role>-<state>-<width>px.png."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Organisation, RegisterEntry
from tenderscore.services.demo import DEMO_PASSWORD
from tests.browser.conftest import PAGE_TIMEOUT_MS, SCREENSHOTS, demo_app, serve
from tests.browser.test_error_paths import _IN_PAGE_ORDER, _SUMMARY, fits

pytestmark = pytest.mark.browser
FOLDER = SCREENSHOTS / "register_error_paths"
WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]
VERIFIED = "Aldergate Housing Trust"
UNVERIFIED = "Tidewater Lived Experience Collective"


@dataclass(frozen=True)
class World:
    base: str
    entries: dict[str, int]
    folder: Path

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("register_error_paths")
    app = demo_app(folder, "register")
    with app.app_context(), Session(get_engine(app)) as session:
        entries = {name: entry_id for name, entry_id in session.exec(
            select(Organisation.name, RegisterEntry.id).join(
                RegisterEntry, RegisterEntry.organisation_id == Organisation.id)).all()}  # type: ignore[arg-type]  # fmt: skip
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    try:
        with serve(app) as base:
            yield World(base, entries, folder)
    finally:
        get_engine(app).dispose()


def error_state(page: Page, role: str, state: str, width: int, *, fields: dict[str, str | tuple[str, str]],
                kept: dict[str, str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """tests/browser/test_error_paths.py's GOV.UK error pattern, for these pages."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    lines = page.evaluate(_SUMMARY)
    assert lines and all(line["found"] for line in lines), lines
    assert page.evaluate(_IN_PAGE_ORDER), f"the summary's order is not the page's: {lines}"
    for field, expected in fields.items():
        said, repeated = (expected, expected) if isinstance(expected, str) else expected
        linked = [line for line in lines if line["href"] == f"#{field}"]
        assert linked, f"no problem links to #{field}: {lines}"
        assert any(said.lower() in line["text"].lower() for line in linked), (field, said, linked)
        assert linked[0]["message"] and repeated.lower() in linked[0]["message"].lower(), (field, linked[0])
        assert linked[0]["above"], f"the message for #{field} is not above the field"
    for selector, value in (kept or {}).items():
        expect(page.locator(selector)).to_have_value(value)
    fits(page)
    page.screenshot(path=str(FOLDER / f"{role}-{state}-{width}px.png"), full_page=True)
    return lines


def signed_in(browser: Browser, world: World, email: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(world.url("/sign-in"))
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(world.url("/dashboard"))
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_signing_up(browser: Browser, world: World, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(world.url("/sign-in"))
    page.click("text=Register a VCSE organisation")
    expect(page).to_have_url(world.url("/register/join"))
    fits(page)
    # Everything wrong at once: no name, a mistyped charity number, no legal form, no service. The address has an
    # account, which the form never says (tests/register/test_register_pages.py).
    page.fill("#identifiers", "GB-CHC-12345")
    page.check("#areas")  # the first area
    page.fill("#website", "newdawn.example.org")
    page.fill("#person_name", "Ann Smith")
    page.fill("#person_email", "partner@demo.tenderscore.test")
    page.click("button:has-text('Register')")
    error_state(
        page, "signed-out", "sign-up-mistakes", width,
        fields={"name": "Enter the organisation's name", "identifiers": "6 or 7 digits", "legal_form": "legal form",
                "services": "Choose at least one service", "website": "https://"},
        kept={"#identifiers": "GB-CHC-12345", "#website": "newdawn.example.org", "#person_name": "Ann Smith"},
    )  # fmt: skip
    expect(page.locator("#areas")).to_be_checked()
    # An organisation already on the register, by name and by identifier.
    page.fill("#name", VERIFIED)
    page.fill("#identifiers", "GB-CHC-1290417")
    page.select_option("#legal_form", "cio")
    page.check("#services")
    page.fill("#website", "")
    page.fill("#person_email", f"ann.{width}@newdawn.example.org")
    page.click("button:has-text('Register')")
    error_state(
        page, "signed-out", "sign-up-already-known", width,
        fields={"name": "already exists", "identifiers": f"already belongs to {VERIFIED}"},
    )  # fmt: skip
    page.fill("#name", f"New Dawn Trust {width}")
    page.fill("#identifiers", f"GB-CHC-11{width:05d}")
    page.click("button:has-text('Register')")
    expect(page).to_have_url(world.url("/register/join/check-your-email"))
    expect(page.locator("h1")).to_contain_text("Check your email")
    expect(page.locator(".govuk-panel__body")).to_contain_text(f"to finish registering New Dawn Trust {width}")
    fits(page)
    page.screenshot(path=str(FOLDER / f"signed-out-sign-up-done-{width}px.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_verifies_and_imports(browser: Browser, world: World, width: int) -> None:
    page = signed_in(browser, world, "officer@demo.tenderscore.test", width)
    menu = page.locator("button.govuk-service-navigation__toggle")
    if (page.viewport_size or {}).get("width", 1280) < 641:  # a phone: the header's links are behind "Menu"
        expect(menu).to_be_visible()  # once GOV.UK Frontend's script has started
        menu.click()
    page.click("a.govuk-service-navigation__link:has-text('VCSE register')")
    expect(page.locator("h1")).to_have_text("VCSE register")
    page.select_option("#standing", "registered")
    page.click("button:has-text('Search')")
    expect(page.locator("#register-results")).to_contain_text(UNVERIFIED)
    expect(page.locator("#register-results")).not_to_contain_text(VERIFIED)
    fits(page)
    page.screenshot(path=str(FOLDER / f"officer-search-{width}px.png"), full_page=True)

    page.goto(world.url(f"/register/{world.entries[UNVERIFIED]}"))
    page.click("a.govuk-button:has-text('Verify')")
    page.fill("#lapses_on-day", "31")
    page.fill("#lapses_on-month", "2")
    page.click("button:has-text('Verify')")
    error_state(
        page, "officer", "verify-mistakes", width,
        fields={"evidence": "Enter the evidence", "reason": "Enter why", "lapses_on-day": "real date"},
        kept={"#lapses_on-day": "31", "#lapses_on-month": "2"},
    )  # fmt: skip
    page.fill("#evidence", "Mutuals Public Register entry 31207R; rules with an asset lock")
    page.fill("#reason", "A community benefit society whose surpluses go to its purpose")
    page.fill("#lapses_on-day", "1")
    page.fill("#lapses_on-month", "1")
    page.fill("#lapses_on-year", "2020")
    page.click("button:has-text('Verify')")
    error_state(page, "officer", "verify-past-date", width, fields={"lapses_on-day": "after today"},
                kept={"#evidence": "Mutuals Public Register entry 31207R; rules with an asset lock"})  # fmt: skip
    page.fill("#lapses_on-year", "2027")
    page.click("button:has-text('Verify')")
    expect(page.locator("#standing")).to_contain_text("Verified VCSE, lapses on 1 January 2027")
    expect(page.locator("#verifications")).to_be_visible()
    page.click("a:has-text('End verification')")
    page.click("button:has-text('End verification')")
    error_state(page, "officer", "end-verification-no-reason", width, fields={"reason": "Enter why"})
    page.fill("#reason", "Verified against the wrong society's rules")
    page.click("button:has-text('End verification')")
    expect(page.locator("#standing")).to_contain_text("Registered — verification ended on")

    csv = world.folder / f"partners-{width}.csv"
    csv.write_text("name,identifiers,legal_form,services,areas\n"
                   f"Good Row {width},GB-CHC-12{width:05d},cio,ete,london\n"
                   "Bad Row,GB-CHC-12,trust,,london\n", encoding="utf-8")  # fmt: skip
    page.goto(world.url("/register/import"))
    page.set_input_files("#file", str(csv))
    page.click("button:has-text('Import')")
    lines = error_state(page, "officer", "import-bad-rows", width,
                        fields={"file": ("Line 3, column identifiers", "nothing was imported")})  # fmt: skip
    assert [line["text"].split(":")[0] for line in lines] == [
        "Line 3, column identifiers", "Line 3, column legal_form", "Line 3, column services"]  # fmt: skip
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_partner_keeps_its_entry(browser: Browser, world: World, width: int) -> None:
    page = signed_in(browser, world, "tidewater@demo.tenderscore.test", width)
    page.click("#your-register-entry a:has-text('Keep it up to date')")
    page.fill("#identifiers", "GB-CHC-1290417")
    page.fill("#website", "tidewater")
    page.fill("#contact_email", "not an email")
    page.click("button:has-text('Save the entry')")
    error_state(
        page, "partner", "edit-mistakes", width,
        fields={"website": "https://", "contact_email": "correct format"},
        kept={"#identifiers": "GB-CHC-1290417", "#website": "tidewater"},
    )  # fmt: skip
    page.fill("#website", "https://tidewater.example.org")
    page.fill("#contact_email", "hello@tidewater.example.org")
    page.click("button:has-text('Save the entry')")
    error_state(page, "partner", "edit-identifier-held", width,
                fields={"identifiers": f"already belongs to {VERIFIED}"})  # fmt: skip
    page.fill("#identifiers", "")
    page.click("button:has-text('Save the entry')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The register entry is saved")
    expect(page.locator("#entry")).to_contain_text("https://tidewater.example.org")
    expect(page.locator("#history + table")).to_contain_text("Changed the entry")
    fits(page)
    page.screenshot(path=str(FOLDER / f"partner-entry-{width}px.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_gives_an_organisation_without_an_account_one(browser: Browser, world: World, width: int) -> None:
    page = signed_in(browser, world, "officer@demo.tenderscore.test", width)
    name = "Kestrel Recovery Network" if width == 1280 else "Second Shift Kitchens CIC"  # each width its own
    kestrel = world.entries[name]
    page.goto(world.url(f"/register/{kestrel}"))
    expect(page.locator("#no-accounts")).to_contain_text(f"Nobody at {name} has an account yet")
    fits(page)
    page.click("#add-account")
    page.fill("#email", "kestrel at example")
    page.click("button:has-text('Send the invitation')")
    error_state(page, "officer", "account-mistakes", width,
                fields={"name": "Enter", "email": "email address"}, kept={"#email": "kestrel at example"})  # fmt: skip
    page.fill("#name", "Kit Kestrel")
    page.fill("#email", "partner@demo.tenderscore.test")  # Aldergate's: one account per address
    page.click("button:has-text('Send the invitation')")
    error_state(page, "officer", "account-email-taken", width, fields={"email": "already"},
                kept={"#name": "Kit Kestrel"})  # fmt: skip
    page.fill("#email", f"kit.{width}@kestrel.example.org")
    page.click("button:has-text('Send the invitation')")
    expect(page).to_have_url(world.url(f"/register/{kestrel}"))
    expect(page.locator("#account-list")).to_contain_text(f"Kit Kestrel, kit.{width}@kestrel.example.org (invited)")
    fits(page)
    page.screenshot(path=str(FOLDER / f"officer-account-given-{width}px.png"), full_page=True)
    page.context.close()
