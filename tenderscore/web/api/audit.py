"""The audit chain's integrity, for officers and auditors."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Role
from tenderscore.services.audit import ChainCheck, verify_for
from tenderscore.web.api.schemas import AuditCheckOut
from tenderscore.web.auth import signed_in, user

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="The audit chain")


@blp.route("/verify")
class Verify(MethodView):
    @signed_in(Role.OFFICER, Role.COMMISSIONER)
    @blp.response(200, AuditCheckOut)
    def get(self) -> ChainCheck:
        """The whole chain recomputed; the answer speaks of your organisation's events only."""
        return verify_for(get_session(), user())
