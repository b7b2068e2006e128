"""Checks every API request passes before its view: the token alone, ids a database holds, JSON we can read."""

from __future__ import annotations

import json

from flask import abort, request

from tenderscore.db import get_session
from tenderscore.services import accounts
from tenderscore.web.api.schemas import MAX_ID
from tenderscore.web.auth import SignedInUser, bearer_token, login_manager


def token_alone() -> None:
    """A request that offers a token skipped the CSRF check, so it is authenticated by that token and nothing
    else: a bad token next to a session cookie is a 401, never the cookie's user."""
    token = bearer_token() if request.path.startswith("/api/") else None
    if token is None:
        return
    found = accounts.user_for_token(get_session(), token)
    login_manager._update_request_context_with_user(SignedInUser(found) if found is not None else None)


def ids_in_range() -> None:
    """An id past what the database stores names nothing: 404, before any query overflows on it."""
    if not request.path.startswith("/api/") or not request.view_args:
        return
    for value in request.view_args.values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            abort(404, description="There is nothing at this address")


def json_readable() -> None:
    """A JSON body nested past the parser's recursion limit is the client's error, not a crash."""
    if not request.path.startswith("/api/") or not request.is_json:
        return
    try:
        json.loads(request.get_data(cache=True) or b"null")
    except RecursionError:
        abort(400, description="The JSON body is nested too deeply")
    except ValueError:
        return  # the parser says what is wrong, with the same 400 as always
