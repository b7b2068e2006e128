"""Build the tender evaluation report's view model from the core's evaluation and the records around it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from tenderscore.core.numbers import display, money, plural
from tenderscore.core.register import Confirmation, Counting
from tenderscore.core.responses import BidResponse, ScoreKey
from tenderscore.core.results import BidResult, Evaluation, FlagCode
from tenderscore.core.rubric import Rubric
from tenderscore.core.ukdates import uk_time
from tenderscore.core.vcse import PartnerLine, counted_summary, partner_lines

from .chart import Bar, stacked_bar_svg
from .clarification_log import clarification_log, clarification_summary
from .common import document_meta, methodology_view, tender_view
from .consensus import check_consensus, criterion_summaries, score_rows
from .errors import ReportError
from .facts import (
    ClarificationRecord,
    ConfirmationRecord,
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    SensitivityFinding,
    TenderFacts,
)
from .social_value import social_value_view
from .text import ordinal, points, pounds, weight
from .views import (
    BidEntryView,
    ComplianceRowView,
    ComplianceView,
    ConfirmationRecordView,
    EvaluationReportView,
    FlagView,
    MatrixRowView,
    MatrixView,
    MissingConsensusView,
    PanelMemberView,
    PartnerLineView,
    RecommendationView,
    SensitivityView,
)

FLAG_NAMES = {
    FlagCode.ABNORMALLY_LOW_PRICE: "Abnormally low price",
    FlagCode.EVALUATOR_SPREAD: "Evaluator spread",
    FlagCode.CONSENSUS_MISSING: "Consensus missing",
    FlagCode.VCSE_SHARE_DISAGREEMENT: "VCSE share disagreement",
    FlagCode.VCSE_PARTNERS_NOT_COUNTED: "VCSE partners not counted",
    FlagCode.VCSE_PARTNER_REFUSED: "VCSE partner refused",
    FlagCode.VCSE_PARTNER_UNCONFIRMED: "VCSE partners not yet confirmed",
}
_MATRIX_FLAGS = (FlagCode.ABNORMALLY_LOW_PRICE,)
_BID_FLAGS = (FlagCode.ABNORMALLY_LOW_PRICE, FlagCode.VCSE_SHARE_DISAGREEMENT, FlagCode.VCSE_PARTNERS_NOT_COUNTED,
              FlagCode.VCSE_PARTNER_REFUSED)  # listed in section 7; the rest in each tender's Appendix A entry
# The chart draws at most this many bars: the highest-ranked tenders, each bar still readable on one A4 page. The
# ranked results table above it gives every tender's figures.
CHART_BARS = 25
# Section 7 names the tenders with evaluator spreads when there are at most this many; otherwise it counts them.
SPREAD_NAMES = 10


def build_evaluation_report(
    rubric: Rubric,
    evaluation: Evaluation,
    responses: Sequence[BidResponse],
    *,
    tender: TenderFacts,
    panel: Sequence[PanelMember],
    consensus: Mapping[ScoreKey, ConsensusRecord],
    sensitivity: SensitivityFinding | None,
    chain_head: str,
    generated_at: datetime,
    unmoderated: Mapping[ScoreKey, Sequence[IndividualScore]] | None = None,
    confirmations: Sequence[ConfirmationRecord] = (),
    clarifications: Sequence[ClarificationRecord] = (),
) -> EvaluationReportView:
    """The evaluation report of ``tender``: everything issue 5 lists (docs/scoring.md), for print.

    ``consensus`` holds the moderated records behind ``evaluation``; ``unmoderated`` the evaluators' scores of
    criteria still awaiting consensus (shown while the result is provisional). ``sensitivity`` is the core's finding
    for a final result, or ``None``. Raises ``ReportError`` when a consensus record disagrees with the evaluation.
    """
    check_consensus(evaluation, consensus)
    _check_responses(evaluation, responses)
    by_id = {b.bid_id: b for b in responses}
    ranks = Counter(r.rank for r in evaluation.ranked)
    return EvaluationReportView(
        meta=document_meta(tender, "Tender evaluation report", _subject(evaluation), generated_at),
        tender=tender_view(tender),
        provisional=evaluation.provisional,
        missing=_missing(rubric, evaluation),
        recommendation=_recommendation(evaluation),
        methodology=methodology_view(rubric),
        compliance=_compliance(evaluation),
        matrix=_matrix(rubric, evaluation, ranks),
        chart_svg=_chart(rubric, evaluation),
        chart_caption=_chart_caption(evaluation),
        criteria=criterion_summaries(rubric, evaluation, consensus),
        social_value=social_value_view(rubric, evaluation, responses),
        sensitivity=_sensitivity(evaluation, sensitivity),
        flags=tuple(flag for result in evaluation.results for flag in _bid_flags(result)),
        spreads=_spreads(evaluation),
        panel=tuple(_panel_member(m) for m in panel),
        chain_head=chain_head,
        entries=tuple(
            _entry(index, rubric, evaluation, result, ranks, consensus, unmoderated or {}, by_id.get(result.bid_id))
            for index, result in enumerate(evaluation.results, start=1)
        ),
        vcse_counting=Counting(rubric.vcse_counting).words,
        confirmations=_confirmations(evaluation, confirmations),
        confirmations_summary=_confirmations_summary(confirmations),
        clarifications=clarification_log(clarifications),
        clarifications_summary=clarification_summary(clarifications),
    )


def _subject(evaluation: Evaluation) -> str:
    state = "provisional results" if evaluation.provisional else "final results"
    return f"Evaluation of {plural(len(evaluation.results), 'tender')}: compliance, scores, ranking ({state})"


def _check_responses(evaluation: Evaluation, responses: Sequence[BidResponse]) -> None:
    given = {b.bid_id for b in responses}
    evaluated = {r.bid_id for r in evaluation.results}
    if given != evaluated:
        raise ReportError(
            f"the responses given ({', '.join(sorted(given)) or 'none'}) are not the bids evaluated "
            f"({', '.join(sorted(evaluated)) or 'none'})"
        )


def _missing(rubric: Rubric, evaluation: Evaluation) -> tuple[MissingConsensusView, ...]:
    """Each bid still waiting for consensus scores, once, with the criteria it waits on (in the core's order)."""
    waiting: dict[str, list[str]] = {}
    for bid_id, criterion_id in evaluation.missing_consensus:
        waiting.setdefault(bid_id, []).append(rubric.criterion(criterion_id).title)
    return tuple(
        MissingConsensusView(evaluation.result(bid_id).bidder, "; ".join(titles)) for bid_id, titles in waiting.items()
    )


def _compliance(evaluation: Evaluation) -> ComplianceView:
    total, compliant = len(evaluation.results), len(evaluation.ranked)
    excluded = total - compliant
    if not total:
        summary = "No tender was received."
    elif not excluded:
        summary = f"Every tender received ({total}) passed every compliance gate; each is ranked in section 4."
    else:
        if total == 1:
            passed = "The one tender received did not pass every compliance gate, so none is ranked."
        elif not compliant:
            passed = f"None of the {total} tenders passed every compliance gate, so none is ranked."
        elif compliant == 1:
            passed = f"1 of the {plural(total, 'tender')} passed every compliance gate and is ranked in section 4."
        else:
            passed = f"{compliant} of the {total} tenders passed every compliance gate and are ranked in section 4."
        these = "This tender was" if excluded == 1 else f"These {excluded} tenders were"
        summary = f"{passed} {these} excluded, for every reason given:"
    return ComplianceView(
        summary,
        tuple(
            ComplianceRowView(r.bidder, r.compliant, tuple(e.reason for e in r.exclusions))
            for r in evaluation.excluded
        ),
    )


def _rank_label(result: BidResult, ranks: Counter[int | None]) -> str:
    """``1``, or ``=2`` when the rank is shared; empty for an excluded bid."""
    if result.rank is None:
        return ""
    return f"={result.rank}" if ranks[result.rank] > 1 else str(result.rank)


def _matrix(rubric: Rubric, evaluation: Evaluation, ranks: Counter[int | None]) -> MatrixView:
    sections = [s for s in rubric.sections if s.weight > 0]
    return MatrixView(
        section_headers=tuple(f"{s.title} ({weight(s.weight)})" for s in sections),
        rows=tuple(_matrix_row(r, ranks, [s.id for s in sections]) for r in evaluation.ranked),
    )


def _chart(rubric: Rubric, evaluation: Evaluation) -> str:
    sections = [s for s in rubric.sections if s.weight > 0]
    drawn = evaluation.ranked[:CHART_BARS]
    return stacked_bar_svg(
        [Bar(r.bidder, tuple(r.section_points.get(s.id, Decimal(0)) for s in sections)) for r in drawn],
        [s.title for s in sections],
        title=_chart_title(evaluation),
    )


def _chart_title(evaluation: Evaluation) -> str:
    ranked = len(evaluation.ranked)
    if ranked <= CHART_BARS:
        return "Points by section for each compliant tender, in rank order"
    return f"Points by section for the {CHART_BARS} highest-ranked of {ranked} compliant tenders, in rank order"


def _chart_caption(evaluation: Evaluation) -> str:
    if len(evaluation.ranked) <= CHART_BARS:
        return f"{_chart_title(evaluation)}. The table above gives the same figures."
    return f"{_chart_title(evaluation)}. The table above gives every compliant tender's figures."


def _matrix_row(result: BidResult, ranks: Counter[int | None], section_ids: list[str]) -> MatrixRowView:
    return MatrixRowView(
        rank=_rank_label(result, ranks),
        bidder=result.bidder,
        sections=tuple(points(result.section_points.get(s, Decimal(0))) for s in section_ids),
        total=points(result.total),
        price=pounds(result.price),
        flags=tuple(FLAG_NAMES[f.code] for f in result.flags if f.code in _MATRIX_FLAGS),
    )


def _recommendation(evaluation: Evaluation) -> RecommendationView:
    if evaluation.provisional:
        return RecommendationView("", "", "No recommendation can be made while the results are provisional.")
    leaders = evaluation.leaders
    if not leaders:
        return RecommendationView("", "", "No tender is compliant, so no award can be recommended.")
    if len(leaders) > 1:
        names = " and ".join(r.bidder for r in leaders)
        return RecommendationView(
            "",
            points(leaders[0].total),
            f"The tenders of {names} share first place with {points(leaders[0].total)} points after the published "
            "tie-break order. The officer must resolve the tie before any award.",
        )
    winner = leaders[0]
    text = f"Award the contract to {winner.bidder}, whose tender is the most advantageous with {points(winner.total)} "
    runners = [r for r in evaluation.ranked if r.rank == 2]
    if runners:
        margin = winner.total - runners[0].total
        text += f"points out of 100, {points(margin)} points ahead of the tender ranked second ({runners[0].bidder})."
    else:
        text += "points out of 100; it is the only compliant tender."
    return RecommendationView(winner.bidder, points(winner.total), text)


def _sensitivity(evaluation: Evaluation, finding: SensitivityFinding | None) -> SensitivityView:
    if evaluation.provisional:
        return SensitivityView(
            None,
            "The result's robustness is tested only once the result is final. It will be reported here when every "
            "consensus score has been recorded.",
        )
    if finding is None:
        return SensitivityView(None, "No sensitivity analysis was supplied for this report.")
    return SensitivityView(finding.robust, finding.summary)


def _bid_flags(result: BidResult) -> tuple[FlagView, ...]:
    """The flags about a bid as a whole (an abnormally low price, a VCSE share that disagrees with its partners)."""
    return tuple(FlagView(result.bidder, FLAG_NAMES[f.code], f.message) for f in result.flags if f.code in _BID_FLAGS)


def _entry_flags(result: BidResult) -> tuple[FlagView, ...]:
    """All of a bid's flags for its Appendix A entry; its evaluator spreads in one line."""
    views = list(_bid_flags(result))
    views += [FlagView(result.bidder, FLAG_NAMES[f.code], f.message)
              for f in result.flagged(FlagCode.VCSE_PARTNER_UNCONFIRMED)]  # fmt: skip
    spreads = result.flagged(FlagCode.EVALUATOR_SPREAD)
    if len(spreads) == 1:
        views.append(FlagView(result.bidder, FLAG_NAMES[FlagCode.EVALUATOR_SPREAD], spreads[0].message))
    elif spreads:
        views.append(
            FlagView(
                result.bidder,
                FLAG_NAMES[FlagCode.EVALUATOR_SPREAD],
                f"Evaluators' scores differ by two or more steps on {len(spreads)} criteria: each is marked next to "
                "its score below; discuss them before recording the consensus.",
            )
        )
    return tuple(views)


def _spreads(evaluation: Evaluation) -> str:
    """Section 7's paragraph on evaluator spreads: how many, on which tenders (named when few), where to look."""
    flagged = [(r, n) for r in evaluation.results if (n := len(r.flagged(FlagCode.EVALUATOR_SPREAD)))]
    if not flagged:
        return ""
    scores = sum(n for _, n in flagged)
    text = (
        f"Evaluators' scores differ by two or more steps on {plural(scores, 'score')} of "
        f"{plural(len(flagged), 'tender')}"
    )
    if len(flagged) <= SPREAD_NAMES:
        text += ": " + "; ".join(f"{r.bidder} ({plural(n, 'criterion', 'criteria')})" for r, n in flagged)
    return (
        f"{text}. Section 5 counts them by criterion; each is marked next to its score in the tender's entry in "
        "Appendix A. Discuss them before recording the consensus."
    )


def _standing(result: BidResult, ranks: Counter[int | None], ranked: int) -> str:
    if result.rank is None:
        return "It earns no points and is not ranked, for every reason below:"
    shared = " (shared)" if ranks[result.rank] > 1 else ""
    return (
        f"Ranked {ordinal(result.rank)}{shared} of {plural(ranked, 'compliant tender')} with "
        f"{points(result.total)} points out of 100; price {pounds(result.price)}."
    )


def _entry(
    index: int,
    rubric: Rubric,
    evaluation: Evaluation,
    result: BidResult,
    ranks: Counter[int | None],
    consensus: Mapping[ScoreKey, ConsensusRecord],
    unmoderated: Mapping[ScoreKey, Sequence[IndividualScore]],
    response: BidResponse | None = None,
) -> BidEntryView:
    lines = partner_lines(rubric, response) if response is not None else ()
    return BidEntryView(
        number=f"A{index}",
        anchor=f"tender-{index}",
        bidder=result.bidder,
        standing=_standing(result, ranks, len(evaluation.ranked)),
        compliant=result.compliant,
        exclusions=tuple(e.reason for e in result.exclusions),
        flags=_entry_flags(result),
        scores=score_rows(rubric, result, consensus, unmoderated),
        partners=tuple(_partner_line(line) for line in lines),
        partners_summary=counted_summary(rubric, response) if response is not None and lines else "",
    )


def _partner_line(line: PartnerLine) -> PartnerLineView:
    return PartnerLineView(
        name=line.name, identifier=line.identifier, role=line.role, value=money(line.value_gbp),
        share=f"{display(line.share)}%" if line.share is not None else "—",
        standing=line.standing[:1].upper() + line.standing[1:], counts=line.counts,
        confirmation=line.confirmation[:1].upper() + line.confirmation[1:],
        problem=line.refused or not line.counts,
    )  # fmt: skip


def _confirmations(
    evaluation: Evaluation, records: Sequence[ConfirmationRecord]
) -> tuple[ConfirmationRecordView, ...]:
    """Every partner asked, bid by bid in the order of the results."""
    order = {r.bid_id: i for i, r in enumerate(evaluation.results)}
    bidders = {r.bid_id: r.bidder for r in evaluation.results}
    kept = sorted((r for r in records if r.bid_id in order), key=lambda r: order[r.bid_id])
    return tuple(
        ConfirmationRecordView(
            bidders[r.bid_id], f"{r.partner} ({r.identifier})", _answer_words(r.status),
            uk_time(r.answered_at) if r.answered_at is not None else "—", r.note,
        )  # fmt: skip
        for r in kept
    )


def _answer_words(status: str) -> str:
    words = Confirmation(status).words if status in tuple(Confirmation) else status
    return words[:1].upper() + words[1:]


def _confirmations_summary(records: Sequence[ConfirmationRecord]) -> str:
    if not records:
        return "No VCSE partner was asked to confirm its part."
    counts = Counter(r.status for r in records)
    parts = [f"{n} {Confirmation(s).words}" for s, n in counts.items() if s in tuple(Confirmation)]
    return (
        f"{plural(len(records), 'named partner')} across the tenders: {', '.join(parts)}. Partners on the VCSE "
        "register were asked to confirm their role and £ value when each tender was received; answers given after "
        "the award decision do not count for it."
    )


def _panel_member(member: PanelMember) -> PanelMemberView:
    return PanelMemberView(
        name=member.name,
        role=member.role,
        declaration=member.declaration or "No declaration recorded.",
        declared_at=uk_time(member.declared_at) if member.declared_at is not None else "Not declared",
        conflicts=", ".join(member.conflicts) if member.conflicts else "None",
    )
