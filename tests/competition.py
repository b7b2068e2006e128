"""A competition built through the services, as users would build it, with the clock under the test's control.

Loaded as a pytest plugin by tests/conftest.py, so the `competition` fixture is there for every test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from tenderscore.db.models import Organisation, Role, Tender, User
from tenderscore.services import accounts, policies, submissions, tenders
from tenderscore.sheets import DemoBid, demo_bids

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


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
    buyer = accounts.create_organisation(session, name="Test Probation Region", kind="buyer")
    commissioner = accounts.create_user(
        session,
        email="commissioner@test.example",
        name="C",
        password=PASSWORD,
        role=Role.COMMISSIONER,
        organisation=buyer,
    )
    officer = accounts.create_user(
        session, email="officer@test.example", name="O", password=PASSWORD, role=Role.OFFICER, organisation=buyer
    )
    evaluators = [
        accounts.create_user(
            session,
            email=f"e{i}@test.example",
            name=f"Evaluator {i}",
            password=PASSWORD,
            role=Role.EVALUATOR,
            organisation=buyer,
        )
        for i in (1, 2)
    ]
    policy = policies.create_policy(
        session,
        commissioner,
        name="VCSE policy",
        min_social_value_weight=Decimal(10),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}],
    )
    tender = tenders.create_tender(
        session,
        officer,
        reference="T-1",
        title="Probation services",
        rubric=tenders.load_rubric_source("probation-innovation-partner"),
        deadline=NOW,
        estimated_value=Decimal("2400000"),
        policy_id=policy.id,
    )
    tenders.publish(session, officer, tender.id, now=NOW - timedelta(days=30))  # type: ignore[arg-type]
    bids = demo_bids(tenders.rubric_of(tender), submissions.identity(session, tender))
    session.commit()
    return Competition(session, buyer, commissioner, officer, evaluators, tender, bids)


MakeCompetition = Callable[..., Competition]
