"""Every TT 124 check of every unit type, ratios with exact fractions, conditions, missing data."""

from __future__ import annotations

import copy

import pytest

from antq.criteria.engine import evaluate_document

from .helpers import UNIT_TYPES, checks_by_criterion, criterion, failed_ids, failing_value, passing_facts

CHECK_CASES = [
    (unit_type, cid, check.key, failing_value(check))
    for unit_type in UNIT_TYPES
    for cid, checks in checks_by_criterion(unit_type).items()
    for check in checks
]


@pytest.mark.parametrize("unit_type", UNIT_TYPES)
def test_all_checks_met_is_recognized(unit_type):
    result = evaluate_document(passing_facts(unit_type))
    assert result["recognized"] is True
    assert result["tt124"]["status"] == "recognized"
    assert all(c["passed"] for c in result["tt124"]["criteria"])


def test_criteria_ids_are_those_of_criteria_yaml():
    ids = {u: list(checks_by_criterion(u)) for u in UNIT_TYPES}
    assert ids["residential_area"] == [f"TT124.KDC.{i}" for i in range(1, 6)]
    assert ids["commune"] == [f"TT124.XA.{i}" for i in range(1, 5)]
    assert ids["agency"] == ids["enterprise"] == [f"TT124.CQDN.{i}" for i in range(1, 6)]
    assert ids["school"] == [f"TT124.CSGD.{i}" for i in range(1, 7)]


@pytest.mark.parametrize(("unit_type", "cid", "key", "bad"), CHECK_CASES)
def test_each_failing_check_fails_only_its_criterion(unit_type, cid, key, bad):
    facts = passing_facts(unit_type)
    facts["answers"][cid][key] = bad
    result = evaluate_document(facts)
    assert result["recognized"] is False
    assert failed_ids(result) == [cid]
    failed = [c for c in criterion(result, cid)["checks"] if c["status"] == "failed"]
    assert [c["key"] for c in failed] == [key]
    assert failed[0]["reason"] in criterion(result, cid)["reasons"]


@pytest.mark.parametrize(("unit_type", "cid", "key", "bad"), CHECK_CASES)
def test_each_missing_answer_makes_the_result_incomplete(unit_type, cid, key, bad):
    facts = passing_facts(unit_type)
    del facts["answers"][cid][key]
    result = evaluate_document(facts)
    assert result["recognized"] is False
    status = criterion(result, cid)["status"]
    # a check that does not apply (when: ...) is not missing; all attributes are true here, so it applies
    assert status == "incomplete"
    assert result["tt124"]["status"] == "incomplete"


RATIO_CASES = [
    # (criterion, key, met, total, excluded, passes)
    ("TT124.XA.4", "child_units_recognized_ratio", 16, 25, 0, False),  # 64%
    ("TT124.XA.4", "child_units_recognized_ratio", 17, 25, 0, False),  # 68%
    ("TT124.XA.4", "child_units_recognized_ratio", 18, 25, 0, True),  # 72%
    ("TT124.XA.4", "child_units_recognized_ratio", 7, 10, 0, True),  # exactly 70%
    ("TT124.XA.4", "child_units_recognized_ratio", 69, 100, 0, False),
    (
        "TT124.XA.4",
        "child_units_recognized_ratio",
        18,
        27,
        2,
        True,
    ),  # 18/25 once 2 excluded units are removed
    ("TT124.XA.4", "child_units_recognized_ratio", 18, 26, 0, False),  # 69.23%
    ("TT124.XA.4", "child_units_registered_ratio", 24, 25, 0, False),
    ("TT124.XA.4", "child_units_registered_ratio", 25, 27, 2, True),
    ("TT124.XA.4", "child_units_registered_ratio", 25, 25, 0, True),
]


@pytest.mark.parametrize(("cid", "key", "met", "total", "excluded", "passes"), RATIO_CASES)
def test_commune_ratio_boundaries(cid, key, met, total, excluded, passes):
    facts = passing_facts("commune")
    facts["answers"][cid][key] = {"met": met, "total": total, "excluded": excluded}
    result = evaluate_document(facts)
    assert result["recognized"] is passes
    check = next(c for c in criterion(result, cid)["checks"] if c["key"] == key)
    assert check["status"] == ("passed" if passes else "failed")
    assert f"{met}/{total - excluded}" in check["reason"]
    if excluded:
        assert f"đã loại {excluded}" in check["reason"]


def test_sixteen_of_twenty_five_message():
    facts = passing_facts("commune")
    facts["answers"]["TT124.XA.4"]["child_units_recognized_ratio"] = {"met": 16, "total": 25}
    check = criterion(evaluate_document(facts), "TT124.XA.4")["checks"][1]
    assert "16/25 = 64%" in check["reason"] and "≥ 70%" in check["reason"]


