"""The VCSE register's pages (docs/register.md): signing up, searching, an entry, verifying it, editing it, importing
entries from a CSV file; and every organisation's own identifiers. Every rule is in the services (register,
signup, register_import, identifiers); these pages parse the form, call one service and show the result."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.wrappers import Response as BaseResponse

from tenderscore.core.orgid import OrgId, OrgIdError, parse_orgid
from tenderscore.core.register import AREAS, LEGAL_FORMS, SERVICES, Standing
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, history, identifiers, invitations, register, register_import, signup
from tenderscore.services.errors import Conflict, Forbidden, Invalid, ServiceError
from tenderscore.web import security
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.pages.account import links
from tenderscore.web.views import form_page, render_form, settle_refusal, version_from_form

log = logging.getLogger(__name__)

STANDING_FILTERS = [("", "Any standing"), (Standing.VERIFIED.value, "Verified VCSE"),
                    (Standing.REGISTERED.value, "Registered but unverified")]  # fmt: skip


def _choices() -> dict[str, Any]:
    return {"legal_forms": LEGAL_FORMS, "services": SERVICES, "areas": AREAS}


@contextmanager
def form_fields() -> Iterator[None]:
    """A refusal about one of several identifiers (``identifiers[1]``) shown against the form's one box of them."""
    try:
        yield
    except Invalid as exc:
        raise Invalid([(_box(f or ""), words) for f, words in exc.problems]) from None
    except ServiceError as exc:
        found = _ONE_OF.match(exc.message)
        if found is None or type(exc) not in (ServiceError, Conflict):
            raise
        field = found.group(1)
        words = exc.message[found.end():]
        raise type(exc)(f"{field}: {words}", field=field) from None


_ONE_OF = re.compile(r"^(\w+)\[\d+\]: ")


def _box(field: str) -> str:
    return field.split("[", 1)[0]


def _details_from_form(held: list[OrgId] | None = None) -> register.EntryDetails:
    """The form's entry; on an edit, the identifiers it ``held`` first and then those typed that it does not hold."""
    typed = [v for v in request.form.get("identifiers", "").replace(",", "\n").splitlines() if v.strip()]
    return register.EntryDetails(
        name=request.form.get("name", ""),
        identifiers=[*(str(i) for i in held or []), *(v for v in typed if _parsed(v) not in (held or []))],
        legal_form=request.form.get("legal_form", ""),
        services=request.form.getlist("services"),
        areas=request.form.getlist("areas"),
        description=request.form.get("description", ""),
        website=request.form.get("website", ""),
        contact_email=request.form.get("contact_email", ""),
    )


def _parsed(value: str) -> OrgId | None:
    try:
        return parse_orgid(value)
    except OrgIdError:
        return None


def _typed() -> dict[str, Any]:
    """The values typed, to show again with the problems (checkboxes as lists)."""
    values: dict[str, Any] = {key: request.form.get(key, "") for key in request.form if key != "csrf_token"}
    values["services"] = request.form.getlist("services")
    values["areas"] = request.form.getlist("areas")
    return values


# --- signing up (no account needed) ------------------------------------------------------------------------------

# Per client address, every attempt counted (a refused one too): enough for an organisation correcting its form
# several times, not for filling the register from one machine (the form never says whether an email has an account:
# services/signup.py).
SIGN_UPS_PER_ADDRESS = "10 per hour"
_fallback = MovingWindowRateLimiter(MemoryStorage())


class TooManySignUps(ServiceError):
    status = 429

    def __init__(self) -> None:
        super().__init__("name: too many sign-ups have been tried from your network. Wait an hour, then try again",
                         field="name")  # fmt: skip


def _sign_up_allowed(address: str) -> bool:
    limit = parse(str(current_app.config.get("REGISTER_SIGN_UPS_PER_ADDRESS", SIGN_UPS_PER_ADDRESS)))
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "tenderscore")
    key = hashlib.sha256(address.encode("utf-8")).hexdigest()

    def hit(strategy: MovingWindowRateLimiter) -> bool:
        return strategy.hit(limit, prefix, "register-sign-ups", "address", key)

    try:
        return hit(MovingWindowRateLimiter(security.limiter.storage))
    except Exception:  # noqa: BLE001 - the shared store is unreachable: limit per process rather than fail
        log.warning("register sign-up limit: shared storage unreachable, limiting per process")
        return hit(_fallback)


