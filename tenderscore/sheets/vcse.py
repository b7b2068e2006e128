"""The VCSE share of a bid's price, and whether a stated share agrees with it.

A local stand-in for ``tenderscore.core.vcse`` until the core ships it; the rule is DESIGN.md's: share =
sum of partners' £ / price x 100, and a stated share must agree within 0.5 percentage points.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal

from tenderscore.core.responses import VcsePartner

TOLERANCE = Decimal("0.5")
_DIVISION = Context(prec=50)


def vcse_share(partners: Sequence[VcsePartner], price: Decimal) -> Decimal:
    """The percentage of ``price`` delivered through ``partners``."""
    total = sum((p.value_gbp for p in partners), Decimal(0))
    return _DIVISION.divide(total * 100, price)


def share_disagreement(
    stated: Decimal, partners: Sequence[VcsePartner], price: Decimal, tolerance: Decimal = TOLERANCE
) -> str | None:
    """Why ``stated`` (percent) disagrees with the partners' share of ``price``, or ``None`` if it agrees."""
    share = vcse_share(partners, price)
    if abs(stated - share) <= tolerance:
        return None
    return f"stated {stated}% but the partners' £ values are {share}% of the price"
