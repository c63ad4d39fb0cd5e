"""Screens of the initiatives app, end to end and thin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from antq.audit.models import AuditEvent
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import Initiative, InitiativeActivity, InitiativeEvaluation, InitiativeType
from tests.initiatives.conftest import kind

pytestmark = pytest.mark.django_db


def test_list_shows_counts_and_costs_a_bounded_number_of_queries(
    client, tree, commune_police, create, django_assert_max_num_queries
):
    for i in range(6):
        create(tree.unit if i % 2 else tree.school, name=f"Mô hình số {i}")
    client.force_login(commune_police)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("initiatives:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mô hình số 5" in body
    assert "<strong>6</strong>" in body


def test_list_filters_by_node_and_status(client, tree, commune_police, create):
    create(tree.unit, name="Ở tổ dân phố")
    create(tree.school, name="Ở trường")
    client.force_login(commune_police)
    body = client.get(reverse("initiatives:list"), {"node": tree.school.pk}).content.decode()
    assert "Ở trường" in body and "Ở tổ dân phố" not in body
    body = client.get(reverse("initiatives:list"), {"status": "retired"}).content.decode()
    assert "Không có mô hình nào khớp" in body


def test_unit_officer_creates_an_initiative_for_their_unit(client, tree, unit_officer):
    client.force_login(unit_officer)
    form = client.get(reverse("initiatives:create"))
    assert form.status_code == 200
    response = client.post(
        reverse("initiatives:create"),
        {
            "node": tree.unit.pk,
            "initiative_type": kind("to_hoa_giai").pk,
            "name": "Tổ hòa giải tổ dân phố 1",
            "started_on": "2025-02-01",
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:detail", args=[initiative.pk])
    assert initiative.node == tree.unit


def test_create_shows_a_vietnamese_error_next_to_the_field(client, tree, unit_officer):
    client.force_login(unit_officer)
    response = client.post(
        reverse("initiatives:create"),
        {"node": tree.unit.pk, "initiative_type": kind().pk, "name": "", "started_on": "2999-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in body
    assert "Ngày bắt đầu hoạt động không được sau ngày hôm nay." in body
    assert not Initiative.objects.exists()


def test_a_stale_edit_keeps_the_typed_values_and_says_why(client, tree, commune_police, create):
    initiative = create(tree.unit)
    client.force_login(commune_police)
    url = reverse("initiatives:edit", args=[initiative.pk])
    data = {"name": "Tên của tôi", "started_on": "2025-03-01", "version": 1}
    Initiative.objects.filter(pk=initiative.pk).update(version=2, name="Tên của người khác")
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "đã được người khác thay đổi" in body
    assert 'value="Tên của tôi"' in body
    initiative.refresh_from_db()
    assert initiative.name == "Tên của người khác"


def test_detail_shows_members_activity_evaluations_and_replicas(client, tree, commune_police, create):
    initiative = create(tree.unit, name="Camera an ninh")
    client.force_login(commune_police)
    client.post(
        reverse("initiatives:member_add", args=[initiative.pk]), {"name": "Trần Thị Lan", "role": "Tổ viên"}
    )
    client.post(
        reverse("initiatives:activity_add", args=[initiative.pk]),
        {"occurred_on": "2025-06-01", "content": "Lắp camera ngã ba", "ind_cameras_installed": "4"},
    )
    client.post(
        reverse("initiatives:evaluate", args=[initiative.pk]) + "?year=2025",
        {"year": 2025, "rating": "kha", "comment": "Hoạt động đều"},
    )
    client.post(reverse("initiatives:replicate", args=[initiative.pk]), {"nodes": [tree.school.pk]})
    assert InitiativeActivity.objects.get().indicator_values == {"cameras_installed": 4}
    assert InitiativeEvaluation.objects.get().rating == "kha"
    replica = Initiative.objects.get(replicated_from=initiative)
    body = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()
    for text in (
        "Trần Thị Lan",
        "Lắp camera ngã ba",
        "Số camera đã lắp đặt: 4",
        "Khá",
        "Trường THCS Nguyễn Du",
    ):
        assert text in body
    assert reverse("initiatives:detail", args=[replica.pk]) in body


def test_activity_with_a_negative_indicator_names_it(client, tree, commune_police, create):
    initiative = create(tree.unit)
    client.force_login(commune_police)
    response = client.post(
        reverse("initiatives:activity_add", args=[initiative.pk]),
        {"occurred_on": "2025-06-01", "content": "x", "ind_cameras_online": "-1"},
    )
    assert response.status_code == 200
    assert 'id="id_ind_cameras_online_error"' in response.content.decode()
    assert not InitiativeActivity.objects.exists()


@pytest.mark.parametrize(
    ("persona", "where", "expected"),
    [
        ("unit_officer", "unit", 302),
        ("commune_police", "unit", 302),
        ("province_officer", "unit", 302),  # the superior who evaluates it
        ("commune_police", "commune", 302),
        ("province_officer", "commune", 302),
        ("inspector", "unit", 403),
        ("commune_leader", "unit", 403),
        ("province_leader", "commune", 403),
        ("unit_officer", "sibling_unit", 404),
    ],
)
def test_retire_is_for_the_unit_or_its_superior(client, tree, admin, request, persona, where, expected):
    initiative = Initiative.objects.create(
        node=getattr(tree, where),
        initiative_type=kind(),
        name="Camera",
        started_on=dt.date(2024, 3, 1),
        created_by=admin,
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("initiatives:retire", args=[initiative.pk]),
        {"retired_on": "2025-09-30", "reason": "Chỉ tồn tại trên giấy", "version": 1},
    )
    assert response.status_code == expected
    initiative.refresh_from_db()
    assert (initiative.status == InitiativeStatus.RETIRED) is (expected == 302)


def test_catalogue_admin_adds_and_deactivates_a_type(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("initiatives:type_create"),
        {
            "code": "nha_an_toan",
            "name": "Nhà văn hóa an toàn",
            "indicators": "events | Số buổi | buổi\nbad line",
        },
    )
    assert "Dòng 2" in response.content.decode()
    client.post(
        reverse("initiatives:type_create"),
        {"code": "nha_an_toan", "name": "Nhà văn hóa an toàn", "indicators": "events | Số buổi | buổi"},
    )
    new = InitiativeType.objects.get(code="nha_an_toan")
    assert new.indicators == [{"key": "events", "label": "Số buổi", "unit": "buổi"}]
    client.post(reverse("initiatives:type_toggle"), {"type": new.pk, "active": "0"})
    new.refresh_from_db()
    assert new.is_active is False
    assert "Nhà văn hóa an toàn" in client.get(reverse("initiatives:types")).content.decode()
    assert (
        AuditEvent.objects.filter(object_type="initiatives.initiativetype", object_id=str(new.pk)).count()
        == 2
    )


def test_the_founding_decision_is_picked_among_the_chosen_nodes_documents(client, tree, commune_police):
    from tests.outreach.conftest import evidence

    mine = evidence(tree.unit, commune_police, title="Quyết định thành lập tổ camera")
    evidence(tree.school, commune_police, title="Biên bản của trường")
    client.force_login(commune_police)
    body = client.get(reverse("initiatives:create")).content.decode()
    assert "Chọn đơn vị trước để chọn tài liệu" in body
    assert "Quyết định thành lập tổ camera" not in body
    response = client.get(reverse("initiatives:create"), {"node": tree.unit.pk})
    assert list(response.context["form"].fields["founding_decision"].queryset) == [mine]
    body = response.content.decode()
    assert "Biên bản · 10/03/2025 · Quyết định thành lập tổ camera" in body
    assert "Biên bản của trường" not in body


def test_a_negative_indicator_is_named_not_generic(client, tree, commune_police, create):
    initiative = create(tree.unit)
    client.force_login(commune_police)
    response = client.post(
        reverse("initiatives:activity_add", args=[initiative.pk]),
        {"occurred_on": "2025-06-01", "content": "x", "ind_cameras_online": "-1"},
    )
    body = response.content.decode()
    assert "Số camera đang hoạt động không được âm." in body
    assert "Đảm bảo giá trị" not in body
