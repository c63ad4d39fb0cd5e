"""REST endpoints of the initiatives app: same scope and services as the screens."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.initiatives.models import Initiative

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_list_and_detail_are_scoped(
    tree, commune_police, unit_officer, create, django_assert_max_num_queries
):
    mine = create(tree.unit, name="Của tổ dân phố")
    create(tree.school, name="Của trường")
    api = _client(unit_officer)
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/initiatives/").json()
    assert [row["name"] for row in body["results"]] == ["Của tổ dân phố"]
    detail = api.get(f"/api/v1/initiatives/{mine.pk}/").json()
    assert detail["initiative_type"] == "camera_an_ninh"
    assert detail["indicators"][0]["key"] == "cameras_installed"
    school = Initiative.objects.get(name="Của trường")
    assert api.get(f"/api/v1/initiatives/{school.pk}/").status_code == 404
    filtered = _client(commune_police).get("/api/v1/initiatives/", {"node": tree.school.pk}).json()
    assert [row["name"] for row in filtered["results"]] == ["Của trường"]


def test_create_through_the_api(tree, unit_officer, province_officer):
    payload = {
        "node": tree.unit.pk,
        "initiative_type": "to_hoa_giai",
        "name": "Tổ hòa giải",
        "started_on": "2025-01-10",
    }
    response = _client(unit_officer).post("/api/v1/initiatives/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Initiative.objects.get().node == tree.unit
    assert _client(province_officer).post("/api/v1/initiatives/", payload, format="json").status_code == 403
    bad = _client(unit_officer).post(
        "/api/v1/initiatives/", {**payload, "initiative_type": "khong_co"}, format="json"
    )
    assert bad.status_code == 400
    assert "initiative_type" in bad.json()


def test_evaluation_revision_without_the_version_is_a_conflict(tree, commune_police, create):
    initiative = create(tree.unit)
    api = _client(commune_police)
    url = f"/api/v1/initiatives/{initiative.pk}/evaluate/"
    first = api.post(url, {"year": 2025, "rating": "kha"}, format="json")
    assert first.status_code == 200
    assert api.post(url, {"year": 2025, "rating": "tot"}, format="json").status_code == 409
    again = api.post(
        url, {"year": 2025, "rating": "tot", "expected_version": first.json()["version"]}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["rating"] == "tot"
    assert api.post(url, {"year": 2025, "rating": "la"}, format="json").status_code == 400


def test_types_are_listed(tree, inspector):
    body = _client(inspector).get("/api/v1/initiative-types/").json()
    assert "camera_an_ninh" in [row["code"] for row in body]
