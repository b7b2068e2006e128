"""VCSE participation, the anti-tokenism check: the share of the price that voluntary-sector partners deliver."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .errors import ScoringError
from .numbers import HUNDRED, ZERO, display, exact_arithmetic, money, plain, plural, ratio
from .responses import VcsePartner

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
