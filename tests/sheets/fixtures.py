"""A probation rubric built in code, so the sheets tests run whether or not ``rubrics/*.yaml`` are present."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tenderscore.core.responses import BidResponse, VcsePartner
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
from tenderscore.sheets.fill import CellInput, FilledBid, PartnerRow
from tenderscore.sheets.layout import TemplateIdentity, needs_pricing

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
            _question("q3_drugs", "Drugs and alcohol", "Drugs and alcohol", "15"),
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


RUBRIC_DIR = Path(__file__).resolve().parents[2] / "rubrics"
UNIT_VALUES = {
    Unit.PERCENT: Decimal("37.25"),
    Unit.GBP: Decimal("125000.75"),
    Unit.FTE: Decimal("3.5"),
    Unit.WEEKS: Decimal("104.5"),
    Unit.COUNT: Decimal(12),
    Unit.TCO2E: Decimal("12.125"),
}
PRICE = (("Case workers", Decimal("1000000.00")), ("Mobilisation", Decimal("250000.50")), ("Included", Decimal(0)))
PARTNERS = (
    PartnerRow("Aldergate Housing Trust", "GB-CHC-1291234", Decimal("150000.05"), "Accommodation", "Move-on homes"),
    PartnerRow("Kestrel Recovery Network", "gb-sc-sc091234", Decimal("75000"), None, "Recovery café, weekly"),
    PartnerRow("Second Shift Kitchens CIC", "GB-COH-19123456", Decimal("25000.05"), "ETE", "Kitchen traineeships"),
)  # 250,000.10 of 1,250,000.50: 20.000000...%


def shipped_rubrics() -> list[Path]:
    """The rubric files shipped in ``rubrics/``."""
    return sorted(RUBRIC_DIR.glob("*.yaml"))


def load_shipped(path: Path) -> Rubric:
    """A shipped rubric, through the product's own loader."""
    from tenderscore.rubric_files import load_rubric_file  # type: ignore[import-not-found,unused-ignore]

    rubric: Rubric = load_rubric_file(path)
    return rubric


def answer_text(criterion: Criterion) -> str:
    """An answer that exercises text handling: a leading '=', non-ASCII, new lines and a trailing space."""
    text = f"=Our answer to {criterion.id}: housing first — café £5 ✓ 'quoted' & <tagged>\nSecond line\n\n  Indented "
    limit = criterion.word_limit
    return text if limit is None or len(text.split()) <= limit else " ".join(text.split()[:limit])


def good_bid(rubric: Rubric) -> FilledBid:
    """A clean bid for any rubric, with every criterion kind filled in."""
    commitments: dict[str, CellInput] = {}
    for c in rubric.criteria:
        if c.kind == CriterionKind.COMMITMENT:
            unit = rubric.measure(c.measure).unit if c.measure else Unit.COUNT
            commitments[c.id] = Decimal(20) if c.id == rubric.vcse_criterion else UNIT_VALUES[unit]
    return FilledBid(
        bidder={
            "organisation_name": "Test Bidder Ltd",
            "company_number": "09876543",
            "charity_number": "NIC100123",
            "contact_name": "Sam Example",
            "email": "sam@test-bidder.example.org",
            "address": "1 High Street\nLeeds LS1 1AA",
        },
        answers={c.id: answer_text(c) for c in rubric.criteria if c.kind == CriterionKind.SCORED},
        declarations={c.id: c.expected for c in rubric.criteria if c.kind == CriterionKind.PASS_FAIL},
        commitments=commitments,
        price_lines=PRICE if needs_pricing(rubric) else (),
        partners=PARTNERS,
    )


def expected_response(rubric: Rubric, bid: FilledBid, bid_id: str = "bid-1") -> BidResponse:
    """The ``BidResponse`` reading ``bid`` must give back, value for value."""
    partners = tuple(
        VcsePartner(
            str(p.name),
            Decimal(str(p.value_gbp)),
            identifier=str(p.identifier).upper() if p.identifier else None,
            role=str(p.role) if p.role else None,
            pathway=str(p.pathway) if p.pathway else None,
        )
        for p in bid.partners
    )
    return BidResponse(
        bid_id=bid_id,
        bidder=str(bid.bidder["organisation_name"]),
        declarations=dict(bid.declarations),  # type: ignore[arg-type]
        commitments=dict(bid.commitments),  # type: ignore[arg-type]
        price=sum((Decimal(str(amount)) for _d, amount in bid.price_lines), Decimal(0))
        if needs_pricing(rubric)
        else None,
        answers=dict(bid.answers),  # type: ignore[arg-type]
        vcse_partners=partners,
    )
