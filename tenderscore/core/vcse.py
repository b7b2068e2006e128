"""VCSE participation, the anti-tokenism check: the share of the price that voluntary-sector partners deliver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from .errors import ScoringError
from .numbers import HUNDRED, ZERO, display, exact_arithmetic, money, plain, plural, ratio
from .register import Confirmation, Counting, Standing
from .responses import BidResponse, VcsePartner
from .rubric import Rubric

DEFAULT_TOLERANCE = Decimal("0.5")  # percentage points (docs/scoring.md, "VCSE participation")


def vcse_share(partners: Sequence[VcsePartner], price: Decimal) -> Decimal:
    """The VCSE share of ``price`` in percent: ``sum of partners' £ / price x 100``, unrounded.

    Raises ``ScoringError`` for a price that is not above 0, which has no share.
    """
    if price <= ZERO:
        raise ScoringError(f"a VCSE share needs a price above £0, not {money(price)}")
    with exact_arithmetic():
        delivered = sum((p.value_gbp for p in partners), ZERO)
        return ratio(delivered * HUNDRED, price)


def vcse_share_disagreement(
    stated_percent: Decimal,
    partners: Sequence[VcsePartner],
    price: Decimal,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> str | None:
    """A message showing both figures when the stated share and the partners' £ differ by more than ``tolerance``.

    ``None`` when they agree within ``tolerance`` percentage points (a difference of exactly the tolerance agrees).
    The spreadsheet reader rejects a submission on this message; the evaluation flags it.
    """
    computed = vcse_share(partners, price)
    with exact_arithmetic():
        delivered = sum((p.value_gbp for p in partners), ZERO)
        if (stated_percent - computed).copy_abs() <= tolerance:
            return None
    if partners:
        listed = plural(len(partners), "partner")
        found = f"{listed} delivering {money(delivered)} of the {money(price)} price make {display(computed)}%"
    else:
        found = f"none is listed, which makes 0.00% of the {money(price)} price"
    return (
        f"The stated VCSE share of {plain(stated_percent)}% does not match the VCSE partners listed: {found}. "
        f"The two must agree within {plain(tolerance)} percentage points."
    )


def not_counted(partners: Sequence[VcsePartner], counting: Counting) -> tuple[VcsePartner, ...]:
    """The partners that do not count towards the VCSE share under ``counting``, in the bid's order."""
    return tuple(p for p in partners if not counting.counts(_standing(p)))


def counted_share(partners: Sequence[VcsePartner], price: Decimal, counting: Counting) -> Decimal:
    """The share of ``price`` delivered by the partners that count under ``counting``, in percent, unrounded."""
    return vcse_share([p for p in partners if counting.counts(_standing(p))], price)


def share_counted(stated: Decimal, partners: Sequence[VcsePartner], price: Decimal, counting: Counting) -> Decimal:
    """The VCSE share a bid is scored on (docs/scoring.md, "Partners that count").

    When every partner counts, the stated share stands (it agrees with the partners' £ within the tolerance);
    otherwise the lower of the stated share and the share the counting partners deliver.
    """
    if price <= ZERO or not not_counted(partners, counting):
        return stated
    return min(stated, counted_share(partners, price, counting))


def describe_not_counted(partners: Sequence[VcsePartner]) -> str:
    """``A (GB-CHC-1), registered but unverified, £50,000; B (GB-COH-2), unknown to the register, £10,000``."""
    return "; ".join(f"{p.label}, {_standing_words(p)}, {money(p.value_gbp)}" for p in partners)


def _standing(partner: VcsePartner) -> Standing | None:
    return Standing(partner.standing) if partner.standing in tuple(Standing) else None


def _standing_words(partner: VcsePartner) -> str:
    standing = _standing(partner)
    return standing.words if standing is not None else "not looked up on the register"


def counted_bid(rubric: Rubric, bid: BidResponse) -> BidResponse:
    """``bid`` with its stated VCSE share replaced by the share it is scored on under the rubric's counting rule."""
    stated = bid.commitments.get(rubric.vcse_criterion or "")
    if rubric.vcse_criterion is None or stated is None or bid.price is None or bid.price <= ZERO:
        return bid
    scored = share_counted(stated, bid.vcse_partners, bid.price, Counting(rubric.vcse_counting))
    if scored == stated:
        return bid
    return replace(bid, commitments={**bid.commitments, rubric.vcse_criterion: scored})


@dataclass(frozen=True)
class PartnerLine:
    """One named partner as the evaluation shows it: its £ and share of the price, its standing on the register,
    its answer, and whether it counts under the rubric's rule."""

    name: str
    identifier: str
    role: str
    value_gbp: Decimal
    share: Decimal | None  # percent of the price, unrounded; None without a positive price
    standing: str  # words: "verified VCSE", "registered but unverified", "unknown to the register", ...
    confirmation: str  # words: "confirmed", "refused", "not yet answered", "not asked (not on the register)"
    counts: bool
    refused: bool
    awaiting: bool


def partner_lines(rubric: Rubric, bid: BidResponse) -> tuple[PartnerLine, ...]:
    """Each named partner of ``bid`` with what the evaluation knows of it (its standing and confirmation filled
    in by the caller), in the bid's order."""
    counting = Counting(rubric.vcse_counting)
    price = bid.price if bid.price is not None and bid.price > ZERO else None
    lines = []
    for p in bid.vcse_partners:
        confirmation = Confirmation(p.confirmation) if p.confirmation in tuple(Confirmation) else None
        with exact_arithmetic():
            share = ratio(p.value_gbp * HUNDRED, price) if price is not None else None
        lines.append(
            PartnerLine(
                p.name, p.identifier or "", p.role or "", p.value_gbp, share, _standing_words(p),
                confirmation.words if confirmation is not None else "not asked",
                counting.counts(_standing(p)), confirmation is Confirmation.REFUSED,
                confirmation is Confirmation.AWAITING,
            )  # fmt: skip
        )
    return tuple(lines)


def counted_summary(rubric: Rubric, bid: BidResponse) -> str:
    """``2 of 3 partners count (verified VCSE partners only): £150,000, 7.50% of the price`` (every partner
    listed: ``every partner listed counts``)."""
    counting = Counting(rubric.vcse_counting)
    if not bid.vcse_partners:
        return "no VCSE partners named"
    counted = [p for p in bid.vcse_partners if counting.counts(_standing(p))]
    delivered = sum((p.value_gbp for p in counted), ZERO)
    of_price = ""
    if bid.price is not None and bid.price > ZERO:
        of_price = f", {display(counted_share(bid.vcse_partners, bid.price, counting))}% of the price"
    return (
        f"{len(counted)} of {plural(len(bid.vcse_partners), 'partner')} count ({counting.words}): "
        f"{money(delivered)}{of_price}"
    )
