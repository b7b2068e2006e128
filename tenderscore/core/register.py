"""The VCSE register's rules (docs/register.md): what an entry can say, when it stands verified, what counts.

Being a VCSE is declared, not registered anywhere official, so the register records two things: that an
organisation signed up (or was imported) with its identifiers, legal form, areas and services; and a buyer's
*verification*, a judgement on evidence with its reason, which lapses on a date. A tender's rule (from its policy)
says which partners count towards its VCSE share: every listed partner, registered ones, or verified ones only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Standing(StrEnum):
    """A named partner's standing on the register at a moment."""

    VERIFIED = "verified"  # registered, with a verification in force
    REGISTERED = "registered"  # registered, never verified or the verification lapsed or was withdrawn
    UNKNOWN = "unknown"  # the identifier is not on the register

    @property
    def words(self) -> str:
        return _STANDING_WORDS[self]


_STANDING_WORDS = {
    Standing.VERIFIED: "verified VCSE",
    Standing.REGISTERED: "registered but unverified",
    Standing.UNKNOWN: "unknown to the register",
}


class Counting(StrEnum):
    """Which named VCSE partners count towards a tender's VCSE share. Stricter rules come later in this order."""

    LISTED = "listed"  # every listed partner (tenders published before the register, and rubrics that say so)
    REGISTERED = "registered"  # partners on the register, verified or not
    VERIFIED = "verified"  # only partners whose verification is in force

    @property
    def words(self) -> str:
        return _COUNTING_WORDS[self]

    def counts(self, standing: Standing | None) -> bool:
        """Whether a partner of this ``standing`` counts (``None``: never looked up, counts only when listed does)."""
        if self is Counting.LISTED:
            return True
        if self is Counting.REGISTERED:
            return standing in (Standing.REGISTERED, Standing.VERIFIED)
        return standing is Standing.VERIFIED


_COUNTING_WORDS = {
    Counting.LISTED: "every partner listed",
    Counting.REGISTERED: "partners on the VCSE register, verified or not",
    Counting.VERIFIED: "verified VCSE partners only",
}
COUNTING_ORDER = tuple(Counting)


def stricter(a: Counting, b: Counting) -> Counting:
    """The stricter of two rules: a policy can make a tender's rule stricter, never looser."""
    return max(a, b, key=COUNTING_ORDER.index)


class Confirmation(StrEnum):
    """What a named partner said about its part in a bid."""

    AWAITING = "awaiting"  # asked, not answered (silence)
    CONFIRMED = "confirmed"
    REFUSED = "refused"  # the partner says the role or the £ is not what it agreed: a flag for the moderator
    NOT_ASKED = "not_asked"  # unknown to the register: nobody to ask

    @property
    def words(self) -> str:
        return _CONFIRMATION_WORDS[self]


_CONFIRMATION_WORDS = {
    Confirmation.AWAITING: "not yet answered",
    Confirmation.CONFIRMED: "confirmed",
    Confirmation.REFUSED: "refused",
    Confirmation.NOT_ASKED: "not asked (not on the register)",
}


@dataclass(frozen=True)
class Verification:
    """A buyer's verification of a register entry: in force from ``verified_at`` until ``expires_at`` (exclusive),
    or until ``ended_at`` if it was withdrawn earlier."""

    verified_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None

    def in_force(self, at: datetime) -> bool:
        end = self.expires_at if self.ended_at is None else min(self.expires_at, self.ended_at)
        return self.verified_at <= at < end


def standing_at(joined_at: datetime | None, verifications: Iterable[Verification], at: datetime) -> Standing:
    """The standing at ``at`` of an organisation that joined the register at ``joined_at`` (``None``: never)."""
    if joined_at is None or joined_at > at:
        return Standing.UNKNOWN
    if any(v.in_force(at) for v in verifications):
        return Standing.VERIFIED
    return Standing.REGISTERED


# What an entry can say. Codes are stored; the words are shown. Extending a list needs no migration.
LEGAL_FORMS: dict[str, str] = {
    "charity": "Registered charity (trust or unincorporated association)",
    "cio": "Charitable incorporated organisation (CIO or SCIO)",
    "charitable_company": "Charitable company limited by guarantee",
    "clg": "Company limited by guarantee (not a charity)",
    "cic": "Community interest company (CIC)",
    "cbs": "Community benefit society",
    "cooperative": "Co-operative society",
    "mutual": "Other mutual or social enterprise",
    "community_group": "Community group or unincorporated association",
}

SERVICES: dict[str, str] = {
    # the seven reducing-reoffending pathways
    "accommodation": "Accommodation",
    "ete": "Education, training and employment",
    "health": "Health",
    "drugs_alcohol": "Drugs and alcohol",
    "finance_benefit_debt": "Finance, benefit and debt",
    "children_families": "Children and families",
    "attitudes_thinking_behaviour": "Attitudes, thinking and behaviour",
    # housing and anti-social behaviour
    "housing_support": "Housing and tenancy sustainment",
    "asb": "Anti-social behaviour",
    "restorative_justice": "Restorative justice",
    "victims": "Support for victims",
    "women": "Services for women",
    "mentoring": "Mentoring and peer support",
    "unpaid_work": "Unpaid work placements",
}

AREAS: dict[str, str] = {
    # the probation regions of England and Wales, then the other nations
    "north-east": "North East",
    "north-west": "North West",
    "greater-manchester": "Greater Manchester",
    "yorkshire-humber": "Yorkshire and the Humber",
    "east-midlands": "East Midlands",
    "west-midlands": "West Midlands",
    "east-of-england": "East of England",
    "london": "London",
    "kent-surrey-sussex": "Kent, Surrey and Sussex",
    "south-central": "South Central",
    "south-west": "South West",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
