"""`make run`'s demo: Gia Lai's 2026 cycle as it stands in late November, played through the services."""

from __future__ import annotations

import pytest

from antq.criteria import loader
from antq.cycles import facts
from antq.cycles.models import Assessment, Cycle, Registration
from antq.decisions.models import Decision, DecisionItem
from antq.demo.data import load_demo
from antq.incidents.models import Incident
from antq.org.models import OrgNode, subtree_q


@pytest.mark.django_db
def test_the_demo_province_has_a_year_in_every_state():
    loader.apply(loader.read_files())
    load_demo(communes_limit=2)
    cycle = Cycle.objects.get(province__code="T52", year=2026)
    assert cycle.frameworks.filter(frozen=True).count() == cycle.frameworks.count() > 0
    # The home commune plays its year through the services; the other communes come in bulk (below).
    home = OrgNode.objects.get(memberships__user__username="xa.congan")
    in_home = subtree_q(home.path, field="node__path")
    assert set(Registration.objects.filter(in_home, cycle=cycle).values_list("status", flat=True)) == {
        "accepted",
        "returned",
        "submitted",
    }
    assert not Registration.objects.filter(in_home, cycle=cycle, is_late=True).exists()
    assert set(Assessment.objects.filter(in_home, cycle=cycle).values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
    }
    # The incident that fails a criterion shows in the residential area's submitted assessment.
    assert Incident.objects.filter(incident_type="INC_SERIOUS_FIRE_ACCIDENT").exists()
    submitted = Assessment.objects.get(in_home, cycle=cycle, status="submitted")
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
    counts = (Decision.objects.count(), Registration.objects.count(), Assessment.objects.count())
    load_demo(communes_limit=2)
    assert Cycle.objects.count() == 2
    assert (Decision.objects.count(), Registration.objects.count(), Assessment.objects.count()) == counts


@pytest.mark.django_db
def test_the_rest_of_the_province_and_last_year_fill_the_dashboards():
    loader.apply(loader.read_files())
    load_demo(communes_limit=3)
    this_year = Cycle.objects.get(province__code="T52", year=2026)
    last_year = Cycle.objects.get(province__code="T52", year=2025, status="closed")
    home = OrgNode.objects.get(memberships__user__username="xa.congan")
    elsewhere = Registration.objects.filter(cycle=this_year).exclude(subtree_q(home.path, field="node__path"))
    # Other communes are further along than the home one, with some still waiting or returned.
    assert elsewhere.filter(status="accepted").count() > 10
    assert Assessment.objects.filter(cycle=this_year, status="approved").count() > 10
    # Last year is decided: nothing waits, and every unit in force was approved and recognized.
    assert set(Registration.objects.filter(cycle=last_year).values_list("status", flat=True)) == {"accepted"}
    assert set(Assessment.objects.filter(cycle=last_year).values_list("status", flat=True)) == {"approved"}
    items = DecisionItem.objects.filter(cycle=last_year, in_force=True)
    assert items.exists()
    assert not items.exclude(assessment__recognized=True, assessment__status="approved").exists()
    assert not items.exclude(decision__status="issued").exists()
    # Excluded or inactive units never get a record.
    assert not Registration.objects.exclude(node__exclusion_code="").exists()
