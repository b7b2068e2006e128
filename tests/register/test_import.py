"""Importing register entries from CSV: a good file, each kind of bad row named by line and column, nothing stored
when any row is wrong, a byte-order mark, duplicates in the file and against the register, the limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select

from tenderscore.core.orgid import parse_orgid
from tenderscore.core.register import Standing
from tenderscore.db import get_engine
from tenderscore.db.models import AuditEvent, RegisterEntry
from tenderscore.db.types import utcnow
from tenderscore.services import register, register_import
from tenderscore.services.errors import Forbidden
from tests.register.conftest import VERIFIED, Register

HEADER = (
    "name,identifiers,legal_form,services,areas,description,website,contact_email,"
    "verified_evidence,verified_reason,lapses_on"
)
LAPSES = (utcnow() + timedelta(days=200)).date().isoformat()
GOOD = "\n".join([
    HEADER,
    'Kestrel Recovery Network,GB-CHC-1290311,charity,drugs_alcohol;Health,north-west;London,"Recovery, peer-led",'
    f"https://kestrel.example.org,hello@kestrel.example.org,Charity Commission entry,Registered charity,{LAPSES}",
    "Second Shift Kitchens CIC,GB-COH-19004127; GB-COH-SC004127,Community interest company (CIC),ete;unpaid_work,"
    "Greater Manchester,,,,,,",
    "",
])  # fmt: skip


def fingerprint(app: Flask) -> dict[str, str]:
    """Every table's rows, digested: a refused import must leave each exactly as it was."""
    with Session(get_engine(app)) as fresh:
        return {t.name: hashlib.sha256(repr(fresh.execute(sa_select(t)).all()).encode()).hexdigest()
                for t in SQLModel.metadata.sorted_tables}  # fmt: skip


def refused(session: Session, reg: Register, text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(register_import.ImportRefused) as caught:
        register_import.import_csv(session, reg.users["officer"], "partners.csv", data)
    assert caught.value.status == 422 and caught.value.field == "file"
    assert "nothing was imported" in caught.value.message
    return [str(p) for p in caught.value.found]


def test_a_good_file_imports_every_row_verifying_those_with_evidence(reg: Register, session: Session) -> None:
    result = register_import.import_csv(session, reg.users["officer"], "C:\\Users\\me\\partners.csv", GOOD.encode())
    assert result.filename == "partners.csv" and result.verified == 1
    assert [(r.line, r.name, [str(i) for i in r.identifiers], r.verified) for r in result.rows] == [
        (2, "Kestrel Recovery Network", ["GB-CHC-1290311"], True),
        (3, "Second Shift Kitchens CIC", ["GB-COH-19004127", "GB-COH-SC004127"], False),
    ]
    kestrel = register.listing(session, result.rows[0].entry_id)
    assert kestrel.standing is Standing.VERIFIED
    assert kestrel.services == ["drugs_alcohol", "health"] and kestrel.areas == ["north-west", "london"]
    assert (
        kestrel.entry.description == "Recovery, peer-led"
        and kestrel.entry.source == "imported from partners.csv line 2"
    )
    assert kestrel.verification is not None and kestrel.verification.expires_at == register.lapse_moment(
        register.lapse_day(LAPSES)
    )
    kitchens = register.listing(session, result.rows[1].entry_id)
    assert kitchens.standing is Standing.REGISTERED and kitchens.entry.legal_form == "cic"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "register.imported")).one()
    assert event.after is not None and event.after["sha256"] == hashlib.sha256(GOOD.encode()).hexdigest()
    assert event.after["entry_ids"] == [r.entry_id for r in result.rows]


def test_a_byte_order_mark_and_windows_line_endings_are_read(reg: Register, session: Session) -> None:
    data = b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()
    result = register_import.import_csv(session, reg.users["officer"], "excel.csv", data)
    assert [r.line for r in result.rows] == [2, 3]


def test_each_bad_row_is_named_by_line_and_column_and_nothing_is_stored(
    app: Flask, reg: Register, session: Session
) -> None:
    before = fingerprint(app)
    text = f"""{HEADER}
Kestrel Recovery Network,GB-CHC-1290311,charity,drugs_alcohol,north-west,,,,,,

Bad Identifier Trust,GB-CHC-12,charity,health,london,,,,,,
Unknown Form,GB-CHC-1300001,trust,health,london,,,,,,
Unknown Service,GB-CHC-1300002,cio,teleportation,london,,,,,,
No Area,GB-CHC-1300003,cio,health,,,,,,,
Bad Website,GB-CHC-1300004,cio,health,london,,kestrel.example.org,not-an-email,,,
Half Verified,GB-CHC-1300005,cio,health,london,,,,Saw the accounts,,
Bad Date,GB-CHC-1300006,cio,health,london,,,,Evidence,Reason,31/12/2027
Past Date,GB-CHC-1300007,cio,health,london,,,,Evidence,Reason,2020-01-01
,GB-CHC-1300008,cio,health,london,,,,,,
"""
    problems = refused(session, reg, text)
    assert problems == [
        "Line 4, column identifiers: GB-CHC-12 is not a Charity Commission for England and Wales number: GB-CHC "
        "numbers are 6 or 7 digits, such as GB-CHC-1123456",
        "Line 5, column legal_form: 'trust' is not a legal form this register knows: use one of charity, cio, "
        "charitable_company, clg, cic, cbs, cooperative, mutual, community_group (or its words)",
        "Line 6, column services: 'teleportation' is not a known service: choose from accommodation, ete, health, "
        "drugs_alcohol, finance_benefit_debt, children_families, attitudes_thinking_behaviour, housing_support, asb, "
        "restorative_justice, victims, women, mentoring, unpaid_work",
        "Line 7, column areas: Choose at least one area",
        "Line 8, column website: Enter the full address, starting https://",
        "Line 8, column contact_email: Enter an email address in the correct format, like name@example.org",
        "Line 9, column verified_reason: Enter why this evidence shows a VCSE (to verify an entry as it is imported, "
        "fill in verified_evidence and verified_reason)",
        "Line 10, column lapses_on: '31/12/2027' is not a real date; write it as YYYY-MM-DD, for example 2027-12-31",
        "Line 11, column lapses_on: The verification must lapse on a day after today (to verify an entry as it is "
        "imported, fill in verified_evidence and verified_reason)",
        "Line 12, column name: Enter the organisation's name",
    ]
    assert fingerprint(app) == before