def _join_page() -> dict[str, Any]:
    return {"values": _typed() if request.method == "POST" else {"services": [], "areas": []}, **_choices()}


@bp.route("/register/join", methods=["GET", "POST"])
@form_page("register/join.html", _join_page)
def register_join() -> BaseResponse:
    if not _sign_up_allowed(request.remote_addr or "unknown"):
        raise TooManySignUps()
    form = signup.SignUp(_details_from_form(), request.form.get("person_name", ""),
                         request.form.get("person_email", ""))  # fmt: skip
    with form_fields():
        done = signup.sign_up(get_session(), links(), form)
    session["register_joined"] = {"organisation": done.organisation, "email": done.email}
    return redirect(url_for("pages.register_joined"))


@bp.get("/register/join/check-your-email")
def register_joined() -> str | BaseResponse:
    joined = session.get("register_joined")
    if not isinstance(joined, dict):
        return redirect(url_for("pages.register_join"))
    return render_template("register/joined.html", joined=joined)


# --- searching and reading ---------------------------------------------------------------------------------------


@bp.get("/register")
@signed_in()
def register_search() -> str:
    me = user()
    asked = {k: request.args.get(k, "").strip() for k in ("service", "area", "text", "standing")}
    service = asked["service"] if asked["service"] in SERVICES else ""
    area = asked["area"] if asked["area"] in AREAS else ""
    standing = Standing(asked["standing"]) if asked["standing"] in (Standing.VERIFIED, Standing.REGISTERED) else None
    found = register.search(get_session(), service=service, area=area, text=asked["text"][:200], standing=standing)
    rows = [(item, register.standing_words(item)) for item in found]
    return render_template(
        "register/search.html", rows=rows, asked=asked, standings=STANDING_FILTERS, me=me,
        may_import=me.role == Role.OFFICER, searched=any(asked.values()), limit=200, **_choices(),
    )  # fmt: skip


@bp.get("/register/<int:entry_id>")
@signed_in()
def register_entry(entry_id: int) -> str:
    return render_template("register/entry.html", **_entry_context(entry_id))


def _entry_context(entry_id: int) -> dict[str, Any]:
    me, db = user(), get_session()
    item = register.listing(db, entry_id)
    return {
        "item": item,
        "words": register.standing_words(item),
        "history": register.verification_history(db, me, entry_id) if register.may_see_evidence(me, item.entry)
        else None,
        "events": history.register_history(db, me, entry_id) if register.may_see_evidence(me, item.entry) else [],
        "may_edit": register.may_edit(me, item.entry),
        "accounts": invitations.partner_accounts(db, me, entry_id) if register.may_edit(me, item.entry) else None,
        "may_verify": me.role in register.VERIFIERS,
        "account_status": accounts.status,
        **_choices(),
    }  # fmt: skip


# --- verifying ---------------------------------------------------------------------------------------------------


def _lapse_typed() -> date:
    day, month, year = (request.form.get(f"lapses_on-{part}", "").strip() for part in ("day", "month", "year"))
    if not (day or month or year):
        raise ServiceError("lapses_on: enter the date the verification lapses, for example 2 12 2027",
                           field="lapses_on")  # fmt: skip
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise ServiceError("lapses_on: the date must be a real date, for example 2 12 2027", field="lapses_on")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ServiceError("lapses_on: the date must be a real date, for example 2 12 2027",
                           field="lapses_on") from None  # fmt: skip


def _verify_page(entry_id: int) -> dict[str, Any]:
    if request.method == "POST":
        values = _typed()
    else:
        default = register.default_lapse_day()
        values = {"lapses_on-day": default.day, "lapses_on-month": default.month, "lapses_on-year": default.year}
    return {**_entry_context(entry_id), "values": values}


