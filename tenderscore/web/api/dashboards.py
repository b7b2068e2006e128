"""Contracts in delivery: the list of one's contracts, a contract's KPIs against target by period, the oversight
across contracts, and the same as .xlsx (the pages' figures: services/delivery_oversight.py)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from tenderscore.core.numbers import pounds
from tenderscore.core.performance import Rating
from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services import delivery_exports
from tenderscore.services import delivery_oversight as oversight
from tenderscore.services.delivery import KpiPeriod, PeriodView
from tenderscore.web.api.schemas import MoneyOut
from tenderscore.web.auth import signed_in, user
from tenderscore.web.views import XLSX, download

blp = Blueprint("contracts_dashboards", __name__, url_prefix="/api/contracts",
                description="Contracts in delivery: performance and oversight")  # fmt: skip
SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)


def _rating(rating: Rating) -> dict[str, str]:
    return {"id": rating.value, "label": rating.label, "ocds": rating.ocds}


class _RatingOut(Schema):
    id = fields.Str(metadata={"description": "good, approaching_target, requires_improvement, inadequate or other"})
    label = fields.Str()
    ocds = fields.Str(metadata={"description": "the UK profile's measureClassification id"})


class _LateOut(Schema):
    period = fields.Function(lambda p: p.period.number)
    due_on = fields.Function(lambda p: p.period.due_on.isoformat())
    overdue = fields.Bool(metadata={"description": "true: no return yet; false: the return came late"})


class _NoticeOut(Schema):
    assessed_by = fields.Date()
    publish_by = fields.Date()
    final = fields.Bool()


class ContractStatusOut(Schema):
    contract_id = fields.Function(lambda s: s.view.contract.id)
    tender_id = fields.Function(lambda s: s.view.tender.id)
    reference = fields.Function(lambda s: s.view.tender.reference)
    title = fields.Function(lambda s: s.view.contract.title)
    supplier = fields.Str()
    seat = fields.Function(lambda s: s.view.seat.value, metadata={"description": "officer, commissioner or supplier"})
    starts_on = fields.Function(lambda s: s.view.contract.starts_on.isoformat())
    ends_on = fields.Function(lambda s: s.view.contract.ends_on.isoformat())
    latest_period = fields.Function(lambda s: s.latest.period.number if s.latest else None)
    overall = fields.Function(lambda s: _rating(s.overall), metadata={"description": "of the latest period reported"})
    late = fields.List(fields.Nested(_LateOut))
    next_notice = fields.Function(lambda s: _NoticeOut().dump(s.view.next_notice) if s.view.next_notice else None)


class _KpiPeriodOut(Schema):
    kpi_id = fields.Function(lambda k: k.kpi.id)
    period = fields.Function(lambda k: k.period.number)
    target = fields.Function(lambda k: k.kpi.target, metadata={"description": "as it stood on the period's last day"})
    target_value = fields.Function(lambda k: None if k.kpi.target_value is None else str(k.kpi.target_value))
    reported = fields.Decimal(as_string=True, allow_none=True)
    delivered = fields.Decimal(as_string=True, allow_none=True,
                               metadata={"description": "what is rated (VCSE share: confirmed spend that counts)"})
    percent = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "of the target, 2 dp"})
    comment = fields.Str()
    computed = fields.Function(lambda k: _rating(k.computed), metadata={"description": "the published rule's"})
    rating = fields.Function(lambda k: _rating(k.rating), metadata={"description": "the officer's, else the rule's"})
    rated = fields.Function(lambda k: k.recorded is not None)
    judged = fields.Bool()
    reason = fields.Function(lambda k: k.recorded.reason if k.recorded is not None and k.judged else "")
    stale = fields.Bool()
    published = fields.Int(allow_none=True, metadata={"description": "the performance notice that reported it"})


class _KpiOut(Schema):
    kpi_id = fields.Int(attribute="id")
    title = fields.Str()
    unit = fields.Str()
    direction = fields.Str()
    basis = fields.Str()
    target = fields.Str()
    target_value = fields.Decimal(as_string=True, allow_none=True)
    criterion_id = fields.Str(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


class _PeriodOut(Schema):
    period = fields.Function(lambda p: p.period.number)
    starts_on = fields.Function(lambda p: p.period.starts_on.isoformat())
    ends_on = fields.Function(lambda p: p.period.ends_on.isoformat())
    due_on = fields.Function(lambda p: p.period.due_on.isoformat())
    late = fields.Bool()
    overdue = fields.Bool()
    return_version = fields.Function(lambda p: p.current.version if p.current else None)
    contract_spend = MoneyOut(allow_none=True)
    vcse_spend = fields.Function(lambda p: _spend(p))
    overall = fields.Function(lambda p: _rating(p.overall))
    notice = fields.Int(allow_none=True, metadata={"description": "the performance notice that reported the period"})
    kpis = fields.List(fields.Nested(_KpiPeriodOut), metadata={"description": "the KPIs in force on its last day"})


def _spend(p: PeriodView) -> dict[str, str] | None:
    if p.current is None:
        return None
    return {"reported": pounds(p.spend.total()), "confirmed": pounds(p.spend.total(confirmed=True)),
            "counted": pounds(p.spend.total(confirmed=True, counted=True))}  # fmt: skip


class PerformanceOut(ContractStatusOut):
    rule = fields.Function(lambda s: s.view.rule.as_dict())
    kpis = fields.Function(lambda s: _KpiOut(many=True).dump(s.view.reported_kpis),
                           metadata={"description": "in force now or in an ended period (withdrawn ones say so)"})
    periods = fields.Function(lambda s: _PeriodOut(many=True).dump(s.view.due),
                              metadata={"description": "the periods that have ended or been reported"})


class _VcseOut(Schema):
    contract_id = fields.Function(lambda v: v.status.view.contract.id)
    reference = fields.Function(lambda v: v.status.view.tender.reference)
    promised = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "percent"})
    delivered = fields.Decimal(as_string=True, allow_none=True,
                               metadata={"description": "percent: confirmed spend that counts / contract spend"})
    reported = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "percent"})
    percent = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "of the promise, 2 dp"})
    periods = fields.Int()
    contract_spend = MoneyOut()
    reported_gbp = MoneyOut()
    confirmed_gbp = MoneyOut()
    counted_gbp = MoneyOut()
    unconfirmed_gbp = MoneyOut()


class _SocialOut(Schema):
    contract_id = fields.Function(lambda s: s.status.view.contract.id)
    reference = fields.Function(lambda s: s.status.view.tender.reference)
    kpi = fields.Nested(_KpiOut)
    met = fields.Int()
    measured = fields.Int()
    periods = fields.Function(lambda s: [_social_period(k) for k in s.periods])


def _social_period(k: KpiPeriod) -> dict[str, object]:
    return {"period": k.period.number, "delivered": None if k.delivered is None else str(k.delivered),
            "percent": None if k.percent is None else str(k.percent), "rating": _rating(k.rating)}  # fmt: skip


class _PartnerOut(Schema):
    identifier = fields.Str()
    name = fields.Str()
    awaiting = fields.Int()
    awaiting_gbp = MoneyOut()
    refused = fields.Int(metadata={"description": "spend lines the partner disputed"})
    refused_gbp = MoneyOut()
    total_gbp = MoneyOut()
    contracts = fields.List(fields.Str(), metadata={"description": "tender references"})


class OversightOut(Schema):
    as_at = fields.Date(attribute="today")
    contracts = fields.List(fields.Nested(ContractStatusOut))
    vcse = fields.List(fields.Nested(_VcseOut))
    social_value = fields.List(fields.Nested(_SocialOut))
    late = fields.List(fields.Nested(ContractStatusOut))
    partners = fields.List(fields.Nested(_PartnerOut))


@blp.route("")
class Contracts(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, ContractStatusOut(many=True))
    def get(self) -> list[oversight.ContractStatus]:
        """The contracts you see (the buyer's officers, the policy's commissioner, the supplier), newest first."""
        return oversight.contract_statuses(get_session(), user())


@blp.route("/<int:contract_id>/performance")
class Performance(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, PerformanceOut)
    def get(self, contract_id: int) -> oversight.ContractStatus:
        """The contract's KPIs against target, period by period, with their ratings."""
        return oversight.performance(get_session(), user(), contract_id)


@blp.route("/<int:contract_id>/performance/workbook")
class PerformanceWorkbook(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, content_type=XLSX)
    def get(self, contract_id: int) -> Response:
        return download(*delivery_exports.contract_workbook(get_session(), user(), contract_id), XLSX)


@blp.route("/oversight")
class Oversight(MethodView):
    @signed_in(*oversight.OVERSEERS)
    @blp.response(200, OversightOut)
    def get(self) -> oversight.Oversight:
        """Across your contracts: VCSE share promised against delivered, other commitments by period, late
        returns, and the partners most often unconfirmed."""
        return oversight.oversight(get_session(), user())


@blp.route("/oversight/workbook")
class OversightWorkbook(MethodView):
    @signed_in(*oversight.OVERSEERS)
    @blp.response(200, content_type=XLSX)
    def get(self) -> Response:
        return download(*delivery_exports.oversight_workbook(get_session(), user()), XLSX)
