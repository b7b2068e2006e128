"""Sign in and out, the password, and the API token."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.services import accounts
from tenderscore.web import security
from tenderscore.web.auth import SignedInUser, signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page

# Browsers drop ASCII tab, CR and LF anywhere in a URL and trim spaces and controls at its ends, so "/\t/evil"
# is "//evil" to them: these characters are removed before a target is judged.
_IGNORED_BY_BROWSERS: dict[int, None] = dict.fromkeys((*range(0x21), 0x7F))


def safe_next(target: str | None) -> str | None:
    """``target`` as a path on this site, or None: never a redirect to somewhere else."""
    if not target:
        return None
    cleaned = target.translate(_IGNORED_BY_BROWSERS)
    # Judged as sent and once more decoded, in case anything on the way decodes it again.
    for candidate in (cleaned, unquote(cleaned).translate(_IGNORED_BY_BROWSERS)):
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc or "\\" in candidate:
            return None
        if not candidate.startswith("/") or candidate.startswith("//"):
            return None
    return cleaned


def _after_sign_in() -> str:
    return safe_next(request.args.get("next")) or url_for("pages.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> tuple[str, int, dict[str, str]] | BaseResponse:
    error = None
    status = 200
    headers: dict[str, str] = {}
    email = request.form.get("email", "")
    if request.method == "POST":
        normalised = accounts.normalise_email(email)
        address = request.remote_addr or "unknown"
        refusal = security.sign_in_refusal(normalised, address)
        if refusal is not None:
            # Refused before the password is looked at: the right password would be refused too.
            error, status = refusal.message, 429
            headers["Retry-After"] = str(refusal.retry_after)
        else:
            found = accounts.authenticate(get_session(), email, request.form.get("password", ""))
            if found is not None:
                security.sign_in_succeeded(normalised, address)
                session.clear()
                login_user(SignedInUser(found))
                return redirect(_after_sign_in())
            security.sign_in_failed(normalised, address)
            error, status = "Enter a correct email address and password", 401
    return render_template("account/sign_in.html", error=error, email=email), status, headers


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    if current_user.is_authenticated:
        # Ends this session and every other session of this user issued before now (README, "Sessions").
        accounts.sign_out(get_session(), user())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


@bp.get("/account")
@signed_in()
def account() -> str:
    return render_template("account/account.html", token=None)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in()
@form_page("account/password.html", dict)
def change_password() -> Response | BaseResponse:
    me = user()
    accounts.change_password(
        get_session(), me, request.form.get("current_password", ""), request.form.get("new_password", "")
    )
    # Every other session and the API token have ended; this browser carries on in a new session.
    session.clear()
    login_user(SignedInUser(me))
    flash("Your password has been changed. You have been signed out everywhere else, and your API token no longer "
          "works.", "success")  # fmt: skip
    return redirect(url_for("pages.account"))


@bp.post("/account/token")
@signed_in()
def new_token() -> Response:
    token = accounts.issue_api_token(get_session(), user())
    return Response(render_template("account/account.html", token=token))
