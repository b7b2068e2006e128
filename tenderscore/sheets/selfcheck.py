"""The bidder's self-check: every problem with a workbook and every gate it would fail, at once, stored nowhere.

Plain values only, so the web page, the PDF and the command line render the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from tenderscore.core.gates import gate_exclusions
from tenderscore.core.numbers import display, money
from tenderscore.core.register import Counting, Standing
from tenderscore.core.responses import BidResponse
from tenderscore.core.results import ExclusionCode
from tenderscore.core.rubric import CriterionKind, Rubric, Unit
from tenderscore.core.ukdates import uk_time
from tenderscore.core.vcse import counted_share, describe_not_counted, not_counted
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


# identifiers -> what the register says of each (a core.register.Standing value); the caller looks them up
Lookup = Callable[[Sequence[str]], Mapping[str, str]]
NOT_LOOKED_UP = "not looked up on the register (this check works without the service)"


@dataclass(frozen=True)
class PartnerCheck:
    """One named partner as the register sees it now, and whether it counts under the tender's rule."""

    sheet: str
    cell: str  # the partner's identifier cell
    name: str
    identifier: str
    value_gbp: Decimal
    standing: str | None  # a Standing value; None: not looked up
    counts: bool | None  # None: not looked up under a rule that needs it

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"

    @property
    def standing_words(self) -> str:
        return Standing(self.standing).words if self.standing in tuple(Standing) else NOT_LOOKED_UP

    def __str__(self) -> str:
        counted = {True: "", False: " - does not count towards the VCSE share", None: ""}[self.counts]
        return f"{self.where} {self.name} ({self.identifier}), {money(self.value_gbp)}: {self.standing_words}{counted}"


@dataclass(frozen=True)
class SelfCheckResult:
    """What a bidder sees after a self-check: file rejection, cell errors, gates and a few figures."""

    tender_reference: str
    rejected: str | None  # the whole file was refused (not a workbook, macros, password...)
    errors: tuple[CellError, ...]
    gates: tuple[GateResult, ...]
    notes: tuple[str, ...]  # figures and reminders: price, VCSE share, deadline
    partners: tuple[PartnerCheck, ...] = ()
    warnings: tuple[CellError, ...] = ()  # worth acting on, but nothing that refuses or excludes the bid today

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
        if self.partners:
            lines.append("VCSE partners on the register:")
            lines += [f"  {partner}" for partner in self.partners]
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s):")
            lines += [f"  {warning}" for warning in self.warnings]
        lines += self.notes
        return lines


def self_check(
    data: bytes,
    rubric: Rubric,
    identity: TemplateIdentity,
    *,
    now: datetime | None = None,
    limits: GuardLimits = DEFAULT_LIMITS,
    lookup: Lookup | None = None,
) -> SelfCheckResult:
    """Check a workbook as the reader will on submission, then its gates. Nothing is stored; never raises for a
    bad file. ``now`` (aware), if given, adds a note when the deadline has passed. ``lookup`` gives each partner's
    register standing (services/register.standings); without it (the command line, offline) partners are reported
    as not looked up, and whether they count is left to the evaluation."""
    try:
        reading = read_workbook(data, rubric, identity, limits=limits)
    except WorkbookRejected as exc:
        return SelfCheckResult(identity.tender_reference, str(exc), (), (), _deadline_notes(identity, now))
    response = reading.response
    if response is None:
        notes = _figures(reading) + _deadline_notes(identity, now)
        return SelfCheckResult(identity.tender_reference, None, reading.errors, (), notes)
    if lookup is not None:
        found = lookup([p.identifier or "" for p in response.vcse_partners])
        partners = tuple(replace(p, standing=found.get(p.identifier or "")) for p in response.vcse_partners)
        response = replace(response, vcse_partners=partners)
    gates = gate_results(rubric, response, looked_up=lookup is not None)
    checks, warnings = _partner_checks(rubric, response, reading, looked_up=lookup is not None)
    notes = _figures(reading) + _deadline_notes(identity, now)
    return SelfCheckResult(identity.tender_reference, None, reading.errors, gates, notes, checks, warnings)


