"""The self-check's partners: each one's standing on the register, whether it counts under the tender's rule, and a
warning at its identifier cell when it does not. The fixture bid: 20% stated; Aldergate £150,000.05 (C5), Kestrel
£75,000 (C6), Second Shift £25,000.05 (C7) of a £1,250,000.50 price, against a 15% minimum."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest

from tenderscore.core.rubric import Rubric
from tenderscore.sheets import Outcome, TemplateIdentity, self_check
from tenderscore.sheets.selfcheck import NOT_LOOKED_UP

ALDERGATE, KESTREL, SECOND_SHIFT = "GB-CHC-1291234", "GB-SC-SC091234", "GB-COH-19123456"


def lookup(standings: Mapping[str, str]):  # type: ignore[no-untyped-def]
    asked: list[Sequence[str]] = []

    def look(identifiers: Sequence[str]) -> Mapping[str, str]:
        asked.append(list(identifiers))
        return {i: standings[i] for i in identifiers if i in standings}

    look.asked = asked  # type: ignore[attr-defined]
    return look


def counting(rubric: Rubric, rule: str) -> Rubric:
    return replace(rubric, vcse_counting=rule)


def test_each_partner_is_reported_with_its_standing_and_cell(
    rubric: Rubric, tender: TemplateIdentity, template: bytes, fill
) -> None:  # type: ignore[no-untyped-def]
    look = lookup({ALDERGATE: "verified", KESTREL: "registered", SECOND_SHIFT: "unknown"})
    result = self_check(fill(), counting(rubric, "registered"), tender, lookup=look)
    assert look.asked == [[ALDERGATE, KESTREL, SECOND_SHIFT]]  # one look-up for all of them
    assert [(p.where, p.standing_words, p.counts) for p in result.partners] == [
        ("VCSE partners!C5", "verified VCSE", True),
        ("VCSE partners!C6", "registered but unverified", True),
        ("VCSE partners!C7", "unknown to the register", False),
    ]
    assert result.ok  # the share still meets the minimum: 18% by the partners that count
    (warning,) = result.warnings
    assert warning.where == "VCSE partners!C7" and "Second Shift Kitchens CIC (GB-COH-19123456)" in warning.message
    assert "partners on the VCSE register, verified or not" in warning.message and "£25,000.05" in warning.message
    gate = next(g for g in result.gates if g.title.endswith("partners that count"))
    assert gate.outcome == Outcome.PASSED and "18.00%" in gate.message
    text = "\n".join(result.lines())
    assert "VCSE partners!C6 Kestrel Recovery Network (GB-SC-SC091234), £75,000: registered but unverified" in text


def test_a_share_met_only_through_partners_that_do_not_count_is_a_warning_naming_them(
    rubric: Rubric, tender: TemplateIdentity, fill
) -> None:  # type: ignore[no-untyped-def]
    look = lookup({ALDERGATE: "registered", KESTREL: "verified", SECOND_SHIFT: "verified"})
    result = self_check(fill(), counting(rubric, "verified"), tender, lookup=look)
    gate = next(g for g in result.gates if g.title.endswith("partners that count"))
    assert gate.outcome == Outcome.LATER  # the register may change before the evaluation: not a failure today
    assert "8.00% of the price, below the mandatory minimum" in gate.message
    assert "Aldergate Housing Trust (GB-CHC-1291234), registered but unverified, £150,000.05" in gate.message
    assert [w.where for w in result.warnings] == ["VCSE partners!C5"]
    assert "A buyer may verify it before the evaluation" in result.warnings[0].message
    assert all(g.outcome != Outcome.FAILED for g in result.gates) and result.ok


def test_under_the_listed_rule_every_partner_counts_but_an_unknown_one_is_still_warned_of(
    rubric: Rubric, tender: TemplateIdentity, fill
) -> None:  # type: ignore[no-untyped-def]
    look = lookup({ALDERGATE: "verified", KESTREL: "unknown", SECOND_SHIFT: "verified"})
    result = self_check(fill(), counting(rubric, "listed"), tender, lookup=look)
    assert [p.counts for p in result.partners] == [True, True, True]
    assert not any(g.title.endswith("partners that count") for g in result.gates)
    assert [w.where for w in result.warnings] == ["VCSE partners!C6"]
    assert "cannot be asked to confirm" in result.warnings[0].message


@pytest.mark.parametrize("rule", ["registered", "verified"])
def test_without_a_lookup_partners_are_not_looked_up_and_counting_waits(
    rubric: Rubric, tender: TemplateIdentity, fill, rule: str
) -> None:  # type: ignore[no-untyped-def]
    result = self_check(fill(), counting(rubric, rule), tender)
    assert result.ok and result.warnings == ()
    assert [(p.standing, p.counts) for p in result.partners] == [(None, None)] * 3
    assert all(p.standing_words == NOT_LOOKED_UP for p in result.partners)
    gate = next(g for g in result.gates if g.title.endswith("partners that count"))
    assert gate.outcome == Outcome.LATER and "not looked up" in gate.message
    assert "not looked up on the register" in "\n".join(result.lines())
