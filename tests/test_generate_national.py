"""`antq generate_national`: the synthetic nationwide dataset of issue 7, in a small version."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from antq.criteria import loader
from antq.cycles.models import Assessment, Cycle, Registration
from antq.demo.national import _split, _units_of, generate_national
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode


def test_units_are_spread_exactly_and_deterministically():
    counts = _split(1000, 37, random.Random(5))
    assert sum(counts) == 1000 and len(counts) == 37 and min(counts) > 0
    assert counts == _split(1000, 37, random.Random(5))
    commune = OrgNode(name="Phường Quy Nhơn", code="T52-X1", kind=NodeKind.COMMUNE)
    first = [(u.code, u.kind, u.name) for u in _units_of(commune, 50, random.Random(9))]
    assert first == [(u.code, u.kind, u.name) for u in _units_of(commune, 50, random.Random(9))]
    assert len({code for code, _k, _n in first}) == 50


@pytest.mark.django_db
def test_a_small_national_run_fills_one_province_and_a_second_run_adds_nothing(capsys):
    loader.apply(loader.read_files())
    actor = User.objects.create(username="sinh")
    report = generate_national(units=800, years=2, seed=3, provinces=["T52"], actor=actor)
    units = OrgNode.objects.filter(kind__in=UNIT_KINDS)
    assert report.units == units.count() == 800
    assert set(units.values_list("kind", flat=True)) == set(UNIT_KINDS)
    # Residential areas are the most numerous kind.
    kinds = [units.filter(kind=k).count() for k in UNIT_KINDS]
    assert units.filter(kind=NodeKind.RESIDENTIAL_AREA).count() == max(kinds)
    # Moved units hang under their new commune, with a path inside it.
    moved = list(units.filter(code__endswith="-M").select_related("parent"))
    assert len(moved) == report.moved > 0
    assert all(u.path.startswith(u.parent.path) and u.parent.kind == NodeKind.COMMUNE for u in moved)
    assert set(Cycle.objects.values_list("year", "status")) == {
        (report.years[0], "closed"),
        (report.years[1], "open"),
    }
    assert Registration.objects.count() > 600 and Assessment.objects.count() > 400
    # Each cycle carries the frozen framework versions of its year, as cycle_open attaches them:
    # the engine (and the benchmark) evaluate real sheets.
    for cycle in Cycle.objects.all():
        codes = {v.framework.code for v in cycle.frameworks.select_related("framework")}
        assert "tt124" in codes and all(v.frozen for v in cycle.frameworks.all())
    assert report.users == User.objects.filter(username__startswith="ca.").count() + 1
    # Communes that already have units are left alone: a second run writes no unit.
    again = generate_national(units=800, years=2, seed=3, provinces=["T52"], actor=actor)
    assert again.units == 0 and OrgNode.objects.filter(kind__in=UNIT_KINDS).count() == 800
    call_command("generate_national", "--units", "0", "--years", "1", "--provinces", "T52")
    assert "dòng/s" in capsys.readouterr().out