@bp.route("/register/<int:entry_id>/verify", methods=["GET", "POST"])
@signed_in(*register.VERIFIERS)
@form_page("register/verify.html", _verify_page)
def register_verify(entry_id: int) -> BaseResponse:
    db = get_session()
    try:
        until = register.lapse_moment(_lapse_typed())
    except ServiceError as exc:
        # Every problem at once: the date's, and the evidence's and reason's if they are missing too.
        problems = [(exc.field or "lapses_on", exc.problems[0][1])]
        try:
            register.checked_verification(request.form.get("evidence", ""), request.form.get("reason", ""), None,
                                          now=utcnow())  # fmt: skip
        except Invalid as more:
            problems = [(f or "", w) for f, w in more.problems] + problems
        raise Invalid(problems) from None
    register.verify(db, user(), entry_id, evidence=request.form.get("evidence", ""),
                    reason=request.form.get("reason", ""), expires_on=until)  # fmt: skip
    flash("The entry is verified. Bids naming it count as naming a verified VCSE until the verification lapses.",
          "success")  # fmt: skip
    return redirect(url_for("pages.register_entry", entry_id=entry_id))


def _end_page(entry_id: int) -> dict[str, Any]:
    return {**_entry_context(entry_id), "values": _typed() if request.method == "POST" else {}}


@bp.route("/register/<int:entry_id>/end-verification", methods=["GET", "POST"])
@signed_in(*register.VERIFIERS)
@form_page("register/end.html", _end_page)
def register_end(entry_id: int) -> BaseResponse:
    register.end_verification(get_session(), user(), entry_id, reason=request.form.get("reason", ""))
    flash("The verification has ended. The entry is registered but unverified; the verification stays on record.",
          "success")  # fmt: skip
    return redirect(url_for("pages.register_entry", entry_id=entry_id))


# --- accounts for the organisation --------------------------------------------------------------------------------


def _person_page(entry_id: int) -> dict[str, Any]:
    context = _entry_context(entry_id)
    if not context["may_edit"]:
        raise Forbidden("Only a buyer's officer or commissioner, or the organisation itself, can give someone an "
                        "account for a register entry")  # fmt: skip
    return {**context, "values": _typed() if request.method == "POST" else {}}


@bp.route("/register/<int:entry_id>/people/new", methods=["GET", "POST"])
@signed_in()
@form_page("register/person.html", _person_page)
def register_person(entry_id: int) -> BaseResponse:
    form = request.form
    person = invitations.invite_partner(get_session(), user(), links(), entry_id, email=form.get("email", ""),
                                        name=form.get("name", ""))  # fmt: skip
    flash(f"{person.name} has been sent an invitation to choose a password. With it they can confirm or dispute the "
          "spend and the parts suppliers report with this organisation.", "success")  # fmt: skip
    return redirect(url_for("pages.register_entry", entry_id=entry_id))


# --- editing -----------------------------------------------------------------------------------------------------


def _edit_page(entry_id: int, refused: ServiceError | None = None) -> dict[str, Any]:
    context = _entry_context(entry_id)
    item = context["item"]
    if not context["may_edit"]:
        raise Forbidden("Only the organisation itself or a buyer's officer can change its register entry")
    stored = {
        "name": item.organisation.name, "identifiers": "", "legal_form": item.entry.legal_form,
        "services": item.services, "areas": item.areas, "description": item.entry.description,
        "website": item.entry.website, "contact_email": item.entry.contact_email,
    }  # fmt: skip
    stale = refused is not None and refused.field == "version"
    edited = request.method == "POST" and request.endpoint == "pages.register_edit"  # not a removal's form
    values = _typed() if edited and not stale else stored
    return {**context, "values": values}


@bp.route("/register/<int:entry_id>/edit", methods=["GET", "POST"])
@signed_in()
@form_page("register/edit.html", _edit_page, context_sees_refusal=True)
def register_edit(entry_id: int) -> BaseResponse:
    db = get_session()
    item = register.listing(db, entry_id)
    details = _details_from_form(item.identifiers)
    with form_fields():
        checked = register.checked_details(details)
        register.update(db, user(), entry_id, checked, version=version_from_form())
    flash("The register entry is saved.", "success")
    return redirect(url_for("pages.register_entry", entry_id=entry_id))


