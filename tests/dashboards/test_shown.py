"""What the delivery pages show, the same way on every page: one set of rating colours, targets with their units and
direction, what an at-most KPI achieved in words (core.kpi_words), on the worked example of conftest.py."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

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
        for colour, label in re.findall(rf'govuk-tag--(\w+)"[^>]*>({LABELS})</strong>', response.get_data(as_text=True)):
            colours[label].add((colour, name))
    assert {label for label in colours} >= {"Inadequate", "Requires improvement"}
    for label, seen in colours.items():
        assert len({colour for colour, _ in seen}) == 1, f"{label}: {sorted(seen)}"
    assert {c for c, _ in colours["Requires improvement"]} == {"orange"}


def test_targets_read_in_their_units_and_direction(frozen: Delivered, browse: Callable[[str], FlaskClient]) -> None:
    """Officer-made targets typed as "90" with the unit "percent" read "90%", and a ceiling reads "at most"."""
    a = frozen.a.id
    kpis.add_kpi(frozen.session, frozen.officer, a, kpis.KpiEntry(
        title="Complaints upheld", target_value="1", unit="complaints", direction="at_most"), reason="Added by the test")
    frozen.session.commit()
    officer = browse(OFFICER)
    listed = officer.get(f"/contracts/{a}/kpis").get_data(as_text=True)
    cells = re.findall(r'data-label="Target">([^<]*)<', listed)
    assert "90%" in cells and "at most 1 complaint" in cells and "90" not in cells
    assert "Added: Complaints upheld (target at most 1 complaint)" in listed
    period = browse(frozen.supplier(frozen.a).email).get(f"/contracts/{a}/periods/2").get_data(as_text=True)
    assert "Target: at most 1 complaint" in period and "Target: 90%" in period
    shown = officer.get(f"/contracts/{a}/performance").get_data(as_text=True)
    assert "Target at most 1 complaint" in shown and ">Target 90%<" in shown.replace("<p class=\"govuk-body-s\">", ">")
