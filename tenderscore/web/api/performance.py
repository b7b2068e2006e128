"""A contract's KPI ratings per reporting period and its contract performance notices (s.71), and when the next
notice is due. Everyone with a seat at the contract reads them (``contract_access``); only the buyer's officer
rates and publishes."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from tenderscore.core.performance import Rating
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import delivery, limits, performance_notices, ratings
from tenderscore.services.contract_access import Seat
from tenderscore.services.delivery import DeliveryView, PeriodView
from tenderscore.web.api.schemas import MoneyOut, StrictSchema, dotted, fields_refused
from tenderscore.web.auth import signed_in, user
from tenderscore.web.pages.performance import contract_link
from tenderscore.web.views import PDF, download

blp = Blueprint("performance", __name__, url_prefix="/api/contracts",
                description="Contract delivery: KPI ratings and contract performance notices")  # fmt: skip


class RatingIn(StrictSchema):
    kpi_id = fields.Int(required=True)
    rating = fields.Str(required=True, metadata={"description": "good, approaching_target, requires_improvement, "
                                                                "inadequate or other; blank: the rule's"})  # fmt: skip
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX),
                        metadata={"description": "required where the rating differs from the rule's"})  # fmt: skip


class RatingsIn(StrictSchema):
    ratings = fields.List(fields.Nested(RatingIn), load_default=list,
                          metadata={"description": "KPIs left out are given the rule's rating"})  # fmt: skip


class KpiRatingOut(StrictSchema):
    kpi_id = fields.Int()
    title = fields.Str()
    target = fields.Str()
    target_value = fields.Decimal(as_string=True, allow_none=True)
    unit = fields.Str()
    direction = fields.Str()
    basis = fields.Str(metadata={"description": "figure, or vcse_share (from partners' confirmed spend)"})
    reported = fields.Decimal(as_string=True, allow_none=True)
    delivered = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "what is rated"})
    percent_of_target = fields.Decimal(as_string=True, allow_none=True)
    computed = fields.Str(metadata={"description": "the published rule's rating"})
    rating = fields.Str(metadata={"description": "the officer's recorded rating, else the rule's"})
    rating_label = fields.Str()
    reason = fields.Str()
    rated = fields.Bool()
    judged = fields.Bool()
    stale = fields.Bool(metadata={"description": "rated before a new return or partner's answer changed the rule's"})


class PeriodRatingsOut(StrictSchema):
    contract_id = fields.Int()
    period = fields.Int()
    starts_on = fields.Date()
    ends_on = fields.Date()
    return_due_on = fields.Date()
    return_version = fields.Int(allow_none=True)
    late = fields.Bool()
    overdue = fields.Bool()
    contract_spend = MoneyOut(allow_none=True)
    vcse_spend_reported = MoneyOut()
    vcse_spend_confirmed = MoneyOut()
    vcse_spend_counted = MoneyOut()
    overall = fields.Str()
    rated = fields.Bool()
    can_rate = fields.Bool()
    why_not = fields.Str()
    rule = fields.List(fields.Str())
    kpis = fields.List(fields.Nested(KpiRatingOut))


class NoticeOut(StrictSchema):
    number = fields.Int()
    first_period = fields.Int()
    last_period = fields.Int()
    assessed_on = fields.Date()
    final = fields.Bool()
    overall = fields.Str()
    overall_label = fields.Str()
    document_id = fields.Int(allow_none=True)
    release_id = fields.Str()
    published_at = fields.DateTime()


class NoticeDueOut(StrictSchema):
    assessed_by = fields.Date()
    publish_by = fields.Date()
    final = fields.Bool()
    overdue = fields.Bool()


class NoticesOut(StrictSchema):
    contract_id = fields.Int()
    tender_id = fields.Int()
    notices = fields.List(fields.Nested(NoticeOut))
    next_notice = fields.Nested(NoticeDueOut, allow_none=True)
    can_publish = fields.Bool()
    why_not = fields.Str()
    would_cover = fields.List(fields.Int(), metadata={"description": "the periods the next notice would report"})


def period_ratings(view: DeliveryView, shown: PeriodView) -> dict[str, Any]:
    refusal = ratings.refusal(view, shown)
    if view.seat != Seat.OFFICER:
        refusal = "Only a procurement officer of the buyer rates the contract's KPIs"
    return {
        "contract_id": view.contract.id, "period": shown.period.number, "starts_on": shown.period.starts_on,
        "ends_on": shown.period.ends_on, "return_due_on": shown.period.due_on,
        "return_version": shown.current.version if shown.current else None, "late": shown.late,
        "overdue": shown.overdue, "contract_spend": shown.contract_spend,
        "vcse_spend_reported": shown.spend.total(), "vcse_spend_confirmed": shown.spend.total(confirmed=True),
        "vcse_spend_counted": shown.spend.total(confirmed=True, counted=True), "overall": shown.overall.value,
        "rated": shown.rated, "can_rate": refusal is None, "why_not": refusal or "", "rule": view.rule.lines(),
        "kpis": [{
            "kpi_id": k.kpi.id, "title": k.kpi.title, "target": k.kpi.target, "target_value": k.kpi.target_value,
            "unit": k.kpi.unit, "direction": k.kpi.direction, "basis": k.kpi.basis, "reported": k.reported,
            "delivered": k.delivered, "percent_of_target": k.percent, "computed": k.computed.value,
            "rating": k.rating.value, "rating_label": k.rating.label,
            "reason": k.recorded.reason if k.recorded else "", "rated": k.recorded is not None, "judged": k.judged,
            "stale": k.stale,
        } for k in shown.kpis],
    }  # fmt: skip


def notices_of(view: DeliveryView) -> dict[str, Any]:
    planned = performance_notices.plan(view)
    refusal = planned.refusal
    if view.seat != Seat.OFFICER:
        refusal = "Only a procurement officer of the buyer publishes contract performance notices"
    due = view.next_notice
    return {
        "contract_id": view.contract.id, "tender_id": view.tender.id,
        "notices": [{
            "number": n.number, "first_period": n.first_period, "last_period": n.last_period,
            "assessed_on": n.assessed_on, "final": n.final, "overall": n.overall,
            "overall_label": Rating(n.overall).label, "document_id": n.document_id,
            "release_id": n.release_id, "published_at": n.published_at,
        } for n in view.notices],
        "next_notice": None if due is None else {
            "assessed_by": due.assessed_by, "publish_by": due.publish_by, "final": due.final,
            "overdue": view.notice_overdue,
        },
        "can_publish": refusal is None, "why_not": refusal or "",
        "would_cover": [p.period.number for p in planned.periods],
    }  # fmt: skip


@blp.route("/<int:contract_id>/periods/<int:period>/ratings")
class PeriodRatings(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)
    @blp.response(200, PeriodRatingsOut)
    def get(self, contract_id: int, period: int) -> dict[str, Any]:
        """Each KPI in the period: target, reported, delivered (for the VCSE share: confirmed spend of partners
        that count), percent of target, the rule's rating and the recorded one, and whether it is stale."""
        view = delivery.delivery(get_session(), user(), contract_id)
        return period_ratings(view, view.period(period))

    @signed_in(Role.OFFICER)
    @blp.arguments(RatingsIn)
    @blp.response(201, PeriodRatingsOut)
    def post(self, data: dict[str, Any], contract_id: int, period: int) -> dict[str, Any]:
        """Rate every KPI for the period: the rule's rating unless you give another, with your reason. Every
        problem is reported at once in a 422 naming each field by the KPI's id (``errors.json.kpis.<kpi id>.rating``,
        ``errors.json.kpis.<kpi id>.reason``: a KPI left out of the body can need a reason too) and nothing is
        stored."""
        session = get_session()
        given = {r["kpi_id"]: ratings.Judgement(r["rating"], r["reason"]) for r in data["ratings"]}
        with fields_refused(dotted):
            ratings.rate_period(session, user(), contract_id, period, given)
        view = delivery.delivery(session, user(), contract_id)
        return period_ratings(view, view.period(period))


