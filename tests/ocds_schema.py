"""Validate OCDS JSON against the standard's schemas (in ../shared/ocds beside the project), with format checking.

The release schema is the UK profile's (core 1.1.5 with the UK extension and its dependencies merged in), so a
UK field in the wrong place or of the wrong type fails. The release package schema refers to the release schema
by its URL; that URL resolves here, locally, to the UK schema. There is no record package schema in shared/ocds:
the record package is checked by a small schema written after the standard's 1.1 one, whose releases and compiled
releases are again the UK release schema.

Each ``validate_*`` raises AssertionError listing every error (its JSON path and message), not just the first.
Dates are checked only because ``rfc3339-validator`` is installed (jsonschema skips "date-time" without it);
``schemas_check_formats()`` says whether that is so, and the OCDS tests assert it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SHARED_OCDS = Path(__file__).resolve().parents[2] / "shared" / "ocds"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
RECORD_PACKAGE_SCHEMA_URL = "https://tenderscore.invalid/ocds/record-package-schema.json"

# After the OCDS 1.1 record package schema; records embed their releases (linked releases are not published).
RECORD_PACKAGE_SCHEMA: dict[str, Any] = {
    "id": RECORD_PACKAGE_SCHEMA_URL,
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "records", "version"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"type": "string", "pattern": "^(\\d+\\.)(\\d+)$"},
        "extensions": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "publisher": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "scheme": {"type": ["string", "null"]},
                "uid": {"type": ["string", "null"]},
                "uri": {"type": ["string", "null"], "format": "uri"},
            },
        },
        "publishedDate": {"type": "string", "format": "date-time"},
        "license": {"type": ["string", "null"], "format": "uri"},
        "publicationPolicy": {"type": ["string", "null"], "format": "uri"},
        "packages": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "records": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["ocid", "releases"],
                "properties": {
                    "ocid": {"type": "string", "minLength": 1},
                    "releases": {"type": "array", "minItems": 1, "items": {"$ref": RELEASE_SCHEMA_URL}},
                    "compiledRelease": {"$ref": RELEASE_SCHEMA_URL},
                },
            },
        },
    },
}


def _read(name: str) -> dict[str, Any]:
    path = SHARED_OCDS / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the OCDS schemas live in ../shared/ocds beside the project")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _validators() -> dict[str, Draft4Validator]:
    release = _read("release-schema-uk.json")
    package = _read("release-package-schema.json")
    registry: Registry[Any] = Registry().with_resources([
        (RELEASE_SCHEMA_URL, Resource.from_contents(release, default_specification=DRAFT4)),
        (RECORD_PACKAGE_SCHEMA_URL, Resource.from_contents(RECORD_PACKAGE_SCHEMA, default_specification=DRAFT4)),
    ])
    checker = Draft4Validator.FORMAT_CHECKER
    return {
        name: Draft4Validator(schema, registry=registry, format_checker=checker)
        for name, schema in (("release", release), ("release package", package),
                             ("record package", RECORD_PACKAGE_SCHEMA))
    }


def schemas_check_formats() -> bool:
    """Whether "date-time" and "uri" are really checked (jsonschema needs rfc3339-validator and rfc3986-validator)."""
    checkers = Draft4Validator.FORMAT_CHECKER.checkers
    return "date-time" in checkers and "uri" in checkers


def _where(error: ValidationError) -> str:
    return "/" + "/".join(str(part) for part in error.absolute_path)


def schema_errors(kind: str, data: Any) -> list[str]:
    """Every error of ``data`` against the ``kind`` schema ("release", "release package" or "record package")."""
    errors = sorted(_validators()[kind].iter_errors(data), key=lambda error: [str(p) for p in error.absolute_path])
    return [f"{_where(error)}: {error.message}" for error in errors]


def _assert_valid(kind: str, data: Any, extra: list[str] | None = None) -> None:
    problems = schema_errors(kind, data) + (extra or [])
    if problems:
        raise AssertionError(f"invalid OCDS {kind} ({len(problems)} errors):\n" + "\n".join(problems))


def validate_release(data: Any) -> None:
    """``data`` is a valid release of the UK profile (formats checked)."""
    _assert_valid("release", data)


def validate_release_package(data: Any) -> None:
    """``data`` is a valid release package whose releases are valid UK releases."""
    _assert_valid("release package", data)


def validate_record_package(data: Any) -> None:
    """``data`` is a valid record package: its shape, every embedded release and every compiled release, and what
    a schema cannot say (a record's releases share its ocid; a compiled release is tagged so; release ids unique)."""
    extra: list[str] = []
    records = (data.get("records") or []) if isinstance(data, dict) else []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        ocid = record.get("ocid")
        releases = record.get("releases") or []
        ids = [release.get("id") for release in releases if isinstance(release, dict)]
        if len(ids) != len(set(ids)):
            extra.append(f"/records/{index}/releases: release ids are not unique: {ids}")
        for number, release in enumerate(releases):
            if isinstance(release, dict) and release.get("ocid") != ocid:
                extra.append(f"/records/{index}/releases/{number}/ocid: {release.get('ocid')!r} is not {ocid!r}")
        compiled = record.get("compiledRelease")
        if isinstance(compiled, dict):
            if compiled.get("ocid") != ocid:
                extra.append(f"/records/{index}/compiledRelease/ocid: {compiled.get('ocid')!r} is not {ocid!r}")
            if compiled.get("tag") != ["compiled"]:
                extra.append(f"/records/{index}/compiledRelease/tag: {compiled.get('tag')!r} is not ['compiled']")
    _assert_valid("record package", data, extra)
