"""Reports: plain-value view models -> Jinja HTML -> WeasyPrint PDF, fetching nothing from outside.

Build a view model from core objects (``build_evaluation_report``, ``build_assessment_summary``,
``build_self_check_report``), then render it (``evaluation_report_pdf`` etc., or ``render_many`` for a batch).
"""

from __future__ import annotations

from .assessment_summary import build_assessment_summary
from .batch import render_many
from .chart import Bar, stacked_bar_svg
from .errors import MissingReasonError, ProvisionalResultError, RenderFailed, RenderTimeout, ReportError
from .evaluation_report import build_evaluation_report
from .facts import (
    ConsensusRecord,
    IndividualScore,
    PanelMember,
    SelfCheckGate,
    SelfCheckLine,
    SensitivityFinding,
    TenderFacts,
)
from .fetcher import AssetFetcher, FetchRecord
from .render import (
    DEFAULT_TIMEOUT,
    assessment_summary_pdf,
    close_renderer,
    evaluation_report_pdf,
    render_document,
    render_pdf,
    self_check_pdf,
)
from .self_check import build_self_check_report
from .templating import render_html
from .views import AssessmentSummaryView, EvaluationReportView, SelfCheckView
from .worker import Rendered

__all__ = [
    "DEFAULT_TIMEOUT",
    "AssessmentSummaryView",
    "AssetFetcher",
    "Bar",
    "ConsensusRecord",
    "EvaluationReportView",
    "FetchRecord",
    "IndividualScore",
    "MissingReasonError",
    "PanelMember",
    "ProvisionalResultError",
    "RenderFailed",
    "RenderTimeout",
    "Rendered",
    "ReportError",
    "SelfCheckGate",
    "SelfCheckLine",
    "SelfCheckView",
    "SensitivityFinding",
    "TenderFacts",
    "assessment_summary_pdf",
    "build_assessment_summary",
    "build_evaluation_report",
    "build_self_check_report",
    "close_renderer",
    "evaluation_report_pdf",
    "render_document",
    "render_html",
    "render_many",
    "render_pdf",
    "self_check_pdf",
    "stacked_bar_svg",
]
