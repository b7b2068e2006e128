"""Tenders: create, adjust or delete while draft, check the policy, publish, extend the deadline, open."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role, Tender
from tenderscore.services import tenders as service
from tenderscore.web.api.schemas import (
    DeadlineExtensionIn,
    TenderDeleteIn,
    TenderDetailOut,
    TenderDraftUpdate,
    TenderIn,
    TenderOut,
    TenderPublishIn,
)
from tenderscore.web.auth import signed_in, user

blp = Blueprint("tenders", __name__, url_prefix="/api/tenders", description="Tenders and their lifecycle")


def detail(tender: Tender) -> dict[str, Any]:
    out = {c: getattr(tender, c) for c in TenderOut().fields}
    out["rubric"] = tender.rubric_snapshot or tender.rubric
    out["breaches"] = service.breaches(get_session(), tender)
    return out


@blp.route("")
class Tenders(MethodView):
    @signed_in()
    @blp.response(200, TenderOut(many=True))
    def get(self) -> list[Tender]:
        return service.list_tenders(get_session(), user())

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
