"""The "Xuất Excel" button of each list: a POST form to exports:start with the list's filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cycles.routes import cycle_of

pytestmark = pytest.mark.django_db

PAGES: list[tuple[str, dict[str, int], str]] = [
    ("units:list", {}, "units"),
    ("incidents:list", {}, "incidents"),
    ("initiatives:list", {}, "initiatives"),
    ("forces:list", {}, "forces_teams"),
    ("outreach:list", {}, "outreach_sessions"),
    ("coordination:list", {}, "coordination_agreements"),
    ("inspections:list", {}, "inspections"),
    ("plans:list", {}, "plans"),
    ("audit:list", {}, "audit_events"),
    ("decisions:list", {}, "decisions"),
    ("decisions:award_list", {}, "award_proposals"),
    ("cycles:review", {}, "review_queue"),
    ("cycles:list", {}, "cycles"),
]


@pytest.mark.parametrize(("name", "kwargs", "kind"), PAGES)
def test_a_list_offers_its_export_to_whoever_may_export(client, tree, commune_police, name, kwargs, kind):
    client.force_login(commune_police)
    html = client.get(reverse(name, kwargs=kwargs or None), {"year": "2025"}).content.decode()
    assert f'action="{reverse("exports:start", args=[kind])}"' in html
    assert 'name="year" value="2025"' in html


def test_the_evidence_dossier_sends_its_node_and_year(client, tree, commune_police):
    client.force_login(commune_police)
    html = client.get(reverse("evidence:list", args=[tree.unit.pk, 2026])).content.decode()
    assert f'action="{reverse("exports:start", args=["evidence"])}"' in html
    assert f'name="within" value="{tree.unit.pk}"' in html and 'name="year" value="2026"' in html


def test_a_unit_officer_sees_no_export_button(client, tree, unit_officer, personas):
    cycle_of(personas, tree, tree.unit)
    client.force_login(unit_officer)
    for name in ("units:list", "incidents:list", "plans:list", "cycles:list"):
        assert "/exports/start/" not in client.get(reverse(name)).content.decode()
