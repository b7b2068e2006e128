"""Bid spreadsheets: the response template a tender issues, and the reader that turns a filled one back into a
validated ``BidResponse`` or errors that name their cells. Pure functions of bytes and core objects: no Flask,
no database.
"""

from tenderscore.sheets.demo import DemoBid, demo_bids
from tenderscore.sheets.fill import FilledBid, Formula, PartnerRow, fill_template
from tenderscore.sheets.guard import DEFAULT_LIMITS, GuardLimits, WorkbookRejected, check_defusedxml, guard_workbook
from tenderscore.sheets.layout import TemplateIdentity, TemplateLayout, template_layout
from tenderscore.sheets.reader import read_workbook
from tenderscore.sheets.reading import BidderDetails, CellError, WorkbookReading
from tenderscore.sheets.selfcheck import GateResult, Outcome, SelfCheckResult, gate_results, self_check
from tenderscore.sheets.writer import write_template

__all__ = [
    "DEFAULT_LIMITS",
    "BidderDetails",
    "CellError",
    "DemoBid",
    "FilledBid",
    "Formula",
    "GateResult",
    "GuardLimits",
    "Outcome",
    "PartnerRow",
    "SelfCheckResult",
    "TemplateIdentity",
    "TemplateLayout",
    "WorkbookReading",
    "WorkbookRejected",
    "check_defusedxml",
    "demo_bids",
    "fill_template",
    "gate_results",
    "guard_workbook",
    "read_workbook",
    "self_check",
    "template_layout",
    "write_template",
]
