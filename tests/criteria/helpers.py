"""Build fact sheets for tests: a sheet that passes every TT 124 check, then variations of it."""

from __future__ import annotations

import copy
from typing import Any

from antq.criteria.engine import default_library
from antq.criteria.engine.schema import Check

UNIT_TYPES = ("residential_area", "commune", "agency", "enterprise", "school")
SHEET_UNIT_TYPES = ("agency", "enterprise", "school")


def passing_value(check: Check) -> Any:
    if check.type == "bool":
        return True
    if check.type == "count":
        return int(check.value or 0) if check.op in ("==", ">=", "<=") else int(check.value or 0) + 1
    if check.type == "ratio":
        return {"met": 10, "total": 10}
    if check.type == "rating":
        return check.min_level
    if check.type == "set":
        return list(check.must_include)
    return {"current": 3, "previous_year": 5}


def failing_value(check: Check) -> Any:
    if check.type == "bool":
        return False
    if check.type == "count":
        return int(check.value or 0) + 1 if check.op == "==" else 0
    if check.type == "ratio":
        return {"met": 0, "total": 10}
    if check.type == "rating":
        return "khong_hoan_thanh_nhiem_vu"
    if check.type == "set":
        return list(check.must_include[1:])
    return {"current": 6, "previous_year": 5}


def checks_by_criterion(unit_type: str) -> dict[str, list[Check]]:
    framework = default_library().tt124_for(2024)
    assert framework is not None
    return {c.id: list(c.all_checks) for c in framework.criteria_for(unit_type).criteria}


def passing_facts(unit_type: str, year: int = 2024, **unit: Any) -> dict[str, Any]:
    answers = {
        cid: {check.key: passing_value(check) for check in checks}
        for cid, checks in checks_by_criterion(unit_type).items()
        if checks
    }
    attributes = {"has_party_org": True, "eligible_for_emulation": True, "has_guard_force": True}
    if unit_type == "school":
        attributes["is_general_education"] = True
    return {
        "unit": {"type": unit_type, "name": f"Đơn vị thử {unit_type}", **attributes, **unit},
        "year": year,
        "answers": answers,
        "incidents": [],
    }


def full_scores(value: str = "max") -> dict[str, Any]:
    sheet = default_library().sheet_for("agency", 2024)
    assert sheet is not None
    scores: dict[str, Any] = {}
    for leaf, maximum in sheet.leaf_ids().items():
        points = maximum if value == "max" else 0
        scores[leaf] = {"self": points, "superior": points}
    return scores


def with_incident(facts: dict[str, Any], kind: str, date: str, **flags: bool) -> dict[str, Any]:
    out = copy.deepcopy(facts)
    out["incidents"].append({"type": kind, "date": date, **flags})
    return out


def criterion(result: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in result["tt124"]["criteria"] if c["id"] == cid)


def failed_ids(result: dict[str, Any]) -> list[str]:
    return [c["id"] for c in result["tt124"]["criteria"] if c["status"] == "failed"]
