"""Migration 0006 (the VCSE register) on a database holding organisations, old register entries, users and bids.

Company and charity numbers become org-id identifiers, the old register's entries become unverified register
entries, existing policies keep counting every listed partner, and the way back restores the numbers.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from tenderscore.db import get_engine
from tenderscore.db.migrate import current_revision, downgrade, upgrade

pytestmark = pytest.mark.db
NOW = "2026-01-01 00:00:00+00:00"


def _fill_0005(connection: object) -> None:
    run = connection.execute  # type: ignore[attr-defined]
    orgs = [
        ("Council", "buyer", None, None),
        ("Acme Services Ltd", "supplier", "01234567", None),
        ("Restore Trust", "vcse", "07654321", "1089543"),
        ("Glasgow Hope", "vcse", None, "SC012345"),
        ("Belfast Bridges", "vcse", None, "NIC100123"),
        ("Copycat Ltd", "supplier", "01234567", None),  # the old columns allowed a number twice
    ]
    for name, kind, company, charity in orgs:
        run(text("INSERT INTO organisation (name, kind, company_number, charity_number, created_at) "
                 "VALUES (:n, :k, :co, :ch, :now)"),
            {"n": name, "k": kind, "co": company, "ch": charity, "now": NOW})  # fmt: skip
    run(text("INSERT INTO user_account (email, name, password_hash, role, organisation_id, active, created_at, "
             "session_epoch) SELECT 'o@x.example', 'O', 'x', 'officer', id, :yes, :now, 0 FROM organisation "
             "WHERE name = 'Council'"), {"yes": True, "now": NOW})  # fmt: skip
    run(text("INSERT INTO policy (commissioner_org_id, name, min_social_value_weight, mandatory_commitments, "
             "required_criteria, version, updated_at) SELECT id, 'Old policy', '10', '[]', '[]', 1, :now "
             "FROM organisation WHERE name = 'Council'"), {"now": NOW})  # fmt: skip
    for name, charity, company in (("Restore Trust", "1089543", None), ("Kestrel Network", "1290311", "09999999")):
        run(text("INSERT INTO vcse_register_entry (name, charity_number, company_number, source, added_at) "
                 "VALUES (:n, :ch, :co, 'register extract 2026-01', :now)"),
            {"n": name, "ch": charity, "co": company, "now": NOW})  # fmt: skip


def test_numbers_and_the_old_register_move_across_and_back(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        _fill_0005(connection)
    upgrade(engine, "0006")  # to 0006 itself, not the head: later migrations have their own tests
    assert current_revision(engine) == "0006"
    with engine.connect() as connection:
        held = connection.execute(text(
            "SELECT o.name, i.scheme, i.number FROM organisation_identifier i JOIN organisation o "
            "ON o.id = i.organisation_id ORDER BY o.name, i.scheme")).all()  # fmt: skip
        entries = connection.execute(text(
            "SELECT o.name, o.kind, e.source FROM register_entry e JOIN organisation o ON o.id = e.organisation_id "
            "ORDER BY o.name")).all()  # fmt: skip
        counting = connection.execute(text("SELECT vcse_counting FROM policy")).scalar_one()
        role_ok = connection.execute(text("SELECT count(*) FROM user_account")).scalar_one()
    assert [tuple(r) for r in held] == [
        ("Acme Services Ltd", "GB-COH", "01234567"),
        ("Belfast Bridges", "GB-NIC", "100123"),
        ("Glasgow Hope", "GB-SC", "SC012345"),
        ("Kestrel Network", "GB-CHC", "1290311"),
        ("Kestrel Network", "GB-COH", "09999999"),
        ("Restore Trust", "GB-CHC", "1089543"),
        ("Restore Trust", "GB-COH", "07654321"),
    ]  # Copycat's number stayed with Acme, which had it first
    assert [(r[0], r[1]) for r in entries] == [("Kestrel Network", "vcse"), ("Restore Trust", "vcse")]
    assert all("register extract 2026-01" in r[2] for r in entries)
    assert counting == "listed"  # tenders under an existing policy count partners as they did
    assert role_ok == 1

    downgrade(engine, "0005")
    with engine.connect() as connection:
        numbers = dict(
            (r[0], (r[1], r[2]))
            for r in connection.execute(text("SELECT name, company_number, charity_number FROM organisation")).all()
        )
    assert numbers["Restore Trust"] == ("07654321", "1089543")
    assert numbers["Belfast Bridges"] == (None, "NIC100123")
    assert numbers["Glasgow Hope"] == (None, "SC012345")


def test_foreign_keys_are_enforced_again_after_a_migration(empty_app: Flask) -> None:
    engine = get_engine(empty_app)
    upgrade(engine)
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL enforces references throughout; there is nothing to switch back on
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
