"""Clarification questions: list, ask, answer to the asker alone, publish to every bidder (services/clarifications)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import clarifications as service
from tenderscore.web.api.clarification_schemas import (
    ClarificationAnswerIn,
    ClarificationOut,
    ClarificationPublishIn,
    ClarificationQuestionIn,
)
from tenderscore.web.auth import signed_in, user

blp = Blueprint(
    "clarifications", __name__, url_prefix="/api", description="Clarification questions about a tender, and answers"
)


@blp.route("/tenders/<int:tender_id>/clarifications")
class Clarifications(MethodView):
    @signed_in()
    @blp.response(200, ClarificationOut(many=True))
    def get(self, tender_id: int) -> list[service.ClarificationView]:
        """The questions you may see: all of them for the buying team; your organisation's own and the published
        ones for a bidder; the published ones for everyone else."""
        return service.visible(get_session(), user(), tender_id)

    @signed_in(Role.BIDDER)
    @blp.arguments(ClarificationQuestionIn)
    @blp.response(201, ClarificationOut)
    def post(self, data: dict[str, Any], tender_id: int) -> service.ClarificationView:
        """Ask a question before the clarification deadline (a 409 naming it afterwards)."""
        session = get_session()
        asked = service.ask(session, user(), tender_id, data["question"])
        return service.one(session, user(), int(asked.id or 0))


@blp.route("/clarifications/<int:clarification_id>")
class ClarificationById(MethodView):
    @signed_in()
    @blp.response(200, ClarificationOut)
    def get(self, clarification_id: int) -> service.ClarificationView:
        return service.one(get_session(), user(), clarification_id)


@blp.route("/clarifications/<int:clarification_id>/answer")
class Answer(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ClarificationAnswerIn)
    @blp.response(201, ClarificationOut)
    def post(self, data: dict[str, Any], clarification_id: int) -> service.ClarificationView:
        """Answer the bidder who asked, alone (emailed to them); a correction names the answer it corrects."""
        session = get_session()
        service.answer(session, user(), clarification_id, audience="asker", **data)
        return service.one(session, user(), clarification_id)


@blp.route("/clarifications/<int:clarification_id>/publish")
class Publish(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(ClarificationPublishIn)
    @blp.response(201, ClarificationOut)
    def post(self, data: dict[str, Any], clarification_id: int) -> service.ClarificationView:
        """Answer every bidder (emailed to each), with the question in your words, without who asked."""
        session = get_session()
        service.answer(
            session, user(), clarification_id, audience="all", answer=data["answer"], corrects=data["corrects"],
            published_question=data["published_question"],
        )  # fmt: skip
        return service.one(session, user(), clarification_id)
