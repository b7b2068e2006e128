"""What an evaluation returns: per bid, compliance with every reason, points, sub-totals, total, rank and flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from .responses import ScoreKey
from .rubric import SectionCategory


class ExclusionCode(StrEnum):
    """Why a gate excluded a bid (docs/scoring.md, "Gates and mandatory thresholds")."""

    DECLARATION_MISSING = "declaration_missing"  # pass/fail question left unanswered
    DECLARATION_FAILED = "declaration_failed"  # pass/fail question answered the wrong way
    COMMITMENT_MISSING = "commitment_missing"  # no value for a commitment with a mandatory minimum
    COMMITMENT_BELOW_MINIMUM = "commitment_below_minimum"
    COMMITMENT_NEGATIVE = "commitment_negative"
    QUALITY_BELOW_MINIMUM = "quality_below_minimum"  # consensus below a scored criterion's minimum
    PRICE_MISSING = "price_missing"
    PRICE_NOT_POSITIVE = "price_not_positive"
    # the VCSE minimum is met only through partners that do not count under the rubric's rule
    VCSE_PARTNERS_NOT_COUNTED = "vcse_partners_not_counted"


class FlagCode(StrEnum):
    """Things an officer should look at. A flag never changes points, compliance or rank."""

    ABNORMALLY_LOW_PRICE = "abnormally_low_price"
    EVALUATOR_SPREAD = "evaluator_spread"
    CONSENSUS_MISSING = "consensus_missing"
    VCSE_SHARE_DISAGREEMENT = "vcse_share_disagreement"
    VCSE_PARTNERS_NOT_COUNTED = "vcse_partners_not_counted"  # some partners don't count: the share is scored lower
    VCSE_PARTNER_REFUSED = "vcse_partner_refused"  # a named partner refused its role or £: for the moderator
    VCSE_PARTNER_UNCONFIRMED = "vcse_partner_unconfirmed"  # a named partner has not answered


@dataclass(frozen=True)
class Exclusion:
    """One failed gate, in words the bidder understands, naming the criterion and the numbers."""

    criterion_id: str
    reason: str
    code: ExclusionCode


@dataclass(frozen=True)
class Flag:
    """A point for the officer's attention; ``criterion_id`` is ``None`` when it concerns the whole bid."""

    code: FlagCode
    criterion_id: str | None
    message: str


@dataclass(frozen=True)
class BidResult:
    """One bid's outcome.

    An excluded bid earns nothing: every criterion, section and category is 0, the total is 0 and ``rank`` is
    ``None``, because the relative formulas are defined over the compliant set only. Its ``exclusions`` list every
    failed gate. ``scores`` holds the consensus scores used (scored criteria that have one). ``vcse_share`` is the
    percentage of the price delivered through the listed VCSE partners, or ``None`` when it does not apply.
    """

    bid_id: str
    bidder: str
    compliant: bool
    exclusions: tuple[Exclusion, ...]
    points: Mapping[str, Decimal]
    section_points: Mapping[str, Decimal]
    category_points: Mapping[SectionCategory, Decimal]
    total: Decimal
    rank: int | None
    flags: tuple[Flag, ...]
    price: Decimal | None
    vcse_share: Decimal | None
    scores: Mapping[str, int]

    def flagged(self, code: FlagCode) -> tuple[Flag, ...]:
        """This bid's flags of one kind."""
        return tuple(f for f in self.flags if f.code is code)


@dataclass(frozen=True)
class Evaluation:
    """All bids' results: ranked compliant bids in rank order, then excluded bids.

    Within a shared rank, and among excluded bids, results are ordered by ``bid_id`` so the output never depends
    on the order bids were given in. ``provisional`` is true while any scored criterion of a compliant bid lacks a
    consensus score (listed in ``missing_consensus``); those points count as 0 meanwhile.
    """

    results: tuple[BidResult, ...]
    provisional: bool
    missing_consensus: tuple[ScoreKey, ...]

    @cached_property
    def _by_id(self) -> dict[str, BidResult]:
        return {r.bid_id: r for r in self.results}

    def result(self, bid_id: str) -> BidResult:
        """The result of one bid; ``KeyError`` if no such bid was evaluated."""
        return self._by_id[bid_id]

    @property
    def ranked(self) -> tuple[BidResult, ...]:
        """Compliant bids in rank order."""
        return tuple(r for r in self.results if r.compliant)

    @property
    def excluded(self) -> tuple[BidResult, ...]:
        """Excluded bids, each with every reason."""
        return tuple(r for r in self.results if not r.compliant)

    @property
    def leaders(self) -> tuple[BidResult, ...]:
        """The bids ranked first: one, several sharing first place, or none when no bid is compliant."""
        return tuple(r for r in self.results if r.rank == 1)

    @property
    def winner(self) -> BidResult | None:
        """The single first-ranked bid of a final result.

        ``None`` while the result is provisional, when no bid is compliant, and when bids share first place: a tie
        the published tie-break order could not separate is for the officer to resolve, not for the software.
        """
        leaders = self.leaders
        if self.provisional or len(leaders) != 1:
            return None
        return leaders[0]