@bp.post("/register/<int:entry_id>/identifiers/remove")
@signed_in()
def register_identifier_remove(entry_id: int) -> Response | BaseResponse:
    db = get_session()
    try:
        removed = register.remove_identifier(db, user(), entry_id, request.form.get("identifier", ""))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        settle_refusal(exc)
        return render_form("register/edit.html", exc, **_edit_page(entry_id))
    flash(f"{removed} is no longer one of this organisation's identifiers.", "success")
    return redirect(url_for("pages.register_edit", entry_id=entry_id))


# --- importing ---------------------------------------------------------------------------------------------------


def _import_page() -> dict[str, Any]:
    return {"columns": _COLUMN_HELP, "max_rows": register_import.MAX_ROWS, "max_bytes": register_import.MAX_BYTES}


_COLUMN_HELP = [
    ("name", "Required", "The organisation's registered name"),
    ("identifiers", "Required", "One or more, separated by ; (for example GB-CHC-1123456; GB-COH-01234567)"),
    ("legal_form", "Required", f"One of {', '.join(LEGAL_FORMS)}, or its words"),
    ("services", "Required", "Codes or words, separated by ; (for example accommodation; ete)"),
    ("areas", "Required", "Codes or words, separated by ; (for example north-west; Greater Manchester)"),
    ("description", "Optional", "What the organisation does"),
    ("website", "Optional", "Starting https://"),
    ("contact_email", "Optional", "The organisation's contact email"),
    ("verified_evidence", "Optional", "To verify the entry as it is imported: the evidence you checked"),
    ("verified_reason", "Optional", "With verified_evidence: why it shows a VCSE"),
    ("lapses_on", "Optional", "With verified_evidence: YYYY-MM-DD (a year from today if blank)"),
]


@bp.route("/register/import", methods=["GET", "POST"])
@signed_in(Role.OFFICER)
@form_page("register/import.html", _import_page)
def register_import_page() -> Response:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServiceError("file: choose a CSV file to upload", field="file")
    data = upload.stream.read(register_import.MAX_BYTES + 1)
    result = register_import.import_csv(get_session(), user(), upload.filename, data)
    return Response(render_template("register/imported.html", result=result))


# --- an organisation's own identifiers ---------------------------------------------------------------------------


def _organisation_page() -> dict[str, Any]:
    me, db = user(), get_session()
    org, held = identifiers.mine(db, me)
    entry = register.entry_of(db, org.id or 0)
    return {"organisation": org, "held": held, "may_keep": identifiers.may_keep(me, org), "entry": entry,
            "values": _typed() if request.method == "POST" else {}}  # fmt: skip


@bp.route("/organisation", methods=["GET", "POST"])
@signed_in()
@form_page("account/organisation.html", _organisation_page)
def organisation() -> BaseResponse:
    with form_fields():
        added = identifiers.add_own(get_session(), user(), request.form.get("identifiers", ""))
    flash(f"Added {', '.join(str(i) for i in added)}.", "success")
    return redirect(url_for("pages.organisation"))


@bp.post("/organisation/identifiers/remove")
@signed_in()
def organisation_identifier_remove() -> Response | BaseResponse:
    db = get_session()
    org, _ = identifiers.mine(db, user())
    try:
        removed = identifiers.remove_own(db, user(), request.form.get("identifier", ""),
                                         on_register=register.entry_of(db, org.id or 0) is not None)  # fmt: skip
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        settle_refusal(exc)
        return render_form("account/organisation.html", exc, **_organisation_page())
    flash(f"{removed} is no longer one of {org.name}'s identifiers.", "success")
    return redirect(url_for("pages.organisation"))


# --- a partner user's own entry, for the dashboard ----------------------------------------------------------------


@bp.app_context_processor
def _register_helpers() -> dict[str, Any]:
    return {"register_entry_of_user": _own_entry}


def _own_entry() -> dict[str, Any] | None:
    """The signed-in person's organisation's register entry, with its standing in words (or None)."""
    found = register.listing_of(get_session(), user().organisation_id)
    if found is None:
        return None
    return {"entry": found.entry, "organisation": found.organisation, "words": register.standing_words(found)}
