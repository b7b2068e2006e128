"""The clarification questions' API contract (kept apart from schemas.py, which holds the rest)."""

from __future__ import annotations

from marshmallow import fields, validate

from tenderscore.services import limits
from tenderscore.web.api.schemas import StrictSchema, Written, record_id

_TEXT = [validate.Length(min=1, max=limits.CLARIFICATION_MAX), Written]


class ClarificationQuestionIn(StrictSchema):
    question = fields.Str(
        required=True,
        validate=_TEXT,
        metadata={"description": "as asked: only the buying team and your organisation see it"},
    )


class ClarificationAnswerIn(StrictSchema):
    answer = fields.Str(required=True, validate=_TEXT)
    corrects = record_id(
        load_default=None,
        metadata={"description": "the id of the answer this one corrects: required once a question has an answer, "
                  "which is never changed"},
    )  # fmt: skip


class ClarificationPublishIn(ClarificationAnswerIn):
    published_question = fields.Str(
        load_default=None,
        validate=_TEXT,
        metadata={"description": "the question as every bidder will read it, without who asked; required the first "
                  "time a question is published, then it stays as published"},
    )  # fmt: skip


class ClarificationAnswerOut(StrictSchema):
    id = fields.Int()
    answer = fields.Str()
    audience = fields.Str(metadata={"description": "'asker' (the bidder who asked alone) or 'all' (every bidder)"})
    answered_at = fields.DateTime()
    corrects_id = fields.Int(allow_none=True)
    corrected = fields.Bool(metadata={"description": "a later answer corrects this one"})


class ClarificationChangeOut(StrictSchema):
    action = fields.Str(metadata={"description": "the change's audit action, e.g. tender.deadline_extended"})
    summary = fields.Str()
    made_at = fields.DateTime()


class ClarificationOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    state = fields.Str(metadata={"description": "awaiting, private (answered to the asker alone) or published"})
    asked_at = fields.DateTime()
    question = fields.Str(metadata={"description": "as asked for the buying team and the asker, else as published"})
    original = fields.Str(allow_none=True, metadata={"description": "as asked: the buying team and the asker only"})
    published_question = fields.Str(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    asker = fields.Str(allow_none=True, metadata={"description": "the asking organisation: the buying team only"})
    yours = fields.Bool(metadata={"description": "asked by your organisation"})
    answers = fields.List(
        fields.Nested(ClarificationAnswerOut), metadata={"description": "oldest first; those you may see"}
    )
    changes = fields.List(
        fields.Nested(ClarificationChangeOut), metadata={"description": "tender changes following the answer"}
    )
