"""The one shape of a service's refusal in the API (``schemas.field_errors``): each field's messages under its path,
and a field's own messages beside those of the fields inside it (under ``_schema``), whatever order they come in."""

from __future__ import annotations

from tenderscore.web.api.register import _register_path
from tenderscore.web.api.schemas import field_errors


def _dotted(field: str) -> list[str]:
    return field.split(".") if field else []


def test_a_lists_own_message_and_its_items_coexist_in_either_order() -> None:
    whole, line = ("spend", "over the total"), ("spend.2.amount", "not a number")
    expected = {"spend": {"_schema": ["over the total"], "2": {"amount": ["not a number"]}}}
    assert field_errors([whole, line], _dotted) == expected
    assert field_errors([line, whole], _dotted) == expected
    assert field_errors([whole], _dotted) == {"spend": ["over the total"]}  # alone, a list as marshmallow gives


def test_problems_of_the_whole_request_and_the_register_paths() -> None:
    assert field_errors([(None, "refused"), ("", "again")], _dotted) == {"_schema": ["refused", "again"]}
    found = field_errors([("identifiers", "too many"), ("identifiers[1]", "not a number")], _register_path)
    assert found == {"identifiers": {"_schema": ["too many"], "1": ["not a number"]}}
