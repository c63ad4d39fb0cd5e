"""The demo seed records coordination for agencies, enterprises and schools through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from antq.coordination import demo
from antq.coordination.models import (
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)
from antq.coordination.selectors import coordination_facts
from antq.org.models import OrgNode


def test_the_seed_fills_a_year_and_the_facts_read_it(
    enterprise: OrgNode,
    tree,
    commune_police: User,  # type: ignore[no-untyped-def]
) -> None:
    demo.seed([tree.unit, enterprise, tree.school], 2025, commune_police)
    # The residential area keeps no coordination record; the enterprise and the school do.
    assert set(CoordinationAgreement.objects.values_list("node", flat=True)) == {
        enterprise.pk,
        tree.school.pk,
    }
    assert ExecutionEntry.objects.count() == 8
    assert ReviewMeeting.objects.count() == 4
    assert CampaignParticipation.objects.count() == 3
    facts = coordination_facts(enterprise, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert all(f.value for f in facts.values())
    assert facts["coordination_agreement"].source.endswith("với Công an phường Quy Nhơn")
