"""Commissioners' policies."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import UnprocessableEntity

from tenderscore.db import get_session
from tenderscore.db.models import Policy, Role
from tenderscore.services import policies as service
from tenderscore.services import vcse_oversight as oversight
from tenderscore.services.errors import Invalid
from tenderscore.web.api.schemas import MoneyOut, PolicyIn, PolicyOut, PolicyUpdate, unprocessable
from tenderscore.web.auth import signed_in, user

blp = Blueprint("policies", __name__, url_prefix="/api/policies", description="Commissioners' policies")


def _json_path(field: str) -> list[str]:
    """The service's form field as a path in the request body: ``measure_0`` -> mandatory_commitments, 0, measure."""
    for key in ("measure", "minimum"):
        index = field.removeprefix(f"{key}_")
        if field.startswith(f"{key}_") and index.isdigit():
            return ["mandatory_commitments", index, key]
    return [field or "_schema"]


def _unprocessable(exc: Invalid) -> UnprocessableEntity:
    return unprocessable(exc, _json_path)


@blp.route("")
class Policies(MethodView):
    @signed_in(Role.COMMISSIONER, Role.OFFICER)
    @blp.response(200, PolicyOut(many=True))
    def get(self) -> list[Policy]:
        return service.list_policies(get_session(), user())

    @signed_in(Role.COMMISSIONER)
    @blp.arguments(PolicyIn)
    @blp.response(201, PolicyOut)
    def post(self, data: dict[str, Any]) -> Policy:
        try:
            return service.create_policy(get_session(), user(), **data)
        except Invalid as exc:
            raise _unprocessable(exc) from None


@blp.route("/<int:policy_id>")
class PolicyById(MethodView):
    @signed_in(Role.COMMISSIONER, Role.OFFICER)
    @blp.response(200, PolicyOut)
    def get(self, policy_id: int) -> Policy:
        return service.get_policy(get_session(), user(), policy_id)

    @signed_in(Role.COMMISSIONER)
    @blp.arguments(PolicyUpdate)
    @blp.response(200, PolicyOut)
    def put(self, data: dict[str, Any], policy_id: int) -> Policy:
        version, reason = data.pop("version"), data.pop("reason")
        try:
            return service.update_policy(
                get_session(), user(), policy_id, expected_version=version, reason=reason, **data
            )
        except Invalid as exc:
            raise _unprocessable(exc) from None


class _PartnerLineOut(Schema):
    name = fields.Str()
    identifier = fields.Str()
    value_gbp = MoneyOut()
    standing = fields.Str(metadata={"description": "verified, registered or unknown"})
    confirmation = fields.Str(metadata={"description": "confirmed, refused, awaiting or not_asked"})


class _AwardedOut(Schema):
    bidder = fields.Str()
    price = MoneyOut()
    promised = fields.Decimal(as_string=True, metadata={"description": "percent of the price the bid promised"})
    verified = fields.Decimal(as_string=True, metadata={"description": "percent delivered by verified partners"})
    confirmed = fields.Decimal(
        as_string=True, metadata={"description": "percent delivered by verified partners who confirmed"}
    )
    as_at = fields.DateTime(metadata={"description": "the award's decision: the register and answers as they were"})
    partners = fields.List(fields.Nested(_PartnerLineOut))


class _TenderShareOut(Schema):
    tender_id = fields.Function(lambda t: t.tender.id)
    reference = fields.Function(lambda t: t.tender.reference)
    status = fields.Function(lambda t: t.tender.status)
    opened = fields.Bool()
    bids = fields.Int()
    awarded = fields.Nested(_AwardedOut, allow_none=True)


class _RecurringOut(Schema):
    name = fields.Str()
    identifier = fields.Str()
    standing = fields.Str()
    bids = fields.Int()
    tenders = fields.Function(lambda p: p.tender_count)
    total_gbp = fields.Decimal(as_string=True)
    answers = fields.Function(lambda p: {str(k): v for k, v in p.answers.items()})


class PolicyShareOut(Schema):
    policy_id = fields.Function(lambda s: s.policy.id)
    vcse_counting = fields.Function(lambda s: s.policy.vcse_counting)
    read_at = fields.DateTime()
    tenders = fields.List(fields.Nested(_TenderShareOut))
    partners = fields.List(fields.Nested(_RecurringOut))


@blp.route("/<int:policy_id>/vcse")
class PolicyShare(MethodView):
    @signed_in(Role.COMMISSIONER, Role.OFFICER)
    @blp.response(200, PolicyShareOut)
    def get(self, policy_id: int) -> oversight.PolicyShare:
        """The VCSE share promised, by verified partners and by verified partners who confirmed, across the
        policy's tenders (each awarded one as at its award), and the partners named in opened bids."""
        return oversight.policy_share(get_session(), user(), policy_id)
