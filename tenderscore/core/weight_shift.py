"""Sensitivity (a): the smallest transfer of weight between two sections that changes who is ranked first.

Moving ``t`` points of weight from a donor section D to a recipient section R scales D's criteria by
``(W_D - t) / W_D`` and R's by ``(W_R + t) / W_R``. A bid's points there become ``P_D (1 - t/W_D)`` and
``P_R (1 + t/W_R)``; compliance and every method's fraction stay as they were. So each bid's total, and each of
its tie-break keys, is a straight line in ``t``, and the point where a bid draws level with the leader is solved
exactly, with fractions, instead of searched for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .evaluate import Scoring
from .numbers import to_decimal
from .rubric import Rubric, Section, SectionCategory, TieBreak

Line = tuple[Fraction, Fraction]  # (value at t = 0, change per point of weight moved); higher is better


@dataclass(frozen=True)
class WeightShift:
    """The smallest transfer of weight that changes the first-ranked bid(s).

    ``points`` is the threshold, in points of weight (out of 100). When ``beyond`` is false, moving exactly
    ``points`` already makes the change; when true, only moving more than ``points`` does (at ``points`` itself the
    bids are level on total and the published tie-break still favours the leader). ``points`` is 0 with ``beyond``
    when any transfer at all, however small, makes the change (bids sharing first place part company).
    """

    from_section: str
    to_section: str
    points: Decimal
    beyond: bool
    leaders_before: tuple[str, ...]
    leaders_after: tuple[str, ...]


@dataclass(frozen=True)
class _Crossing:
    t: Fraction
    beyond: bool
    bid_ids: frozenset[str]

    def order(self) -> tuple[Fraction, bool]:
        return self.t, self.beyond


@dataclass(frozen=True)
class _Standing:
    """A compliant bid as sensitivity sees it: its rank key turned higher-is-better, and each section's share."""

    values: tuple[Fraction, ...]  # -rank key, in the order rank_key compares
    shares: dict[str, Fraction]  # section id -> points earned there / the section's weight


def smallest_weight_shift(rubric: Rubric, scoring: Scoring) -> WeightShift | None:
    """The smallest transfer, over every ordered pair of sections with weight, within ``0 < t <= W_donor``.

    ``scoring`` is the final result's. ``None`` when no transfer within the published ranges changes the bids
    ranked first. Equal transfers go to the earlier donor, then recipient, in the rubric's order.
    """
    leaders = sorted(b for b, rank in scoring.ranks.items() if rank == 1)
    weighted = [s for s in rubric.sections if s.weight > 0]
    if not leaders or len(scoring.tallies) < 2 or len(weighted) < 2:
        return None
    standings = {
        b: _Standing(
            tuple(-k for k in scoring.keys[b]),
            {s.id: t.exact_sections[s.id] / Fraction(s.weight) for s in weighted},
        )
        for b, t in scoring.tallies.items()
    }
    best: tuple[tuple[Fraction, bool], WeightShift] | None = None
    for donor in weighted:
        for recipient in weighted:
            if donor is recipient:
                continue
            lines = _Lines(rubric, standings, donor, recipient)
            crossing = _first_crossing(lines, leaders, Fraction(donor.weight), best[0] if best else None)
            if crossing is None:
                continue
            after = _leaders_at(lines, set(leaders) | crossing.bid_ids, crossing.t, crossing.beyond)
            shift = WeightShift(
                donor.id, recipient.id, to_decimal(crossing.t), crossing.beyond, tuple(sorted(leaders)), after
            )
            best = (crossing.order(), shift)
    return best[1] if best else None


