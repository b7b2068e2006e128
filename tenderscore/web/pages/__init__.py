"""HTML pages, one module per area of work."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)

# Importing the modules registers their routes on bp.
from tenderscore.web.pages import (  # noqa: E402,F401
    account,
    award,
    bidding,
    clarifications,
    contract_kpis,
    dashboards,
    delivery,
    documents,
    evaluating,
    home,
    jobs,
    lots,
    moderation,
    partner,
    people,
    performance,
    policies,
    register,
    tenders,
)
