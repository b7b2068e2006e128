"""One rule for numbers typed on every form (core.numbers.read_number): commas only between thousands, so "12,5"
is refused rather than read as 125, and "1,200" is 1200. KPI targets, contract values and policies follow it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderscore.services import contracts, kpis
from tenderscore.services.errors import Invalid

READ = [("1,200", Decimal(1200)), ("95.5%", Decimal("95.5")), ("£25,000", Decimal(25000))]


@pytest.mark.parametrize(("typed", "read"), READ)
def test_a_kpi_target_is_read_by_the_one_rule(typed: str, read: Decimal) -> None:
    assert kpis.checked(kpis.KpiEntry(title="Hours", target_value=typed))["target_value"] == read


@pytest.mark.parametrize("typed", ["12,5", "1,0", "1_000", "NaN"])
def test_a_kpi_target_with_a_stray_comma_is_refused(typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        kpis.checked(kpis.KpiEntry(title="Hours", target_value=typed))
    assert [f for f, _ in refused.value.problems] == ["target_value"]


def test_a_contract_kpi_target_in_words_is_not_a_figure() -> None:
    assert contracts.kpi_figure("1,200") == Decimal(1200)
    assert contracts.kpi_figure("12,5") is None and contracts.kpi_figure("most weeks") is None
