"""Demo bids: realistic filled response workbooks for any rubric, generated deterministically.

``demo_bids`` gives one excellent consortium bid, one with a tokenistic VCSE commitment just under the mandatory
minimum (it reads cleanly and fails the gate), one meant to be submitted after the deadline, one full of errors
(a formula in an answer, an answer over its word limit, a malformed partner identifier, a VCSE share that
disagrees with the partners listed) and three ordinary bids, one of which leans on an unverified partner for its
VCSE share. Partners are named by the identifiers of ``DEMO_PARTNERS``. Organisation names are invented;
identifiers are well-formed but drawn from ranges not yet allocated (E&W charities 129xxxx, companies 19xxxxxx),
so none belongs to a real organisation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal

from tenderscore.core.register import SERVICES
from tenderscore.core.rubric import Criterion, CriterionKind, Rubric, Unit
from tenderscore.sheets.demo_text import EVIDENCE, TOPICS, topic_for
from tenderscore.sheets.fill import FilledBid, Formula, PartnerRow, fill_template
from tenderscore.sheets.layout import PARTNER_ROWS, TemplateIdentity, name_part, needs_pricing
from tenderscore.sheets.quantities import UNIT_RULES
from tenderscore.sheets.writer import write_template


@dataclass(frozen=True)
class DemoPartner:
    """A VCSE organisation the demo's bids name, with its org-id identifier and the register standing the demo
    gives it (services/demo_register.py): "verified", "registered" (not verified) or "unknown" (not registered)."""

    name: str
    identifier: str
    legal_form: str
    standing: str
    services: tuple[str, ...]


DEMO_PARTNERS = (
    DemoPartner("Aldergate Housing Trust", "GB-CHC-1290417", "cio", "verified", ("accommodation", "housing_support")),
    DemoPartner("Kestrel Recovery Network", "GB-CHC-1290311", "charity", "verified", ("drugs_alcohol", "health")),
    DemoPartner("Second Shift Kitchens CIC", "GB-COH-19004127", "cic", "verified", ("ete", "unpaid_work")),
    DemoPartner("Harrowfield Family Bridges", "GB-CHC-1291022", "charitable_company", "verified",
                ("children_families",)),
    DemoPartner("Lanthorn Money Advice", "GB-COH-19007731", "charitable_company", "verified",
                ("finance_benefit_debt",)),
    DemoPartner("Wayfarer Mentoring Project", "GB-CHC-1294410", "charity", "verified",
                ("mentoring", "attitudes_thinking_behaviour")),
    DemoPartner("Greenway Women's Centre", "GB-CHC-1288753", "cio", "verified", ("women", "health")),
    DemoPartner("Brackenmoor Employment Hub CIC", "GB-COH-19011284", "cic", "verified", ("ete",)),
    DemoPartner("Tidewater Lived Experience Collective", "GB-MPR-31207R", "cbs", "registered",
                ("mentoring", "attitudes_thinking_behaviour")),
    DemoPartner("Copperbeck Health Navigators CIC", "GB-COH-19015563", "cic", "registered", ("health",)),
    DemoPartner("Millrace Peer Support", "GB-CHC-1297001", "community_group", "unknown", ("mentoring",)),
)
LEANING_SHARE = Decimal("4.5")  # percentage points of the price a leaning profile's unverified partner delivers
PRICE_LINES = (
    "Programme management, governance and reporting",
    "Case workers and resettlement coordinators",
    "Accommodation brokerage and tenancy sustainment",
    "Employment, training and education coaching",
    "VCSE partner delivery (grants and sub-contracts)",
    "Mobilisation and TUPE transfer",
    "Data systems, information governance and evaluation",
)
TYPICAL: dict[Unit, Decimal] = {
    Unit.PERCENT: Decimal(30),
    Unit.GBP: Decimal(150_000),
    Unit.FTE: Decimal(4),
    Unit.WEEKS: Decimal(104),
    Unit.COUNT: Decimal(25),
    Unit.TCO2E: Decimal(40),
}


@dataclass(frozen=True)
class DemoBid:
    """One demo workbook and what should happen to it."""

    name: str
    description: str
    workbook: bytes
    expected_to_pass: bool  # reads cleanly and fails no gate decided at submission
    late: bool = False  # to be submitted after the deadline, where it must be refused
    filled: FilledBid | None = None
    suggested_score: int = 3  # a plausible consensus for its answers on a 0-5 scale, for demo evaluations


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    quality: float  # share of each word limit the answers use
    vcse_share: Decimal  # percent of the price through VCSE partners
    level: Decimal  # commitments, as a multiple of a typical commitment
    price: Decimal
    partners: int
    company_number: str
    score: int = 3
    late: bool = False
    tokenistic: bool = False
    errors: bool = False
    leans_on: str | None = None  # an unverified partner on whom the VCSE share depends (LEANING_SHARE points of it)


PROFILES = (
    Profile(
        "Northern Resettlement Consortium Ltd",
        "Excellent: a consortium with eight VCSE partners delivering a quarter of the contract.",
        0.92, Decimal("24.5"), Decimal("1.6"), Decimal("2450000"), 8, "19482613", score=5,
    ),
    Profile(
        "Brightpath Justice Services Ltd",
        "Tokenistic VCSE commitment: the share stated matches the partners but is under the mandatory minimum.",
        0.7, Decimal(0), Decimal(1), Decimal("2180000"), 2, "19207745", tokenistic=True,
    ),
    Profile(
        "Eastgate Community Rehabilitation CIC",
        "An ordinary bid to be submitted after the deadline: the submission must be refused.",
        0.65, Decimal(18), Decimal("1.1"), Decimal("2320000"), 4, "19655102", late=True,
    ),
    Profile(
        "Harbour Lane Support Services Ltd",
        "A workbook with errors: a formula in an answer, an answer over its word limit, a malformed partner "
        "identifier and a VCSE share that disagrees with the partners listed.",
        0.6, Decimal(12), Decimal(1), Decimal("2050000"), 3, "19330871", score=2, errors=True,
    ),
    Profile(
        "Meridian Probation Partners LLP",
        "Ordinary: a limited liability partnership with three VCSE partners.",
        0.6, Decimal("16.5"), Decimal(1), Decimal("2290000"), 3, "OC491208",
    ),
    Profile(
        "Ridgeway Housing and Justice Alliance",
        "Ordinary: a housing-led alliance with five VCSE partners.",
        0.75, Decimal(20), Decimal("1.2"), Decimal("2510000"), 5, "19871436", score=4,
    ),
    Profile(
        "Oakfield Pathways Trust",
        "Ordinary, but leaning on an unverified partner: of its 15.5% VCSE share, 4.5 points are delivered by "
        "Tidewater Lived Experience Collective, on the register but not verified, so only 11% is by verified "
        "partners. Where only verified partners count, it fails the 15% minimum.",
        0.55, Decimal("15.5"), Decimal("0.9"), Decimal("1990000"), 3, "19114590",
        leans_on="Tidewater Lived Experience Collective",
    ),
)  # fmt: skip


def demo_bids(rubric: Rubric, identity: TemplateIdentity) -> list[DemoBid]:
    """The demo bids for ``rubric``'s template under ``identity``: the same bytes on every call."""
    template = write_template(rubric, identity)
    bids = []
    for profile in PROFILES:
        rng = random.Random(f"{rubric.id}:{profile.name}")
        filled, passes = demo_filled(rubric, profile, rng)
        workbook = fill_template(template, filled)
        bids.append(DemoBid(profile.name, profile.description, workbook, passes, profile.late, filled, profile.score))
    return bids


