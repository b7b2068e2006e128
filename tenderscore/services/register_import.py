"""Importing register entries in bulk from a CSV file (docs/register.md, "Importing entries"): officers only.

All or nothing: every row is checked first (against the register's rules, against the other rows, and against the
organisations tenderscore already knows), and if any row is wrong nothing is stored and every problem is named by
the file's line number and column. Only a file with no problem is imported, each entry audited as it joins, and each
row that carries verification evidence is verified by the importing officer.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from tenderscore.core.numbers import plural
from tenderscore.core.orgid import OrgId
from tenderscore.core.register import AREAS, LEGAL_FORMS, SERVICES
from tenderscore.db.models import Organisation, RegisterEntry, Role, User, id_of
from tenderscore.db.types import utcnow
from tenderscore.services import audit, identifiers, register
from tenderscore.services.errors import Forbidden, Invalid, ServiceError, Unprocessable

MAX_BYTES = 2_000_000
MAX_ROWS = 2_000
REQUIRED = ("name", "identifiers", "legal_form", "services", "areas")
OPTIONAL = ("description", "website", "contact_email", "verified_evidence", "verified_reason", "lapses_on")
COLUMNS = REQUIRED + OPTIONAL
SEPARATOR = ";"
VERIFICATION = ("verified_evidence", "verified_reason", "lapses_on")
# The service's field names, as the file's columns
_COLUMN_OF = {"evidence": "verified_evidence", "reason": "verified_reason", "expires_on": "lapses_on"}


@dataclass(frozen=True)
class Problem:
    line: int  # the file's line number, the header being line 1 (a quoted cell over several lines: its first)
    column: str  # "" for the file or the row as a whole
    message: str

    def __str__(self) -> str:
        where = f"Line {self.line}" if self.line else "The file"
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRefused(Unprocessable):
    """The file, refused whole: ``problems`` names each by line and column; nothing was stored."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.found = list(problems)
        rows = len({p.line for p in self.found if p.line})
        said = plural(len(self.found), "problem") + (f" in {plural(rows, 'row')}" if rows else "")
        super().__init__(
            f"file: the file has {said}; nothing was imported. Correct them and upload it again",
            field="file",
            details=[str(p) for p in self.found],
        )


@dataclass(frozen=True)
class Row:
    line: int
    checked: register.Checked
    verification: tuple[str, str, datetime] | None


@dataclass(frozen=True)
class Imported:
    line: int
    entry_id: int
    name: str
    identifiers: list[OrgId]
    verified: bool


@dataclass(frozen=True)
class Result:
    filename: str
    sha256: str
    rows: list[Imported] = field(default_factory=list)

    @property
    def verified(self) -> int:
        return sum(1 for r in self.rows if r.verified)


def import_csv(
    session: Session, actor: User, filename: str, data: bytes, *, now: datetime | None = None
) -> Result:
    """Check every row of the CSV file ``data``; import them all, or refuse the file (``ImportRefused``)."""
    if actor.role != Role.OFFICER:
        raise Forbidden("Only a buyer's procurement officer can import register entries")
    now = now or utcnow()
    name = (filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1][:100] or "upload.csv"
    rows = check_csv(session, data, now=now)
    result = Result(name, hashlib.sha256(data).hexdigest())
    for row in rows:
        entry = register.join(session, actor, row.checked, source=f"imported from {name} line {row.line}")
        if row.verification is not None:
            evidence, reason, until = row.verification
            register.verify(session, actor, id_of(entry), evidence=evidence, reason=reason, expires_on=until, now=now)
        result.rows.append(
            Imported(row.line, id_of(entry), row.checked.name, row.checked.identifiers, row.verification is not None)
        )
    audit.record(
        session,
        actor,
        "register.imported",
        "register",
        result.sha256,
        after={"filename": name, "sha256": result.sha256, "entries": len(result.rows), "verified": result.verified,
               "entry_ids": [r.entry_id for r in result.rows]},  # fmt: skip
    )
    return result


