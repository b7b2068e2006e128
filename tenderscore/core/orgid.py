"""Organisation identifiers in the org-id scheme (docs/register.md, "Identifiers"): ``GB-CHC-1123456``.

An identifier is a register's code and that register's number for the organisation. Five registers are accepted,
the ones UK voluntary organisations and their partners are on; each number's form is checked, and a malformed one is
refused with the form the register uses, so a bidder or officer can correct it without looking anything up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Companies House's register prefixes (SC Scotland, NI Northern Ireland, OC LLPs, CE/CS CIOs...): two characters + 6
COMPANY_PREFIXES = frozenset(
    "AC CE CS ES FC FE GE GN GS IC IP LP NA NC NF NI NL NO NP NR NV NZ OC OE PC R0 RC RS SA SC SE SF SG SI SL SO "
    "SP SR SZ ZC".split()
)


@dataclass(frozen=True)
class Scheme:
    code: str
    register: str
    expected: str  # the number's form, as the error message and the form's hint state it
    example: str


SCHEMES: tuple[Scheme, ...] = (
    Scheme("GB-CHC", "Charity Commission for England and Wales", "6 or 7 digits", "GB-CHC-1123456"),
    Scheme("GB-SC", "Scottish Charity Regulator (OSCR)", "SC and 6 digits", "GB-SC-SC012345"),
    Scheme(
        "GB-NIC",
        "Charity Commission for Northern Ireland",
        "a number from 100000 (NIC may precede it)",
        "GB-NIC-100123",
    ),  # fmt: skip
    Scheme(
        "GB-COH",
        "Companies House",
        "8 characters: 8 digits, or a prefix such as SC, NI or OC and 6 digits",
        "GB-COH-01234567",
    ),  # fmt: skip
    Scheme(
        "GB-MPR",
        "Mutuals Public Register",
        "the society number: digits ending R or C (30421R), or RS and 6 digits",
        "GB-MPR-30421R",
    ),  # fmt: skip
)
SCHEME_CODES = tuple(s.code for s in SCHEMES)
_BY_CODE = {s.code: s for s in SCHEMES}

_NUMBER = {
    "GB-CHC": re.compile(r"[0-9]{6,7}"),
    "GB-SC": re.compile(r"SC[0-9]{6}"),
    "GB-NIC": re.compile(r"[1-9][0-9]{5}"),
    "GB-COH": re.compile(r"[0-9]{8}|(?P<prefix>[A-Z][A-Z0-9])[0-9]{6}"),
    "GB-MPR": re.compile(r"(IP)?[0-9]{1,6}[RC]|RS[0-9]{6}"),
}
_FULL = re.compile(r"(?P<scheme>[A-Z]{2}-[A-Z]{2,8})-(?P<number>.+)")


class OrgIdError(ValueError):
    """A malformed or unknown identifier; the message says what a valid one looks like."""


@dataclass(frozen=True, order=True)
class OrgId:
    """``scheme`` (``GB-CHC``) and the register's ``number`` (``1123456``), both in their canonical form."""

    scheme: str
    number: str

    def __str__(self) -> str:
        return f"{self.scheme}-{self.number}"

    @property
    def register(self) -> str:
        return _BY_CODE[self.scheme].register


def scheme(code: str) -> Scheme:
    """The scheme called ``code``; ``OrgIdError`` naming the accepted ones otherwise."""
    found = _BY_CODE.get(code.strip().upper())
    if found is None:
        raise OrgIdError(f"{code.strip()!r} is not a register we accept: use {_listed()}")
    return found


def parse_orgid(value: object) -> OrgId:
    """``GB-CHC-1123456`` (spaces and case forgiven) as an ``OrgId``; raises ``OrgIdError`` saying what is wrong."""
    if isinstance(value, bool) or value is None:
        raise OrgIdError(f"enter an identifier such as GB-CHC-1123456; the register's code first ({_listed()})")
    text = re.sub(r"\s+", "", str(value)).upper()
    match = _FULL.fullmatch(text)
    if match is None:
        raise OrgIdError(
            f"{str(value).strip()!r} is not an organisation identifier: write the register's code and the number, "
            f"such as GB-CHC-1123456 for a charity in England and Wales or GB-COH-01234567 for a company "
            f"({_listed()})"
        )
    return orgid(match["scheme"], match["number"])


def orgid(code: str, number: object) -> OrgId:
    """The identifier ``number`` in scheme ``code``, checked and in canonical form; raises ``OrgIdError``."""
    found = scheme(code)
    if isinstance(number, bool) or number is None:
        raise OrgIdError(f"{found.code}: enter the number: {found.expected}, such as {found.example}")
    if isinstance(number, float) and number.is_integer():
        number = int(number)  # a number typed into a General cell comes back as 1123456.0
    text = re.sub(r"\s+", "", str(number)).upper()
    if found.code == "GB-COH" and text.isascii() and text.isdigit() and len(text) < 8:
        text = text.zfill(8)  # the leading zeros a spreadsheet drops
    if found.code == "GB-NIC" and text.startswith("NIC"):
        text = text[3:]  # the published form NIC100123 is the number 100123
    pattern = _NUMBER[found.code].fullmatch(text)
    if pattern is None or (found.code == "GB-COH" and pattern.group("prefix") not in (None, *COMPANY_PREFIXES)):
        raise OrgIdError(f"{found.code}-{text} is not a {found.register} number: {found.code} numbers are "
                         f"{found.expected}, such as {found.example}{_hint(found.code, text)}")  # fmt: skip
    return OrgId(found.code, text)


def _hint(code: str, text: str) -> str:
    if code == "GB-CHC" and text.startswith("SC"):
        return f"; SC numbers are Scottish charities: GB-SC-{text}"
    if code == "GB-CHC" and text.startswith("NIC"):
        return f"; NIC numbers are Northern Irish charities: GB-NIC-{text[3:]}"
    return ""


def _listed() -> str:
    return ", ".join(SCHEME_CODES)
