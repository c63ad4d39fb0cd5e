"""The plans API: same scope and services as the screens (404 / 403 / 409)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.plans.choices import PlanStatus
from antq.plans.models import Plan
from tests.plans.conftest import YEAR

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_list_and_detail_with_targets_tasks_and_rollup(province_plan, commune_police):
    client = _api(commune_police)
    listing = client.get(reverse("api:plan-list"), {"year": YEAR}).json()
    assert [p["code"] for p in listing["results"]] == ["45/KH-UBND"]
    detail = client.get(reverse("api:plan-detail", args=[province_plan.pk])).json()
    assert detail["status"] == "issued"
    assert [t["label"] for t in detail["targets"]] == ["Đăng ký phong trào", "Công nhận đạt chuẩn"]
    assert [t["deadline"] for t in detail["tasks"]] == [f"{YEAR}-03-31", f"{YEAR}-08-20", None]
    assert detail["tasks"][0]["rollup"] is None


def test_create_checks_the_level_and_the_fields(tree, commune_police):
    client = _api(commune_police)
    refused = client.post(
        reverse("api:plan-list"), {"node": tree.province.pk, "year": YEAR, "title": "X"}, format="json"
    )
    assert refused.status_code == 400  # a node out of scope is a field error, not revealed
    assert "node" in refused.json()
    forbidden = client.post(
        reverse("api:plan-list"), {"node": tree.unit.pk, "year": YEAR, "title": "X"}, format="json"
    )
    assert forbidden.status_code == 403  # seen, but a unit drafts its own plan
    assert Plan.objects.count() == 0
    bad = client.post(
        reverse("api:plan-list"), {"node": tree.commune.pk, "year": 1990, "title": ""}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"year", "title"}
    made = client.post(
        reverse("api:plan-list"),
        {"node": tree.commune.pk, "year": YEAR, "title": "Kế hoạch xã"},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["issuer_name"] == "Ủy ban nhân dân phường Quy Nhơn"


def test_cascade_then_progress_with_a_stale_version_is_409(
    tree, commune_police, province_officer, province_plan
):
    client = _api(commune_police)
    response = client.post(
        reverse("api:plan-cascade"), {"parent": province_plan.pk, "node": tree.commune.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["parent"] == province_plan.pk
    assert len(body["tasks"]) == 3
    assert all(t["inherited_from"] for t in body["tasks"])
    again = client.post(
        reverse("api:plan-cascade"), {"parent": province_plan.pk, "node": tree.commune.pk}, format="json"
    )
    assert again.status_code == 400
    officer = _api(province_officer)
    task = province_plan.tasks.order_by("order").first()
    url = reverse("api:plan-task-progress", args=[task.pk])
    ok = officer.post(
        url, {"status": "in_progress", "progress": 20, "expected_version": task.version}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["progress"] == 20
    stale = officer.post(
        url, {"status": "in_progress", "progress": 30, "expected_version": task.version}, format="json"
    )
    assert stale.status_code == 409
    forbidden = client.post(
        url, {"status": "in_progress", "progress": 40, "expected_version": task.version + 1}, format="json"
    )
    assert forbidden.status_code == 403


def test_the_commune_police_cannot_cascade_into_a_sibling_commune(tree, commune_police, province_plan):
    response = _api(commune_police).post(
        reverse("api:plan-cascade"),
        {"parent": province_plan.pk, "node": tree.sibling_commune.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "node" in response.json()
    assert not Plan.objects.filter(node=tree.sibling_commune).exists()
    assert Plan.objects.get(pk=province_plan.pk).status == PlanStatus.ISSUED
