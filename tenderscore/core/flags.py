"""Flags for the officer: abnormally low prices, evaluator spreads, missing consensus, VCSE share disagreement.

A flag never changes points, compliance or rank; it says what to look at before a decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .numbers import ZERO, display, median, money, plain, plural
from .register import Confirmation, Counting
from .responses import BidResponse, ScoreKey
from .results import Flag, FlagCode
from .rubric import Criterion, CriterionKind, Rubric
from .vcse import describe_not_counted, not_counted, share_counted, vcse_share, vcse_share_disagreement

SPREAD_STEPS = 2  # two or more scale steps apart is flagged (docs/scoring.md, "Consensus and the spread flag")


def price_criterion(rubric: Rubric) -> Criterion | None:
    """The rubric's price criterion, if it has one (a valid rubric has at most one)."""
    return next(iter(rubric.of_kind(CriterionKind.PRICE)), None)


def abnormally_low_flags(rubric: Rubric, compliant: Sequence[BidResponse]) -> dict[str, Flag]:
    """Compliant bids priced below the published share of the compliant median price, by bid id."""
    criterion = price_criterion(rubric)
    prices = [b.price for b in compliant if b.price is not None]
    if criterion is None or not prices:
        return {}
    share = criterion.abnormally_low_share or rubric.default_abnormally_low_share
    middle = median(prices)
    threshold = share * middle
    flags: dict[str, Flag] = {}
    for bid in compliant:
        if bid.price is not None and bid.price < threshold:
            flags[bid.bid_id] = Flag(
                FlagCode.ABNORMALLY_LOW_PRICE,
                criterion.id,
                f"The price {money(bid.price)} is below {plain(share * 100)}% of the median compliant price "
                f"{money(middle)}, that is below {money(threshold)}; ask the bidder to explain it before any decision.",
            )
    return flags


def score_spread(scores: Sequence[int]) -> int:
    """How many scale steps separate the highest and lowest of the evaluators' scores (0 for fewer than two)."""
    return max(scores) - min(scores) if len(scores) >= 2 else 0


def needs_discussion(scores: Sequence[int]) -> bool:
    """A spread of ``SPREAD_STEPS`` or more between evaluators is flagged for discussion (docs/scoring.md)."""
    return score_spread(scores) >= SPREAD_STEPS


def spread_flags(rubric: Rubric, bid_id: str, panels: Mapping[ScoreKey, Sequence[int]]) -> list[Flag]:
    """Criteria where this bid's evaluators differ by ``SPREAD_STEPS`` or more steps of the scale."""
    flags: list[Flag] = []
    for criterion in rubric.criteria:
        given = panels.get((bid_id, criterion.id), ())
        if not needs_discussion(given):
            continue
        flags.append(
            Flag(
                FlagCode.EVALUATOR_SPREAD,
                criterion.id,
                f"Evaluators' scores for '{criterion.title}' range from {min(given)} to {max(given)} "
                f"({max(given) - min(given)} steps apart); discuss them before recording the consensus.",
            )
        )
    return flags


def missing_consensus_flags(rubric: Rubric, missing: Sequence[str]) -> list[Flag]:
    """One flag per scored criterion still without consensus: its points count as 0 meanwhile."""
    return [
        Flag(
            FlagCode.CONSENSUS_MISSING,
            criterion_id,
            f"No consensus score has been recorded for '{rubric.criterion(criterion_id).title}'; it counts as 0 "
            "until it is, and the result is provisional.",
        )
        for criterion_id in missing
    ]


def vcse_flag(rubric: Rubric, bid: BidResponse) -> Flag | None:
    """Flag a stated VCSE share that the listed partners' £ do not bear out."""
    if rubric.vcse_criterion is None or bid.price is None or bid.price <= ZERO:
        return None
    stated = bid.commitments.get(rubric.vcse_criterion)
    if stated is None:
        return None
    message = vcse_share_disagreement(stated, bid.vcse_partners, bid.price)
    if message is None:
        return None
    return Flag(FlagCode.VCSE_SHARE_DISAGREEMENT, rubric.vcse_criterion, message)


def bid_vcse_share(rubric: Rubric, bid: BidResponse) -> Decimal | None:
    """The bid's computed VCSE share, when it has a positive price and either partners or a VCSE criterion."""
    if bid.price is None or bid.price <= ZERO:
        return None
    if not bid.vcse_partners and rubric.vcse_criterion is None:
        return None
    return vcse_share(bid.vcse_partners, bid.price)


def partner_flags(rubric: Rubric, bid: BidResponse, *, excluded: bool) -> list[Flag]:
    """What the moderator must see about the named VCSE partners (docs/register.md, "Confirmations"):

    * ``vcse_partners_not_counted`` - a compliant bid's partners include some that do not count under the rubric's
      rule, so its VCSE share is scored lower than stated (an excluded bid's exclusion already says so);
    * ``vcse_partner_refused`` - a partner said the role or the £ is not what it agreed, one flag per partner;
    * ``vcse_partner_unconfirmed`` - partners asked to confirm have not answered.
    """
    flags: list[Flag] = []
    criterion = rubric.vcse_criterion
    stated = bid.commitments.get(criterion or "")
    counting = Counting(rubric.vcse_counting)
    left_out = not_counted(bid.vcse_partners, counting)
    if not excluded and left_out and stated is not None and bid.price is not None and bid.price > ZERO:
        scored = share_counted(stated, bid.vcse_partners, bid.price, counting)
        flags.append(
            Flag(
                FlagCode.VCSE_PARTNERS_NOT_COUNTED,
                criterion,
                f"Under this tender's rule ({counting.words}) these partners do not count: "
                f"{describe_not_counted(left_out)}. The VCSE share is scored as {display(scored)}%, not the "
                f"{plain(stated)}% stated.",
            )
        )
    for partner in bid.vcse_partners:
        if partner.confirmation == Confirmation.REFUSED:
            flags.append(
                Flag(
                    FlagCode.VCSE_PARTNER_REFUSED,
                    criterion,
                    f"{partner.label} refused the part this bid gives it ({money(partner.value_gbp)}"
                    f"{f', {partner.role}' if partner.role else ''}); ask the bidder before any decision.",
                )
            )
    waiting = [p.label for p in bid.vcse_partners if p.confirmation == Confirmation.AWAITING]
    if waiting:
        flags.append(
            Flag(
                FlagCode.VCSE_PARTNER_UNCONFIRMED,
                criterion,
                f"{plural(len(waiting), 'partner')} asked to confirm {'its' if len(waiting) == 1 else 'their'} "
                f"part {'has' if len(waiting) == 1 else 'have'} not answered: {', '.join(waiting)}.",
            )
        )
    return flags
