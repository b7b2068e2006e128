"""Build a bidder's self-check report: what to fix, where, and the gates as they stand. Nothing is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tenderscore.core.numbers import money, plural
from tenderscore.core.rubric import Rubric
from tenderscore.core.ukdates import uk_time

from .common import document_meta, tender_view
from .facts import SelfCheckGate, SelfCheckLine, SelfCheckPartner, TenderFacts
from .views import GateView, SelfCheckErrorView, SelfCheckPartnerView, SelfCheckView

NOTHING_STORED = (
    "Nothing was stored. tenderscore checked this workbook in memory and kept no copy of it, of its contents or of "
    "this report. A self-check is not a submission: to submit, upload the workbook before the deadline."
)


def cell_reference(sheet: str, cell: str) -> str:
    """``Pricing!C12``, or ``'Social value'!D7`` when the sheet name needs quoting, as Excel writes it."""
    plain = sheet.replace("_", "").isalnum()
    quoted = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{cell}"


def build_self_check_report(
    *,
    tender: TenderFacts,
    errors: Sequence[SelfCheckLine],
    gates: Sequence[SelfCheckGate],
    checked_at: datetime,
    bidder: str = "",
    file_name: str = "",
    rejected: str | None = None,
    notes: Sequence[str] = (),
    rubric: Rubric | None = None,
    partners: Sequence[SelfCheckPartner] = (),
    warnings: Sequence[SelfCheckLine] = (),
) -> SelfCheckView:
    """The self-check report for one workbook: each problem with sheet!cell and what to do, and the gates.

    ``rejected`` is the reason the whole file was refused (not a workbook, macros, ...), if it was; ``notes`` are
    figures and reminders the check worked out (price, VCSE share, time left before the deadline). With the
    tender's ``rubric``, a criterion given by id is shown by its title.
    """
    return SelfCheckView(
        meta=document_meta(
            tender, "Response self-check", f"Self-check of {file_name or 'a response workbook'}", checked_at
        ),
        tender=tender_view(tender),
        bidder=bidder,
        file_name=file_name,
        checked_at=uk_time(checked_at),
        rejected=rejected or "",
        errors=tuple(
            SelfCheckErrorView(cell_reference(e.sheet, e.cell), _criterion(rubric, e.criterion), e.message)
            for e in errors
        ),
        gates=tuple(GateView(g.label, _outcome(g.passed), g.passed is not False, g.detail) for g in gates),
        notes=tuple(notes),
        ready=rejected is None and not errors and all(g.passed is not False for g in gates),
        verdict=_verdict(rejected, errors, gates),
        nothing_stored=NOTHING_STORED,
        partners=tuple(
            SelfCheckPartnerView(
                cell_reference(p.sheet, p.cell), p.name, p.identifier, money(p.value_gbp),
                p.standing[:1].upper() + p.standing[1:],
                "Decided at evaluation" if p.counts is None else "Yes" if p.counts else "No",
            )  # fmt: skip
            for p in partners
        ),
        warnings=tuple(
            SelfCheckErrorView(cell_reference(w.sheet, w.cell), _criterion(rubric, w.criterion), w.message)
            for w in warnings
        ),
    )


def _criterion(rubric: Rubric | None, criterion: str | None) -> str:
    if not criterion or rubric is None:
        return criterion or ""
    try:
        return rubric.criterion(criterion).title
    except KeyError:
        return criterion


def _outcome(passed: bool | None) -> str:
    if passed is None:
        return "Decided after the deadline"
    return "Passed" if passed else "Not passed"


def _verdict(rejected: str | None, errors: Sequence[SelfCheckLine], gates: Sequence[SelfCheckGate]) -> str:
    if rejected is not None:
        return "The file could not be read as a response workbook, so nothing in it was checked. Fix this first."
    failed = sum(1 for g in gates if g.passed is False)
    if not errors and not failed:
        return "No problems found: the workbook can be submitted as it is."
    rules = plural(failed, "rule") + " that would exclude the tender"
    if errors:
        text = f"There {'is' if len(errors) == 1 else 'are'} {plural(len(errors), 'problem')} to fix in the workbook"
        if failed:
            text += f", and it does not meet {rules}"
    else:
        text = f"The workbook does not meet {rules}"
    return f"{text}. Fix {'it' if len(errors) + failed == 1 else 'them'} before you submit."
