"""OCDS releases and packages for the UK profile: valid against the standard's schemas (formats checked), with the
UK fields where the profile puts them, exact money, a correct compiled release, and no people anywhere."""

from __future__ import annotations

import ast
import dataclasses
import json
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import tenderscore.ocds
from tenderscore.core import award as facts
from tenderscore.core.award import (
    AwardCriterion,
    AwardNotice,
    BidStatistics,
    ContractNotice,
    Kpi,
    Lot,
    OrgIdentifier,
    Party,
    TenderNotice,
    standstill_end,
)
from tenderscore.ocds import (
    EXTENSIONS,
    WHOLE_LIST_MERGE,
    award_release,
    compile_release,
    contract_release,
    dumps,
    loads,
    merge_object,
    record_package,
    release_package,
    tender_release,
)
from tests.ocds_schema import (
    SHARED_OCDS,
    schemas_check_formats,
    validate_record_package,
    validate_release,
    validate_release_package,
)

D = Decimal
OCID = "ocds-tndrsc-PRB-2026-014"
# The people around this tender. None of them is in the facts, so none may be in anything published.
PEOPLE = ("Amara Okafor", "Jonas Lindqvist", "Rekha Bhatt", "Sian Greenwood", "amara.okafor@justice.example")


def at(day: int, month: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


BUYER = Party(key="GB-GOR-D18", name="Ministry of Justice", identifiers=(OrgIdentifier("GB-GOR", "D18"),))
WINNER = Party(key="GB-COH-01234567", name="Northgate Rehabilitation Ltd",
               identifiers=(OrgIdentifier("GB-COH", "01234567"),), vcse=False, sme=False)  # fmt: skip
VCSE = Party(key="GB-CHC-1123456", name="Second Chance Community Interest Company",
             identifiers=(OrgIdentifier("GB-CHC", "1123456"), OrgIdentifier("GB-COH", "12345678")),
             vcse=True, sme=True)  # fmt: skip
# Whether this one is a VCSE is unknown: it has not said.
SME = Party(key="GB-COH-09876543", name="Brightpath Services Ltd", identifiers=(OrgIdentifier("GB-COH", "09876543"),),
            sme=True)  # fmt: skip
ORGANISATIONS = {party.name for party in (BUYER, WINNER, VCSE, SME)}

CRITERIA = (
    AwardCriterion(id="price", name="Price", kind="price", weight=D("40")),
    AwardCriterion(id="delivery", name="Delivery approach", kind="quality", weight=D("50"),
                   description="How the service will be delivered across the region"),  # fmt: skip
    AwardCriterion(id="local-jobs", name="Local employment", kind="social value", weight=D("10"),
                   description="Jobs for people on probation; the share of the price spent with VCSEs"),  # fmt: skip
)
TENDER = TenderNotice(
    ocid=OCID,
    reference="PRB-2026-014",
    title="Probation innovation partner",
    description="A partner to design and run resettlement services in the North West — £ and é survive",
    buyer=BUYER,
    value=D("1250000.00"),
    published_at=at(5, 10),
    deadline=at(2, 11, 12),
    lots=(Lot(id="1", title="Probation innovation partner", value=D("1250000.00"), criteria=CRITERIA),),
)
# The deadline was extended by a week; every later release repeats the tender as it then stood.
EXTENDED = dataclasses.replace(TENDER, deadline=at(9, 11, 12))
PUBLISHED = at(23, 11, 15, 20)
AWARD = AwardNotice(
    tender=EXTENDED,
    award_id=f"{OCID}-award-7",
    status="pending",
    decided_at=at(20, 11, 10),
    supplier=WINNER,
    tenderers=(WINNER, VCSE, SME),
    value=D("1234567.89"),
    assessment_summaries_sent_at=PUBLISHED,
    standstill_start=PUBLISHED,
    standstill_end=standstill_end(PUBLISHED, ()),
    statistics=BidStatistics(final_stage=3, sme_final_stage=2, vcse_final_stage=1, counted_at=at(9, 11, 13)),
)
WITHDRAWN = dataclasses.replace(
    AWARD,
    status="cancelled",
    withdrawn_at=at(30, 11, 11),
    withdrawn_reason="An error was found in the price scores; the bids will be re-scored",
)
KPIS = (
    Kpi(id="kpi-1", title="Successful completions", description="Share of people completing the programme",
        target="75", unit="percent", target_value=D("75")),  # fmt: skip
    Kpi(id="kpi-2", title="Local jobs", description="People on probation employed on the contract", target="12",
        unit="people", target_value=D("12.0")),  # fmt: skip
    Kpi(id="kpi-3", title="Reports on time", description="Monthly performance reports delivered by the 5th",
        target="Every month"),  # fmt: skip
)
CONTRACT = ContractNotice(
    award=dataclasses.replace(AWARD, status="active"),
    contract_id=f"{OCID}-contract-3",
    title="Probation innovation partner: North West",
    value=D("1234567.89"),
    start=date(2027, 4, 1),
    end=date(2029, 3, 31),
    signed_on=date(2026, 12, 10),
    published_at=at(14, 12),
    kpis=KPIS,
)


def published(data: dict[str, Any]) -> Any:
    """What a reader gets: the JSON text parsed back (Decimals for non-integers)."""
    return loads(dumps(data))


def every_release() -> list[dict[str, Any]]:
    return [
        tender_release(TENDER, release_id=f"{OCID}-tender-1", date=TENDER.published_at),
        tender_release(EXTENDED, release_id=f"{OCID}-tenderUpdate-1", date=at(20, 10), update=True),
        award_release(AWARD, release_id=f"{OCID}-award-1", date=PUBLISHED),
        award_release(WITHDRAWN, release_id=f"{OCID}-awardUpdate-1", date=at(30, 11, 11), update=True),
        contract_release(CONTRACT, release_id=f"{OCID}-contract-1", date=CONTRACT.published_at),
        contract_release(dataclasses.replace(CONTRACT, kpis=(), no_kpis_reason="A one-off design study"),
                         release_id=f"{OCID}-contract-2", date=at(15, 12)),  # fmt: skip
    ]


# --- the schemas really check -----------------------------------------------------------------------------------


def test_the_schemas_are_the_shared_ones_and_format_checking_is_active() -> None:
    assert (SHARED_OCDS / "release-schema-uk.json").is_file()
    assert schemas_check_formats()
    release = tender_release(TENDER, release_id="r1", date=TENDER.published_at)
    validate_release(published(release))
    with pytest.raises(AssertionError, match=r"/date: '23/11/2026' is not a 'date-time'"):
        validate_release({**release, "date": "23/11/2026"})


def test_uk_fields_are_checked_inside_a_release_package() -> None:
    """The package schema refers to the core release schema by URL; it must resolve to the UK one."""
    release = published(award_release(AWARD, release_id="r1", date=PUBLISHED))
    release["awards"][0]["assessmentSummariesDateSent"] = "23 November 2026"
    release["awards"][0]["standstillPeriod"]["durationInMonths"] = "two"
    package = release_package([release], uri="https://example.org/ocds/1", published_date=PUBLISHED,
                              publisher_name="tenderscore")  # fmt: skip
    with pytest.raises(AssertionError) as failure:
        validate_release_package(package)
    assert "/releases/0/awards/0/assessmentSummariesDateSent: '23 November 2026' is not a 'date-time'" in str(
        failure.value
    )
    assert "/releases/0/awards/0/standstillPeriod/durationInMonths: 'two' is not of type" in str(failure.value)


def test_the_record_package_check_finds_what_a_schema_cannot() -> None:
    package = published(record_package(every_release()[:3], uri="https://example.org/ocds/record",
                                       published_date=PUBLISHED, publisher_name="tenderscore"))  # fmt: skip
    validate_record_package(package)
    package["records"][0]["releases"][1]["ocid"] = "ocds-tndrsc-OTHER"
    package["records"][0]["compiledRelease"]["tag"] = ["tender"]
    package["records"][0]["compiledRelease"]["date"] = "yesterday"
    with pytest.raises(AssertionError) as failure:
        validate_record_package(package)
    message = str(failure.value)
    assert "/records/0/releases/1/ocid: 'ocds-tndrsc-OTHER' is not" in message
    assert "/records/0/compiledRelease/tag" in message
    assert "/records/0/compiledRelease/date: 'yesterday' is not a 'date-time'" in message


# --- each release ---------------------------------------------------------------------------------------------------


def test_every_release_is_valid_with_unique_ids() -> None:
    releases = every_release()
    for release in releases:
        validate_release(published(release))
    ids = [release["id"] for release in releases]
    assert len(ids) == len(set(ids))
    assert [release["tag"] for release in releases] == [
        ["tender"], ["tenderUpdate"], ["award"], ["awardUpdate"], ["contract"], ["contract"]
    ]


def test_the_tender_release() -> None:
    release = published(tender_release(TENDER, release_id=f"{OCID}-tender-1", date=TENDER.published_at))
    assert {key: release[key] for key in ("ocid", "id", "date", "tag", "initiationType", "language")} == {
        "ocid": OCID, "id": f"{OCID}-tender-1", "date": "2026-10-05T09:00:00Z", "tag": ["tender"],
        "initiationType": "tender", "language": "en",
    }  # fmt: skip
    assert release["parties"] == [{
        "id": "GB-GOR-D18", "name": "Ministry of Justice",
        "identifier": {"scheme": "GB-GOR", "id": "D18", "legalName": "Ministry of Justice"}, "roles": ["buyer"],
    }]  # fmt: skip
    assert release["buyer"] == {"id": "GB-GOR-D18", "name": "Ministry of Justice"}
    tender = release["tender"]
    assert tender["id"] == "PRB-2026-014" and tender["title"] == "Probation innovation partner"
    assert tender["status"] == "active"
    assert tender["value"] == {"amount": D("1250000.00"), "currency": "GBP"}
    assert tender["tenderPeriod"] == {"startDate": "2026-10-05T09:00:00Z", "endDate": "2026-11-02T12:00:00Z"}
    (lot,) = tender["lots"]
    assert lot["id"] == "1" and lot["value"] == {"amount": D("1250000.00"), "currency": "GBP"}
    assert lot["awardCriteria"]["criteria"] == [
        {"type": "price", "name": "Price", "numbers": [{"number": 40, "weight": "percentageExact"}]},
        {"type": "quality", "name": "Delivery approach",
         "description": "How the service will be delivered across the region",
         "numbers": [{"number": 50, "weight": "percentageExact"}]},
        {"type": "quality", "name": "Social value: Local employment",
         "description": "Jobs for people on probation; the share of the price spent with VCSEs",
         "numbers": [{"number": 10, "weight": "percentageExact"}]},
    ]  # fmt: skip
    assert "awards" not in release and "bids" not in release and "contracts" not in release


def test_a_tender_update_carries_the_new_deadline() -> None:
    release = tender_release(EXTENDED, release_id=f"{OCID}-tenderUpdate-1", date=at(20, 10), update=True)
    assert release["tag"] == ["tenderUpdate"]
    assert release["tender"]["tenderPeriod"]["endDate"] == "2026-11-09T12:00:00Z"


def test_criteria_weights_keep_their_digits_and_unknown_kinds_are_refused() -> None:
    odd = dataclasses.replace(CRITERIA[1], weight=D("33.35"), kind="Social_Value", name="Social value plan",
                              description="")  # fmt: skip
    lot = dataclasses.replace(TENDER.lots[0], criteria=(odd,), value=None, title="")
    release = tender_release(dataclasses.replace(TENDER, lots=(lot,), value=None), release_id="r", date=at(5, 10))
    validate_release(published(release))
    weight = {"number": D("33.35"), "weight": "percentageExact"}
    criterion = {"type": "quality", "name": "Social value plan", "numbers": [weight]}
    assert release["tender"]["lots"] == [{"id": "1", "awardCriteria": {"criteria": [criterion]}}]
    assert "value" not in release["tender"]
    assert '"number":33.35' in dumps(release)
    compliance = dataclasses.replace(CRITERIA[0], kind="compliance")
    with pytest.raises(ValueError, match="kind 'compliance'"):
        tender_release(dataclasses.replace(TENDER, lots=(dataclasses.replace(lot, criteria=(compliance,)),)),
                       release_id="r", date=at(5, 10))  # fmt: skip


def test_the_award_release() -> None:
    release = published(award_release(AWARD, release_id=f"{OCID}-award-1", date=PUBLISHED))
    assert release["tag"] == ["award"] and release["date"] == "2026-11-23T15:20:00Z"
    parties = {party["id"]: party for party in release["parties"]}
    assert list(parties) == ["GB-GOR-D18", "GB-COH-01234567", "GB-CHC-1123456", "GB-COH-09876543"]
    assert parties["GB-GOR-D18"]["roles"] == ["buyer"]
    assert parties["GB-COH-01234567"]["roles"] == ["tenderer", "supplier"]
    assert parties["GB-COH-01234567"]["details"] == {"vcse": False, "sme": False}
    assert parties["GB-CHC-1123456"] == {
        "id": "GB-CHC-1123456", "name": "Second Chance Community Interest Company",
        "identifier": {"scheme": "GB-CHC", "id": "1123456", "legalName": "Second Chance Community Interest Company"},
        "additionalIdentifiers": [{"scheme": "GB-COH", "id": "12345678"}],
        "roles": ["tenderer"], "details": {"vcse": True, "sme": True},
    }  # fmt: skip
    assert parties["GB-COH-09876543"]["details"] == {"sme": True}  # VCSE status unknown: left out, not false
    assert release["tender"]["status"] == "complete"
    assert release["bids"]["statistics"] == [
        {"id": "1", "measure": "finalStageBids", "value": 3, "date": "2026-11-09T13:00:00Z", "relatedLot": "1"},
        {"id": "2", "measure": "smeFinalStageBids", "value": 2, "date": "2026-11-09T13:00:00Z", "relatedLot": "1"},
        {"id": "3", "measure": "vcseFinalStageBids", "value": 1, "date": "2026-11-09T13:00:00Z", "relatedLot": "1"},
    ]
    assert release["awards"] == [{
        "id": f"{OCID}-award-7", "status": "pending", "date": "2026-11-20T10:00:00Z",
        "value": {"amount": D("1234567.89"), "currency": "GBP"},
        "suppliers": [{"id": "GB-COH-01234567", "name": "Northgate Rehabilitation Ltd"}], "relatedLots": ["1"],
        "assessmentSummariesDateSent": "2026-11-23T15:20:00Z",
        # eight working days from Monday 23 November: the standstill ends at midnight (GMT) starting 3 December
        "standstillPeriod": {"startDate": "2026-11-23T15:20:00Z", "endDate": "2026-12-03T00:00:00Z"},
    }]  # fmt: skip


def test_a_withdrawn_award_is_cancelled_with_its_reason() -> None:
    release = published(award_release(WITHDRAWN, release_id=f"{OCID}-awardUpdate-1", date=at(30, 11, 11),
                                      update=True))  # fmt: skip
    validate_release(release)
    assert release["tag"] == ["awardUpdate"]
    (award,) = release["awards"]
    assert award["status"] == "cancelled"
    assert award["description"] == (
        "The award decision was withdrawn: An error was found in the price scores; the bids will be re-scored"
    )
    assert award["finalStatusDate"] == "2026-11-30T11:00:00Z"
    assert release["tender"]["status"] == "active"  # the buyer may decide again
    winner = next(party for party in release["parties"] if party["id"] == WINNER.key)
    assert winner["roles"] == ["tenderer"]
    # a withdrawal date alone makes the award cancelled, whatever status the facts still carry
    stale = dataclasses.replace(WITHDRAWN, status="pending", withdrawn_reason=None)
    award = award_release(stale, release_id="r", date=at(30, 11), update=True)["awards"][0]
    assert award["status"] == "cancelled" and award["description"] == "The award decision was withdrawn."


def test_the_contract_release() -> None:
    release = published(contract_release(CONTRACT, release_id=f"{OCID}-contract-1", date=CONTRACT.published_at))
    assert release["tag"] == ["contract"] and release["tender"]["status"] == "complete"
    (award,) = release["awards"]
    assert award["id"] == f"{OCID}-award-7" and award["status"] == "active"
    (contract,) = release["contracts"]
    assert {key: contract[key] for key in ("id", "awardID", "title", "status", "value", "period", "dateSigned")} == {
        "id": f"{OCID}-contract-3", "awardID": f"{OCID}-award-7", "title": "Probation innovation partner: North West",
        "status": "active", "value": {"amount": D("1234567.89"), "currency": "GBP"},
        # calendar days in the UK: BST on 1 April 2027 and 31 March 2029, GMT on 10 December 2026
        "period": {"startDate": "2027-04-01T00:00:00+01:00", "endDate": "2029-03-31T23:59:59+01:00"},
        "dateSigned": "2026-12-10T00:00:00+00:00",
    }  # fmt: skip
    assert datetime.fromisoformat(contract["period"]["startDate"]) == datetime(2027, 3, 31, 23, tzinfo=UTC)
    assert contract["agreedMetrics"] == [
        {"id": "kpi-1", "title": "Successful completions", "description": "Share of people completing the programme",
         "observations": [{"id": "kpi-1-target", "measure": D("75"), "unit": {"name": "percent"}}]},
        {"id": "kpi-2", "title": "Local jobs", "description": "People on probation employed on the contract",
         "observations": [{"id": "kpi-2-target", "measure": D("12.0"), "unit": {"name": "people"}}]},
        {"id": "kpi-3", "title": "Reports on time", "description": "Monthly performance reports delivered by the 5th",
         "observations": [{"id": "kpi-3-target", "measure": "Every month"}]},
    ]  # fmt: skip
    assert "noAgreedMetricsRationale" not in contract
    # Numbers as the performance notices' observations give them: a JSON number with its exact digits (the schema
    # allows a number or text), money as a value in pounds; text only for a target in words.
    text = dumps(release)
    assert '"measure":75,' in text and '"measure":12.0,' in text and '"measure":"Every month"' in text


def test_a_money_target_is_a_value_in_pounds() -> None:
    spend = Kpi(id="kpi-4", title="Spend with VCSE partners", description="", target="250000", unit="gbp",
                target_value=D("250000.00"))  # fmt: skip
    release = contract_release(dataclasses.replace(CONTRACT, kpis=(spend,)), release_id="r", date=at(15, 12))
    validate_release(release)
    assert release["contracts"][0]["agreedMetrics"][0]["observations"] == [
        {"id": "kpi-4-target", "value": {"amount": D("250000.00"), "currency": "GBP"}}]  # fmt: skip


def test_a_contract_without_kpis_says_why() -> None:
    notice = dataclasses.replace(CONTRACT, kpis=(), no_kpis_reason="  A one-off design study  ")
    (contract,) = contract_release(notice, release_id="r", date=at(15, 12))["contracts"]
    assert contract["noAgreedMetricsRationale"] == "A one-off design study" and "agreedMetrics" not in contract
    (contract,) = contract_release(dataclasses.replace(notice, no_kpis_reason=None), release_id="r",
                                   date=at(15, 12))["contracts"]  # fmt: skip
    assert "noAgreedMetricsRationale" not in contract and "agreedMetrics" not in contract


def test_what_cannot_be_published_is_refused() -> None:
    with pytest.raises(ValueError, match="was withdrawn"):
        contract_release(dataclasses.replace(CONTRACT, award=WITHDRAWN), release_id="r", date=at(15, 12))
    with pytest.raises(ValueError, match="ends .* before it starts"):
        contract_release(dataclasses.replace(CONTRACT, end=date(2027, 3, 31)), release_id="r", date=at(15, 12))
    with pytest.raises(ValueError, match="no time zone"):
        tender_release(TENDER, release_id="r", date=datetime(2026, 10, 5, 9))
    with pytest.raises(ValueError, match="release id"):
        tender_release(TENDER, release_id="r#1", date=at(5, 10))
    with pytest.raises(ValueError, match="status 'awarded'"):
        award_release(dataclasses.replace(AWARD, status="awarded"), release_id="r", date=PUBLISHED)


# --- money and text ---------------------------------------------------------------------------------------------


def test_money_keeps_its_exact_digits() -> None:
    text = dumps({"amount": D("1234567.89"), "tiny": D("0.10"), "whole": D("5000000"), "count": 3})
    assert text == '{"amount":1234567.89,"tiny":0.10,"whole":5000000,"count":3}'
    back = loads(text)
    assert back == {"amount": D("1234567.89"), "tiny": D("0.10"), "whole": 5000000, "count": 3}
    assert isinstance(back["amount"], Decimal) and str(back["amount"]) == "1234567.89"
    assert str(back["tiny"]) == "0.10"
    award = loads(dumps(award_release(AWARD, release_id="r", date=PUBLISHED)))["awards"][0]
    assert award["value"]["amount"] == D("1234567.89") and str(award["value"]["amount"]) == "1234567.89"


def test_floats_nan_and_infinity_never_reach_the_text() -> None:
    with pytest.raises(TypeError, match=r"\$\.value\.amount is a float"):
        dumps({"value": {"amount": 1234567.89}})
    with pytest.raises(ValueError):
        dumps({"amount": D("NaN")})
    with pytest.raises(ValueError):
        dumps({"amount": D("Infinity")})
    with pytest.raises(ValueError, match="NaN is not a JSON number"):
        loads('{"amount": NaN}')
    with pytest.raises(ValueError, match="an OCDS amount must be a finite Decimal"):
        award_release(dataclasses.replace(AWARD, value=D("NaN")), release_id="r", date=PUBLISHED)


def test_the_same_facts_give_the_same_text_in_utf8() -> None:
    first = [dumps(release) for release in every_release()]
    assert first == [dumps(release) for release in every_release()]
    assert "£ and é survive" in first[0]  # kept as characters: the text is UTF-8, not \u escapes
    assert json.loads(first[0].encode("utf-8"))["tender"]["description"].endswith("£ and é survive")
    assert dumps({"b": 1, "a": 2}, indent=2) == '{\n  "b": 1,\n  "a": 2\n}'


# --- nothing personal -------------------------------------------------------------------------------------------


def test_nothing_personal_is_published() -> None:
    # The facts cannot carry a person: no field of them is for people or contact details.
    notices = (TenderNotice, Lot, AwardCriterion, Party, OrgIdentifier, AwardNotice, BidStatistics, ContractNotice, Kpi,
               facts.Commitment)  # fmt: skip
    personal = ("person", "people", "email", "phone", "contact", "officer", "evaluator", "user", "author")
    for notice in notices:
        for field in dataclasses.fields(notice):
            assert not any(word in field.name for word in personal), (notice.__name__, field.name)
    releases = every_release()
    packages = [
        record_package(releases, uri="https://example.org/ocds/record", published_date=PUBLISHED,
                       publisher_name="tenderscore"),
        release_package(releases, uri="https://example.org/ocds/releases", published_date=PUBLISHED,
                        publisher_name="tenderscore"),
    ]  # fmt: skip
    text = "\n".join(dumps(package) for package in packages)
    for person in PEOPLE:
        assert person.lower() not in text.lower()
    assert "@" not in text and "contactPoint" not in text
    # The only names published are organisations': parties, the buyer, suppliers and the legal names.
    names: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("name", "legalName") and isinstance(item, str):
                    names.add(item)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(packages)
    criterion_and_unit_names = {"Price", "Delivery approach", "Social value: Local employment", "percent", "people"}
    assert names - criterion_and_unit_names == ORGANISATIONS | {"tenderscore"}


# --- packages and the compiled release ----------------------------------------------------------------------------


def test_the_release_package() -> None:
    releases = every_release()
    ogl = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    uri = "https://example.org/ocds/releases/PRB-2026-014"
    package = published(release_package(releases, uri=uri, published_date=at(15, 12), publisher_name="tenderscore",
                                         license=ogl))  # fmt: skip
    validate_release_package(package)
    assert package["version"] == "1.1" and package["publisher"] == {"name": "tenderscore"}
    assert package["publishedDate"] == "2026-12-15T09:00:00Z" and package["extensions"] == list(EXTENSIONS)
    assert [release["id"] for release in package["releases"]] == [release["id"] for release in releases]
    with pytest.raises(ValueError, match="appears twice"):
        release_package([releases[0], releases[0]], uri="https://example.org/p", published_date=PUBLISHED,
                        publisher_name="tenderscore")  # fmt: skip
    with pytest.raises(ValueError, match="at least one release"):
        release_package([], uri="https://example.org/p", published_date=PUBLISHED, publisher_name="tenderscore")


def test_the_record_package_compiles_a_withdrawn_award() -> None:
    tender, update, award, withdrawn = every_release()[:4]
    # given out of order: the record sorts by date, and the later awardUpdate wins
    package = published(record_package([withdrawn, award, update, tender], uri="https://example.org/ocds/record",
                                       published_date=at(30, 11, 11), publisher_name="tenderscore"))  # fmt: skip
    validate_record_package(package)
    (record,) = package["records"]
    assert record["ocid"] == OCID
    assert [release["id"] for release in record["releases"]] == [
        f"{OCID}-tender-1", f"{OCID}-tenderUpdate-1", f"{OCID}-award-1", f"{OCID}-awardUpdate-1"
    ]
    compiled = record["compiledRelease"]
    assert (compiled["id"], compiled["tag"], compiled["date"]) == (f"{OCID}-compiled", ["compiled"],
                                                                   "2026-11-30T11:00:00Z")  # fmt: skip
    (award,) = compiled["awards"]  # merged by id: one award, the latest status, the older fields kept
    assert award["status"] == "cancelled" and award["description"].startswith("The award decision was withdrawn")
    assert award["assessmentSummariesDateSent"] == "2026-11-23T15:20:00Z"
    assert compiled["tender"]["tenderPeriod"]["endDate"] == "2026-11-09T12:00:00Z"  # the tenderUpdate's deadline
    assert compiled["tender"]["status"] == "active"
    assert [party["id"] for party in compiled["parties"]] == [BUYER.key, WINNER.key, VCSE.key, SME.key]
    assert len(compiled["bids"]["statistics"]) == 3
    assert len(compiled["tender"]["lots"][0]["awardCriteria"]["criteria"]) == 3


def test_the_record_package_compiles_a_contract() -> None:
    releases = [every_release()[index] for index in (0, 2, 4)]
    package = published(record_package(releases, uri="https://example.org/ocds/record", published_date=at(14, 12),
                                       publisher_name="tenderscore"))  # fmt: skip
    validate_record_package(package)
    compiled = package["records"][0]["compiledRelease"]
    assert [award["status"] for award in compiled["awards"]] == ["active"]
    assert compiled["awards"][0]["standstillPeriod"]["endDate"] == "2026-12-03T00:00:00Z"
    assert [contract["id"] for contract in compiled["contracts"]] == [f"{OCID}-contract-3"]
    assert len(compiled["contracts"][0]["agreedMetrics"]) == 3
    assert compiled["tender"]["status"] == "complete"
    assert compiled["bids"]["statistics"][0]["value"] == 3  # from the award release, not repeated since


def test_records_are_one_per_contracting_process() -> None:
    other_tender = dataclasses.replace(TENDER, ocid="ocds-tndrsc-PRB-2026-015", reference="PRB-2026-015")
    releases = [
        tender_release(TENDER, release_id="tender-1", date=at(5, 10)),
        tender_release(other_tender, release_id="tender-1", date=at(6, 10)),  # same id, other process: allowed
        award_release(AWARD, release_id="award-1", date=PUBLISHED),
    ]
    package = published(record_package(releases, uri="https://example.org/ocds/records", published_date=PUBLISHED,
                                       publisher_name="tenderscore"))  # fmt: skip
    validate_record_package(package)
    assert [(record["ocid"], len(record["releases"])) for record in package["records"]] == [
        (OCID, 2), ("ocds-tndrsc-PRB-2026-015", 1)
    ]
    with pytest.raises(ValueError, match="different contracting processes"):
        compile_release(releases)


# --- the merge rules --------------------------------------------------------------------------------------------


def test_merge_rules() -> None:
    charity, company = {"scheme": "GB-CHC", "id": "9"}, {"scheme": "GB-COH", "id": "8"}
    old: dict[str, Any] = {
        "tender": {"title": "Old", "description": "Gone soon", "items": [{"description": "no id"}],
                   "lots": [{"id": "1", "title": "A", "value": {"amount": 1}}]},
        "parties": [{"id": "x", "roles": ["buyer"], "identifier": {"scheme": "GB-COH", "id": "1"},
                     "additionalIdentifiers": [charity, company]}],
    }  # fmt: skip
    new: dict[str, Any] = {
        "tender": {"description": None, "lots": [{"id": "2", "title": "B"}, {"id": "1", "title": "A2"}],
                   "items": [{"description": "replaced"}]},
        "parties": [{"id": "x", "roles": ["buyer", "payer"], "additionalIdentifiers": [charity]}],
    }  # fmt: skip
    before = json.dumps(old), json.dumps(new)
    merged = merge_object(old, new)
    assert (json.dumps(old), json.dumps(new)) == before  # neither input is changed
    assert merged["tender"] == {
        "title": "Old",  # objects merge key by key; null removed the description
        "lots": [{"id": "1", "title": "A2", "value": {"amount": 1}}, {"id": "2", "title": "B"}],  # merged by id
        "items": [{"description": "replaced"}],  # objects without ids: the list is replaced
    }
    (party,) = merged["parties"]
    assert party["roles"] == ["buyer", "payer"]  # strings: replaced
    assert party["identifier"] == {"scheme": "GB-COH", "id": "1"}
    assert party["additionalIdentifiers"] == [charity]  # wholeListMerge, though its items have ids
    merged["tender"]["lots"][0]["value"]["amount"] = 2  # the result shares nothing with its inputs
    merged["parties"][0]["additionalIdentifiers"][0]["id"] = "changed"
    assert (json.dumps(old), json.dumps(new)) == before


def test_equal_dates_keep_the_order_given_and_offsets_are_compared_as_instants() -> None:
    first = {"ocid": OCID, "id": "1", "date": "2026-11-23T16:00:00+01:00", "tag": ["tender"],
             "initiationType": "tender", "tender": {"id": "t", "title": "First"}}  # fmt: skip
    second = {**first, "id": "2", "date": "2026-11-23T15:30:00Z", "tender": {"id": "t", "title": "Second"}}
    third = {**first, "id": "3", "date": "2026-11-23T15:30:00Z", "tender": {"id": "t", "title": "Third"}}
    compiled = compile_release([third, second, first])  # first (15:00 UTC), then third and second as given
    assert compiled["tender"]["title"] == "Second" and compiled["date"] == "2026-11-23T15:30:00Z"
    assert list(compiled) == ["ocid", "id", "date", "tag", "initiationType", "tender"]
    compiled["tender"]["title"] = "Changed"
    assert second["tender"] == {"id": "t", "title": "Second"}  # the compiled release shares nothing with releases


def test_the_whole_list_fields_are_the_schemas() -> None:
    """The merge knows which lists the schema merges whole; the UK schema must agree, wherever the name occurs."""
    schema = json.loads((SHARED_OCDS / "release-schema-uk.json").read_text(encoding="utf-8"))
    flagged: dict[str, set[bool]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, definition in (node.get("properties") or {}).items():
                if isinstance(definition, dict) and ("items" in definition or definition.get("type") == "array"):
                    flagged.setdefault(name, set()).add(bool(definition.get("wholeListMerge")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    whole = {name for name, flags in flagged.items() if True in flags}
    assert whole == WHOLE_LIST_MERGE
    assert all(flagged[name] == {True} for name in WHOLE_LIST_MERGE)  # no same-named list merges by id elsewhere


def test_the_extensions_named_are_the_ones_validated_against() -> None:
    names = sorted(path.parent.name for path in (SHARED_OCDS / "extensions").glob("*/extension.json"))
    repos = {
        "awardCriteria": "ocds_awardCriteria_extension", "bid": "ocds_bid_extension",
        "communication": "ocds_communication_extension", "location": "ocds_location_extension",
        "lots": "ocds_lots_extension", "metrics": "ocds_metrics_extension",
        "otherRequirements": "ocds_otherRequirements_extension",
        "performance_failures": "ocds_performance_failures_extension",
        "subcontracting": "ocds_subcontracting_extension", "suitability": "ocds_suitability_extension",
        "techniques": "ocds_techniques_extension", "uk": "cabinetoffice/ocds_uk_extension",
    }  # fmt: skip
    assert sorted(repos) == names
    assert len(EXTENSIONS) == len(names)
    for name in names:
        assert sum(f"{repos[name]}/" in url for url in EXTENSIONS) == 1, name
    uk_dependencies = json.loads((SHARED_OCDS / "extensions" / "uk" / "extension.json").read_text())["dependencies"]
    assert set(uk_dependencies) <= set(EXTENSIONS)


def test_dates_are_instants_in_utc() -> None:
    summer = datetime(2026, 7, 1, 10, 30, tzinfo=facts.UK)
    release = tender_release(dataclasses.replace(TENDER, published_at=summer), release_id="r",
                             date=summer + timedelta(microseconds=250000))  # fmt: skip
    assert release["tender"]["tenderPeriod"]["startDate"] == "2026-07-01T09:30:00Z"
    assert release["date"] == "2026-07-01T09:30:00.250000Z"
    validate_release(published(release))


def test_the_package_imports_only_the_stdlib_simplejson_and_the_core() -> None:
    """Pure, like the core it builds from: the service layer passes facts in and stores the text it gets back."""
    package = Path(tenderscore.ocds.__file__).parent
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                continue  # a sibling module
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or top == "simplejson" or name.startswith("tenderscore.core")
                assert allowed, f"{path.name} imports {name}"
