"""The inspection endpoints: the same scope and services as the screens (404/403/409)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from antq.inspections.choices import FindingStatus
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, add_finding, start

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped_and_filtered(
    tree: Tree, plan: PlanFn, commune_police: User, province_officer: User, django_assert_max_num_queries: Any
) -> None:
    for month in range(1, 7):
        plan(tree.unit, inspected_on=dt.date(2025, month, 5))
    plan(tree.sibling_unit, by=province_officer)
    with django_assert_max_num_queries(3):
        body = api(commune_police).get(reverse("api:inspection-list")).json()
    assert len(body["results"]) == 6
    assert body["results"][0]["inspected_on"] == "2025-06-05"
    everything = api(province_officer).get(reverse("api:inspection-list"), {"year": 2025}).json()
    assert len(everything["results"]) == 7
    bad = api(province_officer).get(reverse("api:inspection-list"), {"status": "nope"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_detail_has_team_checklist_and_findings(tree: Tree, plan: PlanFn, commune_police: User) -> None:
    inspection = start(plan(tree.unit), commune_police)
    add_finding(inspection, commune_police, due_on=dt.date(2025, 6, 1))
    body = api(commune_police).get(reverse("api:inspection-detail", args=[inspection.pk])).json()
    assert body["members"][0] == {"name": "Nguyễn Văn An", "position": "Phó Trưởng Công an xã"}
    assert body["checks"][0]["criterion_id"] == "TT124.KDC.1"
    assert body["findings"][0]["overdue"] is True
    assert body["findings"][0]["updates"] == []


def test_the_unit_follows_its_findings_but_cannot_close_them(
    tree: Tree, plan: PlanFn, commune_police: User, unit_officer: User
) -> None:
    finding = add_finding(start(plan(tree.unit), commune_police), commune_police)
    listed = api(unit_officer).get(reverse("api:inspection-finding-list"), {"overdue": "true"}).json()
    assert [f["id"] for f in listed["results"]] == [finding.pk]
    refused = api(unit_officer).post(
        reverse("api:inspection-finding-close", args=[finding.pk]), {"note": "Xong", "version": 1}
    )
    assert refused.status_code == 403


def test_follow_up_then_close_with_a_stale_version_conflicts(
    tree: Tree, plan: PlanFn, commune_police: User
) -> None:
    finding = add_finding(start(plan(tree.unit), commune_police), commune_police)
    client = api(commune_police)
    entry = client.post(reverse("api:inspection-finding-follow-up", args=[finding.pk]), {"note": "Đang làm"})
    assert entry.status_code == 201 and entry.json()["note"] == "Đang làm"
    empty = client.post(reverse("api:inspection-finding-follow-up", args=[finding.pk]), {"note": ""})
    assert empty.status_code == 400
    stale = client.post(
        reverse("api:inspection-finding-close", args=[finding.pk]), {"note": "Xong", "version": 5}
    )
    assert stale.status_code == 409
    closed = client.post(
        reverse("api:inspection-finding-close", args=[finding.pk]), {"note": "Xong", "version": 1}
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == FindingStatus.CLOSED
    detail = client.get(reverse("api:inspection-finding-detail", args=[finding.pk])).json()
    assert [u["note"] for u in detail["updates"]] == ["Đang làm"]
    again = client.post(
        reverse("api:inspection-finding-close", args=[finding.pk]), {"note": "Xong", "version": 2}
    )
    assert again.status_code == 400


def test_an_inspection_out_of_scope_is_not_found(
    tree: Tree, plan: PlanFn, province_officer: User, commune_police: User
) -> None:
    inspection = plan(tree.sibling_unit, by=province_officer)
    assert api(commune_police).get(reverse("api:inspection-detail", args=[inspection.pk])).status_code == 404
