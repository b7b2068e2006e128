"""A tender's history, read from the audit chain: who did what and when, with the reason, in plain English.

For the buyer's officers and commissioners only (the same rule as the tender itself, then the role): evaluators and
bidders are refused. The main text holds no internal ids and no hashes; a fingerprint (a SHA-256 the event recorded)
is offered separately, for a page to put behind a "details" control. The seal holds here as everywhere: until the
bids are opened, an event about a bid does not say who sent it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from tenderscore.core.numbers import plural, recorded_money
from tenderscore.core.ukdates import uk_date, uk_time
from tenderscore.db.models import AuditEvent, ContractKpi, Organisation, Policy, Role, Submission, Tender, User
from tenderscore.services import access, delivery_history, register
from tenderscore.services.errors import Forbidden
from tenderscore.services.tenders import get_tender, rubric_of

# The kinds a reader can filter by, in the order a page lists them.
KINDS = {
    "tender": "Tender changes",
    "clarifications": "Clarification questions",
    "bids": "Bids",
    "panel": "Evaluation panel",
    "evaluation": "Evaluation and award",
    "award": "Summaries, notices and contract",
    "reports": "Reports issued",
    "delivery": "Contract delivery",
}
_KIND_OF_ACTION = {
    "tender.awarded": "evaluation",
    "evaluator.assigned": "panel",
    "evaluator.declared": "panel",
    "evaluator.removed": "panel",
    "score.recorded": "evaluation",
    "consensus.recorded": "evaluation",
}
_KIND_OF_PREFIX = {
    "tender": "tender",
    "partner_confirmation": "bids",
    "clarification": "clarifications",
    "submission": "bids",
    "report": "reports",
    "scoring": "evaluation",
    "award": "award",
    "contract": "award",
    "document": "award",
}
_DOCUMENTS = {
    "assessment_summary": "assessment summary",
    "award_notice": "contract award notice",
    "standstill_letter": "standstill letter",
    "contract_notice": "contract details notice",
}


def kind_of(action: str) -> str:
    """The filter an audit action falls under (anything not known is a change to the tender)."""
    if delivery_history.is_delivery(action):
        return "delivery"
    return _KIND_OF_ACTION.get(action) or _KIND_OF_PREFIX.get(action.split(".", 1)[0], "tender")


@dataclass(frozen=True)
class Line:
    """One thing that happened, as a person reads it."""

    at: datetime
    who: str
    what: str
    reason: str
    kind: str
    fingerprint: str | None = None  # a SHA-256 the event recorded (a file, a report, the frozen rubric)


@dataclass(frozen=True)
class History:
    lines: list[Line]  # oldest first: a history reads as a story
    kinds: dict[str, int]  # every kind, with how many events of it there are (before filtering)


def tender_history(session: Session, actor: User, tender_id: int, kinds: Iterable[str] = ()) -> History:
    """The tender's history for its buyer's officers and commissioners; ``kinds`` filters (none: everything)."""
    tender = get_tender(session, actor, tender_id)
    if actor.role not in (Role.OFFICER, Role.COMMISSIONER):
        raise Forbidden("Only the buyer's officers and commissioners see a tender's history")
    events = session.exec(
        select(AuditEvent).where(AuditEvent.tender_id == tender.id).order_by(col(AuditEvent.id))
    ).all()
    words = _Words(session, tender, events)
    counts = dict.fromkeys(KINDS, 0)
    for event in events:
        counts[kind_of(event.action)] = counts.get(kind_of(event.action), 0) + 1
    wanted = {k for k in kinds if k in KINDS} or set(KINDS)
    lines = [words.line(e) for e in events if kind_of(e.action) in wanted]
    return History(lines, counts)


class _Words:
    """Turns events into lines, looking up the names behind ids once for the whole history."""

    def __init__(self, session: Session, tender: Tender, events: Iterable[AuditEvent]) -> None:
        events = list(events)
        self.tender = tender
        self.sealed = not access.bids_opened(tender)
        rubric = rubric_of(tender)
        self.criteria = {c.id: c.title for c in rubric.criteria}
        self.scale = rubric.scale.maximum
        actor_ids = {e.actor_id for e in events if e.actor_id is not None}
        self.people = {
            user.id: (user, org.name if org else "")
            for user, org in session.exec(
                select(User, Organisation)
                .join(Organisation, col(Organisation.id) == User.organisation_id, isouter=True)
                .where(col(User.id).in_(actor_ids))
            ).all()
        }
        emails = {
            str((e.after or e.before or {}).get("evaluator", "")) for e in events if e.action.startswith("evaluator.")
        }
        self.by_email = dict(session.exec(select(User.email, User.name).where(col(User.email).in_(emails))).all())
        submission_ids = set()
        for e in events:
            if e.entity == "submission" and e.entity_id.isdigit():
                submission_ids.add(int(e.entity_id))
            for found in _values(e, "submission_id"):
                if str(found).isdigit():
                    submission_ids.add(int(str(found)))
        self.bidders = {
            sid: name
            for sid, name in session.exec(
                select(Submission.id, Organisation.name)
                .join(Organisation, col(Organisation.id) == Submission.bidder_org_id)
                .where(col(Submission.id).in_(submission_ids))
            ).all()
        }
        policy_ids = {int(str(v)) for e in events for v in _values(e, "policy_id") if str(v).isdigit()}
        self.policies = dict(session.exec(select(Policy.id, Policy.name).where(col(Policy.id).in_(policy_ids))).all())
        kpi_ids = {k for e in events for k in delivery_history.kpi_ids(e.action, e.entity_id, e.after or {})}
        self.kpi_titles: dict[int, str] = (
            {k: t for k, t in session.exec(select(ContractKpi.id, ContractKpi.title)
                                           .where(col(ContractKpi.id).in_(kpi_ids))).all() if k is not None}
            if kpi_ids else {}
        )  # fmt: skip

    def who(self, event: AuditEvent) -> str:
        if event.actor_id is not None and event.actor_id in self.people:
            user, org = self.people[event.actor_id]
            if user.role == Role.BIDDER:
                return (
                    "A bidder" if self.sealed or not org else user.name if org in user.name else f"{user.name}, {org}"
                )
            if user.role == Role.PARTNER and org:
                return f"{user.name}, {org} (VCSE partner)"
            return user.name
        if event.actor.startswith("cli:"):
            return "An operator, from the command line"
        return "tenderscore"

    def bidder(self, submission_id: object) -> str:
        if self.sealed:
            return "a bidder"
        found = str(submission_id)
        return self.bidders.get(int(found), "a bidder") if found.isdigit() else "a bidder"

    def criterion(self, criterion_id: object) -> str:
        return f"“{self.criteria.get(str(criterion_id), 'a criterion no longer in the rubric')}”"

    def line(self, event: AuditEvent) -> Line:
        after, before = event.after or {}, event.before or {}
        what, fingerprint = self.what(event, before, after)
        return Line(event.occurred_at, self.who(event), what, event.reason, kind_of(event.action), fingerprint)

    def what(self, event: AuditEvent, before: dict[str, Any], after: dict[str, Any]) -> tuple[str, str | None]:
        action = event.action
        sha = after.get("sha256") if isinstance(after.get("sha256"), str) else None
        if action == "tender.created":
            return f"Created the draft tender {after.get('reference', self.tender.reference)}", None
        if action == "tender.updated":
            return self.changes(before, after), None
        if action == "tender.deleted":
            return "Deleted the draft", None
        if action == "tender.published":
            return (
                "Published the tender: the rubric was frozen and the policy's thresholds came into force",
                after.get("rubric_hash"),
            )
        if action == "tender.deadline_extended":
            told = after.get("bidders_told")
            emailed = f" and emailed {plural(told, 'bidder')}" if isinstance(told, int) else ""
            questions = (
                f", moved the clarification deadline to {_when(after.get('clarification_deadline'))}"
                if after.get("clarification_deadline")
                else ""
            )
            following = (
                ", following the answer to a clarification question" if after.get("following_clarification") else ""
            )
            return (
                f"Extended the deadline from {_when(before.get('deadline'))} to {_when(after.get('deadline'))}"
                + questions + following + emailed,
                None,
            )
        if action.startswith("clarification."):
            return self.clarification(action, after), None
        if action == "tender.closed":
            return "Closed the competition: the deadline had passed", None
        if action == "tender.opened":
            return "Opened the bids for evaluation", None
        if action == "tender.awarded":
            return f"Awarded the contract to {after.get('winner', 'the top-ranked bid')}", None
        if action == "submission.received":
            version = after.get("version")
            if self.sealed:
                return f"A bid was received (version {version})", sha
            return f"Submitted a bid (version {version}, {after.get('filename', 'a workbook')})", sha
        if action == "submission.refused_late":
            return f"A bid sent after the deadline was refused (deadline {_when(after.get('deadline'))})", sha
        if action == "submission.refused_invalid":
            return f"A bid was refused: {event.reason}", sha
        if action == "submission.read_refused":
            return f"Was refused {self.bidder(event.entity_id)}'s bid", None
        if action == "submission.workbook_downloaded":
            return f"Downloaded {self.bidder(event.entity_id)}'s workbook (version {after.get('version')})", sha
        if action == "submission.partners_asked":
            asked, carried, unknown = after.get("asked", 0), after.get("carried", 0), after.get("not_asked", 0)
            parts = [f"asked {plural(asked, 'VCSE partner')} to confirm {'its' if asked == 1 else 'their'} part"]
            if carried:
                parts.append(f"carried over the answers of {plural(carried, 'partner')} named for the same part")
            if unknown:
                parts.append(f"could not ask {plural(unknown, 'partner')} unknown to the register")
            whose = "a bid" if self.sealed else f"{self.bidder(after.get('submission_id'))}'s bid"
            return f"For {whose}, " + "; ".join(parts), None
        if action == "partner_confirmation.answered":
            partner = f"{after.get('partner', 'a partner')} ({after.get('identifier', '')})"
            whose = "a bid" if self.sealed else f"{self.bidder(after.get('submission_id'))}'s bid"
            verb = {"confirmed": "Confirmed", "refused": "Refused"}.get(str(after.get("status")), "Answered")
            changed = " (changing an earlier answer)" if before.get("status") in ("confirmed", "refused") else ""
            return f"{verb} the part {whose} gives {partner}{changed}", None
        if action == "evaluator.assigned":
            email = str(after.get("evaluator", ""))
            return f"Put {self.by_email.get(email, 'an evaluator')} on the evaluation panel", None
        if action == "evaluator.removed":
            email = str(before.get("evaluator", ""))
            return f"Took {self.by_email.get(email, 'an evaluator')} off the evaluation panel", None
        if action == "scoring.finished":
            return f"Finished scoring {self.bidder(after.get('submission_id'))}'s bid", None
        if action == "scoring.reopened":
            return f"Reopened their scores of {self.bidder(before.get('submission_id'))}'s bid", None
        if action == "evaluator.declared":
            conflicts = after.get("conflicts") or []
            declared = (
                f"Declared a conflict of interest with {plural(len(conflicts), 'bidder')}"
                if conflicts
                else "Made their declaration of interests"
            )
            return f"{declared}: “{after.get('statement', '')}”", None
        if action in ("score.recorded", "consensus.recorded"):
            own = "score" if action == "score.recorded" else "consensus score"
            verb = "Changed the" if before else "Gave the"
            of = f"{self.criterion(after.get('criterion_id'))} of {self.bidder(after.get('submission_id'))}"
            changed = f" (was {before.get('score')})" if before and "score" in before else ""
            return f"{verb} {own} for {of}: {after.get('score')} out of {self.scale}{changed}", None
        if delivery_history.is_delivery(action):
            return delivery_history.describe(action, event.entity_id, before, after, self.kpi_titles), sha
        if action.startswith(("award.", "contract.", "document.")):
            return self.award_step(action, after), sha
        if action.startswith("report."):
            return self.report(action.split(".", 1)[1], after), sha
        return action.replace(".", " ").replace("_", " ").capitalize(), None

    def award_step(self, action: str, after: dict[str, Any]) -> str:
        """The steps after the award decision (services/award_path.py, services/contracts.py)."""
        kind = action.split(".", 1)[1]
        if action == "award.summaries_issued":
            return f"Issued the assessment summaries to {plural(len(after.get('summaries') or []), 'bidder')}"
        if action == "award.notice_published":
            ends = _when(after.get("standstill_ends_at"))
            return f"Published the contract award notice: the standstill period ends at {ends}"
        if action == "award.challenged":
            return "Recorded a challenge to the award"
        if action == "award.challenge_resolved":
            return "Recorded the challenge as resolved"
        if action == "award.withdrawn":
            return "Withdrew the award decision: the tender returned to evaluation"
        if action == "contract.entered":
            worth = _money(after.get("value"))
            return f"Recorded the contract entered into on {_day(after.get('signed_on'))}, worth {worth}"
        if action == "contract.notice_published":
            return "Published the contract details notice"
        if action == "document.downloaded":
            return "Downloaded an issued document"
        document = _DOCUMENTS.get(kind, kind.replace("_", " "))
        to = f" to {after['bidder']}" if after.get("bidder") else ""
        return f"Issued the {document}{to}"

    def report(self, kind: str, after: dict[str, Any]) -> str:
        provisional = " (provisional)" if after.get("provisional") else ""
        if kind == "assessment_summary" and after.get("preview"):
            return f"Previewed the assessment summary of {after.get('bidder', 'a bidder')}"
        if kind == "evaluation_report":
            return f"Downloaded the evaluation report{provisional}"
        if kind == "assessment_summary":
            return f"Issued the assessment summary of {after.get('bidder', 'a bidder')}"
        if kind == "score_matrix":
            return f"Downloaded the score matrix{provisional}"
        return f"Issued the {kind.replace('_', ' ')}"

    def clarification(self, action: str, after: dict[str, Any]) -> str:
        """A question asked (its words are for the buying team, who read this history), answered or corrected."""
        if action == "clarification.asked":
            return f"Asked a clarification question: “{after.get('question', '')}”"
        told = after.get("bidders_told")
        emailed = f" (emailed {plural(told, 'bidder')})" if isinstance(told, int) else ""
        to_whom = "every bidder" if after.get("audience") == "all" else "the bidder who asked"
        verb = "Corrected the answer to" if action == "clarification.corrected" else "Answered"
        return f"{verb} a clarification question, to {to_whom}{emailed}: “{after.get('answer', '')}”"

    def changes(self, before: dict[str, Any], after: dict[str, Any]) -> str:
        said = []
        if before.get("title") != after.get("title"):
            said.append(f"the title to “{after.get('title')}”")
        if before.get("description") != after.get("description") and "description" in before:
            said.append("the description")
        if before.get("deadline") != after.get("deadline"):
            said.append(f"the deadline from {_when(before.get('deadline'))} to {_when(after.get('deadline'))}")
        if before.get("clarification_deadline") != after.get("clarification_deadline"):
            said.append(f"the clarification deadline to {_when(after.get('clarification_deadline'))}")
        if before.get("estimated_value") != after.get("estimated_value"):
            said.append(
                f"the estimated value from {_money(before.get('estimated_value'))} to "
                f"{_money(after.get('estimated_value'))}"
            )
        if before.get("policy_id") != after.get("policy_id"):
            policy = after.get("policy_id")
            said.append(f"the policy to {self.policies.get(policy, 'none') if isinstance(policy, int) else 'none'}")
        if before.get("rubric") != after.get("rubric"):
            said.append("the weights and thresholds")
        if not said:
            return "Saved the draft without changes"
        return "Changed " + ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


def _values(event: AuditEvent, key: str) -> list[object]:
    return [d[key] for d in (event.before or {}, event.after or {}) if d.get(key) is not None]


def _when(value: object) -> str:
    if isinstance(value, str):
        try:
            return uk_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return "an unknown time"


def _money(value: object) -> str:
    return "none" if value is None else recorded_money(value) or str(value)


# --- a VCSE register entry's history (services/register.py) ------------------------------------------------------

_REGISTER_WORDS = {
    "register.signed_up": "Signed the organisation up to the register",
    "register.joined": "Put the organisation on the register",
    "register.updated": "Changed the entry",
    "register.verified": "Verified the organisation as a VCSE",
    "register.verification_ended": "Ended the verification",
    "organisation.identifier_added": "Added an identifier",
    "organisation.identifier_removed": "Removed an identifier",
    "user.invited": "Gave someone an account",
    "user.invitation_resent": "Sent an account's invitation again",
    "user.invitation_accepted": "Chose the account's password",
    "user.deactivated": "Deactivated an account",
}
_ACCOUNT_ACTIONS = ("user.invited", "user.invitation_resent", "user.invitation_accepted", "user.deactivated")


def register_history(session: Session, actor: User, entry_id: int) -> list[Line]:
    """What happened to a register entry and its organisation's identifiers, oldest first, for those who may see
    its evidence (``register.may_see_evidence``)."""
    entry = register.get_entry(session, entry_id)
    if not register.may_see_evidence(actor, entry):
        raise Forbidden("Only buyers' officers and commissioners, and the organisation itself, see an entry's history")
    accounts = {str(i): email for i, email in session.exec(select(User.id, User.email).where(
        User.organisation_id == entry.organisation_id, User.role == Role.PARTNER)).all()}  # fmt: skip
    events = session.exec(
        select(AuditEvent)
        .where(
            or_(
                and_(col(AuditEvent.entity) == "register_entry", col(AuditEvent.entity_id) == str(entry_id)),
                and_(col(AuditEvent.entity) == "organisation", col(AuditEvent.entity_id) == str(entry.organisation_id),
                     col(AuditEvent.action).startswith("organisation.identifier_")),
                and_(col(AuditEvent.entity) == "user", col(AuditEvent.entity_id).in_(list(accounts)),
                     col(AuditEvent.action).in_(_ACCOUNT_ACTIONS)),
            )
        )
        .order_by(col(AuditEvent.id))
    ).all()  # fmt: skip
    names = dict(session.exec(select(User.id, User.name).where(
        col(User.id).in_({e.actor_id for e in events if e.actor_id is not None}))).all())  # fmt: skip
    return [Line(e.occurred_at, _register_who(e, names), _register_what(e, accounts), e.reason, "register")
            for e in events]  # fmt: skip


def _register_who(event: AuditEvent, names: dict[int | None, str]) -> str:
    if event.actor_id is not None and event.actor_id in names:
        return names[event.actor_id]
    if event.actor.startswith("cli"):
        return "An operator, from the command line"
    if event.actor == "register sign-up form":
        return "The sign-up form"
    return "tenderscore"


def _register_what(event: AuditEvent, accounts: dict[str, str]) -> str:
    after, before = event.after or {}, event.before or {}
    words = _REGISTER_WORDS.get(event.action, event.action.replace(".", " ").replace("_", " ").capitalize())
    if event.action == "register.joined" and after.get("source"):
        return f"{words} ({after['source']})"
    if event.action == "register.verified":
        return f"{words}, lapsing on {_day(after.get('expires_at'))}: “{after.get('reason', '')}”"
    if event.action == "register.verification_ended":
        return f"{words}: “{after.get('reason', '')}”"
    if event.action in _ACCOUNT_ACTIONS:
        return f"{words}: {accounts.get(event.entity_id, 'a partner account')}"
    if event.action.startswith("organisation.identifier_"):
        return f"{words}: {after.get('identifier') or before.get('identifier')}"
    if event.action == "register.updated":
        changed = [key.replace("_", " ") for key in ("name", "identifiers", "legal_form", "services", "areas",
                   "website", "contact_email") if before.get(key) != after.get(key) and key in before]  # fmt: skip
        return f"{words}: {', '.join(changed)}" if changed else words
    return words


def _day(value: object) -> str:
    if isinstance(value, str):
        try:
            return uk_date(date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value))
        except ValueError:
            return value
    return "an unknown day"
