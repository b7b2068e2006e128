"""Invitations and password resets: a link by email that sets a person's password once, before it expires.

There is no self-registration for buyers and bidders: a buyer's commissioners and officers invite their own people,
and the bidders they want to hear from (naming the bidder's organisation). (A VCSE organisation signing itself up to
the register gets its partner account the same way: services/signup.py sends the invitation link.) The invited
account exists at once, active but with no usable password (``accounts.NO_PASSWORD``), so an officer can put an
invited evaluator on a panel straight away, and the account signs in nowhere until its owner has chosen a password
on the link. Deactivating it ends the link.

A link's token is signed with the app's secret key (itsdangerous, a salt per purpose, so an invitation is never a
reset link or the other way round) and carries the user's id and *session epoch*. Setting a password raises the
epoch (``accounts.set_password``), and so do deactivation and signing out, so a link works once and every link sent
before then stops working; no table of tokens is kept. It also expires: an invitation after 7 days, a reset after
an hour. Following a link shows the form; only choosing a password uses it (mail scanners that open links use
nothing up).

A reset asked for an email nobody has, or a deactivated person's, sends nothing and answers exactly like one that
sent a link, so the form tells nobody which emails have accounts. An invited person who asks for a reset gets a
link that works like their invitation.

Tokens and links go only into the email (services/mail.py): never into the audit record, never into a log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from tenderscore.core.ukdates import uk_time
from tenderscore.db.models import Organisation, OrganisationKind, Role, User
from tenderscore.db.types import utcnow
from tenderscore.services import accounts, audit, limits, mail, register
from tenderscore.services.errors import Forbidden, NotFound, Problems, ServiceError

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
MAX_AGE = {INVITATION: timedelta(days=7), PASSWORD_RESET: timedelta(hours=1)}
_SALT = {INVITATION: "tenderscore.invitation", PASSWORD_RESET: "tenderscore.password-reset"}
ROLE_NAMES = {
    Role.COMMISSIONER: "a commissioner",
    Role.OFFICER: "a procurement officer",
    Role.EVALUATOR: "an evaluator",
    Role.BIDDER: "a bidder",
    Role.PARTNER: "a VCSE partner",
}


@dataclass(frozen=True)
class Links:
    """What the services need from the web to write a link: the app's secret key, and how a token becomes the
    absolute address a person follows (the service's address, SERVICE_URL, and the page for the purpose)."""

    secret_key: str
    url: Callable[[str, str], str]  # (purpose, token) -> "https://tenderscore.example/invitation/<token>"

    def token(self, purpose: str, user: User) -> str:
        return _serializer(self.secret_key, purpose).dumps({"user": user.id, "epoch": user.session_epoch})

    def link(self, purpose: str, user: User) -> str:
        return self.url(purpose, self.token(purpose, user))


class LinkNotValid(NotFound):
    """A link that cannot be used: ``why`` is "expired", "used" (or replaced by a newer one) or "invalid"."""

    def __init__(self, purpose: str, why: str) -> None:
        self.purpose = purpose
        self.why = why
        words = {
            "expired": "This link has expired",
            "used": "This link has already been used, or a newer one has been sent",
            "invalid": "This link is not valid",
        }[why]
        super().__init__(words)


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT[purpose])


def _expires(purpose: str, now: datetime | None = None) -> str:
    return uk_time((now or utcnow()) + MAX_AGE[purpose])


# --- inviting ----------------------------------------------------------------------------------------------------


def _supplier(session: Session, actor: User, name: object) -> Organisation:
    """The bidder's organisation: an existing supplier or VCSE organisation of that exact name, or a new supplier.
    Never a buyer: nobody is invited into another buyer's organisation (or, as a bidder, into their own)."""
    text = limits.written(
        name, "organisation", "the name of the bidder's organisation", maximum=limits.NAME_MAX, single_line=True
    )
    found = session.exec(select(Organisation).where(Organisation.name == text)).first()
    if found is not None and found.kind == OrganisationKind.BUYER:
        raise ServiceError(
            f"organisation: {text} is a buyer, not a bidder's organisation; enter the name of the organisation "
            "that will bid",
            field="organisation",
        )
    return found or accounts.organisation_named(session, text, kind=OrganisationKind.SUPPLIER, actor=actor)


