"""Organisations as OCDS parties: who they are (org-id identifiers), what they are (VCSE, SME) and their roles.

Only organisations are published. There is deliberately no contact point: a contact is a person's name, email or
telephone, and nothing personal leaves tenderscore in open data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tenderscore.core.award import OrgIdentifier, Party

BUYER = "buyer"
TENDERER = "tenderer"
SUPPLIER = "supplier"


def reference(party: Party) -> dict[str, Any]:
    """An OrganizationReference: the id that points into ``parties`` and the name."""
    return {"id": party.key, "name": party.name}


def _identifier(identifier: OrgIdentifier) -> dict[str, Any]:
    return {"scheme": identifier.scheme, "id": identifier.id}


def organization(party: Party, roles: Iterable[str]) -> dict[str, Any]:
    """The party entry. The first identifier is the primary one (with the legal name); the rest are additional.
    ``details`` carries only what the organisation has said: ``vcse`` (the UK extension's flag) and ``sme``."""
    entry: dict[str, Any] = {"id": party.key, "name": party.name}
    if party.identifiers:
        primary, *others = party.identifiers
        entry["identifier"] = {**_identifier(primary), "legalName": party.name}
        additional = list(dict.fromkeys(other for other in others if other != primary))
        if additional:
            entry["additionalIdentifiers"] = [_identifier(other) for other in additional]
    entry["roles"] = list(dict.fromkeys(roles))
    details = {key: flag for key, flag in (("vcse", party.vcse), ("sme", party.sme)) if flag is not None}
    if details:
        entry["details"] = details
    return entry


def parties(roles_by_party: Iterable[tuple[Party, Iterable[str]]]) -> list[dict[str, Any]]:
    """Party entries in first-seen order, one per key: a party named twice gets the union of its roles."""
    found: dict[str, tuple[Party, list[str]]] = {}
    for party, roles in roles_by_party:
        _, known = found.setdefault(party.key, (party, []))
        known.extend(role for role in roles if role not in known)
    return [organization(party, roles) for party, roles in found.values()]
