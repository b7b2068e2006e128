"""What a use-case refuses, in words a user can act on. The web maps each to an HTTP status."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal the user can understand; ``status`` is the HTTP status the web layer answers with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    """The request cannot happen in the record's present state (e.g. publishing a tender with policy breaches)."""

    status = 409


class StaleRecord(Conflict):
    """Someone saved the record after this user read it; nothing was overwritten."""


class Unprocessable(ServiceError):
    """The input was read but is not acceptable (a workbook with errors, a score outside the scale)."""

    status = 422


class RecordedRefusal(ServiceError):
    """A refusal that is itself on the record (a sealed bid read, a conflicted evaluator, a late bid).

    The service writes the audit event and then raises this, before changing anything else; the caller that owns
    the transaction commits that event although the request fails (``web/transaction.py``, the CLI's scopes).
    """


class SealedBid(RecordedRefusal, Forbidden):
    """Reading a bid before the deadline has passed and the officer has opened the bids."""

    status = 403


class ConflictedBid(RecordedRefusal, Forbidden):
    """An evaluator asking for the bid of a bidder they declared a conflict of interest with."""

    status = 403


class LateSubmission(RecordedRefusal, Conflict):
    """A bid sent after the deadline (server clock)."""

    status = 409
