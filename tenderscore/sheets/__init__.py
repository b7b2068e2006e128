"""Bid spreadsheets: the response template a tender issues, and the reader that turns a filled one back into a
validated ``BidResponse`` or errors that name their cells. Pure functions of bytes and core objects: no Flask,
no database.

The names below are imported from their modules when first used: reading a workbook (``tenderscore check-bid``)
never loads openpyxl, which only the writer, the filler and the demo bids need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenderscore.sheets.demo import DemoBid, demo_bids
    from tenderscore.sheets.fill import FilledBid, Formula, PartnerRow, fill_template
    from tenderscore.sheets.guard import (
        DEFAULT_LIMITS,
        GuardLimits,
        WorkbookRejected,
        check_defusedxml,
        guard_workbook,
    )
    from tenderscore.sheets.layout import TemplateIdentity, TemplateLayout, template_layout
    from tenderscore.sheets.reader import read_workbook
    from tenderscore.sheets.reading import BidderDetails, CellError, WorkbookReading
    from tenderscore.sheets.selfcheck import GateResult, Outcome, SelfCheckResult, gate_results, self_check
    from tenderscore.sheets.writer import write_template

_MODULES = {
    "demo": ("DemoBid", "demo_bids"),
    "fill": ("FilledBid", "Formula", "PartnerRow", "fill_template"),
    "guard": ("DEFAULT_LIMITS", "GuardLimits", "WorkbookRejected", "check_defusedxml", "guard_workbook"),
    "layout": ("TemplateIdentity", "TemplateLayout", "template_layout"),
    "reader": ("read_workbook",),
    "reading": ("BidderDetails", "CellError", "WorkbookReading"),
    "selfcheck": ("GateResult", "Outcome", "SelfCheckResult", "gate_results", "self_check"),
    "writer": ("write_template",),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once: the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


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
