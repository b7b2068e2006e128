"""The award's steps after the decision: summaries, the award notice and standstill, challenges, withdrawal, the
contract and its notice; the documents issued on the way, and the tender's open data.

Each step is a button on the award page that the service would accept now; one that cannot work yet shows why.
A refusal shows the page again with the GOV.UK error summary (``form_page``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core.award import ends_in_words
from tenderscore.db import get_session
from tenderscore.db.models import JobKind, Role
from tenderscore.services import access, award_path, contracts, documents, jobs, lots, performance_notices, publication
from tenderscore.services import tenders as tender_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import PDF, download, email_url, form_page, render_form

JSON = "application/json"
KPI_ROWS = 5  # blank KPI rows on the contract form (more can be added after a save fails, or through the API)


def tender_link(tender_id: int) -> str:
    """The tender page as a full link for an email (SERVICE_URL, else the address this request came to)."""
    return email_url("pages.tender_detail", tender_id=tender_id)


def _award_page(tender_id: int) -> dict[str, Any]:
    session, me = get_session(), user()
    tender = tender_service.get_tender(session, me, tender_id)
    return {
        "tender": tender,
        "path": award_path.path(session, me, tender_id),
        "documents": documents.listed(session, access.visible_documents(session, me, tender_id)),
        "notices": performance_notices.status_for_tender(session, me, tender_id),
        "form": request.form,
        "lot_award": _lot_rule(session, tender),
    }


def _lot_rule(session: Any, tender: Any) -> dict[str, Any] | None:
    """A lot of a tender with a limit on lots won: the rule, shown with what the award kept of it."""
    head = lots.head_of(session, tender)
    if head.lot_cap is None or not lots.divided(session, tender):
        return None
    return {"head": head, "rule": lots.rule_of(head), "name": lots.lot_name(tender)}


@bp.get("/tenders/<int:tender_id>/award")
@signed_in(Role.OFFICER, Role.COMMISSIONER)
def award_page(tender_id: int) -> Response:
    return render_form("award/award.html", **_award_page(tender_id))


@bp.post("/tenders/<int:tender_id>/award/summaries")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def issue_summaries(tender_id: int) -> BaseResponse:
    """Every summary is rendered by a background job (hundreds of PDFs for a large tender): its page shows the
    progress, and the award page the result."""
    job = jobs.request(get_session(), user(), tender_id, JobKind.ISSUE_SUMMARIES)
    return redirect(url_for("pages.job", job_id=job.id))


@bp.post("/tenders/<int:tender_id>/award/notice")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def publish_award_notice(tender_id: int) -> BaseResponse:
    award = award_path.publish_award_notice(get_session(), user(), tender_id, tender_url=tender_link(tender_id))
    assert award.standstill_ends_at is not None
    flash(f"Contract award notice published. The standstill period ends at {ends_in_words(award.standstill_ends_at)}; "
          "each unsuccessful bidder has a standstill letter.", "success")  # fmt: skip
    return redirect(url_for("pages.award_page", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/award/challenge")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def record_challenge(tender_id: int) -> BaseResponse:
    award_path.record_challenge(get_session(), user(), tender_id, request.form.get("details", ""))
    flash("Challenge recorded. The contract cannot be entered into until it is resolved.", "success")
    return redirect(url_for("pages.award_page", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/award/challenge/resolve")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def resolve_challenge(tender_id: int) -> BaseResponse:
    award_path.resolve_challenge(get_session(), user(), tender_id, request.form.get("resolution", ""))
    flash("The challenge is resolved.", "success")
    return redirect(url_for("pages.award_page", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/award/withdraw")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def withdraw_award(tender_id: int) -> BaseResponse:
    award_path.withdraw_award(get_session(), user(), tender_id, request.form.get("withdrawal_reason", ""),
                              tender_url=tender_link(tender_id))  # fmt: skip
    flash("The award is withdrawn and the tender is back in evaluation. The withdrawn decision stays on record.",
          "success")  # fmt: skip
    return redirect(url_for("pages.evaluation", tender_id=tender_id))


def _contract_page(tender_id: int) -> dict[str, Any]:
    context = _award_page(tender_id)
    typed = sum(1 for key in request.form if key.startswith("kpis-") and key.endswith("-title"))
    context["kpi_rows"] = max(KPI_ROWS, typed)
    return context


def _date_typed(name: str) -> str:
    """A GOV.UK date input's three boxes as an ISO date for the service, which refuses anything not a real date."""
    day, month, year = (request.form.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year"))
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return f"{year}-{month}-{day}" if (day or month or year) else ""
    return f"{year}-{int(month):02d}-{int(day):02d}"


def contract_from_form() -> contracts.ContractEntry:
    rows = sorted({int(k.split("-")[1]) for k in request.form if k.startswith("kpis-") and k.split("-")[1].isdigit()})
    return contracts.ContractEntry(
        title=request.form.get("title", ""),
        value=request.form.get("value", ""),
        starts_on=_date_typed("starts_on"),
        ends_on=_date_typed("ends_on"),
        signed_on=_date_typed("signed_on"),
        kpis=[
            contracts.KpiEntry(
                title=request.form.get(f"kpis-{n}-title", ""),
                description=request.form.get(f"kpis-{n}-description", ""),
                target=request.form.get(f"kpis-{n}-target", ""),
                unit=request.form.get(f"kpis-{n}-unit", ""),
            )
            for n in rows
        ],
        no_kpis_reason=request.form.get("no_kpis_reason", ""),
    )


@bp.route("/tenders/<int:tender_id>/contract", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("award/contract.html", _contract_page)
def enter_contract(tender_id: int) -> BaseResponse:
    contracts.enter_contract(get_session(), user(), tender_id, contract_from_form())
    flash("The contract is recorded. Publish its contract details notice within 30 days.", "success")
    return redirect(url_for("pages.award_page", tender_id=tender_id))


@bp.post("/tenders/<int:tender_id>/contract/notice")
@signed_in(Role.OFFICER)
@form_page("award/award.html", _award_page)
def publish_contract_notice(tender_id: int) -> BaseResponse:
    contracts.publish_contract_notice(get_session(), user(), tender_id)
    flash("Contract details notice published.", "success")
    return redirect(url_for("pages.award_page", tender_id=tender_id))


@bp.get("/tenders/<int:tender_id>/documents/<int:document_id>.pdf")
@signed_in()
def issued_document(tender_id: int, document_id: int) -> Response:
    document = access.readable_document(get_session(), user(), document_id)
    if document.tender_id != tender_id:
        return redirect(url_for("pages.issued_document", tender_id=document.tender_id, document_id=document_id))  # type: ignore[return-value]
    return download(document.filename, document.content, PDF)


@bp.get("/tenders/<int:tender_id>/ocds-record.json")
@signed_in()
def ocds_record(tender_id: int) -> Response:
    """The tender's OCDS record package (every release and the compiled release) to save."""
    body = publication.record_of(get_session(), user(), tender_id, uri=request.url)
    tender = tender_service.get_tender(get_session(), user(), tender_id)
    return download(f"{tender.reference}-ocds-record.json", body.encode(), JSON)
