"""A competition built through the services, as users would build it, with the clock under the test's control.

Its people, policy and tender come from tests/world.py, like the API tests' ``World``.

Loaded as a pytest plugin by tests/conftest.py, so the `competition` fixture is there for every test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from tenderscore.db.models import Organisation, Role, Tender, User
from tenderscore.services import accounts, submissions
from tenderscore.sheets import DemoBid
from tests import world
from tests.world import PASSWORD

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@dataclass
class Competition:
    session: Session
    buyer: Organisation
    commissioner: User
    officer: User
    evaluators: list[User]
    tender: Tender
    bids: list[DemoBid]
    bidders: dict[str, User] = field(default_factory=dict)

    def bidder(self, name: str) -> User:
        if name not in self.bidders:
            org = accounts.create_organisation(self.session, name=name, kind="supplier")
            self.bidders[name] = accounts.create_user(
                self.session,
                email=f"bids@{name.split()[0].lower()}.example",
                name=f"Bids {name}",
                password=PASSWORD,
                role=Role.BIDDER,
                organisation=org,
            )
        return self.bidders[name]

    def submit(self, bid: DemoBid, when: datetime | None = None) -> submissions.Receipt:
        return submissions.submit(
            self.session,
            self.bidder(bid.name),
            self.tender.id,
            f"{bid.name}.xlsx",  # type: ignore[arg-type]
            bid.workbook,
            now=when or NOW - timedelta(days=3),
        )

    def bid(self, prefix: str) -> DemoBid:
        return next(b for b in self.bids if b.name.startswith(prefix))


@pytest.fixture
def competition(session: Session) -> Competition:
    """A published probation tender (deadline NOW) under a 15% VCSE policy, with its demo bids ready."""
    buyer, people = world.people(session, bidders=False)
    policy = world.vcse_policy(session, people["commissioner"])
    tender = world.probation_tender(
        session, people["officer"], policy, reference="T-1", deadline=NOW, now=NOW - timedelta(days=30)
    )
    bids = list(world.demo_workbooks(session, tender).values())
    session.commit()
    evaluators = [people["evaluator1"], people["evaluator2"]]
    return Competition(session, buyer, people["commissioner"], people["officer"], evaluators, tender, bids)


MakeCompetition = Callable[..., Competition]
