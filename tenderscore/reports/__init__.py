"""Reports: plain-value view models -> Jinja HTML -> WeasyPrint PDF, fetching nothing from outside.

Build a view model from core objects (``build_evaluation_report``, ``build_assessment_summary``,
``build_self_check_report``; for the award path ``build_award_notice``, ``build_contract_notice``,
``build_standstill_letter``; in delivery ``build_performance_notice``), then render it (``evaluation_report_pdf``
etc., or ``render_many`` for a batch).
"""

from __future__ import annotations

from .assessment_summary import build_assessment_summary
from .batch import render_many
from .chart import Bar, stacked_bar_svg
from .errors import MissingReasonError, ProvisionalResultError, RenderFailed, RenderTimeout, ReportError
from .evaluation_report import build_evaluation_report
from .facts import (
    ClarificationAnswerRecord,
    ClarificationRecord,
    ConfirmationRecord,
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    SelfCheckGate,
    SelfCheckLine,
    SelfCheckPartner,
    SensitivityFinding,
    TenderFacts,
)
from .fetcher import AssetFetcher, FetchRecord
from .notice_views import (
    AwardNoticeView,
    CommitmentView,
    ContractNoticeView,
    KpiResultView,
    KpiView,
    PartyView,
    PerformanceNoticeView,
    PeriodRatingView,
    StandstillLetterView,
    StandstillView,
    WithdrawalView,
)
from .notices import build_award_notice, build_contract_notice, build_standstill_letter
from .performance_notice import build_performance_notice
from .render import (
    DEFAULT_TIMEOUT,
    assessment_summary_pdf,
    award_notice_pdf,
    close_renderer,
    contract_notice_pdf,
    evaluation_report_pdf,
    performance_notice_pdf,
    render_document,
    render_pdf,
    self_check_pdf,
    standstill_letter_pdf,
)
from .self_check import build_self_check_report
from .templating import render_html
from .views import AssessmentSummaryView, EvaluationReportView, SelfCheckView
from .worker import Rendered

__all__ = [
    "DEFAULT_TIMEOUT",
    "AssessmentSummaryView",
    "AssetFetcher",
    "AwardNoticeView",
    "Bar",
    "CommitmentView",
    "ClarificationAnswerRecord",
    "ClarificationRecord",
    "ConfirmationRecord",
    "ConsensusRecord",
    "ContractNoticeView",
    "EvaluationReportView",
    "FetchRecord",
    "IndividualScore",
    "KpiResultView",
    "KpiView",
    "MissingReasonError",
    "PanelMember",
    "PartyView",
    "PerformanceNoticeView",
    "PeriodRatingView",
    "ProvisionalResultError",
    "RenderFailed",
    "RenderTimeout",
    "Rendered",
    "ReportError",
    "SelfCheckGate",
    "SelfCheckLine",
    "SelfCheckPartner",
    "SelfCheckView",
    "SensitivityFinding",
    "StandstillLetterView",
    "StandstillView",
    "TenderFacts",
    "WithdrawalView",
    "assessment_summary_pdf",
    "award_notice_pdf",
    "build_assessment_summary",
    "build_award_notice",
    "build_contract_notice",
    "build_evaluation_report",
    "build_performance_notice",
    "build_self_check_report",
    "build_standstill_letter",
    "close_renderer",
    "contract_notice_pdf",
    "evaluation_report_pdf",
    "performance_notice_pdf",
    "render_document",
    "render_html",
    "render_many",
    "render_pdf",
    "self_check_pdf",
    "stacked_bar_svg",
    "standstill_letter_pdf",
]
