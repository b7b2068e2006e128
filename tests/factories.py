"""Factories that return saved rows with sensible defaults: ``make_tender(session, title="...")``."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from tenderscore.db.models import Organisation, Submission, Tender, User

_ids = itertools.count(1)


def make_org(session: Session, **overrides: Any) -> Organisation:
    n = next(_ids)
    values: dict[str, Any] = {"name": f"Organisation {n}", "kind": "supplier"}
    values.update(overrides)
    org = Organisation(**values)
    session.add(org)
    session.flush()
    return org


def make_user(session: Session, role: str = "officer", **overrides: Any) -> User:
    n = next(_ids)
    if "organisation_id" not in overrides:
        kind = "supplier" if role == "bidder" else "buyer"
        overrides["organisation_id"] = make_org(session, kind=kind).id
    values: dict[str, Any] = {
        "email": f"{role}{n}@example.org",
        "name": f"{role.title()} {n}",
        "password_hash": "not-a-real-hash",
        "role": role,
    }
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def make_tender(session: Session, **overrides: Any) -> Tender:
    n = next(_ids)
    if "created_by_id" not in overrides:
        officer = make_user(session, role="officer")
        overrides["created_by_id"] = officer.id
        overrides.setdefault("buyer_org_id", officer.organisation_id)
    values: dict[str, Any] = {
        "reference": f"TS-{n:04d}",
        "title": f"Tender {n}",
        "deadline": datetime.now(UTC) + timedelta(days=14),
        "rubric": {},
    }
    values.update(overrides)
    tender = Tender(**values)
    session.add(tender)
    session.flush()
    return tender


def make_submission(session: Session, **overrides: Any) -> Submission:
    if "tender_id" not in overrides:
        overrides["tender_id"] = make_tender(session).id
    if "bidder_org_id" not in overrides:
        bidder = make_user(session, role="bidder")
        overrides["bidder_org_id"] = bidder.organisation_id
        overrides.setdefault("submitted_by_id", bidder.id)
    values: dict[str, Any] = {
        "version": 1,
        "filename": "bid.xlsx",
        "workbook": b"PK\x03\x04",
        "size_bytes": 4,
        "sha256": "a" * 64,
        "responses": {},
    }
    values.update(overrides)
    submission = Submission(**values)
    session.add(submission)
    session.flush()
    return submission
