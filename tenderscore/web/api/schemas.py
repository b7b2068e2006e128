"""The API contract: marshmallow schemas. Unknown fields are refused; Decimals travel as exact strings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema
from werkzeug.exceptions import UnprocessableEntity

from tenderscore.core.numbers import pounds
from tenderscore.core.register import Counting
from tenderscore.services import limits
from tenderscore.services.errors import Invalid, ServiceError, Unprocessable

# C0 controls other than tab, newline and carriage return, and UTF-16 surrogates: PostgreSQL cannot store NUL,
# no database driver can encode a lone surrogate, and openpyxl refuses control characters in a template or export.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# A decimal as people and JSON write it: no underscores, no hex, no "NaN" or "Infinity".
DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,6})?")


# Text a person must actually write (a reason, a statement): not empty, not only spaces.
Written = validate.Regexp(r"\s*\S", error="Write something here, not only spaces.")


def _unstorable(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        items: list[tuple[str, object]] = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
        items += [(f"{path}.<key>", k) for k in value]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    else:
        return None
    return next((found for sub, v in items if (found := _unstorable(v, sub)) is not None), None)


def field_errors(problems: Sequence[tuple[str | None, str]], path: Callable[[str], list[str]]) -> dict[str, Any]:
    """Problems as nested field errors: each field's messages under its path (``spend.0.amount`` is
    ``{"spend": {"0": {"amount": [...]}}}``). A field with messages of its own and fields inside it (the whole
    ``spend`` list over the contract's total, and a line of it wrong) keeps its own under ``_schema``, as marshmallow
    names a nested schema's own errors: ``{"spend": {"_schema": [...], "2": {"amount": [...]}}}``."""
    errors: dict[str, Any] = {}
    for field, words in problems:
        *parents, leaf = path(field or "") or ["_schema"]
        node = errors
        for key in parents:
            inner = node.setdefault(key, {})
            if isinstance(inner, list):  # the field's own messages came first: they move under _schema
                inner = node[key] = {"_schema": inner}
            node = inner
        found = node.setdefault(leaf, [])
        if isinstance(found, dict):  # fields inside it came first: its own messages go under _schema
            found = found.setdefault("_schema", [])
        found.append(words)
    return errors


def unprocessable(exc: Invalid, path: Callable[[str], list[str]]) -> UnprocessableEntity:
    """A service's problems in the shape schema errors take: 422, ``errors.json`` naming each field by ``path``
    (the service's field name as keys in the request body; see ``field_errors``)."""
    refusal = UnprocessableEntity(description="; ".join(words for _, words in exc.problems))
    refusal.data = {"messages": {"json": field_errors(exc.problems, path)}}  # type: ignore[attr-defined]
    return refusal


@contextmanager
def fields_refused(path: Callable[[str], list[str]]) -> Iterator[None]:
    """Around a service call: a refusal of what was sent (``Invalid``, or a plain refusal naming its field, such as
    ``limits.written``'s "reason: enter why the KPI is withdrawn") becomes the 422 naming each field by ``path``,
    the one shape of a field's mistake in the API. Not found, forbidden and conflicts pass as they are."""
    try:
        yield
    except Invalid as exc:
        raise unprocessable(exc, path) from None
    except ServiceError as exc:
        if type(exc) not in (ServiceError, Unprocessable) or not exc.field:
            raise
        raise unprocessable(Invalid([(field or "", words) for field, words in exc.problems]), path) from None


def dotted(field: str) -> list[str]:
    """A service's dotted field as keys in the request body: ``kpis.4.reason``."""
    return field.split(".") if field else ["_schema"]


class StrictSchema(Schema):
    """Input is refused, never trimmed: unknown fields and control characters are errors naming their path."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_unstorable_text(self, data: Any, **_: Any) -> Any:
        found = _unstorable(data, "")
        if found is not None:
            raise ValidationError("Control characters (such as NUL) are not accepted in text.", found or "_schema")
        return data


class ExactDecimal(fields.Decimal):
    """A decimal from a JSON number or its exact text; NaN, infinity and Python-only spellings are refused."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": f"^{DECIMAL_TEXT.pattern}$", **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, allow_nan=False, metadata=metadata, **kwargs)

    def _validated(self, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value.strip())):
            raise self.make_error("invalid")
        return super()._validated(value)