@pytest.mark.parametrize(
    ("unit_type", "cid", "key", "met", "total", "passes"),
    [
        ("agency", "TT124.CQDN.5", "subunits_good_ratio", 7, 10, True),
        ("agency", "TT124.CQDN.5", "subunits_good_ratio", 6, 9, False),  # 66.67%
        ("school", "TT124.CSGD.6", "subunits_good_ratio", 5, 7, True),  # 71.4%
        ("school", "TT124.CSGD.6", "subunits_good_ratio", 2, 3, False),
        ("residential_area", "TT124.KDC.1", "household_registration_ratio", 99, 100, False),
        ("residential_area", "TT124.KDC.1", "household_registration_ratio", 120, 120, True),
        ("agency", "TT124.CQDN.1", "staff_briefed_ratio", 44, 45, False),
        ("school", "TT124.CSGD.1", "members_briefed_ratio", 800, 800, True),
    ],
)
def test_other_ratio_boundaries(unit_type, cid, key, met, total, passes):
    facts = passing_facts(unit_type)
    facts["answers"][cid][key] = {"met": met, "total": total}
    assert evaluate_document(facts)["recognized"] is passes


def test_empty_denominator_is_not_applicable():
    facts = passing_facts("commune")
    facts["answers"]["TT124.XA.4"]["child_units_recognized_ratio"] = {"met": 0, "total": 2, "excluded": 2}
    result = evaluate_document(facts)
    assert criterion(result, "TT124.XA.4")["checks"][1]["status"] == "not_applicable"
    assert result["recognized"] is True


@pytest.mark.parametrize(
    ("unit_type", "attribute", "cid", "key"),
    [
        ("agency", "has_party_org", "TT124.CQDN.1", "party_resolution_in_q1"),
        ("enterprise", "eligible_for_emulation", "TT124.CQDN.4", "guard_force_rating"),
        ("enterprise", "eligible_for_emulation", "TT124.CQDN.5", "subunits_good_ratio"),
        ("school", "is_general_education", "TT124.CSGD.2", "parent_board_coordination"),
        ("school", "has_guard_force", "TT124.CSGD.5", "guard_force_rating"),
        ("school", "has_guard_force", "TT124.CSGD.5", "guard_force_disciplined_warning_or_above"),
        ("school", "eligible_for_emulation", "TT124.CSGD.6", "subunits_good_ratio"),
    ],
)
def test_conditional_checks_do_not_apply(unit_type, attribute, cid, key):
    facts = passing_facts(unit_type, **{attribute: False})
    facts["answers"][cid][key] = failing_value_for(unit_type, cid, key)
    result = evaluate_document(facts)
    assert result["recognized"] is True
    check = next(c for c in criterion(result, cid)["checks"] if c["key"] == key)
    assert check["status"] == "not_applicable"


def failing_value_for(unit_type, cid, key):
    check = next(c for c in checks_by_criterion(unit_type)[cid] if c.key == key)
    return failing_value(check)


def test_undeclared_condition_means_the_check_applies():
    facts = passing_facts("agency")
    del facts["unit"]["has_party_org"]
    del facts["answers"]["TT124.CQDN.1"]["party_resolution_in_q1"]
    result = evaluate_document(facts)
    check = criterion(result, "TT124.CQDN.1")["checks"][0]
    assert check["status"] == "missing" and "coi như có áp dụng" in check["reason"]


def test_guard_force_accepts_advanced_collective_title():
    facts = passing_facts("agency")
    facts["answers"]["TT124.CQDN.4"]["guard_force_rating"] = "tap_the_lao_dong_tien_tien"
    assert evaluate_document(facts)["recognized"] is True
    facts["answers"]["TT124.CQDN.4"]["guard_force_rating"] = "hoan_thanh_nhiem_vu"
    assert evaluate_document(facts)["recognized"] is False


def test_grassroots_force_needs_only_completed():
    facts = passing_facts("residential_area")
    facts["answers"]["TT124.KDC.5"]["grassroots_force_rating"] = "hoan_thanh_nhiem_vu"
    assert evaluate_document(facts)["recognized"] is True


def test_trend_not_above_previous_year():
    facts = passing_facts("residential_area")
    key = "crime_vice_violation_count"
    facts["answers"]["TT124.KDC.4"][key] = {"current": 5, "previous_year": 5}
    assert evaluate_document(facts)["recognized"] is True
    facts["answers"]["TT124.KDC.4"][key] = {"current": 6, "previous_year": 5}
    result = evaluate_document(facts)
    assert failed_ids(result) == ["TT124.KDC.4"]


def test_yes_no_judgment_for_a_whole_criterion_or_sub_item():
    facts = passing_facts("residential_area")
    facts["answers"]["TT124.KDC.2"] = True
    facts["answers"]["TT124.KDC.3"] = False
    facts["answers"]["TT124.KDC.4.c"] = {"subject_management_effective": False}
    result = evaluate_document(facts)
    assert failed_ids(result) == ["TT124.KDC.3", "TT124.KDC.4"]
    assert any("answers.TT124.KDC.3" in r for r in criterion(result, "TT124.KDC.3")["reasons"])


def test_excluded_unit_is_not_recognized():
    facts = passing_facts("enterprise", exclusion="EXC_SMALL_MICRO_ENTERPRISE")
    result = evaluate_document(facts)
    assert result["recognized"] is False
    assert result["tt124"]["status"] == "excluded"
    assert "Điều 1" in result["tt124"]["summary_vi"]


def test_input_is_not_mutated():
    facts = passing_facts("agency")
    before = copy.deepcopy(facts)
    evaluate_document(facts)
    assert facts == before
