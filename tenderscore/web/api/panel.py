"""The evaluation panel: assignments and conflict-of-interest declarations."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import EvaluatorAssignment, Role
from tenderscore.services import panel as service
from tenderscore.services import tenders as tender_service
from tenderscore.web.api.schemas import AssignIn, AssignmentOut, DeclarationIn, PanelMemberOut
from tenderscore.web.auth import signed_in, user

blp = Blueprint("panel", __name__, url_prefix="/api/tenders", description="Evaluators and declarations")


@blp.route("/<int:tender_id>/evaluators")
class Evaluators(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(200, PanelMemberOut(many=True))
    def get(self, tender_id: int) -> list[dict[str, Any]]:
        session = get_session()
        tender_service.get_tender(session, user(), tender_id)
        return [
            {
                "evaluator_id": member.id,
                "name": member.name,
                "email": member.email,
                "declared_at": assignment.declared_at,
                "conflicts": [c.bidder_org_id for c in conflicts],
            }
            for assignment, member, conflicts in service.panel(session, tender_id)
        ]

    @signed_in(Role.OFFICER)
    @blp.arguments(AssignIn)
    @blp.response(201, AssignmentOut)
    def post(self, data: dict[str, Any], tender_id: int) -> EvaluatorAssignment:
        assignment = service.assign_evaluator(get_session(), user(), tender_id, data["evaluator_id"])
        return assignment


@blp.route("/<int:tender_id>/declaration")
class Declaration(MethodView):
    @signed_in(Role.EVALUATOR)
    @blp.arguments(DeclarationIn)
    @blp.response(200, AssignmentOut)
    def put(self, data: dict[str, Any], tender_id: int) -> EvaluatorAssignment:
        conflicts = [(c["bidder_org_id"], c["details"]) for c in data["conflicts"]]
        assignment = service.declare(get_session(), user(), tender_id, statement=data["statement"], conflicts=conflicts)
        return assignment
