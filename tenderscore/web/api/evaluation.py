"""Results, moderation view and the award."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from tenderscore.core import Evaluation
from tenderscore.core.register import Counting
from tenderscore.core.vcse import counted_summary, partner_lines
from tenderscore.db import get_session
from tenderscore.db.models import Award, Role
from tenderscore.services import evaluation as evaluation_service
from tenderscore.services import moderation as moderation_service
from tenderscore.services import named_partners
from tenderscore.services import scoring as service
from tenderscore.web.api.schemas import AwardIn, AwardOut, BidProgressOut, EvaluationOut, MoneyOut, StrictSchema
from tenderscore.web.auth import signed_in, user

blp = Blueprint("evaluation", __name__, url_prefix="/api/tenders", description="Evaluation and award")


@blp.route("/<int:tender_id>/evaluation")
class EvaluationResource(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, EvaluationOut)
    def get(self, tender_id: int) -> Evaluation:
        return evaluation_service.evaluation(get_session(), user(), tender_id)


class PartnerLineOut(StrictSchema):
    name = fields.Str()
    identifier = fields.Str()
    role = fields.Str()
    value_gbp = MoneyOut()
    share = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "percent of the price"})
    standing = fields.Str(metadata={"description": "in words: verified VCSE, registered but unverified, unknown"})
    confirmation = fields.Str(metadata={"description": "in words: confirmed, refused, not yet answered, not asked"})
    counts = fields.Bool(metadata={"description": "counts towards the VCSE share under the tender's rule"})


class BidPartnersOut(StrictSchema):
    submission_id = fields.Str()
    bidder = fields.Str()
    summary = fields.Str()
    partners = fields.List(fields.Nested(PartnerLineOut))


class PartnersOut(StrictSchema):
    counting = fields.Str(metadata={"description": "which partners count towards a bid's VCSE share"})
    as_at = fields.DateTime(allow_none=True, metadata={"description": "the award decision's time; null: now"})
    bids = fields.List(fields.Nested(BidPartnersOut))


@blp.route("/<int:tender_id>/partners")
class PartnersResource(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, PartnersOut)
    def get(self, tender_id: int) -> dict[str, Any]:
        """Each bid's named VCSE partners: £, share of the price, register standing (as at the award decision once
        awarded), answer, and whether each counts under the tender's rule."""
        gathered = evaluation_service.results_for(get_session(), user(), tender_id)
        rubric = gathered.rubric
        return {
            "counting": Counting(rubric.vcse_counting).words,
            "as_at": named_partners.as_at(gathered.tender),
            "bids": [
                {"submission_id": bid.bid_id, "bidder": bid.bidder, "summary": counted_summary(rubric, bid),
                 "partners": partner_lines(rubric, bid)}
                for bid in gathered.bids
            ],
        }  # fmt: skip


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
