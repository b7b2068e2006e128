"""Commissioners' policies."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db import get_session
from tenderscore.db.models import Policy, Role
from tenderscore.services import policies as service
from tenderscore.web.api.schemas import PolicyIn, PolicyOut, PolicyUpdate
from tenderscore.web.auth import signed_in, user

blp = Blueprint("policies", __name__, url_prefix="/api/policies", description="Commissioners' policies")


@blp.route("")
class Policies(MethodView):
    @signed_in(Role.COMMISSIONER, Role.OFFICER)
    @blp.response(200, PolicyOut(many=True))
    def get(self) -> list[Policy]:
        return service.list_policies(get_session(), user())

    @signed_in(Role.COMMISSIONER)
    @blp.arguments(PolicyIn)
    @blp.response(201, PolicyOut)
    def post(self, data: dict[str, Any]) -> Policy:
        policy = service.create_policy(get_session(), user(), **data)
        return policy


@blp.route("/<int:policy_id>")
class PolicyById(MethodView):
    @signed_in(Role.COMMISSIONER, Role.OFFICER)
    @blp.response(200, PolicyOut)
    def get(self, policy_id: int) -> Policy:
        return service.get_policy(get_session(), user(), policy_id)

    @signed_in(Role.COMMISSIONER)
    @blp.arguments(PolicyUpdate)
    @blp.response(200, PolicyOut)
    def put(self, data: dict[str, Any], policy_id: int) -> Policy:
        version, reason = data.pop("version"), data.pop("reason")
        policy = service.update_policy(
            get_session(), user(), policy_id, expected_version=version, reason=reason, **data
        )
        return policy
