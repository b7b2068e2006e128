"""Results, moderation view and the award."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.core import Evaluation
from tenderscore.db import get_session
from tenderscore.db.models import Award, Role
from tenderscore.services import evaluation as evaluation_service
from tenderscore.services import moderation as moderation_service
from tenderscore.services import scoring as service
from tenderscore.web.api.schemas import AwardIn, AwardOut, BidProgressOut, EvaluationOut
from tenderscore.web.auth import signed_in, user

blp = Blueprint("evaluation", __name__, url_prefix="/api/tenders", description="Evaluation and award")


@blp.route("/<int:tender_id>/evaluation")
class EvaluationResource(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, EvaluationOut)
    def get(self, tender_id: int) -> Evaluation:
        return evaluation_service.evaluation(get_session(), user(), tender_id)


@blp.route("/<int:tender_id>/award")
class AwardResource(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(AwardIn)
    @blp.response(201, AwardOut)
    def post(self, data: dict[str, Any], tender_id: int) -> Award:
        award = service.award(get_session(), user(), tender_id, data["reason"])
        return award


@blp.route("/<int:tender_id>/scoring-progress")
class ScoringProgress(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(200, BidProgressOut(many=True))
    def get(self, tender_id: int) -> list[dict[str, Any]]:
        """Per bid, how far each evaluator on the panel has got: not started, a draft, or finished."""
        return [
            {"submission_id": bid.submission_id, "bidder": bid.bidder, "excluded": list(bid.excluded),
             "evaluators": [
                 {"evaluator_id": p.evaluator.id, "evaluator": p.evaluator.name, "note": p.note,
                  "state": p.progress.state if p.progress else None,
                  "scored": p.progress.scored if p.progress else None,
                  "completed_at": p.progress.completed_at if p.progress else None}
                 for p in bid.evaluators]}
            for bid in moderation_service.scoring_progress(get_session(), user(), tender_id)
        ]  # fmt: skip