def invite(
    session: Session,
    actor: User,
    links: Links,
    *,
    email: str,
    name: str,
    role: str,
    organisation: str = "",
    now: datetime | None = None,
) -> User:
    """Create the account of someone ``actor`` invites, and email them a link to choose their password.

    A commissioner or officer invites commissioners, officers and evaluators into their own organisation, and
    bidders into the bidder's organisation they name (created if new). Every problem is reported at once.
    """
    if actor.role not in accounts.MANAGERS:
        raise Forbidden("Only a commissioner or officer can invite people")
    problems = Problems()  # in the order the invitation form asks (GOV.UK: the summary follows the page)
    problems.check(lambda: accounts.checked_name(name))
    problems.check(lambda: accounts.checked_email(session, email))
    if role not in tuple(Role):
        problems.add("role", "Choose the person's role")
    elif role == Role.PARTNER:
        problems.add("role", "A VCSE organisation's people are given accounts from its entry on the VCSE register")
    org: Organisation | None = None
    if role == Role.BIDDER:
        org = problems.check(lambda: _supplier(session, actor, organisation))
    else:
        org = session.get(Organisation, actor.organisation_id)
    problems.raise_any()
    assert org is not None
    user = accounts.create_user(
        session, email=email, name=name, password=None, role=role, organisation=org, actor=actor
    )
    audit.record(
        session,
        actor,
        "user.invited",
        "user",
        user.id,
        after={"email": user.email, "role": user.role, "organisation": org.name},
    )
    _send_invitation(session, actor, user, org, links, now)
    return user


def invite_partner(
    session: Session,
    actor: User,
    links: Links,
    entry_id: int,
    *,
    email: str,
    name: str,
    now: datetime | None = None,
) -> User:
    """An account for someone at a VCSE organisation on the register (to confirm the spend and the parts bids and
    returns name it for), invited by email: by a buyer's officer or commissioner, or by one of the organisation's
    own accounts (``register.may_edit``). An organisation added to the register by import, or by a buyer, has no
    account until then, and a partner it has none cannot answer."""
    entry = register.get_entry(session, entry_id)
    if not register.may_edit(actor, entry):
        raise Forbidden("Only a buyer's officer or commissioner, or the organisation itself, can give someone an "
                        "account for a register entry")  # fmt: skip
    problems = Problems()
    problems.check(lambda: accounts.checked_name(name))
    problems.check(lambda: accounts.checked_email(session, email))
    problems.raise_any()
    org = session.get(Organisation, entry.organisation_id)
    assert org is not None
    user = accounts.create_user(session, email=email, name=name, password=None, role=Role.PARTNER, organisation=org,
                                actor=actor)  # fmt: skip
    audit.record(session, actor, "user.invited", "user", user.id, after={
        "email": user.email, "role": user.role, "organisation": org.name, "register_entry": entry_id})  # fmt: skip
    _send_invitation(session, actor, user, org, links, now)
    return user


def partner_accounts(session: Session, actor: User, entry_id: int) -> list[User]:
    """The accounts of a register entry's organisation, for those who may give it one (``invite_partner``)."""
    entry = register.get_entry(session, entry_id)
    if not register.may_edit(actor, entry):
        raise Forbidden("Only a buyer's officer or commissioner, or the organisation itself, sees its accounts")
    return list(session.exec(select(User).where(User.organisation_id == entry.organisation_id,
                                                User.role == Role.PARTNER).order_by(User.name)).all())  # fmt: skip


def resend_invitation(
    session: Session, actor: User, user_id: int, links: Links, *, now: datetime | None = None
) -> User:
    """A new invitation link for someone of ``actor``'s organisation who has not chosen a password yet; the links
    sent before stop working."""
    user = accounts.manageable(session, actor, user_id)
    if accounts.status(user) != accounts.Status.INVITED:
        raise ServiceError(f"{user.name} is not waiting for an invitation ({accounts.status(user).lower()})")
    accounts.end_sessions(user)  # the earlier links carry the old epoch
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.invitation_resent", "user", user.id, after={"email": user.email})
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    _send_invitation(session, actor, user, org, links, now)
    return user


def role_words(user: User, org: Organisation | None) -> str:
    """"a procurement officer at Northshire Council", "a VCSE partner for Aldergate Trust"."""
    role = ROLE_NAMES.get(Role(user.role), str(user.role))
    if org is None:
        return role
    return f"{role} {'for' if user.role in (Role.BIDDER, Role.PARTNER) else 'at'} {org.name}"


