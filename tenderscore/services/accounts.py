"""Users, passwords and API tokens. One role per user; passwords hashed; tokens stored only as their SHA-256.

Who manages whom: the commissioners and officers of a buyer organisation manage its people (invite them, deactivate
them), never their own account and never another organisation's people; the operator does anything from the command
line. An invited person's account is active but has no usable password until they choose one on their invitation
link (services/invitations.py), so it signs in nowhere and its status reads "Invited".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from enum import StrEnum

from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from tenderscore.db.models import Nation, Organisation, OrganisationKind, Role, User, id_of
from tenderscore.services import audit, limits
from tenderscore.services.errors import Forbidden, NotFound, Problems, ServiceError

MIN_PASSWORD_LENGTH = 10
# The password "hash" of an invited person who has not chosen a password yet. It is not in werkzeug's
# "method$salt$hash" form, so check_password_hash never accepts anything against it.
NO_PASSWORD = "!invited: no password chosen yet"
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
MANAGERS = (Role.COMMISSIONER, Role.OFFICER)
# A hash to compare against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-anyone-has")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_password_rules(password: str, field: str = "password") -> None:
    if not isinstance(password, str) or not password:
        raise ServiceError(f"{field}: enter a password", field=field)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"{field}: the password must be at least {MIN_PASSWORD_LENGTH} characters", field=field)


class Status(StrEnum):
    ACTIVE = "Active"
    INVITED = "Invited"  # active, but no password chosen yet: cannot sign in until they follow their invitation
    DEACTIVATED = "Deactivated"


def has_password(user: User) -> bool:
    return user.password_hash != NO_PASSWORD


def status(user: User) -> Status:
    if not user.active:
        return Status.DEACTIVATED
    return Status.ACTIVE if has_password(user) else Status.INVITED


def looks_like_email(text: str) -> bool:
    """Whether normalised ``text`` is shaped like an email address (and short enough to be one)."""
    return 0 < len(text) <= 254 and bool(_EMAIL.fullmatch(text))


def well_formed_email(email: object) -> str:
    """``email`` normalised, if it looks like an address; otherwise a problem with ``email``. Whether anybody has it
    is not asked: the sign-up form must not tell a stranger which addresses have accounts (services/signup.py)."""
    text = normalise_email(email) if isinstance(email, str) else ""
    if not text:
        raise ServiceError("email: enter an email address", field="email")
    if not looks_like_email(text):
        raise ServiceError("email: enter an email address in the correct format, like name@example.org", field="email")
    return text


def holder(session: Session, email: str) -> User | None:
    """The account with the normalised address ``email``, if any."""
    return session.exec(select(User).where(User.email == email)).first()


def checked_email(session: Session, email: object) -> str:
    """``email`` normalised, if it looks like an address and nobody has it yet; otherwise a problem with ``email``.
    For people who manage accounts (an officer inviting a colleague), who are told when the address is taken."""
    text = well_formed_email(email)
    if holder(session, text) is not None:
        raise ServiceError(f"email: there is already a user with the email {text}", field="email")
    return text


def checked_name(name: object) -> str:
    return limits.written(name, "name", "the person's full name", maximum=limits.NAME_MAX, single_line=True)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    role: Role | str,
    organisation: Organisation,
    actor: User | str = "system",
) -> User:
    """Create a user with a hashed password; the email is unique regardless of case.

    ``password=None`` creates an invited person's account: it cannot sign in until a password is set.
    Every problem with what was given is reported at once.
    """
    problems = Problems()
    checked = problems.check(lambda: checked_email(session, email))
    clean_name = problems.check(lambda: checked_name(name))
    if password is not None:
        problems.check(lambda: _check_password_rules(password))
    if role not in tuple(Role):
        problems.add("role", "Choose a role")
    problems.raise_any()
    assert checked is not None and clean_name is not None
    role = Role(role)
    user = User(
        email=checked,
        name=clean_name,
        password_hash=generate_password_hash(password) if password is not None else NO_PASSWORD,
        role=role,
        organisation_id=id_of(organisation),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.created",
        "user",
        user.id,
        after={"email": user.email, "role": role, "organisation_id": user.organisation_id},
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (never saying which of the two was wrong)."""
    user = holder(session, normalise_email(email))
    if user is None or not user.active or not has_password(user):
        check_password_hash(_DUMMY_HASH, password)  # as slow as a real check: the answer's timing says nothing
        return None
    return user if check_password_hash(user.password_hash, password) else None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_api_token(session: Session, user: User) -> str:
    """A new bearer token for ``user``, replacing any earlier one. Shown once; only its digest is kept."""
    token = "ts_" + secrets.token_urlsafe(32)
    user.api_token_hash = token_digest(token)
    session.add(user)
    session.flush()
    audit.record(session, user, "user.api_token_issued", "user", user.id)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith("ts_"):
        return None
    user = session.exec(select(User).where(User.api_token_hash == token_digest(token))).first()
    return user if user is not None and user.active else None


