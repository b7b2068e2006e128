"""Migration 0009 (lots) on a database holding the demo: down to 0008 and up again loses and changes nothing, every
tender comes back lot 1 of itself, with no cap and lots settled by value (docs/lots.md, "Migrating existing
tenders"); and the way back refuses while a tender has further lots.

The demo is loaded without its two-lot tender: a lot's audit events can never be deleted (the chain is
append-only), so a database that has held a further lot can never go back to 0008, which is what the refusal says.
The refusal is then shown on a lot added to the demo's draft.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.migrate import current_revision, downgrade, head_revision, upgrade
from tenderscore.db.models import Tender, User, id_of
from tenderscore.services import demo_lots, lots
from tenderscore.services.tenders import tender_by_reference

pytestmark = [pytest.mark.db, pytest.mark.slow]  # loads the demo by the command line: test-slow, test-postgres
LOT_COLUMNS = ("lot_of_id", "lot_number", "lot_title", "lot_cap", "lot_order")
Snapshot = dict[str, list[dict[str, Any]]]


def _columns(engine: Engine) -> dict[str, list[str]]:
    found = inspect(engine)
    return {
        table: sorted(c["name"] for c in found.get_columns(table))
        for table in sorted(found.get_table_names())
        if table != "alembic_version"
    }


def _snapshot(engine: Engine, columns: dict[str, list[str]]) -> Snapshot:
    """Every row of every table in ``columns`` (those columns only), in primary-key order."""
    found = {}
    with engine.connect() as connection:  # one connection: on SQLite each begins by taking the write lock
        keys = inspect(connection)
        for table, names in columns.items():
            order = keys.get_pk_constraint(table)["constrained_columns"] or names
            query = f'SELECT {", ".join(names)} FROM "{table}" ORDER BY {", ".join(order)}'
            found[table] = [dict(row._mapping) for row in connection.execute(text(query))]
    return found


def _only(snapshot: Snapshot, columns: dict[str, list[str]]) -> Snapshot:
    return {table: [{c: row[c] for c in names} for row in snapshot[table]] for table, names in columns.items()}


def test_down_to_0008_and_up_again_keeps_every_row_and_refuses_while_lots_exist(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = get_engine(empty_app)
    upgrade(engine)
    monkeypatch.setattr(demo_lots, "load_lot_tender", lambda *args, **kwargs: None)
    loaded = empty_app.test_cli_runner().invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    monkeypatch.undo()
    kept = _snapshot(engine, _columns(engine))
    assert len(kept["tender"]) == 5 and len(kept["score"]) > 100 and len(kept["audit_event"]) > 400

    downgrade(engine, "0008")
    assert current_revision(engine) == "0008"
    at_0008 = _columns(engine)
    assert not set(LOT_COLUMNS) & set(at_0008["tender"])
    before = _snapshot(engine, at_0008)
    assert before == _only(kept, at_0008)  # the way down kept every row and value

    upgrade(engine, "0009")
    assert current_revision(engine) == "0009"
    assert set(_columns(engine)) == set(at_0008)  # no table added or lost
    assert _snapshot(engine, at_0008) == before  # every row of every table, every value, as it was
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT {', '.join(LOT_COLUMNS)} FROM tender ORDER BY id")).all()
    assert [tuple(row) for row in found] == [(None, 1, None, None, "value")] * 5  # each lot 1 of itself

    upgrade(engine)
    with Session(engine) as session:
        officer = session.exec(select(User).where(User.email == "officer@demo.tenderscore.test")).one()
        draft = tender_by_reference(session, "NWPR-2027-003")
        added = lots.add_lot(session, officer, id_of(draft), expected_version=draft.version, title="Tenancy")
        added_id = id_of(added)
        session.commit()
    with pytest.raises(RuntimeError, match="1 lots beyond lot 1 exist"):
        downgrade(engine, "0008")
    assert current_revision(engine) == head_revision()  # refused, nothing done
    with Session(engine) as session:
        assert session.get(Tender, added_id) is not None
