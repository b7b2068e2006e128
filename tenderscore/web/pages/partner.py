"""A VCSE partner's pages: the requests to confirm its part in bids, and its answer to each.

A partner sees of a bid only what it is asked to confirm (services/confirmations.py decides): the buyer, the
tender, the bidder, its role and its £.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from tenderscore.core.register import Confirmation
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import confirmations
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
