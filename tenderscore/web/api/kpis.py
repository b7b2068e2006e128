"""A contract's KPIs and delivery terms, managed by the buyer's officer (services/kpis.py): listed, added, varied and
withdrawn on the record, with every variation listed."""

from __future__ import annotations

import json
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import ContractKpi, KpiVariation, Role, User
from tenderscore.services import contract_access, kpis
from tenderscore.web.api.delivery import body_path
from tenderscore.web.api.delivery_schemas import (
    RULE_FIELDS,
    ContractKpiOut,
    KpiTermsIn,
    NewKpiTermsIn,
    TermsIn,
    TermsOut,
    VariationOut,
    WithdrawIn,
)
from tenderscore.web.api.schemas import fields_refused
from tenderscore.web.auth import signed_in, user

blp = Blueprint("kpis", __name__, url_prefix="/api", description="A contract's KPIs, their variations and its terms")
SEATED = (Role.OFFICER, Role.COMMISSIONER, Role.BIDDER)


def _entry(body: dict[str, Any]) -> kpis.KpiEntry:
    return kpis.KpiEntry(title=body["title"], description=body["description"], target_value=body["target_value"],
                         unit=body["unit"], direction=body["direction"], evidence=body["evidence"])  # fmt: skip


def _terms(contract_id: int) -> dict[str, Any]:
    contract = contract_access.contract_seat(get_session(), user(), contract_id).contract
    rule = kpis.rule_of(contract)
    return {"return_months": contract.return_months, "rating_rule": rule.as_dict(), "rule_in_words": rule.lines(),
            "published": contract.notice_published_at is not None}  # fmt: skip


def variation_out(row: KpiVariation, people: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "kpi_id": row.kpi_id, "before": json.loads(row.before), "after": json.loads(row.after),
            "reason": row.reason, "varied_by": people.get(row.varied_by_id, ""),
            "varied_at": row.varied_at}  # fmt: skip


def people_named(ids: set[int]) -> dict[int, str]:
    session = get_session()
    return {i: u.name for i in ids if (u := session.get(User, i)) is not None}


@blp.route("/contracts/<int:contract_id>/kpis")
class Kpis(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, ContractKpiOut(many=True))
    def get(self, contract_id: int) -> list[ContractKpi]:
        """The contract's KPIs in order, withdrawn ones included (with the time they were withdrawn)."""
        contract_access.contract_seat(get_session(), user(), contract_id)
        return kpis.kpis_of(get_session(), contract_id, withdrawn=True)

    @signed_in(Role.OFFICER)
    @blp.arguments(NewKpiTermsIn)
    @blp.response(201, ContractKpiOut)
    def post(self, body: dict[str, Any], contract_id: int) -> ContractKpi:
        """Add a KPI: a recorded variation with its reason once the contract details notice is published."""
        with fields_refused(body_path):
            return kpis.add_kpi(get_session(), user(), contract_id, _entry(body), basis=body["basis"],
                                reason=body["reason"])  # fmt: skip


@blp.route("/kpis/<int:kpi_id>")
class KpiItem(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(KpiTermsIn)
    @blp.response(200, ContractKpiOut)
    def put(self, body: dict[str, Any], kpi_id: int) -> ContractKpi:
        """Vary a KPI's terms (all of them are sent); after the contract details notice, with a reason."""
        with fields_refused(body_path):
            return kpis.vary_kpi(get_session(), user(), kpi_id, _entry(body), reason=body["reason"])


@blp.route("/kpis/<int:kpi_id>/withdrawal")
class KpiWithdrawal(MethodView):
    @signed_in(Role.OFFICER)
    @blp.arguments(WithdrawIn)
    @blp.response(201, ContractKpiOut)
    def post(self, body: dict[str, Any], kpi_id: int) -> ContractKpi:
        """Withdraw a KPI, with the reason; its returns and ratings stay on record."""
        with fields_refused(body_path):
            return kpis.withdraw_kpi(get_session(), user(), kpi_id, reason=body["reason"])


@blp.route("/contracts/<int:contract_id>/variations")
class Variations(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, VariationOut(many=True))
    def get(self, contract_id: int) -> list[dict[str, Any]]:
        """Every variation of the contract's KPIs since the contract details notice, oldest first."""
        contract_access.contract_seat(get_session(), user(), contract_id)
        rows = kpis.variations(get_session(), contract_id)
        people = people_named({r.varied_by_id for r in rows})
        return [variation_out(r, people) for r in rows]


@blp.route("/contracts/<int:contract_id>/delivery-terms")
class Terms(MethodView):
    @signed_in(*SEATED)
    @blp.response(200, TermsOut)
    def get(self, contract_id: int) -> dict[str, Any]:
        """The reporting cycle and the rating rule published with the contract, in figures and in words."""
        return _terms(contract_id)

    @signed_in(Role.OFFICER)
    @blp.arguments(TermsIn)
    @blp.response(200, TermsOut)
    def put(self, body: dict[str, Any], contract_id: int) -> dict[str, Any]:
        """Set the reporting cycle (1, 3, 6 or 12 months) and the rule's thresholds (% of target): the rule as GET
        gives it (``rating_rule``: ``good``, ``approaching``, ``requires_improvement``), or the three at the top
        level as the page's form sends them. A 422 names each field where it was sent (``rating_rule.good``)."""
        rule = body.pop("rating_rule", None)
        path = body_path if rule is None else (lambda f: ["rating_rule", f] if f in RULE_FIELDS else body_path(f))
        with fields_refused(path):
            kpis.set_delivery_terms(get_session(), user(), contract_id, **body, **(rule or {}))
        return _terms(contract_id)
