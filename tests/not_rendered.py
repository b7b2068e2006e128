"""PDFs made without rendering, for tests that count queries or sweep routes after every access check: the report
services still gather everything and check who may see it; only WeasyPrint's render (the slow part, which runs no
query) is replaced. What the PDFs hold is checked in tests/reports."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tenderscore.services import reports

BODY = b"%PDF-1.7 not rendered in this test"


def pdf(render: object) -> bytes:
    return BODY


def many(views: Any, **_: Any) -> Iterator[tuple[Any, Any]]:
    for view in views:
        yield view, SimpleNamespace(pdf=pdf(view), pages=1, fetches=())


def skip_rendering(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(reports, "_render", pdf)
    patch.setattr(reports, "render_many", many)
