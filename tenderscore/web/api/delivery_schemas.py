"""The API contract for contracts in delivery: periods, delivery returns and their versions, KPIs and variations."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, missing, post_load, validate, validates_schema

from tenderscore.core.performance import RETURN_CYCLES, Direction
from tenderscore.services import limits
from tenderscore.services.delivery_returns import LINES_MAX
from tenderscore.services.kpis import BASES
from tenderscore.web.api.schemas import MoneyOut, StrictSchema


class NumberText(fields.Field):
    """A number as a JSON number or as its text, passed on as text for the delivery returns service to read with
    the page's and the workbook's one rule (``core.numbers.read_number``: "1,000" is a thousand, "12,5" is refused).
    So a figure that is not a number is reported together with the return's own rules (over the total, a figure
    missing, a partner not on the register), not in a first round of its own. Null and "" are blank."""

    default_error_messages = {"invalid": "Enter a number, or its text like \"125000.00\"."}

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "example": "125000.00", **kwargs.pop("metadata", {})}
        metadata["description"] = f"{metadata.get('description', 'a number')} (a JSON number or its text)"
        kwargs.setdefault("load_default", "")
        super().__init__(allow_none=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.make_error("invalid")
        return value if isinstance(value, str) else repr(value)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        found = super().deserialize(value, attr, data, **kwargs)
        return "" if found is None and value is not missing else found


class KpiPeriodOut(StrictSchema):
    kpi_id = fields.Int()
    title = fields.Str()
    target = fields.Str()
    reported = fields.Decimal(as_string=True, allow_none=True, metadata={
        "description": "what the current return reports (the VCSE share: all spend reported, in %)"})
    delivered = fields.Decimal(as_string=True, allow_none=True, metadata={
        "description": "what is rated (the VCSE share: spend confirmed by partners that count, in %)"})
    comment = fields.Str()


class PeriodOut(StrictSchema):
    number = fields.Int()
    starts_on = fields.Date()
    ends_on = fields.Date()
    opens_on = fields.Date(metadata={"description": "the first day a return is accepted: the period's last day"})
    due_on = fields.Date(metadata={"description": "a return after this day is late"})
    late = fields.Bool()
    overdue = fields.Bool(metadata={"description": "no return yet and the due date has passed"})
    current_version = fields.Int(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    contract_spend = MoneyOut(allow_none=True)
    vcse_spend_reported = MoneyOut()
    vcse_spend_confirmed = MoneyOut()
    kpis = fields.List(fields.Nested(KpiPeriodOut))


class FigureOut(StrictSchema):
    kpi_id = fields.Int()
    kpi = fields.Str()
    value = fields.Decimal(as_string=True, allow_none=True)
    comment = fields.Str()


class SpendOut(StrictSchema):
    id = fields.Int()
    line = fields.Int()
    identifier = fields.Str()
    name = fields.Str()
    amount = MoneyOut()
    confirmation = fields.Str(metadata={"description": "awaiting, confirmed or refused (disputed) by the partner"})
    answer = fields.Str(metadata={"description": "the partner's answer in words"})
    answer_reason = fields.Str()
    answered_at = fields.DateTime(allow_none=True)


class ReturnOut(StrictSchema):
    id = fields.Int()
    contract_id = fields.Int()
    period = fields.Int()
    version = fields.Int()
    current = fields.Bool()
    contract_spend = MoneyOut()
    note = fields.Str()
    source = fields.Str(metadata={"description": "page, api or workbook"})
    late = fields.Bool()
    submitted_by = fields.Str()
    submitted_at = fields.DateTime()
    sha256 = fields.Str()
    has_workbook = fields.Bool()
    figures = fields.List(fields.Nested(FigureOut))
    spend = fields.List(fields.Nested(SpendOut))


class FigureIn(StrictSchema):
    value = NumberText(metadata={"description": "the figure for the period; null or blank: not reported (say why "
                                                "in the comment)", "example": "95"})
    comment = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX),
                         metadata={"description": "required when no value is given: why it is not reported"})


class SpendIn(StrictSchema):
    identifier = fields.Str(load_default="", validate=validate.Length(max=100),
                            metadata={"description": "the partner's org-id identifier, like GB-CHC-1123456"})
    name = fields.Str(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "blank: the register's name for the identifier"})
    amount = NumberText(metadata={"description": "£ spent with the partner in the period"})


class ReturnIn(StrictSchema):
    contract_spend = NumberText(metadata={
        "description": "£ spent on the contract in the period, in pounds and pence"})
    note = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    figures = fields.Dict(keys=fields.Str(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$")),
                          values=fields.Nested(FigureIn), load_default=dict,
                          metadata={"description": "by KPI id, one for each KPI the supplier reports (basis "
                                                   "'figure'): {\"4\": {\"value\": \"95\"}}; errors name "
                                                   "figures.<KPI id>.value"})  # fmt: skip
    spend = fields.List(fields.Nested(SpendIn), load_default=list, validate=validate.Length(max=LINES_MAX),
                        metadata={"description": "spend with each VCSE partner in the period, one line per "
                                                 "partner; errors name spend.<index from 0>.amount"})  # fmt: skip


class ContractKpiOut(StrictSchema):
    id = fields.Int()
    position = fields.Int()
    title = fields.Str()
    description = fields.Str()
    target = fields.Str()
    target_value = fields.Decimal(as_string=True, allow_none=True)
    unit = fields.Str()
    direction = fields.Str()
    basis = fields.Str(metadata={"description": "figure (the supplier reports it) or vcse_share (from spend)"})
    evidence = fields.Str()
    criterion_id = fields.Str(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)


class KpiTermsIn(StrictSchema):
    title = fields.Str(required=True, validate=validate.Length(max=200))
    description = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    target_value = fields.Str(load_default="", validate=validate.Length(max=40),
                              metadata={"description": "a number; blank: rated by the officer's judgement"})
    unit = fields.Str(load_default="", validate=validate.Length(max=50))
    direction = fields.Str(load_default=Direction.AT_LEAST.value, validate=validate.OneOf(list(Direction)))
    evidence = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX),
                        metadata={"description": "required once the contract details notice is published"})


class NewKpiTermsIn(KpiTermsIn):
    basis = fields.Str(load_default="figure", validate=validate.OneOf(BASES))


class WithdrawIn(StrictSchema):
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX),
                        metadata={"description": "required: why the KPI is withdrawn"})  # the service says so


class VariationOut(StrictSchema):
    id = fields.Int()
    kpi_id = fields.Int()
    before = fields.Dict()
    after = fields.Dict()
    reason = fields.Str()
    varied_by = fields.Str()
    varied_at = fields.DateTime()


RULE_FIELDS = ("good", "approaching", "requires_improvement")


def _threshold(**kwargs: Any) -> NumberText:
    return NumberText(validate=validate.Length(max=20), metadata={"description": "% of the target, like 95",
                                                                  "example": "95"}, **kwargs)  # fmt: skip


class RatingRuleIn(StrictSchema):
    """The rating rule as GET /delivery-terms gives it: the % of the target from which each rating is given."""

    good = _threshold()
    approaching = _threshold()
    requires_improvement = _threshold()


class TermsIn(StrictSchema):
    return_months = fields.Int(strict=True, required=True, validate=validate.OneOf(RETURN_CYCLES))
    rating_rule = fields.Nested(RatingRuleIn, metadata={"description": "the rule as GET gives it"})
    good = _threshold(load_default=None)
    approaching = _threshold(load_default=None)
    requires_improvement = _threshold(load_default=None)
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    # what GET adds, accepted and ignored, so a client may send back what it read with its changes
    rule_in_words = fields.List(fields.Str(), metadata={"description": "read-only: ignored"})
    published = fields.Bool(metadata={"description": "read-only: ignored"})

    @validates_schema
    def one_form_of_the_rule(self, data: dict[str, Any], **_: Any) -> None:
        flat = [name for name in RULE_FIELDS if data.get(name) is not None]
        if "rating_rule" in data and flat:
            raise ValidationError("Give the rule once: as rating_rule (as GET gives it) or as good, approaching "
                                  "and requires_improvement, not both.", "rating_rule")  # fmt: skip

    @post_load
    def flat_rule(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The flat form's thresholds left out are blank (the service names each); the nested form's stay in it.
        GET's read-only fields are dropped."""
        data.pop("rule_in_words", None)
        data.pop("published", None)
        if "rating_rule" in data:
            for name in RULE_FIELDS:
                data.pop(name, None)
        else:
            data.update({name: data.get(name) or "" for name in RULE_FIELDS})
        return data


class TermsOut(StrictSchema):
    return_months = fields.Int()
    rating_rule = fields.Dict(keys=fields.Str(), values=fields.Str())
    rule_in_words = fields.List(fields.Str())
    published = fields.Bool(metadata={"description": "the contract details notice is out: changes need a reason"})


class SpendRequestOut(StrictSchema):
    id = fields.Int()
    contract_id = fields.Int()
    contract_title = fields.Str()
    tender_reference = fields.Str()
    buyer = fields.Str()
    supplier = fields.Str()
    period = fields.Int()
    period_starts_on = fields.Date()
    period_ends_on = fields.Date()
    version = fields.Int()
    identifier = fields.Str()
    name = fields.Str()
    amount = MoneyOut()
    confirmation = fields.Str()
    answer_reason = fields.Str()
    answered_at = fields.DateTime(allow_none=True)
    answerable = fields.Bool(metadata={"description": "false once the supplier has sent a newer version"})


class SpendAnswerIn(StrictSchema):
    answer = fields.Str(required=True, validate=validate.OneOf(["confirmed", "refused"]))
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX),
                        metadata={"description": "required when disputing (refused): why"})
