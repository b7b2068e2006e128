"""Schemas of the award path's API: its steps, the contract, the documents issued and the open data."""

from __future__ import annotations

from marshmallow import fields, validate

from tenderscore.services import limits
from tenderscore.web.api.schemas import MoneyOut, StrictSchema, Written


class ChallengeIn(StrictSchema):
    details = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class ResolutionIn(StrictSchema):
    resolution = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class WithdrawalIn(StrictSchema):
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.REASON_MAX), Written])


class KpiIn(StrictSchema):
    title = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    target = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.Str(load_default="", validate=validate.Length(max=50))
    description = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))


class ContractIn(StrictSchema):
    title = fields.Str(required=True, validate=validate.Length(min=1, max=limits.TITLE_MAX))
    value = fields.Decimal(required=True, as_string=True, metadata={"description": "pounds, including VAT"})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    signed_on = fields.Date(required=True, metadata={"description": "the date the contract was entered into"})
    kpis = fields.List(fields.Nested(KpiIn), load_default=list)
    no_kpis_reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))


class StepOut(StrictSchema):
    allowed = fields.Bool()
    why_not = fields.Str()


class ChallengeOut(StrictSchema):
    id = fields.Int()
    details = fields.Str()
    recorded_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.Str(allow_none=True)


class KpiOut(StrictSchema):
    title = fields.Str()
    description = fields.Str()
    target = fields.Str()
    unit = fields.Str()


class CommitmentOut(StrictSchema):
    criterion_id = fields.Str()
    title = fields.Str()
    value = fields.Decimal(as_string=True)
    unit = fields.Str()


class ContractOut(StrictSchema):
    id = fields.Int()
    title = fields.Str()
    value = MoneyOut()
    starts_on = fields.Date()
    ends_on = fields.Date()
    signed_on = fields.Date()
    no_kpis_reason = fields.Str(allow_none=True)
    notice_published_at = fields.DateTime(allow_none=True)


class DocumentOut(StrictSchema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    bidder = fields.Str(allow_none=True)
    filename = fields.Str()
    sha256 = fields.Str()
    issued_at = fields.DateTime()
    withdrawn = fields.Bool(metadata={"description": "issued under an award decision since withdrawn"})


class AwardPathOut(StrictSchema):
    award_id = fields.Int()
    stage = fields.Str(metadata={"description": "decided, summaries_issued, standstill, standstill_ended, "
                                                "contract_entered or contract_published"})  # fmt: skip
    stage_words = fields.Str()
    winner = fields.Str()
    awarded_at = fields.DateTime()
    assessment_summaries_sent_at = fields.DateTime(allow_none=True)
    notice_published_at = fields.DateTime(allow_none=True)
    standstill_ends_at = fields.DateTime(allow_none=True)
    standstill_working_days_left = fields.Int(allow_none=True)
    nation = fields.Str(metadata={"description": "whose bank holidays the standstill skips"})
    challenges = fields.List(fields.Nested(ChallengeOut))
    contract = fields.Nested(ContractOut, allow_none=True)
    kpis = fields.List(fields.Nested(KpiOut))
    commitments = fields.List(fields.Nested(CommitmentOut))
    contract_notice_due = fields.Date(allow_none=True)
    next_steps = fields.Dict(keys=fields.Str(), values=fields.Nested(StepOut))
