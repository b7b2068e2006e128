"""The home page, and each signed-in user's starting point."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import clarifications, confirmations, register
from tenderscore.services import tenders as tender_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp


@bp.get("/")
def home() -> str | BaseResponse:
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return render_template("home.html")


@bp.get("/dashboard")
@signed_in()
def dashboard() -> str:
    me = user()
    if me.role == Role.PARTNER:  # a VCSE partner's work here is confirming its part in bids
        return render_template("dashboard.html", tenders=[], requests=confirmations.requests_for(get_session(), me))
    waiting = register.awaiting_verification(get_session()) if me.role in register.VERIFIERS else 0
    return render_template(
        "dashboard.html", tenders=tender_service.list_tenders(get_session(), me), waiting=waiting,
        questions=clarifications.awaiting(get_session(), me),
    )  # fmt: skip
