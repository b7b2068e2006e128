"""A VCSE partner's requests to confirm its part in bids, and its answers (services/confirmations.py)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from tenderscore.core.register import Confirmation
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import confirmations
from tenderscore.services import delivery_returns as returns
from tenderscore.web.api.delivery_schemas import SpendAnswerIn, SpendRequestOut
from tenderscore.web.api.schemas import MoneyOut, StrictSchema, dotted, fields_refused
from tenderscore.web.auth import signed_in, user

blp = Blueprint(
    "partner", __name__, url_prefix="/api/partner", description="A VCSE partner confirming its part in bids"
)


class ConfirmationOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    tender_reference = fields.Str()
    tender_title = fields.Str()
    buyer = fields.Str()
    bidder = fields.Str()
    name = fields.Str(metadata={"description": "the partner as the bid names it"})
    identifier = fields.Str()
    role = fields.Str(metadata={"description": "what the bid says the partner will deliver"})
    value_gbp = MoneyOut()
    status = fields.Str(metadata={"description": "awaiting, confirmed or refused"})
    status_words = fields.Str()
    note = fields.Str()
    asked_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    answerable = fields.Bool(metadata={"description": "false once the tender is awarded or the bid replaced"})


class AnswerIn(StrictSchema):
    answer = fields.Str(required=True, validate=validate.OneOf([c.value for c in confirmations.ANSWERS]))
    note = fields.Str(load_default="", metadata={"description": "required when refusing: why"})


def _out(found: confirmations.Request) -> dict[str, Any]:
    c = found.confirmation
    return {
        "id": c.id, "tender_id": found.tender_id, "tender_reference": found.tender_reference,
        "tender_title": found.tender_title, "buyer": found.buyer, "bidder": found.bidder, "name": c.name,
        "identifier": c.identifier, "role": c.role, "value_gbp": c.value_gbp, "status": c.status,
        "status_words": Confirmation(c.status).words, "note": c.note, "asked_at": c.asked_at,
        "answered_at": c.answered_at, "answerable": found.answerable,
    }  # fmt: skip


@blp.route("/confirmations")
class Confirmations(MethodView):
    @signed_in(Role.PARTNER)
    @blp.response(200, ConfirmationOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The partner's requests on current bids, awaiting an answer first."""
        return [_out(r) for r in confirmations.requests_for(get_session(), user())]


@blp.route("/confirmations/<int:confirmation_id>")
class ConfirmationItem(MethodView):
    @signed_in(Role.PARTNER)
    @blp.response(200, ConfirmationOut)
    def get(self, confirmation_id: int) -> dict[str, Any]:
        return _out(confirmations.request_for(get_session(), user(), confirmation_id))

    @signed_in(Role.PARTNER)
    @blp.arguments(AnswerIn)
    @blp.response(200, ConfirmationOut)
    def post(self, body: dict[str, Any], confirmation_id: int) -> dict[str, Any]:
        """Confirm, or refuse with a reason; an answer can change until the tender is awarded."""
        session = get_session()
        with fields_refused(dotted):
            confirmations.answer(session, user(), confirmation_id, body["answer"], body["note"])
        return _out(confirmations.request_for(session, user(), confirmation_id))


# --- spend reported with the partner in a supplier's delivery return (services/delivery_returns.py) ---------------


def _spend_out(found: returns.SpendRequest) -> dict[str, Any]:
    line = found.line
    return {
        "id": line.id, "contract_id": found.contract_id, "contract_title": found.contract_title,
        "tender_reference": found.tender_reference, "buyer": found.buyer, "supplier": found.supplier,
        "period": found.period.number, "period_starts_on": found.period.starts_on,
        "period_ends_on": found.period.ends_on, "version": found.version, "identifier": line.identifier,
        "name": line.name, "amount": line.amount, "confirmation": line.confirmation,
        "answer_reason": line.answer_reason, "answered_at": line.answered_at, "answerable": found.answerable,
    }  # fmt: skip


@blp.route("/spend")
class SpendLines(MethodView):
    @signed_in(Role.PARTNER)
    @blp.response(200, SpendRequestOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Spend suppliers report with your organisation in their delivery returns (current versions), awaiting an
        answer first. You see only your own lines, never the rest of a return."""
        return [_spend_out(r) for r in returns.spend_requests_for(get_session(), user())]


@blp.route("/spend/<int:spend_id>")
class SpendLine(MethodView):
    @signed_in(Role.PARTNER)
    @blp.response(200, SpendRequestOut)
    def get(self, spend_id: int) -> dict[str, Any]:
        return _spend_out(returns.spend_request_for(get_session(), user(), spend_id))

    @signed_in(Role.PARTNER)
    @blp.arguments(SpendAnswerIn)
    @blp.response(200, SpendRequestOut)
    def post(self, body: dict[str, Any], spend_id: int) -> dict[str, Any]:
        """Confirm the £ reported with you, or dispute it (refused) with the reason (a 422 naming ``reason``
        without one); on the current version only (a 409 for a line of an earlier version)."""
        session = get_session()
        with fields_refused(dotted):
            returns.answer_spend(session, user(), spend_id, body["answer"] == "confirmed", body["reason"])
        return _spend_out(returns.spend_request_for(session, user(), spend_id))
