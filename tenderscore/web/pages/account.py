"""Sign in and out, and the API token."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.services import accounts
from tenderscore.web.auth import SignedInUser, signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.security import limiter
from tenderscore.web.views import commit


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to somewhere else.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"], key_func=lambda: request.remote_addr or "unknown")
def sign_in() -> tuple[str, int] | BaseResponse:
    error = None
    if request.method == "POST":
        email = request.form.get("email", "")
        found = accounts.authenticate(get_session(), email, request.form.get("password", ""))
        if found is not None:
            session.clear()
            login_user(SignedInUser(found))
            return redirect(_safe_next(request.args.get("next")))
        error = "Enter a correct email address and password"
    return render_template("account/sign_in.html", error=error, email=request.form.get("email", "")), (
        401 if error else 200
    )


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


@bp.get("/account")
@signed_in()
def account() -> str:
    return render_template("account/account.html", token=None)


@bp.post("/account/token")
@signed_in()
def new_token() -> Response:
    token = accounts.issue_api_token(get_session(), user())
    commit()
    return Response(render_template("account/account.html", token=token))
