"""Template -> filled in code -> read back gives exactly the values written, for every criterion kind."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tenderscore.core.rubric import CriterionKind, Rubric
from tenderscore.sheets import FilledBid, TemplateIdentity, fill_template, read_workbook, write_template
from tenderscore.sheets.reading import WorkbookReading
from tests.sheets.fixtures import expected_response, good_bid, identity, load_shipped, probation_rubric, shipped_rubrics

RUBRICS = [pytest.param(probation_rubric, id="fixture-probation")] + [
    pytest.param(lambda path=path: load_shipped(path), id=path.stem) for path in shipped_rubrics()
]


@pytest.mark.parametrize("make_rubric", RUBRICS)
def test_round_trip_gives_back_every_value(make_rubric: Callable[[], Rubric]) -> None:
    rubric = make_rubric()
    tender = identity(rubric_hash="sha256:" + "cd" * 32)
    bid = good_bid(rubric)
    data = fill_template(write_template(rubric, tender), bid)

    reading = read_workbook(data, rubric, tender, bid_id="bid-1")

    assert reading.errors == ()
    assert reading.response == expected_response(rubric, bid)
    kinds = {c.kind for c in rubric.criteria}
    for kind, values in [
        (CriterionKind.SCORED, reading.response.answers),
        (CriterionKind.PASS_FAIL, reading.response.declarations),
        (CriterionKind.COMMITMENT, reading.response.commitments),
    ]:
        assert (kind in kinds) == bool(values)
    if CriterionKind.PRICE in kinds:
        assert reading.response.price is not None


def test_shipped_rubrics_are_all_covered() -> None:
    names = {path.stem for path in shipped_rubrics()}
    expected = {"probation-innovation-partner", "housing-asb-services", "social-value-model-services"}
    assert expected <= names


def test_bidder_details_are_read(read: Callable[[bytes], WorkbookReading], fill: Callable[..., bytes]) -> None:
    reading = read(fill())
    assert reading.bidder.organisation_name == "Test Bidder Ltd"
    assert reading.bidder.company_number == "09876543"
    assert reading.bidder.charity_number == "NIC100123"
    assert reading.bidder.email == "sam@test-bidder.example.org"
    assert reading.bidder.address == "1 High Street\nLeeds LS1 1AA"


def test_numbers_are_decimals_never_floats(
    read: Callable[[bytes], WorkbookReading], fill: Callable[..., bytes]
) -> None:
    response = read(fill()).response
    assert response is not None
    values = [*response.commitments.values(), response.price, *(p.value_gbp for p in response.vcse_partners)]
    assert values and all(type(v).__name__ == "Decimal" for v in values)


def test_totals_are_computed_from_the_lines(
    read: Callable[[bytes], WorkbookReading], fill: Callable[..., bytes]
) -> None:
    reading = read(fill())
    assert reading.price == Decimal("1250000.50")
    assert reading.vcse_total == Decimal("250000.10")
    assert reading.vcse_share is not None and abs(reading.vcse_share - 20) < 1


def test_the_same_bytes_read_the_same_and_default_bid_id_is_the_hash(
    rubric: Rubric, tender: TemplateIdentity, fill: Callable[..., bytes]
) -> None:
    data = fill()
    first, second = read_workbook(data, rubric, tender), read_workbook(data, rubric, tender)
    assert first == second
    assert first.response is not None and len(first.response.bid_id) == 16


def test_answer_starting_with_equals_stays_text(
    read: Callable[[bytes], WorkbookReading], bid: FilledBid, fill: Callable[..., bytes]
) -> None:
    answers = dict(bid.answers) | {"q1": "=SUM(A1:A3) is how we will not answer"}
    response = read(fill(answers=answers)).response
    assert response is not None
    assert response.answers["q1"] == "=SUM(A1:A3) is how we will not answer"


def test_partner_rows_keep_their_order_and_gaps_are_skipped(
    read: Callable[[bytes], WorkbookReading], bid: FilledBid, fill: Callable[..., bytes]
) -> None:
    from tenderscore.sheets.fill import PartnerRow

    rows = [bid.partners[0], PartnerRow(), PartnerRow(), bid.partners[1], bid.partners[2]]
    response = read(fill(partners=rows)).response
    assert response is not None
    assert [p.name for p in response.vcse_partners] == [str(p.name) for p in bid.partners]


def test_unused_template_reads_as_errors_not_a_crash(read: Callable[[bytes], WorkbookReading], template: bytes) -> None:
    reading = read(template)
    assert reading.response is None
    assert len(reading.errors) > 5


@pytest.mark.parametrize("path", shipped_rubrics(), ids=lambda p: p.stem)
def test_shipped_rubric_template_writes(path: Path) -> None:
    rubric = load_shipped(path)
    assert write_template(rubric, identity()).startswith(b"PK")
