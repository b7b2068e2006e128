"""The VCSE register: search, entries, verifications, the CSV import; and each organisation's own identifiers."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import UnprocessableEntity

from tenderscore.core.register import Standing
from tenderscore.db import get_session
from tenderscore.db.models import Role, id_of
from tenderscore.services import identifiers, register, register_import
from tenderscore.services.errors import Forbidden, Invalid, ServiceError
from tenderscore.web.api import schemas
from tenderscore.web.api.register_schemas import (
    EndIn,
    EntryIn,
    EntryOut,
    EntryUpdate,
    IdentifiersIn,
    IdentifiersOut,
    ImportOut,
    SearchArgs,
    VerificationIn,
)
from tenderscore.web.auth import signed_in, user
from tenderscore.web.errors import error_response
from tenderscore.web.views import settle_refusal

blp = Blueprint("register", __name__, url_prefix="/api", description="The VCSE register and organisations' identifiers")


def _register_path(field: str) -> list[str]:
    """``identifiers[1]`` as keys in the request body: identifiers, 1."""
    return (field or "_schema").replace("]", "").split("[")


def unprocessable(exc: Invalid) -> UnprocessableEntity:
    """The service's problems as schema errors: 422, ``errors.json`` by field path (``identifiers[1]`` is
    ``{"identifiers": {"1": [...]}}``), in the one shape ``schemas.unprocessable`` gives."""
    return schemas.unprocessable(exc, _register_path)


def _entry(entry_id: int) -> dict[str, Any]:
    session, me = get_session(), user()
    item = register.listing(session, entry_id)
    return _shown(item, register.verification_history(session, me, entry_id)
                  if register.may_see_evidence(me, item.entry) else None)  # fmt: skip


def _shown(item: register.Listing, history: list[register.VerificationLine] | None) -> dict[str, Any]:
    verified = item.standing is Standing.VERIFIED and item.verification is not None
    return {
        "id": item.entry.id, "organisation_id": item.organisation.id, "name": item.organisation.name,
        "identifiers": [str(i) for i in item.identifiers], "legal_form": item.entry.legal_form,
        "services": item.services, "areas": item.areas, "description": item.entry.description,
        "website": item.entry.website, "contact_email": item.entry.contact_email, "source": item.entry.source,
        "joined_at": item.entry.joined_at, "version": item.entry.version, "standing": item.standing.value,
        "standing_words": register.standing_words(item),
        "verified_until": item.verification.expires_at if verified and item.verification else None,
        "verifications": None if history is None else [
            {"verified_at": line.verification.verified_at, "verified_by": line.verified_by,
             "evidence": line.verification.evidence, "reason": line.verification.reason,
             "lapses_at": line.verification.expires_at, "ended_at": line.verification.ended_at,
             "ended_by": line.ended_by or None, "end_reason": line.verification.end_reason,
             "in_force": line.in_force}
            for line in history
        ],
    }  # fmt: skip


def _details(data: dict[str, Any], keep: list[str] | None = None) -> register.EntryDetails:
    return register.EntryDetails(
        name=data["name"], identifiers=[*(keep or []), *data["identifiers"]], legal_form=data["legal_form"],
        services=data["services"], areas=data["areas"], description=data["description"], website=data["website"],
        contact_email=data["contact_email"],
    )  # fmt: skip


def _checked(details: register.EntryDetails) -> register.Checked:
    try:
        return register.checked_details(details)
    except Invalid as exc:
        raise unprocessable(exc) from None


@blp.route("/register")
class Register(MethodView):
    @signed_in()
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, EntryOut(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Search the register by service and area (codes), and text in a name or identifier; verified first. The
        verification history is not listed here: GET an entry for it."""
        standing = Standing(args["standing"]) if args["standing"] else None
        found = register.search(get_session(), service=args["service"], area=args["area"], text=args["text"],
                                standing=standing)  # fmt: skip
        return [_shown(item, None) for item in found]

    @signed_in(Role.OFFICER)
    @blp.arguments(EntryIn)
    @blp.response(201, EntryOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add an organisation to the register, unverified (a buyer's officer). An identifier another organisation
        holds is refused with 409, naming it."""
        entry = register.join(get_session(), user(), _checked(_details(data)), source="added through the API")
        return _entry(id_of(entry))


@blp.route("/register/<int:entry_id>")
class EntryById(MethodView):
    @signed_in()
    @blp.response(200, EntryOut)
    def get(self, entry_id: int) -> dict[str, Any]:
        """One entry; its verification history with evidence only for those who may see it."""
        return _entry(entry_id)

    @signed_in()
    @blp.arguments(EntryUpdate)
    @blp.response(200, EntryOut)
    def put(self, data: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """Change an entry (its own partner users, or a buyer's officer or commissioner). Identifiers are added to
        those it has; a stale ``version`` is refused with 409."""
        session = get_session()
        item = register.listing(session, entry_id)
        if not register.may_edit(user(), item.entry):
            raise Forbidden("Only the organisation itself or a buyer's officer can change its register entry")
        checked = _checked(_details(data, [str(i) for i in item.identifiers]))
        register.update(session, user(), entry_id, checked, version=data["version"])
        return _entry(entry_id)


@blp.route("/register/<int:entry_id>/verifications")
class Verifications(MethodView):
    @signed_in(*register.VERIFIERS)
    @blp.arguments(VerificationIn)
    @blp.response(201, EntryOut)
    def post(self, data: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """Verify the entry on named evidence, with a reason, until ``lapses_on`` (a buyer's officer or
        commissioner); a verification in force is replaced."""
        until = register.lapse_moment(data["lapses_on"]) if data["lapses_on"] else None
        try:
            register.verify(get_session(), user(), entry_id, evidence=data["evidence"], reason=data["reason"],
                            expires_on=until)  # fmt: skip
        except Invalid as exc:
            raise unprocessable(exc) from None
        return _entry(entry_id)


@blp.route("/register/<int:entry_id>/verifications/end")
class EndVerification(MethodView):
    @signed_in(*register.VERIFIERS)
    @blp.arguments(EndIn)
    @blp.response(200, EntryOut)
    def post(self, data: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """End the verification in force early, with a reason; it stays on record."""
        register.end_verification(get_session(), user(), entry_id, reason=data["reason"])
        return _entry(entry_id)


@blp.route("/register/import")
class Import(MethodView):
    @signed_in(Role.OFFICER)
    @blp.doc(requestBody={"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string",
                                                                                      "format": "binary"}}}},
    }})  # fmt: skip
    @blp.response(201, ImportOut)
    @blp.alt_response(422, description="The file is refused whole, nothing stored: ``problems`` lists each by "
                      "line and column")  # fmt: skip
    def post(self) -> Any:
        """Import entries from a CSV file (docs/register.md, "Importing entries"), as a ``text/csv`` body or the
        multipart field ``file``: all of them, or none with every problem named by line and column."""
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                raise ServiceError("file: send the CSV as the multipart/form-data field 'file'", field="file")
            name, data = upload.filename, upload.stream.read(register_import.MAX_BYTES + 1)
        elif request.mimetype == "text/csv":
            name, data = "upload.csv", request.stream.read(register_import.MAX_BYTES + 1)
        else:
            raise ServiceError("file: send the CSV as a text/csv body, or as the multipart/form-data field 'file'",
                               field="file")  # fmt: skip
        try:
            result = register_import.import_csv(get_session(), user(), name, data)
        except register_import.ImportRefused as exc:
            settle_refusal(exc)
            problems = [{"line": p.line, "column": p.column, "message": p.message} for p in exc.found]
            return error_response(422, "Unprocessable Content", exc.message,
                                  {"field": "file", "details": exc.details, "problems": problems})  # fmt: skip
        return {"filename": result.filename, "sha256": result.sha256, "entries": [
            {"line": r.line, "entry_id": r.entry_id, "name": r.name, "identifiers": [str(i) for i in r.identifiers],
             "verified": r.verified} for r in result.rows]}, 201  # fmt: skip


def _mine() -> dict[str, Any]:
    session, me = get_session(), user()
    org, held = identifiers.mine(session, me)
    entry = register.entry_of(session, id_of(org))
    return {"organisation_id": org.id, "organisation": org.name, "identifiers": [str(i) for i in held],
            "may_change": identifiers.may_keep(me, org), "register_entry_id": entry.id if entry else None}  # fmt: skip


@blp.route("/organisations/mine/identifiers")
class MyIdentifiers(MethodView):
    @signed_in()
    @blp.response(200, IdentifiersOut)
    def get(self) -> dict[str, Any]:
        """Your organisation's identifiers."""
        return _mine()

    @signed_in()
    @blp.arguments(IdentifiersIn)
    @blp.response(201, IdentifiersOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add identifiers to your own organisation (a buyer's officers, a supplier's bidders, a VCSE
        organisation's partner users); one another organisation holds is refused with 409, naming it."""
        try:
            identifiers.add_own(get_session(), user(), data["identifiers"])
        except Invalid as exc:
            raise unprocessable(exc) from None
        except ServiceError as exc:
            if type(exc) is not ServiceError:
                raise  # forbidden, or held by another organisation (409)
            raise unprocessable(Invalid([(exc.field or "", exc.problems[0][1])])) from None
        return _mine()


@blp.route("/organisations/mine/identifiers/<identifier>")
class MyIdentifier(MethodView):
    @signed_in()
    @blp.response(204)
    def delete(self, identifier: str) -> Response:
        """Take a mistyped identifier off your own organisation (one on the register keeps at least one)."""
        session, me = get_session(), user()
        org, _ = identifiers.mine(session, me)
        identifiers.remove_own(session, me, identifier, on_register=register.entry_of(session, id_of(org)) is not None)
        return Response(status=204)
