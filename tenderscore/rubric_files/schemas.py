"""marshmallow schemas for a rubric as a mapping (a YAML file, or a frozen snapshot): types checked, core built.

These check the *shape* of each field (a number, a whole number, one of the known words); whether the rubric
makes sense as a whole (weights sum to 100, ids unique, methods fit kinds) is the core's ``rubric_problems``.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load

from tenderscore.core import (
    DEFAULT_METHODS,
    DEFAULT_TIE_BREAK,
    Band,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    TieBreak,
    Unit,
)
from tenderscore.core.numbers import plain
from tenderscore.core.register import Counting


class Number(fields.Field[Decimal]):
    """A finite number, kept exact: YAML floats go through ``str()`` (0.1 stays 0.1); bools, NaN and inf are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValidationError("must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("must be a finite number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("must be a number") from None
        if not number.is_finite():
            raise ValidationError("must be a finite number")
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else plain(value)  # one spelling per number: equal rubrics hash alike


class WholeNumber(fields.Field[int]):
    """A whole number written as one (``5``, not ``5.0``, ``"5"`` or ``true``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("must be a whole number")
        return value


class YesNo(fields.Field[bool]):
    """``true`` or ``false``, nothing that merely looks like one."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class Text(fields.Field[str]):
    """Text as written; a number or a list where text belongs is refused rather than turned into text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("must be text")
        return value


class Choice(fields.Field[Enum]):
    """One of an enumeration's values, e.g. ``kind: scored``."""

    def __init__(self, enum: type[Enum], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enum = enum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Enum:
        try:
            return self.enum(value)
        except ValueError:
            known = ", ".join(str(member.value) for member in self.enum)
            raise ValidationError(f"must be one of: {known}") from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.value)


class _Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class LevelSchema(_Strict):
    score = WholeNumber(required=True)
    descriptor = Text(required=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> ScaleLevel:
        return ScaleLevel(**data)


class ScaleSchema(_Strict):
    maximum = WholeNumber(required=True)
    levels = fields.List(fields.Nested(LevelSchema), required=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Scale:
        return Scale(data["maximum"], tuple(data["levels"]))


class MeasureSchema(_Strict):
    id = Text(required=True)
    name = Text(required=True)
    unit = Choice(Unit, required=True)
    description = Text(load_default="")

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Measure:
        return Measure(**data)


class BandSchema(_Strict):
    at_least = Number(required=True)
    share = Number(required=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Band:
        return Band(**data)


class CriterionSchema(_Strict):
    id = Text(required=True)
    title = Text(required=True)
    kind = Choice(CriterionKind, required=True)
    weight = Number(load_default=Decimal(0))
    question = Text(load_default="")
    guidance = Text(load_default="")
    minimum = WholeNumber(load_default=None, allow_none=True)
    word_limit = WholeNumber(load_default=None, allow_none=True)
    pathway = Text(load_default=None, allow_none=True)
    expected = YesNo(load_default=True)
    method = Text(load_default=None, allow_none=True)
    measure = Text(load_default=None, allow_none=True)
    mandatory_minimum = Number(load_default=None, allow_none=True)
    bands = fields.List(fields.Nested(BandSchema), load_default=list)
    floor = Number(load_default=None, allow_none=True)
    target = Number(load_default=None, allow_none=True)
    abnormally_low_share = Number(load_default=None, allow_none=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Criterion:
        kind = data["kind"]
        if data["method"] is None and kind in DEFAULT_METHODS:
            data["method"] = DEFAULT_METHODS[kind]  # the snapshot states the method it is scored by
        return Criterion(**{**data, "bands": tuple(data["bands"])})


class SectionSchema(_Strict):
    id = Text(required=True)
    title = Text(required=True)
    category = Choice(SectionCategory, required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Section:
        return Section(**{**data, "criteria": tuple(data["criteria"])})


class RubricSchema(_Strict):
    id = Text(required=True)
    title = Text(required=True)
    version = Text(load_default="1")
    description = Text(load_default="")
    scale = fields.Nested(ScaleSchema, required=True)
    measures = fields.List(fields.Nested(MeasureSchema), load_default=list)
    tie_break = fields.List(Choice(TieBreak), load_default=lambda: list(DEFAULT_TIE_BREAK))
    vcse_criterion = Text(load_default=None, allow_none=True)
    vcse_counting = Choice(Counting, load_default=Counting.LISTED)
    default_abnormally_low_share = Number(load_default=Decimal("0.8"))
    sections = fields.List(fields.Nested(SectionSchema), required=True)

    @post_load
    def build(self, data: dict[str, Any], **kwargs: Any) -> Rubric:
        return Rubric(
            **{
                **data,
                "measures": tuple(data["measures"]),
                "sections": tuple(data["sections"]),
                "tie_break": tuple(data["tie_break"]),
            }
        )
