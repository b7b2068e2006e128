"""The award path's documents: the contract award notice (s.50), the contract details notice (s.53) and the
standstill letter (s.51), read back from the PDF; and what their builders refuse to print."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from tenderscore.core.award import (
    AwardCriterion,
    AwardNotice,
    BidStatistics,
    Commitment,
    ContractNotice,
    Kpi,
    Lot,
    OrgIdentifier,
    Party,
    StandstillLetter,
    TenderNotice,
    standstill_end,
)
from tenderscore.reports import (
    ReportError,
    StandstillLetterView,
    TenderFacts,
    award_notice_pdf,
    build_award_notice,
    build_contract_notice,
    build_standstill_letter,
    render_document,
    render_html,
    render_many,
)

from .conftest import Pdf, read

D = Decimal
REFERENCE = "NEPR-2026-031"
TITLE = "Resettlement accommodation support: North East"
BUYER = "North East Probation Region Commissioning Unit"
CHAIN_HEAD = "4f1e0c9b8a7d6e5f40312a1b0c9d8e7f6a5b4c3d2e1f00918273645546372819"
GENERATED_AT = datetime(2026, 12, 17, 11, 0, tzinfo=UTC)
# Thursday 17 December 2026. Christmas Day (Friday) and the substitute Boxing Day (Monday 28th) are bank holidays in
# England and Wales, so the 8 working days are 17, 18, 21, 22, 23, 24, 29 and 30 December.
PUBLISHED = datetime(2026, 12, 17, 10, 30, tzinfo=UTC)
HOLIDAYS = {date(2026, 12, 25), date(2026, 12, 28)}
ENDS = standstill_end(PUBLISHED, HOLIDAYS)
HOSTILE = 'Funding was cut <script>alert(1)</script> </style><b>bold</b> & "quoted"'


def _party(key: str, name: str, *ids: OrgIdentifier, sme: bool | None = None, vcse: bool | None = None) -> Party:
    return Party(key, name, ids, vcse=vcse, sme=sme)


WINNER = _party(
    "GB-COH-08123456",
    "Northern Resettlement Partnership Ltd",
    OrgIdentifier("GB-COH", "08123456"),
    OrgIdentifier("GB-CHC", "1187654"),
    sme=True,
    vcse=True,
)
TENDERERS = (
    WINNER,
    _party("GB-COH-07654321", "Pathways Consortium", OrgIdentifier("GB-COH", "07654321"), sme=True, vcse=False),
    _party("GB-COH-01234567", "Beacon Justice Services Ltd", OrgIdentifier("GB-COH", "01234567"), sme=False),
    _party("tenderscore-org-9", "Unity Rehabilitation CIC"),
)
TENDER_NOTICE = TenderNotice(
    ocid="ocds-h6vhtk-0a1b2c",
    reference=REFERENCE,
    title=TITLE,
    description="Accommodation support for people leaving prison in the North East.",
    buyer=_party("GB-GOR-PB1234", BUYER, OrgIdentifier("GB-GOR", "PB1234")),
    value=D("4500000"),
    published_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC),
    deadline=datetime(2026, 10, 30, 12, 0, tzinfo=UTC),
    lots=(Lot("1", "Whole contract", D("4500000"), (AwardCriterion("q1", "Quality", "quality", D(50)),)),),
)
AWARD = AwardNotice(
    tender=TENDER_NOTICE,
    award_id="ocds-h6vhtk-0a1b2c-award-7",
    status="pending",
    decided_at=datetime(2026, 12, 14, 15, 0, tzinfo=UTC),
    supplier=WINNER,
    tenderers=TENDERERS,
    value=D("4187654.32"),
    assessment_summaries_sent_at=datetime(2026, 12, 16, 16, 0, tzinfo=UTC),
    standstill_start=PUBLISHED,
    standstill_end=ENDS,
    statistics=BidStatistics(4, 2, 1, datetime(2026, 10, 30, 12, 5, tzinfo=UTC)),
)
FACTS = TenderFacts(
    reference=REFERENCE,
    title=TITLE,
    buyer=BUYER,
    estimated_value=D("4500000"),
    deadline=datetime(2026, 10, 30, 12, 0, tzinfo=UTC),
    published_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC),
    status="awarded",
    rubric_hash="ab" * 32,
    awarded_bidder=WINNER.name,
)
KPIS = (
    Kpi(
        "kpi-1",
        "Settled accommodation on release",
        "People released to the service who are in settled accommodation on the night of release.",
        "90",
        "percent",
    ),
    Kpi(
        "kpi-2",
        "Referral response",
        "Time from a referral to the first contact with the person.",
        "within 5 working days",
    ),
    Kpi("kpi-3", "Spend with VCSE partners", "Paid to VCSE partners in each contract year.", "250000", "gbp"),
)
COMMITMENTS = (
    Commitment("sv_vcse", "VCSE share of the contract price", D("15"), "percent"),
    Commitment("sv_jobs", "Jobs for people with convictions", D("3.5"), "fte"),
    Commitment("sv_local", "Spend with North East suppliers", D("120000"), "gbp"),
)
CONTRACT = ContractNotice(
    award=replace(AWARD, status="active"),
    contract_id="ocds-h6vhtk-0a1b2c-contract-7",
    title="Resettlement accommodation support: North East, 2027 to 2030",
    value=D("4187654.32"),
    start=date(2027, 2, 1),
    end=date(2030, 1, 31),
    signed_on=date(2027, 1, 4),
    published_at=datetime(2027, 1, 11, 9, 0, tzinfo=UTC),
    kpis=KPIS,
    commitments=COMMITMENTS,
)
BIG_WITHOUT_KPIS = replace(CONTRACT, value=D("6000000"), kpis=(), no_kpis_reason=HOSTILE, commitments=())
WITHDRAWN = replace(
    AWARD,
    status="cancelled",
    withdrawn_at=datetime(2026, 12, 22, 9, 15, tzinfo=UTC),
    withdrawn_reason=f"An error was found in the price evaluation. {HOSTILE}",
)
WHERE = "on the tender's page in tenderscore (/tenders/3), under 'Your documents'."
SECOND = StandstillLetter(
    award=AWARD,
    bidder="Pathways Consortium",
    compliant=True,
    rank=2,
    total="72.83",
    winner_total="84.02",
    exclusions=(),
    summary_sent_at=datetime(2026, 12, 16, 16, 5, tzinfo=UTC),
    summary_where=WHERE,
)
EXCLUDED = replace(
    SECOND,
    bidder="Unity <b>Rehabilitation</b> CIC",
    compliant=False,
    rank=None,
    total=None,
    exclusions=("VCSE share 14% is below the mandatory minimum of 15%", HOSTILE),
)


def _letter(letter: StandstillLetter, compliant_bids: int | None = 3) -> StandstillLetterView:
    return build_standstill_letter(letter, FACTS, generated_at=GENERATED_AT, compliant_bids=compliant_bids)


@pytest.fixture(scope="module")
def award() -> Pdf:
    return read(render_document(build_award_notice(AWARD, FACTS, generated_at=GENERATED_AT, chain_head=CHAIN_HEAD)))


@pytest.fixture(scope="module")
def withdrawn() -> Pdf:
    view = build_award_notice(WITHDRAWN, FACTS, generated_at=GENERATED_AT, chain_head=None)
    return read(render_document(view))


@pytest.fixture(scope="module")
def contract() -> Pdf:
    view = build_contract_notice(CONTRACT, FACTS, generated_at=GENERATED_AT, chain_head=CHAIN_HEAD)
    return read(render_document(view))


@pytest.fixture(scope="module")
def without_kpis() -> Pdf:
    view = build_contract_notice(BIG_WITHOUT_KPIS, FACTS, generated_at=GENERATED_AT, chain_head=CHAIN_HEAD)
    return read(render_document(view))


@pytest.fixture(scope="module")
def letters() -> dict[str, Pdf]:
    views = [_letter(SECOND), _letter(EXCLUDED)]
    return {view.bidder: read(rendered) for view, rendered in render_many(views, workers=2, timeout=60)}


@pytest.fixture(scope="module")
def second(letters: dict[str, Pdf]) -> Pdf:
    return letters[SECOND.bidder]


@pytest.fixture(scope="module")
def excluded(letters: dict[str, Pdf]) -> Pdf:
    return letters[EXCLUDED.bidder]


# -- the standstill end ---------------------------------------------------------------------------------------------


def test_the_standstill_skips_the_christmas_bank_holidays() -> None:
    assert ENDS == datetime(2026, 12, 31, 0, 0, tzinfo=UTC)  # midnight at the end of Wednesday 30 December
    assert standstill_end(PUBLISHED, set()) == datetime(2026, 12, 29, 0, 0, tzinfo=UTC)


# -- contract award notice ------------------------------------------------------------------------------------------


def test_award_notice_names_buyer_tender_supplier_and_exact_value(award: Pdf) -> None:
    flat = award.flat
    assert "CONTRACT AWARD NOTICE" in flat
    assert BUYER in flat and TITLE in flat and REFERENCE in flat
    assert f"{BUYER} intends to award this contract to Northern Resettlement Partnership Ltd" in flat
    assert "Value of the award £4,187,654.32" in flat
    assert "Companies House 08123456" in flat and "Charity Commission 1187654" in flat
    assert "Award decision 14 December 2026" in flat
    assert "Lot 1: Whole contract" in flat
    assert "ocds-h6vhtk-0a1b2c-award-7" in flat


def test_award_notice_counts_the_tenders_and_when_summaries_were_sent(award: Pdf) -> None:
    flat = award.flat
    assert (
        "Tenders assessed 4, of which 2 from small and medium-sized enterprises (SMEs) and 1 from voluntary, "
        "community and social enterprises (VCSEs)"
    ) in flat
    assert "Assessment summaries sent 16 December 2026" in flat
    assert "Pathways Consortium" not in flat  # counts, not the other bidders' names


def test_award_notice_states_the_standstill_as_a_lawyer_reads_it(award: Pdf) -> None:
    flat = award.flat
    assert (
        "8 working days (days other than Saturdays, Sundays and bank holidays) beginning with 17 December 2026, "
        "the day this notice was published (Procurement Act 2023, section 51)" in flat
    )
    assert "It ends at midnight at the end of 30 December 2026 (UK time)." in flat
    assert (
        "The contract will not be entered into before the standstill period ends, so not before 31 December "
        "2026." in flat
    )
    assert "Notice published 17 December 2026, 10:30am GMT" in flat
    assert "Status The contract has not yet been entered into" in flat
    assert "WITHDRAWN" not in flat


@pytest.mark.parametrize(
    ("pdf", "doctype"), [("award", "Contract award notice"), ("contract", "Contract details notice")]
)
def test_running_header_footer_and_chain_head(pdf: str, doctype: str, request: pytest.FixtureRequest) -> None:
    notice: Pdf = request.getfixturevalue(pdf)
    count = len(notice.pages)
    for number, page in enumerate(notice.pages, start=1):
        assert f"Page {number} of {count}" in page
        assert f"Generated 17 December 2026, 11:00am GMT · audit chain head {CHAIN_HEAD[:16]}…" in page
        if number > 1:
            assert REFERENCE in page.splitlines()[0] and doctype in page.splitlines()[0]
    assert CHAIN_HEAD in notice.flat  # in full, at the end


def test_withdrawn_award_notice_says_so_with_date_and_reason(withdrawn: Pdf) -> None:
    first = " ".join(withdrawn.pages[0].split())
    assert "AWARD WITHDRAWN" in first
    assert "This award was withdrawn on 22 December 2026, 9:15am GMT" in withdrawn.flat
    assert withdrawn.contains(f"An error was found in the price evaluation. {HOSTILE}")
    assert "was to end at midnight at the end of 30 December 2026 (UK time)" in withdrawn.flat
    assert "will not be entered into before the standstill period ends" not in withdrawn.flat
    assert "Supplier named in the withdrawn award" in withdrawn.flat
    for page in withdrawn.pages:
        assert "AWARD WITHDRAWN" in page
    assert "audit chain head" not in withdrawn.flat  # none was given


@pytest.mark.parametrize("pdf", ["award", "contract", "second"])
def test_tagged_pdf_ua_with_title_author_and_language(pdf: str, request: pytest.FixtureRequest) -> None:
    rendered: Pdf = request.getfixturevalue(pdf)
    reader = PdfReader(io.BytesIO(rendered.rendered.pdf))
    info = reader.metadata
    assert info is not None and info.author == BUYER
    assert info.title is not None and info.title.endswith(f"– {REFERENCE} {TITLE}")
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    assert rendered.rendered.fetches == ()
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    assert REFERENCE in text and "Northern Resettlement Partnership Ltd" in text


# -- contract details notice ----------------------------------------------------------------------------------------


def test_contract_notice_supplier_value_period_and_dates(contract: Pdf) -> None:
    flat = contract.flat
    assert "CONTRACT DETAILS NOTICE" in flat
    assert f"{BUYER} has entered into a contract with Northern Resettlement Partnership Ltd" in flat
    assert "Value of the contract £4,187,654.32" in flat
    assert "Contract period 1 February 2027 to 31 January 2030" in flat
    assert "Entered into 4 January 2027" in flat
    assert "Companies House 08123456" in flat
    assert "Contract award notice published 17 December 2026, 10:30am GMT" in flat
    assert "Standstill period ended midnight at the end of 30 December 2026 (UK time)" in flat
    assert "Value of the award" not in flat  # the same as the contract's


def test_contract_notice_kpi_table(contract: Pdf) -> None:
    flat = contract.flat  # cell by cell, row by row
    assert "Indicator Description Target" in flat
    assert f"Settled accommodation on release {KPIS[0].description} 90%" in flat
    assert f"Referral response {KPIS[1].description} within 5 working days" in flat
    assert f"Spend with VCSE partners {KPIS[2].description} £250,000" in flat


def test_contract_notice_carries_the_commitments_as_promised(contract: Pdf) -> None:
    flat = contract.flat
    assert "VCSE share of the contract price 15%" in flat
    assert "Jobs for people with convictions 3.5 FTE" in flat
    assert "Spend with North East suppliers £120,000" in flat


def test_contract_notice_without_kpis_gives_the_reason_as_text(without_kpis: Pdf) -> None:
    flat = without_kpis.flat
    assert "No key performance indicators were set" in flat
    assert without_kpis.contains(HOSTILE)
    assert "Value of the contract £6,000,000" in flat
    assert "Value of the award £4,187,654.32" in flat
    assert "made no social-value or VCSE commitments" in flat


def test_a_small_contract_without_kpis_says_none_were_required() -> None:
    view = build_contract_notice(replace(CONTRACT, kpis=()), FACTS, generated_at=GENERATED_AT, chain_head=None)
    assert view.kpis == () and not view.no_kpis_is_reason
    assert "£5,000,000 or less" in view.no_kpis


# -- standstill letter ----------------------------------------------------------------------------------------------


def test_letter_tells_the_bidder_the_outcome_and_their_rank(second: Pdf) -> None:
    flat = second.flat
    assert "STANDSTILL LETTER" in flat
    assert "To Pathways Consortium" in flat
    assert (
        "Your tender was not successful We intend to award the contract to Northern Resettlement "
        "Partnership Ltd." in flat
    )
    assert "Your tender scored 72.83 points out of 100 and was ranked 2nd of 3 compliant tenders." in flat
    assert "The winning tender scored 84.02 points out of 100." in flat


def test_letter_points_to_the_summary_and_the_standstill(second: Pdf) -> None:
    flat = second.flat
    assert "Your assessment summary was sent to you on 16 December 2026." in flat
    assert "You will find it on the tender's page in tenderscore (/tenders/3), under 'Your documents'." in flat
    assert "ends at midnight at the end of 30 December 2026 (UK time)" in flat
    assert "the time in which to raise any concerns about this decision" in flat
    for page in second.pages:
        assert "Standstill letter to Pathways Consortium" in page


def test_letter_gives_no_other_bidders_scores(second: Pdf) -> None:
    flat = second.flat
    for other in ("Beacon Justice", "Unity Rehabilitation", "68.33"):
        assert other not in flat


def test_letter_to_an_excluded_bidder_says_why(excluded: Pdf) -> None:
    flat = excluded.flat
    assert excluded.contains(f"To {EXCLUDED.bidder}")
    assert "Your tender was excluded and was not ranked" in flat
    assert "VCSE share 14% is below the mandatory minimum of 15%" in flat
    assert excluded.contains(HOSTILE)
    assert "ranked 2nd" not in flat


def test_letter_without_the_count_of_compliant_tenders() -> None:
    assert _letter(SECOND, None).rank == "2nd among the compliant tenders"


# -- hostile text is text -------------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_in_the_html() -> None:
    views = [
        build_award_notice(WITHDRAWN, FACTS, generated_at=GENERATED_AT, chain_head=None),
        build_contract_notice(BIG_WITHOUT_KPIS, FACTS, generated_at=GENERATED_AT, chain_head=None),
        _letter(EXCLUDED),
    ]
    for view in views:
        html = render_html(view)
        assert html.count("<style>") == 1 and html.count("</style>") == 1
        assert "<script" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;/style&gt;&lt;b&gt;bold&lt;/b&gt; &amp;" in html


def test_the_pdf_function() -> None:
    view = build_award_notice(AWARD, FACTS, generated_at=GENERATED_AT, chain_head=None)
    assert award_notice_pdf(view, timeout=60).startswith(b"%PDF-")


# -- refusals ---------------------------------------------------------------------------------------------------------


def _award(notice: AwardNotice) -> object:
    return build_award_notice(notice, FACTS, generated_at=GENERATED_AT, chain_head=None)


def _contract(notice: ContractNotice) -> object:
    return build_contract_notice(notice, FACTS, generated_at=GENERATED_AT, chain_head=None)


@pytest.mark.parametrize(
    ("notice", "message"),
    [
        (replace(AWARD, standstill_end=datetime(2026, 12, 24, 0, 0, tzinfo=UTC)), "shorter than 8 working days"),
        (replace(AWARD, standstill_end=datetime(2026, 12, 30, 17, 0, tzinfo=UTC)), "must end at midnight"),
        (
            replace(AWARD, assessment_summaries_sent_at=datetime(2026, 12, 17, 11, 0, tzinfo=UTC)),
            "before the assessment summaries were sent",
        ),
        (replace(AWARD, status="cancelled"), "record when and why"),
        (replace(WITHDRAWN, withdrawn_reason="  "), "record when and why"),
        (replace(AWARD, statistics=replace(AWARD.statistics, sme_final_stage=5)), "5 tenders from SMEs, of 4"),
        (replace(AWARD, tenderers=TENDERERS[1:]), "3 tenderers are listed but 4"),
        (replace(AWARD, tenderers=(*TENDERERS[1:], replace(WINNER, key="other"))), "is not among the tenderers"),
        (replace(AWARD, related_lot="2"), "lot 2 is not a lot"),
        (replace(AWARD, tender=replace(TENDER_NOTICE, reference="OTHER-1")), "about tender OTHER-1"),
    ],
)
def test_award_notice_refusals(notice: AwardNotice, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        _award(notice)


@pytest.mark.parametrize(
    ("notice", "message"),
    [
        (replace(BIG_WITHOUT_KPIS, no_kpis_reason=None), "needs at least 3 KPIs, or the reason"),
        (replace(BIG_WITHOUT_KPIS, no_kpis_reason=" ", kpis=KPIS[:2]), "needs at least 3 KPIs; this one has 2"),
        (replace(CONTRACT, signed_on=date(2026, 12, 30)), "must not be entered into before then"),
        (replace(CONTRACT, award=WITHDRAWN), "the award was withdrawn"),
        (replace(CONTRACT, published_at=datetime(2027, 1, 3, 9, 0, tzinfo=UTC)), "before the contract was entered"),
        (replace(CONTRACT, end=date(2027, 1, 31)), "ends .* before it starts"),
    ],
)
def test_contract_notice_refusals(notice: ContractNotice, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        _contract(notice)


def test_a_contract_may_be_entered_into_the_day_the_standstill_ends() -> None:
    view = _contract(replace(CONTRACT, signed_on=date(2026, 12, 31), published_at=datetime(2026, 12, 31, tzinfo=UTC)))
    assert view is not None


@pytest.mark.parametrize(
    ("letter", "compliant_bids", "message"),
    [
        (replace(SECOND, bidder=" northern  resettlement partnership LTD"), 3, "only to unsuccessful bidders"),
        (replace(SECOND, award=WITHDRAWN), 3, "no standstill is running"),
        (replace(EXCLUDED, exclusions=()), 3, "give the reason for each exclusion"),
        (replace(SECOND, rank=None), 3, "needs its rank and total"),
        (replace(SECOND, rank=4), 3, "rank 4 of 3"),
        (SECOND, 5, "5 compliant tenders, but 4 were assessed"),
        (replace(SECOND, summary_where=" "), 3, "where the bidder finds"),
        (replace(SECOND, summary_sent_at=datetime(2026, 12, 18, tzinfo=UTC)), 3, "it must be sent first"),
    ],
)
def test_standstill_letter_refusals(letter: StandstillLetter, compliant_bids: int, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        _letter(letter, compliant_bids)
