"""The register through API v1: the same services, scope and history as the screens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.conftest import Tree

from .conftest import RecordFn

pytestmark = pytest.mark.django_db

BODY = {
    "incident_type": "INC_ILLEGAL_STRIKE",
    "occurred_on": "2025-03-10",
    "place": "Xưởng may",
    "summary": "Công nhân ngừng việc tập thể trái pháp luật",
    "force_majeure": False,
    "timely_handled": False,
    "source": "unit_report",
}


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_list_retrieve_correct_withdraw(tree: Tree, frameworks: None, commune_police: User) -> None:
    client = api(commune_police)
    created = client.post("/api/v1/incidents/", {**BODY, "node": tree.school.pk}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["revision"] == 1 and body["node"]["code"] == "X21583-CSGD01"
    assert body["recorded_by"]["username"] == "xa.congan"
    pk = body["id"]

    corrected = client.post(
        f"/api/v1/incidents/{pk}/correct/",
        {"summary": "Lãn công trái pháp luật", "reason": "Biên bản bổ sung", "expected_revision": 1},
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["revision"] == 2 and corrected.json()["place"] == "Xưởng may"

    stale = client.post(
        f"/api/v1/incidents/{pk}/correct/",
        {"summary": "Khác", "reason": "Sửa", "expected_revision": 1},
        format="json",
    )
    assert stale.status_code == 409 and "lần ghi 2" in stale.json()["detail"]

    detail = client.get(f"/api/v1/incidents/{pk}/").json()
    assert detail["is_current"] is False
    assert [(r["revision"], r["reason"]) for r in detail["revisions"]] == [(1, ""), (2, "Biên bản bổ sung")]

    withdrawn = client.post(
        f"/api/v1/incidents/{corrected.json()['id']}/withdraw/",
        {"reason": "Ghi nhận nhầm", "expected_revision": 2},
        format="json",
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.get("/api/v1/incidents/").json()["results"] == []
    listed = client.get("/api/v1/incidents/", {"include_withdrawn": "true"}).json()["results"]
    assert [r["revision"] for r in listed] == [3]


def test_a_form_encoded_correction_keeps_the_flags_it_does_not_send(
    tree: Tree, record: RecordFn, commune_police: User
) -> None:
    incident = record(tree.unit, timely_handled=True)
    response = api(commune_police).post(
        f"/api/v1/incidents/{incident.pk}/correct/",
        {"place": "Chợ", "reason": "Nơi xảy ra", "expected_revision": 1},
    )
    assert response.status_code == 200 and response.json()["timely_handled"] is True


def test_refusals_are_field_errors_or_status_codes(
    tree: Tree, frameworks: None, record: RecordFn, commune_police: User, unit_officer: User
) -> None:
    client = api(commune_police)
    bad_type = client.post(
        "/api/v1/incidents/", {**BODY, "node": tree.unit.pk, "incident_type": "INC_X"}, format="json"
    )
    assert bad_type.status_code == 400 and "incident_type" in bad_type.json()
    future = client.post(
        "/api/v1/incidents/", {**BODY, "node": tree.unit.pk, "occurred_on": "2999-01-01"}, format="json"
    )
    assert future.status_code == 400 and "occurred_on" in future.json()
    unseen = client.post("/api/v1/incidents/", {**BODY, "node": tree.sibling_unit.pk}, format="json")
    assert unseen.status_code == 400 and "node" in unseen.json()
    no_reason = client.post(
        f"/api/v1/incidents/{record(tree.unit).pk}/correct/", {"summary": "x"}, format="json"
    )
    assert no_reason.status_code == 400 and set(no_reason.json()) == {"reason", "expected_revision"}
    assert (
        api(unit_officer)
        .post("/api/v1/incidents/", {**BODY, "node": tree.unit.pk}, format="json")
        .status_code
        == 403
    )


def test_out_of_scope_incidents_answer_404(
    tree: Tree, record: RecordFn, province_officer: User, commune_police: User
) -> None:
    incident = record(tree.sibling_unit, by=province_officer)
    client = api(commune_police)
    assert client.get(f"/api/v1/incidents/{incident.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/incidents/{incident.pk}/withdraw/",
            {"reason": "x", "expected_revision": 1},
            format="json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/incidents/", {"node": tree.sibling_commune.pk}).status_code == 404


def test_the_list_filters_and_its_queries_do_not_grow(
    tree: Tree, record: RecordFn, province_officer: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(1, 20):
        record(tree.unit if n % 2 else tree.school, occurred_on=dt.date(2025, 1, n))
    record(tree.sibling_unit, by=province_officer, incident_type="INC_NEW_HOTSPOT")
    client = api(province_officer)
    with django_assert_max_num_queries(3):
        page = client.get("/api/v1/incidents/").json()
    assert len(page["results"]) == 20
    only = client.get("/api/v1/incidents/", {"incident_type": "INC_NEW_HOTSPOT"}).json()["results"]
    assert [r["node"]["code"] for r in only] == ["X21600-KDC01"]
    commune = client.get("/api/v1/incidents/", {"node": tree.commune.pk, "year": 2025}).json()["results"]
    assert len(commune) == 19


def test_the_endpoints_are_in_the_openapi_schema(client: Any) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/v1/incidents/", "/api/v1/incidents/{id}/", "/api/v1/incidents/{id}/correct/"} <= set(paths)
    assert "/api/v1/incidents/{id}/withdraw/" in paths
    assert "409" in paths["/api/v1/incidents/{id}/correct/"]["post"]["responses"]
