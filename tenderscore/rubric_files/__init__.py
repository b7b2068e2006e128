"""Rubric files: ``rubrics/*.yaml`` -> validated core ``Rubric``, and back to a JSON-safe snapshot with its hash.

Every error names the path of the bad field, sections and criteria indexed from 0:
``sections[1].criteria[2].weight: must be a number``. Type errors come from the marshmallow schemas, sense errors
(weights sum to exactly 100, unique ids, known methods that fit the kind...) from the core's ``rubric_problems``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from tenderscore.core import Rubric, rubric_problems
from tenderscore.core.numbers import plain
from tenderscore.core.register import Counting

from .schemas import RubricSchema
from .summary import summarise

# The rubric templates shipped with tenderscore (the top-level rubrics/ folder), offered by name.
RUBRICS_DIR = Path(__file__).resolve().parents[2] / "rubrics"

__all__ = [
    "RUBRICS_DIR",
    "RubricError",
    "load_rubric_file",
    "load_rubric_text",
    "load_shipped",
    "shipped_rubrics",
    "rubric_from_dict",
    "rubric_hash",
    "rubric_to_dict",
    "summarise",
]


class RubricError(ValueError):
    """A rubric that cannot be used; ``errors`` lists every problem as ``"path: message"``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def load_rubric_file(path: str | Path) -> Rubric:
    """Read, parse (``yaml.safe_load``, duplicate keys refused) and validate one rubric file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError([f"{path}: cannot be read ({exc})"]) from exc
    return load_rubric_text(text)


def shipped_rubrics() -> dict[str, Path]:
    """The rubric templates in rubrics/, by file stem."""
    return {path.stem: path for path in sorted(RUBRICS_DIR.glob("*.yaml"))}


def load_shipped(name: str) -> Rubric:
    """A shipped rubric by name (its file stem)."""
    path = shipped_rubrics().get(name)
    if path is None:
        raise RubricError([f"rubric: there is no shipped rubric called {name!r}"])
    return load_rubric_file(path)


def load_rubric_text(text: str) -> Rubric:
    """Parse and validate a rubric written in YAML (an uploaded file, so aliases are refused before loading)."""
    try:
        _refuse_aliases(text)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # safe: a yaml.SafeLoader that also refuses repeated keys
    except yaml.YAMLError as exc:
        raise RubricError([_yaml_error(exc)]) from exc
    return rubric_from_dict(data)


def _refuse_aliases(text: str) -> None:
    # A rubric file needs no YAML aliases, and nine nested ones turn 2 kB into 9**9 values that take a worker
    # minutes to validate (and to quote in the error): a "billion laughs" file is refused before it is loaded.
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
        raise RubricError(["rubric: YAML aliases (*name) are not accepted in a rubric file"])


def rubric_from_dict(data: object) -> Rubric:
    """Build and validate a rubric from a mapping (a parsed file, or ``rubric_to_dict``'s snapshot)."""
    if not isinstance(data, dict):
        raise RubricError([f"the rubric must be a mapping of fields, not {type(data).__name__}"])
    try:
        rubric: Rubric = RubricSchema().load(data)
    except ValidationError as exc:
        raise RubricError(list(_paths(exc.messages))) from exc
    problems = rubric_problems(rubric)
    if problems:
        raise RubricError([str(p) for p in problems])
    return rubric


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    """The whole rubric as JSON-safe values: numbers as exact strings, enumerations as their words.

    ``rubric_from_dict(rubric_to_dict(r)) == r`` for any valid rubric: this is the snapshot a tender freezes.
    """
    snapshot = _jsonable(rubric)
    assert isinstance(snapshot, dict)
    # Added after tenders were published: left out at its default so their snapshots and hashes stay as they were.
    if snapshot.get("vcse_counting") == Counting.LISTED:
        del snapshot["vcse_counting"]
    return snapshot


def rubric_hash(rubric: Rubric) -> str:
    """SHA-256 (hex) of the canonical JSON of ``rubric_to_dict``: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(rubric_to_dict(rubric), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return plain(value) if value.is_finite() else str(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def _paths(messages: object, prefix: str = "") -> Iterator[str]:
    """marshmallow's nested messages as ``sections[1].criteria[2].weight: must be a number`` lines."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                path = prefix
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            yield from _paths(value, path)
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict | list):
                yield from _paths(message, prefix)
            else:
                yield f"{prefix}: {_wording(str(message))}" if prefix else _wording(str(message))
    else:
        yield f"{prefix}: {messages}" if prefix else str(messages)


def _wording(message: str) -> str:
    # marshmallow's own messages, in the same voice as ours
    return {
        "Unknown field.": "unknown field (check the spelling)",
        "Missing data for required field.": "is required",
        "Not a valid list.": "must be a list",
        "Invalid input type.": "must be a mapping of fields",
        "Field may not be null.": "must not be empty",
    }.get(message, message)


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"not valid YAML: {problem}"
    return f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, which it would otherwise overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found the key {key!r} twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
