"""The compiled release: the latest state of a contracting process, by the OCDS 1.1 merge rules.

``ocdsmerge`` would do this, but it fetches the schema online to learn which lists are merged whole; this is the
small part of it that tenderscore's releases need, with that knowledge kept here:

* releases are applied oldest first (by ``date``; equal dates keep the order given);
* an object merges into the one before it key by key, and ``null`` removes a key;
* a list of objects that all have an ``id`` merges item by item, matched on ``id`` (new ids are appended), except
  the lists the schema marks ``wholeListMerge``, which are replaced whole like every other list;
* a release's own ``id``, ``date`` and ``tag`` are not merged: the compiled release has the tag ``compiled``, the id
  ``<ocid>-compiled`` and the date of the latest release.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy
from datetime import datetime
from typing import Any

# Every field the UK release schema marks "wholeListMerge": true (a test checks this against the schema). Their
# items may have an "id" (an organisation identifier's id) that identifies nothing in the list.
WHOLE_LIST_MERGE = frozenset({
    "additionalClassifications",
    "additionalIdentifiers",
    "buyerClassificationRestrictions",
    "buyerLocationRestrictions",
    "criteria",
    "numbers",
    "rationaleClassifications",
})
NOT_MERGED = frozenset({"id", "date", "tag"})


def release_moment(release: Mapping[str, Any]) -> datetime:
    """When a release was published, comparable across time zones."""
    moment = datetime.fromisoformat(str(release["date"]))
    if moment.tzinfo is None:
        raise ValueError(f"release {release.get('id')!r} has a date without a time zone: {release['date']!r}")
    return moment


def _identified(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and item.get("id") is not None for item in items)


def _merge_list(old: Any, new: list[Any]) -> list[Any]:
    items: dict[str, dict[str, Any]] = {}
    if isinstance(old, list) and _identified(old):
        items = {str(item["id"]): item for item in old}
    for item in new:
        key = str(item["id"])
        current = items.setdefault(key, {})
        _merge_into(current, item)
    return list(items.values())


def _merge_into(result: dict[str, Any], patch: Mapping[str, Any]) -> None:
    """Apply ``patch`` to ``result``, which the caller owns; what is taken from ``patch`` is copied, not shared."""
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            current = result.get(key)
            if not isinstance(current, dict):
                current = result[key] = {}
            _merge_into(current, value)
        elif isinstance(value, list) and key not in WHOLE_LIST_MERGE and _identified(value):
            result[key] = _merge_list(result.get(key), value)
        else:
            result[key] = deepcopy(value)


def merge_object(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``target`` updated by ``patch``: a new object, sharing nothing with either (neither is changed)."""
    result = deepcopy(dict(target))
    _merge_into(result, patch)
    return result


def compile_release(releases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The compiled release of one contracting process (every release must have the same ``ocid``)."""
    if not releases:
        raise ValueError("a compiled release needs at least one release")
    ocids = {release["ocid"] for release in releases}
    if len(ocids) != 1:
        raise ValueError(f"releases of different contracting processes cannot be compiled together: {sorted(ocids)}")
    (ocid,) = ocids
    ordered = sorted(releases, key=release_moment)
    merged: dict[str, Any] = {}
    for release in ordered:
        _merge_into(merged, {key: value for key, value in release.items() if key not in NOT_MERGED})
    compiled: dict[str, Any] = {"ocid": ocid, "id": f"{ocid}-compiled", "date": ordered[-1]["date"],
                                "tag": ["compiled"]}
    compiled.update((key, value) for key, value in merged.items() if key not in compiled)
    return compiled
