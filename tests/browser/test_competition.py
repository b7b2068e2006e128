"""A whole competition in a browser: policy, tender, two bids (one tokenistic) checked and then confirmed, whole
bids scored as a draft and then finished, moderation, the award with its reason, the assessment summaries issued,
the contract award notice and its standstill (a letter to the unsuccessful bidder, a challenge recorded and
resolved), and the PDFs read back.

Every step is a person using the pages; the only thing the test does behind the pages is let time pass (it moves
the deadline into the past, as the clock would) and create the accounts, which no page does.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader
from sqlmodel import Session, select

from tenderscore.core import CriterionKind
from tenderscore.db import get_engine
from tenderscore.db.models import Role, Tender
from tenderscore.services import accounts, submissions, tenders
from tenderscore.sheets import demo_bids
from tests.browser.conftest import PAGE_TIMEOUT_MS, Shots

PASSWORD = "a long demo password"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _people(app: Flask) -> None:
    with Session(get_engine(app)) as session:
        region = accounts.create_organisation(session, name="North West Probation Region", kind="buyer")
        for email, role in (
            ("commissioner@nw.example", Role.COMMISSIONER),
            ("officer@nw.example", Role.OFFICER),
            ("eval1@nw.example", Role.EVALUATOR),
            ("eval2@nw.example", Role.EVALUATOR),
        ):
            accounts.create_user(
                session,
                email=email,
                name=email.split("@")[0].title(),
                password=PASSWORD,
                role=role,
                organisation=region,
            )
        for name, email in (
            ("Northern Resettlement Consortium Ltd", "bids@northern.example"),
            ("Brightpath Justice Services Ltd", "bids@brightpath.example"),
        ):
            org = accounts.create_organisation(session, name=name, kind="supplier")
            accounts.create_user(
                session, email=email, name=f"Bids, {name}", password=PASSWORD, role=Role.BIDDER, organisation=org
            )
        session.commit()


def sign_in(page: Page, base: str, email: str) -> Page:
    """Sign in as ``email`` in the one browser window (signing the last person out by forgetting their cookies)."""
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page).to_have_url(f"{base}/dashboard")
    return page


def _workbooks(app: Flask, folder: Path) -> dict[str, Path]:
    """The two bidders' filled workbooks for the tender as published (its rubric hash is in them)."""
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NW-2027-001")).one()
        bids = demo_bids(tenders.rubric_of(tender), submissions.identity(session, tender))
    paths = {}
    for bid in bids:
        if bid.name.startswith(("Northern", "Brightpath")):
            path = folder / f"{bid.name.split()[0].lower()}.xlsx"
            path.write_bytes(bid.workbook)
            paths[bid.name.split()[0]] = path
    return paths


