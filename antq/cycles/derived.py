"""QĐ 510 points the movement's records suggest (issue 5).

Items 1–4, 6 and 7 of the agency / enterprise / school sheet score what the unit did in the year.
The records of `initiatives`, `forces`, `outreach` and `coordination` (and the registration, for
item 1) say it; `data/prefill.yaml › derived_scores` says which facts feed which item and how.
The points are prefilled in the self column with their source; the officer may change them with a
reason (`Assessment.self_reasons`), and at submission the suggestions are frozen in
`Assessment.derived_scores` so the superior judges what the unit saw.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from antq.coordination.selectors import coordination_facts
from antq.core.facts import RecordFact
from antq.criteria.engine.schema import ScoreSheet
from antq.cycles.choices import RegistrationStatus
from antq.cycles.models import Assessment, Registration
from antq.forces.selectors import guard_force_facts
from antq.initiatives.selectors import effective_initiative_fact
from antq.org.models import OrgNode
from antq.outreach.selectors import festival_fact, reach_fact

PREFILL_DATA = Path(__file__).with_name("data") / "prefill.yaml"
SENT = (RegistrationStatus.SUBMITTED, RegistrationStatus.ACCEPTED)


# The facts `record_facts` reports: a rule naming anything else is a typo in the data file.
FACTS = frozenset(
    {
        "resolution_in_q1_where_party",
        "plan_in_q1",
        "registration_on_time",
        "initiative_effective",
        "outreach_reach",
        "festival_day_held",
        "guard_force_assigned",
        "guard_force_rated_good",
        "coordination_agreement",
        "coordination_executed",
        "coordination_reviewed",
        "local_campaigns_joined",
    }
)


@cache
def rules() -> dict[str, dict[str, Any]]:
    raw: dict[str, Any] = yaml.safe_load(PREFILL_DATA.read_text(encoding="utf-8"))
    found = dict(raw.get("derived_scores") or {})
    problems = rule_problems(found)
    if problems:
        raise ImproperlyConfigured(f"{PREFILL_DATA}: " + "; ".join(problems))
    return found


def rule_problems(found: dict[str, Any]) -> list[str]:
    """What is wrong with `derived_scores` (checked once, at first use: a typo must fail loudly,
    not silently leave an item to be typed)."""
    problems = []
    for leaf, rule in found.items():
        if not isinstance(rule, dict):
            problems.append(f"{leaf}: expected a mapping")
        elif "all_of" in rule:
            unknown = [name for name in rule["all_of"] or [] if name not in FACTS]
            if not rule["all_of"] or unknown:
                problems.append(f"{leaf}: unknown facts {unknown or 'none given'}")
        elif "share" in rule:
            if rule["share"] not in FACTS:
                problems.append(f"{leaf}: unknown fact {rule['share']!r}")
            at_least = rule.get("at_least")
            if not isinstance(at_least, int | float) or not 0 < at_least <= 1:
                problems.append(f"{leaf}: at_least must be a share in (0, 1]")
        else:
            problems.append(f"{leaf}: expected all_of or share")
    return problems


def record_facts(
    node: OrgNode, registration: Registration | None, start: dt.date, end: dt.date, year: int
) -> dict[str, RecordFact]:
    """Every fact `derived_scores` may name, from the records of the unit's window."""
    found = registration_facts(registration, year)
    found["initiative_effective"] = effective_initiative_fact(node, start, end)
    found["outreach_reach"] = reach_fact(node, start, end)
    found["festival_day_held"] = festival_fact(node, start, end)
    found.update(guard_force_facts(node, start, end))
    found.update(coordination_facts(node, start, end))
    return found


def _in_q1(day: dt.date | None, year: int) -> bool:
    return day is not None and dt.date(year, 1, 1) <= day <= dt.date(year, 3, 31)


