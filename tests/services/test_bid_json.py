"""Stored responses: partners by identifier and role, and submissions stored before partners had identifiers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderscore.core import BidResponse, VcsePartner
from tenderscore.services.bid_json import legacy_identifier, response_from_json, response_to_json


def test_partners_round_trip_with_identifier_role_and_pathway() -> None:
    bid = BidResponse(
        "7", "Bidder Ltd", price=Decimal("1000000.00"),
        vcse_partners=(
            VcsePartner("Aldergate Housing Trust", Decimal("150000.05"), "GB-CHC-1290417", "Move-on homes",
                        "Accommodation"),
            VcsePartner("Second Shift Kitchens CIC", Decimal("25000"), "GB-COH-19004127"),
        ),
    )  # fmt: skip
    stored = response_to_json(bid)
    assert stored["vcse_partners"][0] == {
        "name": "Aldergate Housing Trust", "value_gbp": "150000.05", "identifier": "GB-CHC-1290417",
        "role": "Move-on homes", "pathway": "Accommodation",
    }  # fmt: skip
    assert "charity_number" not in stored["vcse_partners"][0]
    assert response_from_json(stored, bid_id="7", bidder="Bidder Ltd") == bid


def test_a_submission_stored_by_charity_and_company_number_reads_as_identifiers() -> None:
    stored = {
        "price": "1000000",
        "vcse_partners": [
            {"name": "A", "value_gbp": "1", "charity_number": "1290417", "company_number": None, "pathway": None},
            {"name": "B", "value_gbp": "2", "charity_number": None, "company_number": "19004127", "pathway": "ETE"},
            {"name": "C", "value_gbp": "3", "charity_number": "SC091234", "company_number": "SC612345"},
            {"name": "D", "value_gbp": "4", "charity_number": "NIC100123"},
        ],
    }
    partners = response_from_json(stored, bid_id="1", bidder="X").vcse_partners
    assert [p.identifier for p in partners] == ["GB-CHC-1290417", "GB-COH-19004127", "GB-SC-SC091234", "GB-NIC-100123"]
    assert partners[1].pathway == "ETE" and partners[0].role is None


@pytest.mark.parametrize(
    ("charity", "company", "expected"),
    [
        ("12904170", "19004127", "GB-COH-19004127"),  # an 8-digit E&W number (the first form allowed it): the company
        ("12904170", None, None),  # fits no scheme: unknown to the register, never invented
        (None, None, None),
        ("1123456", "01234567", "GB-CHC-1123456"),  # the charity number first
    ],
)
def test_legacy_identifier(charity: str | None, company: str | None, expected: str | None) -> None:
    assert legacy_identifier(charity, company) == expected