def check_csv(session: Session, data: bytes, *, now: datetime) -> list[Row]:
    """Every row of the file checked, or ``ImportRefused`` naming every problem; nothing is written."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportRefused([Problem(1, "", f"the header row cannot be read as CSV: {exc}")]) from None
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRefused([Problem(1, "", _HEADER_WANTED)])
    columns = _columns(header)
    problems: list[Problem] = []
    rows: list[Row] = []
    seen_ids: dict[OrgId, int] = {}
    seen_names: dict[str, int] = {}
    start = reader.line_num + 1
    count = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportRefused([*problems, Problem(start, "", f"this line cannot be read as CSV: {exc}")]) from None
        if cells is None:
            break
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # a blank line (spreadsheets often leave some at the end)
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused([Problem(line, "", f"a file can hold at most {MAX_ROWS:,} entries: split it")])
        if len(cells) > len(columns):
            problems.append(Problem(line, "", f"this row has {len(cells)} cells but the header names "
                                              f"{len(columns)} columns: is a comma missing its quotes?"))  # fmt: skip
            continue
        values = dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))], strict=True))
        row = _row(line, values, problems, now)
        _against_file(line, values, row, seen_ids, seen_names, problems)
        if row is not None:
            rows.append(row)
    if count == 0 and not problems:
        problems.append(Problem(0, "", "the file has a header row but no entries"))
    _against_register(session, rows, problems)
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: (p.line, _COLUMN_ORDER.get(p.column, 99))))
    return rows


_COLUMN_ORDER = {c: i for i, c in enumerate(("", *COLUMNS))}
_HEADER_WANTED = (
    "the first row must be the header naming the columns: "
    f"{', '.join(REQUIRED)} (required) and {', '.join(OPTIONAL)} (optional)"
)


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused([Problem(0, "", f"the file is {len(data):,} bytes; the most it can be is {MAX_BYTES:,}")])
    if not data.strip():
        raise ImportRefused([Problem(0, "", "the file is empty")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused([Problem(line, "", "this line is not UTF-8 text: save the file as 'CSV UTF-8 (comma "
                                                "delimited)' and upload it again")]) from None  # fmt: skip


def _columns(header: list[str]) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_") for cell in header]
    problems = []
    for name in names:
        if name and name not in COLUMNS:
            problems.append(Problem(1, name, f"{name!r} is not a column this import knows: the columns are "
                                             f"{', '.join(COLUMNS)}"))  # fmt: skip
        elif name and names.count(name) > 1:
            problems.append(Problem(1, name, "this column is named twice"))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problems.append(Problem(1, "", f"the header names no {', '.join(missing)} column: {_HEADER_WANTED}"))
    if problems:
        raise ImportRefused(list(dict.fromkeys(problems)))
    return names


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _code(value: str, known: dict[str, str]) -> str:
    """A code as written, or the code of the words given (any case); the value itself when neither matches."""
    text = value.strip()
    by_words = {words.lower(): code for code, words in known.items()}
    return text.lower() if text.lower() in known else by_words.get(text.lower(), text)


def _row(line: int, values: dict[str, str], problems: list[Problem], now: datetime) -> Row | None:
    legal_form = _code(values.get("legal_form", ""), LEGAL_FORMS)
    before = len(problems)
    if legal_form not in LEGAL_FORMS:
        given = values.get("legal_form", "").strip()
        said = f"{given!r} is not a legal form this register knows" if given else "enter the legal form"
        problems.append(Problem(line, "legal_form", f"{said}: use one of {', '.join(LEGAL_FORMS)} (or its words)"))
    details = register.EntryDetails(
        name=values.get("name", ""),
        identifiers=_split(values.get("identifiers", "")),
        legal_form=legal_form,
        services=[_code(v, SERVICES) for v in _split(values.get("services", ""))],
        areas=[_code(v, AREAS) for v in _split(values.get("areas", ""))],
        description=values.get("description", ""),
        website=values.get("website", ""),
        contact_email=values.get("contact_email", ""),
    )
    checked = None
    try:
        checked = register.checked_details(details)
    except Invalid as exc:
        for field_name, words in exc.problems:
            column = (field_name or "").split("[", 1)[0]
            if column == "legal_form":
                continue  # said above, with the value and the codes
            problems.append(Problem(line, column, words))
    verification = None
    if any(values.get(c, "").strip() for c in VERIFICATION):
        verification = _verification(line, values, problems, now)
    return Row(line, checked, verification) if checked is not None and len(problems) == before else None


def _verification(
    line: int, values: dict[str, str], problems: list[Problem], now: datetime
) -> tuple[str, str, datetime] | None:
    until = None
    if values.get("lapses_on", "").strip():
        try:
            until = register.lapse_moment(register.lapse_day(values["lapses_on"]))
        except ServiceError as exc:
            problems.append(Problem(line, "lapses_on", exc.problems[0][1]))
            return None
    try:
        return register.checked_verification(
            values.get("verified_evidence", ""), values.get("verified_reason", ""), until, now=now, names=_COLUMN_OF
        )
    except Invalid as exc:
        for field_name, words in exc.problems:
            problems.append(Problem(line, field_name or "", words + _VERIFY_HINT))
        return None


_VERIFY_HINT = " (to verify an entry as it is imported, fill in verified_evidence and verified_reason)"


def _against_file(
    line: int,
    values: dict[str, str],
    row: Row | None,
    seen_ids: dict[OrgId, int],
    seen_names: dict[str, int],
    problems: list[Problem],
) -> None:
    """The same organisation twice in one file: by an identifier, or by name."""
    name = values.get("name", "").strip()
    if name:
        if name.lower() in seen_names:
            problems.append(Problem(line, "name", f"{name} is also on line {seen_names[name.lower()]}"))
        else:
            seen_names[name.lower()] = line
    found: list[OrgId] = []
    for value in _split(values.get("identifiers", "")):
        try:
            found.append(identifiers.parse(value))
        except ServiceError:
            continue  # said by checked_details
    for orgid in dict.fromkeys(found):
        if orgid in seen_ids:
            problems.append(Problem(line, "identifiers", f"{orgid} is also on line {seen_ids[orgid]}"))
        else:
            seen_ids[orgid] = line


def _against_register(session: Session, rows: list[Row], problems: list[Problem]) -> None:
    """Organisations tenderscore already knows: an identifier held, or a name taken (a fixed number of queries)."""
    if not rows:
        return
    held = identifiers.holders(session, [i for row in rows for i in row.checked.identifiers])
    on_register = {
        e.organisation_id
        for e in session.exec(
            select(RegisterEntry).where(col(RegisterEntry.organisation_id).in_({id_of(o) for o in held.values()}))
        ).all()
    } if held else set()  # fmt: skip
    names = {
        n.lower(): n
        for n in session.exec(
            select(Organisation.name).where(col(Organisation.name).in_([r.checked.name for r in rows]))
        ).all()
    }
    for row in rows:
        for orgid in row.checked.identifiers:
            if orgid in held:
                org = held[orgid]
                where = "on the register already" if id_of(org) in on_register else "known to tenderscore already"
                problems.append(Problem(row.line, "identifiers", f"{orgid} belongs to {org.name}, {where}"))
        if row.checked.name.lower() in names:
            problems.append(Problem(row.line, "name", f"an organisation called {row.checked.name} exists already"))
