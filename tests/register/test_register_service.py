"""The register's services: joining, duplicates, verification that lapses or is ended, standings on past days,
search, an entry's identifiers, and each organisation's own identifiers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tenderscore.core.orgid import parse_orgid
from tenderscore.core.register import Standing
from tenderscore.db.models import AuditEvent, Organisation, RegisterEntry, Verification
from tenderscore.db.types import utcnow
from tenderscore.services import history, identifiers, register
from tenderscore.services.errors import Conflict, Forbidden, Invalid, ServiceError, StaleRecord
from tests.register.conftest import UNVERIFIED, VERIFIED, Register, details

CHC = parse_orgid("GB-CHC-1290417")
MPR = parse_orgid("GB-MPR-31207R")


def _actions(session: Session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]  # type: ignore[arg-type]


def test_joining_puts_an_organisation_on_the_register_unverified_and_audited(reg: Register, session: Session) -> None:
    checked = register.checked_details(details("Northside Mentors", "GB-COH-SC123456", areas=["scotland"],
                                               services=["mentoring"]))  # fmt: skip
    entry = register.join(session, reg.users["officer"], checked, source="test")
    found = register.standings(session, [parse_orgid("GB-COH-SC123456")])
    assert found[parse_orgid("GB-COH-SC123456")].standing is Standing.REGISTERED
    assert found[parse_orgid("GB-COH-SC123456")].entry == entry
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None and org.kind == "vcse"
    assert _actions(session)[-3:] == ["organisation.created", "organisation.identifier_added", "register.joined"]


def test_every_problem_with_an_entry_is_named_at_once(reg: Register) -> None:
    with pytest.raises(Invalid) as refused:
        register.checked_details(register.EntryDetails(name=" ", identifiers=["GB-CHC-12", "GB-XX-1"], legal_form="x",
                                                       services=["teleportation"], areas=[], website="example.org",
                                                       contact_email="not-an-email"))  # fmt: skip
    fields = [f for f, _ in refused.value.problems]
    assert fields == ["name", "identifiers[0]", "legal_form", "services", "areas", "website", "contact_email"]
    words = dict(refused.value.problems)
    assert "6 or 7 digits" in words["identifiers[0]"]
    assert "'teleportation' is not a known service" in words["services"]


def test_an_identifier_another_organisation_holds_is_refused_naming_it(reg: Register, session: Session) -> None:
    checked = register.checked_details(details("Someone Else", "GB-CHC-1290417"))
    with pytest.raises(Conflict, match=f"GB-CHC-1290417 already belongs to {VERIFIED}"):
        register.join(session, reg.users["officer"], checked, source="test")


def test_an_organisation_name_already_in_use_is_refused(reg: Register, session: Session) -> None:
    checked = register.checked_details(details(VERIFIED, "GB-CHC-1111111"))
    with pytest.raises(ServiceError, match="already exists") as refused:
        register.join(session, reg.users["officer"], checked, source="test")
    assert refused.value.field == "name"


def test_verification_counts_from_when_it_was_made_until_it_lapses(reg: Register, session: Session) -> None:
    now = utcnow()
    entry_id = reg.entries[UNVERIFIED]
    register.verify(session, reg.users["commissioner"], entry_id, evidence="Mutuals Public Register entry 31207R",
                    reason="A community benefit society with an asset lock", now=now - timedelta(days=5),
                    expires_on=now + timedelta(days=5))  # fmt: skip
    at = {label: register.standings(session, [MPR], at=moment)[MPR].standing for label, moment in (
        ("before", now - timedelta(days=6)), ("during", now), ("lapsed", now + timedelta(days=6)),
        ("before it joined", now - timedelta(days=60)))}  # fmt: skip
    assert at == {"before": Standing.REGISTERED, "during": Standing.VERIFIED, "lapsed": Standing.REGISTERED,
                  "before it joined": Standing.UNKNOWN}  # fmt: skip


def test_a_lapsed_verification_says_when_it_lapsed(reg: Register, session: Session) -> None:
    verification = session.exec(select(Verification).where(Verification.entry_id == reg.entries[VERIFIED])).one()
    verification.verified_at = utcnow() - timedelta(days=400)
    verification.expires_at = register.lapse_moment(date(2026, 5, 1))
    session.add(verification)
    session.flush()
    item = register.listing(session, reg.entries[VERIFIED])
    assert item.standing is Standing.REGISTERED
    assert register.standing_words(item) == "registered — verification lapsed on 1 May 2026"


def test_a_verification_lapses_at_the_start_of_its_day_uk_time() -> None:
    assert register.lapse_moment(date(2027, 7, 1)).isoformat() == "2027-06-30T23:00:00+00:00"  # BST
    assert register.lapse_moment(date(2027, 12, 1)).isoformat() == "2027-12-01T00:00:00+00:00"  # GMT


def test_ending_a_verification_keeps_it_and_its_reason(reg: Register, session: Session) -> None:
    before = utcnow()
    register.end_verification(session, reg.users["officer"], reg.entries[VERIFIED], reason="Removed from the register")
    item = register.listing(session, reg.entries[VERIFIED])
    assert item.standing is Standing.REGISTERED
    assert register.standing_words(item).startswith("registered — verification ended on ")
    lines = register.verification_history(session, reg.users["partner"], reg.entries[VERIFIED])
    assert len(lines) == 1 and not lines[0].in_force and not lines[0].lapsed
    assert lines[0].verification.end_reason == "Removed from the register" and lines[0].ended_by == "Officer"
    # the day before it ended, it was verified: the record is not rewritten
    assert register.standings(session, [CHC], at=before - timedelta(minutes=1))[CHC].standing is Standing.VERIFIED
    with pytest.raises(ServiceError, match="no verification in force"):
        register.end_verification(session, reg.users["officer"], reg.entries[VERIFIED], reason="again")


def test_verifying_again_replaces_the_verification_in_force(reg: Register, session: Session) -> None:
    register.verify(session, reg.users["officer"], reg.entries[VERIFIED], evidence="Annual return 2026",
                    reason="Still a CIO", expires_on=register.lapse_moment(register.default_lapse_day()))  # fmt: skip
    lines = register.verification_history(session, reg.users["officer"], reg.entries[VERIFIED])
    assert [line.in_force for line in lines] == [True, False]
    assert lines[1].verification.end_reason == "replaced by a new verification"


@pytest.mark.parametrize(("days", "words"), [(0, "after today"), (-3, "after today"), (3 * 366 + 2, "three years")])
def test_a_verification_lapses_in_the_future_and_within_three_years(
    reg: Register, session: Session, days: int, words: str
) -> None:
    with pytest.raises(Invalid, match=words) as refused:
        register.verify(session, reg.users["officer"], reg.entries[UNVERIFIED], evidence="e", reason="r",
                        expires_on=utcnow() + timedelta(days=days))  # fmt: skip
    assert [f for f, _ in refused.value.problems] == ["lapses_on"]


def test_verification_needs_evidence_and_a_reason(reg: Register, session: Session) -> None:
    with pytest.raises(Invalid) as refused:
        register.verify(session, reg.users["officer"], reg.entries[UNVERIFIED], evidence="  ", reason="")
    assert [f for f, _ in refused.value.problems] == ["evidence", "reason"]


@pytest.mark.parametrize("who", ["evaluator1", "bidder_a", "partner", "other_partner"])
def test_only_officers_and_commissioners_verify_or_end(reg: Register, session: Session, who: str) -> None:
    with pytest.raises(Forbidden):
        register.verify(session, reg.users[who], reg.entries[UNVERIFIED], evidence="e", reason="r")
    with pytest.raises(Forbidden):
        register.end_verification(session, reg.users[who], reg.entries[VERIFIED], reason="r")


@pytest.mark.parametrize(("who", "sees"), [("officer", True), ("commissioner", True), ("other_officer", True),
                                           ("partner", True), ("other_partner", False), ("bidder_a", False),
                                           ("evaluator1", False)])  # fmt: skip
def test_who_may_see_the_evidence(reg: Register, session: Session, who: str, sees: bool) -> None:
    entry = register.get_entry(session, reg.entries[VERIFIED])
    assert register.may_see_evidence(reg.users[who], entry) is sees
    if sees:
        assert register.verification_history(session, reg.users[who], reg.entries[VERIFIED])
        assert history.register_history(session, reg.users[who], reg.entries[VERIFIED])
    else:
        with pytest.raises(Forbidden):
            register.verification_history(session, reg.users[who], reg.entries[VERIFIED])
        with pytest.raises(Forbidden):
            history.register_history(session, reg.users[who], reg.entries[VERIFIED])


def test_the_entry_history_says_what_happened_in_words(reg: Register, session: Session) -> None:
    lines = history.register_history(session, reg.users["officer"], reg.entries[VERIFIED])
    words = [line.what for line in lines]
    assert words[0] == "Added an identifier: GB-CHC-1290417"
    assert words[1] == "Put the organisation on the register (test)"
    assert words[2].startswith("Verified the organisation as a VCSE, lapsing on ")
    assert words[2].endswith("“A CIO with charitable objects”")
    assert lines[2].who == "Officer"


def test_search_by_service_area_text_and_standing(reg: Register, session: Session) -> None:
    other = details("Kestrel Recovery Network", "GB-CHC-1290311", services=["drugs_alcohol"], areas=["london"])
    register.join(session, "test", register.checked_details(other), source="test")

    def names(**asked: object) -> list[str]:
        return [item.organisation.name for item in register.search(session, **asked)]  # type: ignore[arg-type]

    assert names() == [VERIFIED, "Kestrel Recovery Network", UNVERIFIED]  # verified first, then by name
    assert names(service="drugs_alcohol") == ["Kestrel Recovery Network"]
    assert names(area="north-west") == [VERIFIED, UNVERIFIED]
    assert names(service="accommodation", area="london") == []
    assert names(text="31207") == [UNVERIFIED]
    assert names(text="kestrel") == ["Kestrel Recovery Network"]
    assert names(standing=Standing.VERIFIED) == [VERIFIED]
    assert names(standing=Standing.REGISTERED) == ["Kestrel Recovery Network", UNVERIFIED]


def test_an_edit_on_a_stale_version_is_refused(reg: Register, session: Session) -> None:
    checked = register.checked_details(details(UNVERIFIED, "GB-MPR-31207R", description="Peer mentors"))
    register.update(session, reg.users["other_partner"], reg.entries[UNVERIFIED], checked, version=1)
    with pytest.raises(StaleRecord):
        register.update(session, reg.users["officer"], reg.entries[UNVERIFIED], checked, version=1)
    with pytest.raises(Forbidden):
        register.update(session, reg.users["partner"], reg.entries[UNVERIFIED], checked, version=2)
    entry = session.get(RegisterEntry, reg.entries[UNVERIFIED])
    assert entry is not None and entry.description == "Peer mentors" and entry.version == 2


def test_an_entry_keeps_at_least_one_identifier(reg: Register, session: Session) -> None:
    with pytest.raises(ServiceError, match="only identifier"):
        register.remove_identifier(session, reg.users["partner"], reg.entries[VERIFIED], "GB-CHC-1290417")
    checked = register.checked_details(details(VERIFIED, "GB-COH-09876543"))
    register.update(session, reg.users["partner"], reg.entries[VERIFIED], checked, version=1)
    register.remove_identifier(session, reg.users["partner"], reg.entries[VERIFIED], "GB-CHC-1290417")
    assert register.listing(session, reg.entries[VERIFIED]).identifiers == [parse_orgid("GB-COH-09876543")]
    with pytest.raises(Forbidden):
        register.remove_identifier(session, reg.users["bidder_a"], reg.entries[VERIFIED], "GB-COH-09876543")


@pytest.mark.parametrize(("who", "keeps"), [("officer", True), ("commissioner", False), ("evaluator1", False),
                                            ("bidder_a", True), ("partner", True)])  # fmt: skip
def test_who_keeps_their_own_organisations_identifiers(reg: Register, session: Session, who: str, keeps: bool) -> None:
    me = reg.users[who]
    org, held = identifiers.mine(session, me)
    assert identifiers.may_keep(me, org) is keeps
    if keeps:
        added = identifiers.add_own(session, me, "GB-COH-07654321\nGB-SC-SC045678")
        assert identifiers.mine(session, me)[1] == [*held, *added]
    else:
        with pytest.raises(Forbidden):
            identifiers.add_own(session, me, "GB-COH-07654321")


def test_an_identifier_held_elsewhere_is_refused_naming_the_holder(reg: Register, session: Session) -> None:
    with pytest.raises(Conflict, match=f"already belongs to {VERIFIED}") as refused:
        identifiers.add_own(session, reg.users["bidder_a"], ["GB-COH-07654321", "GB-CHC-1290417"])
    assert refused.value.field == "identifiers[1]"
    assert identifiers.mine(session, reg.users["bidder_a"])[1] == []  # the first was not added either


def test_an_entry_holds_at_most_twenty_identifiers(reg: Register) -> None:
    many = [f"GB-CHC-13{n:05d}" for n in range(register.MAX_IDENTIFIERS + 1)]
    with pytest.raises(Invalid, match="at most 20 identifiers") as refused:
        register.checked_details(details("Many Numbers Trust", many[0], identifiers=many))
    assert [f for f, _ in refused.value.problems] == ["identifiers"]
    assert len(register.checked_details(details("Enough", "", identifiers=many[:20])).identifiers) == 20