def _document_fact(document: Any, label: str, year: int, url: str) -> RecordFact:
    if document is None or not document.is_active:
        return RecordFact(False, _("Hồ sơ đăng ký chưa có %(label)s") % {"label": label.lower()}, url)
    number = f" {document.number_symbol}" if document.number_symbol else ""
    in_q1 = _in_q1(document.issue_date, year)
    text = _("%(label)s%(number)s ngày %(date)s") % {
        "label": label,
        "number": number,
        "date": date_format(document.issue_date, "d/m/Y"),
    }
    return RecordFact(in_q1, text if in_q1 else _("%(text)s (sau Quý I)") % {"text": text}, url)


def registration_facts(registration: Registration | None, year: int) -> dict[str, RecordFact]:
    """Item 1: the resolution (where the unit has a Party organisation) and the plan in Quý I, and
    the registration sent by its deadline (the reporting duty ANTQ can see)."""
    if registration is None or registration.status not in SENT:
        missing = RecordFact(False, _("Chưa gửi bản đăng ký phấn đấu năm %(year)s") % {"year": year})
        return {
            "resolution_in_q1_where_party": missing,
            "plan_in_q1": missing,
            "registration_on_time": missing,
        }
    url = reverse("cycles:registration", kwargs={"pk": registration.pk})
    if registration.has_party_org:
        resolution = _document_fact(registration.resolution, _("Nghị quyết"), year, url)
    else:
        resolution = RecordFact(True, _("Đơn vị không có tổ chức Đảng"), url)
    sent_text = _("Đăng ký phấn đấu ngày %(date)s") % {
        "date": date_format(registration.registered_on, "d/m/Y")
    }
    on_time = RecordFact(
        not registration.is_late,
        sent_text if not registration.is_late else _("%(text)s (gửi muộn)") % {"text": sent_text},
        url,
    )
    return {
        "resolution_in_q1_where_party": resolution,
        "plan_in_q1": _document_fact(registration.plan, _("Kế hoạch"), year, url),
        "registration_on_time": on_time,
    }


def _percent(value: Fraction) -> str:
    """Rounded down: 89.6% shows as 89%, never as the 90% it does not reach."""
    return str(math.floor(value * 100))


def suggest(sheet: ScoreSheet, known: dict[str, RecordFact]) -> dict[str, RecordFact]:
    """{leaf: RecordFact(points, source, url)} for the sheet's items a rule covers."""
    leaves = sheet.leaf_ids()
    found: dict[str, RecordFact] = {}
    for leaf, rule in rules().items():
        if leaf not in leaves:
            continue
        maximum = leaves[leaf]
        if "all_of" in rule:
            parts = [known[name] for name in rule["all_of"] if name in known]
            if len(parts) != len(rule["all_of"]):
                continue
            earned = all(bool(p.value) for p in parts)
            source = "; ".join(p.source for p in parts)
            url = next((p.url for p in parts if p.url), "")
        else:
            fact = known.get(rule["share"])
            if fact is None:
                continue
            met, total = int(fact.value.get("met") or 0), int(fact.value.get("total") or 0)
            need = Fraction(str(rule["at_least"]))
            share = Fraction(met, total) if total else None
            earned = share is not None and share >= need
            if share is None:
                source = _("%(source)s — chưa có số người của đơn vị để tính tỷ lệ") % {"source": fact.source}
            else:
                source = _("%(source)s — đạt %(got)s%%, yêu cầu từ %(need)s%%") % {
                    "source": fact.source,
                    "got": _percent(share),
                    "need": _percent(need),
                }
            url = fact.url
        found[leaf] = RecordFact(maximum if earned else 0, source, url)
    return found


def frozen(assessment: Assessment) -> dict[str, RecordFact]:
    """The suggestions as the unit saw them when it submitted."""
    return {
        leaf: RecordFact(entry.get("value"), str(entry.get("source", "")), str(entry.get("url", "")))
        for leaf, entry in (assessment.derived_scores or {}).items()
    }


def snapshot(found: dict[str, RecordFact]) -> dict[str, dict[str, Any]]:
    return {leaf: {"value": f.value, "source": f.source, "url": f.url} for leaf, f in found.items()}
