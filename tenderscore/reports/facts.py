"""Plain inputs the service layer fills from the database and passes to the report builders.

Everything here is a frozen dataclass of plain values (str, int, Decimal, aware datetime, tuples), so a service can
build them from rows without the reports engine knowing about the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class TenderFacts:
    """The tender a report is about. Datetimes are time-zone aware (the database stores UTC)."""

    reference: str
    title: str
    buyer: str
    estimated_value: Decimal | None
    deadline: datetime
    published_at: datetime | None
    status: str  # e.g. "evaluation", "awarded"
    rubric_hash: str  # SHA-256 of the frozen rubric every score refers to
    awarded_bidder: str | None = None
    award_decision: str | None = None  # "12 March 2027, 3:20pm GMT, by A Person: <the reason recorded>"


@dataclass(frozen=True)
class PanelMember:
    """One member of the evaluation panel and their conflict-of-interest declaration."""

    name: str
    role: str  # "evaluator", "moderator", "procurement officer", ...
    declaration: str  # the text they declared, e.g. "I have no conflict of interest with any bidder."
    declared_at: datetime | None
    conflicts: tuple[str, ...] = ()  # bidder names they declared a conflict with (and were kept away from)


@dataclass(frozen=True)
class IndividualScore:
    """One evaluator's independent score of one criterion for one bid, before moderation."""

    evaluator: str
    score: int
    rationale: str = ""


@dataclass(frozen=True)
class ConsensusRecord:
    """The moderated score of one scored criterion for one bid, its reason and the individual scores behind it."""

    score: int
    reason: str
    individual: tuple[IndividualScore, ...] = ()
    moderator: str | None = None


class SensitivityFinding(Protocol):
    """What a report needs of the core's sensitivity analysis: robust or not, said in plain words."""

    @property
    def robust(self) -> bool: ...

    @property
    def summary(self) -> str: ...


@dataclass(frozen=True)
class SelfCheckLine:
    """One problem the self-check found in a bidder's workbook, with where it is and what to do."""

    sheet: str
    cell: str  # e.g. "C12"
    message: str  # what is wrong and what to do, in the bidder's words
    criterion: str | None = None  # criterion id or title, when the cell answers one


@dataclass(frozen=True)
class ConfirmationRecord:
    """A partner's answer to a request to confirm its part in one bid (``bid_id`` is the evaluated bid's id)."""

    bid_id: str
    partner: str
    identifier: str
    status: str  # a core.register.Confirmation value
    answered_at: datetime | None
    note: str = ""


@dataclass(frozen=True)
class SelfCheckPartner:
    """One named VCSE partner as the self-check looked it up on the register."""

    sheet: str
    cell: str
    name: str
    identifier: str
    value_gbp: Decimal
    standing: str  # in words: "verified VCSE", "registered but unverified", ...
    counts: bool | None  # None: decided at evaluation


@dataclass(frozen=True)
class SelfCheckGate:
    """One rule that can exclude a bid, as the self-check saw it (e.g. "VCSE share at least 15%").

    ``passed`` is ``None`` for a gate decided only after the deadline (a quality minimum needs the evaluators).
    """

    label: str
    passed: bool | None
    detail: str = ""


@dataclass(frozen=True)
class ClarificationAnswerRecord:
    answered_at: datetime
    audience: str  # "asker" (the bidder who asked alone) or "all" (every bidder)
    answer: str
    correction: bool  # corrects the answer before it


@dataclass(frozen=True)
class ClarificationRecord:
    """A clarification question as the buyer's record holds it: who asked, as asked, as published, every answer."""

    asked_at: datetime
    asker: str
    question: str
    published_question: str | None
    answers: tuple[ClarificationAnswerRecord, ...] = ()
    changes: tuple[str, ...] = ()  # tender changes that followed the answer, in words
