"""What a use-case refuses, in words a user can act on. The web maps each to an HTTP status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class ServiceError(Exception):
    """A refusal the user can understand; ``status`` is the HTTP status the web layer answers with.

    By convention a message about one field starts with that field's name (``"reason: enter the reason..."``), so
    the API can say which field and a page can put the words next to it.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    @property
    def problems(self) -> list[tuple[str | None, str]]:
        """Each problem as (field, plain words): the field's name is taken off the front of its message."""
        return [(self.field, _words(self.field, self.message))]


def _words(field: str | None, message: str) -> str:
    if field and message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    return message[:1].upper() + message[1:]


class Invalid(ServiceError):
    """Several problems with one form or request, all reported at once (GOV.UK: tell people every error)."""

    status = 400

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self._problems = [(field, _words(field, message)) for field, message in problems]
        first = problems[0][0] if problems else None
        messages = [f"{field}: {message}" for field, message in self._problems]
        super().__init__("; ".join(messages), field=first, details=messages)

    @property
    def problems(self) -> list[tuple[str | None, str]]:
        return list(self._problems)


class Problems:
    """Collects every problem with what a person sent before refusing it, so they are told all of them at once."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def check(self, check: Callable[[], T]) -> T | None:
        """The result of ``check()``, or None after noting the problems it raised."""
        try:
            return check()
        except Invalid as exc:
            self.found.extend((f or "", m) for f, m in exc.problems)
        except ServiceError as exc:
            if type(exc) not in (ServiceError, Unprocessable):
                raise  # not found, forbidden, a conflict: not a mistake in the form
            self.found.extend((f or "", m) for f, m in exc.problems)
        return None

    def add(self, field: str, message: str) -> None:
        self.found.append((field, message))

    def raise_any(self) -> None:
        if self.found:
            raise Invalid(self.found)


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


class RefusedWorkbook(RecordedRefusal, Unprocessable):
    """A submitted workbook that cannot be accepted (errors by cell, or not a safe workbook at all)."""

    status = 422
