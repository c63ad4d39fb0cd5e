"""Every figure equals a direct count of the records, at nation, province and commune level, on a
generated dataset of about 3,000 units with units moved between communes; the number of queries
does not grow with the data."""

from __future__ import annotations

import pytest

from antq.dashboards.figures import METRIC_KEYS, child_figures, children_of, node_figures, year_figures
from antq.org.models import OrgNode
from antq.plans.metrics import metrics
from tests.dashboards.dataset import YEARS, make_dataset
from tests.dashboards.naive import naive_figures

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


def test_year_figures_are_node_figures_of_each_year():
    data = make_dataset(provinces=1, communes=2, units=20, prefix="Y")
    years = year_figures(data.nation, YEARS)
    for year in YEARS:
        assert years[year] == node_figures(data.nation, year)


def _queries(django_assert_num_queries, data) -> None:  # type: ignore[no-untyped-def]
    year = YEARS[1]
    with django_assert_num_queries(5):
        node_figures(data.nation, year)
    with django_assert_num_queries(6):
        child_figures(data.provinces[0], year)
    with django_assert_num_queries(10):
        year_figures(data.nation, YEARS)


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
