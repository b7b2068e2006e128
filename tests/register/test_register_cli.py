"""The command line: ``tenderscore register import`` and ``organisations set --identifier``."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlmodel import Session, select

from tenderscore.core.orgid import parse_orgid
from tenderscore.db.models import AuditEvent, Organisation, RegisterEntry
from tenderscore.services import identifiers
from tests.register.conftest import Register
from tests.register.test_import import GOOD, HEADER


def _entries(session: Session) -> int:
    session.commit()  # end the test's read transaction: the command committed in its own
    return len(session.exec(select(RegisterEntry)).all())


def test_importing_from_the_command_line(
    runner: FlaskCliRunner, reg: Register, session: Session, tmp_path: Path
) -> None:
    good = tmp_path / "partners.csv"
    good.write_text(GOOD, encoding="utf-8-sig")
    dry = runner.invoke(args=["register", "import", str(good), "--actor", reg.users["officer"].email, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "line 2: Kestrel Recovery Network (GB-CHC-1290311), verified" in dry.output
    assert "2 entries would be imported from partners.csv; nothing was stored" in dry.output
    assert _entries(session) == 2
    done = runner.invoke(args=["register", "import", str(good), "--actor", reg.users["officer"].email])
    assert done.exit_code == 0 and "imported 2 entries from partners.csv (1 verified)" in done.output, done.output
    assert _entries(session) == 4
    again = runner.invoke(args=["register", "import", str(good), "--actor", reg.users["officer"].email])
    assert again.exit_code == 1
    assert "Line 2, column identifiers: GB-CHC-1290311 belongs to Kestrel Recovery Network" in again.output
    assert _entries(session) == 4


def test_a_bad_file_or_actor_from_the_command_line(
    runner: FlaskCliRunner, reg: Register, session: Session, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nX,GB-CHC-12,cio,ete,london,,,,,,\n", encoding="utf-8")
    refused = runner.invoke(args=["register", "import", str(bad), "--actor", reg.users["officer"].email])
    assert refused.exit_code == 1 and "1 problem in 1 row; nothing was imported" in refused.output
    assert "Line 2, column identifiers: GB-CHC-12 is not" in refused.output
    commissioner = runner.invoke(args=["register", "import", str(bad), "--actor", reg.users["commissioner"].email])
    assert commissioner.exit_code == 1 and "Only a buyer's procurement officer" in commissioner.output
    nobody = runner.invoke(args=["register", "import", str(bad), "--actor", "nobody@example.org"])
    assert nobody.exit_code == 1 and "No user with the email nobody@example.org" in nobody.output
    assert _entries(session) == 2


def test_an_operator_adds_an_organisations_identifiers(runner: FlaskCliRunner, reg: Register, session: Session) -> None:
    name = "Test Probation Region"
    done = runner.invoke(args=["organisations", "set", "--name", name, "--identifier", "GB-COH-01234567",
                               "--identifier", "gb-chc-1123456"])  # fmt: skip
    assert done.exit_code == 0 and "identifiers GB-COH-01234567, GB-CHC-1123456" in done.output, done.output
    held = runner.invoke(args=["organisations", "set", "--name", name, "--identifier", "GB-CHC-1290417"])
    assert held.exit_code == 1 and "already belongs to Aldergate Housing Trust" in held.output
    malformed = runner.invoke(args=["organisations", "set", "--name", name, "--identifier", "GB-CHC-12"])
    assert malformed.exit_code == 1 and "6 or 7 digits" in malformed.output
    session.commit()
    org = session.exec(select(Organisation).where(Organisation.name == name)).one()
    assert identifiers.of(session, [org.id or 0])[org.id or 0] == [parse_orgid("GB-COH-01234567"),
                                                                   parse_orgid("GB-CHC-1123456")]  # fmt: skip
    added = session.exec(select(AuditEvent).where(AuditEvent.action == "organisation.identifier_added",
                                                  AuditEvent.actor == "cli")).all()  # fmt: skip
    assert len(added) == 2
