"""Fixtures for the spreadsheet engine: a rubric, its tender identity, its template and a way to fill it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import FilledBid, TemplateIdentity, fill_template, read_workbook, write_template
from tenderscore.sheets.reading import WorkbookReading
from tests.sheets.fixtures import good_bid, identity, probation_rubric

Fill = Callable[..., bytes]


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return probation_rubric()


@pytest.fixture(scope="session")
def tender() -> TemplateIdentity:
    return identity()


@pytest.fixture(scope="session")
def template(rubric: Rubric, tender: TemplateIdentity) -> bytes:
    return write_template(rubric, tender)


@pytest.fixture(scope="session")
def bid(rubric: Rubric) -> FilledBid:
    return good_bid(rubric)


@pytest.fixture
def fill(template: bytes, bid: FilledBid) -> Fill:
    """``fill(**changes)``: the good bid with some fields replaced, as workbook bytes."""

    def make(**changes: object) -> bytes:
        return fill_template(template, replace(bid, **changes))  # type: ignore[arg-type]

    return make


@pytest.fixture
def read(rubric: Rubric, tender: TemplateIdentity) -> Callable[[bytes], WorkbookReading]:
    def run(data: bytes) -> WorkbookReading:
        return read_workbook(data, rubric, tender, bid_id="bid-1")

    return run
