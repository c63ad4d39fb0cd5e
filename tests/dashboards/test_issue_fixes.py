"""A year without a cycle has no cycle shares; "Danh sách chưa đạt" only beside a target not met;
the lists' total; each target printed once in the XLSX."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from antq.accounts.roles import Role
from antq.dashboards import board as boards
from antq.dashboards import selectors
from antq.dashboards.figures import node_figures
from antq.dashboards.targets import TargetStatus
from antq.org.models import OrgNode
from antq.plans.choices import Comparison
from tests import factories as f
from tests.dashboards.dataset import YEARS, make_dataset
from tests.dashboards.plans import plan_with

YEAR = YEARS[1]
NO_CYCLE_YEAR = YEARS[0] - 3  # the dataset opens cycles for YEARS only
CYCLE_SHARES = ("registered", "recognized", "classified_good")


@pytest.fixture
def data(db):  # type: ignore[no-untyped-def]
    return make_dataset(provinces=2, communes=3, units=8, prefix="Q")


def _admin(node: OrgNode):  # type: ignore[no-untyped-def]
    return f.user_with_role("quantri.sua", Role.SYSTEM_ADMIN, node)


def test_a_year_without_a_cycle_shows_no_cycle_share(client, data):
    province = data.provinces[1]
    assert node_figures(province, NO_CYCLE_YEAR)["registered"].denominator  # the population is there
    admin = _admin(data.nation)
    plan_with(province, NO_CYCLE_YEAR, admin, [("registered", "80", [], Comparison.AT_LEAST)])
    built = boards.build(province, NO_CYCLE_YEAR)
    card = next(c for c in built.cards if c.metric.key == "registered")
    assert card.shown == "—"
    assert card.status == TargetStatus.NO_DATA
    assert not card.shows_gap
    for metric in CYCLE_SHARES:
        card = next(c for c in built.cards if c.metric.key == metric)
        assert card.shown == "—" and card.status in (TargetStatus.NO_DATA, TargetStatus.NO_TARGET), metric
        assert {cell.shown for cell in built.by_kind[metric]} == {"—"}, metric
        assert {cell.shown for row in built.children for cell in row.cells[:3]} == {"—"}
    # In "Qua các năm" of a later year the year without a cycle reads "—" too.
    later = boards.build(province, NO_CYCLE_YEAR + 1)
    assert {cell.shown for cell in later.by_year["registered"]} == {"—"}
    client.force_login(admin)
    html = client.get(
        reverse("dashboards:node", args=[province.pk]), {"year": NO_CYCLE_YEAR}
    ).content.decode()
    card_html = html.split('id="card-registered"')[1].split("</section>")[0]
    assert "0,0%" not in card_html and "—" in card_html
    # A province with a cycle keeps its shares (the nation's column of a year with cycles).
    nation = boards.build(OrgNode.objects.get(pk=data.nation.pk), YEAR)
    registered = node_figures(data.nation, YEAR)["registered"]
    assert next(c for c in nation.cards if c.metric.key == "registered").figure == registered


def test_the_gap_list_is_offered_only_beside_a_target_not_met(client, data):
    province = data.provinces[1]
    admin = _admin(data.nation)
    registered = node_figures(province, YEAR)["registered"]
    assert 0 < registered.numerator < registered.denominator
    plan_with(province, YEAR, admin, [("registered", "1", [], Comparison.AT_LEAST)])
    client.force_login(admin)
    card = next(c for c in boards.build(province, YEAR).cards if c.metric.key == "registered")
    assert card.status == TargetStatus.MET and card.gap_url and not card.shows_gap
    html = client.get(reverse("dashboards:node", args=[province.pk]), {"year": YEAR}).content.decode()
    assert "Danh sách chưa đạt" not in html
    other = data.provinces[0]
    plan_with(other, YEAR, admin, [("registered", "100", [], Comparison.AT_LEAST)])
    card = next(c for c in boards.build(other, YEAR).cards if c.metric.key == "registered")
    assert card.status == TargetStatus.NOT_MET and card.shows_gap
    html = client.get(reverse("dashboards:node", args=[other.pk]), {"year": YEAR}).content.decode()
    assert f'href="{card.gap_url.replace("&", "&amp;")}">Danh sách chưa đạt' in html


def test_a_list_shows_its_total_with_one_count_query(client, data, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 5)
    province = data.provinces[1]
    client.force_login(_admin(data.nation))
    url = reverse("dashboards:list", args=[province.pk, "population"])
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url, {"year": YEAR}).content.decode()
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'SELECT COUNT\(\*\) AS "__count" FROM "org_orgnode"', q["sql"])
    ]
    assert len(counts) == 1
    total = node_figures(province, YEAR)["registered"].denominator
    assert total and total > selectors.PAGE_SIZE  # the total is the whole list, not the page
    assert f"<strong>{total} đơn vị</strong>" in html


@pytest.mark.parametrize(
    ("comparison", "shown"), [(Comparison.ABOVE, "> 80%"), (Comparison.AT_LEAST, "≥ 80%")]
)
def test_the_xlsx_prints_each_target_once(client, data, comparison, shown):
    province = data.provinces[1]
    admin = _admin(data.nation)
    plan_with(province, YEAR, admin, [("registered", "80", [], comparison)])
    client.force_login(admin)
    response = client.get(reverse("dashboards:xlsx", args=[province.pk]), {"year": YEAR})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    header = rows[0]
    registered = next(r for r in rows if r[0] == "Tỷ lệ đơn vị đăng ký phong trào" and r[5])
    assert registered[header.index("Chỉ tiêu")] == shown
    assert all("trên" not in str(cell) for row in rows for cell in row if cell)
