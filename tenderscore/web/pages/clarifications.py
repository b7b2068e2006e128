"""Clarification questions: a bidder asks; an officer answers the asker alone or publishes to every bidder.

Who sees which question and answer is decided in services/clarifications.py (``visible``, ``one``); the tender page
lists them, and each question has its own page, where the buyer's officer answers or corrects.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.db.types import utcnow
from tenderscore.services import clarifications as service
from tenderscore.services import tenders as tender_service
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages import bp
from tenderscore.web.views import form_page


def _ask_page(tender_id: int) -> dict[str, Any]:
    tender = tender_service.get_tender(get_session(), user(), tender_id)
    return {
        "tender": tender,
        "questions_close": service.closes_at(tender),
        "cannot_ask": service.refusal_to_ask(tender, utcnow()),
        "form": request.form,
    }


@bp.route("/tenders/<int:tender_id>/clarifications/ask", methods=["GET", "POST"])
@signed_in(Role.BIDDER)
@form_page("clarifications/ask.html", _ask_page)
def clarification_ask(tender_id: int) -> Any:
    asked = service.ask(get_session(), user(), tender_id, request.form.get("question", ""))
    flash("Your question has been sent to the buyer. You will be emailed the answer.", "success")
    return redirect(url_for("pages.clarification", clarification_id=asked.id))


def _question_page(clarification_id: int) -> dict[str, Any]:
    session, me = get_session(), user()
    seen = service.one(session, me, clarification_id)
    tender = tender_service.get_tender(session, me, seen.tender_id)
    can_answer = (
        me.role == Role.OFFICER and service.sight(me, tender) == service.Sight.TEAM and tender.status == "published"
        and utcnow() < tender.deadline
    )  # fmt: skip
    form: Any = request.form
    if request.method == "GET":  # the published wording starts as the question asked, for the officer to edit
        form = {"published_question": seen.published_question or seen.question, "audience": ""}
    return {"seen": seen, "tender": tender, "can_answer": can_answer, "form": form}


@bp.route("/clarifications/<int:clarification_id>", methods=["GET", "POST"])
@signed_in()
@form_page("clarifications/question.html", _question_page)
def clarification(clarification_id: int) -> Any:
    audience = request.form.get("audience", "")
    corrects = request.form.get("corrects", "")
    service.answer(
        get_session(), user(), clarification_id, answer=request.form.get("answer", ""), audience=audience,
        published_question=request.form.get("published_question") if audience == "all" else None,
        corrects=int(corrects) if corrects.isdigit() else None,
    )  # fmt: skip
    flash(f"Your answer has been sent to {service.AUDIENCE_WORDS.get(audience, 'the bidders')}.", "success")
    return redirect(url_for("pages.clarification", clarification_id=clarification_id))
