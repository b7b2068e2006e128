"""Who the token or session belongs to."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from tenderscore.db.models import User
from tenderscore.web.api.schemas import UserOut
from tenderscore.web.auth import signed_in, user

blp = Blueprint("me", __name__, url_prefix="/api/me", description="The signed-in user")


@blp.route("")
class Me(MethodView):
    @signed_in()
    @blp.response(200, UserOut)
    def get(self) -> User:
        return user()
