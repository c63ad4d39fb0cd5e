"""Screens of the annual cycle, end to end: each role's pages, the registration round trip, the
self-assessment with its prefills, the live preview, the superior review and its conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.cycles import services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.context_processors import due_next
from antq.cycles.models import Assessment, AssessmentRound, Registration
from antq.org.choices import NodeKind
from tests import factories as f
from tests.cycles.helpers import PAPER_POST
from tests.cycles.routes import documents, framework_files

YEAR = 2026


@pytest.fixture
def cycle(tree, province_officer):  # type: ignore[no-untyped-def]
    loader.apply(framework_files())
    return services.cycle_open(
        by=province_officer, scope=Scope.for_user(province_officer), province=tree.province, year=YEAR
    )


@pytest.fixture
def on_day(monkeypatch):  # type: ignore[no-untyped-def]
    """Pretend today is a given day (registration deadlines and late flags depend on it)."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_day


@pytest.fixture
def school_officer(tree):  # type: ignore[no-untyped-def]
    return f.user_with_role("truong.canbo", "unit_officer", tree.school)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def _accepted_registration(cycle, node, admin, **fields):  # type: ignore[no-untyped-def]
    registration = services.registration_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=node)
    Registration.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.ACCEPTED,
        registered_on=dt.date(YEAR, 2, 20),
        commitment_total=4,
        commitment_count=4,
        **documents({"admin": admin}, node),
        **fields,
    )
    return Registration.objects.get(pk=registration.pk)


# ---- pages of each role ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "admin",
        "province_officer",
        "province_leader",
        "inspector",
        "commune_police",
        "commune_leader",
        "unit_officer",
    ],
)
def test_every_role_reads_the_cycle_pages(request, client, tree, cycle, admin, persona):
    user = request.getfixturevalue(persona)
    registration = services.registration_start(
        by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit
    )
    assessment = services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit)
    _login(client, user)
    listing = client.get(reverse("cycles:list")).content.decode()
    assert str(YEAR) in listing
    # The review queue is offered only to those it has something for (others would get a 403).
    reviews = persona in {"admin", "province_officer", "commune_police"}
    assert (reverse("cycles:review") in listing) is reviews
    page = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert (reverse("cycles:review") in page) is reviews
    assert "Hạn luật định" in page and "31/03/2026" in page
    year = client.get(reverse("cycles:unit_year", kwargs={"node": tree.unit.pk, "year": YEAR}))
    assert year.status_code == 200
    assert "Đăng ký phấn đấu" in year.content.decode()
    assert client.get(reverse("cycles:registration", args=[registration.pk])).status_code == 200
    page = client.get(reverse("cycles:assessment", args=[assessment.pk])).content.decode()
    assert "Chưa có bảng điểm QĐ 510 cho loại đơn vị này" in page
    review = client.get(reverse("cycles:review"))
    assert review.status_code == (200 if persona in {"admin", "province_officer", "commune_police"} else 403)


def test_only_a_cycle_manager_sees_the_open_form_and_opens_a_cycle(
    client, tree, cycle, province_officer, inspector
):
    _login(client, inspector)
    assert "Mở kỳ đánh giá" not in client.get(reverse("cycles:list")).content.decode()
    _login(client, province_officer)
    assert "Mở kỳ đánh giá" in client.get(reverse("cycles:list")).content.decode()
    response = client.post(reverse("cycles:open"), {"year": 2027, "province": tree.province.pk}, follow=True)
    assert "Đã mở kỳ đánh giá năm 2027" in " ".join(_messages(response))
    again = client.post(reverse("cycles:open"), {"year": 2027}, follow=True)
    assert "đã có kỳ đánh giá năm 2027" in " ".join(_messages(again))


