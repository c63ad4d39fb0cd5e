"""Dates written the way Nghị định 30/2020 prescribes: "Quy Nhơn, ngày 05 tháng 01 năm 2026"."""

from __future__ import annotations

import datetime


def vietnamese_date(day: datetime.date) -> str:
    """Write "ngày 05 tháng 01 năm 2026": days below 10 and months 1 and 2 take a leading zero."""
    # NĐ 30 pads months 1 and 2 only, so "tháng 01" cannot be misread as "tháng 10"/"tháng 11"/"tháng 12".
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: datetime.date) -> str:
    """Write "Quy Nhơn, ngày 05 tháng 11 năm 2026" (the place name keeps the caller's capitalisation)."""
    return f"{place}, {vietnamese_date(day)}" if place else vietnamese_date(day)