class _Lines:
    """Each bid's rank key as straight lines in t for one donor and recipient, higher is better."""

    def __init__(self, rubric: Rubric, standings: Mapping[str, _Standing], donor: Section, recipient: Section):
        self.rubric, self.standings, self.donor, self.recipient = rubric, standings, donor, recipient

    def total(self, bid_id: str) -> Line:
        """The total alone: enough to rule most bids out."""
        standing = self.standings[bid_id]
        return standing.values[0], standing.shares[self.recipient.id] - standing.shares[self.donor.id]

    def every_key(self, bid_id: str) -> list[Line]:
        standing = self.standings[bid_id]
        slopes = [self.total(bid_id)[1]]
        for rule in self.rubric.tie_break:
            if rule is TieBreak.QUALITY:
                slopes.append(self._category_slope(standing, SectionCategory.QUALITY))
            elif rule is TieBreak.SOCIAL_VALUE:
                slopes.append(self._category_slope(standing, SectionCategory.SOCIAL_VALUE))
            else:
                slopes += [Fraction(0), Fraction(0)]  # price does not move with weight
        return list(zip(standing.values, slopes, strict=True))

    def _category_slope(self, standing: _Standing, category: SectionCategory) -> Fraction:
        into = standing.shares[self.recipient.id] if self.recipient.category is category else Fraction(0)
        out = standing.shares[self.donor.id] if self.donor.category is category else Fraction(0)
        return into - out


def _first_crossing(
    lines: _Lines, leaders: Sequence[str], limit: Fraction, bound: tuple[Fraction, bool] | None
) -> _Crossing | None:
    """The smallest t (before ``bound``) at which the leaders stop being exactly the bids ranked first."""
    best: _Crossing | None = None
    for i, first in enumerate(leaders):
        for other in leaders[i + 1 :]:
            if lines.every_key(first) != lines.every_key(other):
                # level on every key now, parting on one as soon as any weight moves
                best = _Crossing(Fraction(0), True, frozenset())
    lead_value, lead_slope = lines.total(leaders[0])
    for bid_id in lines.standings:
        if bid_id in leaders:
            continue
        value, slope = lines.total(bid_id)
        gap, closing = lead_value - value, lead_slope - slope
        limit_here = min(limit, bound[0]) if bound else limit
        if gap > 0 and (closing >= 0 or gap > limit_here * -closing):
            continue  # never level on total within reach
        found = _overtakes(lines.every_key(leaders[0]), lines.every_key(bid_id), limit)
        if found is None or (bound is not None and found > bound):
            continue
        if best is None or found < best.order():
            best = _Crossing(found[0], found[1], frozenset({bid_id}))
        elif found == best.order():
            best = _Crossing(found[0], found[1], best.bid_ids | {bid_id})
    if best is not None and bound is not None and best.order() >= bound:
        return None
    return best


def _overtakes(leader: list[Line], other: list[Line], limit: Fraction) -> tuple[Fraction, bool] | None:
    """The smallest ``t`` in ``(0, limit]`` at which ``leader`` is no longer strictly ahead of ``other``.

    Returns ``(t, beyond)``: ``beyond`` means only ``t`` exceeded makes it so. At t = 0 the leader is ahead: on the
    first key where the two differ, its value is higher.
    """
    for index, ((lead_value, lead_slope), (value, slope)) in enumerate(zip(leader, other, strict=True)):
        gap, closing = lead_value - value, lead_slope - slope
        if gap == 0 and closing == 0:
            continue  # level on this key at every t: a later key decides
        if gap == 0:
            # level here at t = 0 (a later key favours the leader); any t > 0 parts them on this key
            return (Fraction(0), True) if closing < 0 else None
        if closing >= 0:
            return None  # the leader's lead on this key never shrinks
        t = gap / -closing
        if t > limit:
            return None
        later = zip(leader[index + 1 :], other[index + 1 :], strict=True)
        rest = [(lv + t * ls) - (v + t * s) for (lv, ls), (v, s) in later]
        still_ahead = next((d > 0 for d in rest if d != 0), False)
        if still_ahead and t == limit:
            return None
        return t, still_ahead
    return None


def _leaders_at(lines: _Lines, candidates: set[str], t: Fraction, beyond: bool) -> tuple[str, ...]:
    """The bids ranked first at ``t`` (or just beyond it), among the only bids that can be."""

    def standing(bid_id: str) -> tuple[Fraction, ...]:
        line = lines.every_key(bid_id)
        if not beyond:
            return tuple(value + t * slope for value, slope in line)
        # just beyond t, a key level at t is decided by which bid's value grows faster
        return tuple(x for value, slope in line for x in (value + t * slope, slope))

    top = max(standing(b) for b in candidates)
    return tuple(sorted(b for b in candidates if standing(b) == top))
