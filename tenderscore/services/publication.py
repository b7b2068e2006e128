"""Open data: each step of a tender becomes an OCDS 1.1 release, stored as published and never rewritten.

- publishing the tender: a ``tender`` release; extending its deadline: ``tenderUpdate``;
- publishing the contract award notice: an ``award`` release (bid statistics, the supplier, the date the assessment
  summaries were sent, the standstill period); withdrawing the award afterwards: ``awardUpdate`` (cancelled);
- publishing the contract details notice: a ``contract`` release (value, period, KPIs);
- publishing a contract performance notice: an ``implementation`` release (each KPI's target, delivered and rating
  per reporting period).

Release ids are ``<ocid>-<tag>-<n>`` and dates are when the step happened. The compiled record merges them by the
standard's rules (``tenderscore.ocds``). Organisations are published with their identifiers; people never are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tenderscore.core.award import (
    AwardCriterion,
    AwardNotice,
    BidStatistics,
    Commitment,
    ContractNotice,
    Kpi,
    Lot,
    OrgIdentifier,
    Party,
    TenderNotice,
)
from tenderscore.core.orgid import OrgId
from tenderscore.core.performance_notice import PerformanceNoticeFacts
from tenderscore.core.rubric import CriterionKind
from tenderscore.db.models import (
    Award,
    Contract,
    OcdsRelease,
    Organisation,
    OrganisationKind,
    Submission,
    Tender,
    User,
    id_of,
)
from tenderscore.ocds import (
    award_release,
    contract_release,
    dumps,
    implementation_release,
    loads,
    record_package,
    release_package,
    tender_release,
)
from tenderscore.services import awards, identifiers, lots
from tenderscore.services.bid_json import response_from_json
from tenderscore.services.errors import Conflict
from tenderscore.services.tenders import get_tender, rubric_of

# The OCID prefix: "ocds-" and six characters the Open Contracting Partnership registers to a publisher. This one is
# a placeholder until the service's operator registers its own (README, "Open data").
OCID_PREFIX = "ocds-tndrsc"
PUBLISHER = "tenderscore"
__all__ = ["AwardNotice", "award_notice", "contract_notice", "ensure_tender_release", "party", "tender_notice"]


def ocid(session: Session, tender: Tender) -> str:
    """One contracting process per tender: its lots share their tender's ocid (docs/lots.md)."""
    return f"{OCID_PREFIX}-{lots.head_of(session, tender).reference}"


def party(org: Organisation, held: Sequence[OrgId] = ()) -> Party:
    """An organisation as published, with its org-id identifiers (the first is its party id)."""
    published = [OrgIdentifier(o.scheme, o.number) for o in held]
    key = str(held[0]) if held else f"tenderscore-org-{org.id}"
    return Party(key=key, name=org.name, identifiers=tuple(published), vcse=org.kind == OrganisationKind.VCSE,
                 sme=org.sme)  # fmt: skip


def tender_notice(session: Session, tender: Tender) -> TenderNotice:
    """The tender as its notice publishes it: for a tender divided into lots (or one of its lots), the tender with
    every lot, each with its own value and award criteria."""
    head = lots.head_of(session, tender)
    family = lots.lots_of(session, head)
    buyer = session.get(Organisation, head.buyer_org_id)
    assert buyer is not None and head.published_at is not None
    held = identifiers.of(session, [id_of(buyer)]).get(id_of(buyer), [])
    values = [lot.estimated_value for lot in family]
    # A tender in lots is worth the sum of its lots, when every lot has a value.
    total = sum((v for v in values if v is not None), Decimal(0)) if None not in values else None
    return TenderNotice(
        ocid=ocid(session, head), reference=head.reference, title=head.title, description=head.description,
        buyer=party(buyer, held),
        value=head.estimated_value if len(family) == 1 else total,
        published_at=head.published_at, deadline=head.deadline,
        lots=tuple(
            Lot(id=str(lot.lot_number), title=lot.lot_title or lot.title, value=lot.estimated_value,
                criteria=_criteria(lot))
            for lot in family
        ),
    )  # fmt: skip


