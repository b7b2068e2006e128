"""Contracts in delivery: the list, a contract's reporting periods, and a period's return (the supplier sends it on
the page; everyone seated at the contract reads its versions and the partners' answers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core.ukdates import uk_date, uk_time
from tenderscore.db import get_session
from tenderscore.db.models import Organisation, Role
from tenderscore.services import delivery, return_workbooks
from tenderscore.services import delivery_returns as returns
from tenderscore.services.contract_access import Seat
from tenderscore.services.kpis import FIGURE
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import XLSX, download, form_page, spend_link

SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)
SPEND_ROWS = 5  # blank partner rows on the form beyond those already reported


@dataclass(frozen=True)
class Status:
    words: str
    colour: str  # a tag colour: the words say it all


def status(view: delivery.PeriodView, today: date) -> Status:
    """Where a period's return stands, in words for its tag."""
    current = view.current
    if current is not None:
        late = " (late)" if view.late else ""
        return Status(f"Version {current.version} sent {uk_time(current.submitted_at)}{late}",
                      "red" if view.late else "green")  # fmt: skip
    if today < returns.opens_on(view.period):
        return Status(f"Opens {uk_date(returns.opens_on(view.period))}", "grey")
    if view.overdue:
        return Status(f"Overdue: due by {uk_date(view.period.due_on)}", "red")
    return Status(f"Due by {uk_date(view.period.due_on)}", "yellow")


def _supplier_name(organisation_id: int) -> str:
    found = get_session().get(Organisation, organisation_id)
    return found.name if found else ""


@bp.get("/contracts/<int:contract_id>")
@signed_in(*SEATED)
def contract_delivery(contract_id: int) -> str:
    view = delivery.delivery(get_session(), user(), contract_id)
    return render_template("delivery/contract.html", view=view, status=status, Seat=Seat,
                           supplier=_supplier_name(view.contract.supplier_org_id))  # fmt: skip


def _prefill(view: delivery.DeliveryView, period: delivery.PeriodView) -> dict[str, str]:
    """The form's values: what was typed (shown again with its errors), else the current version's, to correct."""
    if request.method == "POST" and request.endpoint != "pages.upload_return_workbook":
        return dict(request.form)
    current = period.current
    if current is None:
        return {}
    found: dict[str, str] = {"contract_spend": str(current.contract_spend), "note": current.note}
    for k in period.kpis:
        if k.kpi.basis == FIGURE and k.reported is not None:
            found[f"figures.{k.kpi.id}.value"] = str(k.reported)
        if k.comment:
            found[f"figures.{k.kpi.id}.comment"] = k.comment
    for n, line in enumerate(period.spend.lines, start=1):
        found.update({f"spend.{n}.identifier": line.identifier, f"spend.{n}.name": line.name,
                      f"spend.{n}.amount": str(line.amount)})  # fmt: skip
    return found


def _period_page(contract_id: int, period: int) -> dict[str, Any]:
    session, me = get_session(), user()
    view = delivery.delivery(session, me, contract_id)
    shown = view.period(period)
    form = _prefill(view, shown)
    rows = max(int(form.get("spend_rows", "0") or 0) if str(form.get("spend_rows", "")).isdigit() else 0,
               len(shown.spend.lines) + SPEND_ROWS)  # fmt: skip
    # a version's figures are named by the KPIs' terms as they stood in the period (a withdrawn one by its last)
    titles = {**{k.id: k for k in view.all_kpis}, **{k.kpi.id: k.kpi for k in shown.kpis}}
    return {
        "view": view, "shown": shown, "form": form, "spend_rows": min(rows, returns.LINES_MAX),
        "versions": returns.versions(session, me, contract_id, period), "period_status": status(shown, view.today),
        "open": view.today >= returns.opens_on(shown.period), "supplies": view.seat == Seat.SUPPLIER,
        "opens_on": returns.opens_on(shown.period), "titles": titles,
        "FIGURE": FIGURE,
    }  # fmt: skip


def entry_from_form(kpi_ids: list[int]) -> returns.ReturnEntry:
    """The return as typed on the page: a row per KPI, and the partner rows the page had (``spend_rows``)."""
    form = request.form
    rows = form.get("spend_rows", "")
    count = min(int(rows), returns.LINES_MAX) if rows.isdigit() else SPEND_ROWS
    return returns.ReturnEntry(
        contract_spend=form.get("contract_spend", ""), note=form.get("note", ""),
        figures={k: (form.get(f"figures.{k}.value", ""), form.get(f"figures.{k}.comment", "")) for k in kpi_ids},
        spend=[(form.get(f"spend.{n}.identifier", ""), form.get(f"spend.{n}.name", ""),
                form.get(f"spend.{n}.amount", "")) for n in range(1, count + 1)],
    )  # fmt: skip


@bp.route("/contracts/<int:contract_id>/periods/<int:period>", methods=["GET", "POST"])
@signed_in(*SEATED)
@form_page("delivery/period.html", _period_page)
def delivery_period(contract_id: int, period: int) -> BaseResponse:
    session, me = get_session(), user()
    view = delivery.delivery(session, me, contract_id)
    entry = entry_from_form([k.kpi.id for k in view.period(period).kpis if k.kpi.id is not None])
    row = returns.submit_return(session, me, contract_id, period, entry, source="page", link=spend_link)
    flash(f"Version {row.version} of the return for period {period} was sent. Each partner named is asked to "
          "confirm its spend.", "success")  # fmt: skip
    return redirect(url_for("pages.delivery_period", contract_id=contract_id, period=period))



@bp.get("/contracts/<int:contract_id>/periods/<int:period>/workbook")
@signed_in(*SEATED)
def return_workbook(contract_id: int, period: int) -> Response:
    """The period's return workbook, holding the current version if there is one."""
    return download(*return_workbooks.template(get_session(), user(), contract_id, period), XLSX)


@bp.post("/contracts/<int:contract_id>/periods/<int:period>/workbook")
@signed_in(Role.BIDDER)
@form_page("delivery/period.html", _period_page)
def upload_return_workbook(contract_id: int, period: int) -> BaseResponse:
    upload = request.files.get("workbook")
    data = upload.read(return_workbooks.MAX_BYTES + 1) if upload is not None else b""
    row = return_workbooks.submit_workbook(get_session(), user(), contract_id, period, data, link=spend_link)
    flash(f"Version {row.version} of the return for period {period} was read from the workbook and sent. Each "
          "partner named is asked to confirm its spend.", "success")  # fmt: skip
    return redirect(url_for("pages.delivery_period", contract_id=contract_id, period=period))


@bp.get("/contracts/<int:contract_id>/periods/<int:period>/versions/<int:version>/workbook")
@signed_in(*SEATED)
def received_return_workbook(contract_id: int, period: int, version: int) -> Response:
    """The workbook a version was read from, exactly as it was uploaded."""
    return download(*return_workbooks.received(get_session(), user(), contract_id, period, version), XLSX)
