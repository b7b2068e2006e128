"""The evaluation report: the right names, scores, totals, ranks, reasons and thresholds, read back from the PDF."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tenderscore.core.numbers import display
from tenderscore.reports import ReportError, build_evaluation_report

from .conftest import Pdf, evaluation_view
from .demo_data import DemoTender


def test_cover_names_the_tender_and_recommends_the_winner(final_report: Pdf) -> None:
    cover = " ".join(final_report.pages[0].split())
    assert "TENDER EVALUATION REPORT" in cover
    assert "Resettlement Innovation Partner: North East probation region" in cover
    assert "PRB-NE-2026-014" in cover
    assert "North East Probation Region Commissioning Unit" in cover
    assert "Award the contract to Northern Resettlement Partnership" in cover
    assert "84.02 points out of 100, 11.19 points ahead" in cover


def test_ranked_matrix_prints_rank_sections_total_and_price(final_report: Pdf) -> None:
    text = final_report.text
    northern = r"^\s*1\s+Northern Resettlement Partnership\s+45\.00\s+20\.00\s+19\.02\s+84\.02\s+£4,180,000"
    assert re.search(northern, text, re.MULTILINE)
    pathways = r"^\s*2\s+Pathways Consortium .*38\.00\s+14\.75\s+20\.08\s+72\.83\s+£3,960,000"
    assert re.search(pathways, text, re.MULTILINE)
    assert re.search(
        r"^\s*3\s+Beacon Justice Services Ltd.*28\.00\s+10\.33\s+30\.00\s+68\.33\s+£2,650,000", text, re.MULTILINE
    )


def test_totals_are_the_evaluations_rounded_half_up(final: DemoTender, final_report: Pdf) -> None:
    for result in final.evaluation.ranked:
        assert display(result.total) in final_report.text


def test_every_exclusion_reason_is_printed(final: DemoTender, final_report: Pdf) -> None:
    excluded = final.evaluation.excluded
    assert {r.bidder for r in excluded} == {"Unity Rehabilitation CIC", "Meridian Support Services"}
    for result in excluded:
        for exclusion in result.exclusions:
            assert " ".join(exclusion.reason.split()) in final_report.flat
    assert "VCSE share 14% is below the mandatory minimum of 15%" in final_report.flat


def test_methodology_states_formulas_scale_and_what_disqualifies(final_report: Pdf) -> None:
    flat = final_report.flat
    assert "points = lowest compliant price ÷ price × 30" in flat
    assert "points = score ÷ 5 × 15" in flat
    assert "points = value ÷ highest compliant value × 10" in flat
    assert "Excellent: exceeds the requirement, with strong evidence and added value" in flat
    assert "A consensus score below 2 excludes the tender." in flat
    assert "A commitment below the mandatory minimum of 15%, or none, excludes the tender." in flat
    assert "Any answer other than 'Yes', or no answer, excludes the tender." in flat


def test_consensus_reasons_and_evaluators_scores_with_spread_flag(final: DemoTender, final_report: Pdf) -> None:
    flat = final_report.flat
    for record in final.consensus.values():
        assert final_report.contains(record.reason)  # whatever the line breaks (after "12-" in "12-week", say)
    assert "Amara Okafor: 3" in flat and "Jonas Lindqvist: 5" in flat
    assert "Spread 2 steps – flagged" in flat


def test_social_value_against_the_mandatory_vcse_threshold(final_report: Pdf) -> None:
    flat = final_report.flat
    assert "at least 15% of the contract value" in flat
    social = final_report.text[final_report.text.rindex("6. Social value commitments") :]
    unity = next(line for line in social.splitlines() if "Unity Rehabilitation" in line)
    assert "14%" in unity and "14.00%" in unity and "Below" in unity
    northern = next(line for line in social.splitlines() if "Northern Resettlement" in line)
    assert "24%" in northern and "24.00%" in northern and "Met" in northern


def test_flags_sensitivity_panel_and_records(final: DemoTender, final_report: Pdf) -> None:
    flat = final_report.flat
    assert "Abnormally low price" in flat
    assert "below 80% of the median compliant price £3,960,000" in flat
    assert final.sensitivity is not None
    assert " ".join(final.sensitivity.summary.split()) in flat
    assert "I was a trustee of Kestrel Recovery Network until 2024." in flat
    assert "Pathways Consortium" in flat
    assert final.chain_head in flat
    assert "23 November 2026, 3:20pm GMT" in flat
    assert "Approved by" in flat


def test_pages_are_numbered_and_carry_the_reference(final_report: Pdf) -> None:
    count = len(final_report.pages)
    assert count == final_report.rendered.pages > 3
    for number, page in enumerate(final_report.pages, start=1):
        assert f"Page {number} of {count}" in page
        if number > 1:
            assert "PRB-NE-2026-014" in page.splitlines()[0]


def test_final_report_has_no_provisional_banner(final_report: Pdf) -> None:
    assert not any("PROVISIONAL" in page for page in final_report.pages)
    assert "provisional" not in final_report.flat.lower()


def test_provisional_banner_on_every_page_with_what_is_missing(
    provisional: DemoTender, provisional_report: Pdf
) -> None:
    assert provisional.evaluation.provisional
    for page in provisional_report.pages:
        assert "PROVISIONAL" in page
    flat = provisional_report.flat
    assert "These results are provisional" in flat
    assert "No recommendation" not in flat and "Award the contract" not in flat
    status = flat[flat.rindex("1. Status of the evaluation") : flat.rindex("2. How tenders were evaluated")]
    assert "Northern Resettlement Partnership Education, training and employment" in status
    assert "Pathways Consortium (Calder Housing Trust and Kestrel Recovery Network) Education, training" in status
    assert "not for approval" in flat


def test_chart_is_our_svg_and_its_numbers_match_the_matrix(final: DemoTender) -> None:
    view = evaluation_view(final)
    assert view.chart_svg.startswith("<svg")
    for row in view.matrix.rows:
        drawn = re.findall(
            rf'data-bid="{re.escape(row.bidder)}" data-section="[^"]+" data-points="([0-9.]+)"', view.chart_svg
        )
        assert tuple(drawn) == row.sections


def test_metadata_language_and_pdf_ua_tagging(final_report: Pdf) -> None:
    reader = PdfReader(io.BytesIO(final_report.rendered.pdf))
    info = reader.metadata
    assert info is not None
    assert (
        info.title == "Tender evaluation report – PRB-NE-2026-014 Resettlement Innovation Partner: North East "
        "probation region"
    )
    assert info.author == "North East Probation Region Commissioning Unit"
    assert info.subject is not None and "final results" in info.subject
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def _structure(node: Any, found: list[tuple[str, Any]]) -> None:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure(child, found)
        return
    if not hasattr(node, "get"):
        return
    if "/S" in node:
        found.append((str(node["/S"]), node.get("/Alt")))
    if "/K" in node:
        _structure(node["/K"], found)


def test_tagged_structure_has_headings_tables_and_the_chart_with_alternative_text(final_report: Pdf) -> None:
    root: Any = PdfReader(io.BytesIO(final_report.rendered.pdf)).trailer["/Root"]
    found: list[tuple[str, Any]] = []
    _structure(root["/StructTreeRoot"], found)
    kinds = {kind for kind, _ in found}
    assert {"/Document", "/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= kinds
    assert [alt for kind, alt in found if kind == "/Figure"] == [
        "Points by section for each compliant tender, in rank order"
    ]


def test_nothing_is_fetched_for_a_report(final_report: Pdf) -> None:
    assert final_report.rendered.fetches == ()


def test_consensus_record_that_disagrees_with_the_evaluation_is_refused(final: DemoTender) -> None:
    key = next(iter(final.consensus))
    record = final.consensus[key]
    wrong = {**final.consensus, key: type(record)(record.score - 1, record.reason, record.individual)}
    with pytest.raises(ReportError, match=rf"bid {key[0]} .*criterion {key[1]}"):
        build_evaluation_report(
            final.rubric,
            final.evaluation,
            final.responses,
            tender=final.tender,
            panel=final.panel,
            consensus=wrong,
            sensitivity=final.sensitivity,
            chain_head=final.chain_head,
            generated_at=final.generated_at,
        )


INTERNAL_WORDS = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b|\bproportional\b|\blowest[ _]ratio\b|\breg\. 31\b|\bis is\b")


def test_no_internal_ids_method_names_or_repeated_words(
    final: DemoTender, final_report: Pdf, provisional_report: Pdf
) -> None:
    """Readers see titles, units and plain words: never sv_vcse, q_ete, a method's registry name or 'reg. 31'."""
    from tenderscore.reports import render_document

    from .conftest import read, summary_view

    documents = {"final": final_report.flat, "provisional": provisional_report.flat}
    for bid_id in ("B001", "B004"):
        documents[bid_id] = read(render_document(summary_view(final, bid_id))).flat
    for name, flat in documents.items():
        assert INTERNAL_WORDS.findall(flat) == [], name
    assert documents["B004"].count("regulation 31") == 1


