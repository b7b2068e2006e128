"""The one test world: a buyer with every role, a second buyer, bidders, a 15% VCSE policy and a probation tender.

Both the services' ``competition`` (the clock passed as ``now=``) and the API's ``world`` (the server's clock) are
built from these functions, so they hold the same people and the same tender. The fast parts are shared: passwords
are hashed cheaply for every test (``tests/conftest.py``), and the demo workbooks for a tender are built once per
run for each (rubric, template identity) and reused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlmodel import Session

from tenderscore.db.models import Organisation, Policy, Role, Tender, User
from tenderscore.services import accounts, policies, submissions, tenders
from tenderscore.sheets import DemoBid, TemplateIdentity, demo_bids

PASSWORD = "correct horse battery"
PROBATION = "probation-innovation-partner"
BUYER = "Test Probation Region"
BIDDERS = {
    "bidder_a": "Northern Resettlement Consortium Ltd",
    "bidder_b": "Meridian Probation Partners LLP",
    "bidder_c": "Brightpath Justice Services Ltd",
}


def person(session: Session, org: Organisation, role: Role, email: str) -> User:
    return accounts.create_user(
        session, email=email, name=email.split("@")[0].title(), password=PASSWORD, role=role, organisation=org
    )


def people(session: Session, *, bidders: bool = True) -> tuple[Organisation, dict[str, User]]:
    """The buyer (and its people), another buyer's officer and commissioner, and (if asked) three bidders."""
    buyer = accounts.create_organisation(session, name=BUYER, kind="buyer")
    other_buyer = accounts.create_organisation(session, name="Other County Council", kind="buyer")
    users = {
        "commissioner": person(session, buyer, Role.COMMISSIONER, "commissioner@buyer.example"),
        "officer": person(session, buyer, Role.OFFICER, "officer@buyer.example"),
        "moderator": person(session, buyer, Role.OFFICER, "moderator@buyer.example"),
        "evaluator1": person(session, buyer, Role.EVALUATOR, "evaluator1@buyer.example"),
        "evaluator2": person(session, buyer, Role.EVALUATOR, "evaluator2@buyer.example"),
        "evaluator3": person(session, buyer, Role.EVALUATOR, "evaluator3@buyer.example"),
        "other_commissioner": person(session, other_buyer, Role.COMMISSIONER, "commissioner@other.example"),
        "other_officer": person(session, other_buyer, Role.OFFICER, "officer@other.example"),
    }
    if bidders:
        for key, name in BIDDERS.items():
            org = accounts.create_organisation(session, name=name, kind="supplier")
            users[key] = person(session, org, Role.BIDDER, f"bids@{key}.example")
    return buyer, users


def vcse_policy(session: Session, commissioner: User) -> Policy:
    """At least 10% social value, and at least 15% of the contract's value through VCSE organisations."""
    return policies.create_policy(
        session,
        commissioner,
        name="VCSE policy",
        min_social_value_weight=Decimal(10),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}],
        vcse_counting="listed",  # this world's partners are on no register; tests/register/ covers the rule
    )


def probation_tender(
    session: Session, officer: User, policy: Policy, *, reference: str, deadline: datetime, now: datetime | None = None
) -> Tender:
    """A published probation tender under ``policy``; ``now`` is when it is published (the server's clock if None)."""
    tender = tenders.create_tender(
        session,
        officer,
        reference=reference,
        title="Probation services",
        rubric=tenders.load_rubric_source(PROBATION),
        deadline=deadline,
        estimated_value=Decimal("2400000"),
        policy_id=policy.id,
    )
    assert tender.id is not None
    tenders.publish(session, officer, tender.id, now=now)
    return tender


@lru_cache(maxsize=8)
def _workbooks(rubric_name: str, identity: TemplateIdentity) -> dict[str, DemoBid]:
    return {bid.name: bid for bid in demo_bids(tenders.load_rubric_source(rubric_name), identity)}


def demo_workbooks(session: Session, tender: Tender) -> dict[str, DemoBid]:
    """The demo bids, as filled-in workbooks for ``tender`` (built once per identity in a run), by bidder name."""
    return _workbooks(PROBATION, submissions.identity(session, tender))
