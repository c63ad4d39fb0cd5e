"""An incident corrected to another unit belongs to that unit from then on: the unit it was first
recorded against no longer opens it through the old revision, and a revision recorded against a unit
out of the reader's scope is never shown (screens and API, not unlike each other)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.incidents import services
from antq.incidents.models import Incident
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree

from .conftest import RecordFn

pytestmark = pytest.mark.django_db

SECRET = "Học sinh lớp 9A bị đe doạ, mật danh HOA-SEN"


def _move(incident: Incident, node: OrgNode, by: User, **facts: object) -> Incident:
    return services.incident_correct(
        by=by,
        scope=Scope.for_user(by),
        incident=incident,
        data={"node": node, **facts},
        reason="Ghi nhầm đơn vị",
        expected_revision=incident.revision,
    )


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def school_officer(tree: Tree) -> User:
    return f.user_with_role("truong.canbo", Role.UNIT_OFFICER, tree.school)


def test_an_incident_moved_away_is_no_longer_reached_through_the_old_revision(
    client: Client, tree: Tree, record: RecordFn, commune_police: User, unit_officer: User
) -> None:
    first = record(tree.unit)
    moved = _move(first, tree.school, commune_police, summary=SECRET)
    client.force_login(unit_officer)
    for pk in (first.pk, moved.pk):
        assert client.get(reverse("incidents:detail", args=[pk])).status_code == 404
        assert client.get(reverse("incidents:correct", args=[pk])).status_code == 404
        assert _api(unit_officer).get(f"/api/v1/incidents/{pk}/").status_code == 404
    withdraw = _api(unit_officer).post(
        f"/api/v1/incidents/{first.pk}/withdraw/", {"reason": "x", "expected_revision": 2}, format="json"
    )
    assert withdraw.status_code == 404
    # The commune police, who see both units, still reach every revision.
    client.force_login(commune_police)
    page = client.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert SECRET in page and "Trường THCS Nguyễn Du" in page


def test_a_revision_on_a_unit_out_of_scope_is_not_shown(
    client: Client,
    tree: Tree,
    record: RecordFn,
    commune_police: User,
    unit_officer: User,
    school_officer: User,
) -> None:
    first = record(tree.school, summary=SECRET, place="Trường THCS Nguyễn Du")
    moved = _move(first, tree.unit, commune_police, summary="Cướp tài sản ở Tổ dân phố 1", place="Tổ 1")

    client.force_login(unit_officer)
    response = client.get(reverse("incidents:detail", args=[moved.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cướp tài sản ở Tổ dân phố 1" in page
    assert SECRET not in page and "Trường THCS Nguyễn Du" not in page
    assert "ngoài phạm vi của bạn" in page
    assert reverse("incidents:detail", args=[first.pk]) not in page
    # The school's revision itself, named by its id: not found.
    assert client.get(reverse("incidents:detail", args=[first.pk])).status_code == 404

    body = _api(unit_officer).get(f"/api/v1/incidents/{moved.pk}/").json()
    assert [r["revision"] for r in body["revisions"]] == [2]
    assert SECRET not in str(body) and "Trường THCS Nguyễn Du" not in str(body)
    assert _api(unit_officer).get(f"/api/v1/incidents/{first.pk}/").status_code == 404

    # The school no longer reaches an incident that now stands on another unit.
    client.force_login(school_officer)
    assert client.get(reverse("incidents:detail", args=[first.pk])).status_code == 404
    assert _api(school_officer).get(f"/api/v1/incidents/{first.pk}/").status_code == 404

    # Whoever sees both units sees the whole history and what changed.
    body = _api(commune_police).get(f"/api/v1/incidents/{first.pk}/").json()
    assert [r["revision"] for r in body["revisions"]] == [1, 2]
    client.force_login(commune_police)
    page = client.get(reverse("incidents:detail", args=[moved.pk])).content.decode()
    assert SECRET in page and "ngoài phạm vi của bạn" not in page
