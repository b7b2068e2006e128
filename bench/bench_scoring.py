"""Time the scoring core on a large competition: 1,000 bids x a 60-criterion rubric, evaluation and sensitivity.

Run with `make bench` (or `.venv/bin/python bench/bench_scoring.py`). Seeded, so every run scores the same bids.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from tenderscore.core import (
    Band,
    BidResponse,
    Criterion,
    CriterionKind,
    Measure,
    Rubric,
    Scale,
    ScaleLevel,
    Section,
    SectionCategory,
    Unit,
    evaluate,
    rubric_problems,
    sensitivity,
)

BIDS = 1000
T = TypeVar("T")
SEED = 20240613


def build_rubric() -> Rubric:
    """4 pass/fail gates, 40 scored questions in 4 quality sections, 15 commitments, 1 price: 60 criteria."""
    gates = tuple(Criterion(f"pf_{i}", f"Gate {i}", CriterionKind.PASS_FAIL) for i in range(4))
    quality = tuple(
        Section(
            f"quality_{s}",
            f"Quality {s}",
            SectionCategory.QUALITY,
            tuple(
                Criterion(f"q{s}_{i}", f"Question {s}.{i}", CriterionKind.SCORED, Decimal("1.5"),
                          minimum=2 if i == 0 else None)
                for i in range(10)
            ),
        )
        for s in range(4)
    )
    methods = ["proportional", "banded", "linear"]
    social = tuple(
        Criterion(
            f"sv_{i}",
            f"Commitment {i}",
            CriterionKind.COMMITMENT,
            Decimal(1),
            method=methods[i % 3],
            measure="jobs",
            mandatory_minimum=Decimal("0.5") if i == 0 else None,
            bands=(Band(Decimal(2), Decimal("0.5")), Band(Decimal(5), Decimal(1))) if i % 3 == 1 else (),
            floor=Decimal(0) if i % 3 == 2 else None,
            target=Decimal(8) if i % 3 == 2 else None,
        )
        for i in range(15)
    )
    rubric = Rubric(
        "bench",
        "Benchmark rubric",
        scale=Scale(5, tuple(ScaleLevel(i, f"level {i}") for i in range(6))),
        measures=(Measure("jobs", "Jobs", Unit.FTE),),
        sections=(
            Section("gates", "Gates", SectionCategory.COMPLIANCE, gates),
            *quality,
            Section("social", "Social value", SectionCategory.SOCIAL_VALUE, social),
            Section("price", "Price", SectionCategory.PRICE,
                    (Criterion("price", "Price", CriterionKind.PRICE, Decimal(25), method="lowest_ratio"),)),
        ),
    )
    assert not rubric_problems(rubric) and len(rubric.criteria) == 60
    return rubric


def build_bids(rubric: Rubric, rnd: random.Random) -> tuple[list[BidResponse], dict[tuple[str, str], int]]:
    bids, consensus = [], {}
    for n in range(BIDS):
        bid_id = f"bid{n:04d}"
        skill = 0.45 + 0.55 * rnd.random()  # better bidders score higher across the board
        gates = [c.id for c in rubric.criteria if c.kind is CriterionKind.PASS_FAIL]
        pledges = [c.id for c in rubric.criteria if c.kind is CriterionKind.COMMITMENT]
        bids.append(
            BidResponse(
                bid_id,
                f"Bidder {n}",
                declarations={g: rnd.random() > 0.01 for g in gates},
                commitments={p: Decimal(rnd.randint(0, 100)) / 10 for p in pledges},
                price=Decimal(rnd.randint(800_000_00, 1_600_000_00)) / 100,
            )
        )
        for c in rubric.criteria:
            if c.kind is CriterionKind.SCORED:
                consensus[(bid_id, c.id)] = max(0, min(5, round(skill * 5 + rnd.gauss(0, 0.8))))
    return bids, consensus


def timed(label: str, action: Callable[[], T], repeats: int) -> T:
    """Run ``action`` ``repeats`` times; print the best and median wall-clock time; return its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    print(f"{label:<44} best {min(times):7.3f} s   median {statistics.median(times):7.3f} s   ({repeats} runs)")
    return result


def main() -> None:
    rubric = build_rubric()
    bids, consensus = build_bids(rubric, random.Random(SEED))
    print(f"{len(bids)} bids x {len(rubric.criteria)} criteria, {len(rubric.sections)} sections, seed {SEED}")
    evaluation = timed("evaluate", lambda: evaluate(rubric, bids, consensus), repeats=5)
    finding = timed("sensitivity (weight transfer + score change)", lambda: sensitivity(rubric, bids, consensus), 3)
    timed("evaluate + sensitivity", lambda: (evaluate(rubric, bids, consensus), sensitivity(rubric, bids, consensus)),
          repeats=3)
    print(f"compliant {len(evaluation.ranked)}, excluded {len(evaluation.excluded)}")
    print(finding.summary)


if __name__ == "__main__":
    main()
