"""The REST API of the forces app: same services and scope as the screens (400 with the rule's
message, 409 on a stale version)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from antq.forces.models import TeamRating
from tests.forces.conftest import YEAR


@pytest.fixture
def api(commune_police):
    client = APIClient()
    client.force_authenticate(commune_police)
    return client


def test_create_team_add_member_and_rate_through_the_api(api, tree, make_team):
    response = api.post(
        reverse("api:forces-team-list"),
        {"node": tree.unit.pk, "kind": "grassroots_team", "name": "Tổ An Bình", "founded_on": "2025-03-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    team_id = response.json()["id"]
    response = api.post(
        reverse("api:forces-team-members", args=[team_id]),
        {"full_name": "Ngô Văn G", "position": "leader", "joined_on": "2025-03-01"},
        format="json",
    )
    assert response.status_code == 201
    response = api.post(
        reverse("api:forces-round-list"),
        {"commune": tree.commune.pk, "year": YEAR, "evaluated_on": "2025-10-10"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    row = body["team_ratings"][0]["id"]
    response = api.post(
        reverse("api:forces-round-ratings", args=[body["id"]]),
        {"teams": [{"id": row, "level": "good", "not_rated_reason": ""}], "version": body["version"]},
        format="json",
    )
    assert response.status_code == 200
    version = response.json()["version"]
    response = api.post(
        reverse("api:forces-round-submit", args=[body["id"]]), {"version": version}, format="json"
    )
    assert response.status_code == 400
    assert "Tổ Tổ An Bình mới hoạt động 7 tháng (từ 01/03/2025), chưa đủ 9 tháng để xếp loại." in str(
        response.json()
    )
    stale = api.post(
        reverse("api:forces-round-ratings", args=[body["id"]]), {"teams": [], "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert TeamRating.objects.get(pk=row).level == "good"


def test_other_province_round_is_404(api, tree, admin):
    from antq.forces.models import RatingRound

    rnd = RatingRound.objects.create(
        commune=tree.other_commune, year=YEAR, evaluated_on=dt.date(YEAR, 11, 1), created_by=admin
    )
    assert api.get(reverse("api:forces-round-detail", args=[rnd.pk])).status_code == 404


def test_guard_result_correction_needs_the_version(api, agency, make_team):
    team = make_team(agency)
    url = reverse("api:forces-team-results", args=[team.pk])
    first = api.post(url, {"year": YEAR, "result": "good"}, format="json")
    assert first.status_code == 200, first.content
    blind = api.post(url, {"year": YEAR, "result": "completed"}, format="json")
    assert blind.status_code == 409
    assert "đã có kết quả năm 2025" in str(blind.json())
    fixed = api.post(
        url, {"year": YEAR, "result": "completed", "version": first.json()["version"]}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["result"] == "completed"


def test_the_commune_leader_cannot_open_a_round(tree, commune_leader):
    client = APIClient()
    client.force_authenticate(commune_leader)
    response = client.post(
        reverse("api:forces-round-list"),
        {"commune": tree.commune.pk, "year": YEAR, "evaluated_on": "2025-10-10"},
        format="json",
    )
    assert response.status_code == 403
