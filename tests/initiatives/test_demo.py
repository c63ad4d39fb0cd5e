"""The demo seeding function makes evaluated, retired and replicated initiatives through the services."""

from __future__ import annotations

import pytest

from antq.initiatives import demo
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import Initiative, InitiativeEvaluation
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_demo_seed_makes_a_realistic_handful(tree, admin):
    extra = [f.unit(tree.commune, f"Tổ dân phố {n}", f"X21583-KDC{n:02}") for n in range(2, 6)]
    units = [tree.unit, tree.school, *extra]
    demo.seed(units, [tree.commune], 2025, admin)
    assert Initiative.objects.filter(replicated_from__isnull=True).count() == 4
    assert InitiativeEvaluation.objects.filter(year=2025).count() == 3
    assert Initiative.objects.filter(status=InitiativeStatus.RETIRED).count() == 1
    assert Initiative.objects.filter(replicated_from__isnull=False).count() == 2
    demo.seed(units, [tree.commune], 2025, admin)  # a second run adds nothing
    assert Initiative.objects.count() == 6
