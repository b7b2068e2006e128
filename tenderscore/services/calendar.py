"""Bank holidays of the UK's three jurisdictions, from the maintained ``holidays`` library (substitute days
included), for counting working days: a standstill period skips the holidays of the buyer's nation.

England and Wales share their bank holidays; Scotland and Northern Ireland each have their own.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from tenderscore.db.models import Nation, Organisation

_SUBDIVISION = {Nation.ENGLAND_AND_WALES: "ENG", Nation.SCOTLAND: "SCT", Nation.NORTHERN_IRELAND: "NIR"}
NATION_NAMES = {
    Nation.ENGLAND_AND_WALES: "England and Wales",
    Nation.SCOTLAND: "Scotland",
    Nation.NORTHERN_IRELAND: "Northern Ireland",
}


def nation_of(buyer: Organisation | None) -> Nation:
    """The buyer's nation; a buyer that has not said is in England and Wales (most of our buyers are)."""
    return Nation(buyer.nation) if buyer is not None and buyer.nation else Nation.ENGLAND_AND_WALES


@lru_cache(maxsize=16)
def bank_holidays(nation: Nation, first_year: int, last_year: int) -> frozenset[date]:
    """Every bank holiday of ``nation`` from ``first_year`` to ``last_year`` inclusive."""
    years = range(first_year, last_year + 1)
    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=years).keys())


def around(nation: Nation, day: date) -> frozenset[date]:
    """The holidays a period starting on ``day`` can meet: that year and the next (a standstill is days long)."""
    return bank_holidays(nation, day.year, day.year + 1)
