"""What bidders committed to and what the moderators agreed: the inputs to an evaluation besides the rubric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class VcsePartner:
    """A voluntary, community or social enterprise organisation delivering part of the contract."""

    name: str
    value_gbp: Decimal
    identifier: str | None = None  # org-id, e.g. "GB-CHC-1123456" (core/orgid.py)
    role: str | None = None  # what the partner will deliver, in the bidder's words
    pathway: str | None = None  # the service or pathway it serves
    # Looked up by the caller: the register standing (a core.register.Standing value; None: not looked up) and what
    # the partner said when asked to confirm its part (a core.register.Confirmation value; None: not asked).
    standing: str | None = None
    confirmation: str | None = None

    @property
    def label(self) -> str:
        """``Name (GB-CHC-1123456)``, as a message names the partner."""
        return f"{self.name} ({self.identifier})" if self.identifier else self.name


@dataclass(frozen=True)
class BidResponse:
    """One bidder's validated answers for one tender.

    ``price`` is the total computed by tenderscore from the pricing lines, never a spreadsheet's cached total.
    """

    bid_id: str
    bidder: str
    declarations: Mapping[str, bool] = field(default_factory=dict)  # pass_fail criterion id -> answer
    commitments: Mapping[str, Decimal] = field(default_factory=dict)  # commitment criterion id -> value
    price: Decimal | None = None
    answers: Mapping[str, str] = field(default_factory=dict)  # scored criterion id -> the bidder's text
    vcse_partners: tuple[VcsePartner, ...] = ()


@dataclass(frozen=True)
class Consensus:
    """The moderated score of one scored criterion for one bid: a whole step of the scale, with its reason."""

    score: int
    reason: str = ""


ScoreKey = tuple[str, str]  # (bid_id, criterion_id)
