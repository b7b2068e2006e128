"""A buyer's people: commissioners and officers list them, invite people (and bidders), deactivate them, and an
officer takes an evaluator off a tender's panel. Every rule is in the services (accounts, invitations, panel)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.db.models import Organisation, Role
from tenderscore.services import accounts, invitations
from tenderscore.services import panel as panel_service
from tenderscore.services import tenders as tender_service
from tenderscore.services.errors import Conflict, ServiceError
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.pages.account import links
from tenderscore.web.views import form_page, render_form, settle_refusal

MANAGERS = accounts.MANAGERS

# The roles offered on the invitation form, in the order a buyer thinks of them, with what each does.
ROLE_CHOICES = [
    (Role.EVALUATOR, "Evaluator", "Declares conflicts of interest, then scores the bids of the tenders they are "
     "assigned to."),  # fmt: skip
    (Role.OFFICER, "Procurement officer", "Runs tenders: publishes them, opens the bids, assigns the panel, "
     "moderates and awards. Manages your organisation's people."),  # fmt: skip
    (Role.COMMISSIONER, "Commissioner", "Sets the policies tenders must meet and sees the results. Manages your "
     "organisation's people."),  # fmt: skip
    (Role.BIDDER, "Bidder", "Someone at a supplier or VCSE organisation who will download templates and submit bids."),
]


def _organisation_name() -> str:
    org = get_session().get(Organisation, user().organisation_id)
    return org.name if org is not None else ""


@bp.get("/people")
@signed_in(*MANAGERS)
def people() -> str:
    me = user()
    everyone = accounts.organisation_people(get_session(), me)
    rows = [(person, accounts.status(person)) for person in everyone]
    return render_template("people/list.html", rows=rows, me=me, organisation=_organisation_name())


def _invite_context() -> dict[str, Any]:
    return {"form": request.form, "roles": ROLE_CHOICES, "organisation": _organisation_name()}


@bp.route("/people/invite", methods=["GET", "POST"])
@signed_in(*MANAGERS)
@form_page("people/invite.html", _invite_context)
def people_invite() -> BaseResponse:
    invited = invitations.invite(
        get_session(),
        user(),
        links(),
        email=request.form.get("email", ""),
        name=request.form.get("name", ""),
        role=request.form.get("role", ""),
        organisation=request.form.get("organisation", ""),
    )
    flash(f"Invitation sent to {invited.name} at {invited.email}. The link in it works for 7 days.", "success")
    return redirect(url_for("pages.people"))


@bp.post("/people/<int:user_id>/invitation")
@signed_in(*MANAGERS)
def person_reinvite(user_id: int) -> BaseResponse:
    person = invitations.resend_invitation(get_session(), user(), user_id, links())
    flash(f"A new invitation has been sent to {person.name} at {person.email}. Earlier links no longer work.",
          "success")  # fmt: skip
    return redirect(url_for("pages.people"))


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@signed_in(*MANAGERS)
def person_deactivate(user_id: int) -> str | BaseResponse:
    db = get_session()
    person = accounts.manageable(db, user(), user_id)
    if request.method == "POST" and person.active:
        accounts.deactivate(db, user(), user_id)
        flash(f"{person.name} has been deactivated. They can no longer sign in or use the API.", "success")
        return redirect(url_for("pages.people"))
    return render_template("people/deactivate.html", person=person, status=accounts.status(person))


# --- the evaluation panel ----------------------------------------------------------------------------------------


@bp.route("/tenders/<int:tender_id>/panel/<int:evaluator_id>/remove", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
def panel_remove(tender_id: int, evaluator_id: int) -> Response | BaseResponse:
    db = get_session()
    me = user()
    template = "people/panel_remove.html"
    tender = tender_service.get_tender(db, me, tender_id)
    try:
        _, evaluator = panel_service.removal(db, me, tender_id, evaluator_id)
    except Conflict as exc:  # scores recorded, or the tender awarded: say why, and what to do instead
        return render_form(template, status=409, tender=tender, refusal=exc.message, form={})
    if request.method == "POST":
        try:
            panel_service.remove_evaluator(db, me, tender_id, evaluator_id, request.form.get("reason", ""))
        except ServiceError as exc:
            settle_refusal(exc)
            return render_form(template, exc, tender=tender, evaluator=evaluator, form=request.form)
        flash(f"{evaluator.name} has been removed from the panel.", "success")
        return redirect(url_for("pages.tender_detail", tender_id=tender_id, _anchor="panel"))
    return render_form(template, tender=tender, evaluator=evaluator, form={})
