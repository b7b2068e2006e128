"""The bidder's self-check: every problem with a workbook and every gate it would fail, at once, stored nowhere.

Plain values only, so the web page, the PDF and the command line render the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tenderscore.core.gates import gate_exclusions
from tenderscore.core.responses import BidResponse
from tenderscore.core.rubric import CriterionKind, Rubric, Unit
from tenderscore.core.ukdates import uk_time
from tenderscore.sheets.guard import DEFAULT_LIMITS, GuardLimits, WorkbookRejected
from tenderscore.sheets.layout import TemplateIdentity
from tenderscore.sheets.quantities import GBP_RULE, UNIT_RULES, format_quantity, format_unit, round_half_up
from tenderscore.sheets.reader import read_workbook
from tenderscore.sheets.reading import CellError, WorkbookReading


class Outcome(StrEnum):
    """How one gate came out for this workbook."""

    PASSED = "passed"
    FAILED = "failed"
    LATER = "later"  # decided after the deadline (quality minimums need the evaluators' scores)


@dataclass(frozen=True)
class GateResult:
    """One rule that can exclude the bid, and how this workbook fares against it."""

    criterion_id: str
    title: str
    outcome: Outcome
    message: str

    def __str__(self) -> str:
        return f"[{self.outcome.value}] {self.criterion_id} {self.title}: {self.message}"


@dataclass(frozen=True)
class SelfCheckResult:
    """What a bidder sees after a self-check: file rejection, cell errors, gates and a few figures."""

    tender_reference: str
    rejected: str | None  # the whole file was refused (not a workbook, macros, password...)
    errors: tuple[CellError, ...]
    gates: tuple[GateResult, ...]
    notes: tuple[str, ...]  # figures and reminders: price, VCSE share, deadline

    @property
    def ok(self) -> bool:
        """True when the workbook reads cleanly and fails no gate decided now."""
        return self.rejected is None and not self.errors and all(g.outcome != Outcome.FAILED for g in self.gates)

    def lines(self) -> list[str]:
        """The result as plain lines of text, most important first."""
        verdict = "ready to submit" if self.ok else "NOT ready to submit"
        lines = [f"Self-check for tender {self.tender_reference}: {verdict}."]
        if self.rejected:
            lines.append(f"The file was refused: {self.rejected}")
        if self.errors:
            lines.append(f"{len(self.errors)} problem(s) to fix in the workbook:")
            lines += [f"  {error}" for error in self.errors]
        if self.gates:
            lines.append("Rules that exclude a bid:")
            lines += [f"  {gate}" for gate in self.gates]
        lines += self.notes
        return lines


def self_check(
    data: bytes,
    rubric: Rubric,
    identity: TemplateIdentity,
    *,
    now: datetime | None = None,
    limits: GuardLimits = DEFAULT_LIMITS,
) -> SelfCheckResult:
    """Check a workbook as the reader will on submission, then its gates. Nothing is stored; never raises for a
    bad file. ``now`` (aware), if given, adds a note when the deadline has passed."""
    try:
        reading = read_workbook(data, rubric, identity, limits=limits)
    except WorkbookRejected as exc:
        return SelfCheckResult(identity.tender_reference, str(exc), (), (), _deadline_notes(identity, now))
    gates = gate_results(rubric, reading.response) if reading.response is not None else ()
    notes = _figures(reading) + _deadline_notes(identity, now)
    return SelfCheckResult(identity.tender_reference, None, reading.errors, gates, notes)


def gate_results(rubric: Rubric, response: BidResponse) -> tuple[GateResult, ...]:
    """Every pass/fail question, mandatory minimum and quality minimum, with this response's outcome."""
    failed = {e.criterion_id: e.reason for e in gate_exclusions(rubric, response, {})}
    results: list[GateResult] = []
    for c in rubric.of_kind(CriterionKind.PASS_FAIL):
        answer = "Yes" if response.declarations.get(c.id) else "No"
        results.append(_gate(c.id, c.title, failed, f"answered {answer}, as required."))
    for c in rubric.of_kind(CriterionKind.COMMITMENT):
        if c.mandatory_minimum is None:
            continue
        unit = rubric.measure(c.measure).unit if c.measure else None
        value, minimum = response.commitments.get(c.id), c.mandatory_minimum
        shown = (format_unit(value, unit), format_unit(minimum, unit)) if unit and value is not None else None
        passed = f"{shown[0]} meets the mandatory {shown[1]}." if shown else "meets the mandatory minimum."
        results.append(_gate(c.id, c.title, failed, passed))
    for c in rubric.of_kind(CriterionKind.SCORED):
        if c.minimum is not None:
            message = (
                f"the evaluators' agreed score must be at least {c.minimum} out of {rubric.scale.maximum}; "
                "this is decided after the deadline."
            )
            results.append(GateResult(c.id, c.title, Outcome.LATER, message))
    for c in rubric.of_kind(CriterionKind.PRICE):
        if c.id in failed:
            results.append(_gate(c.id, c.title, failed, ""))
    return tuple(results)


def _gate(criterion_id: str, title: str, failed: dict[str, str], passed: str) -> GateResult:
    if criterion_id in failed:
        return GateResult(criterion_id, title, Outcome.FAILED, failed[criterion_id])
    return GateResult(criterion_id, title, Outcome.PASSED, passed)


def _figures(reading: WorkbookReading) -> tuple[str, ...]:
    notes: list[str] = []
    if reading.price is not None:
        notes.append(f"Total price, added up from your pricing lines: {format_quantity(reading.price, GBP_RULE)}.")
    if reading.vcse_share is not None and reading.vcse_total is not None:
        stated = reading.stated_vcse_share
        said = f"; you state {format_quantity(stated, UNIT_RULES[Unit.PERCENT])}" if stated is not None else ""
        notes.append(
            f"VCSE partners: {format_quantity(reading.vcse_total, GBP_RULE)}, "
            f"{round_half_up(reading.vcse_share, 2)}% of the price{said}."
        )
    return tuple(notes)


def _deadline_notes(identity: TemplateIdentity, now: datetime | None) -> tuple[str, ...]:
    deadline = f"The deadline is {uk_time(identity.deadline)}."
    if now is not None and now > identity.deadline:
        return (f"{deadline} It has passed: a submission now would be refused.",)
    return (deadline,)
