"""The policy pages: measures chosen with their units, criteria by title, every mistake reported on its field."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Policy
from tenderscore.services import policies
from tenderscore.services.demo import DEMO_PASSWORD
from tests import forms

COMMISSIONER = "commissioner@demo.tenderscore.test"
DEMO_POLICY = "Probation social value policy 2026"


@pytest.fixture
def commissioner(demo: Flask) -> FlaskClient:
    client = demo.test_client()
    forms.sign_in(client, COMMISSIONER, DEMO_PASSWORD)
    return client


def _stored(app: Flask) -> list[tuple[str, list[dict[str, str]], list[str]]]:
    with Session(get_engine(app)) as session:
        rows = session.exec(select(Policy).order_by(Policy.id)).all()  # type: ignore[arg-type]
        return [(p.name, p.mandatory_commitments, p.required_criteria) for p in rows]


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _post(client: FlaskClient, path: str, data: dict[str, object]) -> str:
    response = client.post(path, data={**data, "csrf_token": forms.csrf_token(client, path)})
    assert response.status_code == 400, response.status_code
    return response.get_data(as_text=True)


def test_the_form_offers_measures_with_units_and_criteria_by_title(commissioner: FlaskClient) -> None:
    html = commissioner.get("/policies/new").get_data(as_text=True)
    assert '<option value="vcse_share">VCSE share (%)</option>' in html
    assert (
        '<option value="jobs_with_convictions">Jobs for people with convictions (full-time equivalent jobs)</option>'
        in html
    )
    assert '<option value="vcse_spend">Spend with VCSE organisations (£)</option>' in html
    # Required criteria are ticked by title, grouped under the rubric that defines them; the first links from errors.
    assert 'id="required_criteria" name="required_criteria" type="checkbox" value="pf_safeguarding"' in html
    text = _text(html)
    assert "Probation Innovation Partner: unpaid work and accredited programmes" in text
    assert "Modern Slavery Act statement" in text and "Safeguarding and vetting" in text
    assert "<textarea" not in html  # no criterion ids typed by hand
    assert "<title>Create a policy" in html


def test_nonsense_is_refused_on_the_page_every_problem_on_its_field_values_kept(
    demo: Flask, commissioner: FlaskClient
) -> None:
    before = _stored(demo)
    html = _post(
        commissioner,
        "/policies/new",
        {
            "name": DEMO_POLICY,
            "min_social_value_weight": "5",
            "measure_0": "vcse_shar",
            "minimum_0": "15",
            "measure_1": "vcse_share",
            "minimum_1": "150",
            "measure_2": "",
            "minimum_2": "",
            "measure_3": "jobs_with_convictions",
            "minimum_3": "",
            "required_criteria": ["sv_vcse_share", "no_such_criterion"],
        },
    )
    assert _stored(demo) == before
    assert html.count("<title>Error: Create a policy") == 1
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [field for field, _ in links] == [
        "name",
        "min_social_value_weight",
        "measure_0",
        "minimum_1",
        "minimum_3",
        "required_criteria",
        "vcse_counting",  # no choice sent: which VCSE partners count must be chosen
    ]
    words = dict((field, unescape(text)) for field, text in links)
    assert words["vcse_counting"].startswith(
        "Choose which VCSE partners count: 'verified' (verified VCSE partners only)"
    )
    assert (
        words["name"]
        == f"Your organisation already has a policy called “{DEMO_POLICY}”. Give this policy a different name"
    )
    assert "from 10 to 100" in words["min_social_value_weight"]
    assert "vcse_shar" in words["measure_0"] and "Choose a measure from the list" in words["measure_0"]
    assert words["minimum_1"] == "The minimum for VCSE share is a percentage: enter a number from 0 to 100"
    assert words["minimum_3"] == "Enter the minimum every bid must commit for Jobs for people with convictions"
    assert "no_such_criterion" in words["required_criteria"]
    # Each message is repeated above its field, and what was entered is kept.
    assert 'id="minimum_1-error"' in html and 'id="measure_0-error"' in html and 'id="name-error"' in html
    assert 'value="150"' in html and f'value="{DEMO_POLICY}"' in html and 'value="5"' in html
    assert '<option value="vcse_share" selected>VCSE share (%)</option>' in html
    assert 'value="sv_vcse_share" checked' in html
    # The minimum shows the unit of the measure chosen.
    assert re.search(
        r'id="minimum_1"[^>]*value="150"[^>]*>\s*<div class="govuk-input__suffix" aria-hidden="true">%', html
    )


def test_a_good_policy_is_saved_and_listed_by_name_with_units(demo: Flask, commissioner: FlaskClient) -> None:
    response = commissioner.post(
        "/policies/new",
        data={
            "name": "Housing social value",
            "min_social_value_weight": "15",
            "measure_0": "vcse_spend",
            "minimum_0": "£25,000",
            "measure_1": "rj_satisfaction",
            "minimum_1": "80%",
            "measure_2": "",
            "minimum_2": "",
            "required_criteria": ["pf_safeguarding"],
            "vcse_counting": "registered",
            "csrf_token": forms.csrf_token(commissioner, "/policies/new"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _stored(demo)[-1] == (
        "Housing social value",
        [{"measure": "vcse_spend", "minimum": "25000"}, {"measure": "rj_satisfaction", "minimum": "80"}],
        ["pf_safeguarding"],
    )
    text = _text(commissioner.get("/policies").get_data(as_text=True))
    assert "VCSE share at least 15%" in text  # the demo's policy
    assert "Spend with VCSE organisations at least £25,000" in text
    assert "Restorative justice satisfaction at least 80%" in text
    assert "Safeguarding and vetting" in text
    assert "Partners on the VCSE register, verified or not" in text
    assert "vcse_share" not in text and "pf_safeguarding" not in text and "vcse_spend" not in text


def test_the_change_form_shows_the_stored_choices_and_keeps_the_reason_on_error(
    demo: Flask, commissioner: FlaskClient
) -> None:
    with Session(get_engine(demo)) as session:
        policy_id = session.exec(select(Policy.id).where(Policy.name == DEMO_POLICY)).one()
    path = f"/policies/{policy_id}/edit"
    html = commissioner.get(path).get_data(as_text=True)
    assert '<option value="vcse_share" selected>VCSE share (%)</option>' in html
    assert re.search(
        r'id="minimum_0"[^>]*value="15"[^>]*>\s*<div class="govuk-input__suffix" aria-hidden="true">%', html
    )
    before = _stored(demo)
    html = _post(
        commissioner,
        path,
        {"version": "1", "name": DEMO_POLICY, "min_social_value_weight": "20", "measure_0": "vcse_share",
         "minimum_0": "101", "reason": "Board decision"},
    )  # fmt: skip
    assert _stored(demo) == before
    assert "<title>Error: Change policy" in html and "Board decision</textarea>" in html
    assert "enter a number from 0 to 100" in _text(html)


def test_a_legacy_policy_with_raw_ids_is_still_listed_without_crashing(demo: Flask, commissioner: FlaskClient) -> None:
    """A row saved before measures were checked: shown as a measure no rubric defines, never as if it were one."""
    with Session(get_engine(demo)) as session:
        policy = session.exec(select(Policy).where(Policy.name == DEMO_POLICY)).one()
        policy.mandatory_commitments = [{"measure": "vcse_shar", "minimum": "15"}]
        policy.required_criteria = ["no_such_criterion"]
        session.add(policy)
        session.commit()
    text = _text(commissioner.get("/policies").get_data(as_text=True))
    assert "“vcse_shar” (a measure no rubric defines) at least 15" in text
    assert "“no_such_criterion” (a criterion no rubric defines)" in text


def test_the_shipped_rubrics_agree_on_each_measure_s_unit() -> None:
    """A measure id defined twice in different units would make "at least 15" mean two things."""
    from tenderscore.rubric_files import load_shipped, shipped_rubrics

    units: dict[str, set[str]] = {}
    for name in shipped_rubrics():
        for measure in load_shipped(name).measures:
            units.setdefault(measure.id, set()).add(measure.unit.value)
    assert all(len(found) == 1 for found in units.values()), units
    assert set(policies.vocabulary().measures) == set(units)
