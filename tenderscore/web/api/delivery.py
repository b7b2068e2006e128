"""Contracts in delivery: their reporting periods, the supplier's delivery returns and every version of them."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role, id_of
from tenderscore.services import delivery, return_workbooks, spend_answers
from tenderscore.services import delivery_returns as returns
from tenderscore.services.errors import Invalid
from tenderscore.services.kpis import kpis_of
from tenderscore.web.api.delivery_schemas import PeriodOut, ReturnIn, ReturnOut
from tenderscore.web.api.schemas import UploadIn, unprocessable
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import XLSX, download, spend_link

blp = Blueprint("delivery", __name__, url_prefix="/api/contracts",
                description="Contracts in delivery: reporting periods and delivery returns")  # fmt: skip
SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)


def body_path(field: str) -> list[str]:
    """A service's field as keys in the request body: ``figures.4.value`` (by KPI id); the service counts spend
    lines from 1 as a person reads them, the body's list from 0 (``spend.1.amount`` is ``spend[0]``)."""
    parts = field.split(".") if field else ["_schema"]
    if len(parts) > 1 and parts[0] == "spend" and parts[1].isdigit():
        parts[1] = str(int(parts[1]) - 1)
    return parts


def period_out(p: delivery.PeriodView) -> dict[str, Any]:
    return {
        "number": p.period.number, "starts_on": p.period.starts_on, "ends_on": p.period.ends_on,
        "opens_on": returns.opens_on(p.period), "due_on": p.period.due_on, "late": p.late, "overdue": p.overdue,
        "current_version": p.current.version if p.current else None,
        "submitted_at": p.current.submitted_at if p.current else None, "contract_spend": p.contract_spend,
        "vcse_spend_reported": p.spend.total(), "vcse_spend_confirmed": p.spend.total(confirmed=True),
        "kpis": [{"kpi_id": k.kpi.id, "title": k.kpi.title, "target": k.kpi.target, "reported": k.reported,
                  "delivered": k.delivered, "comment": k.comment} for k in p.kpis],
    }  # fmt: skip


def return_out(found: returns.Version, titles: dict[int, str]) -> dict[str, Any]:
    r = found.row
    return {
        "id": r.id, "contract_id": r.contract_id, "period": r.period, "version": r.version, "current": found.current,
        "contract_spend": r.contract_spend, "note": r.note, "source": r.source, "late": r.late,
        "submitted_by": found.submitted_by, "submitted_at": r.submitted_at, "sha256": r.sha256,
        "has_workbook": r.workbook is not None,
        "figures": [{"kpi_id": f.kpi_id, "kpi": titles.get(f.kpi_id, ""), "value": f.value, "comment": f.comment}
                    for f in found.figures.values()],
        "spend": [{"id": s.id, "line": s.line, "identifier": s.identifier, "name": s.name, "amount": s.amount,
                   "confirmation": s.confirmation, "answer": spend_answers.answer_words(s),
                   "answer_reason": s.answer_reason, "answered_at": s.answered_at} for s in found.spend],
    }  # fmt: skip


def _titles(contract_id: int) -> dict[int, str]:
    return {id_of(k): k.title for k in kpis_of(get_session(), contract_id, withdrawn=True)}


@blp.route("/<int:contract_id>/periods")
class Periods(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, PeriodOut(many=True))
    def get(self, contract_id: int) -> list[dict[str, Any]]:
        """The contract's reporting periods: when each return opens and is due, whether it is late, what it says."""
        view = delivery.delivery(get_session(), user(), contract_id)
        return [period_out(p) for p in view.periods]


@blp.route("/<int:contract_id>/periods/<int:period>/returns")
class Returns(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, ReturnOut(many=True))
    def get(self, contract_id: int, period: int) -> list[dict[str, Any]]:
        """Every version of the period's return, newest (current) first; none is ever overwritten."""
        titles = _titles(contract_id)
        return [return_out(v, titles) for v in returns.versions(get_session(), user(), contract_id, period)]

    @signed_in(Role.BIDDER)
    @blp.arguments(ReturnIn)
    @blp.response(201, ReturnOut)
    def post(self, body: dict[str, Any], contract_id: int, period: int) -> dict[str, Any]:
        """Submit the period's return (the supplier only, from the period's last day): a new version, with every
        problem named by its field (422) and nothing stored when there is one. Each partner named is asked to
        confirm its spend."""
        # Numbers travel on as text: the service reads them with the page's rule and reports every problem at once.
        entry = returns.ReturnEntry(
            contract_spend=body["contract_spend"], note=body["note"],
            figures={int(k): (f["value"], f["comment"]) for k, f in body["figures"].items()},
            spend=[(s["identifier"], s["name"], s["amount"]) for s in body["spend"]],
        )  # fmt: skip
        session = get_session()
        try:
            row = returns.submit_return(session, user(), contract_id, period, entry, source="api", link=spend_link)
        except Invalid as exc:
            raise unprocessable(exc, body_path) from None
        return return_out(returns.version(session, user(), contract_id, period, row.version), _titles(contract_id))


@blp.route("/<int:contract_id>/periods/<int:period>/returns/<int:version>")
class ReturnVersion(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, ReturnOut)
    def get(self, contract_id: int, period: int, version: int) -> dict[str, Any]:
        found = returns.version(get_session(), user(), contract_id, period, version)
        return return_out(found, _titles(contract_id))



@blp.route("/<int:contract_id>/periods/<int:period>/workbook")
class ReturnWorkbook(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, content_type=XLSX)
    def get(self, contract_id: int, period: int) -> Response:
        """The period's return workbook (KPIs, targets, a spend table), holding the current version if any."""
        return download(*return_workbooks.template(get_session(), user(), contract_id, period), XLSX)

    @signed_in(Role.BIDDER)
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, ReturnOut)
    def post(self, files: dict[str, Any], contract_id: int, period: int) -> dict[str, Any]:
        """Submit the filled workbook (multipart field ``workbook``): a new version, or a 422 whose ``details``
        name each sheet and cell wrong, with nothing stored."""
        upload = files.get("workbook")
        data = upload.read(return_workbooks.MAX_BYTES + 1) if upload is not None else b""
        session = get_session()
        row = return_workbooks.submit_workbook(session, user(), contract_id, period, data, link=spend_link)
        return return_out(returns.version(session, user(), contract_id, period, row.version), _titles(contract_id))


@blp.route("/<int:contract_id>/periods/<int:period>/returns/<int:version>/workbook")
class ReceivedWorkbook(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, content_type=XLSX)
    def get(self, contract_id: int, period: int, version: int) -> Response:
        """The workbook a version of the return was read from, byte for byte (404 for a version sent otherwise)."""
        return download(*return_workbooks.received(get_session(), user(), contract_id, period, version), XLSX)
