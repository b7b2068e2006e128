"""Scores (an evaluator's own) and consensus (the moderator's), each with a reason and a version."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import ConsensusScore, Role, Score, User
from tenderscore.services import access
from tenderscore.services import scoring as service
from tenderscore.services.moderation import moderation_rows
from tenderscore.web.api.schemas import ModerationRowOut, ScoreIn, ScoreOut
from tenderscore.web.auth import signed_in, user

blp = Blueprint("scores", __name__, url_prefix="/api/submissions", description="Scores and consensus")


@blp.route("/<int:submission_id>/scores")
class MyScores(MethodView):
    @signed_in(Role.EVALUATOR)
    @blp.response(200, ScoreOut(many=True))
    def get(self, submission_id: int) -> list[Score]:
        return list(service.my_scores(get_session(), user(), submission_id).values())


@blp.route("/<int:submission_id>/scores/<criterion_id>")
class MyScore(MethodView):
    @signed_in(Role.EVALUATOR)
    @blp.arguments(ScoreIn)
    @blp.response(200, ScoreOut)
    def put(self, data: dict[str, Any], submission_id: int, criterion_id: str) -> Score:
        score = service.record_score(
            get_session(),
            user(),
            submission_id,
            criterion_id,
            data["score"],
            data["reason"],
            expected_version=data["version"],
        )
        return score


@blp.route("/<int:submission_id>/consensus/<criterion_id>")
class ConsensusById(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ScoreIn)
    @blp.response(200, ScoreOut)
    def put(self, data: dict[str, Any], submission_id: int, criterion_id: str) -> ConsensusScore:
        consensus = service.record_consensus(
            get_session(),
            user(),
            submission_id,
            criterion_id,
            data["score"],
            data["reason"],
            expected_version=data["version"],
        )
        return consensus


@blp.route("/<int:submission_id>/moderation")
class Moderation(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(200, ModerationRowOut(many=True))
    def get(self, submission_id: int) -> list[dict[str, Any]]:
        """Per scored criterion: the evaluators' scores side by side, the spread, and the consensus so far."""
        session = get_session()
        submission = access.readable_bid(session, user(), submission_id)
        return [
            {"criterion_id": row.criterion.id, "title": row.criterion.title, "spread": row.spread,
             "flagged": row.flagged, "consensus": row.consensus,
             "scores": [_individual(evaluator, score) for evaluator, score in row.scores]}
            for row in moderation_rows(session, user(), submission)
        ]  # fmt: skip


def _individual(evaluator: User | None, score: Score) -> dict[str, Any]:
    return {
        "evaluator_id": score.evaluator_id,
        "evaluator": evaluator.name if evaluator else "",
        "score": score.score,
        "reason": score.reason,
        "version": score.version,
    }
