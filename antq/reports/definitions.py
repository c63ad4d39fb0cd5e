"""The national report definitions (`data/definitions.yaml`): read, validated, stored.

`load_national` runs after every `migrate` (apps.py) and from `antq load_report_definitions`: it
validates the whole file first (nothing is written on an error), then creates or updates one
national definition (no node) per code. Provinces' own definitions are never touched.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from antq.plans.metrics import metrics
from antq.reports.choices import LEVEL_ORDER
from antq.reports.models import ReportDefinition, month_day
from antq.reports.statistics import ROW_KEYS

DATA = Path(__file__).with_name("data") / "definitions.yaml"
MONTH_DAY = re.compile(r"^\d{2}-\d{2}$")
FIELDS = (
    "title",
    "period_start",
    "period_end",
    "deadlines",
    "sections",
    "statistics",
    "basis",
    "illustrative",
)


class DefinitionFileError(ValueError):
    """The file is malformed: every problem, one per line."""


def month_day_problem(value: object) -> str | None:
    """Why `value` is not a month-day ("MM-DD"), or None."""
    if not isinstance(value, str) or not MONTH_DAY.match(value):
        return "phải có dạng tháng-ngày (MM-DD), ví dụ 10-30"
    try:
        month_day(value, 2024)  # a leap year: 02-29 is a valid month-day
    except ValueError:
        return "không phải một ngày có thật"
    return None


def _problems(index: int, row: dict[str, Any]) -> list[str]:
    where = f"definitions[{index}] ({row.get('code', '?')})"
    out: list[str] = []
    for name in ("code", "title", "period_start", "period_end", "deadlines", "sections", "statistics"):
        if not row.get(name):
            out.append(f"{where}: thiếu {name}")
    for name in ("period_start", "period_end"):
        if row.get(name) and (problem := month_day_problem(row[name])):
            out.append(f"{where}: {name} {problem}")
    for level, due in (row.get("deadlines") or {}).items():
        if level not in LEVEL_ORDER:
            out.append(f"{where}: cấp không hợp lệ {level!r}")
        elif problem := month_day_problem(due):
            out.append(f"{where}: hạn của {level} {problem}")
    unknown = [key for key in row.get("statistics") or [] if key not in ROW_KEYS]
    if unknown:
        out.append(f"{where}: chỉ số không có: {', '.join(map(str, unknown))}")
    return out


@cache
def read_file(path: Path = DATA) -> tuple[dict[str, Any], ...]:
    """The definitions of the file, validated (raises DefinitionFileError listing every problem)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = list(data.get("definitions") or [])
    problems = [p for i, row in enumerate(rows) for p in _problems(i, row)]
    codes = [row.get("code") for row in rows]
    problems += [f"mã trùng: {c}" for c in sorted({c for c in codes if codes.count(c) > 1})]
    metrics()  # the metric catalogue must load too
    if problems:
        raise DefinitionFileError("\n".join(problems))
    return tuple(rows)


def load_national() -> int:
    """Create or update the national definitions from the file; the number written."""
    rows = read_file()
    written = 0
    with transaction.atomic():
        for row in rows:
            values = {name: row.get(name, "") for name in FIELDS}
            values["basis"] = str(values["basis"] or "").strip()
            values["illustrative"] = bool(row.get("illustrative", False))
            obj, created = ReportDefinition.objects.get_or_create(
                node=None, code=row["code"], defaults={**values, "from_file": True}
            )
            if created:
                written += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if changed or not obj.from_file:
                for name, value in changed.items():
                    setattr(obj, name, value)
                obj.from_file = True
                obj.version += 1
                obj.save()
                written += 1
    return written
