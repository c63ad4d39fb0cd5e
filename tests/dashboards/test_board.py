"""What the dashboard prints: shares rounded half up by antq.core.numbers, never across a verdict,
links that carry the node and the year, XLSX deadlines by code, and the background list streamed."""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from antq.dashboards import board, selectors, tables
from antq.dashboards.figures import Figure
from antq.dashboards.targets import Target, TargetStatus, status
from antq.org.models import OrgNode
from antq.plans.choices import Comparison
from tests.dashboards.dataset import YEARS, make_dataset
from tests.dashboards.plans import plan_with
from tests.dashboards.test_views import _admin_of

pytestmark = pytest.mark.django_db


def _target(value: str, comparison: str = Comparison.AT_LEAST) -> Target:
    return Target(
        metric="registered",
        unit_type="",
        value=Decimal(value),
        comparison=comparison,
        measure="percent",
        label="",
        display_value=value,
        plan_id=1,
        plan_code="KH",
        plan_node_name="Tỉnh",
        plan_node_path="000001",
    )


def test_shares_are_rounded_half_up_as_on_every_other_page():
    assert board.show((49, 400), True) == "12,3%"  # 12,25%: round() would print 12,2%
    assert board.show((1, 8), True) == "12,5%"
    assert board.show((0, 0), True) == "—"
    assert board.show((20011, None), False) == "20.011"


@pytest.mark.parametrize(
    ("pair", "value", "comparison", "verdict", "shown"),
    [
        ((7996, 10000), "80", Comparison.AT_LEAST, TargetStatus.NOT_MET, "79,96%"),
        ((8000, 10000), "80", Comparison.AT_LEAST, TargetStatus.MET, "80,0%"),
        ((8004, 10000), "80", Comparison.ABOVE, TargetStatus.MET, "80,04%"),
        ((8000, 10000), "80", Comparison.ABOVE, TargetStatus.NOT_MET, "80,0%"),
        ((7996, 10000), "80", Comparison.ABOVE, TargetStatus.NOT_MET, "80,0%"),
        ((9, 10), "80", Comparison.AT_LEAST, TargetStatus.MET, "90,0%"),
    ],
)
def test_a_value_beside_its_target_never_hides_the_verdict(pair, value, comparison, verdict, shown):
    target = _target(value, comparison)
    figure = Figure("registered", pair[0], pair[1])
    assert status(figure, target) == verdict
    assert board.show_against(pair, True, target, verdict) == shown


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_every_card_link_carries_the_year_and_the_node(client):
    data = make_dataset(provinces=1, communes=2, units=8, prefix="L")
    year = YEARS[1]
    province = OrgNode.objects.get(pk=data.provinces[0].pk)
    admin = _admin_of(data.nation, "quantri.link")
    plan_with(
        province,
        year,
        admin,
        [
            ("registered", "80", ["KDC"], ""),
            ("initiatives_good", "70", [], ""),
            ("new_initiatives", "1", [], ""),
        ],
    )
    built = board.build(province, year)
    for card in built.cards:
        urls = [card.numerator_url, card.denominator_url, card.gap_url, *(r.list_url for r in card.rows)]
        for url in filter(None, urls):
            query = _query(url)
            assert query.get("year") == [str(year)], (card.metric.key, url)
            path = urlsplit(url).path
            assert (
                str(province.pk) in path
                or query.get("node") == [str(province.pk)]
                or query.get("within") == [str(province.pk)]
            ), (card.metric.key, url)
    good = next(c for c in built.cards if c.metric.key == "initiatives_good")
    assert _query(good.numerator_url)["rated"] == ["good"]


def test_list_xlsx_deadlines_are_placed_by_code():
    spec = selectors.LISTS["overdue"]
    node = OrgNode(kind="enterprise", code="DN1", name="Doanh nghiệp")
    due = dt.date(2026, 11, 15)
    # A kind without a registration rule: only the self-assessment deadline.
    row = selectors.UnitRow(node=node, deadlines=[selectors.Deadline("self_assessment", "Tự đánh giá", due)])
    line = next(tables.list_rows(spec, [row], start=1))
    assert line[-2:] == [None, due]


def test_background_list_rows_are_read_lazily_with_the_total(django_assert_max_num_queries):
    data = make_dataset(provinces=1, communes=2, units=10, prefix="B")
    node = OrgNode.objects.get(pk=data.nation.pk)
    today = timezone.localdate()
    with django_assert_max_num_queries(1):  # the count; no row is read before writing
        table = tables.list_table(node, YEARS[1], "population", selectors.ListFilters(), today)
    assert isinstance(table.rows, types.GeneratorType)
    rows = list(table.rows)
    assert (
        table.total
        == len(rows)
        == selectors.unit_list(node, YEARS[1], "population", selectors.ListFilters(), today).count()
    )
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


def test_the_background_list_export_reports_progress_once_and_writes_every_row(monkeypatch):
    from openpyxl import load_workbook

    from antq.exports import services
    from antq.exports.models import ExportJob

    data = make_dataset(provinces=2, communes=2, units=12, prefix="J")
    admin = _admin_of(data.nation, "quantri.job")
    job = ExportJob.objects.create(
        created_by=admin,
        node=data.nation,
        kind="dashboard_list",
        params={"which": "overdue", "year": str(YEARS[0])},
    )
    seen: list[tuple[int, int]] = []
    original = services.JobProgress.__call__

    def spy(self, done, total):  # type: ignore[no-untyped-def]
        seen.append((done, total))
        original(self, done, total)

    monkeypatch.setattr(services.JobProgress, "__call__", spy)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    expected = selectors.unit_list(
        data.nation, YEARS[0], "overdue", selectors.ListFilters(), timezone.localdate()
    ).count()
    assert expected and job.total == job.done == expected
    # One pass from 1 to the total against the same total: never back to 0.
    assert [done for done, _total in seen] == list(range(1, expected + 1))
    assert {total for _done, total in seen} == {expected}
    with services.open_file(job) as source:
        sheet = load_workbook(source).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Hạn đăng ký", "Hạn tự đánh giá")
    assert len(rows) - 1 == expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_tables_numbers_are_the_text_of_djangos_number_format(language):
    """antq.core.numbers formats with Python's own grouping and the language's separators read once;
    the text is the one Django's `numberformat` gives, share by share and count by count."""
    from decimal import Decimal

    from django.utils import numberformat, translation
    from django.utils.formats import get_format

    from antq.core.numbers import share

    def reference(value: Decimal) -> str:
        return numberformat.format(
            value,
            get_format("DECIMAL_SEPARATOR"),
            decimal_pos=max(0, -int(value.as_tuple().exponent)),
            grouping=3,
            thousand_sep=get_format("THOUSAND_SEPARATOR"),
            force_grouping=True,
        )

    pairs = [(0, 0), (0, 1), (1, 8), (49, 400), (7996, 10000), (1, 3), (2, 3), (5, 5), (20011, 30000)]
    pairs += [(n, d) for d in (7, 997, 123457) for n in range(0, d + 1, max(1, d // 37))]
    with translation.override(language):
        for numerator, denominator in pairs:
            value = share(numerator, denominator)
            expected = "—" if value is None else f"{reference(value)}%"
            assert board.show((numerator, denominator), True) == expected
        for value in (0, 7, 999, 1000, 20011, 1234567, 10**9):
            assert board.show((value, None), False) == reference(Decimal(value))
