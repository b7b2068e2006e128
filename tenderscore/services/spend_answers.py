"""A period's VCSE spend by its partners' answers, as pages, exports and the performance notice say it: confirmed,
disputed (each with the partner's reason) and not yet answered, with the £ of each. Read-only words over the lines
``services.delivery`` gives; only confirmed spend (with partners that count) is ever delivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tenderscore.core.register import Confirmation
from tenderscore.db.models import ReturnSpend
from tenderscore.services.delivery import Spend

WORDS = {
    Confirmation.CONFIRMED: "Confirmed",
    Confirmation.REFUSED: "Disputed",
    Confirmation.AWAITING: "Not yet answered",
}


@dataclass(frozen=True)
class Answered:
    confirmed: list[ReturnSpend]
    disputed: list[ReturnSpend]
    awaiting: list[ReturnSpend]
    uncounted: list[ReturnSpend]  # confirmed, but with a partner that does not count under the tender's rule

    @staticmethod
    def _sum(lines: Sequence[ReturnSpend]) -> Decimal:
        return sum((line.amount for line in lines), Decimal(0))

    @property
    def confirmed_gbp(self) -> Decimal:
        return self._sum(self.confirmed)

    @property
    def disputed_gbp(self) -> Decimal:
        return self._sum(self.disputed)

    @property
    def awaiting_gbp(self) -> Decimal:
        return self._sum(self.awaiting)

    @property
    def uncounted_gbp(self) -> Decimal:
        return self._sum(self.uncounted)

    @property
    def reported_gbp(self) -> Decimal:
        return self.confirmed_gbp + self.disputed_gbp + self.awaiting_gbp


def answered(spend: Spend) -> Answered:
    """A period's spend lines split by the partners' answers (in line order)."""
    confirmed = spend.with_answer(Confirmation.CONFIRMED)
    return Answered(
        confirmed,
        spend.with_answer(Confirmation.REFUSED),
        [line for line in spend.lines if line.confirmation not in (Confirmation.CONFIRMED, Confirmation.REFUSED)],
        [line for line in confirmed if not spend.counting.get(line.identifier, False)],
    )


def answer_words(line: ReturnSpend) -> str:
    """The partner's answer in words: "Confirmed", "Disputed: <its reason>", "Not yet answered"."""
    if line.confirmation == Confirmation.REFUSED:
        reason = (line.answer_reason or "").strip()
        return f"Disputed: {reason}" if reason else "Disputed"
    return WORDS.get(Confirmation(line.confirmation), "Not yet answered")


__all__ = ["Answered", "answer_words", "answered"]
