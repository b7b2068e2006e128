"""Fixtures for the reports engine: the demo tender (final and provisional), its views, PDFs and their text."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tenderscore.reports import (
    AssessmentSummaryView,
    EvaluationReportView,
    Rendered,
    build_assessment_summary,
    build_evaluation_report,
    close_renderer,
    render_document,
)

from .demo_data import DemoTender, demo_tender


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF and its text, page by page, as poppler's pdftotext reads it."""

    rendered: Rendered
    pages: list[str]  # laid out as on the page (pdftotext -layout): table rows stay on one line
    raw: str  # in content-stream order (pdftotext -raw), which follows the document: a cell's text stays together

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def flat(self) -> str:
        """The text in document order with every run of whitespace made one space, so wrapped phrases can be found."""
        return " ".join(self.raw.split())

    def contains(self, phrase: str) -> bool:
        """Whether ``phrase`` is printed, ignoring whitespace (a line may break after any '/' of a URL)."""
        return "".join(phrase.split()) in "".join(self.raw.split())


def pdf_text(pdf: bytes, mode: str = "-layout") -> str:
    """The PDF's text as poppler's pdftotext reads it; pages are separated by form feeds."""
    out = subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode("utf-8")


def read(rendered: Rendered) -> Pdf:
    """A rendered document with its text extracted."""
    return Pdf(rendered, pdf_text(rendered.pdf).split("\f")[:-1], pdf_text(rendered.pdf, "-raw"))


def evaluation_view(demo: DemoTender) -> EvaluationReportView:
    return build_evaluation_report(
        demo.rubric,
        demo.evaluation,
        demo.responses,
        tender=demo.tender,
        panel=demo.panel,
        consensus=demo.consensus,
        sensitivity=demo.sensitivity,
        chain_head=demo.chain_head,
        generated_at=demo.generated_at,
    )


def summary_view(demo: DemoTender, bid_id: str) -> AssessmentSummaryView:
    return build_assessment_summary(
        demo.rubric,
        demo.evaluation,
        demo.responses,
        bid_id=bid_id,
        tender=demo.tender,
        consensus=demo.consensus,
        generated_at=demo.generated_at,
    )


@pytest.fixture(scope="session", autouse=True)
def _stop_render_worker() -> Iterator[None]:
    yield
    close_renderer()


@pytest.fixture(scope="session")
def final() -> DemoTender:
    return demo_tender(5)


@pytest.fixture(scope="session")
def provisional() -> DemoTender:
    return demo_tender(5, missing=2)


@pytest.fixture(scope="session")
def final_report(final: DemoTender) -> Pdf:
    return read(render_document(evaluation_view(final)))


@pytest.fixture(scope="session")
def provisional_report(provisional: DemoTender) -> Pdf:
    return read(render_document(evaluation_view(provisional)))