def _criteria(tender: Tender) -> tuple[AwardCriterion, ...]:
    rubric = rubric_of(tender)
    return tuple(
        AwardCriterion(
            id=c.id, name=c.title, kind=section.category.replace("_", " "), weight=c.weight, description=c.question
        )  # fmt: skip
        for section in rubric.sections
        for c in section.criteria
        if c.kind != CriterionKind.PASS_FAIL and c.weight > 0
    )


def award_notice(session: Session, tender: Tender, award: Award) -> AwardNotice:
    """The award as its notice publishes it (the assessed bids are the ones the award decided on)."""
    assessed = [int(row["submission_id"]) for row in award.evaluation.get("bids", [])]
    rows = session.exec(
        select(Submission, Organisation)
        .join(Organisation, col(Organisation.id) == Submission.bidder_org_id)
        .where(col(Submission.id).in_(assessed))
        .order_by(col(Submission.id))
    ).all()
    held = identifiers.of(session, [id_of(org) for _, org in rows])
    parties = {s.id: party(org, held.get(id_of(org), [])) for s, org in rows}
    winner = next(s for s, _ in rows if s.id == award.submission_id)
    price = response_from_json(winner.responses, bid_id=str(winner.id), bidder="").price
    orgs = [org for _, org in rows]
    assert award.summaries_sent_at and award.notice_published_at and award.standstill_ends_at and tender.opened_at
    return AwardNotice(
        tender=tender_notice(session, tender),
        award_id=f"{ocid(session, tender)}-award-{award.id}",
        related_lot=str(tender.lot_number),
        status=_award_status(session, award),
        decided_at=award.awarded_at,
        supplier=parties[winner.id],
        tenderers=tuple(parties.values()),
        value=price if price is not None else Decimal(0),
        assessment_summaries_sent_at=award.summaries_sent_at,
        standstill_start=award.notice_published_at,
        standstill_end=award.standstill_ends_at,
        statistics=BidStatistics(
            final_stage=len(orgs),
            sme_final_stage=sum(1 for o in orgs if o.sme),
            vcse_final_stage=sum(1 for o in orgs if o.kind == OrganisationKind.VCSE),
            counted_at=tender.opened_at,
        ),
        withdrawn_at=award.withdrawn_at,
        withdrawn_reason=award.withdrawal_reason,
    )


def _award_status(session: Session, award: Award) -> str:
    if award.withdrawn_at is not None:
        return "cancelled"
    return "active" if awards.contract_of(session, award) is not None else "pending"


def contract_notice(session: Session, tender: Tender, award: Award, contract: Contract) -> ContractNotice:
    kpis, commitments = awards.contract_terms(session, contract)
    assert contract.notice_published_at is not None
    return ContractNotice(
        award=award_notice(session, tender, award),
        contract_id=f"{ocid(session, tender)}-contract-{contract.id}",
        title=contract.title,
        value=contract.value,
        start=contract.starts_on,
        end=contract.ends_on,
        signed_on=contract.signed_on,
        published_at=contract.notice_published_at,
        kpis=tuple(
            Kpi(id=f"kpi-{k.id}", title=k.title, description=k.description, target=k.target, unit=k.unit,
                target_value=k.target_value)
            for k in kpis
        ),  # fmt: skip
        no_kpis_reason=contract.no_kpis_reason,
        commitments=tuple(Commitment(c.criterion_id, c.title, c.value, c.unit) for c in commitments),
    )


def _store(session: Session, tender: Tender, tag: str, data: dict[str, object], when: datetime) -> OcdsRelease:
    body = dumps(data)
    row = OcdsRelease(tender_id=id_of(tender), release_id=str(data["id"]), tag=tag, released_at=when, body=body,
                      sha256=hashlib.sha256(body.encode()).hexdigest())  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _next_id(session: Session, tender: Tender, tag: str) -> str:
    count = session.exec(
        select(func.count()).select_from(OcdsRelease).where(OcdsRelease.tender_id == tender.id, OcdsRelease.tag == tag)
    ).one()
    lot = f"lot{tender.lot_number}-" if tender.lot_of_id is not None else ""  # unique within the tender's ocid
    return f"{ocid(session, tender)}-{lot}{tag}-{count + 1}"


