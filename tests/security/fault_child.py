"""Run one use-case in a child process and stop dead in the middle of its transaction, for the parent to kill.

    python -m tests.security.fault_child DATABASE_URL READY_FILE submit TENDER_ID BIDDER_EMAIL WORKBOOK_PATH
    python -m tests.security.fault_child DATABASE_URL READY_FILE award TENDER_ID OFFICER_EMAIL

The pause is where the change is written but not yet committed: at the audit event that closes the use-case.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tenderscore.db.engine import make_engine
from tenderscore.db.models import Tender, User
from tenderscore.services import audit, scoring, submissions

PAUSE_AT = {"submit": "submission.received", "award": "tender.awarded"}


def main(url: str, ready: str, mode: str, tender_id: str, email: str, *rest: str) -> None:
    original = audit.record

    def record_then_stop(session: Session, actor: Any, action: str, *args: Any, **kwargs: Any) -> Any:
        event = original(session, actor, action, *args, **kwargs)
        if action == PAUSE_AT[mode]:
            session.flush()
            Path(ready).write_text("written, not committed")
            time.sleep(600)  # the parent kills us here
        return event

    audit.record = record_then_stop  # type: ignore[assignment]
    engine = make_engine(url)
    with Session(engine) as session:
        actor = session.exec(select(User).where(User.email == email)).one()
        tender = session.get(Tender, int(tender_id))
        assert tender is not None
        if mode == "submit":
            submissions.submit(
                session,
                actor,
                int(tender_id),
                "bid.xlsx",
                Path(rest[0]).read_bytes(),
                now=tender.deadline - timedelta(hours=1),
            )
        else:
            scoring.award(session, actor, int(tender_id), "Highest total score")
        session.commit()


if __name__ == "__main__":
    main(*sys.argv[1:])