def _partner_checks(
    rubric: Rubric, response: BidResponse, reading: WorkbookReading, *, looked_up: bool
) -> tuple[tuple[PartnerCheck, ...], tuple[CellError, ...]]:
    """Each partner's standing, and a warning at the identifier cell of each that does not count (or that nobody
    can be asked to confirm)."""
    counting = Counting(rubric.vcse_counting)
    checks: list[PartnerCheck] = []
    warnings: list[CellError] = []
    for partner, (sheet, cell) in zip(response.vcse_partners, reading.partner_cells, strict=True):
        counts = counting.counts(_standing(partner.standing)) if looked_up or counting is Counting.LISTED else None
        checks.append(PartnerCheck(sheet, cell, partner.name, partner.identifier or "", partner.value_gbp,
                                   partner.standing if looked_up else None, counts))  # fmt: skip
        if not looked_up:
            continue
        words = Standing(partner.standing).words if partner.standing in tuple(Standing) else NOT_LOOKED_UP
        if counts is False:
            message = (
                f"{partner.label} is {words}: under this tender's rule ({counting.words}) its "
                f"{money(partner.value_gbp)} does not count towards your VCSE share."
            )
            if partner.standing == Standing.REGISTERED:
                message += " A buyer may verify it before the evaluation; until then it does not count."
            warnings.append(CellError(sheet, cell, None, "identifier", message))
        elif partner.standing == Standing.UNKNOWN:
            warnings.append(CellError(sheet, cell, None, "identifier", (
                f"{partner.label} is {words}: it cannot be asked to confirm its part, and the evaluators will see "
                "that. Check the identifier, or ask the partner to join the VCSE register."
            )))  # fmt: skip
    return tuple(checks), tuple(warnings)


def _standing(value: str | None) -> Standing | None:
    return Standing(value) if value in tuple(Standing) else None


def gate_results(rubric: Rubric, response: BidResponse, *, looked_up: bool = True) -> tuple[GateResult, ...]:
    """Every pass/fail question, mandatory minimum and quality minimum, with this response's outcome.

    Whether the VCSE share meets its minimum counting only the partners the tender's rule counts is shown as its
    own line, decided at evaluation (the register may change before then): a warning here, never a failure."""
    exclusions = gate_exclusions(rubric, response, {})
    counting_found = next((e for e in exclusions if e.code == ExclusionCode.VCSE_PARTNERS_NOT_COUNTED), None)
    failed = {e.criterion_id: e.reason for e in exclusions if e is not counting_found}
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
        if c.id == rubric.vcse_criterion and c.id not in failed:
            counted = _counting_gate(rubric, c.id, c.title, response, counting_found, looked_up=looked_up)
            if counted is not None:
                results.append(counted)
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


def _counting_gate(
    rubric: Rubric, criterion_id: str, title: str, response: BidResponse, found: object, *, looked_up: bool
) -> GateResult | None:
    """The VCSE share counting only the partners that count (nothing when every listed partner counts)."""
    counting = Counting(rubric.vcse_counting)
    if counting is Counting.LISTED or response.price is None or response.price <= 0:
        return None
    heading = f"{title}: partners that count"
    if not looked_up:
        return GateResult(criterion_id, heading, Outcome.LATER, (
            f"only {counting.words} count towards this share; the partners were {NOT_LOOKED_UP}, so this is "
            "decided at evaluation."
        ))  # fmt: skip
    share = counted_share(response.vcse_partners, response.price, counting)
    if found is not None:
        left_out = not_counted(response.vcse_partners, counting)
        return GateResult(criterion_id, heading, Outcome.LATER, (
            f"counting only {counting.words}, your partners deliver {display(share)}% of the price, below the "
            f"mandatory minimum. Today these do not count: {describe_not_counted(left_out)}. The evaluation reads "
            "the register again; if they still do not count then, the bid is excluded."
        ))  # fmt: skip
    return GateResult(criterion_id, heading, Outcome.PASSED, (
        f"counting only {counting.words}, your partners deliver {display(share)}% of the price, which meets the "
        "mandatory minimum."
    ))  # fmt: skip


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
