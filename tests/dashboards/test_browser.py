"""The dashboards in chromium at a desktop width (1280 px) and a phone width (375 px): the officer's contract list
and a contract's charts, the commissioner's oversight; nothing scrolls sideways, every chart is drawn inside its
column. Screenshots in screenshots/dashboards/<page>-<width>px.png for people to look at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from tenderscore.services.demo import DEMO_PASSWORD
from tests.browser.conftest import SCREENSHOTS, browser, serve  # noqa: F401 (the browser fixture)
from tests.browser.test_error_paths import fits
from tests.dashboards.conftest import Delivered

pytestmark = [pytest.mark.db, pytest.mark.browser, pytest.mark.slow]
FOLDER = SCREENSHOTS / "dashboards"
# The smallest text drawn inside an element, in CSS pixels as it is shown (an SVG's scale included).
_SMALLEST_TEXT = """(selector) => {
  const root = document.querySelector(selector);
  let smallest = Infinity;
  for (const node of root.querySelectorAll('text, dt, dd, p, strong')) {
    if (!node.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(node).fontSize);
    const svg = node.ownerSVGElement;
    const scale = svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    smallest = Math.min(smallest, size * scale);
  }
  return smallest;
}"""


@pytest.fixture
def base(frozen: Delivered, demo: Flask) -> Iterator[str]:
    with serve(demo) as url:
        yield url


def _signed_in(browser: Browser, base: str, email: str, width: int) -> Page:  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    return page


def _shot(page: Page, name: str, width: int) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(FOLDER / f"{name}-{width}px.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_dashboards_fit_and_draw(browser: Browser, base: str, frozen: Delivered, width: int) -> None:  # noqa: F811
    page = _signed_in(browser, base, "officer@demo.tenderscore.test", width)
    page.click("#contracts-link")
    assert page.url.endswith("/contracts")
    fits(page)
    _shot(page, "contracts", width)
    page.click(f"a[href='/contracts/{frozen.a.id}/performance']")
    chart = page.locator(f"#kpi-{frozen.kpis['a.vcse'].id}-chart svg")
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= width and box["height"] > 100
    fits(page)
    table = page.locator(f"#kpi-{frozen.kpis['a.vcse'].id}-table").bounding_box()
    assert table is not None and table["x"] + table["width"] <= width  # stacked on a phone, never cut off
    _shot(page, "performance", width)
    page.goto(base + f"/contracts/{frozen.a.id}")
    fits(page)
    _shot(page, "contract", width)
    page.close()
    page = _signed_in(browser, base, "commissioner@demo.tenderscore.test", width)
    page.goto(base + "/contracts/oversight")
    assert page.locator("#partners-table").inner_text().count("Kestrel Recovery Network") == 1
    fits(page)
    # The chart's words are never below 12 px: the drawing filling a desktop's column, the list of page text below.
    shown = "#vcse-bars" if width < 960 else "#vcse-chart svg.chart"
    hidden = "#vcse-chart svg.chart" if width < 960 else "#vcse-bars"
    assert page.locator(shown).is_visible() and not page.locator(hidden).is_visible()
    assert page.evaluate(_SMALLEST_TEXT, shown) >= 12
    for table in ("vcse-table", "social-value-table", "late-table", "partners-table"):
        box = page.locator(f"#{table}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, table
    _shot(page, "oversight", width)
    page.close()
