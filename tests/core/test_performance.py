"""The rating rule, reporting periods and notices due (core/performance.py), by worked examples computed by hand
(docs/performance.md, "Ratings", uses the same numbers) and two properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderscore.core.errors import ScoringError
from tenderscore.core.performance import (
    Direction,
    NoticeDue,
    Period,
    Rating,
    RatingRule,
    achievement,
    add_months,
    delivered_share,
    next_notice,
    overall,
    percent_achieved,
    periods,
    rate,
)

D = Decimal
RULE = RatingRule()  # Good at 95% of the target, Approaching at 85%, Requires improvement at 70%
LESS = Direction.AT_MOST


def test_the_docs_worked_example_a_vcse_share_short_of_target() -> None:
    # Target 15% VCSE share, 13.5% delivered: 13.5 / 15 = 0.9 = 90% of target, at least 85 and below 95.
    assert achievement(D(15), D("13.5")) == Fraction(9, 10)
    assert percent_achieved(D(15), D("13.5")) == D("90.00")
    assert rate(RULE, D(15), D("13.5")) == Rating.APPROACHING
    assert Rating.APPROACHING.label == "Approaching target" and Rating.APPROACHING.ocds == "slightlyBelow"


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [
        ("20", Rating.GOOD),  # 100%
        ("19", Rating.GOOD),  # exactly 95%: at the threshold is Good
        ("18.9999", Rating.APPROACHING),  # 94.9995%
        ("17", Rating.APPROACHING),  # exactly 85%
        ("16.9999", Rating.REQUIRES_IMPROVEMENT),  # 84.9995%
        ("14", Rating.REQUIRES_IMPROVEMENT),  # exactly 70%
        ("13.9999", Rating.INADEQUATE),  # 69.9995%
        ("0", Rating.INADEQUATE),
        ("40", Rating.GOOD),  # 200%: beyond the target is still Good
    ],
)
def test_each_boundary_of_the_default_rule_on_a_target_of_20(delivered: str, expected: Rating) -> None:
    assert rate(RULE, D(20), D(delivered)) == expected


def test_a_third_is_compared_exactly_not_rounded() -> None:
    # Target 3, delivered 2.85: 95% exactly. Target 30, delivered 28.4999...: just below, never rounded up to 95.
    assert rate(RULE, D(3), D("2.85")) == Rating.GOOD
    assert rate(RULE, D(30), D("28.49999999")) == Rating.APPROACHING
    # 2 of 3 is 66.67% shown, 66.666...% compared: Inadequate under 70.
    assert percent_achieved(D(3), D(2)) == D("66.67")
    assert rate(RULE, D(3), D(2)) == Rating.INADEQUATE


def test_at_most_kpis_divide_the_target_by_what_was_delivered() -> None:
    # At most 10 complaints: 10 delivered is the target met; 11 is 10/11 = 90.9% Approaching; 13 is 76.9%
    # Requires improvement; 15 is 66.7% Inadequate; fewer than the target is Good.
    assert rate(RULE, D(10), D(10), LESS) == Rating.GOOD
    assert percent_achieved(D(10), D(11), LESS) == D("90.91")
    assert rate(RULE, D(10), D(11), LESS) == Rating.APPROACHING
    assert rate(RULE, D(10), D(13), LESS) == Rating.REQUIRES_IMPROVEMENT
    assert rate(RULE, D(10), D(15), LESS) == Rating.INADEQUATE
    assert rate(RULE, D(10), D(4), LESS) == Rating.GOOD
    assert rate(RULE, D(10), D(0), LESS) == Rating.GOOD  # none at all where 10 were allowed


def test_zero_targets() -> None:
    # "At least 0" is met by anything; "at most 0" is met only by 0: any more is Inadequate (0 / n = 0%).
    assert rate(RULE, D(0), D(0)) == Rating.GOOD
    assert rate(RULE, D(0), D(5)) == Rating.GOOD
    assert rate(RULE, D(0), D(0), LESS) == Rating.GOOD
    assert rate(RULE, D(0), D(1), LESS) == Rating.INADEQUATE


def test_nothing_to_rate_is_other() -> None:
    assert rate(RULE, None, D(5)) == Rating.OTHER  # a KPI with a target in words
    assert rate(RULE, D(5), None) == Rating.OTHER  # nothing reported
    assert percent_achieved(D(5), None) is None


def test_figures_must_be_exact_and_not_negative() -> None:
    with pytest.raises(ScoringError, match="finite Decimal"):
        rate(RULE, D(5), 4.5)  # type: ignore[arg-type]
    with pytest.raises(ScoringError, match="cannot be negative"):
        rate(RULE, D(5), D(-1))


def test_a_stricter_published_rule() -> None:
    strict = RatingRule(good=D(100), approaching=D(90), requires_improvement=D(80))
    assert rate(strict, D(15), D("13.5")) == Rating.APPROACHING  # 90% exactly
    assert rate(strict, D(15), D("14.9")) == Rating.APPROACHING  # 99.3%: not Good under this rule
    assert strict.lines()[0] == "Good: 100% of the target or more"
    assert RatingRule.from_dict(strict.as_dict()) == strict
    assert RatingRule.from_dict(None) == RULE


def test_rule_problems_are_named() -> None:
    assert RULE.problems() == []
    assert RatingRule(good=D(80), approaching=D(85), requires_improvement=D(70)).problems() == [
        ("approaching", "the percentages must fall from Good to Approaching target to Requires improvement")
    ]
    assert [name for name, _ in RatingRule(good=D(0), approaching=D(2000)).problems()] == ["good", "approaching"]


def test_the_rule_in_words() -> None:
    assert RULE.lines()[:4] == [
        "Good: 95% of the target or more",
        "Approaching target: 85% or more, below 95%",
        "Requires improvement: 70% or more, below 85%",
        "Inadequate: below 70% of the target",
    ]


def test_overall_is_the_lowest_rating_other_aside() -> None:
    assert overall([Rating.GOOD, Rating.APPROACHING, Rating.GOOD]) == Rating.APPROACHING
    assert overall([Rating.GOOD, Rating.OTHER, Rating.INADEQUATE]) == Rating.INADEQUATE
    assert overall([Rating.OTHER, Rating.GOOD]) == Rating.GOOD
    assert overall([Rating.OTHER]) == Rating.OTHER
    assert overall([]) == Rating.OTHER


def test_delivered_share() -> None:
    # £13,500 confirmed of £100,000 spent: 13.5%; £1 of £3: 33.33...% unrounded; nothing spent: no share.
    assert delivered_share(D(13500), D(100000)) == D("13.5")
    third = delivered_share(D(1), D(3))
    assert third is not None and str(third).startswith("33.3333333333")
    assert delivered_share(D(5), D(0)) is None


def test_adding_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # a leap year
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 4, 1), 12) == date(2028, 4, 1)


def test_quarterly_periods_from_the_first_of_april() -> None:
    found = periods(date(2027, 4, 1), date(2028, 3, 31), 3)
    assert [(p.starts_on, p.ends_on) for p in found] == [
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 3, 31)),
    ]
    assert found[0].due_on == date(2027, 7, 30)  # 30 days after 30 June
    assert not found[0].late(date(2027, 7, 30)) and found[0].late(date(2027, 7, 31))


def test_monthly_periods_from_31_january_and_the_last_cut_short() -> None:
    found = periods(date(2027, 1, 31), date(2027, 5, 10), 1)
    assert [(p.number, p.starts_on, p.ends_on) for p in found] == [
        (1, date(2027, 1, 31), date(2027, 2, 27)),  # 31 Jan + 1 month = 28 Feb, so the first ends the day before
        (2, date(2027, 2, 28), date(2027, 3, 30)),  # 31 Jan + 2 months = 31 Mar
        (3, date(2027, 3, 31), date(2027, 4, 29)),  # + 3 months = 30 Apr
        (4, date(2027, 4, 30), date(2027, 5, 10)),  # cut short at the contract's end
    ]


def test_periods_refuse_odd_cycles_and_backward_contracts() -> None:
    with pytest.raises(ScoringError, match="1, 3, 6 or 12 months"):
        periods(date(2027, 1, 1), date(2028, 1, 1), 2)
    with pytest.raises(ScoringError, match="cannot end before it starts"):
        periods(date(2027, 1, 1), date(2026, 1, 1), 3)
    assert periods(date(2027, 1, 1), date(2027, 1, 1), 12) == [Period(1, date(2027, 1, 1), date(2027, 1, 1))]


def test_next_notice_every_twelve_months_and_at_the_end() -> None:
    start, end = date(2027, 4, 1), date(2030, 3, 31)
    assert next_notice(start, end, None, False) == NoticeDue(date(2028, 4, 1), date(2028, 5, 1), False)
    assert next_notice(start, end, date(2028, 3, 31), False) == NoticeDue(date(2029, 3, 31), date(2029, 4, 30), False)
    # The next twelve months would run past the end: the final notice, assessed at the end.
    assert next_notice(start, end, date(2029, 3, 31), False) == NoticeDue(date(2030, 3, 31), date(2030, 4, 30), True)
    assert next_notice(start, end, date(2030, 3, 31), True) is None
    # A contract shorter than a year: its only notice is the final one.
    assert next_notice(start, date(2027, 9, 30), None, False) == NoticeDue(date(2027, 9, 30), date(2027, 10, 30),
                                                                           True)  # fmt: skip


PERCENTS = st.decimals(min_value=0, max_value=1000, places=3)
TARGETS = st.decimals(min_value=D("0.001"), max_value=100000, places=3)
ORDER = [Rating.GOOD, Rating.APPROACHING, Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE]


@settings(max_examples=120, deadline=None)
@given(target=TARGETS, a=PERCENTS, b=PERCENTS, less=st.booleans())
def test_delivering_more_never_rates_worse(target: Decimal, a: Decimal, b: Decimal, less: bool) -> None:
    low, high = sorted((target * a / 100, target * b / 100))
    if less:  # for an "at most" KPI, less delivered is better
        assert ORDER.index(rate(RULE, target, low, LESS)) <= ORDER.index(rate(RULE, target, high, LESS))
    else:
        assert ORDER.index(rate(RULE, target, high)) <= ORDER.index(rate(RULE, target, low))


@settings(max_examples=120, deadline=None)
@given(target=TARGETS, percent=PERCENTS)
def test_the_rating_agrees_with_the_percentage_shown_at_whole_thresholds(target: Decimal, percent: Decimal) -> None:
    # Delivering exactly p% of the target is rated by comparing p itself with the thresholds.
    rating = rate(RULE, target, target * percent / 100)
    expected = (Rating.GOOD if percent >= 95 else Rating.APPROACHING if percent >= 85
                else Rating.REQUIRES_IMPROVEMENT if percent >= 70 else Rating.INADEQUATE)  # fmt: skip
    assert rating == expected
