"""A validated bid's responses as JSON (Decimals as exact text), stored with each submission."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tenderscore.core import BidResponse, VcsePartner


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
                "charity_number": p.charity_number,
                "company_number": p.company_number,
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
                charity_number=p.get("charity_number"),
                company_number=p.get("company_number"),
                pathway=p.get("pathway"),
            )
            for p in data.get("vcse_partners", [])
        ),
    )
