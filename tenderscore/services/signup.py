"""A VCSE organisation signs itself up to the register (docs/register.md, "Signing up").

The one door anyone may use without an account. It creates, in one transaction or not at all: the organisation
(kind VCSE) with its identifiers, its register entry (unverified, source "signed up"), and an account for the person
signing up (role partner, no password yet), whom it emails an invitation link to choose a password
(services/invitations.py). The entry is "registered but unverified" until a buyer's officer or commissioner verifies
it against evidence; the email says so.

Every problem is reported at once, duplicates included: an identifier another organisation holds (naming it), an
organisation of the same name (both are on the register, which is no secret).

An email address that already has an account is never reported on the form: the form is open to anyone, and saying
so would let a stranger test which addresses have tenderscore accounts (officers, evaluators, bidders). When
everything else is right, nothing is stored and the address's owner is emailed instead (``_taken_email``): it
already has an account, nothing was registered, and how to sign in or sign up with another address. The page answers
exactly as for a sign-up that went through (``Received``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tenderscore.core.orgid import OrgId
from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import Organisation, RegisterEntry, Role, User
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, audit, identifiers, invitations, limits, mail, register
from tenderscore.services.errors import Invalid, Problems, ServiceError

ACTOR = "register sign-up form"
SOURCE = "signed up"
# The form's fields in page order: the error summary lists problems in this order (GOV.UK).
FIELDS = ("name", "identifiers", "legal_form", "services", "areas", "description", "website", "contact_email",
          "person_name", "person_email")  # fmt: skip


@dataclass(frozen=True)
class SignUp:
    """What the sign-up form sends: the organisation's entry, and the person who will answer for it."""

    details: register.EntryDetails
    person_name: object
    person_email: object


@dataclass(frozen=True)
class Received:
    """What the page may say of a sign-up: the organisation named and the address written to. The same whether it
    was registered or the address already had an account (then ``entry`` is None and nothing was stored)."""

    organisation: str
    email: str
    entry: RegisterEntry | None


def _as(field: str, check: Callable[[], str]) -> Callable[[], str]:
    """``check`` with its refusal moved onto ``field`` (the account's ``email`` is the form's ``person_email``)."""

    def moved() -> str:
        try:
            return check()
        except ServiceError as exc:
            words = exc.problems[0][1]
            raise ServiceError(f"{field}: {words[:1].lower()}{words[1:]}", field=field) from None

    return moved


def _order(field: str) -> int:
    base = field.split("[", 1)[0]
    return FIELDS.index(base) if base in FIELDS else len(FIELDS)


def sign_up(session: Session, links: invitations.Links, form: SignUp, *, now: datetime | None = None) -> Received:
    """Put a VCSE organisation on the register, unverified, with an account for the person signing it up, and email
    them a link to choose a password. ``Invalid`` with every problem (nothing stored) otherwise; when the only thing
    wrong is an address that already has an account, nothing is stored and its owner is emailed (module docstring)."""
    problems = Problems()
    checked = problems.check(lambda: register.checked_details(form.details))
    person_name = problems.check(_as("person_name", lambda: accounts.checked_name(form.person_name)))
    person_email = problems.check(_as("person_email", lambda: accounts.well_formed_email(form.person_email)))
    _duplicates(session, form.details, problems)
    if problems.found:
        raise Invalid(sorted(problems.found, key=lambda p: _order(p[0])))
    assert checked is not None and person_name is not None and person_email is not None
    existing = accounts.holder(session, person_email)
    if existing is not None:
        if existing.active:
            audit.record(session, ACTOR, "register.sign_up_address_taken", "user", existing.id,
                         after={"organisation": checked.name})  # fmt: skip
            mail.queue(session, _taken_email(session, existing, checked.name, links, now))
        return Received(checked.name, person_email, None)
    entry = register.join(session, ACTOR, checked, source=SOURCE)
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None
    person = accounts.create_user(session, email=person_email, name=person_name, password=None, role=Role.PARTNER,
                                  organisation=org, actor=ACTOR)  # fmt: skip
    audit.record(session, ACTOR, "register.signed_up", "register_entry", entry.id,
                 after={"organisation": org.name, "person": person.email,
                        "identifiers": [str(i) for i in checked.identifiers]})  # fmt: skip
    mail.queue(session, _email(person, org, checked.identifiers, links, now))
    return Received(org.name, person.email, entry)


