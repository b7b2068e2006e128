"""Pieces every report shares: the tender as printed, document metadata, the published method and scale."""

from __future__ import annotations

from datetime import datetime

from tenderscore.core.rubric import CriterionKind, Rubric
from tenderscore.core.ukdates import uk_date, uk_time

from .facts import TenderFacts
from .methodology import describe
from .text import CATEGORY_NAMES, KIND_NAMES, pounds, tie_break_words, weight
from .views import CriterionMethodView, DocumentMeta, MethodologyView, ScaleLevelView, SectionMethodView, TenderView


def tender_view(tender: TenderFacts) -> TenderView:
    """The tender's facts, formatted for print (UK dates, exact £)."""
    return TenderView(
        reference=tender.reference,
        title=tender.title,
        buyer=tender.buyer,
        estimated_value=pounds(tender.estimated_value) if tender.estimated_value is not None else "",
        deadline=uk_time(tender.deadline),
        published=uk_date(tender.published_at) if tender.published_at is not None else "",
        status=tender.status.replace("_", " ").capitalize(),
        rubric_hash=tender.rubric_hash,
        awarded_bidder=tender.awarded_bidder or "",
        award_decision=tender.award_decision or "",
    )


def document_meta(tender: TenderFacts, doctype: str, subject: str, generated_at: datetime) -> DocumentMeta:
    """Metadata for a document about ``tender``: title "<doctype> – <reference>", the buyer as author."""
    return DocumentMeta(
        title=f"{doctype} – {tender.reference} {tender.title}",
        author=tender.buyer,
        subject=subject,
        generated_at=uk_time(generated_at),
    )


def scale_levels(rubric: Rubric) -> tuple[ScaleLevelView, ...]:
    """Every whole step of the scale with its descriptor (an undescribed step still appears)."""
    return tuple(
        ScaleLevelView(score, rubric.scale.descriptor(score) or "—") for score in range(rubric.scale.maximum + 1)
    )


def methodology_view(rubric: Rubric) -> MethodologyView:
    """The published method: sections, criteria, weights, formulas, scale, disqualifying failures, tie-break."""
    sections = []
    disqualifying = []
    for section in rubric.sections:
        criteria = []
        for criterion in section.criteria:
            method = describe(rubric, criterion)
            criteria.append(
                CriterionMethodView(
                    id=criterion.id,
                    title=criterion.title,
                    kind=KIND_NAMES[criterion.kind],
                    weight=weight(criterion.weight) if criterion.kind is not CriterionKind.PASS_FAIL else "—",
                    how=method.how,
                    formula=method.formula,
                    available=method.available,
                    disqualifies=method.disqualifies,
                    pathway=criterion.pathway or "",
                )
            )
            if method.disqualifies:
                disqualifying.append(f"{criterion.title}: {method.disqualifies}")
        sections.append(
            SectionMethodView(section.title, CATEGORY_NAMES[section.category], weight(section.weight), tuple(criteria))
        )
    return MethodologyView(
        sections=tuple(sections),
        scale_max=rubric.scale.maximum,
        scale=scale_levels(rubric),
        disqualifying=tuple(disqualifying),
        tie_break=tie_break_words(rubric.tie_break),
        total_weight=weight(rubric.total_weight),
    )
