"""The worked example of docs/lots.md ("Worked example: a cap of 1, three bidders, two lots by value"), checked
against core.lots with the document's own figures. If this fails, the rule or the page is wrong: keep them in step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tenderscore.core.lots import CapRule, LotOrder, LotOutcome, LotStanding, Ranked, allocate

DOC = Path(__file__).resolve().parents[2] / "docs" / "lots.md"
AIRE, BROOK, CALDER = "Aire Partnership", "Brook Consortium", "Calder Services"
DAY_SERVICES = LotStanding(1, Decimal(400_000), (Ranked(AIRE, 1), Ranked(BROOK, 2), Ranked(CALDER, 3)))
OUTREACH = LotStanding(2, Decimal(650_000), (Ranked(AIRE, 1), Ranked(CALDER, 2), Ranked(BROOK, 3)))


def test_by_value_the_larger_lot_is_settled_first_and_its_winner_is_passed_over_in_the_other() -> None:
    outcomes = allocate(CapRule(cap=1, order=LotOrder.VALUE), [DAY_SERVICES, OUTREACH])
    assert outcomes[2] == LotOutcome(2, AIRE, (), ())
    assert outcomes[1] == LotOutcome(1, BROOK, (), ((AIRE, (2,)),))  # Aire's cap reached by Lot 2
    assert CALDER not in {o.winner for o in outcomes.values()}


def test_by_number_lot_1_goes_first_and_lot_2_to_its_second() -> None:
    outcomes = allocate(CapRule(cap=1, order=LotOrder.NUMBER), [DAY_SERVICES, OUTREACH])
    assert (outcomes[1].winner, outcomes[2].winner) == (AIRE, CALDER)
    assert outcomes[2].passed_over == ((AIRE, (1,)),)


def test_a_tie_for_second_in_lot_1_leaves_it_without_a_single_winner() -> None:
    tied = LotStanding(1, Decimal(400_000), (Ranked(AIRE, 1), Ranked(BROOK, 2), Ranked(CALDER, 2)))
    outcomes = allocate(CapRule(cap=1, order=LotOrder.VALUE), [tied, OUTREACH])
    assert outcomes[1].winner is None and outcomes[1].tied == (BROOK, CALDER)
    assert outcomes[2].winner == AIRE


def test_the_page_shows_these_figures_and_the_rule_in_the_words_it_is_published_in() -> None:
    page = " ".join(DOC.read_text(encoding="utf-8").split())
    assert "| Lot 1, Day services | £400,000 | Aire Partnership | Brook Consortium | Calder Services |" in page
    assert "| Lot 2, Outreach | £650,000 | Aire Partnership | Calder Services | Brook Consortium |" in page
    assert "Lot 2 goes to Aire, Lot 1 to Brook; Calder wins nothing." in page
    assert CapRule(cap=1, order=LotOrder.VALUE).words in page