def _pdf_text(path: Path) -> str:
    """The PDF's words, with line breaks folded so a phrase split across lines still matches."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def _score(form: Locator, questions: range, *, mark: int, evaluator: int) -> None:
    for i in questions:
        form.locator("fieldset").nth(i).locator(f"input[type=radio][value='{mark}']").check()
        form.locator("textarea").nth(i).fill(f"Evaluator {evaluator}: evidence specific to Northern's delivery model.")


def _let_the_deadline_pass(app: Flask) -> None:
    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NW-2027-001")).one()
        tender.deadline = datetime.now(UTC) - timedelta(minutes=1)
        session.add(tender)
        session.commit()


def test_a_whole_competition(app: Flask, live_server: str, browser: Browser, shots: Shots, tmp_path: Path) -> None:
    _people(app)
    base = live_server
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(PAGE_TIMEOUT_MS)

    # The commissioner sets the mandatory VCSE share.
    sign_in(page, base, "commissioner@nw.example")
    page.goto(f"{base}/policies/new")
    page.fill("#name", "Probation social value policy")
    page.fill("#min_social_value_weight", "20")
    page.select_option("#measure_0", "vcse_share")
    page.fill("#minimum_0", "15")
    # This competition's partners are on no register (tests/register/ covers the register's rules): every
    # listed partner counts. The form offers "verified only" first.
    expect(page.locator("input[name=vcse_counting][value=verified]")).to_be_checked()
    page.check("input[name=vcse_counting][value=listed]")
    shots.take(page, "commissioner-policy-form")
    page.click("button:has-text('Save policy')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    shots.take(page, "commissioner-policies")

    # The officer builds the tender from the probation rubric under that policy and publishes it.
    sign_in(page, base, "officer@nw.example")
    page.goto(f"{base}/tenders/new")
    deadline = datetime.now(UTC) + timedelta(days=14)
    page.fill("#reference", "NW-2027-001")
    page.fill("#title", "Innovation Partner: unpaid work and accredited programmes")
    page.fill("#estimated_value", "2,400,000")
    page.fill("#deadline-day", str(deadline.day))
    page.fill("#deadline-month", str(deadline.month))
    page.fill("#deadline-year", str(deadline.year))
    page.select_option("#policy_id", label="Probation social value policy")
    page.select_option("#rubric-select", "probation-innovation-partner")
    shots.take(page, "officer-new-tender")
    page.click("button:has-text('Create draft tender')")
    expect(page.locator("#breaches")).to_contain_text("Meets its policy")
    shots.take(page, "officer-draft")
    page.click("button:has-text('Publish tender')")
    expect(page.locator("#status")).to_have_text("Open for bids")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("NW-2027-001 is published")
    shots.take(page, "officer-published")
    tender_url = page.url

    # Two bidders check, then submit (the check again, then confirm); Brightpath's VCSE share is below the 15%
    # threshold: it is warned before it confirms, and may still submit.
    workbooks = _workbooks(app, tmp_path)
    for name, email in (("Northern", "bids@northern.example"), ("Brightpath", "bids@brightpath.example")):
        sign_in(page, base, email)
        page.goto(tender_url)
        page.click("text=Check your workbook")
        page.set_input_files("#workbook", str(workbooks[name]))
        page.click("button:has-text('Check workbook')")
        if name == "Northern":
            expect(page.locator("#result")).to_contain_text("Ready to submit")
        else:
            expect(page.locator("#gates")).to_contain_text("below the mandatory")
        shots.take(page, f"bidder-{name.lower()}-self-check")
        page.goto(tender_url)
        page.click("text=Submit your bid")
        page.set_input_files("#workbook", str(workbooks[name]))
        page.click("button:has-text('Check and continue')")
        expect(page.locator("h1")).to_have_text("Check your bid before you submit it")
        if name == "Northern":
            expect(page.locator("#result")).to_contain_text("Ready to submit")
            expect(page.locator("#will-be-excluded")).to_have_count(0)
            expect(page.locator("#confirm")).to_have_text("Submit bid")
        else:
            expect(page.locator("#will-be-excluded")).to_contain_text("This bid will be excluded")
            expect(page.locator("#confirm")).to_have_text("Submit bid anyway")
        shots.take(page, f"bidder-{name.lower()}-confirm")
        page.click("#confirm")
        expect(page.locator(".govuk-panel")).to_contain_text("Bid received")
        expect(page.locator("#receipt")).to_contain_text("the version that counts")
        shots.take(page, f"bidder-{name.lower()}-receipt")
        page.click("text=Back to the tender")
        expect(page.locator("#versions")).to_contain_text("Version 1")
        expect(page.locator("#versions")).to_contain_text("counts")

    # Sealed until the deadline: the officer sees a count, not the bids.
    sign_in(page, base, "officer@nw.example")
    page.goto(tender_url)
    expect(page.locator("#sealed")).to_contain_text("2 bids received")
    expect(page.locator("#open-later")).to_contain_text("once the deadline has passed")  # no button that would fail
    shots.take(page, "officer-sealed")
    _let_the_deadline_pass(app)
    page.reload()
    page.click("button:has-text('Open bids for evaluation')")
    expect(page.locator("#status")).to_have_text("Under evaluation")
    for evaluator in ("eval1@nw.example", "eval2@nw.example"):
        page.select_option("#evaluator_id", label=f"{evaluator.split('@')[0].title()} ({evaluator})")
        page.click("button:has-text('Assign')")
    expect(page.locator("#panel")).to_contain_text("Eval2")
    shots.take(page, "officer-opened-panel")

    # Two evaluators declare and score every quality answer, independently, with reasons.
    for n, evaluator in enumerate(("eval1@nw.example", "eval2@nw.example")):
        sign_in(page, base, evaluator)
        page.goto(tender_url)
        page.click("text=Declare conflicts of interest")
        page.click("button:has-text('Make declaration')")
        # The tokenistic bid is excluded at the compliance stage: listed with its reason, not offered for scoring.
        expect(page.locator("#bids")).to_contain_text("below the mandatory minimum of 15%")
        expect(page.locator("#bids a:has-text('Brightpath')")).to_have_count(0)
        page.click("a:has-text('Score'):has-text('Northern')")
        expect(page.locator("h1")).to_have_text("Score this bid")
        form = page.locator("form#scores")
        assert form.locator("textarea").count() == 7  # the probation rubric's seven pathway questions, one form

        # A draft first (three questions), then the rest and "finished".
        _score(form, range(3), mark=4 - n, evaluator=n + 1)
        with page.expect_navigation():
            page.click("button:has-text('Save as draft')")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("3 of 7 questions scored")
        expect(page.locator("#progress")).to_contain_text("You have scored 3 of 7")
        expect(form.locator("fieldset").nth(2).locator(f"input[value='{4 - n}']")).to_be_checked()
        page.click("text=Back to the bids to score")
        expect(page.locator("#bids")).to_contain_text("Draft 3 of 7 questions scored")
        page.click("a:has-text('Continue scoring'):has-text('Northern')")
        _score(form, range(3, 7), mark=4 - n, evaluator=n + 1)
        if n == 0:
            shots.take(page, "evaluator-scoring")
        with page.expect_navigation():
            page.click("button:has-text('Save and mark as finished')")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have finished scoring")
        expect(page.locator("#bids")).to_contain_text("Finished")

    # The moderator sees the scores side by side and records consensus with reasons.
    sign_in(page, base, "officer@nw.example")
    page.goto(tender_url + "/evaluation")
    expect(page.locator("#provisional")).to_be_visible()
    expect(page.locator("#excluded")).to_contain_text("below the mandatory minimum of 15%")
    shots.take(page, "officer-provisional-evaluation")
    page.click("a:has-text('Moderate'):has-text('Northern')")
    expect(page.locator("h1")).to_have_text("Moderation")
    form = page.locator("form#consensus")
    assert form.locator("textarea").count() == 7
    for i in range(7):
        form.locator("fieldset").nth(i).locator("input[type=radio][value='4']").check()
        form.locator("textarea").nth(i).fill(
            "Panel agreed 4: strong, specific evidence from the bidder's own delivery."
        )
    with page.expect_navigation():
        page.click("button:has-text('Save consensus scores')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("consensus scores are saved")

    shots.take(page, "officer-moderation")

    # Final results: the tokenistic bid is excluded with its reason; the officer awards and downloads the report.
    page.goto(tender_url + "/evaluation")
    expect(page.locator("#provisional")).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("Northern Resettlement Consortium Ltd")
    expect(page.locator("#excluded")).to_contain_text("Brightpath Justice Services Ltd")
    shots.take(page, "officer-final-evaluation")
    expect(page.locator("#reason")).not_to_be_empty()  # the usual reason, offered to change
    page.fill("#reason", "Highest total score under the published award criteria; compliant with the policy.")
    page.click("button:has-text('Award to Northern')")

    # The award page: the decision is recorded; nobody is told until the summaries are issued, all at once.
    expect(page).to_have_url(tender_url + "/award")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The award decision is recorded")
    expect(page.locator("#stage")).to_have_text("Award decided: assessment summaries not yet issued")
    expect(page.locator("#steps")).to_contain_text("Northern Resettlement Consortium Ltd")
    expect(page.locator("#publish-notice")).to_have_count(0)  # the notice follows the summaries: no button yet
    shots.take(page, "officer-award-decided")
    page.goto(tender_url)
    expect(page.locator("#status")).to_have_text("Awarded")
    expect(page.locator("#outcome")).to_contain_text("Awarded to Northern Resettlement Consortium Ltd")
    expect(page.locator("#outcome")).to_contain_text("compliant with the policy")
    expect(page.locator("#award-stage")).to_have_text("Award decided: assessment summaries not yet issued")
    shots.take(page, "officer-awarded")
    page.goto(tender_url + "/evaluation")
    page.click("#make-evaluation_report")  # made in the background: the job's page refreshes until it is ready
    expect(page.locator("h1")).to_have_text("Evaluation report")
    shots.take(page, "officer-report-job")
    expect(page.locator("#download")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.click("#download")
    text = _pdf_text(Path(download.value.path()))
    assert "Northern Resettlement Consortium Ltd" in text
    assert "Brightpath Justice Services Ltd" in text and "below the mandatory minimum of 15%" in text
    assert "PROVISIONAL" not in text
    assert "Awarded to Northern Resettlement Consortium Ltd" in text
    assert "Award decision" in text and "Highest total score under the published award criteria" in text

    # Every assessed bidder will get a summary: the officer reads the excluded one's preview before issuing.
    page.click("text=Back to the evaluation")
    with page.expect_download() as download:
        page.click("#summaries >> text=Brightpath Justice Services Ltd (PDF)")
    summary = _pdf_text(Path(download.value.path()))
    assert "below the mandatory minimum of 15%" in summary and "Northern Resettlement Consortium Ltd" in summary
    sign_in(page, base, "bids@northern.example")
    page.goto(tender_url)
    expect(page.locator("#evaluating")).to_contain_text("being evaluated")  # no outcome before the summaries
    expect(page.locator(".govuk-panel")).to_have_count(0)
    expect(page.locator("text=Download your assessment summary (PDF)")).to_have_count(0)

    sign_in(page, base, "officer@nw.example")
    page.goto(tender_url + "/award")
    page.click("#issue-summaries")  # a background job: its page refreshes itself until the summaries are issued
    expect(page.locator("h1")).to_have_text("Issuing the assessment summaries")
    expect(page.locator("#job-ready")).to_contain_text("Issued 2 assessment summaries: bidders emailed", timeout=60_000)
    shots.take(page, "officer-summaries-job")
    page.click("text=Back to award and contract")
    expect(page.locator("#stage")).to_have_text("Assessment summaries issued: contract award notice not yet published")
    expect(page.locator("#documents + table")).to_contain_text("Brightpath Justice Services Ltd")
    expect(page.locator("#documents + table")).to_contain_text("Northern Resettlement Consortium Ltd")
    shots.take(page, "officer-summaries-issued")

    # Each bidder now sees the outcome and its own summary (the excluded one learns why, and who won).
    sign_in(page, base, "bids@northern.example")
    page.goto(tender_url)
    expect(page.locator(".govuk-panel")).to_contain_text("Your bid won")
    with page.expect_download() as download:
        page.click("text=Download your assessment summary (PDF)")
    assert "Northern Resettlement Consortium Ltd" in _pdf_text(Path(download.value.path()))
    expect(page.locator("#documents + table")).not_to_contain_text("Brightpath")  # only its own document
    shots.take(page, "bidder-after-award")
    sign_in(page, base, "bids@brightpath.example")
    page.goto(tender_url)
    expect(page.locator("#outcome")).to_contain_text("Your bid was excluded")
    expect(page.locator("#outcome")).to_contain_text("below the mandatory minimum of 15%")
    expect(page.locator("#outcome")).to_contain_text("awarded to Northern Resettlement Consortium Ltd")
    with page.expect_download() as download:
        page.locator("#documents + table").get_by_role("link", name=re.compile("^Assessment summary")).click()
    summary = _pdf_text(Path(download.value.path()))
    assert "below the mandatory minimum of 15%" in summary and "Northern Resettlement Consortium Ltd" in summary
    shots.take(page, "bidder-excluded-after-award")

    # The contract award notice starts the standstill: 8 working days, counted from the day it is published.
    sign_in(page, base, "officer@nw.example")
    page.goto(tender_url + "/award")
    page.click("#publish-notice")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Contract award notice published")
    expect(page.locator("#stage")).to_have_text("In standstill")
    expect(page.locator("#standstill")).to_contain_text("8 working days left")
    expect(page.locator("#enter-contract-why")).to_contain_text("cannot be entered into before then")
    expect(page.locator("#enter-contract")).to_have_count(0)
    shots.take(page, "officer-standstill")
    page.goto(tender_url)
    expect(page.locator("#standstill-left")).to_contain_text("8 working days of standstill left")
    shots.take(page, "officer-tender-in-standstill")

    # The unsuccessful bidder has a standstill letter (its own, and the public notice; not the winner's summary).
    sign_in(page, base, "bids@brightpath.example")
    page.goto(tender_url)
    documents = page.locator("#documents + table")
    expect(documents).to_contain_text("Contract award notice")
    expect(documents).not_to_contain_text("Northern Resettlement Consortium Ltd")  # no other bidder's document
    with page.expect_download() as download:
        documents.get_by_role("link", name=re.compile("^Standstill letter")).click()
    letter = _pdf_text(Path(download.value.path()))
    assert "Your tender was not successful" in letter
    assert "Brightpath Justice Services Ltd" in letter and "Northern Resettlement Consortium Ltd" in letter
    assert "excluded" in letter and "below the mandatory minimum of 15%" in letter
    assert "standstill period of 8 working days" in letter
    shots.take(page, "bidder-standstill-letter")

    # Brightpath challenges: the officer records it (the contract waits), then records how it ended.
    sign_in(page, base, "officer@nw.example")
    page.goto(tender_url + "/award")
    page.fill("#details", "Brightpath Justice Services Ltd wrote disputing the VCSE threshold's application.")
    page.click("button:has-text('Record the challenge')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Challenge recorded")
    expect(page.locator("#stage")).to_contain_text("Challenged")
    expect(page.locator("#enter-contract-why")).to_contain_text("A challenge is open too")
    expect(page.locator("#challenges")).to_be_visible()
    expect(page.locator("main")).to_contain_text("disputing the VCSE threshold")
    shots.take(page, "officer-challenged")
    page.fill("#resolution", "Withdrawn by the supplier after the threshold in the tender documents was explained.")
    page.click("button:has-text('Record the challenge as resolved')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The challenge is resolved")
    expect(page.locator("#stage")).to_have_text("In standstill")
    expect(page.locator("main")).to_contain_text("Withdrawn by the supplier")
    expect(page.locator("#details")).to_be_visible()  # a further challenge could be recorded
    shots.take(page, "officer-challenge-resolved")

    with Session(get_engine(app)) as session:
        tender = session.exec(select(Tender).where(Tender.reference == "NW-2027-001")).one()
        scored = [c for c in tenders.rubric_of(tender).criteria if c.kind == CriterionKind.SCORED]
        assert tender.status == "awarded" and scored