class MoneyOut(fields.Decimal):
    """Pounds on the way out, as exact text with the pence: ``"90000.00"`` however the amount was typed or summed
    (``core.numbers.pounds``: never rounded)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"example": "90000.00", **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else pounds(Decimal(value))


def Money() -> ExactDecimal:  # noqa: N802 - reads as a field type
    return ExactDecimal(validate=validate.Range(min=0, max=10**12))


# A deadline a person could mean: an aware time within these bounds (and so convertible to UTC anywhere).
DEADLINE_RANGE = validate.Range(
    min=datetime(2000, 1, 1, tzinfo=UTC),
    max=datetime(2999, 12, 31, tzinfo=UTC),
    error="Enter a deadline between the years 2000 and 2999.",
)
CLARIFICATION_DEADLINE = (
    "ISO 8601 with a time zone: bidders' questions close then; before the deadline. Left out: set at publication, "
    "seven days before the deadline (or halfway there for a shorter tender)"
)
# Database keys are 32-bit on PostgreSQL: a larger id can name nothing, and must not reach a query.
MAX_ID = 2**31 - 1


def record_id(**kwargs: Any) -> fields.Integer:
    """A whole-number id of a stored record (never a float, a string or a bool)."""
    return fields.Int(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def version_number(**kwargs: Any) -> fields.Integer:
    return fields.Int(strict=True, validate=validate.Range(min=0, max=MAX_ID), **kwargs)


class UserOut(StrictSchema):
    id = fields.Int()
    email = fields.Str()
    name = fields.Str()
    role = fields.Str()
    organisation_id = fields.Int()


class CommitmentRule(StrictSchema):
    measure = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    minimum = ExactDecimal(required=True, validate=validate.Range(min=0, max=10**12))


class PolicyIn(StrictSchema):
    name = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.NAME_MAX), Written])
    min_social_value_weight = ExactDecimal(
        required=True,
        validate=validate.Range(min=10, max=100),
        metadata={"description": "percent of the total score, from 10 (central government's floor) to 100"},
    )
    mandatory_commitments = fields.List(
        fields.Nested(CommitmentRule),
        load_default=list,
        metadata={
            "description": "each measure is the id of a measure a shipped rubric defines (GET a rubric to see "
            "them), at most once; a minimum in percent lies from 0 to 100, other units are not negative"
        },
    )
    required_criteria = fields.List(
        fields.Str(validate=validate.Length(min=1, max=64)),
        load_default=list,
        metadata={"description": "ids of criteria a shipped rubric defines"},
    )
    vcse_counting = fields.Str(
        load_default="verified",
        validate=validate.OneOf([c.value for c in Counting]),
        metadata={"description": "which named VCSE partners count towards a tender's VCSE share: 'verified' "
                  "(verified on the register), 'registered' (on the register) or 'listed' (every partner listed)"},
    )  # fmt: skip


class PolicyUpdate(PolicyIn):
    vcse_counting = fields.Str(
        load_default=None,
        validate=validate.OneOf([c.value for c in Counting]),
        metadata={"description": "as for a new policy; left out, the policy's rule is kept"},
    )
    version = version_number(required=True)
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class PolicyOut(StrictSchema):
    id = fields.Int()
    name = fields.Str()
    min_social_value_weight = fields.Decimal(as_string=True)
    mandatory_commitments = fields.List(fields.Dict())
    required_criteria = fields.List(fields.Str())
    vcse_counting = fields.Str()
    version = fields.Int()
    updated_at = fields.DateTime()


class TenderIn(StrictSchema):
    reference = fields.Str(
        required=True,
        validate=[
            validate.Length(min=1, max=limits.REFERENCE_MAX),
            validate.Regexp(limits.REFERENCE, error=f"Use {limits.REFERENCE_RULE}."),
        ],
    )
    title = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.TITLE_MAX), Written])
    description = fields.Str(load_default="", validate=validate.Length(max=limits.DESCRIPTION_MAX))
    deadline = fields.AwareDateTime(
        required=True, validate=DEADLINE_RANGE, metadata={"description": "ISO 8601 with a time zone"}
    )
    estimated_value = Money()
    policy_id = record_id(load_default=None, allow_none=True)
    clarification_deadline = fields.AwareDateTime(
        load_default=None, allow_none=True, validate=DEADLINE_RANGE, metadata={"description": CLARIFICATION_DEADLINE}
    )
    rubric = fields.Str(load_default=None, metadata={"description": "name of a shipped rubric"})
    rubric_yaml = fields.Str(
        load_default=None,
        validate=validate.Length(max=200_000),
        metadata={"description": "a whole rubric file, instead of a shipped one"},
    )

    @validates_schema
    def one_rubric(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("rubric") is None) == (data.get("rubric_yaml") is None):
            raise ValidationError("Give a shipped rubric's name or a rubric file: one of the two.", "rubric")


class CriterionChange(StrictSchema):
    weight = ExactDecimal(validate=validate.Range(min=0, max=100))
    mandatory_minimum = ExactDecimal(allow_none=True, validate=validate.Range(min=0, max=10**12))
    minimum = fields.Int(strict=True, allow_none=True, validate=validate.Range(min=0, max=100))


class TenderUpdate(StrictSchema):
    version = version_number(required=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    title = fields.Str(validate=[validate.Length(min=1, max=limits.TITLE_MAX), Written])
    deadline = fields.AwareDateTime(validate=DEADLINE_RANGE)
    clarification_deadline = fields.AwareDateTime(
        validate=DEADLINE_RANGE, metadata={"description": "in the future, before the deadline"}
    )
    estimated_value = Money()
    criteria = fields.Dict(keys=fields.Str(), values=fields.Nested(CriterionChange), load_default=dict)


class LotOut(StrictSchema):
    """One lot of a tender (docs/lots.md); an undivided tender is its own one lot, lot 1 without a title."""

    number = fields.Int()
    title = fields.Str(allow_none=True, metadata={"description": "the lot's title; null on an undivided tender"})
    id = fields.Int(metadata={"description": "the lot's own tender id: /api/tenders/<id> and every door under it"})
    reference = fields.Str()
    status = fields.Str()
    estimated_value = MoneyOut(allow_none=True)


class LotRuleOut(StrictSchema):
    cap = fields.Int(allow_none=True, metadata={"description": "the most lots one bidder may win; null: no limit"})
    order = fields.Str(metadata={"description": "which lots are settled first when the cap bites: value or number"})
    words = fields.Str()


class LotIn(StrictSchema):
    """A further lot of a draft tender; dividing it for the first time names lot 1 too (``first_title``)."""

    version = version_number(required=True, metadata={"description": "the tender's version read"})
    title = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.TITLE_MAX), Written])
    estimated_value = Money()
    first_title = fields.Str(
        load_default=None,
        validate=validate.Length(max=limits.TITLE_MAX),
        metadata={"description": "lot 1's title when the tender is first divided; the tender's title if left out"},
    )


class LotRuleIn(StrictSchema):
    version = version_number(required=True, metadata={"description": "the tender's version read"})
    cap = fields.Int(
        required=True, strict=True, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "the most lots one bidder may win; null for no limit"},
    )  # fmt: skip
    order = fields.Str(
        load_default="value",
        validate=validate.OneOf(("value", "number")),
        metadata={"description": "value: the lots of the highest estimated value settled first; number: lot order"},
    )


class TenderOut(StrictSchema):
    id = fields.Int()
    reference = fields.Str()
    title = fields.Str()
    description = fields.Str()
    status = fields.Str()
    deadline = fields.DateTime()
    estimated_value = MoneyOut(allow_none=True)
    policy_id = fields.Int(allow_none=True)
    rubric_hash = fields.Str(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    clarification_deadline = fields.DateTime(
        allow_none=True, metadata={"description": "questions close then; null on a draft that leaves it to publication"}
    )
    version = fields.Int()
    lot_of = fields.Int(allow_none=True, metadata={"description": "a lot's tender (its id); null on a tender"})
    lot_number = fields.Int()
    lot_title = fields.Str(allow_none=True)
    lots = fields.List(fields.Nested(LotOut), metadata={"description": "every lot of the tender, lot 1 first"})
    lot_rule = fields.Nested(LotRuleOut, metadata={"description": "the tender's rule across its lots"})


class TenderDetailOut(TenderOut):
    rubric = fields.Dict(metadata={"description": "the frozen rubric once published, else the working copy"})
    breaches = fields.List(fields.Str())


class UploadIn(StrictSchema):
    workbook = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class CellErrorOut(StrictSchema):
    sheet = fields.Str()
    cell = fields.Str()
    criterion_id = fields.Str(allow_none=True)
    field = fields.Str()
    message = fields.Str()


class GateOut(StrictSchema):
    criterion_id = fields.Str()
    title = fields.Str()
    outcome = fields.Str()
    message = fields.Str()


class SelfCheckPartnerOut(StrictSchema):
    sheet = fields.Str()
    cell = fields.Str(metadata={"description": "the partner's identifier cell"})
    name = fields.Str()
    identifier = fields.Str()
    value_gbp = MoneyOut()
    standing = fields.Str(
        allow_none=True, metadata={"description": "verified, registered or unknown; null: not looked up"}
    )
    standing_words = fields.Str()
    counts = fields.Bool(
        allow_none=True, metadata={"description": "counts towards the VCSE share under the tender's rule"}
    )


class SelfCheckOut(StrictSchema):
    ok = fields.Bool()
    rejected = fields.Str(allow_none=True)
    errors = fields.List(fields.Nested(CellErrorOut))
    gates = fields.List(fields.Nested(GateOut))
    notes = fields.List(fields.Str())
    partners = fields.List(fields.Nested(SelfCheckPartnerOut))
    warnings = fields.List(fields.Nested(CellErrorOut), metadata={"description": "worth acting on; nothing refused"})


class SubmissionOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    version = fields.Int()
    is_current = fields.Bool()
    filename = fields.Str()
    size_bytes = fields.Int()
    sha256 = fields.Str()
    received_at = fields.DateTime()


class AssignIn(StrictSchema):
    evaluator_id = record_id(required=True)


class ConflictIn(StrictSchema):
    bidder_org_id = record_id(required=True)
    details = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class DeclarationIn(StrictSchema):
    statement = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])
    conflicts = fields.List(fields.Nested(ConflictIn), load_default=list)


class AssignmentOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    evaluator_id = fields.Int()
    declared_at = fields.DateTime(allow_none=True)
    declaration = fields.Str()


class ScoreIn(StrictSchema):
    score = fields.Int(
        required=True,
        strict=True,
        validate=validate.Range(min=0),
        metadata={"description": "a whole step of the published scale"},
    )
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.REASON_MAX), Written])
    version = version_number(
        load_default=None, allow_none=True, metadata={"description": "the version you read; omit for a first score"}
    )


class ScoreOut(StrictSchema):
    id = fields.Int()
    submission_id = fields.Int()
    criterion_id = fields.Str()
    score = fields.Int()
    reason = fields.Str()
    version = fields.Int()
    updated_at = fields.DateTime()


class AwardIn(StrictSchema):
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.REASON_MAX), Written])


class AwardOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    submission_id = fields.Int()
    awarded_at = fields.DateTime()
    reason = fields.Str()


class ExclusionOut(StrictSchema):
    criterion_id = fields.Str()
    reason = fields.Str()


class FlagOut(StrictSchema):
    code = fields.Str()
    criterion_id = fields.Str(allow_none=True)
    message = fields.Str()


class BidResultOut(StrictSchema):
    submission_id = fields.Str(attribute="bid_id")
    bidder = fields.Str()
    compliant = fields.Bool()
    rank = fields.Int(allow_none=True)
    total = fields.Decimal(as_string=True)
    points = fields.Dict(keys=fields.Str(), values=fields.Decimal(as_string=True))
    section_points = fields.Dict(keys=fields.Str(), values=fields.Decimal(as_string=True))
    exclusions = fields.List(fields.Nested(ExclusionOut))
    flags = fields.List(fields.Nested(FlagOut))
    price = fields.Decimal(as_string=True, allow_none=True)
    vcse_share = fields.Decimal(as_string=True, allow_none=True)


class EvaluationOut(StrictSchema):
    provisional = fields.Bool()
    missing_consensus = fields.List(fields.List(fields.Str()))
    results = fields.List(fields.Nested(BidResultOut))


class AuditCheckOut(StrictSchema):
    ok = fields.Bool()
    events = fields.Int()
    head = fields.Str()
    broken_event_id = fields.Int(allow_none=True)
    problem = fields.Str()


class BidOut(StrictSchema):
    id = fields.Int()
    tender_id = fields.Int()
    bidder_org_id = fields.Int()
    bidder = fields.Str()
    version = fields.Int()
    filename = fields.Str()
    size_bytes = fields.Int()
    sha256 = fields.Str()
    received_at = fields.DateTime()


class BidContentOut(BidOut):
    responses = fields.Dict(metadata={"description": "the validated answers, commitments, price and VCSE partners"})


class BidListOut(StrictSchema):
    sealed = fields.Bool(metadata={"description": "true until the officer opens the bids after the deadline"})
    received = fields.Int(allow_none=True, metadata={"description": "bids in, for the buyer (known while sealed)"})
    bids = fields.List(fields.Nested(BidOut))


class IndividualScoreOut(StrictSchema):
    evaluator_id = fields.Int()
    evaluator = fields.Str()
    score = fields.Int()
    reason = fields.Str()
    version = fields.Int()


class ModerationRowOut(StrictSchema):
    criterion_id = fields.Str()
    title = fields.Str()
    scores = fields.List(fields.Nested(IndividualScoreOut))
    spread = fields.Int()
    flagged = fields.Bool(metadata={"description": "evaluators two or more scale steps apart"})
    consensus = fields.Nested(lambda: ScoreOut(), allow_none=True)


class PanelMemberOut(StrictSchema):
    evaluator_id = fields.Int()
    name = fields.Str()
    email = fields.Str()
    declared_at = fields.DateTime(allow_none=True)
    conflicts = fields.List(fields.Int(), metadata={"description": "bidder organisation ids declared"})


class SummaryArgs(StrictSchema):
    submission_id = fields.Int(
        validate=validate.Range(min=1, max=MAX_ID),
        load_default=None,
        metadata={"description": "the bid (officers only; a bidder gets their own)"},
    )


# --- A whole bid at once: many scores or consensus in one request, and "finished" (issue 12) ---------------------


class SheetScoreIn(ScoreIn):
    """One criterion's score within a whole bid: the criterion named, then exactly what a single score takes."""

    criterion_id = fields.Str(required=True, validate=validate.Length(min=1, max=64))


