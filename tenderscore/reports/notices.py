"""Build the award path's documents from ``core.award`` facts: the contract award notice (Procurement Act 2023,
s.50), the contract details notice (s.53) and the standstill letter to an unsuccessful bidder (s.51).

Each builder formats every value (UK dates, exact pounds) and refuses, with ``ReportError``, facts that must not be
printed: a standstill shorter than the Act's 8 working days or not ending at midnight, assessment summaries sent
after the notice, a withdrawal without its date and reason, a contract entered into before the standstill ended, a
contract without the KPIs s.52 requires (or the reason there are none), a standstill letter to the winner.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from tenderscore.core.award import (
    UK,
    AwardNotice,
    ContractNotice,
    Kpi,
    OrgIdentifier,
    Party,
    StandstillLetter,
    TenderNotice,
    ends_in_words,
    kpi_problem,
    last_day,
    standstill_end,
)
from tenderscore.core.numbers import money, plain, quantity
from tenderscore.core.rubric import Unit
from tenderscore.core.ukdates import uk_date, uk_time

from .common import document_meta, tender_view
from .errors import ReportError
from .facts import TenderFacts
from .notice_views import (
    AwardNoticeView,
    CommitmentView,
    ContractNoticeView,
    KpiView,
    PartyView,
    StandstillLetterView,
    StandstillView,
    WithdrawalView,
)
from .text import ordinal

AWARD_NOTICE = "Contract award notice"
CONTRACT_NOTICE = "Contract details notice"
STANDSTILL_LETTER = "Standstill letter"

# org-id.guide schemes a UK buyer meets, by the name of the register that issued the identifier
SCHEMES = {
    "GB-COH": "Companies House",
    "GB-CHC": "Charity Commission",
    "GB-SC": "Scottish Charity Regulator",
    "GB-NIC": "Charity Commission for Northern Ireland",
    "GB-MPR": "Mutuals Public Register",
    "GB-PPON": "Public Procurement Organisation Number",
    "GB-UKPRN": "UK Register of Learning Providers",
    "GB-GOR": "Government Organisation Register",
    "GB-LAE": "Local authority (England)",
    "GB-LAS": "Local authority (Scotland)",
    "GB-LAW": "Local authority (Wales)",
    "GB-LANI": "Local authority (Northern Ireland)",
    "GB-NHS": "NHS organisation code",
}

_STATUS = {
    "pending": "The contract has not yet been entered into",
    "active": "The contract has been entered into",
    "cancelled": "Withdrawn: the contract will not be awarded under this notice",
}

# how a KPI target reads in its unit when the target is not a plain number ("at least 95" percent -> "at least 95%")
_UNIT_WORDS = {
    Unit.PERCENT: "%",
    Unit.GBP: " (£)",
    Unit.FTE: " FTE",
    Unit.WEEKS: " weeks",
    Unit.COUNT: "",
    Unit.TCO2E: " tCO2e",
}


def build_award_notice(
    notice: AwardNotice, tender: TenderFacts, *, generated_at: datetime, chain_head: str | None
) -> AwardNoticeView:
    """The contract award notice of ``notice`` (s.50), withdrawn prominently when the award was withdrawn.

    Raises ``ReportError`` for a notice of another tender, a standstill that is not at least 8 working days ending
    at midnight UK time, assessment summaries sent after the notice was published or a decision after it, a
    withdrawal without its date or reason, bid counts that do not add up, a supplier that did not bid, a negative
    value or an unknown lot.
    """
    _same_tender(notice.tender, tender, AWARD_NOTICE)
    where = f"tender {tender.reference}: the contract award notice"
    standstill = _standstill(notice, where)
    if notice.assessment_summaries_sent_at > notice.standstill_start:
        raise ReportError(
            f"{where} was published {uk_time(notice.standstill_start)}, before the assessment summaries were sent "
            f"({uk_time(notice.assessment_summaries_sent_at)}); they must be sent first (s.50(2))"
        )
    if notice.decided_at > notice.standstill_start:
        raise ReportError(f"{where} was published before the award decision ({uk_time(notice.decided_at)})")
    _check_statistics(notice, where)
    if notice.value < 0:
        raise ReportError(f"{where}: the award value {money(notice.value)} is negative")
    withdrawn = _withdrawal(notice, where)
    subject = f"Award of {tender.reference} to {notice.supplier.name}" + (" (withdrawn)" if withdrawn else "")
    stats = notice.statistics
    return AwardNoticeView(
        meta=document_meta(tender, AWARD_NOTICE, subject, generated_at),
        tender=tender_view(tender),
        award_id=notice.award_id,
        status=_STATUS.get(notice.status, notice.status.capitalize()) if withdrawn is None else _STATUS["cancelled"],
        decided=uk_date(notice.decided_at),
        supplier=party_view(notice.supplier),
        value=money(notice.value),
        lot=_lot(notice, where),
        assessed=str(stats.final_stage),
        sme=str(stats.sme_final_stage),
        vcse=str(stats.vcse_final_stage),
        summaries_sent=uk_date(notice.assessment_summaries_sent_at),
        standstill=standstill,
        withdrawn=withdrawn,
        chain_head=chain_head or "",
    )


def build_contract_notice(
    notice: ContractNotice, tender: TenderFacts, *, generated_at: datetime, chain_head: str | None
) -> ContractNoticeView:
    """The contract details notice of ``notice`` (s.53): supplier, value, period, KPIs or why none, commitments.

    Raises ``ReportError`` for a notice of another tender or of a withdrawn award, KPIs short of s.52 (a contract
    above £5,000,000 with fewer than 3 KPIs, or none and no reason), a contract entered into before the standstill
    ended or published before it was entered into, a period that ends before it starts, or a negative value.
    """
    award = notice.award
    _same_tender(award.tender, tender, CONTRACT_NOTICE)
    where = f"tender {tender.reference}: the contract details notice of {notice.contract_id}"
    if _withdrawal(award, where) is not None:
        raise ReportError(f"{where}: the award was withdrawn, so there is no contract to publish under it")
    standstill = _standstill(award, where)
    problem = kpi_problem(notice.value, len(notice.kpis), notice.no_kpis_reason or "")
    if problem is not None:
        raise ReportError(f"{where}: {problem} (Procurement Act 2023, s.52); record them before publishing")
    if notice.signed_on < award.standstill_end.astimezone(UK).date():
        raise ReportError(
            f"{where}: the contract is dated {uk_date(notice.signed_on)}, but the standstill period ends at "
            f"{standstill.ends}; a contract must not be entered into before then (s.51)"
        )
    if notice.published_at.astimezone(UK).date() < notice.signed_on:
        raise ReportError(
            f"{where}: published {uk_time(notice.published_at)}, before the contract was entered into on "
            f"{uk_date(notice.signed_on)}"
        )
    if notice.end < notice.start:
        raise ReportError(
            f"{where}: the contract ends ({uk_date(notice.end)}) before it starts ({uk_date(notice.start)})"
        )
    if notice.value < 0:
        raise ReportError(f"{where}: the contract value {money(notice.value)} is negative")
    kpis = tuple(KpiView(k.title, k.description, kpi_target(k)) for k in notice.kpis)
    reason = (notice.no_kpis_reason or "").strip()
    if kpis:
        no_kpis, own_words = "", False
    elif reason:
        no_kpis, own_words = notice.no_kpis_reason or "", True
    else:
        no_kpis, own_words = (
            "No KPIs were set. The contract is worth £5,000,000 or less, for which the Procurement Act 2023 (s.52) "
            "does not require them.",
            False,
        )
    return ContractNoticeView(
        meta=document_meta(
            tender, CONTRACT_NOTICE, f"Contract {notice.contract_id} with {award.supplier.name}", generated_at
        ),
        tender=tender_view(tender),
        contract_id=notice.contract_id,
        contract_title=notice.title,
        supplier=party_view(award.supplier),
        value=money(notice.value),
        award_value=money(award.value) if award.value != notice.value else "",
        start=uk_date(notice.start),
        end=uk_date(notice.end),
        signed_on=uk_date(notice.signed_on),
        published=uk_time(notice.published_at),
        kpis=kpis,
        no_kpis=no_kpis,
        no_kpis_is_reason=own_words,
        commitments=tuple(CommitmentView(c.title, commitment_figure(c.value, c.unit)) for c in notice.commitments),
        award_decided=uk_date(award.decided_at),
        standstill=standstill,
        chain_head=chain_head or "",
    )


def build_standstill_letter(
    letter: StandstillLetter,
    tender: TenderFacts,
    *,
    generated_at: datetime,
    compliant_bids: int | None = None,
) -> StandstillLetterView:
    """The standstill letter to one unsuccessful bidder: the outcome, their own result, where their assessment
    summary is, and when the standstill ends. It gives no other bidder's scores but the winning total.

    ``compliant_bids``, when given, is how many compliant tenders were ranked ("2nd of 3 compliant tenders"); the
    letter's facts do not carry it, and without it the rank reads "2nd among the compliant tenders".
    Raises ``ReportError`` for the winning supplier, a withdrawn award, an excluded bid without its reasons, a
    compliant bid without its rank or total, a summary sent after the notice or with nowhere to find it.
    """
    award = letter.award
    _same_tender(award.tender, tender, STANDSTILL_LETTER)
    where = f"tender {tender.reference}: the standstill letter to {letter.bidder}"
    if _same_name(letter.bidder, award.supplier.name):
        raise ReportError(
            f"{where}: {letter.bidder} is the supplier the contract is to be awarded to; standstill letters go "
            "only to unsuccessful bidders"
        )
    if _withdrawal(award, where) is not None:
        raise ReportError(f"{where}: the award was withdrawn, so no standstill is running")
    standstill = _standstill(award, where)
    rank, total = _result(letter, where, compliant_bids)
    if not letter.summary_where.strip():
        raise ReportError(f"{where}: say where the bidder finds their assessment summary (summary_where)")
    if letter.summary_sent_at > award.standstill_start:
        raise ReportError(
            f"{where}: the assessment summary was sent {uk_time(letter.summary_sent_at)}, after the contract award "
            f"notice was published ({uk_time(award.standstill_start)}); it must be sent first (s.50(2))"
        )
    return StandstillLetterView(
        meta=document_meta(tender, STANDSTILL_LETTER, f"Standstill letter to {letter.bidder}", generated_at),
        tender=tender_view(tender),
        bidder=letter.bidder,
        date=uk_date(generated_at),
        supplier=award.supplier.name,
        compliant=letter.compliant,
        total=total,
        rank=rank,
        exclusions=letter.exclusions,
        winner_total=letter.winner_total,
        summary_sent=uk_date(letter.summary_sent_at),
        summary_where=letter.summary_where.strip().removesuffix("."),  # the letter ends the sentence
        standstill=standstill,
    )


def standstill_view(start: datetime, end: datetime) -> StandstillView:
    """The standstill as the documents say it: its last day named, and midnight at the end of it (UK time)."""
    return StandstillView(
        starts=uk_date(start),
        published=uk_time(start),
        ends=ends_in_words(end),
        ends_date=uk_date(last_day(end)),
        entry_from=uk_date(end.astimezone(UK).date()),
    )


def party_view(party: Party) -> PartyView:
    return PartyView(
        name=party.name,
        identifiers=tuple(identifier_words(i) for i in party.identifiers),
        sme=_yes_no(party.sme),
        vcse=_yes_no(party.vcse),
    )


def identifier_words(identifier: OrgIdentifier) -> str:
    """``Companies House 01234567``; a scheme we have no name for is printed as its org-id code."""
    return f"{SCHEMES.get(identifier.scheme.upper(), identifier.scheme)} {identifier.id}"


def kpi_target(kpi: Kpi) -> str:
    """The KPI's target in its unit: ``15%``, ``£250,000``, ``3.5 FTE``, ``10 days``, or the contract's sentence."""
    target, unit = kpi.target.strip(), kpi.unit.strip()
    if not unit:
        return target
    known = _unit(unit)
    number = _number(target)
    if known is None:
        return f"{target} {unit}"
    if number is not None:
        return quantity(number, known)
    return f"{target}{_UNIT_WORDS[known]}"


def commitment_figure(value: Decimal, unit: str) -> str:
    """A commitment exactly as the winning tender stated it: ``15%``, ``£120,000``, ``104 weeks``."""
    known = _unit(unit)
    return quantity(value, known) if known is not None else f"{plain(value, grouped=True)} {unit}".strip()


def _unit(unit: str) -> Unit | None:
    words = {"%": Unit.PERCENT, "£": Unit.GBP, "pounds": Unit.GBP}
    try:
        return words.get(unit.lower()) or Unit(unit.lower())
    except ValueError:
        return None


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _yes_no(answer: bool | None) -> str:
    return "Not stated" if answer is None else ("Yes" if answer else "No")


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _same_tender(published: TenderNotice, tender: TenderFacts, doctype: str) -> None:
    if published.reference != tender.reference:
        raise ReportError(
            f"the {doctype.lower()} is about tender {published.reference}, not {tender.reference}; pass that "
            "tender's facts"
        )


def _standstill(award: AwardNotice, where: str) -> StandstillView:
    """The standstill, refused unless it ends at midnight UK time no earlier than 8 working days allow (s.51)."""
    end = award.standstill_end.astimezone(UK)
    if end.time() != time(0):
        raise ReportError(
            f"{where}: the standstill must end at midnight UK time (core.award.standstill_end), not at "
            f"{uk_time(award.standstill_end)}"
        )
    earliest = standstill_end(award.standstill_start, ())  # bank holidays only make it later
    if end < earliest:
        shortest = standstill_view(award.standstill_start, earliest)
        raise ReportError(
            f"{where}: a standstill that ends at {ends_in_words(end)} is shorter than 8 working days from "
            f"{uk_date(award.standstill_start)}; it cannot end before {shortest.ends}"
        )
    return standstill_view(award.standstill_start, award.standstill_end)


def _withdrawal(award: AwardNotice, where: str) -> WithdrawalView | None:
    if award.withdrawn_at is None and award.status != "cancelled":
        return None
    if award.withdrawn_at is None or not (award.withdrawn_reason or "").strip():
        raise ReportError(f"{where}: the award was withdrawn; record when and why before printing anything about it")
    return WithdrawalView(uk_time(award.withdrawn_at), award.withdrawn_reason or "")


def _check_statistics(notice: AwardNotice, where: str) -> None:
    stats = notice.statistics
    if stats.final_stage < 1:
        raise ReportError(f"{where}: no tenders were assessed, so there is nothing to award")
    for count, kind in ((stats.sme_final_stage, "SMEs"), (stats.vcse_final_stage, "VCSEs")):
        if not 0 <= count <= stats.final_stage:
            raise ReportError(f"{where}: {count} tenders from {kind}, of {stats.final_stage} assessed")
    if notice.tenderers:
        if len(notice.tenderers) != stats.final_stage:
            raise ReportError(
                f"{where}: {len(notice.tenderers)} tenderers are listed but {stats.final_stage} tenders were assessed"
            )
        if notice.supplier.key not in {t.key for t in notice.tenderers}:
            raise ReportError(f"{where}: {notice.supplier.name} is not among the tenderers assessed")


def _lot(notice: AwardNotice, where: str) -> str:
    lots = {lot.id: lot for lot in notice.tender.lots}
    if not lots:
        return notice.related_lot
    if notice.related_lot not in lots:
        raise ReportError(f"{where}: lot {notice.related_lot} is not a lot of the tender")
    lot = lots[notice.related_lot]
    return f"{lot.id}: {lot.title}" if lot.title else lot.id


def _result(letter: StandstillLetter, where: str, compliant_bids: int | None) -> tuple[str, str]:
    """This bid's rank and total as the letter prints them; ``("", "")`` for an excluded bid."""
    if not letter.compliant:
        if not letter.exclusions or not all(reason.strip() for reason in letter.exclusions):
            raise ReportError(f"{where}: the bid was excluded; give the reason for each exclusion")
        return "", ""
    if letter.rank is None or letter.total is None or letter.exclusions:
        raise ReportError(f"{where}: a compliant bid needs its rank and total and no exclusions")
    if letter.rank < 1 or (compliant_bids is not None and letter.rank > compliant_bids):
        raise ReportError(f"{where}: rank {letter.rank} of {compliant_bids} compliant tenders is not a rank")
    if compliant_bids is not None and compliant_bids > letter.award.statistics.final_stage:
        raise ReportError(
            f"{where}: {compliant_bids} compliant tenders, but {letter.award.statistics.final_stage} were assessed"
        )
    place = "joint 1st" if letter.rank == 1 else ordinal(letter.rank)  # not the winner, so level with it
    of = f"of {compliant_bids} compliant tenders" if compliant_bids is not None else "among the compliant tenders"
    return f"{place} {of}", letter.total
