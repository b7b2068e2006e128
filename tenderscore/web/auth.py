"""Who is asking: session sign-in for pages, bearer tokens for the API, CSRF for every cookie-borne write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, g, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from tenderscore.db import get_session
from tenderscore.db.models import Role, User
from tenderscore.services import accounts

login_manager = LoginManager()
csrf = CSRFProtect()
F = TypeVar("F", bound=Callable[..., Any])


class SignedInUser:
    """Flask-Login's view of a user row (kept apart so the model stays free of web concerns)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.is_authenticated = True
        self.is_active = user.active
        self.is_anonymous = False

    def get_id(self) -> str:
        # Stored in the session at sign-in: the user and the epoch the session was issued in. Sign-out, a password
        # change and deactivation raise the user's epoch, so a copy of this session stops working everywhere.
        return f"{self.user.id}:{self.user.session_epoch}"


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in _csrf_unless_bearer, so tokens can skip it
    login_manager.init_app(app)
    login_manager.login_view = "pages.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.before_request(_csrf_unless_bearer)


@login_manager.user_loader
def _load_user(session_id: str) -> SignedInUser | None:
    """The session's user, if it is still active and the session was issued in the user's current epoch."""
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None  # includes sessions from before epochs existed: they sign in again
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return SignedInUser(user)


@login_manager.request_loader
def _load_from_bearer(req: Any) -> SignedInUser | None:
    token = bearer_token()
    if token is None:
        return None
    user = accounts.user_for_token(get_session(), token)
    if user is None:
        return None
    g.authenticated_by_token = True
    return SignedInUser(user)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _csrf_unless_bearer() -> None:
    # A bearer token is not sent by a browser on its own, so a cross-site request cannot carry it: CSRF protects
    # what cookies authorise. A request that offers a token is authenticated by it and nothing else.
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.path.startswith("/api/") and bearer_token() is not None:
        return
    csrf.protect()


def user() -> User:
    """The signed-in user (views behind ``@signed_in`` only)."""
    if not current_user.is_authenticated:
        abort(401)
    return cast(SignedInUser, current_user._get_current_object()).user


def signed_in(*roles: Role) -> Callable[[F], F]:
    """Require a signed-in user, and one of ``roles`` if any are named; 403 otherwise."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401, description="Sign in, or send an API token as 'Authorization: Bearer <token>'")
                return login_manager.unauthorized()
            if roles and user().role not in roles:
                abort(403, description="Your role cannot do this")
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
