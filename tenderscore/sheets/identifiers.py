"""Charity and company numbers as bidders type them: normalised, or refused with what a valid one looks like."""

from __future__ import annotations

import re

# England & Wales: 6-8 digits; Scotland: SC + 6 digits; Northern Ireland: NIC + 6 digits (the registers' formats)
_CHARITY = re.compile(r"[0-9]{6,8}|SC[0-9]{6}|NIC[0-9]{6}")
# Companies House: 8 digits, or a two-character register prefix + 6 digits
COMPANY_PREFIXES = frozenset(
    "AC CE CS ES FC FE GE GN GS IC IP LP NA NC NF NI NL NO NP NR NV NZ OC OE PC R0 RC RS SA SC SE SF SG SI SL SO "
    "SP SR SZ ZC".split()
)
_COMPANY = re.compile(r"[0-9]{8}|(?P<prefix>[A-Z][A-Z0-9])[0-9]{6}")

CHARITY_HELP = "a charity number is 6 to 8 digits (England and Wales), SC + 6 digits (Scotland) or NIC + 6 digits"
COMPANY_HELP = "a company number is 8 characters: 8 digits, or a prefix such as SC, NI or OC and 6 digits"


class IdentifierError(ValueError):
    """A malformed charity or company number; the message says what a valid one looks like."""


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        raise IdentifierError("enter the number as text, not TRUE/FALSE")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a General cell comes back as 1234567.0
    return re.sub(r"\s+", "", str(value)).upper()


def normalise_charity_number(value: object) -> str:
    """The charity number in ``value``, upper case without spaces; raises ``IdentifierError``."""
    text = _as_text(value)
    if not _CHARITY.fullmatch(text):
        raise IdentifierError(f"{str(value).strip()!r} is not a charity number: {CHARITY_HELP}")
    return text


def normalise_company_number(value: object) -> str:
    """The company number in ``value``, 8 characters; raises ``IdentifierError``.

    A number typed into a General cell loses its leading zeros (``01234567`` comes back as ``1234567``), so a
    purely numeric value of up to 8 digits is padded back to 8.
    """
    text = _as_text(value)
    if text.isascii() and text.isdigit() and len(text) < 8 and not isinstance(value, str):
        text = text.zfill(8)
    match = _COMPANY.fullmatch(text)
    if not match or (match.group("prefix") and match.group("prefix") not in COMPANY_PREFIXES):
        raise IdentifierError(f"{str(value).strip()!r} is not a company number: {COMPANY_HELP}")
    return text
