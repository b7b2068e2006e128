"""What the delivery pages show, the same way on every page: one set of rating colours, targets with their units and
direction, what an at-most KPI achieved in words (core.kpi_words), on the worked example of conftest.py."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tenderscore.core.performance import periods
from tenderscore.core.ukdates import uk_date
from tenderscore.services import kpis
from tests.dashboards.conftest import Delivered

pytestmark = pytest.mark.db
OFFICER = "officer@demo.tenderscore.test"
COMMISSIONER = "commissioner@demo.tenderscore.test"
LABELS = "Good|Approaching target|Requires improvement|Inadequate|Other"


def test_every_page_gives_a_rating_the_same_colour(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    a = frozen.a.id
    officer, commissioner = browse(OFFICER), browse(COMMISSIONER)
    pages = {
        "list": officer.get("/contracts"), "performance": officer.get(f"/contracts/{a}/performance"),
        "ratings": officer.get(f"/contracts/{a}/ratings"), "rate": officer.get(f"/contracts/{a}/periods/2/ratings"),
        "oversight": commissioner.get("/contracts/oversight"), "contract": officer.get(f"/contracts/{a}"),
    }  # fmt: skip
    colours: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        for colour, label in re.findall(rf'govuk-tag--(\w+)"[^>]*>({LABELS})</strong>', html):
            colours[label].add((colour, name))
    assert {label for label in colours} >= {"Inadequate", "Requires improvement"}
    for label, seen in colours.items():
        assert len({colour for colour, _ in seen}) == 1, f"{label}: {sorted(seen)}"
    assert {c for c, _ in colours["Requires improvement"]} == {"orange"}


def test_targets_read_in_their_units_and_direction(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    """Officer-made targets typed as "90" with the unit "percent" read "90%", and a ceiling reads "at most"."""
    a = frozen.a.id
    kpis.add_kpi(
        frozen.session,
        frozen.officer,
        a,
        kpis.KpiEntry(title="Complaints upheld", target_value="1", unit="complaints", direction="at_most"),
        reason="Added by the test",
    )
    frozen.session.commit()
    officer = browse(OFFICER)
    listed = officer.get(f"/contracts/{a}/kpis").get_data(as_text=True)
    cells = re.findall(r'data-label="Target">([^<]*)<', listed)
    assert "90%" in cells and "at most 1 complaint" in cells and "90" not in cells
    assert "Added: Complaints upheld (target at most 1 complaint)" in listed
    period = browse(frozen.supplier(frozen.a).email).get(f"/contracts/{a}/periods/2").get_data(as_text=True)
    assert "Target: at most 1 complaint" in period and "Target: 90%" in period
    shown = officer.get(f"/contracts/{a}/performance").get_data(as_text=True)
    assert "Target at most 1 complaint" in shown and ">Target 90%<" in shown.replace('<p class="govuk-body-s">', ">")


def test_the_contract_list_names_a_period_by_when_it_ended(
    frozen: Delivered, browse: Callable[[str], FlaskClient]
) -> None:
    """ "Period 2 to 28 October 2026" read like a date range."""
    page = browse(OFFICER).get("/contracts").get_data(as_text=True)
    ended = periods(frozen.a.starts_on, frozen.a.ends_on, frozen.a.return_months)[1].ends_on
    assert f"Period 2 (ended {uk_date(ended)})" in page and "Period 2 to " not in page


def test_the_contract_page_links_to_ratings_and_shows_each_period_rating(
    frozen: Delivered, browse: Callable[[str], FlaskClient]
) -> None:
    a = frozen.a.id
    page = browse(OFFICER).get(f"/contracts/{a}").get_data(as_text=True)
    assert f'id="ratings-link" href="/contracts/{a}/ratings">Ratings and performance notices</a>' in page
    second = page[page.index('id="period-2-rating"') :]
    second = second[: second.index("</td>")]
    assert 'govuk-tag--red">Inadequate</strong>' in second and "not yet rated by the officer" in second
    supplier = browse(frozen.supplier(frozen.a).email).get(f"/contracts/{a}").get_data(as_text=True)
    assert 'id="ratings-link"' in supplier and 'id="period-1-rating"' in supplier


def test_the_oversight_gives_its_chart_as_a_list_for_phones_and_stacks_its_tables(
    frozen: Delivered, browse: Callable[[str], FlaskClient]
) -> None:
    """At 375 px the 660 px chart's words shrank to 5 px and its tables were 531 to 795 px wide: the same figures
    are also a list of page text over bars (shown instead of the chart on a phone), and every table stacks."""
    page = browse(COMMISSIONER).get("/contracts/oversight").get_data(as_text=True)
    figure = page[page.index('id="vcse-chart"') : page.index("</figure>")]
    chart = re.findall(r'<rect [^>]*data-series="([^"]+)" data-value="([^"]+)"', figure[: figure.index("vcse-bars")])
    listed = re.findall(r'<rect [^>]*data-series="([^"]+)" data-value="([^"]+)"', figure[figure.index("vcse-bars") :])
    assert len(chart) == 6 and sorted(listed) == sorted(chart)  # three series for each of the two contracts
    assert "Delivered (confirmed, counting): <strong>14.40%</strong>" in figure
    for table in ("vcse-table", "social-value-table", "late-table", "partners-table"):
        assert f'class="govuk-table ts-stack" id="{table}"' in page
    not_confirmed = page[page.index('data-label="Not confirmed">£11,000') :]
    assert "£6,000 disputed, £5,000 not yet answered" in not_confirmed[: not_confirmed.index("</td>")]