def store_tender_release(
    session: Session, tender: Tender, *, update: bool = False, when: datetime | None = None
) -> None:
    """The tender as published (``update``: after its deadline changed), with all its lots: a lot has no tender
    release of its own."""
    tender = lots.head_of(session, tender)
    tag = "tenderUpdate" if update else "tender"
    date = when or tender.published_at
    assert date is not None
    data = tender_release(tender_notice(session, tender), release_id=_next_id(session, tender, tag), date=date,
                          update=update)  # fmt: skip
    _store(session, tender, tag, data, date)


def ensure_tender_release(session: Session, tender: Tender) -> None:
    """A tender published before releases were kept gets its tender release (dated its publication) on first need."""
    tender = lots.head_of(session, tender)
    exists = session.exec(
        select(OcdsRelease.id).where(OcdsRelease.tender_id == tender.id, OcdsRelease.tag == "tender")
    ).first()
    if exists is None:
        store_tender_release(session, tender)


def store_award_release(session: Session, tender: Tender, notice: AwardNotice, *, date: datetime) -> None:
    update = notice.status != "pending"
    tag = "awardUpdate" if update else "award"
    data = award_release(notice, release_id=_next_id(session, tender, tag), date=date, update=update)
    _store(session, tender, tag, data, date)


def store_contract_release(session: Session, tender: Tender, notice: ContractNotice, *, date: datetime) -> None:
    data = contract_release(notice, release_id=_next_id(session, tender, "contract"), date=date)
    _store(session, tender, "contract", data, date)


def next_release_id(session: Session, tender: Tender, tag: str) -> str:
    """The id the tender's next release with ``tag`` will be published under (a notice names it before it is)."""
    return _next_id(session, tender, tag)


def store_implementation_release(
    session: Session, tender: Tender, facts: PerformanceNoticeFacts, *, date: datetime
) -> str:
    """A contract performance notice's release, published under the id its facts name (``next_release_id``); that
    id is returned for the notice to keep."""
    data = implementation_release(facts, release_id=facts.notice_id, date=date)
    return _store(session, tender, "implementation", data, date).release_id


def releases_of(session: Session, actor: User, tender_id: int) -> tuple[Tender, list[dict[str, object]]]:
    """The tender's releases, oldest first, for anyone who may see the tender (they are public by design); a lot's
    are its whole tender's, one contracting process."""
    tender = get_tender(session, actor, tender_id)
    family = [id_of(lot) for lot in lots.lots_of(session, tender)]
    rows = session.exec(
        select(OcdsRelease)
        .where(col(OcdsRelease.tender_id).in_(family))
        .order_by(col(OcdsRelease.released_at), col(OcdsRelease.id))
    ).all()
    return tender, [loads(r.body) for r in rows]


def package_of_releases(session: Session, actor: User, tender_id: int, *, uri: str) -> str:
    tender, releases = _published_releases(session, actor, tender_id)
    return dumps(release_package(releases, uri=uri, published_date=_published(releases), publisher_name=PUBLISHER))


def record_of(session: Session, actor: User, tender_id: int, *, uri: str) -> str:
    tender, releases = _published_releases(session, actor, tender_id)
    return dumps(record_package(releases, uri=uri, published_date=_published(releases), publisher_name=PUBLISHER))


def _published_releases(session: Session, actor: User, tender_id: int) -> tuple[Tender, list[dict[str, object]]]:
    tender, releases = releases_of(session, actor, tender_id)
    if not releases:
        raise Conflict(f"Nothing has been published for {tender.reference} yet: its first release is its publication")
    return tender, releases


def _published(releases: list[dict[str, object]]) -> datetime:
    """A package is dated by its newest release, so the same releases always make the same package."""
    return max(datetime.fromisoformat(str(r["date"]).replace("Z", "+00:00")) for r in releases)
