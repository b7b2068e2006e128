"""Scores (an evaluator's own) and consensus (the moderator's), each with a reason and a version."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import ConsensusScore, Role, Score, User
from tenderscore.services import access
from tenderscore.services import scoring as service
from tenderscore.services.errors import ServiceError
from tenderscore.services.moderation import moderation_rows
from tenderscore.web.api.schemas import (
    CompletionIn,
    ConsensusSheetIn,
    ModerationRowOut,
    ScoreIn,
    ScoreOut,
    ScoreSheetIn,
    ScoreSheetOut,
)
from tenderscore.web.auth import signed_in, user

blp = Blueprint("scores", __name__, url_prefix="/api/submissions", description="Scores and consensus")


@blp.route("/<int:submission_id>/scores")
class MyScores(MethodView):
    @signed_in(Role.EVALUATOR)
    @blp.response(200, ScoreOut(many=True))
    def get(self, submission_id: int) -> list[Score]:
        return list(service.my_scores(get_session(), user(), submission_id).values())

    @signed_in(Role.EVALUATOR)
    @blp.arguments(ScoreSheetIn)
    @blp.response(200, ScoreSheetOut)
    def put(self, data: dict[str, Any], submission_id: int) -> dict[str, Any]:
        """Save many of your scores of one bid at once (all or none), and optionally mark the bid finished."""
        sheet = service.record_scores(get_session(), user(), submission_id, _entries(data["scores"]),
                                      finished=data["finished"])  # fmt: skip
        return _sheet(sheet)


@blp.route("/<int:submission_id>/scoring-completion")
class ScoringCompletion(MethodView):
    @signed_in(Role.EVALUATOR)
    @blp.response(200, ScoreSheetOut)
    def get(self, submission_id: int) -> dict[str, Any]:
        """Your scores of this bid and whether you have marked it finished."""
        return _sheet(service.scoring_sheet(get_session(), user(), submission_id))

    @signed_in(Role.EVALUATOR)
    @blp.arguments(CompletionIn)
    @blp.response(200, ScoreSheetOut)
    def post(self, data: dict[str, Any], submission_id: int) -> dict[str, Any]:
        """Mark the bid finished (every scored criterion needs your score), or reopen it with a reason."""
        if data["finished"]:
            if data["reason"]:
                raise ServiceError("reason: a reason is given only when reopening", field="reason")
            return _sheet(service.finish_scoring(get_session(), user(), submission_id))
        return _sheet(service.reopen_scoring(get_session(), user(), submission_id, data["reason"]))


def _entries(rows: list[dict[str, Any]]) -> dict[str, service.Entry]:
    return {r["criterion_id"]: (r["score"], r["reason"], r["version"]) for r in rows}


def _sheet(sheet: service.ScoringSheet) -> dict[str, Any]:
    return {"submission_id": sheet.submission_id, "finished": sheet.finished, "completed_at": sheet.completed_at,
            "criteria": sheet.criteria, "scores": list(sheet.scores.values())}  # fmt: skip


@blp.route("/<int:submission_id>/consensus")
class ConsensusSheet(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ConsensusSheetIn)
    @blp.response(200, ScoreOut(many=True))
    def put(self, data: dict[str, Any], submission_id: int) -> list[ConsensusScore]:
        """Record the consensus of many criteria of one bid at once: all saved or none."""
        saved = service.record_consensus_sheet(get_session(), user(), submission_id, _entries(data["scores"]))
        return list(saved.values())


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
