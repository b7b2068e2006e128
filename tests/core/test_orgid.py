"""Organisation identifiers in the org-id scheme: each register's form, normalised or refused with the form."""

from __future__ import annotations

import pytest

from tenderscore.core.orgid import OrgId, OrgIdError, orgid, parse_orgid


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("GB-CHC-1123456", "GB-CHC-1123456"),
        ("gb-chc- 220949", "GB-CHC-220949"),
        ("GB-SC-sc012345", "GB-SC-SC012345"),
        ("GB-NIC-100123", "GB-NIC-100123"),
        ("GB-NIC-NIC100123", "GB-NIC-100123"),
        ("GB-COH-01234567", "GB-COH-01234567"),
        ("GB-COH-SC123456", "GB-COH-SC123456"),
        ("GB-COH-OC301234", "GB-COH-OC301234"),
        ("GB-COH-ce000123", "GB-COH-CE000123"),
        ("GB-MPR-30421R", "GB-MPR-30421R"),
        ("GB-MPR-RS007123", "GB-MPR-RS007123"),
        ("GB-MPR-IP28283R", "GB-MPR-IP28283R"),
    ],
)
def test_valid_identifiers_are_normalised(typed: str, expected: str) -> None:
    assert str(parse_orgid(typed)) == expected


def test_a_company_number_a_spreadsheet_stripped_of_its_zeros_is_padded_back() -> None:
    assert orgid("GB-COH", 1234567) == OrgId("GB-COH", "01234567")
    assert orgid("GB-COH", 1234567.0) == OrgId("GB-COH", "01234567")
    assert orgid("GB-CHC", 1123456.0) == OrgId("GB-CHC", "1123456")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("GB-CHC-12345", "GB-CHC numbers are 6 or 7 digits, such as GB-CHC-1123456"),
        ("GB-CHC-SC012345", "SC numbers are Scottish charities: GB-SC-SC012345"),
        ("GB-SC-012345", "GB-SC numbers are SC and 6 digits, such as GB-SC-SC012345"),
        ("GB-NIC-099999", "GB-NIC numbers are a number from 100000"),
        ("GB-COH-1234567X", "GB-COH numbers are 8 characters"),
        ("GB-COH-QQ123456", "GB-COH numbers are 8 characters"),
        ("GB-MPR-ABC", "GB-MPR numbers are the society number"),
        ("GB-XYZ-123", "'GB-XYZ' is not a register we accept: use GB-CHC, GB-SC, GB-NIC, GB-COH, GB-MPR"),
        ("1123456", "write the register's code and the number, such as GB-CHC-1123456"),
        ("", "is not an organisation identifier"),
    ],
)
def test_malformed_identifiers_are_refused_with_the_expected_form(typed: str, words: str) -> None:
    with pytest.raises(OrgIdError) as caught:
        parse_orgid(typed)
    assert words in str(caught.value)


def test_true_false_and_nothing_are_not_identifiers() -> None:
    for value in (True, None):
        with pytest.raises(OrgIdError, match="enter an identifier"):
            parse_orgid(value)
