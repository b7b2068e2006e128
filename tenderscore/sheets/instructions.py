"""The words of the Instructions sheet: how to fill in the template and what disqualifies a bid.

Plain strings, so the same text can be shown on a web page or tested without opening a workbook.
"""

from __future__ import annotations

from tenderscore.core.rubric import CriterionKind, Rubric
from tenderscore.core.ukdates import uk_time
from tenderscore.sheets.layout import (
    BIDDER,
    COMMITMENTS,
    DECLARATIONS,
    PARTNER_ROWS,
    PARTNERS,
    PRICE_LINES,
    PRICING,
    QUALITY,
    TemplateIdentity,
    needs_pricing,
)
from tenderscore.sheets.quantities import format_unit


def how_to_fill_in(rubric: Rubric) -> list[str]:
    """Numbered steps for the bidder, naming only the sheets this template has."""
    steps = [
        "Fill in the yellow cells only. Grey cells are labels and are locked (no password is needed to read them).",
        f"'{BIDDER}': your organisation's legal name, company and charity numbers, and a contact.",
    ]
    if rubric.of_kind(CriterionKind.SCORED):
        steps.append(f"'{QUALITY}': answer each question in its answer cell, within the word limit shown.")
    if rubric.of_kind(CriterionKind.PASS_FAIL):
        steps.append(f"'{DECLARATIONS}': choose Yes or No from the list for each statement.")
    if rubric.of_kind(CriterionKind.COMMITMENT):
        steps.append(f"'{COMMITMENTS}': enter each commitment as a number in the unit shown (15 for 15%).")
    if needs_pricing(rubric):
        steps.append(
            f"'{PRICING}': one line per cost, up to {PRICE_LINES} lines, each the amount in £ for the whole contract. "
            "The total is shown for your convenience only: tenderscore adds up the lines itself."
        )
    steps.append(
        f"'{PARTNERS}': every voluntary, community or social enterprise partner, one row each (up to {PARTNER_ROWS}),"
        " with its organisation identifier (the register's code and number, such as GB-CHC-1123456 for a charity in "
        "England and Wales, GB-SC-SC012345 in Scotland, GB-NIC-100123 in Northern Ireland, GB-COH-01234567 for a "
        "company, GB-MPR-30421R for a society), the £ value of its share of the work and its role. Each partner on "
        "the VCSE register is asked to confirm its role and £ value; the tender's rule may count only partners the "
        "register has verified."
    )
    steps += [
        "Type answers as values. Formulas in answer cells are refused: a formula is a calculation, not your answer.",
        "Do not rename, add or delete sheets, rows or columns: the answers are found by their cell names.",
        "Before you submit, use the self-check: it lists every problem with its cell and stores nothing.",
    ]
    return [f"{i}. {step}" for i, step in enumerate(steps, start=1)]


def disqualifiers(rubric: Rubric) -> list[str]:
    """Every rule that excludes a bid, in the rubric's words (the Procurement Act requires them in advance)."""
    lines: list[str] = []
    for c in rubric.of_kind(CriterionKind.PASS_FAIL):
        failing = "No" if c.expected else "Yes"
        lines.append(f"{c.id} {c.title}: answering {failing} excludes the bid.")
    for c in rubric.of_kind(CriterionKind.COMMITMENT):
        if c.mandatory_minimum is not None and c.measure is not None:
            unit = rubric.measure(c.measure).unit
            lines.append(
                f"{c.id} {c.title}: a commitment below {format_unit(c.mandatory_minimum, unit)} excludes the bid."
            )
    for c in rubric.of_kind(CriterionKind.SCORED):
        if c.minimum is not None:
            descriptor = rubric.scale.descriptor(c.minimum)
            named = f" ({descriptor})" if descriptor else ""
            lines.append(
                f"{c.id} {c.title}: an agreed score below {c.minimum}{named} out of {rubric.scale.maximum} "
                "excludes the bid."
            )
    if rubric.vcse_criterion is not None:
        lines.append(
            "The VCSE share you state must agree, within 0.5 percentage points, with the £ values of the partners "
            "you list divided by your total price; otherwise the submission is refused."
        )
    lines.append("A bid received after the deadline is not accepted.")
    return lines


def heading_lines(rubric: Rubric, identity: TemplateIdentity) -> list[tuple[str, str]]:
    """(label, value) pairs at the top of the Instructions sheet."""
    return [
        ("Tender", f"{identity.tender_reference}: {identity.title}"),
        ("Buyer", identity.buyer),
        ("Deadline (UK time)", uk_time(identity.deadline)),
        ("Evaluation model", f"{rubric.title} (version {rubric.version})"),
        ("Template version", str(identity.template_version)),
    ]
