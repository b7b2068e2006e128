"""Step 4 of the evaluation: ranking the compliant bids with the tender's published tie-break order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from .points import Tally
from .rubric import Rubric, SectionCategory, TieBreak

RankKey = tuple[Fraction, ...]
"""A bid's standing, from exact values; the smaller key ranks higher."""


def rank_key(
    total: Fraction,
    quality: Fraction,
    social_value: Fraction,
    price: Decimal | None,
    tie_break: Sequence[TieBreak],
) -> RankKey:
    """The key ``competition_ranks`` orders by: the total, then each published tie-break key in order."""
    key = [-total]
    for rule in tie_break:
        if rule is TieBreak.QUALITY:
            key.append(-quality)
        elif rule is TieBreak.SOCIAL_VALUE:
            key.append(-social_value)
        elif price is None:
            key += [Fraction(1), Fraction(0)]  # no price sorts after any price
        else:
            key += [Fraction(0), Fraction(price)]
    return tuple(key)


def tally_key(rubric: Rubric, tally: Tally, price: Decimal | None) -> RankKey:
    """The rank key of a compliant bid's tally."""
    return rank_key(
        tally.exact_total,
        tally.exact_category(rubric, SectionCategory.QUALITY),
        tally.exact_category(rubric, SectionCategory.SOCIAL_VALUE),
        price,
        rubric.tie_break,
    )


def competition_ranks(keys: Mapping[str, RankKey]) -> dict[str, int]:
    """Rank bids, best first, by total points and then the published tie-break order.

    Rules, applied to exact values (never to rounded or displayed ones):

    1. More total points ranks higher.
    2. Equal totals are separated by the tender's ``tie_break`` keys, one after another, in the published order
       (default: quality, social_value, price):
       ``quality`` - more points from quality sections first; ``social_value`` - more points from social-value
       sections first; ``price`` - the lower total price first (a bid without a price comes after one with a
       price; that only arises in a rubric without a price criterion).
    3. Bids still equal on every key share a rank, and the next rank skips the places they fill ("competition
       ranking": 1, 1, 3).

    ``keys`` holds compliant bids only: an excluded bid is never ranked.
    """
    ordered = sorted(keys.items(), key=lambda item: item[1])
    ranks: dict[str, int] = {}
    previous: RankKey | None = None
    rank = 0
    for position, (bid_id, key) in enumerate(ordered, start=1):
        if key != previous:
            rank, previous = position, key
        ranks[bid_id] = rank
    return ranks