def end_sessions(user: User) -> None:
    """Every session issued to ``user`` until now stops working (web/auth.py compares epochs on each request)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def sign_out(session: Session, user: User) -> None:
    """Sign ``user`` out everywhere: this browser's session and every other one issued before now.

    The API token is kept: it belongs to another system the user connected, not to a browser.
    """
    end_sessions(user)
    session.add(user)
    session.flush()
    audit.record(session, user, "user.signed_out", "user", user.id)


def set_password(
    session: Session, user: User, new: str, *, actor: User | str, field: str = "password", via: str | None = None
) -> None:
    """Replace the password; every session, the API token and every emailed link issued before it stop working.

    ``via`` says how, for the record ("invitation link", "password reset link"); the password itself never is.
    """
    _check_password_rules(new, field)
    user.password_hash = generate_password_hash(new)
    end_sessions(user)
    had_token = user.api_token_hash is not None
    user.api_token_hash = None
    session.add(user)
    session.flush()
    after: dict[str, object] = {"api_token_revoked": had_token}
    if via is not None:
        after["via"] = via
    audit.record(session, actor, "user.password_changed", "user", user.id, after=after)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user changes their own password, proving they know the current one."""
    problems = Problems()
    if not current:
        problems.add("current_password", "Enter your current password")
    elif not check_password_hash(user.password_hash, current):
        problems.add("current_password", "Your current password is not correct")
    if not new:
        problems.add("new_password", "Enter a new password")
    elif new == current:
        problems.add("new_password", "The new password must be different from the current one")
    else:
        problems.check(lambda: _check_password_rules(new, "new_password"))
    problems.raise_any()
    set_password(session, user, new, actor=user, field="new_password")


def _require_manager(actor: User) -> None:
    if actor.role not in MANAGERS:
        raise Forbidden("Only a commissioner or officer can manage their organisation's people")


def organisation_people(session: Session, actor: User) -> list[User]:
    """Everyone in ``actor``'s organisation, by name: what a commissioner or officer manages."""
    _require_manager(actor)
    return list(
        session.exec(
            select(User).where(User.organisation_id == actor.organisation_id).order_by(col(User.name), col(User.email))
        ).all()
    )


def manageable(session: Session, actor: User, user_id: int) -> User:
    """A person of ``actor``'s own organisation whom ``actor`` may manage (never themselves)."""
    _require_manager(actor)
    user = get_user(session, user_id)
    if user.organisation_id != actor.organisation_id:
        raise Forbidden("Only a commissioner or officer of the same organisation can manage this account")
    if user.id == actor.id:
        raise Forbidden("You cannot deactivate your own account: ask another commissioner or officer")
    return user


def deactivate(session: Session, actor: User | str, user_id: int) -> User:
    """Stop ``user_id`` signing in or using the API; their sessions, token and emailed links end at once.

    Operators deactivate from the command line (``actor`` a string such as "cli"); a person may deactivate only
    within their own organisation, only a commissioner or an officer may, and never their own account (so an
    organisation always keeps someone who manages it).
    """
    if isinstance(actor, User):
        if actor.role not in MANAGERS:
            raise Forbidden("Only a commissioner or officer of the same organisation can deactivate this account")
        user = manageable(session, actor, user_id)
    else:
        user = get_user(session, user_id)
    was_active = user.active
    user.active = False
    end_sessions(user)
    had_token = user.api_token_hash is not None
    user.api_token_hash = None
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.deactivated",
        "user",
        user.id,
        before={"active": was_active},
        after={"active": False, "api_token_revoked": had_token},
    )
    return user


def user_by_email(session: Session, email: str) -> User:
    user = holder(session, normalise_email(email))
    if user is None:
        raise NotFound(f"No user with the email {normalise_email(email)}", field="email")
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


def organisation_named(session: Session, name: str, *, kind: str, actor: User | str = "system") -> Organisation:
    """The organisation with exactly this name, created (and audited) if there is none yet."""
    found = session.exec(select(Organisation).where(Organisation.name == name.strip())).first()
    return found if found is not None else create_organisation(session, name=name, kind=kind, actor=actor)


def create_organisation(
    session: Session,
    *,
    name: str,
    kind: str,
    actor: User | str = "system",
) -> Organisation:
    """A new organisation, audited. Its identifiers are added by services/identifiers.py."""
    org = Organisation(name=name.strip(), kind=kind)
    session.add(org)
    session.flush()
    audit.record(session, actor, "organisation.created", "organisation", org.id, after={"name": org.name, "kind": kind})
    return org


def describe_organisation(
    session: Session, actor: User | str, name: str, *, nation: str | None = None, sme: bool | None = None
) -> Organisation:
    """Record a buyer's nation (whose bank holidays its standstill periods skip) or whether an organisation is a
    small or medium-sized enterprise (published in the bid statistics). Audited with the values before and after."""
    org = session.exec(select(Organisation).where(Organisation.name == name.strip())).first()
    if org is None:
        raise NotFound(f"No organisation named {name.strip()!r}")
    before = {"nation": org.nation, "sme": org.sme}
    if nation is not None:
        if nation not in tuple(Nation):
            raise ServiceError(f"nation: choose one of {', '.join(Nation)}", field="nation")
        if org.kind != OrganisationKind.BUYER:
            raise ServiceError("nation: only a buyer's nation counts (for its standstill periods)", field="nation")
        org.nation = nation
    if sme is not None:
        org.sme = sme
    session.add(org)
    session.flush()
    audit.record(session, actor, "organisation.described", "organisation", org.id, before=before,
                 after={"nation": org.nation, "sme": org.sme})  # fmt: skip
    return org
