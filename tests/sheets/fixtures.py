"""A probation rubric built in code, so the sheets tests run whether or not ``rubrics/*.yaml`` are present."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tenderscore.core.rubric import (
    Band,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    Unit,
)
from tenderscore.sheets.layout import TemplateIdentity

SCORED = CriterionKind.SCORED
PATHWAYS = ("Accommodation", "Education, training and employment", "Drugs and alcohol")


def _question(cid: str, title: str, pathway: str, weight: str, minimum: int | None = None) -> Criterion:
    return Criterion(
        id=cid,
        title=title,
        kind=SCORED,
        weight=Decimal(weight),
        question=f"Describe how you will deliver the {pathway.lower()} pathway for people on probation.",
        guidance="Say who does what, how you will measure it, and how you will work with local partners.",
        minimum=minimum,
        word_limit=400,
        pathway=pathway,
    )


def probation_rubric() -> Rubric:
    """A small Innovation Partner rubric with every criterion kind and a 15% mandatory VCSE share."""
    quality = Section(
        "quality",
        "Quality",
        SectionCategory.QUALITY,
        (
            _question("q1", "Accommodation", "Accommodation", "20", minimum=2),
            _question("q2", "Employment", "ETE", "15"),
            _question("q3-drugs", "Drugs and alcohol", "Drugs and alcohol", "15"),
        ),
    )
    compliance = Section(
        "compliance",
        "Compliance",
        SectionCategory.COMPLIANCE,
        (
            Criterion("d1", "Insurance", CriterionKind.PASS_FAIL, question="We hold £5m public liability insurance."),
            Criterion(
                "d2",
                "Convictions",
                CriterionKind.PASS_FAIL,
                expected=False,
                question="A director has been convicted of fraud in the last 5 years.",
            ),  # fmt: skip
        ),
    )
    social = Section(
        "social_value",
        "Social value",
        SectionCategory.SOCIAL_VALUE,
        (
            Criterion(
                "sv_vcse",
                "VCSE share",
                CriterionKind.COMMITMENT,
                Decimal(10),
                method="proportional",
                measure="vcse_share",
                mandatory_minimum=Decimal(15),
                question="Share of the price delivered by VCSEs.",
            ),  # fmt: skip
            Criterion(
                "sv_jobs",
                "Jobs for people with convictions",
                CriterionKind.COMMITMENT,
                Decimal(5),
                method="banded",
                measure="fte_jobs",
                bands=(Band(Decimal(1), Decimal("0.5")), Band(Decimal(3), Decimal(1))),
            ),  # fmt: skip
            Criterion(
                "sv_weeks",
                "Apprenticeship weeks",
                CriterionKind.COMMITMENT,
                Decimal(5),
                method="linear",
                measure="appr_weeks",
                floor=Decimal(0),
                target=Decimal(104),
            ),  # fmt: skip
        ),
    )
    price = Section(
        "price",
        "Price",
        SectionCategory.PRICE,
        (Criterion("price", "Price", CriterionKind.PRICE, Decimal(30), method="lowest_ratio"),),
    )
    return Rubric(
        id="probation-test",
        title="Probation Innovation Partner (test)",
        scale=Scale(
            5, tuple(ScaleLevel(i, d) for i, d in enumerate(["None", "Poor", "Fair", "Good", "Very good", "Excellent"]))
        ),
        sections=(quality, compliance, social, price),
        measures=(
            Measure("vcse_share", "VCSE share of contract value", Unit.PERCENT),
            Measure("fte_jobs", "FTE jobs for people with convictions", Unit.FTE),
            Measure("appr_weeks", "Apprenticeship weeks", Unit.WEEKS),
        ),
        vcse_criterion="sv_vcse",
    )


def identity(**overrides: object) -> TemplateIdentity:
    """The identity of a test tender; keyword arguments override fields."""
    fields: dict[str, object] = {
        "tender_reference": "PRB-2026-001",
        "title": "Innovation Partner: Resettlement Services",
        "buyer": "Probation Region of the North (test)",
        "deadline": datetime(2026, 6, 30, 11, 0, tzinfo=UTC),
        "template_version": 1,
        "rubric_hash": "sha256:" + "ab" * 32,
    }
    fields.update(overrides)
    return TemplateIdentity(**fields)  # type: ignore[arg-type]
