"""The one error the scoring core raises for bad input."""

from __future__ import annotations


class ScoringError(ValueError):
    """Input the core cannot score: a score off the scale, a float, an unknown bid or criterion, an invalid rubric.

    The message names the bid and criterion concerned, so the caller can show it as it is.
    """