def demo_filled(rubric: Rubric, profile: Profile, rng: random.Random) -> tuple[FilledBid, bool]:
    """What ``profile`` types into ``rubric``'s template, and whether it should pass."""
    target, share = _vcse_target(rubric, profile)
    price = profile.price if needs_pricing(rubric) else None
    filled = FilledBid(
        bidder=_bidder(profile),
        answers={c.id: _answer(c, profile.quality, rng) for c in rubric.of_kind(CriterionKind.SCORED)},
        declarations={c.id: c.expected for c in rubric.of_kind(CriterionKind.PASS_FAIL)},
        commitments={
            c.id: _commitment(rubric, c, profile, target, share) for c in rubric.of_kind(CriterionKind.COMMITMENT)
        },
        price_lines=_price_lines(profile.price, rng) if price is not None else (),
        partners=_partners(rubric, profile, share if price is not None else Decimal(0), rng),
    )  # fmt: skip
    if profile.errors:
        return _with_errors(rubric, filled, rng), False
    return filled, not (profile.tokenistic and target is not None)


def _vcse_target(rubric: Rubric, profile: Profile) -> tuple[str | None, Decimal]:
    """The criterion a tokenistic bid undershoots, and the VCSE share (percent) the bid's partners deliver."""
    if not profile.tokenistic:
        return None, profile.vcse_share
    for c in rubric.of_kind(CriterionKind.COMMITMENT):
        if c.mandatory_minimum is not None and c.mandatory_minimum > 1:
            if c.id == rubric.vcse_criterion:
                return c.id, c.mandatory_minimum - Decimal("0.8")  # 15% -> 14.2%
            if rubric.vcse_criterion is None:
                return c.id, Decimal("14.2")
    return None, Decimal("14.2")


def _bidder(profile: Profile) -> dict[str, str]:
    slug = "".join(ch for ch in profile.name.lower().split()[0] if ch.isalpha())
    details = {
        "organisation_name": profile.name,
        "company_number": profile.company_number,
        "contact_name": "Jordan Ellery" if len(profile.name) % 2 else "Priya Lindqvist",
        "email": f"bids@{slug}.example.org",
        "address": f"Unit {len(profile.name)}, Canal Wharf\nWestfield Road\nLeeds LS{len(slug)} 4QT",
    }
    if "Trust" in profile.name:
        details["charity_number"] = "1291" + profile.company_number[-3:]
    return details


