"""Every figure equals a direct count of the records, at nation, province and commune level, on a
generated dataset of about 3,000 units with units moved between communes; the number of queries
does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from antq.dashboards import figures, selectors
from antq.dashboards.figures import (
    METRIC_KEYS,
    child_figures,
    children_of,
    node_and_child_figures,
    node_figures,
    year_figures,
    years_and_child_figures,
)
from antq.decisions.choices import DecisionStatus
from antq.decisions.models import DecisionItem
from antq.initiatives.catalogue import ratings
from antq.initiatives.models import InitiativeEvaluation
from antq.inspections.models import Inspection
from antq.org.models import OrgNode
from antq.outreach.models import OutreachSession
from antq.plans.metrics import metrics
from tests.dashboards.dataset import YEARS, make_dataset
from tests.dashboards.naive import good_ratings, naive_figures

pytestmark = pytest.mark.django_db


def _assert_equal(figures, root, year):  # type: ignore[no-untyped-def]
    naive = naive_figures(root, year)
    for metric in METRIC_KEYS:
        figure = figures[metric]
        expected = naive.get(metric, {})
        total = expected.get("total", (0, None if figure.denominator is None else 0))
        assert (figure.numerator, figure.denominator) == total, (root.name, year, metric)
        by_kind = {k: v for k, v in expected.items() if k != "total"}
        assert {k: v for k, v in figure.by_kind.items() if v[0] or v[1]} == {
            k: v for k, v in by_kind.items() if v[0] or v[1]
        }, (root.name, year, metric)


def test_every_metric_of_the_catalogue_has_one_implementation():
    assert set(METRIC_KEYS) == set(metrics())
    assert len(METRIC_KEYS) == len(set(METRIC_KEYS))


def test_figures_equal_direct_counts_at_every_level_with_moved_units():
    data = make_dataset()
    assert len(data.units) >= 3000
    assert data.moved, "the dataset moves units between communes"
    # A moved unit is counted under its new commune, with the records written before the move.
    moved = data.moved[1]
    moved.refresh_from_db()
    assert moved.path.startswith(moved.parent.path)
    roots = [data.nation, *data.provinces, data.communes[0], moved.parent, data.communes[3]]
    for year in YEARS:
        for root in roots:
            root = OrgNode.objects.get(pk=root.pk)
            _assert_equal(node_figures(root, year), root, year)
        # Children: each child's figures are its own subtree's direct counts.
        province = OrgNode.objects.get(pk=data.provinces[1].pk)
        by_child = child_figures(province, year)
        assert set(by_child) == {c.pk for c in children_of(province)}
        for child in children_of(province)[:4]:
            _assert_equal(by_child[child.pk], child, year)
        for child in children_of(data.nation):
            _assert_equal(child_figures(data.nation, year)[child.pk], child, year)
        # The dashboard's node figure summed from the per-child grouping is the direct count too.
        for root in (data.nation, province, data.communes[0]):
            root = OrgNode.objects.get(pk=root.pk)
            _assert_equal(node_and_child_figures(root, year)[0], root, year)


def test_year_figures_are_node_figures_of_each_year():
    data = make_dataset(provinces=1, communes=2, units=20, prefix="Y")
    years = year_figures(data.nation, YEARS)
    for year in YEARS:
        assert years[year] == node_figures(data.nation, year)


def _queries(django_assert_num_queries, data) -> None:  # type: ignore[no-untyped-def]
    year = YEARS[1]
    with django_assert_num_queries(1):
        node_figures(data.nation, year)
    with django_assert_num_queries(2):  # the children, then every figure
        child_figures(data.provinces[0], year)
    with django_assert_num_queries(1):
        year_figures(data.nation, YEARS)
    children = children_of(data.provinces[0])
    with django_assert_num_queries(1):  # a dashboard's three years and its children
        years_and_child_figures(data.provinces[0], YEARS, children)


@pytest.mark.parametrize("size", [(1, 2, 4), (2, 6, 60)])
def test_query_counts_do_not_grow_with_the_data(django_assert_num_queries, size):
    provinces, communes, units = size
    data = make_dataset(provinces=provinces, communes=communes, units=units, prefix=f"Q{units}")
    _queries(django_assert_num_queries, data)


def test_a_share_never_exceeds_its_denominator():
    data = make_dataset(provinces=1, communes=3, units=40, prefix="S")
    for figure in node_figures(data.nation, YEARS[1]).values():
        if figure.denominator is not None:
            assert 0 <= figure.numerator <= figure.denominator
            for num, den in figure.by_kind.values():
                assert den is not None and num <= den


def _sum_of_children(node: OrgNode, year: int) -> dict[str, tuple[int, int | None]]:
    sums: dict[str, tuple[int, int | None]] = {}
    for of_child in child_figures(node, year).values():
        for metric, figure in of_child.items():
            num, den = sums.get(metric, (0, None if figure.denominator is None else 0))
            sums[metric] = (
                num + figure.numerator,
                None if den is None else den + (figure.denominator or 0),
            )
    return sums


def test_a_total_is_the_sum_of_its_children_with_pre_reform_and_inactive_records():
    data = make_dataset(provinces=2, communes=3, units=30, prefix="H")
    old_province, old_commune = data.history
    assert old_province.valid_to is not None and not old_province.is_active
    # The ended branch has records of every kind in both years, and so do inactive units.
    assert InitiativeEvaluation.objects.filter(initiative__node=old_commune).count() == len(YEARS)
    assert Inspection.objects.filter(node=old_commune).count() == len(YEARS)
    inactive = OrgNode.objects.filter(
        path__startswith=data.nation.path, kind="agency", is_active=False
    ).first()
    assert inactive is not None
    for year in YEARS:
        OutreachSession.objects.create(
            node=inactive,
            kind="training",
            held_on=dt.date(year, 6, 1),
            topic="Lớp của đơn vị đã ngừng hoạt động",
            place="Hội trường",
            attendance_mode="headcount",
            headcount=10,
            recorded_by=old_commune_user(),
        )
    assert old_province.pk not in {c.pk for c in children_of(data.nation)}
    for year in YEARS:
        nation = node_figures(data.nation, year)
        sums = _sum_of_children(data.nation, year)
        for metric in METRIC_KEYS:
            assert (nation[metric].numerator, nation[metric].denominator) == sums[metric], (year, metric)
        # The inactive unit's class is counted nowhere, at its commune either.
        commune = OrgNode.objects.get(pk=inactive.parent_id)
        _assert_equal(node_figures(commune, year), commune, year)
        _assert_equal(nation, data.nation, year)
        # The ended branch's own figures count nothing: its nodes are not in force.
        assert node_figures(old_province, year)["training_classes"].numerator == 0


def old_commune_user():  # type: ignore[no-untyped-def]
    return User.objects.get(username="h.dataset")


def test_recognition_counts_only_issued_decisions_not_revoked_ones():
    data = make_dataset(provinces=1, communes=2, units=30, prefix="R")
    revoked = DecisionItem.objects.filter(decision__status=DecisionStatus.REVOKED)
    assert revoked.exists(), "the dataset has items of revoked decisions"
    year = YEARS[1]
    naive = naive_figures(data.nation, year)["recognized"]["total"]
    figure = node_figures(data.nation, year)["recognized"]
    assert (figure.numerator, figure.denominator) == naive
    # A unit recognized only by a revoked decision is not counted.
    only_revoked = set(revoked.filter(cycle__year=year).values_list("node_id", flat=True)) - set(
        DecisionItem.objects.filter(decision__status=DecisionStatus.ISSUED, cycle__year=year).values_list(
            "node_id", flat=True
        )
    )
    assert only_revoked
    recognized_units = set(
        selectors.unit_list(
            data.nation, year, "recognized", selectors.ListFilters(), timezone.localdate()
        ).values_list("pk", flat=True)
    )
    assert not only_revoked & recognized_units


def test_good_initiative_ratings_are_read_from_the_catalogue():
    assert good_ratings() == set(ratings().effective_codes)
    assert good_ratings() == {"tot", "kha"}


def test_the_remembered_statement_is_the_one_the_orm_composes():
    """The statement is compiled once per shape with stand-ins, then filled with a node's path and
    years: for every level and for one, two or three years, text and parameters equal a fresh
    composition with the real values."""
    data = make_dataset(provinces=2, communes=2, units=4, prefix="T")
    nodes = [data.nation, data.provinces[1], OrgNode.objects.get(pk=data.communes[3].pk)]
    for node in nodes:
        for years in ([YEARS[1]], list(YEARS), [2024, 2026]):
            for by_child in (False, True):
                shape = figures._shape(node, years, by_child)
                first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
                fresh = figures._compose(shape, node.path, years, first, last)
                assert figures._statement(shape, node.path, years) == fresh, (node.name, years, by_child)
