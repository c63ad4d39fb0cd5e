"""The inspection screens as the commune police, the province and the inspected unit use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from antq.inspections.models import Finding, Inspection, InspectionTarget
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, add_finding, conclude, start

pytestmark = pytest.mark.django_db


def form_data(node: Any = None, **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "inspected_on": "2025-05-02",
        "basis": "Kế hoạch số 12/KH-CAX",
        "team": "Nguyễn Văn An - Phó Trưởng Công an xã\nLê Thị Bình | Cán bộ",
    }
    if node is not None:
        out["node"] = node.pk
    out.update(overrides)
    return out


def test_the_create_form_offers_only_nodes_the_user_may_inspect(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.get(reverse("inspections:create"))
    nodes = {n.pk for n in response.context["form"].fields["node"].queryset}
    assert nodes == {tree.unit.pk, tree.school.pk}


def test_planning_from_the_form_parses_the_team_lines(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.post(reverse("inspections:create"), form_data(tree.unit))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", args=[inspection.pk])
    assert [(m.name, m.position) for m in inspection.members.all()] == [
        ("Nguyễn Văn An", "Phó Trưởng Công an xã"),
        ("Lê Thị Bình", "Cán bộ"),
    ]


def test_a_team_line_without_a_position_is_named_by_its_row(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    team = "Nguyễn Văn An - Trưởng đoàn\nLê Thị Bình"
    response = client.post(reverse("inspections:create"), form_data(tree.unit, team=team))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dòng 2: cần ghi “Họ và tên - Chức vụ”" in html
    assert 'aria-describedby="id_team_helptext id_team_error"' in html
    assert "Lê Thị Bình" in html  # what was typed stays
    assert not Inspection.objects.exists()


def test_the_list_filters_by_status_and_year_in_a_fixed_number_of_queries(
    client: Client,
    tree: Tree,
    plan: PlanFn,
    commune_police: User,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(12):
        inspection = plan(tree.unit if i % 2 else tree.school, inspected_on=dt.date(2025, 1 + i, 3))
        if i % 3 == 0:
            add_finding(start(inspection, commune_police), commune_police, due_on=dt.date(2025, 12, 31))
    plan(tree.unit, inspected_on=dt.date(2024, 6, 1))
    client.force_login(commune_police)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("inspections:list"), {"year": 2025})
    assert response.status_code == 200
    assert len(response.context["page"].items) == 12
    html = response.content.decode()
    assert "quá hạn" in html  # the open findings of 2025 are late today
    running = client.get(reverse("inspections:list"), {"status": "in_progress"})
    assert len(running.context["page"].items) == 4


def test_the_detail_shows_checklist_findings_and_overdue_in_red(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    add_finding(inspection, commune_police, due_on=dt.date(2025, 6, 1), description="Chưa lập sổ theo dõi")
    client.force_login(commune_police)
    html = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "TT124.KDC.1" in html
    assert 'class="badge off">Quá hạn' in html
    assert reverse("inspections:finding_close", args=[Finding.objects.get().pk]) in html


def test_the_inspected_unit_reads_its_findings_without_the_forms(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User, unit_officer: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police, description="Chưa lập sổ theo dõi")
    client.force_login(unit_officer)
    html = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "Chưa lập sổ theo dõi" in html
    assert reverse("inspections:finding_close", args=[finding.pk]) not in html
    assert reverse("inspections:transition", args=[inspection.pk]) not in html


def test_the_checklist_form_saves_and_names_a_criterion_missing_its_note(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    checks = list(inspection.checks.all())
    client.force_login(commune_police)
    url = reverse("inspections:checklist", args=[inspection.pk])
    post: dict[str, Any] = {"version": inspection.version}
    for c in checks:
        post[f"result_{c.pk}"] = "met"
        post[f"note_{c.pk}"] = ""
    post[f"result_{checks[1].pk}"] = "not_met"
    response = client.post(url, post)
    assert response.status_code == 200
    assert f"Tiêu chí {checks[1].criterion_id} chưa đạt: vui lòng ghi rõ lý do." in response.content.decode()
    post[f"note_{checks[1].pk}"] = "Chưa có kế hoạch"
    assert client.post(url, post).status_code == 302
    assert inspection.checks.filter(result="met").count() == len(checks) - 1


def test_concluding_without_a_conclusion_shows_the_error_next_to_the_field(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    client.force_login(commune_police)
    url = reverse("inspections:transition", args=[inspection.pk])
    response = client.post(url, {"to": "concluded", "version": inspection.version, "conclusion": ""})
    assert response.status_code == 400
    assert "Vui lòng ghi kết luận kiểm tra." in response.content.decode()
    response = client.post(url, {"to": "concluded", "version": inspection.version, "conclusion": "Tốt"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.status, inspection.conclusion) == ("concluded", "Tốt")


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = plan(tree.unit)
    seen = inspection.version
    start(inspection, commune_police)  # someone else moved it on
    client.force_login(commune_police)
    response = client.post(
        reverse("inspections:edit", args=[inspection.pk]),
        form_data(basis="Căn cứ mới đã gõ", version=seen),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "đã được người khác thay đổi" in html
    assert "Căn cứ mới đã gõ" in html
    assert response.context["form"]["version"].value() == str(seen + 1)
    inspection.refresh_from_db()
    assert inspection.basis != "Căn cứ mới đã gõ"


def test_closing_a_finding_from_the_page_then_closing_the_inspection(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    inspection = conclude(inspection, commune_police)
    client.force_login(commune_police)
    follow = client.post(
        reverse("inspections:finding_follow_up", args=[finding.pk]), {"note": "Đang bổ sung"}
    )
    assert follow.status_code == 302
    missing = client.post(reverse("inspections:finding_close", args=[finding.pk]), {"note": "", "version": 1})
    assert missing.status_code == 400
    stale = client.post(
        reverse("inspections:finding_close", args=[finding.pk]), {"note": "Xong", "version": 9}
    )
    assert stale.status_code == 409
    assert "Xong" in stale.content.decode()
    ok = client.post(reverse("inspections:finding_close", args=[finding.pk]), {"note": "Xong", "version": 1})
    assert ok.status_code == 302
    close = client.post(
        reverse("inspections:transition", args=[inspection.pk]),
        {"to": "closed", "version": inspection.version},
    )
    assert close.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == "closed"
    assert finding.updates.count() == 1


def test_the_target_page_counts_and_lets_the_province_set_the_target(
    client: Client,
    tree: Tree,
    plan: PlanFn,
    province_officer: User,
    commune_police: User,
    django_assert_max_num_queries: Any,
) -> None:
    for node in (tree.unit, tree.school, tree.sibling_unit):
        inspection = start(plan(node, by=province_officer), province_officer)
        add_finding(inspection, province_officer, due_on=dt.date(2025, 6, 1))
        conclude(inspection, province_officer)
    client.force_login(province_officer)
    url = reverse("inspections:target", args=[tree.province.pk, 2025])
    with django_assert_max_num_queries(11):
        response = client.get(url)
    html = response.content.decode()
    assert "Đã kiểm tra 3 cuộc; chưa giao chỉ tiêu" in html
    assert "3 quá hạn" in html
    set_url = reverse("inspections:target_set", args=[tree.province.pk, 2025])
    assert client.post(set_url, {"count": 5, "basis": "Kế hoạch số 5/KH-CAT"}).status_code == 302
    assert InspectionTarget.objects.get().count == 5
    html = client.get(url).content.decode()
    assert "Đã kiểm tra 3/5 cuộc theo chỉ tiêu" in html
    bad = client.post(set_url, {"count": "", "basis": "", "version": 1})
    assert bad.status_code == 400
    stale = client.post(set_url, {"count": 7, "basis": "KH mới", "version": 0})
    assert stale.status_code == 409
    assert "KH mới" in stale.content.decode()


def test_a_target_page_for_a_commune_is_not_found(client: Client, tree: Tree, province_officer: User) -> None:
    client.force_login(province_officer)
    assert client.get(reverse("inspections:target", args=[tree.commune.pk, 2025])).status_code == 404
    assert client.get(reverse("inspections:target", args=[tree.province.pk, 1900])).status_code == 404


@pytest.mark.parametrize("persona", ["commune_police", "commune_leader"])
def test_commune_users_get_no_link_to_the_province_target(
    client: Client, tree: Tree, request: Any, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("inspections:list")).content.decode()
    assert "Chỉ tiêu kiểm tra năm" not in body
    assert f"/inspections/targets/{tree.province.pk}/" not in body


def test_the_province_officer_keeps_the_target_link(
    client: Client, tree: Tree, province_officer: User
) -> None:
    client.force_login(province_officer)
    body = client.get(reverse("inspections:list")).content.decode()
    assert "Chỉ tiêu kiểm tra năm" in body


def test_closing_without_a_note_names_the_field_and_returns_to_the_finding(
    client: Client, tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    inspection = start(plan(tree.unit), commune_police)
    finding = add_finding(inspection, commune_police)
    inspection = conclude(inspection, commune_police)
    client.force_login(commune_police)
    detail = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert f"{reverse('inspections:finding_close', args=[finding.pk])}#finding-{finding.pk}" in detail
    missing = client.post(reverse("inspections:finding_close", args=[finding.pk]), {"note": "", "version": 1})
    body = missing.content.decode()
    assert missing.status_code == 400
    assert "Kết quả khắc phục là bắt buộc để đóng kiến nghị." in body
    assert "Trường này là bắt buộc." not in body


def test_a_negative_target_names_the_field(client: Client, tree: Tree, province_officer: User) -> None:
    client.force_login(province_officer)
    response = client.post(
        reverse("inspections:target_set", args=[tree.province.pk, 2025]), {"count": -1, "basis": "KH"}
    )
    body = response.content.decode()
    assert "Số cuộc kiểm tra theo chỉ tiêu không được âm." in body
    assert "Đảm bảo giá trị" not in body
