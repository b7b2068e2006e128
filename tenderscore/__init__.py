"""tenderscore: score public tenders and enforce social-value commitments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenderscore.config import ConfigurationError, ensure_instance_folder, load_or_create_secret_key

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:  # noqa: F821
    """Build the app: defaults, then instance/config.py, then TENDERSCORE_* variables (or ``test_config``).

    Nothing here touches the network: a database that cannot be reached is reported by the first command that
    uses it (``tenderscore db upgrade``) and by ``/healthz``.
    """
    app = _configured_app(test_config, instance_path)
    from tenderscore import web
    from tenderscore.sheets import check_defusedxml

    try:
        check_defusedxml()  # workbooks are XML from strangers: refuse to start without the hardened parser
    except RuntimeError as exc:
        raise ConfigurationError(str(exc)) from exc

    web.init_app(app)
    from tenderscore.cli import register_commands

    register_commands(app)
    return app


def create_command_app(instance_path: str | None = None) -> Flask:  # noqa: F821
    """The app as the console script's own commands need it: the same configuration and database, without the
    web layer (pages, API, sign-in) and what only it loads (flask-smorest, WeasyPrint through the reports), so
    ``tenderscore check-bid`` starts in a fraction of the time. A command that renders a report loads it then."""
    return _configured_app(None, instance_path)


def _configured_app(test_config: dict[str, Any] | None, instance_path: str | None) -> Flask:  # noqa: F821
    # Imported here so that `import tenderscore.core` (the pure scoring engine) never loads Flask.
    from flask import Flask

    instance_path = instance_path or os.environ.get("TENDERSCORE_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_object("tenderscore.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("TENDERSCORE")
    else:
        app.config.from_mapping(test_config)

    ensure_instance_folder(Path(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'tenderscore.db'}"

    from tenderscore import db

    db.init_app(app)
    return app


__all__ = ["ConfigurationError", "create_app", "create_command_app"]
