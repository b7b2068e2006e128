"""A VCSE partner's pages: the requests to confirm its part in bids, and its answer to each; and the spend suppliers
report with it in their delivery returns, which it confirms or disputes.

A partner sees of a bid only what it is asked to confirm (services/confirmations.py decides): the buyer, the
tender, the bidder, its role and its £.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from tenderscore.core.register import Confirmation
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import confirmations, partner_spend_history
from tenderscore.services import delivery_returns as returns
from tenderscore.services.errors import ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page


@bp.get("/partner/confirmations")
@signed_in(Role.PARTNER)
def partner_confirmations() -> str:
    requests = confirmations.requests_for(get_session(), user())
    return render_template("partner/list.html", requests=requests, Confirmation=Confirmation)


def _request_page(confirmation_id: int) -> dict[str, Any]:
    session, me = get_session(), user()
    found = confirmations.request_for(session, me, confirmation_id)
    return {
        "asked": found,
        "replaced_by": confirmations.replaced_by(session, me, found),
        "Confirmation": Confirmation,
        "form": request.form,
    }


@bp.route("/partner/confirmations/<int:confirmation_id>", methods=["GET", "POST"])
@signed_in(Role.PARTNER)
@form_page("partner/request.html", _request_page)
def partner_confirmation(confirmation_id: int) -> Any:
    given = request.form.get("answer", "")
    # the reason box belongs to "No, I refuse it": a hidden box's old text is not a note on a confirmation
    note = request.form.get("note", "") if given == "refused" else ""
    row = confirmations.answer(get_session(), user(), confirmation_id, given, note)
    flash(
        "You confirmed your part. The buyer's evaluation panel will see it."
        if row.status == Confirmation.CONFIRMED
        else "You refused this part. The buyer's evaluation panel will see your reason.",
        "success",
    )
    return redirect(url_for("pages.partner_confirmations"))


# --- spend a supplier reports with the partner in a delivery return (services/delivery_returns.py) ----------------


@bp.get("/partner/spend")
@signed_in(Role.PARTNER)
def partner_spend() -> str:
    lines = returns.spend_requests_for(get_session(), user())
    return render_template("partner/spend_list.html", lines=lines,
                           earlier=partner_spend_history.earlier_lines(get_session(), user(), lines))  # fmt: skip


def _spend_page(spend_id: int) -> dict[str, Any]:
    asked = returns.spend_request_for(get_session(), user(), spend_id)
    earlier = partner_spend_history.earlier_lines(get_session(), user(), [asked])
    return {"asked": asked, "earlier": earlier.get(spend_id, []), "form": request.form}


@bp.route("/partner/spend/<int:spend_id>", methods=["GET", "POST"])
@signed_in(Role.PARTNER)
@form_page("partner/spend_line.html", _spend_page)
def partner_spend_line(spend_id: int) -> Any:
    given = request.form.get("answer", "")
    if given not in ("confirmed", "refused"):
        raise ServiceError("answer: choose whether the figure is right or you dispute it", field="answer")
    # the reason box belongs to "No, I dispute it": a hidden box's old text is not a note on a confirmation
    reason = request.form.get("reason", "") if given == "refused" else ""
    returns.answer_spend(get_session(), user(), spend_id, given == "confirmed", reason)
    flash("You confirmed the figure. The buyer counts it in the supplier's delivery."
          if given == "confirmed" else "You disputed the figure. The buyer sees your reason and does not count it.",
          "success")  # fmt: skip
    return redirect(url_for("pages.partner_spend"))
