"""The core is pure: importing it pulls in no web, database, spreadsheet, PDF, YAML or schema library."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import tenderscore.core

FORBIDDEN = ["flask", "sqlmodel", "sqlalchemy", "marshmallow", "openpyxl", "weasyprint", "yaml"]
CORE = pathlib.Path(tenderscore.core.__file__).parent
PACKAGE = CORE.parent


def _loaded_after(preamble: str) -> list[str]:
    """The forbidden modules loaded by a fresh interpreter that runs ``preamble`` then imports the core."""
    code = (
        f"import json, sys, types\n{preamble}\nimport tenderscore.core\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(json.loads(run.stdout))


def test_the_core_itself_imports_none_of_the_app_libraries() -> None:
    # The parent package is stood in for, so this checks what the core's own modules import.
    stand_in = (
        "package = types.ModuleType('tenderscore')\n"
        f"package.__path__ = [{str(PACKAGE)!r}]\n"
        "sys.modules['tenderscore'] = package"
    )
    assert _loaded_after(stand_in) == []


def test_importing_tenderscore_core_loads_none_of_the_app_libraries() -> None:
    # Importing tenderscore.core runs tenderscore/__init__.py first, so the app factory's imports count too.
    assert _loaded_after("") == []


def test_no_float_in_the_core_source() -> None:
    for path in CORE.glob("*.py"):
        assert not re.search(r"\bfloat\(", path.read_text()), path.name
