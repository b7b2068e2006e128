"""Tenders: create, adjust or delete while draft, check the policy, divide into lots and set the rule across them,
publish, extend the deadline, open."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from tenderscore.db import get_session
from tenderscore.db.models import Role, Tender, id_of
from tenderscore.services import history, lots
from tenderscore.services import tenders as service
from tenderscore.services.errors import Invalid
from tenderscore.web.api.schemas import (
    DeadlineExtensionIn,
    LotIn,
    LotRuleIn,
    TenderDeleteIn,
    TenderDetailOut,
    TenderDraftUpdate,
    TenderIn,
    TenderOut,
    TenderPublishIn,
    unprocessable,
)
from tenderscore.web.auth import signed_in, user

blp = Blueprint("tenders", __name__, url_prefix="/api/tenders", description="Tenders and their lifecycle")


_LOT_FIELDS = ("lot_of", "lots", "lot_rule")
_COLUMNS = tuple(name for name in TenderOut().fields if name not in _LOT_FIELDS)


def represent(tender: Tender, family: list[Tender]) -> dict[str, Any]:
    """A tender (or a lot) as the API shows it: with every lot of its tender (``family``, lot 1 first) and the
    tender's rule across them."""
    rule = lots.rule_of(family[0])
    return {c: getattr(tender, c) for c in _COLUMNS} | {
        "lot_of": tender.lot_of_id,
        "lots": [
            {
                "number": lot.lot_number,
                "title": lot.lot_title,
                "id": lot.id,
                "reference": lot.reference,
                "status": lot.status,
                "estimated_value": lot.estimated_value,
            }
            for lot in family
        ],
        "lot_rule": {"cap": rule.cap, "order": rule.order.value, "words": rule.words},
    }


def detail(tender: Tender) -> dict[str, Any]:
    out = represent(tender, lots.lots_of(get_session(), tender))
    out["rubric"] = tender.rubric_snapshot or tender.rubric
    out["breaches"] = service.breaches(get_session(), tender)
    return out


def _body_path(field: str) -> list[str]:
    """A lots service's field as the request body names it."""
    return [{"lot_cap": "cap", "lot_order": "order"}.get(field, field or "_schema")]


