"""The demo's VCSE register: the partners the demo bids name, most verified, two registered but unverified, and one
the register does not know; and a partner account for two of them (all share the demo password)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from tenderscore.db.models import Organisation, Role, User, id_of
from tenderscore.services import accounts, register
from tenderscore.sheets.demo import DEMO_PARTNERS

# (email, name, partner organisation) of the demo's partner accounts
PARTNER_ACCOUNTS = (
    ("partner@demo.tenderscore.test", "Priya Partner", "Aldergate Housing Trust"),
    ("tidewater@demo.tenderscore.test", "Tom Tidewater", "Tidewater Lived Experience Collective"),
)
AREAS = ("north-west", "greater-manchester")


def load_register(session: Session, officer: User, password: str, now: datetime) -> dict[str, Organisation]:
    """Put the demo partners on the register as their ``standing`` says; returns the organisations by name."""
    organisations: dict[str, Organisation] = {}
    for partner in DEMO_PARTNERS:
        if partner.standing == "unknown":
            continue
        details = register.EntryDetails(
            name=partner.name,
            identifiers=[partner.identifier],
            legal_form=partner.legal_form,
            services=list(partner.services),
            areas=list(AREAS),
            description=f"{partner.name} works with people on probation in the North West.",
            contact_email=f"hello@{partner.name.lower().split()[0]}.example.org",
        )
        entry = register.join(session, "demo", register.checked_details(details), source="demo data")
        entry.joined_at = now - timedelta(days=400)  # before the demo's oldest competition
        session.add(entry)
        if partner.standing == "verified":
            register.verify(
                session,
                officer,
                id_of(entry),
                evidence=f"Register entry for {partner.identifier} and the governing document (objects clause).",
                reason="Not-for-profit, with its surpluses reinvested in its social purpose.",
                now=now - timedelta(days=330),
                expires_on=now + timedelta(days=305),
            )
        org = session.get(Organisation, entry.organisation_id)
        assert org is not None
        organisations[partner.name] = org
    for email, name, org_name in PARTNER_ACCOUNTS:
        accounts.create_user(session, email=email, name=name, password=password, role=Role.PARTNER,
                             organisation=organisations[org_name])  # fmt: skip
    return organisations
