"""Sort the incidents of a fact sheet: outside the window, not relevant, excused, or counted."""

from __future__ import annotations

import datetime as dt

from . import _fmt as f
from .facts import Incident
from .result import IncidentResult, IncidentStatus
from .schema import TT124Framework


def in_window(incident: Incident, window: tuple[dt.date, dt.date]) -> bool:
    return window[0] <= incident.date <= window[1]


def excusing_flags(incident: Incident, framework: TT124Framework) -> list[str]:
    """The flags set on the incident that the law accepts as an excuse for its type."""
    allowed = framework.incident_types[incident.type].excused_by
    return [flag for flag in framework.excuse_flags if flag in incident.flags and flag in allowed]


def classify(
    incident: Incident, framework: TT124Framework, unit_type: str, window: tuple[dt.date, dt.date]
) -> IncidentResult:
    kind = framework.incident_types[incident.type]
    criteria = framework.incident_index(unit_type).get(incident.type, [])
    when = f.day(incident.date)

    def result(status: IncidentStatus, reason: str) -> IncidentResult:
        return IncidentResult(
            incident.index, incident.type, kind.label_vi, incident.date, status, criteria, reason, incident.id
        )

    if not in_window(incident, window):
        period = f"{f.day(window[0])}–{f.day(window[1])}"
        return result("outside_window", f"Ngày {when} nằm ngoài kỳ đánh giá {period}: không tính.")
    if not criteria:
        unit_label = framework.unit_types[unit_type].label_vi
        return result(
            "not_applicable",
            f"Loại sự việc này không thuộc tiêu chí TT 124 nào của {unit_label.lower()}: "
            "không làm trượt tiêu chí.",
        )
    flags = excusing_flags(incident, framework)
    if flags:
        why = " và ".join(framework.excuse_flags[flag] for flag in flags)
        return result(
            "excused",
            f"Sự việc ngày {when} được miễn trừ vì {why} (pháp luật cho phép với loại này): "
            f"không làm trượt {', '.join(criteria)}.",
        )
    refused = [name for name in framework.excuse_flags if name in incident.flags]
    extra = ""
    if refused:
        labels = ", ".join(framework.excuse_flags[name] for name in refused)
        extra = f" Cờ “{labels}” không được pháp luật cho miễn trừ với loại sự việc này."
    return result(
        "counted", f"Sự việc ngày {when} trong kỳ đánh giá: làm trượt {', '.join(criteria)}.{extra}"
    )
