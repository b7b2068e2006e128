"""The wrong turns, for every role, at a desktop width (1280 px) and a phone width (375 px).

One world for the module: the demo competition (services/demo.load_demo), with the missing consensus agreed so
the evaluated tender can be awarded, an evaluator who has scored nothing, a stricter policy to move a draft under,
and one more competition run through the services in the past to a standstill that has ended with no contract yet
(for the contract form; the demo's others are in standstill, or under contract). Every error state is checked for
the GOV.UK error pattern (a title starting "Error: ", the error summary with every problem linked to its field,
the message repeated above the field, the values typed kept) and for no sideways scrolling, and is saved as
screenshots/error_paths/<role>-<state>-<width>px.png for people to look at.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, SQLModel, col, select

from tenderscore import create_app
from tenderscore.db import get_engine
from tenderscore.db.models import (
    DocumentKind,
    IssuedDocument,
    Organisation,
    PartnerConfirmation,
    Role,
    Submission,
    Tender,
    User,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import (
    accounts,
    award_path,
    demo,
    evaluation,
    jobs,
    mail,
    panel,
    policies,
    scoring,
    submissions,
    tenders,
)
from tenderscore.services.demo import DEMO_PASSWORD, PROBATION_RUBRIC, load_demo
from tenderscore.sheets import demo_bids
from tests.browser.conftest import PAGE_TIMEOUT_MS, SCREENSHOTS, serve
from tests.conftest import quick_hash

pytestmark = pytest.mark.browser
FOLDER = SCREENSHOTS / "error_paths"
WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]

EVALUATED = "NWPR-2026-014"  # under evaluation: the award
OPEN = "NWPR-2027-002"  # open for bids: submissions, the deadline
DRAFT = "NWPR-2027-003"  # a draft that breaks its policy
STANDSTILL = "NWPR-2026-009"  # the demo's award in standstill: challenges, withdrawal, the contract not yet
UNDER_CONTRACT = "NWPR-2026-003"  # the demo's contract entered into, with KPIs, and its notice published
ENDED = "NWPR-2026-012"  # built here: the standstill ended two weeks ago, no contract recorded
NEW_EVALUATOR = "hana.evaluator@demo.tenderscore.test"


@dataclass(frozen=True)
class World:
    app: Flask
    base: str
    tenders: dict[str, int]
    bids: dict[str, int]  # the evaluated tender's current bids, by bidder
    workbooks: dict[str, Path]  # for the open tender: "errors", "below-threshold", "not-a-workbook"
    strict_policy: int
    policy: int
    letters: dict[str, int]  # the standstill tender's standstill letters, by bidder
    waiting_job: str  # the officer's evaluation report, asked for and not yet taken by a worker

    def url(self, path: str) -> str:
        return self.base + path


def _build(app: Flask, folder: Path) -> dict[str, Any]:
    """The demo, plus what the error paths need; returns the ids and files the tests use."""
    with app.app_context(), Session(get_engine(app)) as session:
        load_demo(session)
        officer = accounts.user_by_email(session, "officer@demo.tenderscore.test")
        commissioner = accounts.user_by_email(session, "commissioner@demo.tenderscore.test")
        found = {t.reference: t for t in session.exec(select(Tender)).all()}
        evaluated, open_tender = found[EVALUATED], found[OPEN]

        # The demo leaves the last bid's consensus to agree: agree it, so the results are final and can be awarded.
        missing = evaluation.results_for(session, officer, id_of(evaluated)).evaluation.missing_consensus
        assert missing, "the demo no longer leaves a consensus to agree: this world can drop this step"
        for bid_id, criterion_id in missing:
            scoring.record_consensus(
                session, officer, int(bid_id), criterion_id, 3, "Panel agreed 3: good evidence with minor gaps."
            )
        current = session.exec(
            select(Submission).where(Submission.tender_id == evaluated.id, Submission.is_current == True)  # noqa: E712
        ).all()
        bids = {submissions.bidder_name(session, s): id_of(s) for s in current}
        # An evaluator on the evaluated tender's panel who has declared and scored nothing yet.
        organisation = accounts.organisation_named(session, "North West Probation Region (demo)", kind="buyer")
        newcomer = accounts.create_user(
            session, email=NEW_EVALUATOR, name="Hana Evaluator", password=DEMO_PASSWORD, role=Role.EVALUATOR,
            organisation=organisation,
        )  # fmt: skip
        panel.assign_evaluator(session, officer, id_of(evaluated), id_of(newcomer))
        panel.declare(session, newcomer, id_of(evaluated), statement="I have no conflict of interest.", conflicts=[])
        # A policy no probation rubric meets (social value at least 40%), to move a compliant draft under.
        strict = policies.create_policy(
            session, commissioner, name="Strict social value policy", min_social_value_weight=Decimal(40),
            mandatory_commitments=[], required_criteria=[],
        )  # fmt: skip
        demo_policy = evaluated.policy_id
        assert demo_policy is not None
        # The bidders' files for the open tender (its template's identity is in them).
        identity = submissions.identity(session, open_tender)
        made = {b.name.split()[0]: b for b in demo_bids(tenders.rubric_of(open_tender), identity)}
        workbooks = {
            "errors": folder / "harbour-lane-response.xlsx",
            "below-threshold": folder / "brightpath-response.xlsx",
            "not-a-workbook": folder / "our-bid.xlsx",
        }
        workbooks["errors"].write_bytes(made["Harbour"].workbook)
        workbooks["below-threshold"].write_bytes(made["Brightpath"].workbook)
        workbooks["not-a-workbook"].write_text("Our bid, typed in a text editor and saved with the wrong ending.\n")
        found[ENDED] = _standstill_ended(session, officer, demo_policy)
        letters = session.exec(
            select(Organisation.name, IssuedDocument.id)
            .join(IssuedDocument, IssuedDocument.bidder_org_id == Organisation.id)  # type: ignore[arg-type]
            .where(IssuedDocument.tender_id == found[STANDSTILL].id,
                   IssuedDocument.kind == DocumentKind.STANDSTILL_LETTER)
        ).all()  # fmt: skip
        waiting = jobs.request(session, officer, id_of(found[STANDSTILL]), "evaluation_report")
        jobs.queued(session)  # never started: its page shows a job waiting for a worker
        session.commit()
        return {
            "waiting_job": waiting.id,
            "letters": {name: doc_id for name, doc_id in letters if doc_id is not None},
            "tenders": {ref: id_of(t) for ref, t in found.items()},
            "bids": bids,
            "workbooks": workbooks,
            "strict_policy": id_of(strict),
            "policy": demo_policy,
        }


def _standstill_ended(session: Session, officer: User, policy_id: int) -> Tender:
    """A competition run as the demo runs its own (the demo's helpers, its bidders and panel), placed in the past:
    published 60 days ago, awarded 25 days ago, its contract award notice published 20 days ago, so the standstill
    has ended and the contract can be recorded (it is not)."""
    now = utcnow()
    start = now - timedelta(days=60)
    rubric = tenders.load_rubric_source(PROBATION_RUBRIC)
    tender = tenders.create_tender(
        session, officer, reference=ENDED, title="Accredited programmes: Cumbria and Lancashire", rubric=rubric,
        deadline=start + timedelta(days=28), estimated_value=Decimal("5600000"), policy_id=policy_id,
        description="Accredited programmes across Cumbria and Lancashire, 2027-2030.",
    )  # fmt: skip
    tenders.publish(session, officer, id_of(tender), now=start)
    bidders = {
        name: user
        for user, name in session.exec(
            select(User, Organisation.name).join(Organisation, User.organisation_id == Organisation.id)  # type: ignore[arg-type]
            .where(User.role == Role.BIDDER)
        ).all()
    }  # fmt: skip
    evaluators = [accounts.user_by_email(session, f"evaluator{i}@demo.tenderscore.test") for i in (1, 2, 3)]
    demo._submit_demo_bids(session, tender, start + timedelta(days=29, hours=12), bidders)
    demo._evaluate(session, officer, evaluators, tender, start + timedelta(days=30), complete=True)
    decided = now - timedelta(days=25)
    scoring.award(session, officer, id_of(tender), "Highest-ranked compliant bid after moderation.", now=decided)
    link = f"/tenders/{tender.id}"
    award_path.issue_summaries(session, officer, id_of(tender), tender_url=link, now=decided + timedelta(days=1))
    award_path.publish_award_notice(session, officer, id_of(tender), tender_url=link, now=now - timedelta(days=20))
    path = award_path.path(session, officer, id_of(tender))
    assert path is not None and path.stage == award_path.Stage.STANDSTILL_ENDED, path
    mail.discard(session)  # the demo's people are not real: nobody is emailed
    return tender


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("error_paths")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
            "SECRET_KEY": "browser-error-paths",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": "browser-error-paths",  # its own sign-in and reset limits
        },
        instance_path=str(folder / "instance"),
    )
    SQLModel.metadata.create_all(get_engine(app))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", quick_hash)  # the demo's accounts, cheaply
        built = _build(app, folder)
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    try:
        with serve(app) as base:
            yield World(app=app, base=base, **built)
    finally:
        get_engine(app).dispose()


# --- what every error state is checked for ---------------------------------------------------------------------

_SUMMARY = """() => Array.from(document.querySelectorAll('.govuk-error-summary__list a')).map(a => {
  const href = a.getAttribute('href');
  const target = document.getElementById(href.slice(1));
  let message = null, above = false;
  if (target && target.classList.contains('govuk-error-message')) {
    message = target.textContent; above = true;
  } else if (target) {
    let group = target.closest('.govuk-form-group');  // a date input's day is a group inside the date's group
    while (group && !group.querySelector('.govuk-error-message')) {
      group = group.parentElement.closest('.govuk-form-group');
    }
    const shown = group && group.querySelector('.govuk-error-message');
    if (shown) {
      message = shown.textContent;
      above = Boolean(shown.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
    }
  }
  return {href, text: a.textContent.trim(), found: Boolean(target), message: message && message.trim(), above};
})"""

# Whether the summary lists the problems in the order their fields come on the page (GOV.UK: it should).
_IN_PAGE_ORDER = """() => {
  const targets = Array.from(document.querySelectorAll('.govuk-error-summary__list a'))
    .map(a => document.getElementById(a.getAttribute('href').slice(1)));
  return targets.every((t, i) => i === 0 || t === targets[i - 1]
    || Boolean(targets[i - 1].compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING));
}"""

_WIDER = """() => {
  const width = window.innerWidth;
  const wide = Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > width + 1);
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)};
}"""


def fits(page: Page) -> None:
    """Nothing on the page is wider than the window: no sideways scrolling (at 375 px, a phone). Waits for the page
    to finish loading first: straight after a click the URL can already be the new page's while its document is
    still empty (CI once measured a page with no document element)."""
    page.wait_for_load_state("load")
    measured = page.evaluate(_WIDER)
    assert measured["scroll"] <= measured["width"], f"{page.url} scrolls sideways: {measured}"


def shot(page: Page, role: str, state: str, width: int) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(FOLDER / f"{role}-{state}-{width}px.png"), full_page=True)


def error_state(
    page: Page,
    role: str,
    state: str,
    width: int,
    *,
    fields: dict[str, str | tuple[str, str]],
    kept: dict[str, str] | None = None,
    in_page_order: bool = True,
) -> list[dict[str, Any]]:
    """The GOV.UK error pattern. ``fields``: the id each problem links to and words its message holds (the summary
    line and the message above the field both, or a pair: the summary's words and the message's, where the summary
    lists each cell of a workbook and the field says how many); ``kept``: inputs and the values they must show;
    ``in_page_order``: whether the summary follows the page (False where a page is known not to: see its call)."""
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    lines = page.evaluate(_SUMMARY)
    assert lines, "the error summary lists no problem"
    for line in lines:
        assert line["found"], f"{line['href']} ({line['text']}) links to nothing on the page"
    assert page.evaluate(_IN_PAGE_ORDER) is in_page_order, f"the summary's order is not the page's: {lines}"
    for field, expected in fields.items():
        said, repeated = (expected, expected) if isinstance(expected, str) else expected
        linked = [line for line in lines if line["href"] == f"#{field}"]
        assert linked, f"no problem links to #{field}: {lines}"
        assert any(said.lower() in line["text"].lower() for line in linked), (field, said, linked)
        message = linked[0]["message"]
        assert message and repeated.lower() in message.lower(), f"#{field} has no '{repeated}' above it: {message}"
        assert linked[0]["above"], f"the message for #{field} is not above the field"
    for selector, value in (kept or {}).items():
        expect(page.locator(selector)).to_have_value(value)
    fits(page)
    shot(page, role, state, width)
    # The summary's first link takes the keyboard to its field (GOV.UK Frontend's error summary).
    first = lines[0]["href"][1:]
    if page.locator(f"[id='{first}']").evaluate("e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)"):
        summary.locator("a").first.click()
        expect(page.locator(f"[id='{first}']")).to_be_focused()
    return lines


class People:
    """A browser window per person, signed in on the sign-in page once; at the next width the same window is
    resized (as a person turning a tablet, or narrowing a window, would) and the wrong turns are walked again."""

    def __init__(self, browser: Browser, world: World) -> None:
        self.browser = browser
        self.world = world
        self.pages: dict[str, Page] = {}

    def __call__(self, email: str, width: int) -> Page:
        page = self.pages.get(email)
        if page is not None:
            page.set_viewport_size({"width": width, "height": 800})
            return page
        context = self.browser.new_context(viewport={"width": width, "height": 800})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = self.pages[email] = context.new_page()
        page.goto(self.world.url("/sign-in"))
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button:has-text('Sign in')")
        expect(page).to_have_url(self.world.url("/dashboard"))
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def person(browser: Browser, world: World) -> Iterator[People]:
    people = People(browser, world)
    yield people
    people.close()


# --- the roles ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_signed_out(browser: Browser, world: World, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    tender = f"/tenders/{world.tenders[OPEN]}"

    # A protected page sends a signed-out person to sign in, and back to it afterwards.
    page.goto(world.url(tender))
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sign in to continue")
    fits(page)
    shot(page, "signed-out", "protected-page-asks-to-sign-in", width)
    page.fill("#email", "northern@demo.tenderscore.test")
    page.fill("#password", "not the password")
    page.click("button:has-text('Sign in')")
    error_state(
        page, "signed-out", "sign-in-wrong-password", width,
        fields={"email": "Enter a correct email address and password"},
        kept={"#email": "northern@demo.tenderscore.test", "#password": ""},
    )  # fmt: skip
    page.fill("#password", DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(world.url(tender))
    expect(page.locator("h1")).to_have_text("Resettlement: accommodation and employment support")
    page.context.clear_cookies()

    # The forgotten-password page with an email that is not one.
    page.goto(world.url("/forgot-password"))
    typed = f"northern-at-demo-{width}"
    page.fill("#email", typed)
    page.click("button:has-text('Send me a link')")
    error_state(
        page, "signed-out", "forgotten-password-bad-email", width,
        fields={"email": "enter an email address in the correct format"}, kept={"#email": typed},
    )  # fmt: skip
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_commissioner(person: People, world: World, width: int) -> None:
    page = person("commissioner@demo.tenderscore.test", width)

    page.goto(world.url("/policies/new"))
    page.click("button:has-text('Save policy')")  # nothing typed but the offered weight
    error_state(page, "commissioner", "policy-empty", width, fields={"name": "name"})

    # Nonsense: a weight that is not a number, a minimum with no measure, a measure with a minimum that is not one.
    page.fill("#name", "Probation social value policy 2026")  # the demo's: names are unique
    page.fill("#min_social_value_weight", "lots")
    page.fill("#minimum_0", "15")
    page.select_option("#measure_1", "vcse_share")
    page.fill("#minimum_1", "fifteen")
    page.click("button:has-text('Save policy')")
    error_state(
        page, "commissioner", "policy-nonsense", width,
        fields={"name": "already", "min_social_value_weight": "number", "measure_0": "measure", "minimum_1": "number"},
        kept={
            "#min_social_value_weight": "lots", "#minimum_0": "15", "#measure_1": "vcse_share", "#minimum_1": "fifteen"
        },
    )  # fmt: skip

    # The policy's VCSE share across its tenders: the chart and its tables fit a phone; a policy that is not
    # there is a plain "not found".
    page.goto(world.url("/policies"))
    page.click("text=Promised, verified and confirmed")
    expect(page.locator("h1")).to_have_text("VCSE share across the policy's tenders")
    expect(page.locator("#share-chart svg")).to_be_visible()
    fits(page)
    shot(page, "commissioner", "policy-vcse-share", width)
    page.goto(world.url("/policies/999999/vcse"))
    expect(page.locator("h1")).to_contain_text("not found", ignore_case=True)
    fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_officer(person: People, world: World, width: int) -> None:
    page = person("officer@demo.tenderscore.test", width)

    # A new tender with nothing filled in but a reference that is not one and a value that is not a number.
    page.goto(world.url("/tenders/new"))
    page.fill("#reference", "NW 2027/1")
    page.fill("#estimated_value", "about two million")
    page.click("button:has-text('Create draft tender')")
    error_state(
        page, "officer", "new-tender-empty", width,
        fields={
            "reference": "letters and digits", "title": "title", "deadline-day": "Enter the date",
            "estimated_value": "number",
        },
        kept={"#reference": "NW 2027/1", "#estimated_value": "about two million"},
    )  # fmt: skip

    # A draft's details changed to a deadline in the past (and no title).
    draft = f"/tenders/{world.tenders[DRAFT]}"
    page.goto(world.url(draft + "/edit"))
    page.fill("#title", "")
    page.fill("#deadline-year", "2020")
    page.click("button:has-text('Save changes')")
    error_state(
        page, "officer", "draft-edit-past-deadline", width,
        fields={"deadline-day": "the deadline must be in the future", "title": "title"},
        kept={"#deadline-year": "2020", "#title": ""},
    )  # fmt: skip

    # A draft that breaks its policy: the page says why, and offers no button that would be refused.
    page.goto(world.url(draft))
    expect(page.locator("#breaches")).to_contain_text("the policy requires at least 20%")
    expect(page.locator("button:has-text('Publish tender')")).to_have_count(0)
    fits(page)
    shot(page, "officer", "draft-breaks-policy-says-why", width)

    # Published from a page read before the draft was moved under a stricter policy: the tender page comes back with
    # the reasons in the error summary, not a bare error page.
    with world.app.app_context(), Session(get_engine(world.app)) as session:
        officer = accounts.user_by_email(session, "officer@demo.tenderscore.test")
        fresh = tenders.create_tender(
            session, officer, reference=f"EP-{width}-001", title=f"Breach on publishing ({width} px)",
            rubric=tenders.load_rubric_source(PROBATION_RUBRIC), deadline=utcnow() + timedelta(days=20),
            estimated_value=Decimal(900000), policy_id=world.policy,
        )  # fmt: skip
        session.commit()
        fresh_id, version = id_of(fresh), fresh.version
    page.goto(world.url(f"/tenders/{fresh_id}"))
    expect(page.locator("#breaches")).to_contain_text("Meets its policy")
    with world.app.app_context(), Session(get_engine(world.app)) as session:
        officer = accounts.user_by_email(session, "officer@demo.tenderscore.test")
        tenders.update_draft(session, officer, fresh_id, expected_version=version, policy_id=world.strict_policy)
        session.commit()
    page.click("button:has-text('Publish tender')")
    lines = error_state(page, "officer", "publish-breaks-policy", width, fields={})
    assert any("the policy requires at least 40%" in line["text"] for line in lines), lines
    expect(page.locator("h1")).to_have_text(f"Breach on publishing ({width} px)")
    expect(page.locator("#status")).to_have_text("Draft")

    # The evaluated tender's page: its panel (four evaluators, one conflict) and the bid refused as late.
    evaluated = f"/tenders/{world.tenders[EVALUATED]}"
    page.goto(world.url(evaluated))
    expect(page.locator("#panel")).to_contain_text("Hana Evaluator")
    fits(page)
    shot(page, "officer", "tender-page-panel", width)

    # The award with no reason, on the evaluated tender (its results are final).
    page.goto(world.url(evaluated + "/evaluation"))
    expect(page.locator("#provisional")).to_have_count(0)
    page.fill("#reason", "")
    page.click("button:has-text('Award to')")
    error_state(page, "officer", "award-no-reason", width, fields={"reason": "reason"}, kept={"#reason": ""})
    expect(page.locator("#award")).to_have_count(0)

    # Extending the open tender's deadline to an earlier date, with no reason.
    page.goto(world.url(f"/tenders/{world.tenders[OPEN]}/deadline"))
    page.fill("#deadline-year", str(utcnow().year))
    page.fill("#deadline-month", str(utcnow().month))
    page.fill("#deadline-day", str(utcnow().day))
    page.click("button:has-text('Extend the deadline')")
    error_state(
        page, "officer", "extend-deadline-earlier-no-reason", width,
        fields={"deadline-day": "later than the current one", "reason": "reason"},
        kept={"#deadline-day": str(utcnow().day)},
    )  # fmt: skip

    # Inviting someone with mistakes: no name, an email that is not one, a bidder with no organisation.
    page.goto(world.url("/people/invite"))
    page.fill("#email", "new.person.example.org")
    page.check("input[name=role][value=bidder]")
    page.click("button:has-text('Send invitation')")
    error_state(
        page, "officer", "invite-mistakes", width,
        fields={"name": "name", "email": "email address", "organisation": "organisation"},
        kept={"#email": "new.person.example.org"},
    )  # fmt: skip
    expect(page.locator("input[name=role][value=bidder]")).to_be_checked()
    expect(page.locator("#organisation")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluator(person: People, world: World, width: int) -> None:
    page = person(NEW_EVALUATOR, width)
    bid = world.bids["Ridgeway Housing and Justice Alliance"]
    page.goto(world.url(f"/submissions/{bid}/score"))
    form = page.locator("form#scores")
    first = form.locator("section").first
    first_id = first.get_attribute("id")

    # A score without a reason, saved as a draft.
    first.locator("input[type=radio][value='3']").check()
    page.click("button:has-text('Save as draft')")
    error_state(page, "evaluator", "score-without-reason", width, fields={f"reason-{first_id}": "reason"})
    expect(page.locator(f"#score-{first_id}-3")).to_be_checked()
    expect(page.locator("#progress")).to_contain_text("You have scored 0 of 7")

    # Marked as finished with only the first question scored.
    page.fill(f"#reason-{first_id}", "Good evidence of accredited programme delivery, with minor gaps on outcomes.")
    page.click("button:has-text('Save and mark as finished')")
    lines = error_state(
        page, "evaluator", "finish-with-questions-missing", width,
        fields={"score-q2_unpaid_work_skills": "score"},
        kept={f"#reason-{first_id}": "Good evidence of accredited programme delivery, with minor gaps on outcomes."},
    )  # fmt: skip
    assert len({line["href"] for line in lines if line["href"].startswith("#score-")}) == 6, lines
    expect(page.locator("#progress")).to_contain_text("You have scored 0 of 7")


@pytest.mark.parametrize("width", WIDTHS)
def test_bidder(person: People, world: World, width: int) -> None:
    page = person("harbour@demo.tenderscore.test", width)
    submit = world.url(f"/tenders/{world.tenders[OPEN]}/submit")

    page.goto(submit)
    page.click("button:has-text('Check and continue')")
    error_state(page, "bidder", "submit-no-file", width, fields={"workbook": "choose your completed response"})

    page.set_input_files("#workbook", str(world.workbooks["not-a-workbook"]))
    page.click("button:has-text('Check and continue')")
    error_state(page, "bidder", "submit-not-a-workbook", width, fields={"workbook": "workbook"})
    expect(page.locator("#rejected")).to_be_visible()

    # The demo's workbook with errors: each cell is a line of the summary, and the table says what to do.
    page.set_input_files("#workbook", str(world.workbooks["errors"]))
    page.click("button:has-text('Check and continue')")
    lines = error_state(
        page, "bidder", "submit-workbook-with-errors", width,
        fields={"workbook": ("VCSE partners!C5", "4 problems to fix")},
    )  # fmt: skip
    cells = page.locator("#cell-errors tbody tr")
    assert cells.count() >= 4 and len(lines) == cells.count(), (cells.count(), lines)
    expect(page.locator("#confirm")).to_have_count(0)

    # A bid below the mandatory VCSE share: warned before confirming; nothing is submitted unless confirmed.
    page.set_input_files("#workbook", str(world.workbooks["below-threshold"]))
    page.click("button:has-text('Check and continue')")
    expect(page.locator("h1")).to_have_text("Check your bid before you submit it")
    expect(page.locator("#will-be-excluded")).to_contain_text("This bid will be excluded")
    expect(page.locator("#gates")).to_contain_text("below the mandatory minimum of 15%")
    expect(page.locator("#confirm")).to_have_text("Submit bid anyway")
    fits(page)
    shot(page, "bidder", "below-threshold-warned-before-confirming", width)


# --- the award path: after the decision ----------------------------------------------------------------------------


def stacked(page: Page, table: str, width: int) -> None:
    """A ``ts-stack`` table is a card per row on a phone (its cells one under another), a table on a desktop."""
    display = page.locator(f"{table} td").first.evaluate("e => getComputedStyle(e).display")
    assert display == ("block" if width < 641 else "table-cell"), f"{table}'s cells show as {display} at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_award_path(person: People, world: World, width: int) -> None:
    page = person("officer@demo.tenderscore.test", width)
    standstill = f"/tenders/{world.tenders[STANDSTILL]}"

    # The award page in standstill: its steps, the working days left, the documents issued.
    page.goto(world.url(standstill + "/award"))
    expect(page.locator("#stage")).to_have_text("In standstill")
    expect(page.locator("#standstill")).to_contain_text("working days left")
    stacked(page, "#documents + table", width)
    fits(page)
    shot(page, "officer", "award-page-in-standstill", width)

    # A challenge recorded with nothing in its box: nothing is recorded.
    page.click("button:has-text('Record the challenge')")
    error_state(
        page, "officer", "challenge-no-details", width,
        fields={"details": "enter who has challenged the award"}, kept={"#details": ""},
    )  # fmt: skip
    expect(page.locator("#stage")).to_have_text("In standstill")

    # The award withdrawn with no reason: the withdrawal's box stays open with the message above it.
    page.locator("#withdraw summary").click()
    page.click("button:has-text('Withdraw the award')")
    error_state(
        page, "officer", "withdraw-no-reason", width,
        fields={"reason": "enter the reason for withdrawing the award"}, kept={"#reason": ""},
    )  # fmt: skip
    expect(page.locator("#withdraw")).to_have_attribute("open", "")
    expect(page.locator("#stage")).to_have_text("In standstill")

    # "Record the contract" while the standstill runs: the page says why, with no form to fill in for nothing.
    page.goto(world.url(standstill + "/contract"))
    expect(page.locator("#contract-why")).to_contain_text("the contract cannot be entered into before then")
    expect(page.locator("main form")).to_have_count(0)
    fits(page)
    shot(page, "officer", "contract-in-standstill-says-why", width)

    # After the standstill: the contract form, from the award page's button.
    ended = f"/tenders/{world.tenders[ENDED]}"
    page.goto(world.url(ended + "/award"))
    expect(page.locator("#stage")).to_have_text("Standstill ended: contract not yet entered into")
    page.click("#enter-contract")
    expect(page.locator("h1")).to_have_text("Record the contract entered into")
    fits(page)
    shot(page, "officer", "contract-form", width)

    # Several mistakes at once: no title, a value in fractions of a penny, an end before the start, signed during
    # the standstill, a KPI with no target. Each is in the summary, linked to its field; what was typed is kept.
    today = utcnow().date()  # never later than today in the UK
    typed = {
        "#title": "",
        "#value": "12.345",
        **_date_boxes("starts_on", today + timedelta(days=30)),
        **_date_boxes("ends_on", today + timedelta(days=20)),
        **_date_boxes("signed_on", today - timedelta(days=15)),  # the standstill ended at least 10 days ago
        "#kpis-1-title": "Programme completions",
        "#kpis-1-target": "",
    }
    for selector, value in typed.items():
        page.fill(selector, value)
    page.click("button:has-text('Record the contract')")
    lines = error_state(
        page, "officer", "contract-mistakes", width,
        fields={
            "title": "enter the contract's title", "value": "pounds and pence",
            "signed_on-day": "before the standstill ended", "ends_on-day": "end on or after the day it starts",
            "kpis-1-target": "enter KPI 1's target",
        },
        kept=typed,
    )  # fmt: skip
    assert len(lines) == 5, lines

    # The rest put right, but with a reason for having no KPIs beside a KPI (and the winning bid's commitments,
    # which become KPIs too): the reason must be left blank.
    fixed = {
        "#title": "Accredited programmes: Cumbria and Lancashire",
        "#value": "5,600,000.00",
        **_date_boxes("starts_on", today + timedelta(days=20)),
        **_date_boxes("ends_on", today + timedelta(days=20 + 3 * 365)),
        **_date_boxes("signed_on", today),
        "#kpis-1-target": "85",
        "#kpis-1-unit": "percent",
        "#no_kpis_reason": "Outcomes are qualitative",
    }
    for selector, value in fixed.items():
        page.fill(selector, value)
    page.click("button:has-text('Record the contract')")
    lines = error_state(
        page, "officer", "contract-kpis-and-a-reason", width,
        fields={"no_kpis_reason": "leave the reason blank"},
        kept={**fixed, "#kpis-1-title": "Programme completions"},
    )  # fmt: skip
    assert len(lines) == 1, lines
    page.goto(world.url(ended + "/award"))
    expect(page.locator("#stage")).to_have_text("Standstill ended: contract not yet entered into")

    # A contract entered into: its KPIs and the commitments carried from the bid, on the award and tender pages.
    under_contract = f"/tenders/{world.tenders[UNDER_CONTRACT]}"
    page.goto(world.url(under_contract + "/award"))
    expect(page.locator("#stage")).to_have_text("Contract details notice published")
    expect(page.locator("#kpis")).to_contain_text("Unpaid work hours completed on time")
    for table in ("#kpis", "#commitments", "#documents + table"):
        stacked(page, table, width)
    fits(page)
    shot(page, "officer", "award-page-under-contract", width)
    page.goto(world.url(under_contract))
    expect(page.locator("#documents + table")).to_contain_text("Contract details notice")
    fits(page)
    shot(page, "officer", "tender-page-documents", width)


def _date_boxes(name: str, day: date) -> dict[str, str]:
    """What a person types into a GOV.UK date input: day, month and year in their own boxes."""
    return {f"#{name}-day": str(day.day), f"#{name}-month": str(day.month), f"#{name}-year": str(day.year)}


@pytest.mark.parametrize("width", WIDTHS)
def test_background_jobs(person: People, world: World, width: int) -> None:
    """A job's page while it waits (a progress bar that refreshes itself), its download asked for too early, and
    another person's job or none at all: each a page in words, never a traceback."""
    page = person("officer@demo.tenderscore.test", width)
    response = page.goto(world.url(f"/jobs/{world.waiting_job}"))
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("Evaluation report")
    expect(page.locator("#job-stage")).to_contain_text("Waiting for a worker")
    expect(page.locator("#job-progress progress")).to_have_count(1)
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(1)
    fits(page)
    shot(page, "officer", "job-waiting", width)
    early = page.goto(world.url(f"/jobs/{world.waiting_job}/download"))
    assert early is not None and early.status == 409
    expect(page.locator("main")).to_contain_text("not ready yet")
    fits(page)
    shot(page, "officer", "job-download-too-early", width)
    missing = page.goto(world.url("/jobs/0123456789abcdef0123456789abcdef"))
    assert missing is not None and missing.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    other = person("commissioner@demo.tenderscore.test", width)
    theirs = other.goto(world.url(f"/jobs/{world.waiting_job}"))
    assert theirs is not None and theirs.status == 404  # another person's job is not said to exist
    expect(other.locator("main")).not_to_contain_text("Traceback")


