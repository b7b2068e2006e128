"""Jinja: view model -> HTML. Autoescape is on for every template; nothing a bidder wrote is ever marked safe.

Templates live in the app's top-level ``templates/reports/`` folder (the product card's layout, resolved from the
checkout, which is installed editable). The reports' CSS is in the same folder and inlined into each document's
``<style>``, so a render needs no stylesheet fetch.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .notice_views import AwardNoticeView, ContractNoticeView, PerformanceNoticeView, StandstillLetterView
from .views import AssessmentSummaryView, EvaluationReportView, SelfCheckView

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"

View = (
    EvaluationReportView
    | AssessmentSummaryView
    | SelfCheckView
    | AwardNoticeView
    | ContractNoticeView
    | StandstillLetterView
    | PerformanceNoticeView
)

TEMPLATE_OF: dict[type, str] = {
    EvaluationReportView: "evaluation_report.html",
    AssessmentSummaryView: "assessment_summary.html",
    SelfCheckView: "self_check.html",
    AwardNoticeView: "award_notice.html",
    ContractNoticeView: "contract_notice.html",
    StandstillLetterView: "standstill_letter.html",
    PerformanceNoticeView: "performance_notice.html",
}


@lru_cache(maxsize=4)
def environment(folder: Path = TEMPLATES) -> Environment:
    """The reports' Jinja environment: autoescape always on, undefined names fail loudly, templates compiled once."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_html(view: View, folder: Path = TEMPLATES) -> str:
    """The complete HTML document of ``view`` (CSS inlined, no external references)."""
    template = environment(folder).get_template(TEMPLATE_OF[type(view)])
    return template.render(view=view, meta=view.meta)
