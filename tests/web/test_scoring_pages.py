"""Scoring and moderation pages (issue 12): the whole bid on one form, saved together or not at all, every problem
at once with everything typed kept, drafts and 'finished', excluded bids, who has finished what, and the award
form's errors and the award itself on the evaluation page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import select

from tenderscore.core import CriterionKind
from tenderscore.db.models import Score, ScoringCompletion
from tenderscore.services import tenders
from tests import forms
from tests.api import conftest as api
from tests.api.conftest import Declare, World
from tests.world import PASSWORD, PROBATION

# The API tests' world (every role, a published probation tender, three bids opened, declarations), shared here.
world, published, opened, declare = api.world, api.published, api.opened, api.declare

RUBRIC = tenders.load_rubric_source(PROBATION)
SCORED = [c for c in RUBRIC.criteria if c.kind == CriterionKind.SCORED]
IDS = [c.id for c in SCORED]


def _client(w: World, who: str) -> tuple[FlaskClient, str]:
    client = w.app.test_client()
    token = forms.sign_in(client, w.users[who].email, PASSWORD)
    return client, token


def _form(token: str, action: str, filled: dict[str, tuple[str, str]], **extra: str) -> dict[str, str]:
    data = {"csrf_token": token, "action": action, **extra}
    for cid, (score, reason) in filled.items():
        if score:
            data[f"score-{cid}"] = score
        data[f"reason-{cid}"] = reason
    return data


def _summary_links(html: str) -> list[tuple[str, str]]:
    start = html.index("govuk-error-summary")
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html[start : html.index("</ul>", start)])


def _scores(w: World, who: str) -> list[Score]:
    with w.fresh() as s:
        return list(s.exec(select(Score).where(Score.evaluator_id == w.uid(who))).all())


def test_the_whole_bid_is_one_form_saved_as_a_draft_then_finished(opened: World, declare: Declare) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    url = f"/submissions/{opened.submission_id('bidder_a')}/score"
    html = client.get(url).get_data(as_text=True)
    scoring_forms = [f for f in re.findall(r"<form.*?</form>", html, re.S) if 'name="score-' in f]
    assert len(scoring_forms) == 1  # one form for the whole bid
    for c in SCORED:
        assert f'name="score-{c.id}"' in scoring_forms[0] and f'name="reason-{c.id}"' in scoring_forms[0]
        assert c.title in html
    assert "Save as draft" in html and "Save and mark as finished" in html
    assert RUBRIC.scale.levels[-1].descriptor in html  # the scale's descriptors beside the steps
    draft = client.post(url, data=_form(token, "draft", {IDS[0]: ("3", "Good plan"), IDS[1]: ("2", "Gaps")}))
    assert draft.status_code == 302
    assert len(_scores(opened, "evaluator1")) == 2
    bids = client.get(f"/tenders/{opened.tender_id}/bids").get_data(as_text=True)
    assert f"2 of {len(SCORED)} questions scored" in bids and "Draft" in bids
    page = client.get(url).get_data(as_text=True)
    assert "Good plan" in page and "version" not in re.sub(r'name="version-[^"]+"', "", page).lower()
    every = {cid: ("4", f"Strong evidence on {cid}") for cid in IDS}
    versions = {f"version-{IDS[0]}": "1", f"version-{IDS[1]}": "1"}
    finished = client.post(url, data=_form(token, "finish", every) | versions)
    assert finished.status_code == 302 and finished.headers["Location"].endswith(f"/tenders/{opened.tender_id}/bids")
    with opened.fresh() as s:
        assert s.exec(select(ScoringCompletion)).one().evaluator_id == opened.uid("evaluator1")
    bids = client.get(f"/tenders/{opened.tender_id}/bids").get_data(as_text=True)
    assert "Finished" in bids and "View scores" in bids
    done = client.get(url).get_data(as_text=True)
    assert 'name="score-' not in done and "Change my scores" in done and "You marked this bid as finished" in done


def test_a_refused_save_shows_every_problem_by_its_field_and_keeps_everything_typed(
    opened: World, declare: Declare
) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    url = f"/submissions/{opened.submission_id('bidder_a')}/score"
    typed = {IDS[0]: ("3", ""), IDS[1]: ("", "A reason without a score"), IDS[2]: ("5", "Kept although refused")}
    response = client.post(url, data=_form(token, "draft", typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in html
    links = _summary_links(html)
    assert [anchor for anchor, _ in links] == [f"reason-{IDS[0]}", f"score-{IDS[1]}"]
    for anchor, text in links:
        assert f'id="{anchor}"' in html and f'id="{anchor}-error"' in html  # linked, and repeated above the field
        assert text[0].isupper() and "_" not in text  # plain words with the question's title, no ids
    assert SCORED[0].title in links[0][1] and SCORED[1].title in links[1][1]
    assert "A reason without a score" in html and "Kept although refused" in html
    assert re.search(rf'id="score-{IDS[0]}(-\d)?" name="score-{IDS[0]}" type="radio" value="3" checked', html)
    assert re.search(rf'name="score-{IDS[2]}" type="radio" value="5" checked', html)
    assert _scores(opened, "evaluator1") == []  # the good criterion was not saved either


def test_finishing_with_blanks_names_every_question_still_to_score(opened: World, declare: Declare) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    url = f"/submissions/{opened.submission_id('bidder_a')}/score"
    response = client.post(url, data=_form(token, "finish", {IDS[0]: ("3", "Good")}))
    assert response.status_code == 400
    links = _summary_links(response.get_data(as_text=True))
    assert [a for a, _ in links] == [f"score-{cid}" for cid in IDS[1:]]
    assert _scores(opened, "evaluator1") == []


def test_a_stale_criterion_shows_the_other_change_and_saving_again_replaces_it(opened: World, declare: Declare) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    sub = opened.submission_id("bidder_a")
    url = f"/submissions/{sub}/score"
    assert client.post(url, data=_form(token, "draft", {IDS[0]: ("3", "First view")})).status_code == 302
    other = opened.put("evaluator1", f"/api/submissions/{sub}/scores/{IDS[0]}",
                       json={"score": 1, "reason": "Changed in another tab", "version": 1})  # fmt: skip
    assert other.status_code == 200
    mine = _form(token, "draft", {IDS[0]: ("4", "My considered view"), IDS[1]: ("2", "Second")})
    response = client.post(url, data=mine | {f"version-{IDS[0]}": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed in another tab" in html and "Nothing was saved" in html and "My considered view" in html
    assert f'name="version-{IDS[0]}" value="2"' in html  # saving again is a deliberate replacement
    assert {s.criterion_id: s.reason for s in _scores(opened, "evaluator1")} == {IDS[0]: "Changed in another tab"}
    again = client.post(url, data=mine | {f"version-{IDS[0]}": "2"})
    assert again.status_code == 302
    assert {s.criterion_id: s.reason for s in _scores(opened, "evaluator1")}[IDS[0]] == "My considered view"


def test_an_excluded_bid_is_listed_with_its_reason_and_offers_no_scoring(opened: World, declare: Declare) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    sub = opened.submission_id("bidder_c")
    bids = client.get(f"/tenders/{opened.tender_id}/bids").get_data(as_text=True)
    row = bids[bids.index("Brightpath Justice Services Ltd") :]
    row = row[: row.index("govuk-summary-list__row") if "govuk-summary-list__row" in row else len(row)]
    assert "Excluded" in row and "15%" in row
    assert f"/submissions/{sub}/score" not in bids
    page = client.get(f"/submissions/{sub}/score").get_data(as_text=True)
    assert "excluded at the compliance stage" in page and 'name="score-' not in page
    refused = client.post(f"/submissions/{sub}/score", data=_form(token, "draft", {IDS[0]: ("3", "x")}))
    assert refused.status_code == 409 and "excluded at the compliance stage" in refused.get_data(as_text=True)
    assert _scores(opened, "evaluator1") == []


def test_change_my_scores_needs_a_reason_then_reopens_the_draft(opened: World, declare: Declare) -> None:
    declare()
    client, token = _client(opened, "evaluator1")
    url = f"/submissions/{opened.submission_id('bidder_a')}/score"
    every = {cid: ("3", "Good") for cid in IDS}
    assert client.post(url, data=_form(token, "finish", every)).status_code == 302
    empty = client.post(f"{url}/reopen", data={"csrf_token": token, "reason": "  "})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and _summary_links(html)[0][0] == "reason" and 'id="reason-error"' in html
    reopened = client.post(f"{url}/reopen", data={"csrf_token": token, "reason": "Re-read the answer on housing"})
    assert reopened.status_code == 302
    assert 'name="score-' in client.get(url).get_data(as_text=True)


def _score_all(w: World, who: str, bidder: str, mark: int) -> None:
    rows = [{"criterion_id": cid, "score": mark, "reason": f"Reason {mark}"} for cid in IDS]
    sub = w.submission_id(bidder)
    assert w.put(who, f"/api/submissions/{sub}/scores", json={"scores": rows, "finished": True}).status_code == 200


def test_moderation_is_one_form_with_the_scores_side_by_side(opened: World, declare: Declare) -> None:
    declare("evaluator1")
    declare("evaluator2")
    _score_all(opened, "evaluator1", "bidder_a", 1)
    rows = [{"criterion_id": IDS[0], "score": 4, "reason": "Draft view of evaluator two"}]
    assert opened.put("evaluator2", f"/api/submissions/{opened.submission_id('bidder_a')}/scores",
                      json={"scores": rows}).status_code == 200  # fmt: skip
    client, token = _client(opened, "officer")
    url = f"/tenders/{opened.tender_id}/moderation/{opened.submission_id('bidder_a')}"
    html = client.get(url).get_data(as_text=True)
    assert html.count('id="consensus"') == 1 and "Save consensus scores" in html
    assert "Draft view of evaluator two" in html and "Spread of 3 steps" in html and "Draft</strong>" in html
    typed = {IDS[0]: ("2", ""), IDS[1]: ("3", "Agreed at the panel")}
    refused = client.post(url, data=_form(token, "save", typed))
    assert refused.status_code == 400 and [a for a, _ in _summary_links(refused.get_data(as_text=True))] == [
        f"reason-{IDS[0]}"
    ]
    assert "Agreed at the panel" in refused.get_data(as_text=True)
    ((_, words),) = _summary_links(refused.get_data(as_text=True))
    assert words.startswith("Enter the reason for the consensus for") and IDS[0] not in words  # no internal id
    saved = client.post(url, data=_form(token, "save", {cid: ("2", "Panel agreed") for cid in IDS}))
    assert saved.status_code == 302
    progress = client.get(f"/tenders/{opened.tender_id}/evaluation").get_data(as_text=True)
    assert 'id="progress"' in progress and "Finished" in progress and "1 of" in progress
    excluded = client.get(f"/tenders/{opened.tender_id}/moderation/{opened.submission_id('bidder_c')}")
    assert "excluded at the compliance stage" in excluded.get_data(as_text=True)
    assert 'id="consensus"' not in excluded.get_data(as_text=True)


def _agree_all(w: World) -> None:
    for bidder, mark in (("bidder_a", 4), ("bidder_b", 2)):
        rows = [{"criterion_id": cid, "score": mark, "reason": "Panel agreed"} for cid in IDS]
        sub = w.submission_id(bidder)
        assert w.put("officer", f"/api/submissions/{sub}/consensus", json={"scores": rows}).status_code == 200


def test_an_award_without_a_good_reason_shows_the_evaluation_page_with_the_error(opened: World) -> None:
    client, token = _client(opened, "officer")
    page = f"/tenders/{opened.tender_id}/evaluation"
    provisional = client.get(page).get_data(as_text=True)
    assert 'id="award-waits"' in provisional and "Award to" not in provisional
    _agree_all(opened)
    assert "Award to Northern" in client.get(page).get_data(as_text=True)
    before = opened.state()
    for reason, words in (("", "Enter the reason"), ("x" * 10_001, "10,000 characters or fewer")):
        response = client.post(f"/tenders/{opened.tender_id}/award", data={"csrf_token": token, "reason": reason})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert _summary_links(html) and _summary_links(html)[0][0] == "reason" and words in html
        assert 'id="reason-error"' in html and "Ranked compliant bids" in html  # the evaluation page, not a bare error
    assert opened.state() == before


def test_after_award_the_evaluation_page_says_who_won_when_who_decided_and_why(opened: World) -> None:
    _agree_all(opened)
    client, token = _client(opened, "officer")
    reason = {"csrf_token": token, "reason": "Highest total, best quality"}
    awarded = client.post(f"/tenders/{opened.tender_id}/award", data=reason)
    assert awarded.status_code == 302
    html = client.get(f"/tenders/{opened.tender_id}/evaluation").get_data(as_text=True)
    award = html[html.index('id="award"') : html.index("Ranked compliant bids")]
    assert "Northern Resettlement Consortium Ltd" in award and "Highest total, best quality" in award
    assert "officer@buyer.example" in award
    assert re.search(r"\d{1,2} \w+ 20\d\d, (\d{1,2}:\d\d[ap]m|midday|midnight) (GMT|BST)", award)
    commissioner, _ = _client(opened, "commissioner")
    assert "Highest total, best quality" in commissioner.get(f"/tenders/{opened.tender_id}/evaluation").text