@blp.route("")
class Tenders(MethodView):
    @signed_in()
    @blp.response(200, TenderOut(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Tenders (lot 1 of each, its lots listed in it); an evaluator's list is the lots it evaluates."""
        session = get_session()
        found = service.list_tenders(session, user())
        families = lots.lots_of_many(session, [t for t in found if t.lot_of_id is None])
        return [represent(t, families[id_of(t)] if t.lot_of_id is None else lots.lots_of(session, t)) for t in found]

    @signed_in(Role.OFFICER)
    @blp.arguments(TenderIn)
    @blp.response(201, TenderDetailOut)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        rubric = service.load_rubric_source(data.pop("rubric") or "", data.pop("rubric_yaml"))
        tender = service.create_tender(get_session(), user(), rubric=rubric, **data)
        return detail(tender)


@blp.route("/<int:tender_id>")
class TenderById(MethodView):
    @signed_in()
    @blp.response(200, TenderDetailOut)
    def get(self, tender_id: int) -> dict[str, Any]:
        return detail(service.get_tender(get_session(), user(), tender_id))

    @signed_in(Role.OFFICER)
    @blp.arguments(TenderDraftUpdate)
    @blp.response(200, TenderDetailOut)
    def patch(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Change a draft; every problem with the changes is reported at once. A published tender is frozen."""
        session = get_session()
        tender = service.get_tender(session, user(), tender_id)
        changes = data.pop("criteria")
        rubric = service.with_criterion_changes(service.rubric_of(tender), changes) if changes else None
        tender = service.update_draft(
            session, user(), tender_id, expected_version=data.pop("version"), rubric=rubric, **data
        )
        return detail(tender)

    @signed_in(Role.OFFICER)
    @blp.arguments(TenderDeleteIn)
    @blp.response(204)
    def delete(self, data: dict[str, Any], tender_id: int) -> None:
        """Delete a draft, with the reason: it disappears from lists and its addresses answer 404; the record stays."""
        service.delete_draft(get_session(), user(), tender_id, expected_version=data["version"], reason=data["reason"])


@blp.route("/<int:tender_id>/deadline")
class Deadline(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(DeadlineExtensionIn)
    @blp.response(200, TenderDetailOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Extend a published tender's deadline (later only, before it passes); every bidder is emailed."""
        tender = service.extend_deadline(
            get_session(), user(), tender_id, expected_version=data["version"], deadline=data["deadline"],
            reason=data["reason"], clarification_deadline=data["clarification_deadline"], following=data["following"],
        )  # fmt: skip
        return detail(tender)


@blp.route("/<int:tender_id>/publish")
class Publish(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(TenderPublishIn, required=False)
    @blp.response(200, TenderDetailOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Publish: freeze the rubric; questions close at the clarification deadline given, the draft's, or the
        default (seven days before the deadline)."""
        questions_close = (data or {}).get("clarification_deadline")
        tender = service.publish(get_session(), user(), tender_id, clarification_deadline=questions_close)
        return detail(tender)


@blp.route("/<int:tender_id>/open")
class Open(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(200, TenderDetailOut)
    def post(self, tender_id: int) -> dict[str, Any]:
        tender = service.open_bids(get_session(), user(), tender_id)
        return detail(tender)


@blp.route("/<int:tender_id>/lots")
class Lots(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(LotIn)
    @blp.response(201, TenderDetailOut)
    def post(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Add a lot to a draft tender (dividing it, the first time); the lot starts from the tender's rubric.
        Answers with the new lot; its weights are then changed with PATCH on the lot's own id."""
        try:
            lot = lots.add_lot(
                get_session(), user(), tender_id, expected_version=data["version"], title=data["title"],
                estimated_value=data.get("estimated_value"), first_title=data["first_title"],
            )  # fmt: skip
        except Invalid as exc:
            raise unprocessable(exc, _body_path) from None
        return detail(lot)


@blp.route("/<int:tender_id>/lot-rule")
class LotRule(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(LotRuleIn)
    @blp.response(200, TenderDetailOut)
    def put(self, data: dict[str, Any], tender_id: int) -> dict[str, Any]:
        """Set a draft tender's rule across its lots: the most lots one bidder may win (null: no limit) and which
        lots are settled first when that bites. Published with the tender."""
        try:
            head = lots.set_rule(
                get_session(), user(), tender_id, expected_version=data["version"], cap=data["cap"],
                order=data["order"],
            )  # fmt: skip
        except Invalid as exc:
            raise unprocessable(exc, _body_path) from None
        return detail(head)


class _HistoryQuery(Schema):
    kind = fields.List(fields.Str(validate=validate.OneOf(list(history.KINDS))), load_default=list,
                       metadata={"description": "only these kinds (repeat the parameter); none: everything"})


class _LineOut(Schema):
    at = fields.DateTime()
    who = fields.Str()
    what = fields.Str()
    reason = fields.Str()
    kind = fields.Str()
    fingerprint = fields.Str(allow_none=True, metadata={"description": "a SHA-256 the event recorded, if any"})


class HistoryOut(Schema):
    lines = fields.List(fields.Nested(_LineOut), metadata={"description": "oldest first"})
    kinds = fields.Dict(keys=fields.Str(), values=fields.Int(),
                        metadata={"description": "every kind with how many events of it (before filtering)"})


@blp.route("/<int:tender_id>/history")
class History(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.arguments(_HistoryQuery, location="query", as_kwargs=True)
    @blp.response(200, HistoryOut)
    def get(self, tender_id: int, kind: list[str]) -> history.History:
        """The tender's history in plain words, read from the audit chain, as its page shows it (bids, panel,
        evaluation, award, contract delivery ...), for the buyer's officers and the commissioner."""
        return history.tender_history(get_session(), user(), tender_id, kind)
