"""Sensitivity (b): the smallest change of one consensus score that changes who is ranked first.

A consensus score moves in whole steps within 0..maximum. Three kinds of change can matter:

* a change that keeps the compliant set: only that bid's points move (scored criteria are not relative), so its
  new standing is worked out from its old one exactly, and compared with the best of the others;
* a fall below a criterion's minimum, which excludes the bid;
* a rise to the minimum of a bid excluded by that minimum alone, which admits it.

Excluding or admitting a bid changes the compliant set. If the bid held the lowest or highest value a relative
method compares against, every compliant bid's relative points are worked out again (the rest of their points
do not depend on who else is compliant); otherwise only the bid itself is affected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from .evaluate import Scoring
from .methods import Field
from .points import Scorer, Tally, bid_value, compliant_fields, relative_criteria
from .ranking import RankKey, rank_key, tally_key
from .responses import BidResponse, ScoreKey
from .results import ExclusionCode
from .rubric import Criterion, CriterionKind, Rubric, SectionCategory
from .vcse import counted_bid

Effect = Literal["excludes", "admits"]


@dataclass(frozen=True)
class ScoreChange:
    """The smallest change of one consensus score that changes the first-ranked bid(s).

    ``effect`` says whether the change also excludes the bid (it falls below the criterion's minimum) or admits
    it (it was excluded by that minimum alone and now reaches it).
    """

    bid_id: str
    criterion_id: str
    score_from: int
    score_to: int
    effect: Effect | None
    leaders_before: tuple[str, ...]
    leaders_after: tuple[str, ...]

    @property
    def steps(self) -> int:
        """How many steps of the scale the score moves."""
        return abs(self.score_to - self.score_from)


@dataclass(frozen=True)
class _Candidate:
    order: tuple[int, int, int, int]  # steps, the bid's place in the results, the criterion's place, new score
    bid_id: str
    criterion: Criterion
    score_to: int
    effect: Effect | None


@dataclass(frozen=True)
class _Standing:
    total: Fraction
    categories: dict[SectionCategory, Fraction]


class _Baseline:
    """The final result every candidate change is compared with."""

    def __init__(
        self, rubric: Rubric, bids: Sequence[BidResponse], scores: Mapping[ScoreKey, int], scoring: Scoring
    ) -> None:
        self.rubric, self.scores, self.scorer = rubric, scores, scoring.scorer
        self.tallies, self.keys, self.exclusions = scoring.tallies, scoring.keys, scoring.exclusions
        keys = self.keys
        self.bids = {b.bid_id: b for b in bids}
        self.category_of = {c.id: s.category for s in rubric.sections for c in s.criteria}
        self.standings = {b: _standing(rubric, t) for b, t in self.tallies.items()}
        ordered = sorted(keys, key=lambda b: (keys[b], b))
        self.leaders = _best(keys, ordered)
        rest = [b for b in ordered if b not in self.leaders]
        self.runners_up = _best(keys, rest)
        self.place = {b: i for i, b in enumerate(ordered + sorted(set(self.bids) - set(keys)))}
        self.relative = relative_criteria(rubric)
        self.extremes = {c.id: _extremes(c, [self.bids[b] for b in keys]) for c in self.relative}

    def leaders_if_changed(self, bid_id: str, key: RankKey) -> frozenset[str]:
        """The leaders once one compliant bid's standing becomes ``key``, everyone else's unchanged."""
        others = self.leaders - {bid_id} or self.runners_up - {bid_id}
        if not others:
            return frozenset({bid_id})
        other_key = self.keys[next(iter(others))]
        if key < other_key:
            return frozenset({bid_id})
        return others | {bid_id} if key == other_key else others

    def leaders_if_excluded(self, bid_id: str) -> frozenset[str]:
        """The leaders once ``bid_id`` leaves the compliant set."""
        if self.moves_field(bid_id):
            remaining = [self.bids[b] for b in self.keys if b != bid_id]
            return self._rescore(remaining, None, self.scores)
        if bid_id not in self.leaders:
            return self.leaders
        return self.leaders - {bid_id} or self.runners_up

    def leaders_if_admitted(self, bid: BidResponse, scores: Mapping[ScoreKey, int]) -> frozenset[str]:
        """The leaders once an excluded ``bid`` joins the compliant set."""
        bid = counted_bid(self.rubric, bid)  # scored on the VCSE share that counts, as the compliant bids are
        if self.moves_field(bid.bid_id, joining=bid):
            return self._rescore([self.bids[b] for b in self.keys], bid, scores)
        key = tally_key(self.rubric, self.scorer.tally(bid, scores), bid.price)
        if not self.leaders:
            return frozenset({bid.bid_id})
        top = self.keys[next(iter(self.leaders))]
        if key < top:
            return frozenset({bid.bid_id})
        return self.leaders | {bid.bid_id} if key == top else self.leaders

    def moves_field(self, bid_id: str, joining: BidResponse | None = None) -> bool:
        """Would this bid leaving (or ``joining``) change the lowest or highest value of a relative criterion?"""
        for criterion in self.relative:
            bid = joining or self.bids[bid_id]
            value = bid_value(criterion, bid)
            if value is None:
                continue
            field, counts = self.extremes[criterion.id]
            if joining is not None and field.admitting(value) != field:
                return True
            if joining is None and value in (field.lowest, field.highest) and counts[value] == 1:
                return True
        return False

    def _rescore(
        self, compliant: list[BidResponse], joining: BidResponse | None, scores: Mapping[ScoreKey, int]
    ) -> frozenset[str]:
        """Leaders over a new compliant set: only relative points change for bids that stay compliant."""
        everyone = compliant + ([joining] if joining is not None else [])
        scorer = Scorer(self.rubric, compliant_fields(self.rubric, everyone))
        moved = [c for c in self.relative if scorer.fields[c.id] != self.scorer.fields[c.id]]
        keys: dict[str, RankKey] = {}
        for bid in compliant:
            standing = self.standings[bid.bid_id]
            total, categories = standing.total, dict(standing.categories)
            for criterion in moved:
                change = scorer.formula_points(criterion, bid) - self.tallies[bid.bid_id].exact_points[criterion.id]
                total += change
                categories[self.category_of[criterion.id]] += change
            keys[bid.bid_id] = self._key(total, categories, bid)
        if joining is not None:
            keys[joining.bid_id] = tally_key(self.rubric, scorer.tally(joining, scores), joining.price)
        return _best(keys, list(keys))

    def _key(self, total: Fraction, categories: Mapping[SectionCategory, Fraction], bid: BidResponse) -> RankKey:
        return rank_key(
            total,
            categories[SectionCategory.QUALITY],
            categories[SectionCategory.SOCIAL_VALUE],
            bid.price,
            self.rubric.tie_break,
        )

    def key_with_score(self, bid_id: str, criterion: Criterion, score: int) -> RankKey:
        """A compliant bid's standing with one consensus score changed."""
        standing = self.standings[bid_id]
        old = self.tallies[bid_id].exact_points[criterion.id]
        change = self.scorer.scored(criterion, score)[0] - old
        categories = dict(standing.categories)
        categories[self.category_of[criterion.id]] += change
        return self._key(standing.total + change, categories, self.bids[bid_id])


def smallest_score_change(
    rubric: Rubric, bids: Sequence[BidResponse], scores: Mapping[ScoreKey, int], scoring: Scoring
) -> ScoreChange | None:
    """The change of one consensus score, by the fewest steps, that changes the first-ranked bid(s).

    ``scoring`` is the final result's. Equal numbers of steps go to the bid placed higher in the results, then the
    criterion earlier in the rubric, then the lower new score. ``None`` when no single change does it.
    """
    base = _Baseline(rubric, bids, scores, scoring)
    candidates = sorted(_candidates(base), key=lambda c: c.order)
    for candidate in candidates:
        after = _leaders_after(base, candidate)
        if after != base.leaders:
            return ScoreChange(
                candidate.bid_id,
                candidate.criterion.id,
                scores[(candidate.bid_id, candidate.criterion.id)],
                candidate.score_to,
                candidate.effect,
                tuple(sorted(base.leaders)),
                tuple(sorted(after)),
            )
    return None


def _leaders_after(base: _Baseline, candidate: _Candidate) -> frozenset[str]:
    if candidate.effect == "excludes":
        return base.leaders_if_excluded(candidate.bid_id)
    if candidate.effect == "admits":
        changed = _OneScoreChanged(base.scores, (candidate.bid_id, candidate.criterion.id), candidate.score_to)
        return base.leaders_if_admitted(base.bids[candidate.bid_id], changed)
    return base.leaders_if_changed(
        candidate.bid_id, base.key_with_score(candidate.bid_id, candidate.criterion, candidate.score_to)
    )


def _candidates(base: _Baseline) -> Iterator[_Candidate]:
    """Every change that could alter the leaders; changes that plainly cannot are never listed."""
    scored = [(i, c) for i, c in enumerate(base.rubric.criteria) if c.kind is CriterionKind.SCORED]
    maximum = base.rubric.scale.maximum
    top_total = max((s.total for s in base.standings.values()), default=Fraction(0))
    reach = max((Fraction(c.weight) for _, c in scored), default=Fraction(0))
    for bid_id in base.keys:
        leading = bid_id in base.leaders
        if not leading and base.standings[bid_id].total + reach < top_total:
            continue  # no single score can lift this bid level with the leaders
        for index, criterion in scored:
            score = base.scores[(bid_id, criterion.id)]
            floor = criterion.minimum or 0
            # raising the only leader, or lowering a bid behind it, never changes who leads
            moves = [*range(score + 1, maximum + 1)] if not leading or len(base.leaders) > 1 else []
            if leading:
                moves += range(floor, score)
            for to in moves:
                yield _Candidate((abs(to - score), base.place[bid_id], index, to), bid_id, criterion, to, None)
    yield from _compliance_candidates(base, scored)


def _compliance_candidates(base: _Baseline, scored: list[tuple[int, Criterion]]) -> Iterator[_Candidate]:
    maximum = base.rubric.scale.maximum
    for bid_id in base.keys:
        if bid_id not in base.leaders and not base.moves_field(bid_id):
            continue  # excluding a bid that neither leads nor sets a field changes nobody's rank at the top
        for index, criterion in scored:
            score = base.scores[(bid_id, criterion.id)]
            if criterion.minimum is not None and score >= criterion.minimum:
                to = criterion.minimum - 1
                yield _Candidate((score - to, base.place[bid_id], index, to), bid_id, criterion, to, "excludes")
    for bid_id, gates in base.exclusions.items():
        if len(gates) != 1 or gates[0].code is not ExclusionCode.QUALITY_BELOW_MINIMUM:
            continue  # one score can only clear one failed gate
        index, criterion = next((i, c) for i, c in scored if c.id == gates[0].criterion_id)
        score = base.scores[(bid_id, criterion.id)]
        for to in range(criterion.minimum or 0, maximum + 1):
            yield _Candidate((to - score, base.place[bid_id], index, to), bid_id, criterion, to, "admits")


class _OneScoreChanged(Mapping[ScoreKey, int]):
    """The consensus scores with one of them changed, without copying the rest."""

    def __init__(self, scores: Mapping[ScoreKey, int], key: ScoreKey, score: int) -> None:
        self._scores, self._key, self._score = scores, key, score

    def __getitem__(self, key: ScoreKey) -> int:
        return self._score if key == self._key else self._scores[key]

    def __iter__(self) -> Iterator[ScoreKey]:
        yield from self._scores
        if self._key not in self._scores:
            yield self._key

    def __len__(self) -> int:
        return len(self._scores) + (self._key not in self._scores)


def _standing(rubric: Rubric, tally: Tally) -> _Standing:
    return _Standing(tally.exact_total, {c: tally.exact_category(rubric, c) for c in SectionCategory})


def _best(keys: Mapping[str, RankKey], among: Sequence[str]) -> frozenset[str]:
    if not among:
        return frozenset()
    top = min(keys[b] for b in among)
    return frozenset(b for b in among if keys[b] == top)


def _extremes(criterion: Criterion, compliant: Sequence[BidResponse]) -> tuple[Field, Counter[object]]:
    values = [v for v in (bid_value(criterion, b) for b in compliant) if v is not None]
    return Field.of(values), Counter(values)
