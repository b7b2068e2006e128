"""Partners named by identifier: asked to confirm on submission, carried over on resubmission, answering until the
award, never reading a bid; and the evaluation counting only the partners the tender's rule counts.

The register is the demo's (services/demo_register.py): Aldergate, Kestrel, Second Shift... verified; Tidewater
(GB-MPR-31207R) and Copperbeck registered but unverified; Millrace (GB-CHC-1297001) unknown. The demo bid of
Oakfield Pathways Trust leans on Tidewater: 4.5 of its 15.5 VCSE points, so 11% by verified partners.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from tenderscore.core.numbers import money
from tenderscore.core.results import ExclusionCode, FlagCode
from tenderscore.db.models import (
    AuditEvent,
    Organisation,
    PartnerConfirmation,
    Role,
    Submission,
    Tender,
    TenderStatus,
    User,
    id_of,
)
from tenderscore.services import (
    access,
    confirmations,
    demo_register,
    evaluation,
    history,
    mail,
    named_partners,
    policies,
    submissions,
    tenders,
)
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError
from tenderscore.sheets import DemoBid, fill_template
from tests import world
from tests.competition import NOW
from tests.world import PASSWORD

TIDEWATER, MILLRACE = "GB-MPR-31207R", "GB-CHC-1297001"


@dataclass
class Register:
    session: Session
    officer: User
    tender: Tender
    bids: dict[str, DemoBid]
    orgs: dict[str, Organisation]
    bidders: dict[str, User]

    def bidder(self, name: str) -> User:
        if name not in self.bidders:
            org = Organisation(name=name, kind="supplier")
            self.session.add(org)
            self.session.flush()
            self.bidders[name] = world.person(self.session, org, Role.BIDDER, f"bids@{name.split()[0].lower()}.example")
        return self.bidders[name]

    def submit(self, name: str, workbook: bytes | None = None, days_before: int = 3) -> Submission:
        bid = self.bids[name]
        receipt = submissions.submit(
            self.session, self.bidder(bid.name), id_of(self.tender), f"{name}.xlsx", workbook or bid.workbook,
            now=NOW - timedelta(days=days_before), confirmation_link=lambda cid: f"https://ts.example/partner/{cid}",
        )  # fmt: skip
        found = self.session.get(Submission, receipt.submission_id)
        assert found is not None
        return found

    def refilled(self, name: str, change: object) -> bytes:
        bid = self.bids[name]
        assert bid.filled is not None
        _, template = submissions.response_template(self.session, self.officer, id_of(self.tender))
        return fill_template(template, change(bid.filled))  # type: ignore[operator]

    def partner_user(self, email: str = "partner@demo.tenderscore.test") -> User:
        return self.session.exec(select(User).where(User.email == email)).one()

    def asked(self, submission: Submission) -> list[PartnerConfirmation]:
        return confirmations.of_submissions(self.session, [id_of(submission)])[id_of(submission)]


def _register_world(session: Session, counting: str) -> Register:
    _, people = world.people(session, bidders=False)
    policy = policies.create_policy(
        session, people["commissioner"], name="VCSE policy", min_social_value_weight=Decimal(10),
        mandatory_commitments=[{"measure": "vcse_share", "minimum": "15"}], vcse_counting=counting,
    )  # fmt: skip
    tender = world.probation_tender(
        session, people["officer"], policy, reference="T-1", deadline=NOW, now=NOW - timedelta(days=30)
    )
    orgs = demo_register.load_register(session, people["officer"], PASSWORD, NOW - timedelta(days=30))
    bids = {name.split()[0]: bid for name, bid in world.demo_workbooks(session, tender).items()}
    session.flush()
    mail.discard(session)
    return Register(session, people["officer"], tender, bids, orgs, {})


@pytest.fixture
def verified(session: Session) -> Register:
    return _register_world(session, "verified")


@pytest.fixture
def registered(session: Session) -> Register:
    return _register_world(session, "registered")


# --- asked on submission ----------------------------------------------------------------------------------------


def test_each_partner_line_is_asked_and_an_unknown_one_is_recorded_not_asked(verified: Register) -> None:
    def with_millrace(filled):  # type: ignore[no-untyped-def]
        first = filled.partners[0]
        millrace = replace(first, name="Millrace Peer Support", identifier=MILLRACE)
        return replace(filled, partners=[millrace, *filled.partners[1:]])

    submission = verified.submit("Oakfield", verified.refilled("Oakfield", with_millrace))
    rows = verified.asked(submission)
    assert [(r.line, r.identifier, r.status) for r in rows] == [
        (1, MILLRACE, "not_asked"),
        (2, rows[1].identifier, "awaiting"),
        (3, TIDEWATER, "awaiting"),
    ]
    tidewater = verified.orgs["Tidewater Lived Experience Collective"]
    assert rows[0].partner_org_id is None and rows[2].partner_org_id == id_of(tidewater)
    event = verified.session.exec(select(AuditEvent).where(AuditEvent.action == "submission.partners_asked")).one()
    assert event.after == {"submission_id": id_of(submission), "asked": 2, "carried": 0, "not_asked": 1}


def test_the_email_names_buyer_tender_bidder_role_and_value_and_nothing_else(verified: Register) -> None:
    submission = verified.submit("Oakfield")
    rows = verified.asked(submission)
    tidewater = next(r for r in rows if r.identifier == TIDEWATER)
    sent = [m for m in mail.queued(verified.session) if m.purpose == "partner_confirmation"]
    to_tidewater = [m for m in sent if "Tidewater" in m.body]
    assert {m.to for m in to_tidewater} == {"tidewater@demo.tenderscore.test", "hello@tidewater.example.org"}
    body = to_tidewater[0].body
    assert "Oakfield Pathways Trust" in body and "Test Probation Region" in body and "T-1" in body
    assert tidewater.role in body and money(tidewater.value_gbp) in body
    assert f"https://ts.example/partner/{tidewater.id}" in body
    price = Decimal(submission.responses["price"])
    assert money(price) not in body and "price" not in body.lower()
    others = [r.name for r in rows if r.identifier != TIDEWATER]
    assert not any(name in body for name in others)  # nor who else partners the bid
    contacts = {f"hello@{r.name.lower().split()[0]}.example.org" for r in rows}
    assert {m.to for m in sent} == contacts | {"tidewater@demo.tenderscore.test"}  # Oakfield does not name Aldergate


def test_a_resubmission_with_the_same_part_carries_the_answer_and_a_changed_one_asks_again(verified: Register) -> None:
    first = verified.submit("Oakfield", days_before=5)
    rows = verified.asked(first)
    tidewater = next(r for r in rows if r.identifier == TIDEWATER)
    tidewater_user = verified.partner_user("tidewater@demo.tenderscore.test")
    answered = NOW - timedelta(days=4)
    confirmations.answer(verified.session, tidewater_user, id_of(tidewater), "confirmed", "", now=answered)
    mail.discard(verified.session)

    def more_for_the_second(filled):  # type: ignore[no-untyped-def]
        partners = list(filled.partners)
        partners[1] = replace(partners[1], value_gbp=Decimal(str(partners[1].value_gbp)) + 1000)
        partners[0] = replace(partners[0], value_gbp=Decimal(str(partners[0].value_gbp)) - 1000)
        return replace(filled, partners=partners)

    second = verified.submit("Oakfield", verified.refilled("Oakfield", more_for_the_second), days_before=2)
    again = verified.asked(second)
    carried = next(r for r in again if r.identifier == TIDEWATER)
    assert carried.carried_from_id == tidewater.id and carried.status == "confirmed"
    assert carried.answered_by_id == id_of(tidewater_user)
    changed = [r for r in again if r.identifier != TIDEWATER]
    assert all(r.carried_from_id is None and r.status == "awaiting" for r in changed)
    asked_again = {m.body.split(" names ")[1].split(" (")[0] for m in mail.queued(verified.session)}
    assert asked_again == {r.name for r in changed}  # Tidewater is not asked again


# --- answering ------------------------------------------------------------------------------------------------------


def test_refusing_needs_a_reason_and_every_answer_is_audited(verified: Register) -> None:
    rows = verified.asked(verified.submit("Oakfield"))
    tidewater = next(r for r in rows if r.identifier == TIDEWATER)
    partner = verified.partner_user("tidewater@demo.tenderscore.test")
    with pytest.raises(ServiceError, match="^note: enter why you refuse") as refused:
        confirmations.answer(verified.session, partner, id_of(tidewater), "refused", "   ")
    assert refused.value.field == "note"
    with pytest.raises(ServiceError, match="^answer: choose"):
        confirmations.answer(verified.session, partner, id_of(tidewater), "maybe", "")
    confirmations.answer(verified.session, partner, id_of(tidewater), "refused", "We agreed £40,000, not this.")
    confirmations.answer(verified.session, partner, id_of(tidewater), "confirmed", "Sorted out with the bidder.")
    events = verified.session.exec(
        select(AuditEvent).where(AuditEvent.action == "partner_confirmation.answered").order_by(col(AuditEvent.id))
    ).all()
    assert [(e.before["status"], e.after["status"]) for e in events] == [("awaiting", "refused"),
                                                                         ("refused", "confirmed")]  # fmt: skip
    assert events[0].reason == "We agreed £40,000, not this." and events[0].tender_id == id_of(verified.tender)


def test_a_partner_sees_its_own_requests_only_awaiting_first(verified: Register) -> None:
    verified.submit("Oakfield")
    verified.submit("Northern")
    aldergate = verified.partner_user()
    mine = confirmations.requests_for(verified.session, aldergate)
    assert mine and all(r.confirmation.partner_org_id == aldergate.organisation_id for r in mine)
    other = verified.session.exec(
        select(PartnerConfirmation).where(PartnerConfirmation.partner_org_id != aldergate.organisation_id)
    ).first()
    assert other is not None
    with pytest.raises(NotFound):
        confirmations.request_for(verified.session, aldergate, id_of(other))
    with pytest.raises(NotFound):
        confirmations.answer(verified.session, aldergate, id_of(other), "confirmed", "")
    confirmations.answer(verified.session, aldergate, id_of(mine[0].confirmation), "confirmed", "")
    after = confirmations.requests_for(verified.session, aldergate)
    assert [r.status for r in after] == sorted((r.status for r in after), key=lambda s: s != "awaiting")
    with pytest.raises(Forbidden):
        confirmations.requests_for(verified.session, verified.officer)


def test_a_partner_never_reads_a_bid(verified: Register) -> None:
    submission = verified.submit("Oakfield")
    tenders.open_bids(verified.session, verified.officer, id_of(verified.tender), now=NOW + timedelta(hours=1))
    partner = verified.partner_user()
    with pytest.raises(NotFound):
        access.readable_bid(verified.session, partner, id_of(submission))
    with pytest.raises(NotFound):
        access.bid_workbook(verified.session, partner, id_of(submission))
    with pytest.raises(Forbidden):
        access.visible_bids(verified.session, partner, id_of(verified.tender))
    with pytest.raises(Forbidden):
        evaluation.results_for(verified.session, partner, id_of(verified.tender))


def test_no_answer_after_the_award_and_later_answers_do_not_count_for_it(verified: Register) -> None:
    rows = verified.asked(verified.submit("Oakfield"))
    tidewater = next(r for r in rows if r.identifier == TIDEWATER)
    partner = verified.partner_user("tidewater@demo.tenderscore.test")
    tender = verified.tender
    tender.status, tender.awarded_at = TenderStatus.AWARDED, NOW + timedelta(days=10)
    verified.session.add(tender)
    with pytest.raises(Conflict, match="has been awarded, so answers can no longer be given or changed"):
        confirmations.answer(verified.session, partner, id_of(tidewater), "confirmed", "")
    # the rule the evaluation reads answers by: given after the decision, an answer stands as unanswered
    tidewater.status, tidewater.answered_at = "confirmed", NOW + timedelta(days=11)
    assert confirmations.status_at(tidewater, tender.awarded_at) == "awaiting"
    assert confirmations.status_at(tidewater, NOW + timedelta(days=12)) == "confirmed"


# --- the evaluation -------------------------------------------------------------------------------------------------


def _evaluated(register: Register) -> evaluation.Gathered:
    for name in ("Northern", "Oakfield", "Meridian"):
        register.submit(name)
    tenders.open_bids(register.session, register.officer, id_of(register.tender), now=NOW + timedelta(hours=1))
    return evaluation.gather(register.session, register.tender)


def test_a_bid_leaning_on_an_unverified_partner_is_excluded_where_only_verified_ones_count(verified: Register) -> None:
    gathered = _evaluated(verified)
    (excluded,) = gathered.evaluation.excluded
    assert excluded.bidder == "Oakfield Pathways Trust"
    (reason,) = [e for e in excluded.exclusions if e.code == ExclusionCode.VCSE_PARTNERS_NOT_COUNTED]
    assert "Tidewater Lived Experience Collective (GB-MPR-31207R), registered but unverified" in reason.reason
    assert "verified VCSE partners only" in reason.reason and "11.00%" in reason.reason
    oakfield = next(b for b in gathered.bids if b.bidder == "Oakfield Pathways Trust")
    assert {p.identifier: p.standing for p in oakfield.vcse_partners}[TIDEWATER] == "registered"
    assert all(p.confirmation == "awaiting" for p in oakfield.vcse_partners)
    # the compliance stage (the evaluators' list, the scoring page) says the same, for every bid at once
    current = access.current_bids(verified.session, id_of(verified.tender))
    found = evaluation.compliance_exclusions_of(verified.session, verified.tender, current)
    assert [id_of(s) for s in current if found[id_of(s)]] == [int(excluded.bid_id)]


def test_the_same_bid_stays_in_where_registered_partners_count(registered: Register) -> None:
    gathered = _evaluated(registered)
    assert gathered.evaluation.excluded == ()
    oakfield = next(r for r in gathered.evaluation.ranked if r.bidder == "Oakfield Pathways Trust")
    assert oakfield.flagged(FlagCode.VCSE_PARTNERS_NOT_COUNTED) == ()
    (waiting,) = oakfield.flagged(FlagCode.VCSE_PARTNER_UNCONFIRMED)
    assert "3 partners asked to confirm" in waiting.message


def test_a_refusal_is_a_flag_for_the_moderator(registered: Register) -> None:
    submission = registered.submit("Oakfield")
    tidewater = next(r for r in registered.asked(submission) if r.identifier == TIDEWATER)
    partner = registered.partner_user("tidewater@demo.tenderscore.test")
    confirmations.answer(registered.session, partner, id_of(tidewater), "refused", "We never agreed to this.")
    tenders.open_bids(registered.session, registered.officer, id_of(registered.tender), now=NOW + timedelta(hours=1))
    result = evaluation.gather(registered.session, registered.tender).evaluation
    (oakfield,) = result.ranked
    (flag,) = oakfield.flagged(FlagCode.VCSE_PARTNER_REFUSED)
    assert "Tidewater Lived Experience Collective (GB-MPR-31207R) refused" in flag.message


def test_an_awarded_tender_reads_the_register_as_at_its_award(verified: Register) -> None:
    verified.submit("Oakfield")
    tender = verified.tender
    bids = evaluation.gather(verified.session, tender).bids
    assert named_partners.as_at(tender) is None  # before the award: now
    tender.status, tender.awarded_at = TenderStatus.AWARDED, NOW - timedelta(days=500)  # before anyone joined
    verified.session.add(tender)
    assert named_partners.as_at(tender) == NOW - timedelta(days=500)
    (then,) = named_partners.looked_up(verified.session, tender, bids)
    assert {p.standing for p in then.vcse_partners} == {"unknown"}


def test_the_tender_history_says_who_was_asked_and_who_answered(verified: Register) -> None:
    rows = verified.asked(verified.submit("Oakfield"))
    tidewater = next(r for r in rows if r.identifier == TIDEWATER)
    partner = verified.partner_user("tidewater@demo.tenderscore.test")
    confirmations.answer(verified.session, partner, id_of(tidewater), "refused", "We never agreed to this.")
    found = history.tender_history(verified.session, verified.officer, id_of(verified.tender))
    sealed = [line.what for line in found.lines]
    assert "For a bid, asked 3 VCSE partners to confirm their part" in sealed
    assert "Refused the part a bid gives Tidewater Lived Experience Collective (GB-MPR-31207R)" in sealed
    tenders.open_bids(verified.session, verified.officer, id_of(verified.tender), now=NOW + timedelta(hours=1))
    lines = history.tender_history(verified.session, verified.officer, id_of(verified.tender), kinds=["bids"]).lines
    answered = next(line for line in lines if line.what.startswith("Refused"))
    assert answered.what == (
        "Refused the part Oakfield Pathways Trust's bid gives Tidewater Lived Experience Collective (GB-MPR-31207R)"
    )
    assert answered.who == "Tom Tidewater, Tidewater Lived Experience Collective (VCSE partner)"
    assert answered.reason == "We never agreed to this."
