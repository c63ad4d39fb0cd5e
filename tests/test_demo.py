"""`make run`'s demo: Gia Lai's 2026 cycle as it stands in late November, played through the services."""

from __future__ import annotations

import pytest

from antq.criteria import loader
from antq.cycles import facts
from antq.cycles.models import Assessment, Cycle, Registration
from antq.decisions.models import Decision
from antq.demo.data import load_demo
from antq.incidents.models import Incident
from antq.org.models import OrgNode


@pytest.mark.django_db
def test_the_demo_province_has_a_year_in_every_state():
    loader.apply(loader.read_files())
    load_demo(communes_limit=2)
    cycle = Cycle.objects.get(province__code="T52", year=2026)
    assert cycle.frameworks.filter(frozen=True).count() == cycle.frameworks.count() > 0
    assert set(Registration.objects.filter(cycle=cycle).values_list("status", flat=True)) == {
        "accepted",
        "returned",
        "submitted",
    }
    assert not Registration.objects.filter(cycle=cycle, is_late=True).exists()
    assert set(Assessment.objects.filter(cycle=cycle).values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
    }
    # The incident that fails a criterion shows in the residential area's submitted assessment.
    assert Incident.objects.filter(incident_type="INC_SERIOUS_FIRE_ACCIDENT").exists()
    submitted = Assessment.objects.get(cycle=cycle, status="submitted")
    assert submitted.recognized is False
    assert Decision.objects.filter(cycle=cycle, status="draft").count() == 1
    # The agency officer's year: its QĐ 510 items 1–4, 6, 7 are suggested by its movement records.
    agency = OrgNode.objects.get(memberships__user__username="coquan.canbo")
    assessment = Assessment.objects.get(cycle=cycle, node=agency)
    suggested = facts.suggested_scores(assessment, Registration.objects.get(cycle=cycle, node=agency))
    earned = {leaf for leaf, fact in suggested.items() if fact.value}
    assert {"QD510.CQ.1", "QD510.CQ.3", "QD510.CQ.4.a", "QD510.CQ.7"} <= earned, suggested
    assert all(fact.url for leaf, fact in suggested.items() if leaf != "QD510.CQ.1")
    # Idempotent: a second run adds nothing.
    load_demo(communes_limit=2)
    assert Cycle.objects.count() == 1 and Decision.objects.count() == 1
