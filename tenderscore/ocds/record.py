"""OCDS 1.1 packages: a release package (the releases as published) and a record package (per contracting process,
every release embedded plus the compiled release).

Both name the extensions the releases use, so that a reader (or a validator) can rebuild the schema they follow:
the UK profile's extension, the extensions it depends on, and lots and metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .dates import instant
from .merge import compile_release, release_moment

OCDS_VERSION = "1.1"
_OCE = "https://raw.githubusercontent.com/open-contracting-extensions"
EXTENSIONS: tuple[str, ...] = (
    f"{_OCE}/ocds_lots_extension/master/extension.json",
    f"{_OCE}/ocds_awardCriteria_extension/master/extension.json",
    f"{_OCE}/ocds_bid_extension/v1.1.5/extension.json",
    f"{_OCE}/ocds_communication_extension/master/extension.json",
    f"{_OCE}/ocds_location_extension/master/extension.json",
    f"{_OCE}/ocds_otherRequirements_extension/master/extension.json",
    f"{_OCE}/ocds_performance_failures_extension/master/extension.json",
    f"{_OCE}/ocds_subcontracting_extension/master/extension.json",
    f"{_OCE}/ocds_suitability_extension/master/extension.json",
    f"{_OCE}/ocds_techniques_extension/master/extension.json",
    f"{_OCE}/ocds_metrics_extension/master/extension.json",
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
)


def _check(releases: Sequence[Mapping[str, Any]]) -> None:
    """A package holds at least one release, and a release id is unique within its contracting process."""
    if not releases:
        raise ValueError("an OCDS package needs at least one release")
    seen: set[tuple[str, str]] = set()
    for release in releases:
        key = (release["ocid"], release["id"])
        if key in seen:
            raise ValueError(f"release {key[1]!r} of {key[0]!r} appears twice; release ids are unique per ocid")
        seen.add(key)


def _head(
    uri: str, published_date: datetime, publisher_name: str, license: str | None, publication_policy: str | None
) -> dict[str, Any]:
    if not publisher_name.strip():
        raise ValueError("an OCDS package needs its publisher's name")
    head: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": instant(published_date),
        "publisher": {"name": publisher_name},
    }
    if license:
        head["license"] = license
    if publication_policy:
        head["publicationPolicy"] = publication_policy
    return head


def release_package(
    releases: Sequence[Mapping[str, Any]],
    *,
    uri: str,
    published_date: datetime,
    publisher_name: str,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """The releases as they were published, in the order given."""
    _check(releases)
    package = _head(uri, published_date, publisher_name, license, publication_policy)
    package["releases"] = list(releases)
    return package


def record_package(
    releases: Sequence[Mapping[str, Any]],
    *,
    uri: str,
    published_date: datetime,
    publisher_name: str,
    license: str | None = None,
    publication_policy: str | None = None,
) -> dict[str, Any]:
    """One record per contracting process (in the order their ocids first appear): its releases, oldest first,
    embedded whole, and the compiled release made from them."""
    _check(releases)
    by_ocid: dict[str, list[Mapping[str, Any]]] = {}
    for release in releases:
        by_ocid.setdefault(release["ocid"], []).append(release)
    package = _head(uri, published_date, publisher_name, license, publication_policy)
    package["records"] = [
        {
            "ocid": ocid,
            "releases": sorted(group, key=release_moment),
            "compiledRelease": compile_release(group),
        }
        for ocid, group in by_ocid.items()
    ]
    return package
