"""Dashboard screens, lists, XLSX and API: what is shown, where each number leads, and a query
count that does not grow with the data."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from antq.accounts.roles import Role
from antq.core.numbers import percent_text
from antq.cycles.models import Assessment, Registration
from antq.dashboards import board as boards
from antq.dashboards.figures import node_figures
from antq.org.models import OrgNode
from antq.plans.choices import Comparison
from tests import factories as f
from tests.dashboards.dataset import YEARS, make_dataset
from tests.dashboards.plans import plan_with

YEAR = YEARS[1]


def _admin_of(node: OrgNode, name: str = "quantri.dash"):  # type: ignore[no-untyped-def]
    return f.user_with_role(name, Role.SYSTEM_ADMIN, node)


@pytest.fixture
def data(db):  # type: ignore[no-untyped-def]
    return make_dataset(provinces=2, communes=4, units=12, prefix="V")


def test_dashboard_shows_cards_against_targets_and_drills_down(client, data):
    admin = _admin_of(data.nation)
    province = data.provinces[1]
    plan_with(
        province,
        YEAR,
        admin,
        [("registered", "100", ["KDC"], Comparison.AT_LEAST), ("inspections", "1", [], "")],
    )
    client.force_login(admin)
    response = client.get(reverse("dashboards:node", args=[province.pk]), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỷ lệ đơn vị đăng ký phong trào" in html
    assert "Chưa có chỉ tiêu" in html  # metrics without a target
    figures = node_figures(province, YEAR)
    registered = figures["registered"]
    assert f">{registered.numerator}</a>/<a" in html
    # Every commune of the province links to its own dashboard; a commune's units to their year page.
    for commune in OrgNode.objects.filter(parent=province, kind="commune", valid_to__isnull=True):
        assert f'href="{reverse("dashboards:node", args=[commune.pk])}?year={YEAR}"' in html
    commune = data.communes[4]
    html = client.get(reverse("dashboards:node", args=[commune.pk]), {"year": YEAR}).content.decode()
    unit = OrgNode.objects.filter(
        parent=commune, kind="residential_area", is_active=True, exclusion_code=""
    ).first()
    assert reverse("cycles:unit_year", kwargs={"node": unit.pk, "year": YEAR}) in html
    # A unit's dashboard is its year page.
    response = client.get(reverse("dashboards:node", args=[unit.pk]), {"year": YEAR})
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:unit_year", kwargs={"node": unit.pk, "year": YEAR})
    # Every number of the by-kind table links to a list.
    assert reverse("dashboards:list", args=[commune.pk, "registered"]) in html


def test_home_opens_the_current_node(client, tree, province_officer):
    client.force_login(province_officer)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert tree.province.name in response.content.decode()


def _list_names(html: str) -> set[str]:
    return set(re.findall(r'href="/cycles/units/\d+/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("unregistered", lambda reg, ass: reg is None or reg.status not in ("submitted", "accepted")),
        (
            "unassessed",
            lambda reg, ass: (
                reg is not None
                and reg.status in ("submitted", "accepted")
                and (ass is None or ass.status not in ("submitted", "approved"))
            ),
        ),
        (
            "returned",
            lambda reg, ass: (
                (reg is not None and reg.status == "returned")
                or (ass is not None and ass.status == "returned")
            ),
        ),
        ("failing", lambda reg, ass: ass is not None and ass.status != "draft" and ass.recognized is False),
    ],
)
def test_lists_hold_exactly_the_units_of_their_definition(client, data, which, expected):
    admin = _admin_of(data.nation)
    client.force_login(admin)
    commune = OrgNode.objects.get(pk=data.communes[5].pk)
    population = OrgNode.objects.filter(
        path__startswith=commune.path, is_active=True, exclusion_code=""
    ).exclude(kind__in=["nation", "province", "district"])
    regs = {r.node_id: r for r in Registration.objects.filter(cycle__year=YEAR)}
    asses = {a.node_id: a for a in Assessment.objects.filter(cycle__year=YEAR)}
    want = {n.name for n in population if expected(regs.get(n.pk), asses.get(n.pk))}
    html = client.get(reverse("dashboards:list", args=[commune.pk, which]), {"year": YEAR}).content.decode()
    assert _list_names(html) == want
    if which == "failing" and want:
        assert "TT124.KDC.4" in html  # the failing criterion is named


def test_overdue_list_uses_the_deadlines(client, data):
    admin = _admin_of(data.nation)
    client.force_login(admin)
    province = OrgNode.objects.get(pk=data.provinces[1].pk)
    # A past year: every deadline has passed, so overdue = not registered or not sent for review.
    html = client.get(reverse("dashboards:list", args=[province.pk, "overdue"]), {"year": YEARS[0]}).content
    assert "Hạn" in html.decode()
    regs = {
        r.node_id
        for r in Registration.objects.filter(cycle__year=YEARS[0], status__in=["submitted", "accepted"])
    }
    sent = {
        a.node_id
        for a in Assessment.objects.filter(cycle__year=YEARS[0], status__in=["submitted", "approved"])
    }
    population = OrgNode.objects.filter(
        path__startswith=province.path, is_active=True, exclusion_code=""
    ).exclude(kind__in=["province"])
    want = sorted((n.search_text, n.name) for n in population if n.pk not in regs or n.pk not in sent)
    assert _list_names(html.decode()) == {name for _t, name in want[:50]}
    # The first province has no cycle that year: nobody there is overdue.
    first = data.provinces[0]
    html = client.get(
        reverse("dashboards:list", args=[first.pk, "overdue"]), {"year": YEARS[0]}
    ).content.decode()
    assert not _list_names(html)


def test_xlsx_of_cards_and_of_a_list_open_with_vietnamese_headers(client, data):
    admin = _admin_of(data.nation)
    client.force_login(admin)
    province = data.provinces[1]
    plan_with(province, YEAR, admin, [("registered", "100", [], Comparison.AT_LEAST)])
    response = client.get(reverse("dashboards:xlsx", args=[province.pk]), {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Chỉ số", "Loại đơn vị", "Tử số", "Mẫu số", "Thực hiện")
    registered = node_figures(province, YEAR)["registered"]
    first = next(r for r in rows if r[0] == "Tỷ lệ đơn vị đăng ký phong trào")
    # The actual value is the dashboard's text (rounded half up), the target the plan's.
    shown = percent_text(registered.numerator, registered.denominator)
    assert first[2:8] == (registered.numerator, registered.denominator, shown, "≥ 100%", first[6], "Chưa đạt")
    assert (
        shown in client.get(reverse("dashboards:node", args=[province.pk]), {"year": YEAR}).content.decode()
    )
    response = client.get(reverse("dashboards:list_xlsx", args=[province.pk, "unregistered"]), {"year": YEAR})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Mã đơn vị", "Tên đơn vị")
    html = client.get(reverse("dashboards:list", args=[province.pk, "unregistered"]), {"year": YEAR}).content
    assert len(rows) - 1 == registered.denominator - registered.numerator
    assert rows[1][2] in html.decode()


def test_xlsx_needs_the_export_action(client, tree, unit_officer):
    client.force_login(unit_officer)
    assert client.get(reverse("dashboards:list_xlsx", args=[tree.unit.pk, "population"])).status_code == 403


def test_api_returns_figures_and_targets(client, data):
    admin = _admin_of(data.nation)
    province = data.provinces[1]
    plan_with(province, YEAR, admin, [("registered", "50", ["KDC"], Comparison.AT_LEAST)])
    token = Token.objects.create(user=admin)
    response = client.get(
        reverse("api:dashboard-detail", args=[province.pk]),
        {"year": YEAR},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200
    body = response.json()
    registered = next(m for m in body["figures"] if m["metric"] == "registered")
    figure = node_figures(province, YEAR)["registered"]
    assert (registered["numerator"], registered["denominator"]) == (figure.numerator, figure.denominator)
    target = registered["targets"][0]
    assert target["unit_type"] == "KDC" and target["status"] in {"met", "not_met"}
    kdc = figure.part("residential_area")
    assert (target["numerator"], target["denominator"]) == kdc
    # The API serializes the screen's cards: same text, same verdicts.
    card = next(c for c in boards.node_cards(province, YEAR) if c.metric.key == "registered")
    assert registered["shown"] == card.shown and registered["status"] == card.status.value
    assert target["shown"] == card.rows[0].shown and target["status"] == card.rows[0].status.value


def _count_views(client, data) -> dict[str, int]:  # type: ignore[no-untyped-def]
    province, commune = data.provinces[1], data.communes[5]
    year = {"year": YEAR}
    urls = {
        "node": reverse("dashboards:node", args=[province.pk]),
        "commune": reverse("dashboards:node", args=[commune.pk]),
        "list": reverse("dashboards:list", args=[province.pk, "failing"]),
        "overdue": reverse("dashboards:list", args=[province.pk, "overdue"]),
        "xlsx": reverse("dashboards:xlsx", args=[province.pk]),
        "list_xlsx": reverse("dashboards:list_xlsx", args=[commune.pk, "population"]),
        "api": reverse("api:dashboard-detail", args=[province.pk]),
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, year)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


# Queries of each view (session and user included), whatever the size of the data.
VIEW_QUERIES = {"node": 10, "commune": 10, "list": 10, "overdue": 14, "xlsx": 8, "list_xlsx": 9, "api": 7}


def test_view_query_counts_do_not_grow_with_the_data(client, db):
    small = make_dataset(provinces=2, communes=3, units=3, prefix="WS")
    client.force_login(_admin_of(small.nation, "quantri.nho"))
    small_counts = _count_views(client, small)
    large = make_dataset(provinces=2, communes=6, units=60, prefix="WL")
    client.force_login(_admin_of(large.nation, "quantri.lon"))
    assert _count_views(client, large) == small_counts == VIEW_QUERIES
