"""Organisations' org-id identifiers: the one home for adding, finding and listing them (docs/register.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from tenderscore.core.orgid import OrgId, OrgIdError, parse_orgid
from tenderscore.db.models import Organisation, OrganisationIdentifier, OrganisationKind, Role, User, id_of
from tenderscore.services import audit
from tenderscore.services.errors import Conflict, Forbidden, NotFound, ServiceError


def parse(value: object, *, field: str = "identifier") -> OrgId:
    """An identifier as typed, or a ``ServiceError`` on ``field`` saying what the register's numbers look like."""
    try:
        return parse_orgid(value)
    except OrgIdError as error:
        raise ServiceError(f"{field}: {error}", field=field) from None


def stored(identifier: str | None) -> OrgId | None:
    """An identifier as a stored bid carries it (already checked when it was read), or ``None`` for none or for
    one that no longer parses: such a partner is unknown to the register, never a crash."""
    try:
        return parse_orgid(identifier) if identifier else None
    except OrgIdError:
        return None


def parse_all(values: object, *, field: str = "identifiers") -> list[OrgId]:
    """Several identifiers (one per line or comma-separated text, or a list); duplicates are refused."""
    if isinstance(values, str):
        values = [v for v in values.replace(",", "\n").splitlines() if v.strip()]
    if not isinstance(values, list | tuple):
        raise ServiceError(f'{field}: give the identifiers as a list, such as ["GB-CHC-1123456"]', field=field)
    found: list[OrgId] = []
    for i, value in enumerate(values):
        orgid = parse(value, field=f"{field}[{i}]")
        if orgid in found:
            raise ServiceError(f"{field}[{i}]: {orgid} is given twice", field=f"{field}[{i}]")
        found.append(orgid)
    return found


def holder(session: Session, orgid: OrgId) -> Organisation | None:
    """The organisation holding ``orgid``, if any."""
    return session.exec(
        select(Organisation)
        .join(OrganisationIdentifier, col(OrganisationIdentifier.organisation_id) == col(Organisation.id))
        .where(OrganisationIdentifier.scheme == orgid.scheme, OrganisationIdentifier.number == orgid.number)
    ).first()


def holders(session: Session, orgids: Iterable[OrgId]) -> dict[OrgId, Organisation]:
    """The organisations holding each of ``orgids`` that is held, in one query."""
    wanted = set(orgids)
    if not wanted:
        return {}
    rows = session.exec(
        select(OrganisationIdentifier, Organisation)
        .join(Organisation, col(Organisation.id) == col(OrganisationIdentifier.organisation_id))
        .where(col(OrganisationIdentifier.number).in_({o.number for o in wanted}))
    ).all()
    return {OrgId(i.scheme, i.number): org for i, org in rows if OrgId(i.scheme, i.number) in wanted}


def of(session: Session, organisation_ids: Iterable[int]) -> dict[int, list[OrgId]]:
    """Each organisation's identifiers, in the order they were added, in one query."""
    ids = set(organisation_ids)
    found: dict[int, list[OrgId]] = defaultdict(list)
    if not ids:
        return found
    rows = session.exec(
        select(OrganisationIdentifier)
        .where(col(OrganisationIdentifier.organisation_id).in_(ids))
        .order_by(col(OrganisationIdentifier.id))
    ).all()
    for row in rows:
        found[row.organisation_id].append(OrgId(row.scheme, row.number))
    return found


def check_free(
    session: Session, orgids: Sequence[OrgId], *, field: str = "identifiers", own: int | None = None
) -> None:
    """Refuse identifiers another organisation holds (``own``: the organisation being edited), naming its holder."""
    for i, orgid in enumerate(orgids):
        found = holder(session, orgid)
        if found is not None and found.id != own:
            raise Conflict(
                f"{field}[{i}]: {orgid} already belongs to {found.name}; an organisation is registered once. "
                "If that is you, ask the register's officers to add you to it instead of registering again.",
                field=f"{field}[{i}]",
            )


