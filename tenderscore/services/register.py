"""The VCSE register (docs/register.md): entries, their services and areas, verification, and standings.

The one home for "what does the register say about this organisation (on this day)": the self-check, the
evaluation, the reports, the API and the commissioner's page all ask ``standings``. Verification is the buyer's
recorded judgement on named evidence; it lapses on its expiry date and can be ended early with a reason, and
neither is ever rewritten, so the standing on any past day can be reconstructed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from tenderscore.core.orgid import OrgId
from tenderscore.core.register import AREAS, LEGAL_FORMS, SERVICES, Standing, standing_at
from tenderscore.core.register import Verification as Span
from tenderscore.core.ukdates import UK, uk_date
from tenderscore.db.models import (
    Organisation,
    OrganisationKind,
    RegisterEntry,
    RegisterOffer,
    Role,
    User,
    Verification,
    id_of,
)
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, audit, identifiers, limits
from tenderscore.services.errors import Conflict, Forbidden, NotFound, Problems, ServiceError, StaleRecord

VERIFIERS = (Role.OFFICER, Role.COMMISSIONER)
DEFAULT_VALIDITY = timedelta(days=365)  # a verification lapses after a year unless the verifier says otherwise
MAX_VALIDITY = timedelta(days=3 * 366)
MAX_IDENTIFIERS = 20  # more than any organisation has: a limit on what a form or a file can make us store


@dataclass(frozen=True)
class EntryDetails:
    """What an organisation says of itself on the register, as typed (checked by ``checked_details``)."""

    name: object
    identifiers: object  # text, one per line or comma-separated, or a list
    legal_form: object
    services: Sequence[object] = ()
    areas: Sequence[object] = ()
    description: object = ""
    website: object = ""
    contact_email: object = ""


@dataclass(frozen=True)
class Checked:
    name: str
    identifiers: list[OrgId]
    legal_form: str
    services: list[str]
    areas: list[str]
    description: str
    website: str
    contact_email: str


@dataclass(frozen=True)
class Listing:
    """One register entry as pages and the API show it, with its standing now."""

    entry: RegisterEntry
    organisation: Organisation
    identifiers: list[OrgId]
    services: list[str]
    areas: list[str]
    standing: Standing
    verification: Verification | None  # the one in force, or the latest
    verifications: list[Verification] = field(default_factory=list)


def checked_details(details: EntryDetails) -> Checked:
    """Every problem with ``details`` at once (``Invalid``), or the details checked and normalised."""
    problems = Problems()
    name = problems.check(
        lambda: limits.written(
            details.name, "name", "the organisation's name", maximum=limits.NAME_MAX, single_line=True
        )
    )
    found = problems.check(lambda: identifiers.parse_all(details.identifiers or []))
    if found is not None and not found:
        problems.add("identifiers", "Enter at least one identifier, such as GB-CHC-1123456")
    elif found is not None and len(found) > MAX_IDENTIFIERS:
        problems.add("identifiers", f"An organisation has at most {MAX_IDENTIFIERS} identifiers: give those it uses")
        found = None
    legal_form = str(details.legal_form or "")
    if legal_form not in LEGAL_FORMS:
        problems.add("legal_form", "Choose the organisation's legal form")
    services = _codes(problems, "services", details.services, SERVICES, "service")
    areas = _codes(problems, "areas", details.areas, AREAS, "area")
    description = problems.check(
        lambda: limits.written(
            details.description or "",
            "description",
            "what the organisation does",
            maximum=limits.STATEMENT_MAX,
            required=False,
        )
    )
    website = problems.check(lambda: _website(details.website))
    email = ""
    if details.contact_email:
        email = problems.check(lambda: _email(details.contact_email)) or ""
    problems.raise_any()
    assert name is not None and found is not None and description is not None and website is not None
    return Checked(name, found, legal_form, services, areas, description, website, email)


def _codes(problems: Problems, name: str, given: Sequence[object], known: dict[str, str], what: str) -> list[str]:
    codes = [str(c).strip() for c in (given or []) if str(c).strip()]
    unknown = [c for c in codes if c not in known]
    if unknown:
        problems.add(
            name,
            f"{', '.join(repr(c) for c in unknown)} {'is not a' if len(unknown) == 1 else 'are not'} known {what}"
            f"{'' if len(unknown) == 1 else 's'}: choose from {', '.join(known)}",
        )
    elif not codes:
        problems.add(name, f"Choose at least one {what}")
    return list(dict.fromkeys(codes))


def _website(value: object) -> str:
    text = limits.written(value or "", "website", "the website", maximum=300, required=False, single_line=True)
    if text and not text.startswith(("https://", "http://")):
        raise ServiceError("website: enter the full address, starting https://", field="website")
    return text


def _email(value: object) -> str:
    text = accounts.normalise_email(value) if isinstance(value, str) else ""
    if not accounts.looks_like_email(text):
        raise ServiceError(
            "contact_email: enter an email address in the correct format, like name@example.org", field="contact_email"
        )
    return text


def join(
    session: Session, actor: User | str, checked: Checked, *, source: str, organisation: Organisation | None = None
) -> RegisterEntry:
    """Put an organisation on the register (new unless ``organisation`` is given), unverified. Identifiers another
    organisation holds are refused, naming it: an organisation is registered once."""
    identifiers.check_free(session, checked.identifiers, own=organisation.id if organisation else None)
    if organisation is None:
        if session.exec(select(Organisation).where(Organisation.name == checked.name)).first() is not None:
            raise Conflict(
                f"name: an organisation called {checked.name} already exists; if it is yours, ask "
                "the register's officers to add it, or give your registered name",
                field="name",
            )
        organisation = accounts.create_organisation(session, name=checked.name, kind=OrganisationKind.VCSE, actor=actor)
    elif entry_of(session, id_of(organisation)) is not None:
        raise ServiceError(f"{organisation.name} is already on the register")
    identifiers.add(session, actor, organisation, checked.identifiers)
    entry = RegisterEntry(
        organisation_id=id_of(organisation),
        legal_form=checked.legal_form,
        description=checked.description,
        website=checked.website,
        contact_email=checked.contact_email,
        source=source[:200],
    )
    session.add(entry)
    session.flush()
    _set_offers(session, entry, checked)
    audit.record(session, actor, "register.joined", "register_entry", entry.id, after=_facts(entry, checked))
    return entry


def update(session: Session, actor: User, entry_id: int, checked: Checked, *, version: int) -> RegisterEntry:
    """Change what an entry says (its own partners, or an officer); identifiers are added, never silently
    dropped. Refused if someone else saved it since ``version`` was read."""
    entry = get_entry(session, entry_id)
    if not may_edit(actor, entry):
        raise Forbidden("Only the organisation itself or a buyer's officer can change its register entry")
    if entry.version != version:
        raise StaleRecord(
            "version: someone else changed this entry since you opened it: reload it and make your change again",
            field="version",
        )
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None
    before = _facts(entry, None)
    identifiers.add(session, actor, org, checked.identifiers)
    org.name = checked.name
    entry.legal_form, entry.description = checked.legal_form, checked.description
    entry.website, entry.contact_email = checked.website, checked.contact_email
    entry.version += 1
    session.add_all([org, entry])
    _set_offers(session, entry, checked)
    audit.record(
        session, actor, "register.updated", "register_entry", entry.id, before=before, after=_facts(entry, checked)
    )
    return entry


def _set_offers(session: Session, entry: RegisterEntry, checked: Checked) -> None:
    for old in session.exec(select(RegisterOffer).where(RegisterOffer.entry_id == id_of(entry))).all():
        session.delete(old)
    session.flush()
    for facet, codes in (("service", checked.services), ("area", checked.areas)):
        session.add_all(RegisterOffer(entry_id=id_of(entry), facet=facet, code=code) for code in codes)
    session.flush()


def _facts(entry: RegisterEntry, checked: Checked | None) -> dict[str, object]:
    facts: dict[str, object] = {
        "legal_form": entry.legal_form,
        "website": entry.website,
        "contact_email": entry.contact_email,
        "source": entry.source,
    }
    if checked is not None:
        facts |= {
            "name": checked.name,
            "identifiers": [str(i) for i in checked.identifiers],
            "services": checked.services,
            "areas": checked.areas,
        }
    return facts


def may_edit(actor: User, entry: RegisterEntry) -> bool:
    return actor.role in VERIFIERS or (actor.role == Role.PARTNER and actor.organisation_id == entry.organisation_id)


def may_see_evidence(actor: User, entry: RegisterEntry) -> bool:
    """Verification evidence and reasons: the buyers who verify, and the organisation itself."""
    return may_edit(actor, entry)


def get_entry(session: Session, entry_id: int) -> RegisterEntry:
    entry = session.get(RegisterEntry, entry_id)
    if entry is None:
        raise NotFound(f"No register entry {entry_id}")
    return entry


def entry_of(session: Session, organisation_id: int) -> RegisterEntry | None:
    return session.exec(select(RegisterEntry).where(RegisterEntry.organisation_id == organisation_id)).first()


# --- verification ------------------------------------------------------------------------------------------------


def verify(
    session: Session,
    actor: User,
    entry_id: int,
    *,
    evidence: object,
    reason: object,
    expires_on: datetime | None = None,
    now: datetime | None = None,
) -> Verification:
    """Record ``actor``'s judgement that the entry is a VCSE, on named evidence, until ``expires_on`` (a year by
    default, at most three). A verification in force is replaced: it ends now, saying so."""
    if actor.role not in VERIFIERS:
        raise Forbidden("Only a buyer's officer or commissioner can verify a register entry")
    entry = get_entry(session, entry_id)
    now = now or utcnow()
    seen, why, until = checked_verification(evidence, reason, expires_on, now=now)
    for current in _in_force(session, id_of(entry), now):
        _end(session, actor, current, now, "replaced by a new verification")
    verification = Verification(
        entry_id=id_of(entry),
        verified_by_id=id_of(actor),
        verified_at=now,
        evidence=seen,
        reason=why,
        expires_at=until,
    )
    session.add(verification)
    session.flush()
    audit.record(
        session,
        actor,
        "register.verified",
        "register_entry",
        entry.id,
        after={"verification": verification.id, "evidence": seen, "reason": why, "expires_at": until.isoformat()},
    )
    return verification


def checked_verification(
    evidence: object, reason: object, expires_on: datetime | None, *, now: datetime, names: dict[str, str] | None = None
) -> tuple[str, str, datetime]:
    """The evidence, the reason and the moment a verification made ``now`` lapses (a year on by default, at most
    three), checked; ``Invalid`` with every problem otherwise. ``names`` renames the fields (a CSV's columns)."""
    name = {"evidence": "evidence", "reason": "reason", "expires_on": "lapses_on", **(names or {})}
    problems = Problems()
    seen = problems.check(
        lambda: limits.written(
            evidence,
            name["evidence"],
            "the evidence you checked (for example the Charity Commission entry and the governing document)",
            maximum=limits.STATEMENT_MAX,
        )
    )
    why = problems.check(
        lambda: limits.written(reason, name["reason"], "why this evidence shows a VCSE", maximum=limits.STATEMENT_MAX)
    )
    until = expires_on or now + DEFAULT_VALIDITY
    if until <= now:
        problems.add(name["expires_on"], "The verification must lapse on a day after today")
    elif until > now + MAX_VALIDITY:
        problems.add(name["expires_on"], "A verification can last at most three years: choose an earlier date")
    problems.raise_any()
    assert seen is not None and why is not None
    return seen, why, until


def end_verification(session: Session, actor: User, entry_id: int, *, reason: object) -> Verification:
    """End the verification in force (the evidence was wrong, the organisation changed); the reason is kept."""
    if actor.role not in VERIFIERS:
        raise Forbidden("Only a buyer's officer or commissioner can end a verification")
    entry = get_entry(session, entry_id)
    why = limits.written(reason, "reason", "why the verification ends", maximum=limits.STATEMENT_MAX)
    current = _in_force(session, id_of(entry), utcnow())
    if not current:
        raise ServiceError("This entry has no verification in force to end")
    for verification in current:
        _end(session, actor, verification, utcnow(), why)
    return current[-1]


def _end(session: Session, actor: User, verification: Verification, at: datetime, reason: str) -> None:
    verification.ended_at, verification.ended_by_id, verification.end_reason = at, id_of(actor), reason
    session.add(verification)
    session.flush()
    audit.record(
        session,
        actor,
        "register.verification_ended",
        "register_entry",
        verification.entry_id,
        before={"verification": verification.id},
        after={"reason": reason},
    )


def _in_force(session: Session, entry_id: int, at: datetime) -> list[Verification]:
    rows = session.exec(select(Verification).where(Verification.entry_id == entry_id)).all()
    return [v for v in rows if _span(v).in_force(at)]


def _span(v: Verification) -> Span:
    return Span(v.verified_at, v.expires_at, v.ended_at)


# --- standings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What the register says of one identifier at a moment."""

    orgid: OrgId
    standing: Standing
    organisation: Organisation | None
    entry: RegisterEntry | None


def standings(session: Session, orgids: Iterable[OrgId], *, at: datetime | None = None) -> dict[OrgId, Found]:
    """The register standing of each identifier at ``at`` (now by default), in three queries whatever the count.

    An identifier held by an organisation that is not on the register is ``unknown`` like one nobody holds: the
    register, not the identifier, makes a partner known.
    """
    book = standing_book(session, orgids)
    moment = at or utcnow()
    return {orgid: book.at(orgid, moment) for orgid in book.orgids}


@dataclass(frozen=True)
class StandingBook:
    """What the register holds for some identifiers, read once, to answer their standing at any moment."""

    orgids: list[OrgId]
    held: dict[OrgId, Organisation]
    entries: dict[int, RegisterEntry]  # by organisation id
    spans: dict[int, list[Span]]  # by entry id

    def at(self, orgid: OrgId, moment: datetime) -> Found:
        org = self.held.get(orgid)
        entry = self.entries.get(id_of(org)) if org is not None else None
        if entry is None:
            return Found(orgid, Standing.UNKNOWN, org, None)
        return Found(orgid, standing_at(entry.joined_at, self.spans.get(id_of(entry), []), moment), org, entry)


def standing_book(session: Session, orgids: Iterable[OrgId]) -> StandingBook:
    """Read the register for ``orgids`` in three queries, whatever their count, for standings at any moment."""
    wanted = list(dict.fromkeys(orgids))
    held = identifiers.holders(session, wanted)
    org_ids = {id_of(org) for org in held.values()}
    entries: dict[int, RegisterEntry] = {}
    if org_ids:
        query = select(RegisterEntry).where(col(RegisterEntry.organisation_id).in_(org_ids))
        entries = {e.organisation_id: e for e in session.exec(query).all()}
    return StandingBook(wanted, held, entries, _spans(session, [id_of(e) for e in entries.values()]))


def _spans(session: Session, entry_ids: list[int]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = defaultdict(list)
    if entry_ids:
        for v in session.exec(select(Verification).where(col(Verification.entry_id).in_(entry_ids))).all():
            spans[v.entry_id].append(_span(v))
    return spans


# --- reading the register ----------------------------------------------------------------------------------------


def search(
    session: Session,
    *,
    service: str = "",
    area: str = "",
    text: str = "",
    standing: Standing | None = None,
    limit: int = 200,
) -> list[Listing]:
    """Register entries offering ``service`` in ``area`` (either may be blank), whose name or identifier contains
    ``text``, of one ``standing`` if given, verified first then by name. A fixed number of queries whatever the
    register's size."""
    query = select(RegisterEntry, Organisation).join(
        Organisation, col(Organisation.id) == col(RegisterEntry.organisation_id)
    )
    for facet, code in (("service", service), ("area", area)):
        if code:
            query = query.where(
                col(RegisterEntry.id).in_(
                    select(RegisterOffer.entry_id).where(RegisterOffer.facet == facet, RegisterOffer.code == code)
                )
            )
    rows = session.exec(query.order_by(col(Organisation.name))).all()
    listings = _listings(session, rows)
    needle = text.strip().lower()
    if needle:
        listings = [
            item
            for item in listings
            if needle in item.organisation.name.lower() or any(needle in str(i).lower() for i in item.identifiers)
        ]
    if standing is not None:
        listings = [item for item in listings if item.standing is standing]
    listings.sort(key=lambda item: (item.standing is not Standing.VERIFIED, item.organisation.name.lower()))
    return listings[:limit]


def listing(session: Session, entry_id: int) -> Listing:
    entry = get_entry(session, entry_id)
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None
    return _listings(session, [(entry, org)])[0]


def listing_of(session: Session, organisation_id: int) -> Listing | None:
    entry = entry_of(session, organisation_id)
    return listing(session, id_of(entry)) if entry is not None else None


def _listings(session: Session, rows: Sequence[tuple[RegisterEntry, Organisation]]) -> list[Listing]:
    if not rows:
        return []
    entry_ids = [id_of(e) for e, _ in rows]
    offers: dict[tuple[int, str], list[str]] = defaultdict(list)
    for offer in session.exec(
        select(RegisterOffer).where(col(RegisterOffer.entry_id).in_(entry_ids)).order_by(col(RegisterOffer.id))
    ).all():
        offers[(offer.entry_id, offer.facet)].append(offer.code)
    verifications: dict[int, list[Verification]] = defaultdict(list)
    for v in session.exec(
        select(Verification).where(col(Verification.entry_id).in_(entry_ids)).order_by(col(Verification.verified_at))
    ).all():
        verifications[v.entry_id].append(v)
    held = identifiers.of(session, [id_of(o) for _, o in rows])
    now = utcnow()
    result = []
    for entry, org in rows:
        mine = verifications.get(id_of(entry), [])
        standing = standing_at(entry.joined_at, [_span(v) for v in mine], now)
        current = next((v for v in reversed(mine) if _span(v).in_force(now)), mine[-1] if mine else None)
        result.append(
            Listing(
                entry,
                org,
                held.get(id_of(org), []),
                offers.get((id_of(entry), "service"), []),
                offers.get((id_of(entry), "area"), []),
                standing,
                current,
                mine,
            )
        )
    return result


# --- lapse dates and the words for a standing ---------------------------------------------------------------------


def lapse_moment(day: date) -> datetime:
    """When a verification that "lapses on ``day``" stops being in force: the start of that day, UK time."""
    return datetime(day.year, day.month, day.day, tzinfo=UK).astimezone(UTC)


def default_lapse_day(now: datetime | None = None) -> date:
    """The day a verification made now lapses unless the verifier says otherwise: a year on, UK time."""
    return ((now or utcnow()) + DEFAULT_VALIDITY).astimezone(UK).date()


def lapse_day(value: object, field: str = "lapses_on") -> date:
    """A day as ``YYYY-MM-DD`` (a CSV cell, an API field, a date input's boxes joined); ``ServiceError`` otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ServiceError(f"{field}: enter the date the verification lapses", field=field)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ServiceError(
            f"{field}: {text!r} is not a real date; write it as YYYY-MM-DD, for example 2027-12-31", field=field
        ) from None


def standing_words(item: Listing, at: datetime | None = None) -> str:
    """The standing as a page says it: "verified VCSE, lapses on 2 December 2027", "registered — verification
    lapsed on 1 May 2026" (or "ended on"), or "registered but unverified"."""
    at = at or utcnow()
    latest = item.verification
    if item.standing is Standing.VERIFIED and latest is not None:
        return f"verified VCSE, lapses on {uk_date(latest.expires_at)}"
    if item.standing is Standing.REGISTERED and latest is not None:
        if latest.ended_at is not None and latest.ended_at < latest.expires_at:
            return f"registered — verification ended on {uk_date(latest.ended_at)}"
        if latest.expires_at <= at:
            return f"registered — verification lapsed on {uk_date(latest.expires_at)}"
    return item.standing.words


def remove_identifier(session: Session, actor: User, entry_id: int, value: object) -> OrgId:
    """Take a mistyped identifier off an entry (its own partner users or an officer); an entry keeps at least one."""
    entry = get_entry(session, entry_id)
    if not may_edit(actor, entry):
        raise Forbidden("Only the organisation itself or a buyer's officer can change its register entry")
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None
    return identifiers.remove_checked(session, actor, org, value, on_register=True)


@dataclass(frozen=True)
class VerificationLine:
    """One verification as its history shows it, with the names of who verified it and who ended it."""

    verification: Verification
    verified_by: str
    ended_by: str
    in_force: bool
    lapsed: bool  # ran to its date (not ended early) and the date has passed


def verification_history(session: Session, actor: User, entry_id: int) -> list[VerificationLine]:
    """Every verification of the entry, newest first, with its evidence and reasons: only for those who may see
    evidence (``may_see_evidence``); others see the standing and its date."""
    entry = get_entry(session, entry_id)
    if not may_see_evidence(actor, entry):
        raise Forbidden("Only buyers' officers and commissioners, and the organisation itself, see the evidence")
    rows = session.exec(
        select(Verification).where(Verification.entry_id == entry_id).order_by(col(Verification.verified_at).desc())
    ).all()
    who = {v.verified_by_id for v in rows} | {v.ended_by_id for v in rows if v.ended_by_id is not None}
    people = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(who))).all()}
    now = utcnow()
    return [
        VerificationLine(
            v,
            people.get(v.verified_by_id, "someone no longer known"),
            people.get(v.ended_by_id, "") if v.ended_by_id is not None else "",
            _span(v).in_force(now),
            (v.ended_at is None or v.ended_at >= v.expires_at) and v.expires_at <= now,
        )
        for v in rows
    ]


def awaiting_verification(session: Session, *, now: datetime | None = None) -> int:
    """How many entries have no verification in force (never verified, lapsed or ended): for the buyers who verify."""
    moment = now or utcnow()
    in_force = select(Verification.entry_id).where(
        col(Verification.verified_at) <= moment,
        col(Verification.expires_at) > moment,
        or_(col(Verification.ended_at).is_(None), col(Verification.ended_at) > moment),
    )
    query = select(func.count()).select_from(RegisterEntry).where(col(RegisterEntry.id).not_in(in_force))
    return int(session.exec(query).one())