def test_commune_brings_a_deadline_forward_for_its_units(client, tree, cycle, commune_police, unit_officer):
    _login(client, commune_police)
    page = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert "Đặt hạn sớm hơn" in page
    url = reverse("cycles:deadline_set", kwargs={"pk": cycle.pk, "node": tree.commune.pk})
    late = client.post(url, {"code": "self_assessment", "due": "2026-12-01", "reason": "KH 5/KH-CAX"})
    assert late.status_code == 200
    assert "phải sớm hơn hoặc bằng hạn hiện hành" in late.content.decode()
    assert 'value="KH 5/KH-CAX"' in late.content.decode()  # what was typed stays in the form
    done = client.post(url, {"code": "self_assessment", "due": "2026-10-30", "reason": "KH 5/KH-CAX"})
    assert done.status_code == 302
    _login(client, unit_officer)
    page = client.get(
        reverse("cycles:unit_year", kwargs={"node": tree.unit.pk, "year": YEAR})
    ).content.decode()
    assert "30/10/2026" in page and "Phường Quy Nhơn đặt sớm hơn (luật định 31/10/2026)" in page


# ---- registration ------------------------------------------------------------------------------


def test_registration_round_trip_with_return_reason_and_resubmission(
    client, tree, cycle, admin, unit_officer, commune_police, on_day
):
    on_day(dt.date(YEAR, 3, 2))
    _login(client, unit_officer)
    start = client.post(
        reverse("cycles:registration_start", kwargs={"cycle": cycle.pk, "node": tree.unit.pk})
    )
    registration = Registration.objects.get(cycle=cycle, node=tree.unit)
    assert start["Location"] == reverse("cycles:registration", args=[registration.pk])
    page = client.get(start["Location"]).content.decode()
    assert "Hồ sơ còn thiếu" in page and "Bản đăng ký phấn đấu" in page
    assert reverse("evidence:upload", args=[tree.unit.pk, YEAR]) in page
    docs = documents({"admin": admin}, tree.unit)
    form = {
        "registered_on": "2026-03-02",
        "has_party_org": "on",
        "commitment_total": "320",
        "commitment_count": "318",
        "uncommitted": "Hộ ông Nguyễn Văn A\n\nHộ bà Trần Thị B\n",
        "resolution": docs["resolution"].pk,
        "plan": docs["plan"].pk,
        "form_document": docs["form_document"].pk,
        "note": "",
        "version": registration.version,
        "op": "submit",
    }
    sent = client.post(reverse("cycles:registration", args=[registration.pk]), form, follow=True)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert not registration.is_late
    assert registration.uncommitted == "Hộ ông Nguyễn Văn A\nHộ bà Trần Thị B"
    assert "Đã gửi bản đăng ký tới Công an xã." in _messages(sent)
    # The commune police see it in their queue, with a count, and return it with a reason.
    _login(client, commune_police)
    queue = client.get(reverse("cycles:review")).content.decode()
    assert "Bản đăng ký chờ tiếp nhận (1)" in queue and tree.unit.name in queue
    refused = client.post(
        reverse("cycles:registration_return", args=[registration.pk]), {"version": registration.version}
    )
    assert refused.status_code == 200  # no reason: the form says so, nothing changes
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    client.post(
        reverse("cycles:registration_return", args=[registration.pk]),
        {"version": registration.version, "reason": "Nghị quyết chưa có chữ ký"},
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED
    # The unit sees the reason prominently and resubmits.
    _login(client, unit_officer)
    page = client.get(reverse("cycles:registration", args=[registration.pk])).content.decode()
    assert "Công an xã đã trả lại bản đăng ký. Lý do:" in page and "Nghị quyết chưa có chữ ký" in page
    client.post(
        reverse("cycles:registration", args=[registration.pk]), {**form, "version": registration.version}
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED and registration.return_reason == ""
    _login(client, commune_police)
    client.post(
        reverse("cycles:registration_accept", args=[registration.pk]), {"version": registration.version}
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACCEPTED
    page = client.get(reverse("cycles:registration", args=[registration.pk])).content.decode()
    assert "Hộ ông Nguyễn Văn A" in page and "318/320 đã cam kết" in page


def test_late_registration_is_allowed_but_flagged(
    client, tree, cycle, admin, unit_officer, commune_police, on_day
):
    on_day(dt.date(YEAR, 5, 4))
    _login(client, unit_officer)
    client.post(reverse("cycles:registration_start", kwargs={"cycle": cycle.pk, "node": tree.unit.pk}))
    registration = Registration.objects.get(cycle=cycle, node=tree.unit)
    page = client.get(reverse("cycles:registration", args=[registration.pk])).content.decode()
    assert "Đã quá hạn đăng ký (31/03/2026)" in page
    docs = documents({"admin": admin}, tree.unit)
    response = client.post(
        reverse("cycles:registration", args=[registration.pk]),
        {
            "registered_on": "2026-05-04",
            "commitment_total": "10",
            "commitment_count": "10",
            **{k: v.pk for k, v in docs.items()},
            "version": registration.version,
            "op": "submit",
        },
        follow=True,
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED and registration.is_late
    assert "đánh dấu đăng ký muộn" in " ".join(_messages(response))
    _login(client, commune_police)
    assert "Đăng ký muộn" in client.get(reverse("cycles:review")).content.decode()


def test_excluded_unit_cannot_register_and_is_told_why(client, tree, cycle):
    small = f.unit(
        tree.commune, "Công ty TNHH Nhỏ", "X21583-DN01", kind=NodeKind.ENTERPRISE, enterprise_size="small"
    )
    assert small.exclusion_code == "EXC_SMALL_MICRO_ENTERPRISE"
    officer = f.user_with_role("dn.canbo", "unit_officer", small)
    _login(client, officer)
    page = client.get(reverse("cycles:unit_year", kwargs={"node": small.pk, "year": YEAR})).content.decode()
    assert "không đăng ký phấn đấu được" in page and "Doanh nghiệp nhỏ, siêu nhỏ" in page
    assert reverse("cycles:registration_start", kwargs={"cycle": cycle.pk, "node": small.pk}) not in page
    response = client.post(
        reverse("cycles:registration_start", kwargs={"cycle": cycle.pk, "node": small.pk}), follow=True
    )
    assert "không thuộc diện xét công nhận theo Điều 1" in " ".join(_messages(response))
    assert not Registration.objects.filter(node=small).exists()


def test_registration_conflict_keeps_what_was_typed(client, tree, cycle, unit_officer, admin):
    registration = services.registration_start(
        by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit
    )
    stale = registration.version
    services.registration_save(
        by=admin,
        scope=Scope.for_user(admin),
        registration=registration,
        data={"note": "Sửa bởi người khác"},
        expected_version=stale,
    )
    _login(client, unit_officer)
    response = client.post(
        reverse("cycles:registration", args=[registration.pk]),
        {
            "registered_on": "2026-03-01",
            "commitment_total": "77",
            "commitment_count": "70",
            "uncommitted": "Hộ số 9",
            "version": stale,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa lúc" in page
    assert 'value="77"' in page and "Hộ số 9" in page
    assert Registration.objects.get(pk=registration.pk).commitment_total != 77


# ---- self-assessment ---------------------------------------------------------------------------


@pytest.fixture
def school_assessment(tree, cycle, admin):  # type: ignore[no-untyped-def]
    _accepted_registration(cycle, tree.school, admin)
    return services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.school)


def test_assessment_form_shows_prefills_with_their_source_and_saves(
    client, tree, school_officer, school_assessment
):
    _login(client, school_officer)
    url = reverse("cycles:assessment", args=[school_assessment.pk])
    page = client.get(url).content.decode()
    assert "Theo hồ sơ ANTQ: Có — nguồn: Đăng ký phấn đấu ngày 20/02/2026" in page
    assert "Nghị quyết 01-NQ/CB ngày 10/02/2026" in page
    assert "Theo hồ sơ ANTQ: 2 điểm — nguồn: Bản đăng ký: 4/4 bộ phận cam kết" in page
    assert 'name="a:TT124.CSGD.1:effective_models_count"' in page
    assert 'name="s:QD510.CQ.1"' in page and 'name="sup:QD510.CQ.1"' not in page
    assert "Kết quả tạm tính" in page and "hx-post" in page
    response = client.post(
        url,
        {
            "version": school_assessment.version,
            "mode": "self",
            "op": "save",
            "a:TT124.CSGD.1:effective_models_count": "2",
            "a:TT124.CSGD.2:implemented_policies_and_coordination": "yes",
            "attr:has_guard_force": "no",
            "s:QD510.CQ.1": "2",
            **PAPER_POST,
            "note:TT124.CSGD.1": "Mô hình “Cổng trường an toàn”",
            "ev:TT124.CSGD.1": [],
        },
    )
    assert response.status_code == 302
    saved = Assessment.objects.get(pk=school_assessment.pk)
    assert saved.answers == {
        "TT124.CSGD.1": {"effective_models_count": 2},
        "TT124.CSGD.2": {"implemented_policies_and_coordination": True},
    }
    # The registration suggests 3 points for item 1; the unit set 2 and said why.
    assert saved.self_scores == {"QD510.CQ.1": 2}
    assert saved.self_reasons["QD510.CQ.1"] == "Hồ sơ giấy lưu tại đơn vị"
    assert saved.unit_facts == {"has_guard_force": False}
    assert saved.notes == {"TT124.CSGD.1": "Mô hình “Cổng trường an toàn”"}
    assert saved.version == school_assessment.version + 1
    page = client.get(url).content.decode()
    assert 'name="s:QD510.CQ.1" value="2"' in page and "Cổng trường an toàn" in page
    assert "Theo hồ sơ: 3 điểm" in page


def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client, school_officer, school_assessment
):
    _login(client, school_officer)
    url = reverse("cycles:assessment", args=[school_assessment.pk])
    response = client.post(
        url,
        {
            "version": school_assessment.version,
            "mode": "self",
            "op": "save",
            "a:TT124.CSGD.1:effective_models_count": "hai",
            "s:QD510.CQ.1": "9",
            "s:QD510.CQ.2": "2",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“hai” không phải là số nguyên không âm" in page
    assert "Mục QD510.CQ.1: 9 điểm vượt quá điểm tối đa 3." in page
    assert 'value="hai"' in page and 'value="2"' in page
    saved = Assessment.objects.get(pk=school_assessment.pk)
    assert saved.version == school_assessment.version and saved.self_scores == {}


def test_preview_fragment_evaluates_without_saving(
    client, tree, school_officer, school_assessment, commune_police
):
    _login(client, school_officer)
    url = reverse("cycles:assessment_preview", args=[school_assessment.pk])
    response = client.post(
        url,
        {
            "mode": "self",
            "s:QD510.CQ.1": "3",
            "s:QD510.CQ.2": "3",
            **PAPER_POST,
            "a:TT124.CSGD.1:effective_models_count": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # a fragment
    assert "Kết quả tạm tính" in page and "TT124.CSGD.1" in page
    assert "Số mô hình phong trào hoạt động hiệu quả: 0, yêu cầu ≥ 1." in page
    assert "Phân loại dự kiến theo điểm tự chấm" in page and "tạm tính" in page
    bad = client.post(url, {"mode": "self", "s:QD510.CQ.1": "x"}).content.decode()
    assert "Mục QD510.CQ.1: “x” không phải là số điểm." in bad
    assert Assessment.objects.get(pk=school_assessment.pk).version == school_assessment.version


def test_preview_names_the_incident_that_fails_a_criterion(client, tree, cycle, unit_officer, admin):
    from antq.incidents.services import incident_record

    assessment = services.assessment_start(by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit)
    incident = incident_record(
        by=admin,
        scope=Scope.for_user(admin),
        node=tree.unit,
        data={
            "incident_type": "INC_SEPARATISM",
            "occurred_on": dt.date(YEAR, 5, 1),
            "place": "Tổ 1",
            "summary": "Tụ tập đòi tự trị",
            "source": "police",
        },
    )
    _login(client, unit_officer)
    page = client.post(
        reverse("cycles:assessment_preview", args=[assessment.pk]), {"mode": "self"}
    ).content.decode()
    assert "TT124.KDC.3" in page and "Không đạt" in page
    assert "Hoạt động ly khai, đòi tự trị" in page
    # The form shows it on the criterion too, linked to the register.
    form = client.get(reverse("cycles:assessment", args=[assessment.pk])).content.decode()
    assert reverse("incidents:detail", args=[incident.pk]) in form


def _submitted_school(client, school_officer, school_assessment):  # type: ignore[no-untyped-def]
    """The school fills its whole sheet and sends it up."""
    leaves = [
        ("QD510.CQ.1", "3"), ("QD510.CQ.2", "3"), ("QD510.CQ.3", "5"), ("QD510.CQ.4.a", "1"),
        ("QD510.CQ.4.b", "1"),
        ("QD510.CQ.4.c", "1"), ("QD510.CQ.4.d", "2"), ("QD510.CQ.5.a", "2"), ("QD510.CQ.5.b", "2"),
        ("QD510.CQ.5.c", "2"), ("QD510.CQ.5.d", "2"), ("QD510.CQ.5.đ", "2"), ("QD510.CQ.5.e", "2"),
        ("QD510.CQ.5.g", "2"), ("QD510.CQ.6.a", "2"), ("QD510.CQ.6.b", "2"), ("QD510.CQ.7", "10"),
        ("QD510.CQ.9", "0"),
    ]  # fmt: skip
    _login(client, school_officer)
    response = client.post(
        reverse("cycles:assessment", args=[school_assessment.pk]),
        {
            "version": school_assessment.version,
            "mode": "self",
            "op": "submit",
            **{f"s:{k}": v for k, v in leaves},
            **PAPER_POST,
        },
        follow=True,
    )
    assert "Đã gửi bản tự đánh giá lên cấp trên; phiếu đã được khoá." in _messages(response)
    assessment = Assessment.objects.get(pk=school_assessment.pk)
    assert assessment.status == AssessmentStatus.SUBMITTED
    return assessment


def test_submit_locks_the_self_assessment(client, school_officer, school_assessment):
    assessment = _submitted_school(client, school_officer, school_assessment)
    page = client.get(reverse("cycles:assessment", args=[assessment.pk])).content.decode()
    assert "phiếu đã khoá" in page and 'name="s:QD510.CQ.1"' not in page
    response = client.post(
        reverse("cycles:assessment", args=[assessment.pk]),
        {"version": assessment.version, "op": "save", "s:QD510.CQ.1": "1"},
        follow=True,
    )
    assert "không sửa được lúc này" in " ".join(_messages(response))
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_reviewer_sees_both_columns_and_a_deduction_needs_a_reason(
    client, school_officer, school_assessment, commune_police
):
    assessment = _submitted_school(client, school_officer, school_assessment)
    _login(client, commune_police)
    url = reverse("cycles:assessment", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert 'name="sup:QD510.CQ.1"' in page and 'name="why:QD510.CQ.1"' in page
    assert 'name="s:QD510.CQ.1"' not in page
    copied = client.post(url, {"version": assessment.version, "mode": "review", "op": "copy_self"})
    assert 'name="sup:QD510.CQ.7" value="10"' in copied.content.decode()
    refused = client.post(
        url,
        {
            "version": assessment.version,
            "mode": "review",
            "op": "review",
            "sup:QD510.CQ.1": "1",
            "sup:QD510.CQ.7": "10",
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Cần ghi lý do trừ điểm cho: QD510.CQ.1." in page
    assert "Mục QD510.CQ.1: cấp trên chấm thấp hơn điểm tự chấm, cần ghi lý do trừ điểm." in page
    assert Assessment.objects.get(pk=assessment.pk).superior_scores == {}
    done = client.post(
        url,
        {
            "version": assessment.version,
            "mode": "review",
            "op": "review",
            "sup:QD510.CQ.1": "1",
            "why:QD510.CQ.1": "Chưa có báo cáo sơ kết",
        },
    )
    assert done.status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.superior_scores == {"QD510.CQ.1": 1}
    assert saved.superior_reasons == {"QD510.CQ.1": "Chưa có báo cáo sơ kết"}


def test_second_reviewer_gets_a_conflict_and_keeps_what_they_typed(
    client, tree, school_officer, school_assessment, commune_police, province_officer
):
    assessment = _submitted_school(client, school_officer, school_assessment)
    seen = assessment.version
    _login(client, province_officer)
    first = client.post(
        reverse("cycles:assessment", args=[assessment.pk]),
        {"version": seen, "mode": "review", "op": "review", "sup:QD510.CQ.1": "3"},
    )
    assert first.status_code == 302
    _login(client, commune_police)
    second = client.post(
        reverse("cycles:assessment", args=[assessment.pk]),
        {
            "version": seen,
            "mode": "review",
            "op": "review",
            "sup:QD510.CQ.1": "2,5",
            "why:QD510.CQ.1": "Báo cáo nộp chậm",
            "sup:QD510.CQ.3": "4",
        },
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "Bản ghi đã được người khác sửa lúc" in page
    assert (
        'value="2,5"' in page
        and 'value="Báo cáo nộp chậm"' in page
        and 'name="sup:QD510.CQ.3" value="4"' in page
    )
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert fresh.superior_scores == {"QD510.CQ.1": 3}
    assert f'name="version" value="{fresh.version}"' in page  # saving again now is deliberate


def test_return_opens_a_new_round_and_keeps_history(
    client, school_officer, school_assessment, commune_police
):
    assessment = _submitted_school(client, school_officer, school_assessment)
    _login(client, commune_police)
    client.post(
        reverse("cycles:assessment_return", args=[assessment.pk]),
        {"version": assessment.version, "reason": "Bổ sung minh chứng mô hình"},
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED and assessment.round == 2
    first = AssessmentRound.objects.get(assessment=assessment, number=1)
    assert first.outcome == AssessmentStatus.RETURNED and first.outcome_reason == "Bổ sung minh chứng mô hình"
    _login(client, school_officer)
    page = client.get(reverse("cycles:assessment", args=[assessment.pk])).content.decode()
    assert "Cấp trên đã trả lại bản tự đánh giá. Lý do:" in page
    assert "Bổ sung minh chứng mô hình" in page and "Lịch sử các lần gửi" in page
    assert 'name="s:QD510.CQ.1"' in page  # editable again


def test_approve_locks_it(client, school_officer, school_assessment, commune_police):
    assessment = _submitted_school(client, school_officer, school_assessment)
    _login(client, commune_police)
    url = reverse("cycles:assessment", args=[assessment.pk])
    self_column = {
        r["id"]: r["self"]
        for item in assessment.result["qd510"]["items"]
        for r in (item["sub_items"] or [item])
        if r["id"] != "QD510.CQ.8.c"
    }
    response = client.post(
        url,
        {
            "version": assessment.version,
            "mode": "review",
            "op": "approve",
            **{f"sup:{k}": v for k, v in self_column.items()},
        },
        follow=True,
    )
    assert "Đã duyệt bản đánh giá." in _messages(response)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED
    page = client.get(url).content.decode()
    assert "Cấp trên đã duyệt" in page and 'name="sup:' not in page and 'name="op"' not in page
    again = client.post(url, {"version": assessment.version, "mode": "review", "op": "review"}, follow=True)
    assert "không sửa được lúc này" in " ".join(_messages(again))


# ---- banner and queues ---------------------------------------------------------------------------


def test_due_next_banner_data(rf: RequestFactory, tree, cycle, commune_police, on_day):
    on_day(dt.date(YEAR, 10, 20))
    request = rf.get("/")
    request.user = commune_police
    request.session = {}  # type: ignore[assignment]
    found = due_next(request)["due_next"]
    # The commune police watch their units' deadlines too: the residential areas' self-assessment.
    assert found["deadline"].code == "self_assessment"
    assert found["deadline"].due == dt.date(YEAR, 10, 31)
    assert found["days_left"] == 11
    assert found["url"] == reverse("cycles:unit_year", kwargs={"node": tree.commune.pk, "year": YEAR})
    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    assert due_next(anonymous) == {}


def test_due_next_renders(client, tree, cycle, unit_officer, on_day):
    from django.template.loader import render_to_string

    on_day(dt.date(YEAR, 3, 1))
    request = RequestFactory().get("/")
    request.user = unit_officer
    request.session = {}  # type: ignore[assignment]
    html = render_to_string("cycles/_due_next.html", due_next(request))
    assert "Sắp đến hạn:" in html and "31/03/2026" in html and "còn 30 ngày" in html


def _queue_rows(n: int, tree: Any, cycle: Any, admin: Any) -> None:
    scope = Scope.for_user(admin)
    first = Registration.objects.count() + 2
    for i in range(first, first + n):
        unit = f.unit(tree.commune, f"Tổ {i}", f"X21583-KDC{i:02d}")
        registration = services.registration_start(by=admin, scope=scope, cycle=cycle, node=unit)
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.SUBMITTED, submitted_at=timezone.now()
        )
        assessment = services.assessment_start(by=admin, scope=scope, cycle=cycle, node=unit)
        Assessment.objects.filter(pk=assessment.pk).update(
            status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now()
        )


def test_queue_and_lists_cost_the_same_whatever_their_length(
    client, tree, cycle, admin, commune_police, django_assert_max_num_queries
):
    _login(client, commune_police)
    _queue_rows(2, tree, cycle, admin)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("cycles:review")).content.decode()
    assert "Bản đăng ký chờ tiếp nhận (2)" in page and "Bản tự đánh giá chờ chấm (2)" in page
    _queue_rows(6, tree, cycle, admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cycles:review")).content.decode()
    assert "Bản đăng ký chờ tiếp nhận (8)" in page
    with CaptureQueriesContext(connection) as listing:
        client.get(reverse("cycles:list"))
    with CaptureQueriesContext(connection) as detail:
        client.get(reverse("cycles:cycle", args=[cycle.pk]))
    _queue_rows(3, tree, cycle, admin)
    with django_assert_max_num_queries(len(listing.captured_queries)):
        client.get(reverse("cycles:list"))
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(reverse("cycles:cycle", args=[cycle.pk]))


def test_commune_self_assessment_prefills_the_ratios_of_its_units(client, tree, cycle, admin, commune_police):
    _accepted_registration(cycle, tree.unit, admin)
    _login(client, commune_police)
    start = client.post(
        reverse("cycles:assessment_start", kwargs={"cycle": cycle.pk, "node": tree.commune.pk})
    )
    assessment = Assessment.objects.get(cycle=cycle, node=tree.commune)
    assert start["Location"] == reverse("cycles:assessment", args=[assessment.pk])
    page = client.get(start["Location"]).content.decode()
    # XA.4: 1 of the 2 units under the commune registered (the residential area and the school).
    assert "1/2 đơn vị thuộc diện đã đăng ký" in page
    # The ratios come from the records: shown, never typed.
    assert 'name="a:TT124.XA.4:child_units_registered_ratio' not in page
    assert 'name="a:TT124.XA.2.KDC.4.a:crime_vice_violation_count:current"' in page
    assert "Chưa có bảng điểm QĐ 510 cho loại đơn vị này" in page
    # The commune police review units, not their own commune.
    assert 'name="sup:' not in page


def test_self_assessment_conflict_keeps_what_was_typed(client, school_officer, school_assessment, admin):
    stale = school_assessment.version
    services.assessment_save_self(
        by=admin,
        scope=Scope.for_user(admin),
        assessment=school_assessment,
        data={"self_scores": {"QD510.CQ.1": 1}},
        expected_version=stale,
    )
    _login(client, school_officer)
    response = client.post(
        reverse("cycles:assessment", args=[school_assessment.pk]),
        {
            "version": stale,
            "mode": "self",
            "op": "save",
            "s:QD510.CQ.1": "2",
            **PAPER_POST,
            "a:TT124.CSGD.1:effective_models_count": "3",
            "note:TT124.CSGD.1": "Ghi chú của tôi",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bản ghi đã được người khác sửa lúc" in page
    assert 'name="s:QD510.CQ.1" value="2"' in page
    assert 'name="a:TT124.CSGD.1:effective_models_count" value="3"' in page and "Ghi chú của tôi" in page
    assert Assessment.objects.get(pk=school_assessment.pk).self_scores == {"QD510.CQ.1": 1}
