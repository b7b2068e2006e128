"""A validated bid's responses as JSON (Decimals as exact text), stored with each submission.

Partners are stored with their org-id identifier and role. Submissions stored before partners were named by
identifier hold a ``charity_number`` and/or ``company_number`` instead; they read back as identifiers (a charity
number as GB-CHC, GB-SC or GB-NIC by its form, else the company number as GB-COH), so they keep working.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tenderscore.core import BidResponse, VcsePartner
from tenderscore.core.orgid import OrgIdError, orgid


def response_to_json(response: BidResponse) -> dict[str, Any]:
    return {
        "declarations": dict(response.declarations),
        "commitments": {k: str(v) for k, v in response.commitments.items()},
        "price": None if response.price is None else str(response.price),
        "answers": dict(response.answers),
        "vcse_partners": [
            {
                "name": p.name,
                "value_gbp": str(p.value_gbp),
                "identifier": p.identifier,
                "role": p.role,
                "pathway": p.pathway,
            }
            for p in response.vcse_partners
        ],
    }


def response_from_json(data: dict[str, Any], *, bid_id: str, bidder: str) -> BidResponse:
    return BidResponse(
        bid_id=bid_id,
        bidder=bidder,
        declarations={k: bool(v) for k, v in data.get("declarations", {}).items()},
        commitments={k: Decimal(v) for k, v in data.get("commitments", {}).items()},
        price=None if data.get("price") is None else Decimal(data["price"]),
        answers=dict(data.get("answers", {})),
        vcse_partners=tuple(
            VcsePartner(
                name=p["name"],
                value_gbp=Decimal(p["value_gbp"]),
                identifier=p.get("identifier") or legacy_identifier(p.get("charity_number"), p.get("company_number")),
                role=p.get("role"),
                pathway=p.get("pathway"),
            )
            for p in data.get("vcse_partners", [])
        ),
    )


def legacy_identifier(charity_number: str | None, company_number: str | None) -> str | None:
    """The org-id of a partner stored by charity or company number (the template's first form), or ``None``.

    The charity number comes first (a charitable company is on the register by either); its form says which
    regulator: SC + 6 digits is OSCR's (GB-SC), NIC + 6 digits Northern Ireland's (GB-NIC), digits England and
    Wales' (GB-CHC). A number that fits no scheme (the first form accepted 8-digit charity numbers) falls back to the
    company number, and with none gives no identifier: the partner then reads as unknown to the register.
    """
    candidates: list[tuple[str, str]] = []
    if charity_number:
        number = charity_number.strip().upper()
        if number.startswith("SC"):
            candidates.append(("GB-SC", number))
        elif number.startswith("NIC"):
            candidates.append(("GB-NIC", number))
        else:
            candidates.append(("GB-CHC", number))
    if company_number:
        candidates.append(("GB-COH", company_number))
    for code, number in candidates:
        try:
            return str(orgid(code, number))
        except OrgIdError:
            continue
    return None
