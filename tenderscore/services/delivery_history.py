"""The words a tender's history uses for what happened to its contract in delivery: KPIs added, varied and
withdrawn, delivery terms, returns sent and downloaded, partners' answers, ratings and performance notices
(services/history.py reads the events; this module only phrases them).

``kpi_titles`` maps a KPI id to its title, looked up once for the whole history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from tenderscore.core.numbers import plural, recorded_money
from tenderscore.core.performance import Rating

# Actions that belong to the contract's delivery, beside the prefixes kpi., delivery_return. and return_spend.
ACTIONS = (
    "contract.delivery_terms",
    "contract.period_rated",
    "contract.performance_notice_published",
    "report.contract_performance",
    "report.performance_notice_preview",
    "document.performance_notice",
)
PREFIXES = ("kpi", "delivery_return", "return_spend")

_SOURCES = {"page": "on the page", "api": "through the API", "workbook": "as a workbook"}


def is_delivery(action: str) -> bool:
    return action in ACTIONS or action.split(".", 1)[0] in PREFIXES


def kpi_ids(action: str, entity_id: str, after: Mapping[str, Any]) -> set[int]:
    """The KPIs an event names, so the history can look their titles up once."""
    if action.startswith("kpi.") and entity_id.isdigit():
        return {int(entity_id)}
    if action == "contract.period_rated":
        return {int(r["kpi_id"]) for r in after.get("ratings") or [] if str(r.get("kpi_id", "")).isdigit()}
    return set()


def describe(action: str, entity_id: str, before: Mapping[str, Any], after: Mapping[str, Any],
             kpi_titles: Mapping[int, str]) -> str:  # fmt: skip
    """One delivery event in plain words (the reason is shown beside it by the history)."""
    if action.startswith("kpi."):
        return _kpi(action, entity_id, before, after, kpi_titles)
    if action == "contract.delivery_terms":
        return _terms(before, after)
    if action == "delivery_return.submitted":
        late = ", late" if after.get("late") else ""
        how = _SOURCES.get(str(after.get("source")), "")
        return (f"Sent the return for period {after.get('period')} (version {after.get('version')}{late}) {how}: "
                f"contract spend {_money(after.get('contract_spend'))}, "
                f"{plural(int(after.get('spend_lines') or 0), 'VCSE spend line')}").replace("  ", " ")  # fmt: skip
    if action == "delivery_return.workbook_downloaded":
        if after.get("version"):
            period, version = after.get("period"), after["version"]
            return f"Downloaded the workbook that version {version} of the return for period {period} came in"
        holding = f" holding version {after['holding']}" if after.get("holding") else " (blank)"
        return f"Downloaded the return workbook for period {after.get('period')}{holding}"
    if action == "return_spend.answered":
        verb = {"confirmed": "Confirmed", "refused": "Disputed"}.get(str(after.get("confirmation")), "Answered")
        return (f"{verb} the spend of {_money(after.get('amount'))} reported with {after.get('identifier', 'them')} "
                f"for period {after.get('period')}")  # fmt: skip
    if action == "contract.period_rated":
        return _rated(after, kpi_titles)
    if action == "contract.performance_notice_published":
        first, last = (list(after.get("periods") or []) + [None, None])[:2]
        periods = f"period {first}" if first == last else f"periods {first} to {last}"
        overall = _rating(after.get("overall"))
        which = "the final contract performance notice" if after.get("final") else (
            f"contract performance notice {after.get('number')}")
        return f"Published {which} ({periods}; overall {overall})"
    if action == "document.performance_notice":
        return f"Issued the contract performance notice as a PDF ({after.get('filename', 'a file')})"
    if action == "report.performance_notice_preview":
        span = list(after.get("periods") or [])
        which = f" (periods {span[0]} to {span[-1]})" if len(span) == 2 and span[0] != span[1] else ""
        return f"Previewed contract performance notice {after.get('number')}{which}: not published"
    if action == "report.contract_performance":
        return "Downloaded the contract's performance as a workbook"
    return action.replace(".", " ").replace("_", " ").capitalize()


def _kpi(action: str, entity_id: str, before: Mapping[str, Any], after: Mapping[str, Any],
         kpi_titles: Mapping[int, str]) -> str:  # fmt: skip
    title = after.get("title") or before.get("title") or (
        kpi_titles.get(int(entity_id), "a KPI") if entity_id.isdigit() else "a KPI")
    variation = " (a variation)" if after.get("variation") else ""
    if action == "kpi.added":
        target = f", target {after['target']}" if after.get("target") else ""
        return f"Added the KPI “{title}”{target}{variation}"
    if action == "kpi.withdrawn":
        return f"Withdrew the KPI “{title}”{variation}"
    changed = [_field(k) for k in ("title", "description", "target", "target_value", "unit", "direction", "evidence")
               if k in before and before.get(k) != after.get(k)]  # fmt: skip
    if before.get("target") != after.get("target") and "target" in before:
        changed[changed.index("the target")] = f"the target from {before.get('target')} to {after.get('target')}"
    what = ": " + ", ".join(changed) if changed else ""
    return f"Changed the KPI “{title}”{what}{variation}"


def _field(key: str) -> str:
    return {"target_value": "the target figure", "direction": "whether the target is a floor or a ceiling",
            "evidence": "the evidence expected"}.get(key, f"the {key}")  # fmt: skip


def _terms(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    months = after.get("return_months")
    rule = after.get("rating_rule") or {}
    said = f"returns every {plural(int(months), 'month')}" if isinstance(months, int) else "the reporting period"
    if rule:
        said += (f"; Good at {rule.get('good')}% of the target, Approaching target at {rule.get('approaching')}%, "
                 f"Requires improvement at {rule.get('requires_improvement')}%")  # fmt: skip
    return f"Set the delivery terms: {said}"


def _rated(after: Mapping[str, Any], kpi_titles: Mapping[int, str]) -> str:
    ratings = list(after.get("ratings") or [])
    counts = Counter(_rating(r.get("rating")) for r in ratings)
    tally = ", ".join(f"{n} {label}" for label, n in counts.items())
    judged = [r for r in ratings if r.get("rating") != r.get("computed")]
    own = ""
    if judged:
        names = "; ".join(
            f"“{kpi_titles.get(int(r['kpi_id']), 'a KPI')}” {_rating(r.get('rating'))} where the rule gives "
            f"{_rating(r.get('computed'))} (“{r.get('reason', '')}”)" for r in judged)  # fmt: skip
        own = f". By the officer's judgement: {names}"
    return f"Rated {plural(len(ratings), 'KPI')} for period {after.get('period')}: {tally}{own}"


def _rating(value: object) -> str:
    try:
        return Rating(str(value)).label
    except ValueError:
        return "no rating"


def _money(value: object) -> str:
    return recorded_money(value) or "an amount not recorded"
