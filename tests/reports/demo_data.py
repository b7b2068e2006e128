"""A hand-built probation tender with any number of bidders, for the report tests and ``bench/bench_reports.py``.

This is a test fixture, not product code: the product's one demo is ``tenderscore.sheets.demo_bids`` over the shipped
rubric ``rubrics/probation-innovation-partner.yaml``. The report tests assert figures that come from this rubric and
these bids (totals such as 84.02, the criterion ids, the bidders excluded and why), so they keep their own fixture.

Five hand-written bids (one winner, a close second, a cheap bid flagged abnormally low, a tokenistic VCSE share
below the mandatory 15% and a bid below a quality minimum), then as many generated ones as asked for, all
deterministic. Organisation and people's names are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tenderscore.core import evaluate, sensitivity
from tenderscore.core.responses import BidResponse, Consensus, ScoreKey, VcsePartner
from tenderscore.core.results import Evaluation
from tenderscore.core.rubric import (
    Band,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    Unit,
)
from tenderscore.reports.facts import ConsensusRecord, IndividualScore, PanelMember, SensitivityFinding, TenderFacts

D = Decimal
EVALUATORS = ("Amara Okafor", "Jonas Lindqvist", "Rekha Bhatt")
MODERATOR = "Sian Greenwood"
CHAIN_HEAD = "9c4e1f07d2b85a3e6f1d0c9b8a7e6d5c4b3a29180f7e6d5c4b3a2918a7b6c5d4"
GENERATED_AT = datetime(2026, 11, 23, 15, 20, tzinfo=UTC)
QUALITY = ("q_accommodation", "q_ete", "q_mobilisation", "q_lived_experience")


SCALE = Scale(5, (
    ScaleLevel(0, "Unacceptable: no answer, or an answer that does not address the question"),
    ScaleLevel(1, "Poor: major gaps or risks; little confidence the requirement will be met"),
    ScaleLevel(2, "Limited: meets some of the requirement; significant weaknesses"),
    ScaleLevel(3, "Satisfactory: meets the requirement with minor weaknesses"),
    ScaleLevel(4, "Good: meets the requirement fully, with evidence of delivery"),
    ScaleLevel(5, "Excellent: exceeds the requirement, with strong evidence and added value"),
))


def _quality() -> tuple[Criterion, ...]:
    scored = CriterionKind.SCORED
    return (
        Criterion("q_accommodation", "Settled accommodation on release", scored, D(15), minimum=2,
                  pathway="Accommodation", question="How will you secure settled accommodation on release?"),
        Criterion("q_ete", "Education, training and employment", scored, D(15), pathway="Education, training and "
                  "employment"),
        Criterion("q_mobilisation", "Mobilisation and workforce", scored, D(10)),
        Criterion("q_lived_experience", "Working with people with lived experience", scored, D(10),
                  pathway="Attitudes, thinking and behaviour"),
    )


def _social_value() -> tuple[Criterion, ...]:
    commitment = CriterionKind.COMMITMENT
    return (
        Criterion("sv_vcse", "VCSE share of contract value", commitment, D(10), method="proportional",
                  measure="vcse_share", mandatory_minimum=D(15)),
        Criterion("sv_jobs", "Jobs for people with convictions", commitment, D(5), method="linear",
                  measure="fte_jobs", floor=D(0), target=D(6)),
        Criterion("sv_apprentice", "Apprenticeship weeks", commitment, D(5), method="banded",
                  measure="apprentice_weeks",
                  bands=(Band(D(52), D("0.4")), Band(D(104), D("0.7")), Band(D(156), D(1)))),
    )


def demo_rubric() -> Rubric:
    """Resettlement Innovation Partner: compliance gates, four quality questions, three commitments, price."""
    return Rubric(
        id="probation-innovation-partner",
        title="Resettlement Innovation Partner",
        scale=SCALE,
        sections=(
            Section("compliance", "Compliance", SectionCategory.COMPLIANCE, (
                Criterion("c_insurance", "Public liability insurance of at least £10m", CriterionKind.PASS_FAIL),
                Criterion("c_safeguarding", "Safeguarding policy and enhanced DBS checks", CriterionKind.PASS_FAIL),
            )),
            Section("quality", "Quality", SectionCategory.QUALITY, _quality()),
            Section("social_value", "Social value", SectionCategory.SOCIAL_VALUE, _social_value()),
            Section("price", "Price", SectionCategory.PRICE, (
                Criterion("price", "Total price over the contract term", CriterionKind.PRICE, D(30),
                          method="lowest_ratio"),
            )),
        ),
        measures=(
            Measure("vcse_share", "VCSE share", Unit.PERCENT),
            Measure("fte_jobs", "Jobs for people with convictions", Unit.FTE),
            Measure("apprentice_weeks", "Apprenticeship weeks", Unit.WEEKS),
        ),
        vcse_criterion="sv_vcse",
    )


@dataclass(frozen=True)
class DemoBid:
    bidder: str
    price: Decimal
    vcse: Decimal  # percent stated; partners are listed to match it
    jobs: Decimal
    weeks: Decimal
    scores: tuple[int, int, int, int]  # consensus per quality question
    spread: int = 0  # how far the first evaluator strays from the consensus


HAND_WRITTEN = (
    DemoBid("Northern Resettlement Partnership", D(4_180_000), D(24), D(6), D(156), (5, 4, 4, 5), 2),
    DemoBid("Pathways Consortium (Calder Housing Trust and Kestrel Recovery Network)", D(3_960_000), D(19), D(4),
            D(104), (4, 4, 3, 4)),
    DemoBid("Beacon Justice Services Ltd", D(2_650_000), D(16), D(2), D(52), (3, 3, 3, 2)),
    DemoBid("Unity Rehabilitation CIC", D(3_720_000), D(14), D(3), D(104), (4, 3, 4, 4)),
    DemoBid("Meridian Support Services", D(3_480_000), D(18), D(1), D(52), (1, 3, 2, 2)),
)

REASONS = {
    5: "The answer gives a complete, costed plan with named partners and outcome evidence from comparable "
       "contracts ({evidence}); it goes beyond the requirement by {extra}.",
    4: "The answer meets the requirement fully: {evidence}. It stops short of 'excellent' because {gap}.",
    3: "The answer meets the requirement with minor weaknesses: {evidence}, but {gap}.",
    2: "The answer meets only part of the requirement: {gap}; the evidence offered ({evidence}) is limited.",
    1: "The answer leaves major gaps: {gap}. Little confidence the requirement would be met.",
    0: "The answer does not address the question.",
}
EVIDENCE = {
    "q_accommodation": "78% of people housed on the night of release in the bidder's current contract",
    "q_ete": "a job-brokerage agreement with six regional employers and Level 2 qualifications on licence",
    "q_mobilisation": "a 12-week mobilisation plan with TUPE consultation dates and a named lead",
    "q_lived_experience": "a peer-mentor scheme with paid roles and supervision",
}
GAPS = {
    "q_accommodation": "the plan relies on one housing provider in the north of the region",
    "q_ete": "it does not say how people on short licences will be reached",
    "q_mobilisation": "the recruitment timetable for case workers is not evidenced",
    "q_lived_experience": "the route from volunteering to paid work is not described",
}
EXTRA = "offering a dedicated women's pathway and 24-hour release-day support"


def demo_bids(count: int = 5, seed: int = 14) -> list[DemoBid]:
    """The five hand-written bids, then generated ordinary ones up to ``count`` (deterministic)."""
    bids = list(HAND_WRITTEN[:count])
    rng = random.Random(seed)
    towns = ("Calder", "Ribble", "Wharfe", "Tees", "Aire", "Derwent", "Swale", "Lune", "Eden", "Nidd")
    kinds = ("Community Justice", "Resettlement Services", "Futures CIC", "Support Trust", "Rehabilitation Ltd")
    while len(bids) < count:
        n = len(bids)
        bids.append(DemoBid(
            f"{towns[n % len(towns)]} {kinds[(n // len(towns)) % len(kinds)]} {n}",
            D(rng.randrange(3_000_000, 4_600_000, 10_000)),
            D(rng.randrange(15, 30)), D(rng.randrange(0, 7)), D(rng.choice((0, 52, 104, 156))),
            (rng.randint(2, 5), rng.randint(2, 5), rng.randint(2, 5), rng.randint(2, 5)),
            rng.choice((0, 0, 1, 2)),
        ))
    return bids


def bid_response(index: int, bid: DemoBid) -> BidResponse:
    """The validated response the spreadsheet reader would have produced for ``bid``."""
    partners = (
        VcsePartner("Aldergate Housing Trust", bid.price * bid.vcse / 100 * D("0.6"), identifier="GB-CHC-1290417"),
        VcsePartner("Second Shift Kitchens CIC", bid.price * bid.vcse / 100 * D("0.4"), identifier="GB-COH-19004127"),
    )
    return BidResponse(
        bid_id=f"B{index + 1:03d}",
        bidder=bid.bidder,
        declarations={"c_insurance": True, "c_safeguarding": True},
        commitments={"sv_vcse": bid.vcse, "sv_jobs": bid.jobs, "sv_apprentice": bid.weeks},
        price=bid.price,
        answers={c: f"{bid.bidder}'s answer to {c}." for c in QUALITY},
        vcse_partners=partners,
    )


def _reason(criterion_id: str, score: int) -> str:
    return REASONS[score].format(evidence=EVIDENCE[criterion_id], gap=GAPS[criterion_id], extra=EXTRA)


def consensus_records(bids: list[DemoBid], responses: list[BidResponse]) -> dict[ScoreKey, ConsensusRecord]:
    """A moderated consensus for every quality question of every bid, with three evaluators' scores behind it."""
    records = {}
    for bid, response in zip(bids, responses, strict=True):
        for criterion_id, score in zip(QUALITY, bid.scores, strict=True):
            first = max(0, min(5, score - bid.spread)) if criterion_id == QUALITY[0] else score
            individual: tuple[IndividualScore, ...] = (
                IndividualScore(EVALUATORS[0], first),
                IndividualScore(EVALUATORS[1], score),
                IndividualScore(EVALUATORS[2], min(5, score + (1 if criterion_id == QUALITY[1] else 0))),
            )
            if bid.bidder.startswith("Pathways"):  # declared a conflict: did not evaluate this bid
                individual = individual[:2]
            records[(response.bid_id, criterion_id)] = ConsensusRecord(
                score, _reason(criterion_id, score), individual, MODERATOR
            )
    return records


