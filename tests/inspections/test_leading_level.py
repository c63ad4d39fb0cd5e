"""Who acts on an inspection: whoever sees the inspected node reads it, but only the level that leads
it (its `inspector_node`, or a level above) changes it. The commune police hold `inspect` on their
units, yet never take over an inspection of one of them that the province leads: 403 (the
inspection is visible, so not 404), on the screens, the API and in the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.inspections import services
from antq.inspections.choices import InspectionStatus
from antq.inspections.models import Finding, Inspection
from tests.conftest import Tree
from tests.inspections.conftest import PlanFn, add_finding, conclude, data, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def led_by_province(tree: Tree, plan: PlanFn, province_officer: User) -> tuple[Inspection, Finding]:
    """An inspection of the commune police's own unit that the province leads, running, with a
    finding."""
    inspection = start(plan(tree.unit, by=province_officer), province_officer)
    assert inspection.inspector_node_id == tree.province.pk
    finding = add_finding(inspection, province_officer)
    inspection.refresh_from_db()
    return inspection, finding


def test_commune_police_read_but_cannot_act_on_a_province_led_inspection_of_their_unit(
    client: Client, tree: Tree, commune_police: User, led_by_province: tuple[Inspection, Finding]
) -> None:
    inspection, finding = led_by_province
    client.force_login(commune_police)
    detail = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert detail.status_code == 200
    assert detail.context["can_inspect"] is False and detail.context["moves"] == []
    assert reverse("inspections:edit", args=[inspection.pk]) not in detail.content.decode()
    for name in ("inspections:edit", "inspections:checklist", "inspections:finding_create"):
        assert client.get(reverse(name, args=[inspection.pk])).status_code == 403, name
    posts = [
        (
            reverse("inspections:edit", args=[inspection.pk]),
            {
                "inspected_on": "2025-05-03",
                "basis": "Kế hoạch khác",
                "team": "Người Lạ - Trưởng đoàn",
                "version": inspection.version,
            },
        ),
        (
            reverse("inspections:transition", args=[inspection.pk]),
            {"to": InspectionStatus.CONCLUDED, "version": inspection.version, "conclusion": "Xong."},
        ),
        (
            reverse("inspections:finding_create", args=[inspection.pk]),
            {"description": "Khác", "owner": "Ai đó", "due_on": "2025-06-30"},
        ),
        (reverse("inspections:finding_follow_up", args=[finding.pk]), {"note": "Đã làm"}),
        (reverse("inspections:finding_close", args=[finding.pk]), {"note": "Xong", "version": 1}),
    ]
    for url, body in posts:
        assert client.post(url, body).status_code == 403, url
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert (fresh.status, fresh.version, fresh.basis) == (
        InspectionStatus.IN_PROGRESS,
        inspection.version,
        inspection.basis,
    )
    assert Finding.objects.filter(inspection=inspection).count() == 1
    assert not finding.updates.exists()


def test_the_api_answers_403_to_commune_police_on_a_province_led_finding(
    tree: Tree, commune_police: User, led_by_province: tuple[Inspection, Finding]
) -> None:
    inspection, finding = led_by_province
    api = APIClient()
    api.force_authenticate(commune_police)
    assert api.get(reverse("api:inspection-detail", args=[inspection.pk])).status_code == 200
    assert api.get(reverse("api:inspection-finding-detail", args=[finding.pk])).status_code == 200
    follow = api.post(reverse("api:inspection-finding-follow-up", args=[finding.pk]), {"note": "Đã làm"})
    close = api.post(
        reverse("api:inspection-finding-close", args=[finding.pk]), {"note": "Xong", "version": 1}
    )
    assert (follow.status_code, close.status_code) == (403, 403)
    finding.refresh_from_db()
    assert finding.status == "open" and not finding.updates.exists()


def test_the_services_refuse_commune_police_on_a_province_led_inspection(
    tree: Tree, commune_police: User, led_by_province: tuple[Inspection, Finding]
) -> None:
    inspection, finding = led_by_province
    scope = Scope.for_user(commune_police)
    before = AuditEvent.objects.count()
    attempts = [
        lambda: services.inspection_update(
            by=commune_police,
            scope=scope,
            inspection=inspection,
            data=data(basis="Khác"),
            expected_version=inspection.version,
        ),
        lambda: services.checklist_save(
            by=commune_police,
            scope=scope,
            inspection=inspection,
            results={inspection.checks.first().pk: ("met", "")},  # type: ignore[union-attr]
            expected_version=inspection.version,
        ),
        lambda: conclude(inspection, commune_police),
        lambda: add_finding(inspection, commune_police),
        lambda: services.finding_follow_up(by=commune_police, scope=scope, finding=finding, note="Đã làm"),
        lambda: services.finding_close(
            by=commune_police, scope=scope, finding=finding, note="Xong", expected_version=finding.version
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="Tỉnh Gia Lai"):
            attempt()
    assert AuditEvent.objects.count() == before


def test_the_leading_level_and_the_levels_above_act(
    client: Client,
    tree: Tree,
    plan: PlanFn,
    commune_police: User,
    province_officer: User,
    admin: User,
    led_by_province: tuple[Inspection, Finding],
) -> None:
    own = plan(tree.unit)  # led by the commune
    assert own.inspector_node_id == tree.commune.pk
    client.force_login(commune_police)
    assert client.get(reverse("inspections:edit", args=[own.pk])).status_code == 200
    # The province acts on the commune's inspection (it covers the commune) and on its own.
    inspection, finding = led_by_province
    client.force_login(province_officer)
    assert client.get(reverse("inspections:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("inspections:checklist", args=[inspection.pk])).status_code == 200
    client.force_login(admin)
    response = client.post(reverse("inspections:finding_follow_up", args=[finding.pk]), {"note": "Đã làm"})
    assert response.status_code == 302 and finding.updates.count() == 1
    assert inspection.inspected_on == dt.date(2025, 5, 2)