class ScoreSheetIn(StrictSchema):
    scores = fields.List(
        fields.Nested(SheetScoreIn),
        required=True,
        validate=validate.Length(max=200),
        metadata={"description": "scored criteria to save; criteria not listed stay as they are. All are saved or "
                  "none: every problem is reported at once (400), and a stale version is a 409 naming each "
                  "criterion with what is now on record"},
    )  # fmt: skip
    finished = fields.Bool(
        load_default=False,
        metadata={"description": "also mark the bid finished: every scored criterion must then have a score"},
    )

    @validates_schema
    def each_criterion_once(self, data: dict[str, Any], **_: Any) -> None:
        ids = [s["criterion_id"] for s in data.get("scores", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("Give each criterion at most once.", "scores")


class ConsensusSheetIn(StrictSchema):
    scores = fields.List(
        fields.Nested(SheetScoreIn),
        required=True,
        validate=validate.Length(max=200),
        metadata={"description": "consensus per scored criterion; all saved or none"},
    )

    @validates_schema
    def each_criterion_once(self, data: dict[str, Any], **_: Any) -> None:
        ids = [s["criterion_id"] for s in data.get("scores", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("Give each criterion at most once.", "scores")


class ScoreSheetOut(StrictSchema):
    submission_id = fields.Int()
    finished = fields.Bool(metadata={"description": "the evaluator has marked the bid finished"})
    completed_at = fields.DateTime(allow_none=True)
    criteria = fields.Int(metadata={"description": "how many criteria the evaluators score"})
    scores = fields.List(fields.Nested(ScoreOut))


class CompletionIn(StrictSchema):
    finished = fields.Bool(
        required=True, metadata={"description": "true marks the bid finished; false reopens it (give a reason)"}
    )
    reason = fields.Str(
        load_default="",
        validate=validate.Length(max=limits.STATEMENT_MAX),
        metadata={"description": "why the scores are being changed (needed to reopen; kept on the record)"},
    )


class EvaluatorProgressOut(StrictSchema):
    evaluator_id = fields.Int()
    evaluator = fields.Str()
    state = fields.Str(
        allow_none=True, metadata={"description": "not started, draft or finished; null when not scoring this bid"}
    )
    scored = fields.Int(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    note = fields.Str()


class BidProgressOut(StrictSchema):
    submission_id = fields.Int()
    bidder = fields.Str()
    excluded = fields.List(fields.Str(), metadata={"description": "reasons, when out at the compliance stage"})
    evaluators = fields.List(fields.Nested(EvaluatorProgressOut))


# ---- Tender lifecycle: a draft's details, deleting a draft, extending a published tender's deadline -------------


class TenderDraftUpdate(TenderUpdate):
    """A draft's changes (PATCH): any of its details and its criteria; ``version`` is the one read."""

    description = fields.Str(validate=validate.Length(max=limits.DESCRIPTION_MAX))
    policy_id = record_id(metadata={"description": "another policy; a draft under a policy cannot move to none"})


class TenderDeleteIn(StrictSchema):
    version = version_number(required=True, metadata={"description": "the version read: a changed draft is kept"})
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class DeadlineExtensionIn(StrictSchema):
    version = version_number(required=True)
    deadline = fields.AwareDateTime(
        required=True,
        validate=DEADLINE_RANGE,
        metadata={"description": "ISO 8601 with a time zone; later than the current deadline, not yet passed"},
    )
    reason = fields.Str(
        required=True,
        validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written],
        metadata={"description": "emailed to every bidder and kept in the tender's history"},
    )
    clarification_deadline = fields.AwareDateTime(
        load_default=None, validate=DEADLINE_RANGE,
        metadata={"description": "move when questions close too (in the future, before the new deadline); left out, "
                  "it stays"},
    )  # fmt: skip
    following = record_id(
        load_default=None, metadata={"description": "the answered clarification question this extension follows from"}
    )


class TenderPublishIn(StrictSchema):
    clarification_deadline = fields.AwareDateTime(
        load_default=None, validate=DEADLINE_RANGE, metadata={"description": CLARIFICATION_DEADLINE}
    )
