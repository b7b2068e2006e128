"""Sign in and out, the password (changed, reset by email, or first chosen on an invitation), and the API token.

A link from an email (``/invitation/<token>``, ``/reset-password/<token>``) is kept in the browser's session and
redirected at once to an address without the token, as Django does: the token then never reaches another page's
``Referer``, a later request line, or an error logged about the form. The one request line that holds it is
redacted from the development server's log and gunicorn's access log (``_RedactLinks``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.db import get_session
from tenderscore.services import accounts, invitations
from tenderscore.services.errors import ServiceError
from tenderscore.web import security
from tenderscore.web.auth import SignedInUser, signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import email_url, form_page, render_form, settle_refusal

log = logging.getLogger(__name__)

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


# --- links sent by email -----------------------------------------------------------------------------------------

_LINK = "emailed_link"  # the session key holding the link being used: {"purpose": ..., "token": ...}
_LINK_PAGES = {invitations.INVITATION: "pages.invitation_link", invitations.PASSWORD_RESET: "pages.reset_link"}
_LINK_PATH = re.compile(r"(/(?:invitation|reset-password)/)[^\s?#\"]+")


class _RedactLinks(logging.Filter):
    """Keeps emailed links' tokens out of the request lines the development server and gunicorn log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _LINK_PATH.search(message):
            record.msg, record.args = _LINK_PATH.sub(r"\1[redacted]", message), None
        return True


logging.getLogger("werkzeug").addFilter(_RedactLinks())
logging.getLogger("gunicorn.access").addFilter(_RedactLinks())  # make serve's access log


def links() -> invitations.Links:
    """How this app writes a link into an email: signed with its secret key, starting with SERVICE_URL."""
    def url(purpose: str, token: str) -> str:
        return email_url(_LINK_PAGES[purpose], token=token)

    return invitations.Links(str(current_app.config["SECRET_KEY"]), url)


def _keep_link(purpose: str, token: str) -> BaseResponse:
    session[_LINK] = {"purpose": purpose, "token": token}
    return redirect(url_for("pages.invitation" if purpose == invitations.INVITATION else "pages.reset_password"))


@bp.get("/invitation/<token>")
def invitation_link(token: str) -> BaseResponse:
    return _keep_link(invitations.INVITATION, token)


@bp.get("/reset-password/<token>")
def reset_link(token: str) -> BaseResponse:
    return _keep_link(invitations.PASSWORD_RESET, token)


def _link_token(purpose: str) -> str:
    kept = session.get(_LINK)
    return str(kept.get("token", "")) if isinstance(kept, dict) and kept.get("purpose") == purpose else ""


def _choose_password(purpose: str) -> Response | BaseResponse:
    """The page a link leads to: choose a password, which uses the link up and signs the person in."""
    db = get_session()
    token = _link_token(purpose)
    secret = str(current_app.config["SECRET_KEY"])
    template = "account/choose_password.html"
    try:
        person = invitations.user_for_link(db, purpose, token, secret)
    except invitations.LinkNotValid as exc:
        return _link_not_valid(exc)
    if request.method == "GET":
        return render_form(template, purpose=purpose, person=person)
    try:
        invitations.use_link(db, purpose, token, secret, request.form.get("password", ""))
    except invitations.LinkNotValid as exc:  # used a moment ago, in another tab
        settle_refusal(exc)
        return _link_not_valid(exc)
    except ServiceError as exc:
        settle_refusal(exc)
        return render_form(template, exc, purpose=purpose, person=person)
    # The password is set: every earlier session, link and API token of this person has ended. This browser
    # carries on signed in as them, in a new session (whoever was signed in here before is signed out).
    session.clear()
    login_user(SignedInUser(person))
    if purpose == invitations.INVITATION:
        flash("Your account is ready. You are signed in; next time, sign in with your email address and this "
              "password.", "success")  # fmt: skip
    else:
        flash("Your password has been changed. You have been signed out everywhere else, and any API token of yours "
              "no longer works.", "success")  # fmt: skip
    return redirect(url_for("pages.dashboard"))


def _link_not_valid(exc: invitations.LinkNotValid) -> Response:
    page = render_template("account/link_not_valid.html", purpose=exc.purpose, why=exc.why)
    return Response(page, status=404 if exc.why == "invalid" else 410)


@bp.route("/invitation", methods=["GET", "POST"])
def invitation() -> Response | BaseResponse:
    return _choose_password(invitations.INVITATION)


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password() -> Response | BaseResponse:
    return _choose_password(invitations.PASSWORD_RESET)


# --- asking for a reset ------------------------------------------------------------------------------------------

# Per email typed (known or not, so the limit says nothing about which exist) and per client address, in moving
# windows kept in the limiter's storage like the sign-in throttle. Three links an hour is more than anyone who
# lost an email needs; twenty an hour from one address lets a council office through while stopping anyone from
# filling inboxes (or the mail server's quota) from one machine.
RESETS_PER_EMAIL = parse("3 per hour")
RESETS_PER_ADDRESS = parse("20 per hour")
_fallback = MovingWindowRateLimiter(MemoryStorage())


def _reset_allowed(email: str, address: str) -> bool:
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "tenderscore")
    account = hashlib.sha256(email.encode("utf-8")).hexdigest()

    def hit(strategy: MovingWindowRateLimiter) -> bool:
        return strategy.hit(RESETS_PER_ADDRESS, prefix, "reset-requests", "address", address) and strategy.hit(
            RESETS_PER_EMAIL, prefix, "reset-requests", "account", account
        )

    try:
        return hit(MovingWindowRateLimiter(security.limiter.storage))
    except Exception:  # noqa: BLE001 - the shared store is unreachable: limit per process rather than fail
        log.warning("password reset limit: shared storage unreachable, limiting per process")
        return hit(_fallback)


class TooManyResets(ServiceError):
    status = 429

    def __init__(self) -> None:
        super().__init__(
            "email: too many password reset links have been asked for. Wait an hour, then try again", field="email"
        )


@bp.route("/forgot-password", methods=["GET", "POST"])
@form_page("account/forgot_password.html", lambda: {"form": request.form})
def forgot_password() -> BaseResponse:
    email = request.form.get("email", "")
    if not _reset_allowed(accounts.normalise_email(email), request.remote_addr or "unknown"):
        raise TooManyResets()
    invitations.request_password_reset(get_session(), email, links())
    # The same answer whether or not the email has an account.
    session["reset_requested_for"] = accounts.normalise_email(email)
    return redirect(url_for("pages.reset_requested"))


@bp.get("/forgot-password/check-your-email")
def reset_requested() -> str | BaseResponse:
    email = session.get("reset_requested_for")
    if not isinstance(email, str):
        return redirect(url_for("pages.forgot_password"))
    return render_template("account/check_email.html", email=email)