def _answer(criterion: Criterion, quality: float, rng: random.Random) -> str:
    limit = criterion.word_limit or 500
    target = max(40, int(limit * quality))
    topic = topic_for(" ".join((criterion.title, criterion.pathway or "", criterion.question)))
    pool = list(TOPICS[topic])
    rng.shuffle(pool)
    general = [p for p in TOPICS["general"] if p not in pool]
    rng.shuffle(general)
    paragraphs: list[str] = []
    words = 0
    for paragraph in pool + general:
        size = len(paragraph.split())
        if words + size > target:
            continue
        paragraphs.append(paragraph)
        words += size
    evidence = [e for e in rng.sample(EVIDENCE, len(EVIDENCE)) if len(e.split()) <= target - words]
    closing = []
    for sentence in evidence:  # short evidence sentences close most of the gap a paragraph would overshoot
        if words + len(sentence.split()) <= target:
            closing.append(sentence)
            words += len(sentence.split())
    if closing:
        paragraphs.append(" ".join(closing))
    if not paragraphs:  # a tiny word limit: the first sentence, cut to fit
        paragraphs = [" ".join(pool[0].split()[:limit])]
    return "\n\n".join(paragraphs)


def _commitment(rubric: Rubric, criterion: Criterion, profile: Profile, target: str | None, share: Decimal) -> Decimal:
    unit = rubric.measure(criterion.measure).unit if criterion.measure else Unit.COUNT
    if criterion.id == rubric.vcse_criterion:
        return share
    rule = UNIT_RULES[unit]
    value = TYPICAL[unit] * profile.level
    minimum = criterion.mandatory_minimum
    if criterion.id == target and minimum is not None:
        value = minimum * Decimal("0.9")
    elif minimum is not None:
        value = max(value, minimum * Decimal("1.15"))
    value = min(value, rule.maximum)
    return value.quantize(Decimal(1).scaleb(-min(rule.places, 1)), rounding=ROUND_DOWN)


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``total`` in ``parts`` uneven amounts of whole pounds and pence that add up exactly."""
    weights = [Decimal(rng.randint(5, 20)) for _ in range(parts)]
    whole = sum(weights)
    amounts = [(total * w / whole).quantize(Decimal("0.01"), rounding=ROUND_DOWN) for w in weights[:-1]]
    return amounts + [total - sum(amounts, Decimal(0))]


def _price_lines(price: Decimal, rng: random.Random) -> list[tuple[str | None, Decimal | None]]:
    return list(zip(PRICE_LINES, _split(price, len(PRICE_LINES), rng), strict=True))


def _partners(rubric: Rubric, profile: Profile, share: Decimal, rng: random.Random) -> list[PartnerRow]:
    """Verified demo partners only, except a profile that ``leans_on`` an unverified one: that partner then
    delivers ``LEANING_SHARE`` points of the share, so the verified ones alone fall below a 15% minimum."""
    verified = [p for p in DEMO_PARTNERS if p.standing == "verified"]
    count = min(profile.partners, PARTNER_ROWS, len(verified))
    total = (profile.price * share / 100).quantize(Decimal("0.01"))
    if count == 0 or total <= 0:
        return []
    chosen = rng.sample(verified, count)
    amounts = _split(total, count, rng)
    leaning = next((p for p in DEMO_PARTNERS if p.name == profile.leans_on), None)
    if leaning is not None:
        leaning_value = (profile.price * LEANING_SHARE / 100).quantize(Decimal("0.01"))
        chosen = [*chosen[: count - 1], leaning]
        amounts = [*_split(total - leaning_value, count - 1, rng), leaning_value]
    pathways: list[str | None] = [*sorted({c.pathway for c in rubric.criteria if c.pathway})] or [None]
    return [
        PartnerRow(partner.name, partner.identifier, value, pathways[i % len(pathways)], _role(partner))
        for i, (partner, value) in enumerate(zip(chosen, amounts, strict=True))
    ]


def _role(partner: DemoPartner) -> str:
    services = [SERVICES[code].lower() for code in partner.services]
    return f"Delivers {' and '.join(services)} support to people on probation referred by the case workers"


def _with_errors(rubric: Rubric, filled: FilledBid, rng: random.Random) -> FilledBid:
    scored = rubric.of_kind(CriterionKind.SCORED)
    answers = dict(filled.answers)
    cells: dict[str, Formula] = {}
    if scored and scored[0].word_limit:
        words = " ".join(p for topic in TOPICS.values() for p in topic).split()
        answers[scored[0].id] = " ".join((words * 3)[: scored[0].word_limit + 12])
    if len(scored) > 1:
        cells[f"ans_{name_part(scored[-1].id)}"] = Formula('=CONCATENATE("See ","appendix B")')
    commitments = dict(filled.commitments)
    if rubric.vcse_criterion in commitments:
        commitments[rubric.vcse_criterion] = Decimal(25)  # the partners listed deliver 12%
    partners = list(filled.partners)
    if partners:  # a charity number typed without its register's code, and one digit short
        partners[0] = replace(partners[0], identifier="GB-CHC-" + str(rng.randint(10000, 99999)))
    return replace(filled, answers=answers, cells=cells, commitments=commitments, partners=partners)