@dataclass(frozen=True)
class DemoTender:
    """Everything a report builder takes, for one demo tender."""

    rubric: Rubric
    responses: list[BidResponse]
    consensus: dict[ScoreKey, ConsensusRecord]
    evaluation: Evaluation
    sensitivity: SensitivityFinding | None
    tender: TenderFacts
    panel: tuple[PanelMember, ...]
    chain_head: str
    generated_at: datetime


def demo_tender(
    count: int = 5, *, missing: int = 0, with_sensitivity: bool = True, bids: list[DemoBid] | None = None
) -> DemoTender:
    """A demo tender with ``count`` bids (or exactly ``bids``); ``missing`` consensus records left out, making the
    result provisional."""
    rubric = demo_rubric()
    bids = demo_bids(count) if bids is None else bids
    responses = [bid_response(i, b) for i, b in enumerate(bids)]
    records = consensus_records(bids, responses)
    for key in list(records)[1 : 1 + missing * 4 : 4]:  # the ETE question of the first bids
        del records[key]
    plain = {key: Consensus(r.score, r.reason) for key, r in records.items()}
    panels = {key: [s.score for s in r.individual] for key, r in records.items()}
    evaluation = evaluate(rubric, responses, plain, panels)
    finding = sensitivity(rubric, responses, plain) if with_sensitivity and not evaluation.provisional else None
    return DemoTender(
        rubric, responses, records, evaluation, finding, demo_facts(), demo_panel(), CHAIN_HEAD, GENERATED_AT
    )


def demo_facts() -> TenderFacts:
    """The tender: a probation region commissioning a Resettlement Innovation Partner."""
    return TenderFacts(
        reference="PRB-NE-2026-014",
        title="Resettlement Innovation Partner: North East probation region",
        buyer="North East Probation Region Commissioning Unit",
        estimated_value=D(4_200_000),
        deadline=datetime(2026, 10, 30, 12, 0, tzinfo=UTC),
        published_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC),
        status="evaluation",
        rubric_hash="5f2b8c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
    )


def demo_panel() -> tuple[PanelMember, ...]:
    """Three evaluators and a moderator, one of whom declared a conflict and was kept away from that bid."""
    declared = datetime(2026, 10, 31, 10, 5, tzinfo=UTC)
    text = "I have no conflict of interest with any bidder and will keep the bids confidential."
    return (
        PanelMember(EVALUATORS[0], "Evaluator", text, declared),
        PanelMember(EVALUATORS[1], "Evaluator", text, declared),
        PanelMember(EVALUATORS[2], "Evaluator", "I was a trustee of Kestrel Recovery Network until 2024. I did not "
                    "evaluate any bid naming it.", declared, ("Pathways Consortium",)),
        PanelMember(MODERATOR, "Moderator", text, declared),
    )
