"""Headers every response carries, no caching of signed-in pages, HSTS behind HTTPS, the proxy in front (when
there is one), and the sign-in throttle."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from tenderscore.config import ConfigurationError
from tenderscore.core.numbers import plural

log = logging.getLogger(__name__)
T = TypeVar("T")

# Flask-Limiter owns the storage (memory://, or redis://... shared by every worker); the sign-in throttle below
# keeps its counters there. No route carries a decorator limit.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

# Pages load only our own scripts and styles; bidder text can never bring in anything else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    # A remember-me cookie is a session cookie too: secure whenever the session's is.
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("REMEMBER_COOKIE_SECURE")) or bool(
        app.config.get("SESSION_COOKIE_SECURE")
    )
    for setting in ("SIGN_IN_FAILURES_PER_ACCOUNT", "SIGN_IN_FAILURES_PER_ADDRESS"):
        try:
            parse(str(app.config[setting]))
        except (KeyError, ValueError) as exc:
            raise ConfigurationError(
                f"{setting} must be a limit such as '5 per 15 minutes' (got {app.config.get(setting)!r})"
            ) from exc
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.config["PREFERRED_URL_SCHEME"] = "https"  # links built outside a request (url_for(_external=True))
    if proxies := proxy_count(app.config.get("PROXY_FIX")):
        # The client's address (the sign-in limit counts failures per address), the scheme (HTTPS: CSRF checks the
        # Referer, cookies are secure) and the host come from the proxy's X-Forwarded-* headers, the rightmost
        # ``proxies`` of each. Only when configured: without a proxy that sets them, a client could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)
    app.after_request(_headers)


def proxy_count(setting: object) -> int:
    """How many proxies to trust from ``PROXY_FIX``: 0 (none: the default), 1 or ``true`` (one), or a number."""
    if setting is None or setting is False or setting == "":
        return 0
    if setting is True:
        return 1
    if isinstance(setting, int) and setting >= 0:
        return setting
    text = str(setting).strip().lower()
    if text in ("true", "yes", "on"):
        return 1
    if text in ("false", "no", "off"):
        return 0
    if text.isdigit():
        return int(text)
    raise ConfigurationError(f"TENDERSCORE_PROXY_FIX must be 0, 1 or the number of proxies in front (got {setting!r})")


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Cookies only travel over HTTPS, so the site is served only over HTTPS: browsers must never try HTTP.
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    # Anything shown to a signed-in user may hold bid content or scores: never stored by a browser or proxy.
    if current_user.is_authenticated or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


# --- the sign-in throttle ---------------------------------------------------------------------------------------
#
# Only FAILED sign-ins count, in two moving windows kept in the limiter's storage (so every worker shares them
# when the storage is Redis): one per account (the normalised email, known or not, so a refusal reveals nothing
# about which emails exist) and one per client address. A successful sign-in clears its account's count but never
# its address's (an attacker with an account of their own must not be able to wipe the count of their guesses).

_fallback = MovingWindowRateLimiter(MemoryStorage())


@dataclass(frozen=True)
class Refusal:
    """A sign-in refused before any password was checked: who is held back, and for how long."""

    reason: str  # "account" or "address"
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        wait = plural(minutes, "minute")
        where = "for this account" if self.reason == "account" else "from your network"
        return f"Too many failed sign-in attempts {where}. Try again in {wait}."


def _limits() -> tuple[RateLimitItem, RateLimitItem]:
    config = current_app.config
    return parse(str(config["SIGN_IN_FAILURES_PER_ACCOUNT"])), parse(str(config["SIGN_IN_FAILURES_PER_ADDRESS"]))


def _keys(email: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "tenderscore")
    # Digests keep the keys short and keep email addresses out of the shared store.
    account = hashlib.sha256(email.encode("utf-8")).hexdigest()
    return (prefix, "sign-in-failures", "account", account), (prefix, "sign-in-failures", "address", address)


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _shared_or_fallback(operation: str, call: Callable[[MovingWindowRateLimiter], T]) -> T:
    """Run ``call(strategy)`` against the shared storage; if it is unreachable, limit per process instead."""
    try:
        return call(_strategy())
    except Exception:  # noqa: BLE001 - any storage failure: a broken Redis must not stop every sign-in
        if not current_app.config.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True):
            raise
        log.warning("sign-in throttle: shared storage unreachable during %s, limiting per process", operation)
        return call(_fallback)


def sign_in_refusal(email: str, address: str) -> Refusal | None:
    """Reserve one attempt for ``email`` from ``address``, or say why none is allowed now.

    The account's slot is taken atomically before the password is checked, so parallel guesses cannot all slip
    past a check made before any of them failed; ``sign_in_succeeded`` gives it back.
    """
    per_account, per_address = _limits()
    account_key, address_key = _keys(email, address)

    def check(strategy: MovingWindowRateLimiter) -> Refusal | None:
        if not strategy.test(per_address, *address_key):
            return Refusal("address", _wait(strategy, per_address, address_key))
        if not strategy.hit(per_account, *account_key):
            return Refusal("account", _wait(strategy, per_account, account_key))
        return None

    return _shared_or_fallback("check", check)


def sign_in_failed(email: str, address: str) -> None:
    """Count a failed attempt against the address (the account's was counted when it was reserved)."""
    _, per_address = _limits()
    _, address_key = _keys(email, address)
    _shared_or_fallback("count", lambda strategy: strategy.hit(per_address, *address_key))


def sign_in_succeeded(email: str, address: str) -> None:
    """The right password: the account's failures are forgotten (its owner is back); the address's are not."""
    per_account, _ = _limits()
    account_key, _ = _keys(email, address)
    _shared_or_fallback("clear", lambda strategy: strategy.clear(per_account, *account_key))


def _wait(strategy: MovingWindowRateLimiter, item: RateLimitItem, key: tuple[str, ...]) -> int:
    reset_time, _ = strategy.get_window_stats(item, *key)
    return max(1, math.ceil(reset_time - time.time()))
