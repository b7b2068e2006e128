"""Users, passwords and API tokens. One role per user; passwords hashed; tokens stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from tenderscore.db.models import Organisation, Role, User, id_of
from tenderscore.services import audit
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError

MIN_PASSWORD_LENGTH = 10
# A hash to compare against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-anyone-has")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters", field="password")


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role | str,
    organisation: Organisation,
    actor: User | str = "system",
) -> User:
    """Create a user with a hashed password; the email is unique regardless of case."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ServiceError("Enter an email address like name@example.org", field="email")
    _check_password_rules(password)
    role = Role(role)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(f"There is already a user with the email {email}", field="email")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=generate_password_hash(password),
        role=role,
        organisation_id=id_of(organisation),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", "user", user.id, after={"email": email, "role": role})
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (never saying which of the two was wrong)."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
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


def set_password(session: Session, user: User, new: str, *, actor: User | str) -> None:
    """Replace the password; every session and the API token issued before it stop working."""
    _check_password_rules(new)
    user.password_hash = generate_password_hash(new)
    end_sessions(user)
    had_token = user.api_token_hash is not None
    user.api_token_hash = None
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.password_changed", "user", user.id, after={"api_token_revoked": had_token})


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user changes their own password, proving they know the current one."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError("Your current password is not correct", field="current_password")
    if new == current:
        raise ServiceError("The new password must be different from the current one", field="new_password")
    try:
        set_password(session, user, new, actor=user)
    except ServiceError as exc:
        raise ServiceError(exc.message, field="new_password") from None


def deactivate(session: Session, actor: User | str, user_id: int) -> User:
    """Stop ``user_id`` signing in or using the API; their sessions and token end at once.

    Operators deactivate from the command line (``actor`` a string such as "cli"); a person may deactivate only
    within their own organisation, and only a commissioner or an officer may.
    """
    user = get_user(session, user_id)
    if isinstance(actor, User) and (
        actor.role not in (Role.COMMISSIONER, Role.OFFICER) or actor.organisation_id != user.organisation_id
    ):
        raise Forbidden("Only a commissioner or officer of the same organisation can deactivate this account")
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
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
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
    company_number: str | None = None,
    charity_number: str | None = None,
    actor: User | str = "system",
) -> Organisation:
    org = Organisation(name=name.strip(), kind=kind, company_number=company_number, charity_number=charity_number)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "organisation.created",
        "organisation",
        org.id,
        after={"name": org.name, "kind": kind, "company_number": company_number, "charity_number": charity_number},
    )
    return org
