"""Evaluate a fact sheet against the framework versions stored in the database.

`antq evaluate` and `POST /api/v1/evaluate` use this: what the engine applies is what
`antq load_frameworks` loaded (and what the province variants changed), not the YAML files on disk.
`python -m antq.criteria.engine` stays file-based (no Django).

For each framework the version is `selectors.active_version` on the last day of the unit type's
evaluation window (national, or the province's variant when a province is given), read with
`selectors.engine_framework` (classification thresholds marked verified once confirmed). A version
pinned in the fact sheet (`frameworks.tt124`, `frameworks.qd510`) is looked up by label among the
national versions and the province's variants; the engine refuses it if it is not in force yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from antq.core.errors import DomainError
from antq.criteria.engine import Library, evaluate_document
from antq.criteria.engine.schema import TT124Framework
from antq.criteria.models import Framework, FrameworkKind, FrameworkVersion
from antq.criteria.selectors import active_version, engine_framework
from antq.org.models import SEGMENT_WIDTH, OrgNode

TT124_CODE = "tt124"


class FrameworksNotLoaded(DomainError):
    """No framework version in the database yet."""


def _peek(document: Any) -> tuple[int | None, str | None, dict[str, str]]:
    """Year, unit type and pins as far as they can be read; the engine validates them properly."""
    if not isinstance(document, dict):
        return None, None, {}
    year = document.get("year")
    year = year if isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100 else None
    unit = document.get("unit")
    unit_type = unit.get("type") if isinstance(unit, dict) else None
    pins = document.get("frameworks")
    pins = {k: v for k, v in pins.items() if isinstance(v, str)} if isinstance(pins, dict) else {}
    return year, unit_type if isinstance(unit_type, str) else None, pins


def _province_paths(province: OrgNode | None) -> list[str]:
    if province is None:
        return []
    return [province.path[:end] for end in range(SEGMENT_WIDTH, len(province.path) + 1, SEGMENT_WIDTH)]


def _pinned(code: str, label: str, province: OrgNode | None) -> FrameworkVersion | None:
    """The version with this label: the province's own variant first, else the national one."""
    where = Q(province__isnull=True)
    paths = _province_paths(province)
    if paths:
        where |= Q(province__path__in=paths)
    candidates = FrameworkVersion.objects.filter(where, framework__code=code, label=label)
    return candidates.select_related("province").order_by("-province__path").first()


def _on_date(year: int | None) -> dt.date:
    return dt.date(year, 12, 31) if year is not None else dt.date.max


def _window_end(version: FrameworkVersion | None, unit_type: str | None, year: int | None) -> dt.date:
    if version is None or year is None:
        return _on_date(year)
    framework = engine_framework(version)
    if not isinstance(framework, TT124Framework):
        return _on_date(year)
    return framework.window_end(unit_type, year)


def stored_library(document: Any, *, province: OrgNode | None = None) -> Library:
    """The engine library for this fact sheet, built from `FrameworkVersion` rows."""
    if not FrameworkVersion.objects.exists():
        raise FrameworksNotLoaded(
            _(
                "Chưa có bộ tiêu chí nào trong cơ sở dữ liệu: hãy chạy `antq load_frameworks` "
                "để nạp các bộ tiêu chí trước khi đánh giá."
            )
        )
    year, unit_type, pins = _peek(document)
    chosen: list[FrameworkVersion] = []
    end = _on_date(year)
    tt124: FrameworkVersion | None = None
    if TT124_CODE in pins:
        tt124 = _pinned(TT124_CODE, pins[TT124_CODE], province)
        end = _window_end(tt124, unit_type, year)
    if tt124 is None:
        # The window's end depends on the version (each carries its windows): take the version in
        # force on 31/12, read its window's end, then the version in force on that day. (Also when
        # the pinned label does not exist: the engine reports it and checks the rest of the sheet.)
        first = active_version(TT124_CODE, province, end)
        end = _window_end(first, unit_type, year)
        tt124 = active_version(TT124_CODE, province, end)
        if tt124 is not None and tt124 != first:
            end = _window_end(tt124, unit_type, year)
    if tt124 is not None:
        chosen.append(tt124)
    sheet_pin = pins.get("qd510")
    for code in Framework.objects.filter(kind=FrameworkKind.QD510).values_list("code", flat=True):
        sheet = _pinned(code, sheet_pin, province) if sheet_pin else active_version(code, province, end)
        if sheet is not None:
            chosen.append(sheet)
    return Library.of([engine_framework(version) for version in chosen])


def evaluate_stored(document: dict[str, Any], *, province: OrgNode | None = None) -> dict[str, Any]:
    """`evaluate_document` with the versions stored in the database (see the module docstring).

    Raises `FrameworksNotLoaded` when nothing is loaded, `FactsError` on an invalid fact sheet."""
    return evaluate_document(document, stored_library(document, province=province))
