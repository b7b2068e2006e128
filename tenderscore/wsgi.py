"""The WSGI entry point for a production server: ``gunicorn tenderscore.wsgi:app`` (``make serve``).

Settings come from the environment (``TENDERSCORE_*``) and ``instance/config.py``, as for every command.
"""

from __future__ import annotations

from tenderscore import create_app

app = create_app()