def _duplicates(session: Session, details: register.EntryDetails, problems: Problems) -> None:
    """Identifiers another organisation holds, and a name another organisation has (each only when it reads)."""
    try:
        typed: list[OrgId] = identifiers.parse_all(details.identifiers or [])
    except ServiceError:
        typed = []  # checked_details has said what is wrong with them
    held = identifiers.holders(session, typed)
    for i, orgid in enumerate(typed):
        if orgid in held:
            problems.add(
                f"identifiers[{i}]",
                f"{orgid} already belongs to {held[orgid].name}, which is already known to tenderscore. If that is "
                "your organisation, ask a buyer's procurement officer to give you an account for it instead of "
                "signing up again",
            )
    try:
        name = limits.written(details.name, "name", "the name", maximum=limits.NAME_MAX, single_line=True)
    except ServiceError:
        return
    if session.exec(select(Organisation).where(Organisation.name == name)).first() is not None:
        problems.add(
            "name",
            f"An organisation called {name} already exists. If it is yours, ask a buyer's procurement officer to "
            "give you an account for it; otherwise give your organisation's registered name",
        )


def _email(
    person: User, org: Organisation, ids: list[OrgId], links: invitations.Links, now: datetime | None
) -> mail.Message:
    expires = uk_time((now or utcnow()) + invitations.MAX_AGE[invitations.INVITATION])
    body = (
        f"Dear {person.name},\n\n"
        f"{org.name} ({', '.join(str(i) for i in ids)}) is now on tenderscore's register of voluntary, community "
        "and social enterprise (VCSE) organisations, as registered but not yet verified.\n\n"
        "To set up your account, choose a password by following this link:\n\n"
        f"{links.link(invitations.INVITATION, person)}\n\n"
        f"The link works once, and only until {expires} (UK time). If it has expired, use 'Forgotten your "
        "password?' on the sign-in page with this email address.\n\n"
        "What happens next: a procurement officer or commissioner at one of the buyers using tenderscore will "
        "verify your entry against evidence, such as your entry on the register your identifier comes from and "
        "your governing document, and record why. Until then your entry shows as 'registered but unverified', and "
        "tenders that count only verified VCSE partners will not count your part in a bid. A verification lapses, "
        "usually after a year, and is then renewed the same way.\n\n"
        "Once signed in you can keep your entry up to date, and you will be asked to confirm your role and value "
        "in any bid that names you as a partner.\n\n"
        "If you did not sign up, you can ignore this email: nobody can use the account until a password has been "
        "chosen on the link.\n"
    )
    return mail.Message(to=person.email, subject=f"{org.name} is on the VCSE register: choose your password",
                        body=body, purpose="register_sign_up")  # fmt: skip


def _taken_email(
    session: Session, person: User, organisation: str, links: invitations.Links, now: datetime | None
) -> mail.Message:
    """To the owner of an address someone signed up with: it already has an account, so nothing was registered."""
    account = invitations.role_words(person, session.get(Organisation, person.organisation_id))
    expires = uk_time((now or utcnow()) + invitations.MAX_AGE[invitations.PASSWORD_RESET])
    body = (
        f"Dear {person.name},\n\n"
        f"Someone, perhaps you, tried to put {organisation} on tenderscore's register of voluntary, community and "
        "social enterprise (VCSE) organisations, giving this email address for the person who will answer for it.\n\n"
        f"This address already has a tenderscore account, as {account}, and one address is one account, so "
        f"nothing was registered: {organisation} is not on the register.\n\n"
        "If it was you:\n"
        f"- if {organisation} is the organisation your account is for, sign in instead: you can keep its entry up to "
        "date from your dashboard;\n"
        f"- otherwise, sign up again giving another email address for the person who will answer for {organisation}."
        "\n\n"
        "If you have forgotten your password, choose a new one by following this link:\n\n"
        f"{links.link(invitations.PASSWORD_RESET, person)}\n\n"
        f"The link works once, and only until {expires} (UK time).\n\n"
        "If it was not you, you can ignore this email: nothing has changed.\n"
    )
    return mail.Message(to=person.email, subject=f"{organisation} was not registered: this address has an account",
                        body=body, purpose="register_sign_up")  # fmt: skip
