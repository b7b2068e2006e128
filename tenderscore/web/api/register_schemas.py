"""Schemas of the VCSE register's API: entries, verifications, the CSV import, an organisation's identifiers."""

from __future__ import annotations

from marshmallow import fields, validate

from tenderscore.core.orgid import SCHEME_CODES
from tenderscore.core.register import AREAS, LEGAL_FORMS, SERVICES
from tenderscore.services import limits
from tenderscore.web.api.schemas import StrictSchema, Written, version_number

_IDENTIFIER = fields.Str(
    validate=validate.Length(min=1, max=40),
    metadata={"description": f"an org-id identifier: {', '.join(SCHEME_CODES)} and the number, e.g. GB-CHC-1123456"},
)


class EntryIn(StrictSchema):
    name = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.NAME_MAX), Written])
    identifiers = fields.List(_IDENTIFIER, required=True, validate=validate.Length(min=1, max=20))
    legal_form = fields.Str(required=True, validate=validate.OneOf(list(LEGAL_FORMS)))
    services = fields.List(fields.Str(validate=validate.OneOf(list(SERVICES))), required=True,
                           validate=validate.Length(min=1))  # fmt: skip
    areas = fields.List(fields.Str(validate=validate.OneOf(list(AREAS))), required=True,
                        validate=validate.Length(min=1))  # fmt: skip
    description = fields.Str(load_default="", validate=validate.Length(max=limits.STATEMENT_MAX))
    website = fields.Str(load_default="", validate=validate.Length(max=300), metadata={"description": "https://..."})
    contact_email = fields.Str(load_default="", validate=validate.Length(max=254))


class EntryUpdate(EntryIn):
    version = version_number(required=True, metadata={"description": "the entry's version as read: a stale one "
                                                                      "is refused with 409"})  # fmt: skip
    identifiers = fields.List(_IDENTIFIER, load_default=list, validate=validate.Length(max=20),
                              metadata={"description": "identifiers to add; those the entry has are kept"})  # fmt: skip


class VerificationIn(StrictSchema):
    evidence = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])
    lapses_on = fields.Date(load_default=None, metadata={
        "description": "the day it stops counting (from the start of that day, UK time); a year from today if left "
                       "out, at most three years"})  # fmt: skip


class EndIn(StrictSchema):
    reason = fields.Str(required=True, validate=[validate.Length(min=1, max=limits.STATEMENT_MAX), Written])


class VerificationOut(StrictSchema):
    verified_at = fields.DateTime()
    verified_by = fields.Str()
    evidence = fields.Str()
    reason = fields.Str()
    lapses_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    ended_by = fields.Str(allow_none=True)
    end_reason = fields.Str(allow_none=True)
    in_force = fields.Bool()


class EntryOut(StrictSchema):
    id = fields.Int()
    organisation_id = fields.Int()
    name = fields.Str()
    identifiers = fields.List(fields.Str())
    legal_form = fields.Str()
    services = fields.List(fields.Str())
    areas = fields.List(fields.Str())
    description = fields.Str()
    website = fields.Str()
    contact_email = fields.Str()
    source = fields.Str()
    joined_at = fields.DateTime()
    version = fields.Int()
    standing = fields.Str(metadata={"description": "verified, registered or unknown"})
    standing_words = fields.Str()
    verified_until = fields.DateTime(allow_none=True, metadata={"description": "when the verification in force "
                                                                "lapses (null when not verified)"})  # fmt: skip
    verifications = fields.List(fields.Nested(VerificationOut), allow_none=True, metadata={
        "description": "the verification history, with evidence: only for buyers' officers and commissioners and "
                       "the organisation's own partner users (null for everyone else)"})  # fmt: skip


class SearchArgs(StrictSchema):
    service = fields.Str(load_default="", validate=validate.OneOf(["", *SERVICES]))
    area = fields.Str(load_default="", validate=validate.OneOf(["", *AREAS]))
    text = fields.Str(load_default="", validate=validate.Length(max=200))
    standing = fields.Str(load_default="", validate=validate.OneOf(["", "verified", "registered"]))


class ImportedOut(StrictSchema):
    line = fields.Int()
    entry_id = fields.Int()
    name = fields.Str()
    identifiers = fields.List(fields.Str())
    verified = fields.Bool()


class ImportOut(StrictSchema):
    filename = fields.Str()
    sha256 = fields.Str()
    entries = fields.List(fields.Nested(ImportedOut))


class IdentifiersIn(StrictSchema):
    identifiers = fields.List(_IDENTIFIER, required=True, validate=validate.Length(min=1, max=20))


class IdentifiersOut(StrictSchema):
    organisation_id = fields.Int()
    organisation = fields.Str()
    identifiers = fields.List(fields.Str())
    may_change = fields.Bool()
    register_entry_id = fields.Int(allow_none=True)