@pytest.mark.parametrize("width", WIDTHS)
def test_bidder_award_path(person: People, world: World, width: int) -> None:
    page = person("northern@demo.tenderscore.test", width)
    tender = f"/tenders/{world.tenders[STANDSTILL]}"

    # Its own summary and letter, and the public notice: no other bidder's document.
    page.goto(world.url(tender))
    documents = page.locator("#documents + table")
    expect(documents).to_contain_text("Standstill letter")
    expect(documents).to_contain_text("Contract award notice")
    expect(documents).not_to_contain_text("Brightpath")
    own = documents.get_by_role("link", name=re.compile("^Standstill letter"))
    expect(own).to_have_attribute(
        "href", f"{tender}/documents/{world.letters['Northern Resettlement Consortium Ltd']}.pdf"
    )
    stacked(page, "#documents + table", width)
    fits(page)
    shot(page, "bidder", "tender-page-documents", width)

    # Another bidder's letter, its address typed: page not found (not a traceback, nor a hint that it exists).
    other = world.letters["Brightpath Justice Services Ltd"]
    response = page.goto(world.url(f"{tender}/documents/{other}.pdf"))
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile(r"^Page not found"))
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Traceback")
    expect(page.locator("main")).not_to_contain_text("Brightpath")
    fits(page)
    shot(page, "bidder", "another-bidders-letter-not-found", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_commissioner_award_path(person: People, world: World, width: int) -> None:
    page = person("commissioner@demo.tenderscore.test", width)

    # The award's steps, to follow; no button, box or "why not" for a step only an officer takes.
    for reference, state in ((STANDSTILL, "award-page-in-standstill"), (UNDER_CONTRACT, "award-page-under-contract")):
        page.goto(world.url(f"/tenders/{world.tenders[reference]}/award"))
        expect(page.locator("#steps")).to_contain_text("Awarded to")
        expect(page.locator("main button")).to_have_count(0)
        expect(page.locator("main textarea")).to_have_count(0)
        expect(page.locator("#enter-contract, #enter-contract-why, #withdraw")).to_have_count(0)
        # The public notices, never a bidder's summary or letter.
        expect(page.locator("#documents + table")).to_contain_text("Contract award notice")
        expect(page.locator("#documents + table")).not_to_contain_text("Standstill letter")
        expect(page.locator("#documents + table")).not_to_contain_text("Assessment summary")
        fits(page)
        shot(page, "commissioner", state, width)
    expect(page.locator("#kpis")).to_contain_text("Unpaid work hours completed on time")


# --- a VCSE partner ---------------------------------------------------------------------------------------------------


def _partner_request(world: World) -> tuple[int, int]:
    """Aldergate Housing Trust's request on a bid for a tender not yet awarded, and one of another partner's."""
    with Session(get_engine(world.app)) as session:
        partner = session.exec(select(User).where(User.email == "partner@demo.tenderscore.test")).one()
        rows = session.exec(
            select(PartnerConfirmation)
            .join(Submission, col(Submission.id) == PartnerConfirmation.submission_id)
            .join(Tender, col(Tender.id) == Submission.tender_id)
            .where(col(Submission.is_current).is_(True), Tender.status != "awarded")
            .order_by(col(PartnerConfirmation.id))
        ).all()
        own = next(r for r in rows if r.partner_org_id == partner.organisation_id)
        other = next(r for r in rows if r.partner_org_id not in (None, partner.organisation_id))
        return id_of(own), id_of(other)


@pytest.mark.parametrize("width", WIDTHS)
def test_partner(person: People, world: World, width: int) -> None:
    page = person("partner@demo.tenderscore.test", width)
    own, other = _partner_request(world)
    page.goto(world.url("/dashboard"))
    expect(page.locator("h1")).to_have_text("Your part in bids")
    fits(page)
    shot(page, "partner", "dashboard-requests", width)

    # Refusing without saying why: the reason is asked for, beside the answer chosen.
    page.goto(world.url(f"/partner/confirmations/{own}"))
    expect(page.locator("main")).not_to_contain_text("price")
    page.check("#answer-2")  # No, I refuse it
    page.fill("#note", "")
    page.click("button:has-text('Send answer')")
    error_state(page, "partner", "refuse-without-a-reason", width, fields={"note": "why you refuse"})
    expect(page.locator("#answer-2")).to_be_checked()

    page.fill("#note", "We agreed to mentoring only, for half this value.")
    page.click("button:has-text('Send answer')")
    expect(page).to_have_url(world.url("/partner/confirmations"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You refused this part")
    row = page.locator(f"a[href='/partner/confirmations/{own}']").locator("xpath=ancestor::tr")
    expect(row).to_contain_text("Refused")
    fits(page)
    shot(page, "partner", "refused", width)

    # Changing the answer: confirmed.
    page.goto(world.url(f"/partner/confirmations/{own}"))
    expect(page.locator("#note")).to_have_value("We agreed to mentoring only, for half this value.")
    page.check("#answer")  # Yes, I confirm this role and value
    page.click("button:has-text('Send answer')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You confirmed your part")
    expect(row).to_contain_text("Confirmed")
    page.goto(world.url(f"/partner/confirmations/{own}"))
    expect(page.locator("main")).not_to_contain_text("Your note")  # the refusal's reason went with the refusal
    page.goto(world.url("/partner/confirmations"))
    fits(page)
    shot(page, "partner", "confirmed", width)

    # Another partner's request is not said to exist; a bid's pages are closed to a partner.
    page.goto(world.url(f"/partner/confirmations/{other}"))
    expect(page.locator("h1")).to_have_text("Page not found")
    fits(page)
    page.goto(world.url(f"/tenders/{world.tenders[EVALUATED]}/evaluation"))
    expect(page.locator("main")).not_to_contain_text("Traceback")
    expect(page.locator("#results")).to_have_count(0)
    shot(page, "partner", "evaluation-refused", width)
