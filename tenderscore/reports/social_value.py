"""Social-value commitments and the VCSE share of each bid, against the mandatory thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tenderscore.core.numbers import money, plural, quantity
from tenderscore.core.responses import BidResponse
from tenderscore.core.results import BidResult, Evaluation, FlagCode
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric, Unit

from .methodology import unit_of
from .text import percent, points
from .views import CommitmentCellView, CommitmentColumnView, SocialValueRowView, SocialValueView


def social_value_view(rubric: Rubric, evaluation: Evaluation, responses: Sequence[BidResponse]) -> SocialValueView:
    """A row per bid: each commitment (value, points, met/below), VCSE share from partners, and the threshold."""
    criteria = rubric.of_kind(CriterionKind.COMMITMENT)
    by_id = {b.bid_id: b for b in responses}
    threshold = vcse_threshold(rubric)
    rows = tuple(_row(rubric, criteria, r, by_id[r.bid_id], threshold) for r in evaluation.results)
    return SocialValueView(
        columns=tuple(CommitmentColumnView(c.title, _threshold_text(rubric, c)) for c in criteria),
        rows=rows,
        vcse_threshold=f"{quantity(threshold, Unit.PERCENT)}" if threshold is not None else "",
    )


def vcse_threshold(rubric: Rubric) -> Decimal | None:
    """The mandatory minimum VCSE share in percent, if the rubric sets one."""
    if rubric.vcse_criterion is None:
        return None
    try:
        return rubric.criterion(rubric.vcse_criterion).mandatory_minimum
    except KeyError:
        return None


def _threshold_text(rubric: Rubric, criterion: Criterion) -> str:
    if criterion.mandatory_minimum is None:
        return ""
    return f"at least {quantity(criterion.mandatory_minimum, unit_of(rubric, criterion))}"


def _row(
    rubric: Rubric,
    criteria: tuple[Criterion, ...],
    result: BidResult,
    bid: BidResponse,
    threshold: Decimal | None,
) -> SocialValueRowView:
    cells = tuple(_cell(rubric, c, result, bid) for c in criteria)
    share = result.vcse_share
    delivered = sum((p.value_gbp for p in bid.vcse_partners), Decimal(0))
    count = len(bid.vcse_partners)
    partners = f"{plural(count, 'partner')}, {money(delivered)}" if count else "None listed"
    status = ""
    if threshold is not None and share is not None:
        status = "Met" if share >= threshold else "Below"
    note = " ".join(f.message for f in result.flags if f.code is FlagCode.VCSE_SHARE_DISAGREEMENT)
    return SocialValueRowView(result.bidder, cells, percent(share), partners, status, note)


def _cell(rubric: Rubric, criterion: Criterion, result: BidResult, bid: BidResponse) -> CommitmentCellView:
    value = bid.commitments.get(criterion.id)
    shown = quantity(value, unit_of(rubric, criterion)) if value is not None else "none"
    earned = points(result.points.get(criterion.id, Decimal(0))) if result.compliant else "0.00"
    status = ""
    if criterion.mandatory_minimum is not None:
        status = "Met" if value is not None and value >= criterion.mandatory_minimum else "Below"
    return CommitmentCellView(shown, earned, status)
