"""The plan screens end to end: list, create, edit, cascade, issue, cancel, progress, downloads."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from antq.plans.choices import PlanStatus, TaskStatus
from antq.plans.models import Plan, PlanTarget, PlanTask
from tests.plans.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_list_shows_the_province_plan_to_the_commune_police_with_its_children_count(
    client, province_plan, commune_police
):
    client.force_login(commune_police)
    response = client.get(reverse("plans:list"), {"level": "province", "year": YEAR})
    body = response.content.decode()
    assert response.status_code == 200
    assert "45/KH-UBND" in body
    assert "Đã ban hành" in body


def test_the_unit_officer_cannot_open_a_draft_of_the_commune(
    client, tree, commune_police, unit_officer, province_plan
):
    client.force_login(commune_police)
    response = client.post(reverse("plans:cascade", args=[tree.commune.pk]), {"parent": province_plan.pk})
    child = Plan.objects.get(node=tree.commune)
    assert response.status_code == 302
    client.force_login(unit_officer)
    assert client.get(reverse("plans:detail", args=[child.pk])).status_code == 404
    assert client.get(reverse("plans:detail", args=[province_plan.pk])).status_code == 200


def test_create_then_add_target_and_task_then_issue(client, tree, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("plans:create"),
        {
            "node": tree.province.pk,
            "year": YEAR,
            "title": "Kế hoạch năm",
            "purpose": "Mục đích",
            "organisation": "",
        },
    )
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    response = client.post(
        reverse("plans:target_create", args=[plan.pk]),
        {
            "label": "Đăng ký",
            "measure": "percent",
            "value": "100",
            "of_what": "khu dân cư",
            "unit_types": ["KDC"],
        },
    )
    assert response.status_code == 302
    assert PlanTarget.objects.get().unit_types == ["KDC"]
    response = client.post(
        reverse("plans:task_create", args=[plan.pk]),
        {"content": "Quán triệt", "lead_unit": "Công an tỉnh", "deadline": f"{YEAR}-03-31"},
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:issue", args=[plan.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("plans:issue", args=[plan.pk]),
        {
            "version": plan.version,
            "number": "45",
            "issued_on": timezone.localdate().isoformat(),
            "signer_prefix": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Phạm Anh Tuấn",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    assert plan.code == "45/KH-UBND"


def test_bad_input_is_shown_next_to_the_field_in_vietnamese(client, tree, province_officer, province_plan):
    client.force_login(province_officer)
    draft = Plan.objects.create(
        node=tree.province, year=YEAR, title="Nháp", issuer_name="UBND", created_by=province_officer
    )
    response = client.post(
        reverse("plans:target_create", args=[draft.pk]),
        {"label": "Tỷ lệ", "measure": "percent", "value": "150", "of_what": "khu dân cư"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tỷ lệ không được vượt quá 100%." in body
    assert 'id="id_value_error"' in body
    assert PlanTarget.objects.filter(plan=draft).count() == 0


def test_a_stale_edit_keeps_the_typed_values(client, tree, province_officer):
    client.force_login(province_officer)
    plan = Plan.objects.create(
        node=tree.province,
        year=YEAR,
        title="Cũ",
        issuer_name="UBND",
        symbol="KH-UBND",
        created_by=province_officer,
    )
    Plan.objects.filter(pk=plan.pk).update(version=2)
    response = client.post(
        reverse("plans:edit", args=[plan.pk]),
        {
            "version": 1,
            "year": YEAR,
            "title": "Tiêu đề tôi vừa gõ",
            "issuer_name": "UBND",
            "symbol": "KH-UBND",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "người khác thay đổi" in body
    assert "Tiêu đề tôi vừa gõ" in body
    assert Plan.objects.get(pk=plan.pk).title == "Cũ"


def test_cascade_screen_lists_the_issued_plans_above_and_creates_the_draft(
    client, tree, commune_police, province_plan
):
    client.force_login(commune_police)
    url = reverse("plans:cascade", args=[tree.commune.pk])
    page = client.get(url, {"parent": province_plan.pk})
    assert page.status_code == 200
    assert "45/KH-UBND" in page.content.decode()
    response = client.post(url, {"parent": province_plan.pk})
    child = Plan.objects.get(node=tree.commune)
    assert response["Location"] == reverse("plans:detail", args=[child.pk])
    assert child.tasks.count() == 3
    detail = client.get(reverse("plans:detail", args=[province_plan.pk])).content.decode()
    assert "Phường Quy Nhơn" in detail


def test_a_late_task_deadline_is_flagged_on_the_page_after_saving(
    client, tree, commune_police, province_plan
):
    client.force_login(commune_police)
    client.post(reverse("plans:cascade", args=[tree.commune.pk]), {"parent": province_plan.pk})
    child = Plan.objects.get(node=tree.commune)
    task = child.tasks.order_by("order").first()
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {
            "version": task.version,
            "content": task.content,
            "lead_unit": task.lead_unit,
            "deadline": f"{YEAR}-04-15",
        },
        follow=True,
    )
    body = response.content.decode()
    warning = f"Hạn 15/04/{YEAR} muộn hơn hạn của kế hoạch cấp trên (31/03/{YEAR})"
    assert body.count(warning) >= 2  # the message after saving, and the plan's own warning list
    assert 'id="plan-warnings"' in body


def test_a_cleared_task_deadline_is_flagged_on_the_page(client, tree, commune_police, province_plan):
    client.force_login(commune_police)
    client.post(reverse("plans:cascade", args=[tree.commune.pk]), {"parent": province_plan.pk})
    child = Plan.objects.get(node=tree.commune)
    task = child.tasks.order_by("order").first()
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {"version": task.version, "content": task.content, "lead_unit": task.lead_unit, "deadline": ""},
        follow=True,
    )
    body = response.content.decode()
    assert body.count(f"Chưa đặt hạn; kế hoạch cấp trên hạn 31/03/{YEAR}") >= 2


def test_progress_update_and_cancel(client, province_officer, province_plan):
    client.force_login(province_officer)
    task = province_plan.tasks.order_by("order").first()
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {"version": task.version, "status": TaskStatus.IN_PROGRESS, "progress": 50},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 50)
    response = client.post(
        reverse("plans:cancel", args=[province_plan.pk]),
        {"version": province_plan.version, "reason": "Thay bằng kế hoạch mới"},
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=province_plan.pk).status == PlanStatus.CANCELLED


def test_an_issued_plan_cannot_be_edited_through_the_screens(client, province_officer, province_plan):
    client.force_login(province_officer)
    task = province_plan.tasks.first()
    response = client.post(reverse("plans:task_edit", args=[task.pk]), {"content": "Đổi", "lead_unit": "X"})
    assert response.status_code == 302
    assert PlanTask.objects.get(pk=task.pk).content != "Đổi"
    response = client.post(reverse("plans:edit", args=[province_plan.pk]), {"title": "Đổi"})
    assert Plan.objects.get(pk=province_plan.pk).title != "Đổi"


def test_docx_download_is_a_real_word_file(client, commune_police, province_plan):
    client.force_login(commune_police)
    response = client.get(reverse("plans:docx", args=[province_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-45-KH-UBND.docx"'
    document = docx.Document(io.BytesIO(response.content))
    assert "III. NỘI DUNG, BIỆN PHÁP" in [p.text for p in document.paragraphs]


def test_inherited_items_show_what_they_inherit(client, tree, commune_police, province_plan):
    client.force_login(commune_police)
    client.post(reverse("plans:cascade", args=[tree.commune.pk]), {"parent": province_plan.pk})
    child = Plan.objects.get(node=tree.commune)
    target = child.targets.order_by("order").first()
    task = child.tasks.order_by("order").first()
    body = client.get(reverse("plans:target_edit", args=[target.pk])).content.decode()
    assert "Kế thừa từ kế hoạch cấp trên:" in body and "Đăng ký phong trào: 100%" in body
    body = client.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    assert f"Quán triệt văn bản chỉ đạo (hạn 31/03/{YEAR})" in body


# --- The "new plan" list: the current level and the one below, never the whole country -------------


def _options(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {node.pk for node in response.context["form"].fields["node"].queryset}


def test_the_administrator_is_offered_the_provinces_not_the_whole_country(client, tree, admin):
    client.force_login(admin)
    response = client.get(reverse("plans:create"))
    assert response.status_code == 200
    assert _options(response) == {tree.nation.pk, tree.province.pk, tree.other_province.pk}
    assert 'id="plan-node-expand"' in response.content.decode()


def test_choosing_a_province_then_a_commune_lists_their_lower_levels(client, tree, admin):
    client.force_login(admin)
    province = _options(client.get(reverse("plans:create"), {"node": tree.province.pk}))
    assert {tree.commune.pk, tree.sibling_commune.pk} <= province
    assert tree.unit.pk not in province and tree.other_commune.pk not in province
    commune = _options(client.get(reverse("plans:create"), {"node": tree.commune.pk}))
    # The province's communes stay, the chosen commune's units join; nothing of another province.
    assert {tree.province.pk, tree.commune.pk, tree.sibling_commune.pk, tree.unit.pk} <= commune
    assert tree.sibling_unit.pk not in commune and tree.other_commune.pk not in commune


def test_a_unit_reached_through_its_commune_can_be_planned_for(client, tree, admin):
    client.force_login(admin)
    response = client.post(
        reverse("plans:create"),
        {"node": tree.unit.pk, "year": YEAR, "title": "Kế hoạch của tổ", "purpose": "Mục đích"},
    )
    assert response.status_code == 302
    assert Plan.objects.get().node == tree.unit


def test_the_list_follows_the_current_node_and_is_capped(client, tree, admin, monkeypatch):
    from antq.accounts.navigation import SESSION_KEY
    from antq.plans import access

    client.force_login(admin)
    session = client.session
    session[SESSION_KEY] = tree.commune.pk
    session.save()
    options = _options(client.get(reverse("plans:create")))
    assert tree.commune.pk in options and tree.unit.pk in options
    assert tree.province.pk not in options and tree.other_province.pk not in options
    monkeypatch.setattr(access, "CREATE_CHOICES_CAP", 2)
    assert len(_options(client.get(reverse("plans:create")))) == 2


def test_the_commune_police_are_offered_their_commune_only(client, tree, commune_police):
    client.force_login(commune_police)
    response = client.get(reverse("plans:create"))
    assert _options(response) == {tree.commune.pk}
    assert 'id="plan-node-expand"' not in response.content.decode()


def test_the_cascade_page_states_the_lead_times_in_words(client, tree, commune_police):
    client.force_login(commune_police)
    page = client.get(reverse("plans:cascade", args=[tree.commune.pk])).content.decode()
    assert "cascade.yaml" not in page
    assert "xã, phường, đặc khu 10 ngày" in page and "khu dân cư 7 ngày" in page


def test_a_past_superior_deadline_is_copied_with_a_warning(client, tree, province_officer, commune_police):
    import datetime as dt

    from django.utils import timezone

    from antq.accounts.scope import Scope
    from antq.plans import services
    from tests.plans.conftest import issue, make_plan

    today = timezone.localdate()
    past = dt.date(today.year, 1, 1)
    if past == today:
        return
    plan = make_plan(province_officer, tree.province, year=today.year)
    services.task_save(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        plan=plan,
        data={"content": "Quán triệt", "lead_unit": "Công an tỉnh", "deadline": past},
        today=past,
    )
    parent = issue(province_officer, plan)
    client.force_login(commune_police)
    response = client.post(
        reverse("plans:cascade", args=[tree.commune.pk]), {"parent": parent.pk}, follow=True
    )
    body = response.content.decode()
    assert "Thời hạn của kế hoạch cấp trên đã qua nên được sao nguyên" in body
    assert f"nhiệm vụ 1 ({past:%d/%m/%Y})" in body


def test_the_issue_form_points_to_the_edit_page_for_the_symbol(client, province_officer, tree):
    from tests.plans.conftest import add_task, day, make_plan

    plan = make_plan(province_officer, tree.province)
    add_task(province_officer, plan, "Quán triệt", day(3, 31))
    client.force_login(province_officer)
    response = client.post(
        reverse("plans:issue", args=[plan.pk]),
        {
            "version": plan.version,
            "number": "45/KH-UBND",
            "issued_on": "2020-01-01",
            "signer_title": "CHỦ TỊCH",
            "signer_name": "Phạm Anh Tuấn",
        },
    )
    body = response.content.decode()
    assert "ký hiệu “KH-UBND” sửa ở trang Sửa kế hoạch" in body
    assert reverse("plans:edit", args=[plan.pk]) in body