def add(session: Session, actor: User | str, org: Organisation, orgids: Sequence[OrgId]) -> None:
    """Give ``org`` these identifiers (those it has already are skipped); each addition is audited."""
    check_free(session, orgids, own=org.id)
    have = set(of(session, [id_of(org)]).get(id_of(org), []))
    for orgid in orgids:
        if orgid in have:
            continue
        session.add(OrganisationIdentifier(organisation_id=id_of(org), scheme=orgid.scheme, number=orgid.number))
        audit.record(
            session, actor, "organisation.identifier_added", "organisation", org.id, after={"identifier": str(orgid)}
        )
    session.flush()


def remove(session: Session, actor: User | str, org: Organisation, orgid: OrgId) -> None:
    """Take an identifier off ``org`` (a typing mistake); audited."""
    row = session.exec(
        select(OrganisationIdentifier).where(
            OrganisationIdentifier.organisation_id == id_of(org),
            OrganisationIdentifier.scheme == orgid.scheme,
            OrganisationIdentifier.number == orgid.number,
        )
    ).first()
    if row is None:
        raise ServiceError(f"identifier: {org.name} does not have {orgid}", field="identifier")
    session.delete(row)
    audit.record(
        session, actor, "organisation.identifier_removed", "organisation", org.id, before={"identifier": str(orgid)}
    )
    session.flush()


# --- an organisation's own identifiers (the "Your organisation" page, the API) -------------------------------------

# Who keeps their own organisation's identifiers: a buyer's officers, a supplier's bidders, a VCSE organisation's
# partner users (and its bidders, when it bids itself). Everyone in the organisation may see them.
KEEPERS = {
    OrganisationKind.BUYER: (Role.OFFICER,),
    OrganisationKind.SUPPLIER: (Role.BIDDER,),
    OrganisationKind.VCSE: (Role.PARTNER, Role.BIDDER),
}


def own_organisation(session: Session, actor: User) -> Organisation:
    org = session.get(Organisation, actor.organisation_id)
    if org is None:
        raise NotFound("Your account belongs to no organisation")
    return org


def may_keep(actor: User, org: Organisation) -> bool:
    """Whether ``actor`` may add and remove ``org``'s identifiers: only their own organisation's, and only in the
    roles that speak for it (``KEEPERS``)."""
    return actor.organisation_id == org.id and actor.role in KEEPERS.get(OrganisationKind(org.kind), ())


def mine(session: Session, actor: User) -> tuple[Organisation, list[OrgId]]:
    """``actor``'s organisation and its identifiers."""
    org = own_organisation(session, actor)
    return org, of(session, [id_of(org)]).get(id_of(org), [])


def add_own(session: Session, actor: User, values: object, *, field: str = "identifiers") -> list[OrgId]:
    """Give ``actor``'s own organisation the identifiers typed (refused, naming the holder, if another holds one)."""
    org = own_organisation(session, actor)
    if not may_keep(actor, org):
        raise Forbidden(_KEEPERS_WORDS)
    found = parse_all(values, field=field)
    if not found:
        raise ServiceError(f"{field}: enter an identifier, such as GB-CHC-1123456 or GB-COH-01234567", field=field)
    check_free(session, found, field=field, own=org.id)
    add(session, actor, org, found)
    return found


def remove_own(session: Session, actor: User, value: object, *, on_register: bool) -> OrgId:
    """Take an identifier off ``actor``'s own organisation; an organisation on the VCSE register (``on_register``)
    keeps at least one, because bids name it by one."""
    org = own_organisation(session, actor)
    if not may_keep(actor, org):
        raise Forbidden(_KEEPERS_WORDS)
    return remove_checked(session, actor, org, value, on_register=on_register)


def remove_checked(
    session: Session, actor: User | str, org: Organisation, value: object, *, on_register: bool
) -> OrgId:
    orgid = parse(value)
    held = of(session, [id_of(org)]).get(id_of(org), [])
    if on_register and held == [orgid]:
        raise ServiceError(
            f"identifier: {orgid} is {org.name}'s only identifier, and bids name a register entry by its "
            "identifier: add the right one first, then remove this one",
            field="identifier",
        )
    remove(session, actor, org, orgid)
    return orgid


_KEEPERS_WORDS = (
    "Only your organisation's own officers (a buyer), bidders (a supplier) or partner users (a VCSE organisation) "
    "can change its identifiers"
)