@blp.route("/<int:contract_id>/performance-notices")
class PerformanceNotices(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)
    @blp.response(200, NoticesOut)
    def get(self, contract_id: int) -> dict[str, Any]:
        """The contract performance notices published, when the next is due (and whether it is overdue), and
        whether one can be published now."""
        return notices_of(delivery.delivery(get_session(), user(), contract_id))

    @signed_in(Role.OFFICER)
    @blp.response(201, NoticesOut)
    def post(self, contract_id: int) -> dict[str, Any]:
        """Publish the contract performance notice covering the rated periods since the last (PDF and OCDS
        implementation release); the supplier is emailed."""
        session = get_session()
        performance_notices.publish(session, user(), contract_id, contract_url=contract_link(contract_id))
        return notices_of(delivery.delivery(session, user(), contract_id))


@blp.route("/<int:contract_id>/performance-notices/preview")
class PerformanceNoticePreview(MethodView):
    @signed_in(Role.OFFICER)
    @blp.response(200, content_type=PDF)
    def get(self, contract_id: int) -> Response:
        """The next contract performance notice's PDF as publishing now would issue it, marked "Preview - not
        published": not stored as an issued document (its download is recorded in the audit trail); a 409 with the
        reason when no notice can be published yet."""
        return download(*performance_notices.preview(get_session(), user(), contract_id), PDF)