def _send_invitation(
    session: Session, actor: User, user: User, org: Organisation, links: Links, now: datetime | None
) -> None:
    inviter_org = session.get(Organisation, actor.organisation_id)
    inviter = f"{actor.name} ({inviter_org.name})" if inviter_org is not None else actor.name
    body = (
        f"Dear {user.name},\n\n"
        f"{inviter} has invited you to use tenderscore as {role_words(user, org)}.\n\n"
        "To set up your account, choose a password by following this link:\n\n"
        f"{links.link(INVITATION, user)}\n\n"
        f"The link works once, and only until {_expires(INVITATION, now)} (UK time). If it has expired, ask "
        f"{actor.name} to send you a new invitation.\n\n"
        "Your email address is how you sign in. If you were not expecting this invitation, you can ignore this email: "
        "nobody can use the account until a password has been chosen on the link.\n"
    )
    mail.queue(session, mail.Message(to=user.email, subject="You have been invited to tenderscore", body=body,
                                     purpose="invitation"))  # fmt: skip


# --- following a link --------------------------------------------------------------------------------------------


def user_for_link(
    session: Session, purpose: str, token: str, secret_key: str, *, now: datetime | None = None
) -> User:
    """The person a link is for, if it can still be used; ``LinkNotValid`` saying why not otherwise."""
    if purpose not in _SALT or not token:
        raise LinkNotValid(purpose, "invalid")
    try:
        payload, issued = _serializer(secret_key, purpose).loads(token, return_timestamp=True)
    except BadSignature:
        raise LinkNotValid(purpose, "invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise LinkNotValid(purpose, "invalid")
    user = session.get(User, payload["user"])
    if user is None:
        raise LinkNotValid(purpose, "invalid")
    if (now or datetime.now(UTC)) - _aware(issued) > MAX_AGE[purpose]:
        raise LinkNotValid(purpose, "expired")
    if not user.active:
        raise LinkNotValid(purpose, "invalid")
    if payload.get("epoch") != user.session_epoch:
        raise LinkNotValid(purpose, "used")
    if purpose == INVITATION and accounts.has_password(user):
        raise LinkNotValid(purpose, "used")
    return user


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def use_link(
    session: Session, purpose: str, token: str, secret_key: str, password: str, *, now: datetime | None = None
) -> User:
    """Set the password of the person the link is for; the link (and every other link, session and API token of
    theirs) stops working. An invitation accepted is recorded as such."""
    user = user_for_link(session, purpose, token, secret_key, now=now)
    invited = accounts.status(user) == accounts.Status.INVITED
    accounts.set_password(
        session,
        user,
        password,
        actor=user,
        via="invitation link" if purpose == INVITATION else "password reset link",
    )
    if invited:
        audit.record(session, user, "user.invitation_accepted", "user", user.id)
    return user


# --- asking for a reset ------------------------------------------------------------------------------------------


def request_password_reset(session: Session, email: str, links: Links, *, now: datetime | None = None) -> None:
    """Email a reset link to the active person with this email, if there is one; otherwise do nothing. The caller
    answers the same either way, so nobody learns from it whether an email has an account."""
    text = accounts.normalise_email(email) if isinstance(email, str) else ""
    if not text:
        raise ServiceError("email: enter your email address", field="email")
    if len(text) > 254 or "@" not in text:
        raise ServiceError("email: enter an email address in the correct format, like name@example.org", field="email")
    user = accounts.holder(session, text)
    if user is None or not user.active:
        return
    audit.record(session, "password reset form", "user.password_reset_requested", "user", user.id)
    body = (
        f"Dear {user.name},\n\n"
        "Someone asked to reset the password of the tenderscore account for this email address. "
        "To choose a new password, follow this link:\n\n"
        f"{links.link(PASSWORD_RESET, user)}\n\n"
        f"The link works once, and only until {_expires(PASSWORD_RESET, now)} (UK time). Choosing a new password "
        "signs you out everywhere and stops your API token working.\n\n"
        "If you did not ask for this, you can ignore this email: your password has not changed.\n"
    )
    mail.queue(session, mail.Message(to=user.email, subject="Reset your tenderscore password", body=body,
                                     purpose="password_reset"))  # fmt: skip

