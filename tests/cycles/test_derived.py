"""QĐ 510 points the movement's records suggest (issue 5): the rules, the prefill, the override
with a reason, and the freeze at submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import QueryDict

from antq.accounts.scope import Scope
from antq.core.errors import DomainError
from antq.core.facts import RecordFact
from antq.cycles import derived, facts, services
from antq.cycles.models import Registration
from antq.cycles.sheet import REVIEW, SELF, AssessmentSheet
from tests.cycles.helpers import complete_registration, open_cycle

YEAR = 2026


@pytest.fixture
def cycle(tree, province_officer):  # type: ignore[no-untyped-def]
    return open_cycle(province_officer, tree.province, YEAR)


@pytest.fixture
def assessment(tree, cycle, admin):  # type: ignore[no-untyped-def]
    return services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)


def _sheet(assessment, data=None, mode=SELF):  # type: ignore[no-untyped-def]
    registration = Registration.objects.filter(cycle=assessment.cycle, node=assessment.node).first()
    return AssessmentSheet(assessment=assessment, registration=registration, data=data, mode=mode)


def _post(**values: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = value
    return data


def _known(**values: Any) -> dict[str, RecordFact]:
    return {name: RecordFact(value, f"nguồn {name}", f"/x/{name}") for name, value in values.items()}


def test_an_item_earns_its_points_only_when_every_fact_holds(cycle, tree):
    sheet = facts.sheet_for(cycle, tree.school)
    both = derived.suggest(
        sheet, _known(resolution_in_q1_where_party=True, plan_in_q1=True, registration_on_time=True)
    )
    assert both["QD510.CQ.1"].value == 3
    assert both["QD510.CQ.1"].source.count("nguồn") == 3
    assert both["QD510.CQ.1"].url == "/x/resolution_in_q1_where_party"
    late = derived.suggest(
        sheet, _known(resolution_in_q1_where_party=True, plan_in_q1=True, registration_on_time=False)
    )
    assert late["QD510.CQ.1"].value == 0
    # A fact nobody reported leaves the item to be typed.
    assert "QD510.CQ.7" not in late


@pytest.mark.parametrize(
    ("met", "total", "points"),
    [(90, 100, 3), (89, 100, 0), (9, 10, 3), (100, 100, 3), (0, 0, 0)],
)
def test_item_2_needs_ninety_percent_of_the_units_people(cycle, tree, met, total, points):
    sheet = facts.sheet_for(cycle, tree.school)
    found = derived.suggest(sheet, _known(outreach_reach={"met": met, "total": total}))
    assert found["QD510.CQ.2"].value == points
    if total:
        assert "yêu cầu từ 90%" in found["QD510.CQ.2"].source
    else:
        assert "chưa có số người" in found["QD510.CQ.2"].source


def test_item_1_follows_the_registration(tree, cycle, admin):
    assert derived.registration_facts(None, YEAR)["plan_in_q1"].value is False
    registration = complete_registration(admin, cycle, tree.school)
    scope = Scope.for_user(admin)
    registration = services.registration_submit(
        by=admin, scope=scope, registration=registration, expected_version=registration.version
    )
    Registration.objects.filter(pk=registration.pk).update(is_late=False)
    registration.refresh_from_db()
    found = derived.registration_facts(registration, YEAR)
    assert all(f.value for f in found.values())
    assert "Nghị quyết" in found["resolution_in_q1_where_party"].source
    assert found["plan_in_q1"].url.endswith(f"/registrations/{registration.pk}/")
    Registration.objects.filter(pk=registration.pk).update(has_party_org=False, is_late=True)
    registration.refresh_from_db()
    found = derived.registration_facts(registration, YEAR)
    assert found["resolution_in_q1_where_party"].value is True
    assert "không có tổ chức Đảng" in found["resolution_in_q1_where_party"].source
    assert found["registration_on_time"].value is False
    assert "gửi muộn" in found["registration_on_time"].source


def test_the_self_column_is_prefilled_with_the_suggestion_and_its_source(assessment):
    sheet = _sheet(assessment)
    row = next(r for r in sheet.rows if r.id == "QD510.CQ.1")
    assert row.suggested is not None and row.suggested.value == 0
    assert row.self_raw == "0"
    assert "Chưa gửi bản đăng ký" in row.suggested.source
    # The engine scores the suggestion without anything typed.
    result = facts.evaluate(assessment).result
    item = next(i for i in result["qd510"]["items"] if i["id"] == "QD510.CQ.1")
    assert item["self"] == 0


def test_changing_a_suggested_point_needs_a_reason(assessment):
    sheet = _sheet(assessment, _post(**{"s:QD510.CQ.1": "3"}))
    assert not sheet.is_valid()
    assert any("QD510.CQ.1" in e and "cần ghi lý do" in e for e in sheet.all_errors)
    sheet = _sheet(assessment, _post(**{"s:QD510.CQ.1": "3", "ovr:QD510.CQ.1": "Kế hoạch lưu ở hồ sơ giấy"}))
    assert sheet.is_valid(), sheet.all_errors
    assert sheet.cleaned["self_scores"]["QD510.CQ.1"] == 3
    assert sheet.cleaned["self_reasons"] == {"QD510.CQ.1": "Kế hoạch lưu ở hồ sơ giấy"}


def test_a_point_equal_to_the_suggestion_is_not_stored_and_keeps_following_the_records(assessment):
    sheet = _sheet(assessment, _post(**{"s:QD510.CQ.1": "0", "ovr:QD510.CQ.1": "không cần"}))
    assert sheet.is_valid(), sheet.all_errors
    assert "QD510.CQ.1" not in sheet.cleaned["self_scores"]
    assert sheet.cleaned["self_reasons"] == {}


def test_submission_refuses_an_unexplained_override_and_freezes_the_suggestions(
    tree, cycle, admin, assessment
):
    scope = Scope.for_user(admin)
    saved, _ = services.assessment_save_self(
        by=admin,
        scope=scope,
        assessment=assessment,
        data={"self_scores": {"QD510.CQ.1": 3}},
        expected_version=assessment.version,
    )
    with pytest.raises(DomainError, match="QD510.CQ.1"):
        services.assessment_submit(by=admin, scope=scope, assessment=saved, expected_version=saved.version)
    saved, _ = services.assessment_save_self(
        by=admin,
        scope=scope,
        assessment=saved,
        data={"self_reasons": {"QD510.CQ.1": "Nghị quyết ký ngày 15/3, bản giấy"}},
        expected_version=saved.version,
    )
    sent = services.assessment_submit(by=admin, scope=scope, assessment=saved, expected_version=saved.version)
    assert sent.derived_scores["QD510.CQ.1"]["value"] == 0
    assert "Chưa gửi bản đăng ký" in sent.derived_scores["QD510.CQ.1"]["source"]
    # A registration sent afterwards does not change what the superior judges.
    complete_registration(admin, cycle, tree.school)
    assert facts.suggested_scores(sent, None)["QD510.CQ.1"].value == 0
    review = _sheet(sent, mode=REVIEW)
    row = next(r for r in review.rows if r.id == "QD510.CQ.1")
    assert row.override_raw == "Nghị quyết ký ngày 15/3, bản giấy"
    assert row.self_value == 3


def test_record_facts_cost_a_fixed_number_of_queries(tree, cycle, django_assert_max_num_queries):
    start, end = facts.window(cycle, tree.school)
    with django_assert_max_num_queries(20):
        found = derived.record_facts(tree.school, None, start, end, YEAR)
    assert {
        "initiative_effective",
        "outreach_reach",
        "festival_day_held",
        "guard_force_assigned",
        "guard_force_rated_good",
        "coordination_agreement",
        "coordination_executed",
        "coordination_reviewed",
        "local_campaigns_joined",
    } <= set(found)
    assert all(isinstance(f, RecordFact) for f in found.values())


def test_item_2_scores_against_the_same_share_the_outreach_page_shows():
    """The 90% lives in the scoring rule (prefill.yaml) and in the outreach page's target file: they
    must say the same, or the page would show a target the sheet does not score."""
    from fractions import Fraction

    from antq.outreach.targets import targets

    assert Fraction(str(derived.rules()["QD510.CQ.2"]["at_least"])) == targets().reach_share


def test_a_typo_in_the_rules_is_named_not_silently_ignored():
    assert derived.rule_problems(derived.rules()) == []
    problems = derived.rule_problems(
        {
            "QD510.CQ.3": {"all_of": ["festival_held"]},
            "QD510.CQ.2": {"share": "outreach_reach"},
            "QD510.CQ.7": {"any_of": ["initiative_effective"]},
        }
    )
    assert len(problems) == 3
    assert "festival_held" in problems[0] and "at_least" in problems[1] and "all_of or share" in problems[2]


def test_a_share_just_below_the_threshold_never_shows_as_reaching_it(cycle, tree):
    sheet = facts.sheet_for(cycle, tree.school)
    found = derived.suggest(sheet, _known(outreach_reach={"met": 896, "total": 1000}))
    assert found["QD510.CQ.2"].value == 0
    assert "đạt 89%" in found["QD510.CQ.2"].source


def test_a_reason_on_an_unchanged_item_is_not_kept(admin, assessment):
    saved, _ = services.assessment_save_self(
        by=admin,
        scope=Scope.for_user(admin),
        assessment=assessment,
        data={
            "self_scores": {"QD510.CQ.1": 0, "QD510.CQ.3": 5},
            "self_reasons": {"QD510.CQ.1": "không đổi", "QD510.CQ.3": "Ngày hội tổ chức chung với phường"},
        },
        expected_version=assessment.version,
    )
    assert saved.self_reasons == {"QD510.CQ.3": "Ngày hội tổ chức chung với phường"}


def test_submission_scores_the_records_as_they_stand_when_it_is_sent(tree, admin, assessment):
    """A festival day recorded after the last save counts in the submitted result and the frozen
    suggestions alike (they never disagree)."""
    from antq.outreach import services as outreach

    scope = Scope.for_user(admin)
    festival = outreach.festival_create(
        by=admin,
        scope=scope,
        node=tree.school,
        year=YEAR,
        data={"participation": "hosted", "planned_on": dt.date(YEAR, 8, 15), "place": "Sân trường"},
    )
    outreach.festival_mark_held(
        by=admin,
        scope=scope,
        festival=festival,
        data={"held_on": dt.date(YEAR, 8, 15), "attendance": 300},
        expected_version=festival.version,
    )
    sent = services.assessment_submit(
        by=admin, scope=scope, assessment=assessment, expected_version=assessment.version
    )
    assert sent.derived_scores["QD510.CQ.3"]["value"] == 5
    item = next(i for i in sent.result["qd510"]["items"] if i["id"] == "QD510.CQ.3")
    assert item["self"] == 5
    assert sent.rounds.get().snapshot["derived_scores"]["QD510.CQ.3"]["value"] == 5
