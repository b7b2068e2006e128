"""Configuration: these defaults, then ``instance/config.py``, then ``TENDERSCORE_*`` environment variables.

``TENDERSCORE_DATABASE_URL`` overrides the embedded SQLite database, for example
``postgresql+psycopg://tenderscore@db.internal/tenderscore``.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

# A request body larger than this is refused with 413 before it is read: workbooks are the largest thing we take.
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
DATABASE_URL: str | None = None  # None: sqlite in the instance folder, decided by the factory
DATABASE_ECHO = False
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Shared store for rate limits across workers; "memory://" keeps them per process (the embedded default).
RATELIMIT_STORAGE_URI = "memory://"
# If the shared store goes away, keep limiting per process rather than failing every sign-in.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_KEY_PREFIX = "tenderscore"
# Failed sign-ins only (web/security.py), in moving windows kept in RATELIMIT_STORAGE_URI. Per account: five wrong
# passwords in a quarter of an hour is more than anyone mistyping needs, and caps online guessing at 480 a day per
# account. Per address: ten times that, so a council office behind one address is held back only if ten of its
# people nearly lock themselves out in the same quarter hour, while one machine spraying guesses across many
# accounts gets 200 an hour in all.
SIGN_IN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
SIGN_IN_FAILURES_PER_ADDRESS = "50 per 15 minutes"
# Sign-ups to the VCSE register (web/pages/register.py), every attempt counted, per client address: enough for an
# organisation correcting its form several times, not for filling the register or probing emails from one machine.
REGISTER_SIGN_UPS_PER_ADDRESS = "10 per hour"
# Background jobs (long reports): RQ workers on this Redis (`tenderscore worker`); unset, a thread of the web process.
REDIS_URL = ""
JOB_QUEUE = "tenderscore"
# Behind a reverse proxy (the TLS terminator): how many proxies in front of the app set X-Forwarded-For, -Proto and
# -Host. 0 trusts none of those headers (anyone can send them); 1 (or true) trusts the one proxy in front.
PROXY_FIX: int | bool = 0
# Outgoing email: "console" prints each message (development); "smtp" sends through SMTP_HOST.
MAIL_BACKEND = "console"
MAIL_FROM = "tenderscore <no-reply@tenderscore.invalid>"
SMTP_HOST = "localhost"
SMTP_PORT = 25
SMTP_USERNAME = ""
SMTP_PASSWORD = ""
SMTP_STARTTLS = False
# Where people reach the service: the start of every link in an email (an invitation, a password reset).
SERVICE_URL = "http://127.0.0.1:5000"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# True behind HTTPS (instance/config.py or TENDERSCORE_SESSION_COOKIE_SECURE): cookies only over HTTPS, and every
# response carries Strict-Transport-Security (web/security.py).
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = False  # forced on with SESSION_COOKIE_SECURE (web/security.py)
WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
DEMO_DATA = False
API_TITLE = "tenderscore"
API_VERSION = "v1"
OPENAPI_VERSION = "3.0.3"
OPENAPI_URL_PREFIX = "/api"
OPENAPI_JSON_PATH = "openapi.json"
OPENAPI_SWAGGER_UI_PATH = "docs"
OPENAPI_SWAGGER_UI_URL = None  # served from the package, never a CDN (see web/api)

SECRET_KEY_FILE = "secret_key"


class ConfigurationError(RuntimeError):
    """Start-up cannot go on; the message is one line saying what to fix."""


def ensure_instance_folder(path: Path) -> None:
    """Create the instance folder and prove it is writable, or explain in one line.

    The probe is a temporary file of this process's own, so workers starting together never trip over each other.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"instance folder {path} is not writable ({exc.strerror}); "
            "fix its permissions or set TENDERSCORE_INSTANCE_PATH"
        ) from exc


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, generating it on first run (never committed: instance/ is ignored).

    Several workers may start at once: the key file is created exclusively, so exactly one key is ever written and
    every worker signs sessions and CSRF tokens with it.
    """
    key_file = instance_path / SECRET_KEY_FILE
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(key_file)
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as out:
        out.write(key + "\n")
    return key


def _read_key(key_file: Path) -> str:
    # Another process created the file a moment ago and may still be writing its one line.
    for _ in range(50):
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise ConfigurationError(f"{key_file} is empty; delete it to have a new secret key generated")
