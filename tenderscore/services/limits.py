"""The limits every door shares: how long typed text may be, what it may hold, and a tender reference's form.

The services apply them, so a page, the API and the command line accept and refuse exactly the same input; the API
schemas name the same numbers so that the OpenAPI document tells clients the truth.
"""

from __future__ import annotations

import re

from tenderscore.services.errors import ServiceError

REFERENCE_MAX = 50
# Runs of letters and digits joined by single hyphens, full stops or underscores: a reference is part of file names
# and URLs, so it never holds a space, a line break, a slash or "..".
REFERENCE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")  # also a valid ECMA-262 pattern (OpenAPI)
REFERENCE_RULE = "1 to 50 letters and digits, joined by single hyphens, full stops or underscores (like NWPR-2026-014)"
NAME_MAX = 200  # people, organisations, policies
TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
REASON_MAX = 10_000  # the reason for a score, a consensus or an award: it may quote the bid
STATEMENT_MAX = 2_000  # declarations, conflicts, reasons for changing a record
CLARIFICATION_MAX = 5_000  # a clarification question, its published wording, an answer

# C0 control characters other than tab, line feed and carriage return: never part of anything a person typed, and
# NUL breaks PostgreSQL's JSON and text functions.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def written(
    value: object, field: str, what: str, *, maximum: int, required: bool = True, single_line: bool = False
) -> str:
    """``value`` with surrounding spaces removed, or a ServiceError for ``field`` saying what to fix.

    ``what`` names the thing in the message ("the reason for this score"). Text must hold more than spaces when
    ``required``, be at most ``maximum`` characters and contain no control characters (no line breaks at all when
    ``single_line``).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not isinstance(value, str) or (required and not text):
        raise ServiceError(f"{field}: enter {what}", field=field)
    if len(text) > maximum:
        raise ServiceError(
            f"{field}: {what} must be {maximum:,} characters or fewer (it has {len(text):,})", field=field
        )
    if _CONTROL.search(text) or (single_line and ("\n" in text or "\r" in text)):
        raise ServiceError(f"{field}: {what} contains a control character or line break; remove it", field=field)
    return text


def reference(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ServiceError("reference: enter a reference", field="reference")
    if len(text) > REFERENCE_MAX or not REFERENCE.fullmatch(text):
        raise ServiceError(f"reference: use {REFERENCE_RULE}", field="reference")
    return text
