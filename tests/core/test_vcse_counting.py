"""Which named VCSE partners count (docs/scoring.md, "Partners that count"), worked by hand.

One bid, price £1,000,000, stating a VCSE share of 20% with three partners: A verified (£120,000), B registered but
unverified (£50,000) and C unknown to the register (£30,000): 20% listed. The VCSE commitment has a mandatory minimum
of 15% and is scored proportionally (the highest compliant share earns the full 20 points).

* listed: all count, the stated 20% stands; compliant.
* registered: A + B = £170,000 = 17% >= 15%: compliant, scored on min(20%, 17%) = 17%, flagged naming C.
* verified: A alone = 12% < 15%: excluded, naming B and C.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tenderscore.core import ExclusionCode, FlagCode, VcsePartner, evaluate
from tenderscore.core.register import Confirmation, Counting, Standing, Verification, standing_at, stricter
from tenderscore.core.vcse import counted_share, share_counted

from .builders import D, commitment, price, rubric, scored, section
from .builders import bid as make_bid

SV = "sv_vcse"
PARTNERS = (
    VcsePartner("Aldergate Housing Trust", D(120000), identifier="GB-CHC-1290417", standing="verified"),
    VcsePartner("Tidewater Collective", D(50000), identifier="GB-MPR-31207R", standing="registered"),
    VcsePartner("Millrace Peer Support", D(30000), identifier="GB-CHC-1297001", standing="unknown"),
)


def _rubric(counting: Counting):  # type: ignore[no-untyped-def]
    from tenderscore.core import SectionCategory

    base = rubric(
        section("quality", SectionCategory.QUALITY, scored("q1", 60)),
        section("social", SectionCategory.SOCIAL_VALUE, commitment(SV, 20, "vcse_share", minimum=15)),
        section("price", SectionCategory.PRICE, price(20)),
        vcse_criterion=SV,
    )
    return replace(base, vcse_counting=counting.value)


def _bids(partners: tuple[VcsePartner, ...] = PARTNERS):  # type: ignore[no-untyped-def]
    ours = replace(make_bid("a", 1000000, **{SV: 20}), vcse_partners=partners)
    # a second compliant bid whose partners all count, stating 10%... below the minimum; so 16% with one verified
    other = replace(make_bid("b", 1000000, **{SV: 16}),
                    vcse_partners=(VcsePartner("Kestrel", D(160000), identifier="GB-CHC-1290311",
                                               standing="verified"),))  # fmt: skip
    return [ours, other]


def _result(counting: Counting, partners: tuple[VcsePartner, ...] = PARTNERS):  # type: ignore[no-untyped-def]
    evaluation = evaluate(_rubric(counting), _bids(partners), {("a", "q1"): 3, ("b", "q1"): 3})
    return {r.bid_id: r for r in evaluation.results}["a"]


def test_every_listed_partner_counts_under_listed() -> None:
    result = _result(Counting.LISTED)
    assert result.compliant
    # proportional: 20 / 20 (the highest share) x 20 points
    assert result.points[SV] == D(20)
    assert not [f for f in result.flags if f.code == FlagCode.VCSE_PARTNERS_NOT_COUNTED]


def test_registered_partners_count_under_registered_and_the_unknown_one_is_named() -> None:
    result = _result(Counting.REGISTERED)
    assert result.compliant
    # scored on 17%: the highest compliant share is 17 (b states 16), so a earns 17 / 17 x 20 = 20 and b 16/17 x 20
    assert result.points[SV] == D(20)
    flag = next(f for f in result.flags if f.code == FlagCode.VCSE_PARTNERS_NOT_COUNTED)
    assert "Millrace Peer Support (GB-CHC-1297001), unknown to the register, £30,000" in flag.message
    assert "scored as 17.00%, not the 20% stated" in flag.message
    assert "Tidewater" not in flag.message


def test_the_share_scored_moves_the_relative_formula() -> None:
    evaluation = evaluate(_rubric(Counting.REGISTERED), _bids(), {("a", "q1"): 3, ("b", "q1"): 3})
    b = {r.bid_id: r for r in evaluation.results}["b"]
    # b's 16% against a's counted 17% (not the 20% a stated): 16 / 17 x 20 = 18.82...
    assert b.points[SV].quantize(D("0.01")) == D("18.82")


def test_only_verified_partners_count_under_verified_and_a_bid_short_of_the_minimum_is_excluded() -> None:
    result = _result(Counting.VERIFIED)
    assert not result.compliant and result.rank is None
    (exclusion,) = result.exclusions
    assert exclusion.code == ExclusionCode.VCSE_PARTNERS_NOT_COUNTED
    assert exclusion.reason == (
        "The stated VCSE share of 20% meets the mandatory minimum of 15% only through partners that do not count "
        "under this tender's rule (verified VCSE partners only): Tidewater Collective (GB-MPR-31207R), registered "
        "but unverified, £50,000; Millrace Peer Support (GB-CHC-1297001), unknown to the register, £30,000. The "
        "partners that count deliver £120,000, 12.00% of the £1,000,000 price."
    )


def test_a_bid_already_below_the_minimum_gets_the_commitment_gate_not_this_one() -> None:
    low = tuple(replace(p, value_gbp=p.value_gbp / 2) for p in PARTNERS)
    evaluation = evaluate(_rubric(Counting.VERIFIED), [replace(_bids(low)[0], commitments={SV: D(10)})],
                          {("a", "q1"): 3})  # fmt: skip
    codes = [e.code for e in evaluation.results[0].exclusions]
    assert codes == [ExclusionCode.COMMITMENT_BELOW_MINIMUM]


def test_a_refusal_and_silence_are_flagged_for_the_moderator() -> None:
    partners = (
        replace(PARTNERS[0], confirmation=Confirmation.REFUSED.value, role="Move-on accommodation"),
        replace(PARTNERS[1], confirmation=Confirmation.AWAITING.value),
        replace(PARTNERS[2], confirmation=Confirmation.NOT_ASKED.value),
    )
    flags = {f.code: f.message for f in _result(Counting.LISTED, partners).flags}
    assert flags[FlagCode.VCSE_PARTNER_REFUSED] == (
        "Aldergate Housing Trust (GB-CHC-1290417) refused the part this bid gives it (£120,000, Move-on "
        "accommodation); ask the bidder before any decision."
    )
    assert flags[FlagCode.VCSE_PARTNER_UNCONFIRMED] == (
        "1 partner asked to confirm its part has not answered: Tidewater Collective (GB-MPR-31207R)."
    )


@pytest.mark.parametrize("counting", list(Counting))
def test_the_share_scored_is_never_above_the_stated_or_the_counted_share(counting: Counting) -> None:
    for stated in (D(5), D(12), D(20), D(30)):
        scored_share = share_counted(stated, PARTNERS, D(1000000), counting)
        assert scored_share <= stated
        if counting is not Counting.LISTED:
            assert scored_share <= counted_share(PARTNERS, D(1000000), counting)


def test_stricter_rules_win_and_standing_follows_verification_dates() -> None:
    assert stricter(Counting.LISTED, Counting.VERIFIED) is Counting.VERIFIED
    assert stricter(Counting.VERIFIED, Counting.REGISTERED) is Counting.VERIFIED
    joined = datetime(2026, 1, 1, tzinfo=UTC)
    spans = [Verification(joined + timedelta(days=10), joined + timedelta(days=375),
                          ended_at=joined + timedelta(days=100))]  # fmt: skip
    assert standing_at(None, spans, joined) is Standing.UNKNOWN
    assert standing_at(joined, spans, joined - timedelta(seconds=1)) is Standing.UNKNOWN
    assert standing_at(joined, spans, joined + timedelta(days=5)) is Standing.REGISTERED
    assert standing_at(joined, spans, joined + timedelta(days=10)) is Standing.VERIFIED
    assert standing_at(joined, spans, joined + timedelta(days=100)) is Standing.REGISTERED  # ended early
    lapsed = [Verification(joined, joined + timedelta(days=30))]
    assert standing_at(joined, lapsed, joined + timedelta(days=30)) is Standing.REGISTERED  # lapses at expiry
