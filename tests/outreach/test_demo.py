"""The demo seed goes through the services and gives facts the score sheet can use."""

from __future__ import annotations

import datetime as dt

from antq.org.models import OrgNode
from antq.outreach import demo, selectors
from antq.outreach.choices import FestivalStatus, Participation, SessionKind
from antq.outreach.models import FestivalDay, OutreachSession, Participant


def test_seed_records_sessions_lists_training_and_festival_days(tree, admin):
    OrgNode.objects.filter(pk=tree.unit.pk).update(people_count=100)
    tree.unit.refresh_from_db()
    units = [tree.unit, tree.school, tree.sibling_unit, tree.other_unit]
    demo.seed(units, 2025, admin)
    assert OutreachSession.objects.filter(node=tree.unit, kind=SessionKind.PROPAGANDA).count() == 3
    assert OutreachSession.objects.filter(node=tree.unit, kind=SessionKind.TRAINING).count() == 1
    # Two lists of 60 and 50 people, 15 of them on both: 95 people.
    assert Participant.objects.filter(node=tree.unit).count() == 95
    fact = selectors.reach_fact(tree.unit, dt.date(2024, 11, 1), dt.date(2025, 10, 31))
    # 95 listed; the headcount of 25 is not added (it may be the same people).
    assert fact.value == {"met": 95, "total": 100}
    assert FestivalDay.objects.filter(year=2025).count() == 4
    assert FestivalDay.objects.get(node=tree.other_unit).participation == Participation.JOINED
    assert set(FestivalDay.objects.values_list("status", flat=True)) == {FestivalStatus.HELD}
    assert selectors.festival_fact(tree.school, dt.date(2024, 11, 16), dt.date(2025, 11, 15)).value is True
