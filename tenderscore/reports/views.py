"""View models: every value a report prints, already formatted, as frozen dataclasses of plain values.

Templates only lay these out; they compute nothing. Numbers are strings rounded for display (2 dp half-up) by the
builders; rankings were decided on unrounded values by the core. Text a bidder or evaluator wrote stays exactly as
written here and is escaped by the templates (autoescape), never marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentMeta:
    """PDF metadata: title, author (the buyer), subject, language; and when the document was generated."""

    title: str
    author: str
    subject: str
    generated_at: str  # UK time, e.g. "23 November 2026, 15:20 GMT"
    lang: str = "en-GB"


@dataclass(frozen=True)
class TenderView:
    """The tender as the cover and headings print it."""

    reference: str
    title: str
    buyer: str
    estimated_value: str
    deadline: str
    published: str
    status: str
    rubric_hash: str
    awarded_bidder: str
    award_decision: str = ""


@dataclass(frozen=True)
class ScaleLevelView:
    score: int
    descriptor: str


@dataclass(frozen=True)
class CriterionMethodView:
    """One criterion of the published method."""

    id: str
    title: str
    kind: str
    weight: str
    how: str
    formula: str
    available: str
    disqualifies: str
    pathway: str


@dataclass(frozen=True)
class SectionMethodView:
    title: str
    category: str
    weight: str
    criteria: tuple[CriterionMethodView, ...]


@dataclass(frozen=True)
class MethodologyView:
    """Criteria with weights, the scale with descriptors, formulas, disqualifying failures and the tie-break."""

    sections: tuple[SectionMethodView, ...]
    scale_max: int
    scale: tuple[ScaleLevelView, ...]
    disqualifying: tuple[str, ...]
    tie_break: str
    total_weight: str


@dataclass(frozen=True)
class MissingConsensusView:
    """One compliant bid still waiting for consensus scores, and on which criteria."""

    bidder: str
    criteria: str  # the criteria's titles, joined: "Settled accommodation; Children and families"


@dataclass(frozen=True)
class RecommendationView:
    """The recommended bid of a final result, or why there is none (``bidder`` empty)."""

    bidder: str
    total: str
    text: str


@dataclass(frozen=True)
class ComplianceRowView:
    bidder: str
    compliant: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ComplianceView:
    """Section 3: how many tenders passed every gate, and every excluded tender with every reason.

    A compliant tender's result is its place in the ranked results and its entry in Appendix A, so the section
    grows with the exclusions, not with the competition.
    """

    summary: str  # "3 of 5 tenders passed every compliance gate and are ranked in section 4."
    excluded: tuple[ComplianceRowView, ...]


@dataclass(frozen=True)
class MatrixRowView:
    """One ranked bid: rank, points per section, total and price."""

    rank: str
    bidder: str
    sections: tuple[str, ...]
    total: str
    price: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class MatrixView:
    section_headers: tuple[str, ...]
    rows: tuple[MatrixRowView, ...]


@dataclass(frozen=True)
class IndividualScoreView:
    evaluator: str
    score: str


@dataclass(frozen=True)
class ScoreRowView:
    """One bid's consensus on one scored criterion, with the evaluators' individual scores behind it."""

    criterion: str
    weight: str
    score: str
    points: str
    reason: str
    individual: tuple[IndividualScoreView, ...]
    spread: str
    spread_flagged: bool
    missing: bool


@dataclass(frozen=True)
class CriterionSummaryView:
    """Section 5: one scored criterion across every tender (each tender's scores are in Appendix A)."""

    title: str
    section: str
    weight: str
    recorded: str  # "480 of 500 tenders"
    spreads: str  # tenders whose evaluators differ by two or more steps here: "12 tenders", or "None"


@dataclass(frozen=True)
class CommitmentColumnView:
    title: str
    threshold: str  # "at least 15%" or ""


@dataclass(frozen=True)
class CommitmentCellView:
    value: str
    points: str
    status: str  # "Met", "Below" or "" when the criterion has no mandatory minimum


@dataclass(frozen=True)
class SocialValueRowView:
    bidder: str
    cells: tuple[CommitmentCellView, ...]
    vcse_share: str
    vcse_partners: str
    vcse_status: str  # "Met", "Below" or ""
    note: str


@dataclass(frozen=True)
class SocialValueView:
    """Commitments and the VCSE share per bid against the mandatory threshold."""

    columns: tuple[CommitmentColumnView, ...]
    rows: tuple[SocialValueRowView, ...]
    vcse_threshold: str  # "15%" or "" when none is mandatory


@dataclass(frozen=True)
class FlagView:
    bidder: str
    kind: str
    message: str


@dataclass(frozen=True)
class PartnerLineView:
    """One named VCSE partner in a tender's entry: its part, its standing on the register, its answer."""

    name: str
    identifier: str
    role: str
    value: str  # "£150,000"
    share: str  # "6.03%" of the price, or "—"
    standing: str  # "Verified VCSE", "Registered but unverified", "Unknown to the register"
    counts: bool
    confirmation: str  # "Confirmed", "Refused", "Not yet answered", "Not asked (not on the register)"
    problem: bool  # refused, or does not count: shown as a problem in words


@dataclass(frozen=True)
class ConfirmationRecordView:
    """One partner's answer as the records section lists it."""

    bidder: str
    partner: str  # "Aldergate Housing Trust (GB-CHC-1290417)"
    answer: str
    answered_at: str  # UK time, or "—"
    note: str


@dataclass(frozen=True)
class ClarificationAnswerView:
    heading: str  # "Answered 2 December 2026, 3:00pm GMT, to every bidder"
    answer: str


@dataclass(frozen=True)
class ClarificationLogView:
    """One clarification question as the records section lists it."""

    asked: str
    asker: str
    question: str  # as asked
    published_as: str  # the published wording when it differs from the question as asked, else ""
    published: bool
    answers: tuple[ClarificationAnswerView, ...]
    changes: tuple[str, ...]


@dataclass(frozen=True)
class BidEntryView:
    """Appendix A's entry for one tender: where it stands, why it was excluded, its flags and every score.

    This is the record a challenge about one tender asks for, in one place; the main part of the report stays a
    summary whose length grows with the ranking, not with bids times criteria.
    """

    number: str  # "A1", in the order of the ranked results, then the excluded tenders
    anchor: str  # the HTML id the contents and cross-references point at; never printed
    bidder: str
    standing: str  # "Ranked 1st of 3 compliant tenders with 84.02 points; price £4,180,000."
    compliant: bool
    exclusions: tuple[str, ...]
    flags: tuple[FlagView, ...]
    scores: tuple[ScoreRowView, ...]
    partners: tuple[PartnerLineView, ...] = ()
    partners_summary: str = ""  # "2 of 3 partners count (verified VCSE partners only): £150,000, 7.50% of the price"


@dataclass(frozen=True)
class SensitivityView:
    robust: bool | None  # None: not computed (e.g. provisional)
    summary: str


@dataclass(frozen=True)
class PanelMemberView:
    name: str
    role: str
    declaration: str
    declared_at: str
    conflicts: str


@dataclass(frozen=True)
class EvaluationReportView:
    """The tender evaluation report a director signs."""

    meta: DocumentMeta
    tender: TenderView
    provisional: bool
    missing: tuple[MissingConsensusView, ...]
    recommendation: RecommendationView
    methodology: MethodologyView
    compliance: ComplianceView
    matrix: MatrixView
    chart_svg: str  # our own SVG markup (markupsafe.Markup): every text in it was escaped when it was drawn
    chart_caption: str
    criteria: tuple[CriterionSummaryView, ...]
    social_value: SocialValueView
    sensitivity: SensitivityView
    flags: tuple[FlagView, ...]  # flags about a whole bid (abnormally low price, VCSE share disagreement)
    spreads: str  # the evaluator spreads in one paragraph (each is marked by its score in Appendix A), or ""
    panel: tuple[PanelMemberView, ...]
    chain_head: str
    entries: tuple[BidEntryView, ...]  # Appendix A
    vcse_counting: str = ""  # which partners count, in words: "verified VCSE partners only"
    confirmations: tuple[ConfirmationRecordView, ...] = ()  # every partner asked, for the records section
    confirmations_summary: str = ""
    clarifications: tuple[ClarificationLogView, ...] = ()  # every clarification question, for the records section
    clarifications_summary: str = ""


@dataclass(frozen=True)
class SummaryCriterionView:
    """One criterion of an assessment summary: reg. 31's title, importance, method, scores available, score, reason."""

    id: str
    title: str
    weight: str
    kind: str
    how: str
    available: str
    score: str  # "4 of 5", "Pass", "19%", "£3,960,000"
    descriptor: str  # the scale's words for a scored criterion's score, else ""
    points: str
    reason: str


@dataclass(frozen=True)
class SummarySectionView:
    title: str
    weight: str
    subtotal: str
    criteria: tuple[SummaryCriterionView, ...]


@dataclass(frozen=True)
class TenderScoresView:
    """One tender's scores and reasons, section by section."""

    bidder: str
    sections: tuple[SummarySectionView, ...]
    total: str
    rank: str


@dataclass(frozen=True)
class AssessmentSummaryView:
    """The assessment summary one supplier receives (reg. 31 of the Procurement Regulations 2024)."""

    meta: DocumentMeta
    tender: TenderView
    bid_id: str
    bidder: str
    compliant: bool
    exclusions: tuple[str, ...]
    own: TenderScoresView
    is_winner: bool
    winner: TenderScoresView | None  # None when this bidder is the winner
    scale_max: int
    scale: tuple[ScaleLevelView, ...]
    standstill: str
    partners: str = ""  # which of this bidder's VCSE partners counted under the tender's rule, in one paragraph
    lot_rule: str = ""  # how the tender's limit on lots won decided this lot, when it did (docs/lots.md)
    passed_over: bool = False  # this bidder ranked above the winner but had reached that limit


@dataclass(frozen=True)
class SelfCheckErrorView:
    location: str  # sheet!cell as Excel writes it, e.g. 'Social value'!D7
    criterion: str
    message: str


@dataclass(frozen=True)
class GateView:
    label: str
    outcome: str  # "Passed", "Not passed", "Decided after the deadline"
    ok: bool  # False only for a gate not passed
    detail: str


@dataclass(frozen=True)
class SelfCheckPartnerView:
    location: str  # the partner's identifier cell
    name: str
    identifier: str
    value: str  # "£150,000.05"
    standing: str  # "Verified VCSE", "Registered but unverified", "Unknown to the register", "Not looked up..."
    counts: str  # "Yes", "No", "Decided at evaluation"


@dataclass(frozen=True)
class SelfCheckView:
    """What a bidder's self-check found, for the bidder to keep; nothing of the workbook was stored."""

    meta: DocumentMeta
    tender: TenderView
    bidder: str
    file_name: str
    checked_at: str
    rejected: str  # why the whole file was refused, or ""
    errors: tuple[SelfCheckErrorView, ...]
    gates: tuple[GateView, ...]
    notes: tuple[str, ...]
    ready: bool
    verdict: str
    nothing_stored: str
    partners: tuple[SelfCheckPartnerView, ...] = ()
    warnings: tuple[SelfCheckErrorView, ...] = ()