def test_robustness_of_a_provisional_result_reads_as_one_plain_sentence(provisional_report: Pdf) -> None:
    flat = provisional_report.flat
    assert "How robust the ranking is is computed" not in flat
    assert (
        "The result's robustness is tested only once the result is final. It will be reported here when every "
        "consensus score has been recorded." in flat
    )


def test_social_value_headings_are_whole_words_not_hyphenated(final: DemoTender) -> None:
    """Section 6's narrow column headings wrap between words; no heading is broken with a hyphen."""
    from dataclasses import replace

    from tenderscore.reports import render_document

    from .conftest import read

    long_titles = {
        "sv_vcse": "Volunteering organisations' share of contract value",
        "sv_jobs": "Employment opportunities for people with convictions",
        "sv_apprentice": "Apprenticeship weeks",
    }
    sections = tuple(
        replace(s, criteria=tuple(replace(c, title=long_titles.get(c.id, c.title)) for c in s.criteria))
        for s in final.rubric.sections
    )
    view = build_evaluation_report(
        replace(final.rubric, sections=sections),
        final.evaluation,
        final.responses,
        tender=final.tender,
        panel=final.panel,
        consensus=final.consensus,
        sensitivity=final.sensitivity,
        chain_head=final.chain_head,
        generated_at=final.generated_at,
    )
    pdf = read(render_document(view))
    social = pdf.text[pdf.text.rindex("6. Social value commitments") : pdf.text.rindex("7. Points for the officer")]
    assert not re.search(r"[A-Za-z]-\s*$", social, re.MULTILINE), social[:1500]
    assert "VCSE minimum of 15%" in pdf.flat


def test_one_of_a_thing_is_singular() -> None:
    from .conftest import summary_view
    from .demo_data import demo_tender

    alone = demo_tender(1)
    assert [r.compliant for r in alone.evaluation.results] == [True]
    assert summary_view(alone, "B001").own.rank == "1st of 1 compliant tender"
    assert evaluation_view(alone).meta.subject == "Evaluation of 1 tender: compliance, scores, ranking (final results)"
