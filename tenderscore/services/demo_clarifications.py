"""The demo's clarification questions on the tender open for bids: one published to all, one answered privately,
one awaiting an answer (services/demo.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from tenderscore.db.models import Tender, User, id_of
from tenderscore.services import clarifications


def ask_and_answer(session: Session, officer: User, tender: Tender, bidders: list[User], now: datetime) -> None:
    first, second, third = bidders[:3]
    tender_id = id_of(tender)
    published = clarifications.ask(
        session, first, tender_id,
        "Our consortium runs two hostels in Salford through our subsidiary Northern Housing Ltd. Can the bed spaces "
        "there count towards the accommodation outcomes, or only tenancies with other landlords?",
        now=now - timedelta(days=5),
    )  # fmt: skip
    clarifications.answer(
        session, officer, id_of(published),
        audience="all",
        published_question="Can bed spaces in hostels run by a bidder, or by a company in its group, count towards "
        "the accommodation outcomes?",
        answer="Yes, for up to 12 weeks per person. After 12 weeks only settled accommodation counts (a tenancy of "
        "six months or more), whoever the landlord is. The outcome measures in the specification are unchanged.",
        now=now - timedelta(days=4),
    )  # fmt: skip
    private = clarifications.ask(
        session, second, tender_id,
        "We plan to deliver the employment strand with our own digital job-matching platform rather than through "
        "Jobcentre Plus referrals alone. Would referrals made through the platform count as 'referrals received'?",
        now=now - timedelta(days=4, hours=3),
    )  # fmt: skip
    clarifications.answer(
        session, officer, id_of(private),
        audience="asker",
        answer="Yes: any referral the provider accepts and records counts, whichever route it came by. We answer you "
        "alone because the question describes your own approach.",
        now=now - timedelta(days=3),
    )  # fmt: skip
    clarifications.ask(
        session, third, tender_id,
        "Section 4 asks for TUPE information. When will the incumbent's anonymised staff list be available?",
        now=now - timedelta(days=1),
    )  # fmt: skip