def test_duplicates_in_the_file_and_against_the_register_are_refused(reg: Register, session: Session) -> None:
    text = f"""{HEADER}
Kestrel Recovery Network,GB-CHC-1290311,charity,health,london,,,,,,
Kestrel Again,GB-CHC-1290311,charity,health,london,,,,,,
kestrel recovery network,GB-CHC-1300009,charity,health,london,,,,,,
Aldergate Again,gb-chc-1290417 ,cio,health,london,,,,,,
{VERIFIED},GB-CHC-1300010,cio,health,london,,,,,,
Northern Resettlement Consortium Ltd,GB-CHC-1300011,cio,health,london,,,,,,
"""
    assert refused(session, reg, text) == [
        "Line 3, column identifiers: GB-CHC-1290311 is also on line 2",
        "Line 4, column name: kestrel recovery network is also on line 2",
        f"Line 5, column identifiers: GB-CHC-1290417 belongs to {VERIFIED}, on the register already",
        f"Line 6, column name: an organisation called {VERIFIED} exists already",
        "Line 7, column name: an organisation called Northern Resettlement Consortium Ltd exists already",
    ]


def test_an_identifier_of_an_organisation_not_on_the_register_says_so(reg: Register, session: Session) -> None:
    from tenderscore.services import identifiers

    identifiers.add_own(session, reg.users["bidder_a"], "GB-COH-07654321")
    text = f"{HEADER}\nSomeone,GB-COH-07654321,cic,health,london,,,,,,\n"
    assert refused(session, reg, text) == [
        "Line 2, column identifiers: GB-COH-07654321 belongs to Northern Resettlement Consortium Ltd, known to "
        "tenderscore already"
    ]


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "The file: the file is empty"),
    (b"organisation,number\nX,1\n", "Line 1, column organisation: 'organisation' is not a column this import knows"),
    (b"name,identifiers,legal_form,services\nX,GB-CHC-1300001,cio,health\n",
     "Line 1: the header names no areas column"),
    (b"name,identifiers,legal_form,services,areas,name\n", "Line 1, column name: this column is named twice"),
    (b"name,identifiers,legal_form,services,areas\n", "The file: the file has a header row but no entries"),
    (b"name,identifiers,legal_form,services,areas\nX,GB-CHC-1300001,cio,health,london,extra\n",
     "Line 2: this row has 6 cells but the header names 5 columns"),
    (b"name,identifiers,legal_form,services,areas\nCaf\xe9,GB-CHC-1300001,cio,health,london\n",
     "Line 2: this line is not UTF-8 text"),
    (b'name,identifiers,legal_form,services,areas\n"Unclosed,GB-CHC-1300001,cio,health,london\n',
     "Line 2: this line cannot be read as CSV"),
])  # fmt: skip
def test_a_file_that_cannot_be_read_says_why(reg: Register, session: Session, data: bytes, problem: str) -> None:
    problems = refused(session, reg, data)
    assert any(p.startswith(problem) for p in problems), problems


def test_a_quoted_cell_over_several_lines_counts_lines_from_its_first(reg: Register, session: Session) -> None:
    text = (
        f'{HEADER}\nKestrel,GB-CHC-1290311,charity,health,london,"Line one\nline two",,,,,\n'
        "Bad,GB-CHC-12,cio,health,london,,,,,,\n"
    )
    assert refused(session, reg, text)[0].startswith("Line 4, column identifiers: GB-CHC-12 ")


def test_the_limits_on_size_and_rows(reg: Register, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    assert refused(session, reg, b"x" * (register_import.MAX_BYTES + 1))[0].startswith(
        "The file: the file is 2,000,001 bytes"
    )
    monkeypatch.setattr(register_import, "MAX_ROWS", 2)
    rows = "".join(f"Org {n},GB-CHC-13{n:05d},cio,health,london\n" for n in range(3))
    assert refused(session, reg, "name,identifiers,legal_form,services,areas\n" + rows) == [
        "Line 4: a file can hold at most 2 entries: split it"
    ]


@pytest.mark.parametrize("who", ["commissioner", "evaluator1", "bidder_a", "partner"])
def test_only_officers_import(reg: Register, session: Session, who: str) -> None:
    with pytest.raises(Forbidden):
        register_import.import_csv(session, reg.users[who], "partners.csv", GOOD.encode())
    assert session.exec(select(RegisterEntry)).all().__len__() == 2


def test_identifiers_are_read_in_any_spacing_and_case(reg: Register, session: Session) -> None:
    text = "Name, Identifiers ,LEGAL FORM,services,areas\nX Org, gb-coh-1234 567 ; GB-SC-sc012345 ,CIO,ete,wales\n"
    result = register_import.import_csv(session, reg.users["officer"], "x.csv", text.encode())
    assert result.rows[0].identifiers == [parse_orgid("GB-COH-01234567"), parse_orgid("GB-SC-SC012345")]
