"""The assessment form's structure and its parsing back into the services' shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import QueryDict

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.cycles import services
from antq.cycles.models import Registration
from antq.cycles.sheet import NO_SHEET, REVIEW, SELF, AssessmentSheet
from tests.cycles.routes import documents, framework_files

YEAR = 2026


@pytest.fixture
def cycle(tree, province_officer):  # type: ignore[no-untyped-def]
    loader.apply(framework_files())
    return services.cycle_open(
        by=province_officer, scope=Scope.for_user(province_officer), province=tree.province, year=YEAR
    )


@pytest.fixture
def school_assessment(tree, cycle, admin):  # type: ignore[no-untyped-def]
    return services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)


def _post(**values: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def _sheet(assessment, data=None, mode=SELF, **kwargs):  # type: ignore[no-untyped-def]
    registration = Registration.objects.filter(cycle=assessment.cycle, node=assessment.node).first()
    return AssessmentSheet(assessment=assessment, registration=registration, data=data, mode=mode, **kwargs)


def test_school_sheet_has_one_field_per_check_and_the_qd510_rows(school_assessment):
    sheet = _sheet(school_assessment)
    ids = [s.id for s in sheet.sections]
    assert ids == [f"TT124.CSGD.{n}" for n in range(1, 7)]
    first = sheet.sections[0].blocks[0]
    types = {c.key: c.type for c in first.checks}
    assert types["registration_in_q1"] == "bool"
    assert types["internal_rules_present"] == "set"
    assert types["members_briefed_ratio"] == "ratio"
    assert types["effective_models_count"] == "count"
    rules = next(c for c in first.checks if c.key == "internal_rules_present")
    assert ("chinh_tri_noi_bo", "Bảo vệ chính trị nội bộ") in [(v, str(label)) for v, label in rules.choices]
    rating = next(c for s in sheet.sections for b in s.blocks for c in b.checks if c.type == "rating")
    assert ("hoan_thanh_tot_nhiem_vu", "Hoàn thành tốt nhiệm vụ") in rating.choices
    # Incident-only sub-items are shown, answered by the incident register.
    incident_block = next(b for b in sheet.sections[2].blocks if b.id == "TT124.CSGD.3.a")
    assert incident_block.incident_labels and not incident_block.checks
    # "nơi có" attributes the checks depend on; is_general_education comes from the registry.
    # In the order the criteria first use them (CSGD.1: party; CSGD.5: guard force, emulation).
    assert [a.key for a in sheet.attributes] == ["has_party_org", "has_guard_force", "eligible_for_emulation"]
    assert sheet.has_sheet
    derived = next(r for r in sheet.rows if r.id == "QD510.CQ.8.c")
    assert derived.derived and not derived.self_raw
    assert next(r for r in sheet.rows if r.id == "QD510.CQ.4").is_leaf is False


def test_residential_area_says_it_has_no_qd510_sheet(tree, cycle, admin):
    assessment = services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit)
    sheet = _sheet(assessment)
    assert not sheet.has_sheet
    assert sheet.rows == []
    assert sheet.no_sheet_message == str(NO_SHEET) == "Chưa có bảng điểm QĐ 510 cho loại đơn vị này"
    assert sheet.attributes == []  # no KDC check depends on a "nơi có" attribute


def test_prefills_carry_their_source(tree, cycle, admin, school_assessment):
    scope = Scope.for_user(admin)
    registration = services.registration_start(by=admin, scope=scope, cycle=cycle, node=tree.school)
    docs = documents({"admin": admin}, tree.school)
    Registration.objects.filter(pk=registration.pk).update(
        status="accepted", registered_on=dt.date(YEAR, 2, 20), commitment_total=4, commitment_count=4, **docs
    )
    sheet = _sheet(school_assessment)
    checks = {c.key: c for c in sheet.sections[0].blocks[0].checks}
    assert checks["registration_in_q1"].prefill.value is True
    assert checks["registration_in_q1"].prefill.source == "Đăng ký phấn đấu ngày 20/02/2026"
    assert checks["party_resolution_in_q1"].prefill_text == "Có"
    assert "01-NQ/CB" in checks["party_resolution_in_q1"].prefill.source
    row = next(r for r in sheet.rows if r.id == "QD510.CQ.8.b")
    assert row.prefill.value == 2
    assert row.prefill.source == "Bản đăng ký: 4/4 bộ phận cam kết"


def test_parsing_gives_the_services_shapes_and_omits_empty_inputs(school_assessment):
    data = _post(
        **{
            "a:TT124.CSGD.1:registration_in_q1": "yes",
            "a:TT124.CSGD.1:ansv_plan_in_q1": "",  # unanswered: the prefill applies
            "a:TT124.CSGD.1:members_briefed_ratio:met": "40",
            "a:TT124.CSGD.1:members_briefed_ratio:total": "40",
            "a:TT124.CSGD.1:effective_models_count": "2",
            "a:TT124.CSGD.1:internal_rules_present": ["chinh_tri_noi_bo", "phong_chong_chay_no"],
            "a:TT124.CSGD.5:guard_force_rating": "hoan_thanh_tot_nhiem_vu",
            "a:TT124.CSGD.6:subunits_good_ratio:plain": "yes",
            "attr:has_guard_force": "no",
            "attr:eligible_for_emulation": "",
            "s:QD510.CQ.1": "3",
            "ovr:QD510.CQ.1": "Nghị quyết lưu ở hồ sơ giấy",
            "s:QD510.CQ.5.a": "1,5",
            "s:QD510.CQ.2": "",
            "note:TT124.CSGD.1": "  Nghị quyết số 01  ",
            "note:QD510.CQ.7": "Mô hình camera",
        }
    )
    sheet = _sheet(school_assessment, data)
    assert sheet.is_valid(), sheet.all_errors
    cleaned = sheet.self_data()
    assert cleaned["answers"] == {
        "TT124.CSGD.1": {
            "registration_in_q1": True,
            "members_briefed_ratio": {"met": 40, "total": 40},
            "effective_models_count": 2,
            "internal_rules_present": ["chinh_tri_noi_bo", "phong_chong_chay_no"],
        },
        "TT124.CSGD.5": {"guard_force_rating": "hoan_thanh_tot_nhiem_vu"},
        "TT124.CSGD.6": {"subunits_good_ratio": True},
    }
    assert cleaned["unit_facts"] == {"has_guard_force": False}
    assert cleaned["self_scores"] == {"QD510.CQ.1": 3, "QD510.CQ.5.a": 1.5}
    assert cleaned["self_reasons"] == {"QD510.CQ.1": "Nghị quyết lưu ở hồ sơ giấy"}
    assert cleaned["notes"] == {"TT124.CSGD.1": "Nghị quyết số 01", "QD510.CQ.7": "Mô hình camera"}
    assert cleaned["evidence"] == {}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "a:TT124.CSGD.1:effective_models_count",
            "hai",
            "TT124.CSGD.1 · Số mô hình phong trào hoạt động hiệu quả: "
            "“hai” không phải là số nguyên không âm.",
        ),
        ("a:TT124.CSGD.1:effective_models_count", "-1", "không phải là số nguyên không âm"),
        ("s:QD510.CQ.1", "4", "Mục QD510.CQ.1: 4 điểm vượt quá điểm tối đa 3."),
        ("s:QD510.CQ.1", "ba", "Mục QD510.CQ.1: “ba” không phải là số điểm."),
        ("s:QD510.CQ.1", "-1", "Mục QD510.CQ.1: điểm không được âm."),
        ("s:QD510.CQ.1", "1.255", "tối đa 2 chữ số thập phân"),
        ("a:TT124.CSGD.1:registration_in_q1", "maybe", "chọn Có hoặc Không"),
        ("a:TT124.CSGD.5:guard_force_rating", "tot", "mức đánh giá không hợp lệ"),
        ("a:TT124.CSGD.1:internal_rules_present", "khong_co", "không có trong danh mục"),
        ("ev:TT124.CSGD.1", "999999", "tài liệu minh chứng không thuộc hồ sơ"),
    ],
)
def test_bad_input_is_an_error_naming_the_item(school_assessment, name, value, message):
    sheet = _sheet(school_assessment, _post(**{name: value}))
    assert not sheet.is_valid()
    assert any(message in e for e in sheet.all_errors), sheet.all_errors
    with pytest.raises(ValueError):
        sheet.self_data()


def test_ratio_needs_both_numbers_and_met_within_total(school_assessment):
    base = "a:TT124.CSGD.1:members_briefed_ratio"
    sheet = _sheet(school_assessment, _post(**{f"{base}:met": "5"}))
    assert not sheet.is_valid()
    assert any("thiếu tổng số" in e for e in sheet.all_errors)
    sheet = _sheet(school_assessment, _post(**{f"{base}:met": "6", f"{base}:total": "5"}))
    assert not sheet.is_valid()
    assert any("số đạt (6) lớn hơn số được tính (5)" in e for e in sheet.all_errors)
    sheet = _sheet(
        school_assessment, _post(**{f"{base}:met": "5", f"{base}:total": "5", f"{base}:plain": "yes"})
    )
    assert not sheet.is_valid()
    assert any("không nhập cả hai" in e for e in sheet.all_errors)


def test_a_bound_sheet_shows_exactly_what_was_typed(school_assessment):
    sheet = _sheet(
        school_assessment, _post(**{"a:TT124.CSGD.1:effective_models_count": "hai", "s:QD510.CQ.3": "4,5"})
    )
    sheet.is_valid()
    field = next(c for c in sheet.sections[0].blocks[0].checks if c.key == "effective_models_count")
    assert field.raw == "hai"
    assert field.errors
    assert next(r for r in sheet.rows if r.id == "QD510.CQ.3").self_raw == "4,5"


def test_review_mode_parses_the_superior_column_and_reasons(school_assessment):
    sheet = _sheet(
        school_assessment,
        _post(
            **{
                "sup:QD510.CQ.1": "2",
                "why:QD510.CQ.1": "Thiếu báo cáo sơ kết",
                "sup:QD510.CQ.2": "",
                "s:QD510.CQ.3": "5",
            }
        ),
        mode=REVIEW,
    )
    assert sheet.is_valid(), sheet.all_errors
    assert sheet.cleaned == {
        "superior_scores": {"QD510.CQ.1": 2},
        "reasons": {"QD510.CQ.1": "Thiếu báo cáo sơ kết"},
    }


def test_copy_self_fills_the_superior_column_with_the_engine_self_points(school_assessment):
    result = {"qd510": {"items": [{"id": "QD510.CQ.1", "self": 3, "superior": None, "sub_items": []}]}}
    sheet = _sheet(school_assessment, _post(), mode=REVIEW, result=result, copy_self=True)
    row = next(r for r in sheet.rows if r.id == "QD510.CQ.1")
    assert row.superior_raw == "3"
    assert next(r for r in sheet.rows if r.id == "QD510.CQ.2").superior_raw == ""


def test_stored_answers_are_shown_unbound(school_assessment, admin):
    saved, _problems = services.assessment_save_self(
        by=admin,
        scope=Scope.for_user(admin),
        assessment=school_assessment,
        data={
            "answers": {
                "TT124.CSGD.1": {"members_briefed_ratio": {"met": 3, "total": 4}, "registration_in_q1": False}
            },
            "self_scores": {"QD510.CQ.9": {"collective_awards": 1, "individual_awards": 0}},
            "unit_facts": {"has_party_org": False},
        },
        expected_version=school_assessment.version,
    )
    sheet = _sheet(saved)
    checks = {c.key: c for c in sheet.sections[0].blocks[0].checks}
    assert checks["members_briefed_ratio"].raw == {"met": "3", "total": "4", "excluded": ""}
    assert checks["members_briefed_ratio"].shown_value == "3/4"
    assert checks["registration_in_q1"].raw == "no"
    assert {a.key: a.raw for a in sheet.attributes}["has_party_org"] == "no"
    # Item 9 given as award counts shows the engine's points.
    assert next(r for r in sheet.rows if r.id == "QD510.CQ.9").self_raw == "2"
