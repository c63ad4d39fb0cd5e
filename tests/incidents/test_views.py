"""The register's screens as the commune police and a unit officer use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from antq.incidents.models import Incident
from antq.org.models import OrgNode
from tests.conftest import Tree

from .conftest import RecordFn

pytestmark = pytest.mark.django_db


def form_data(node: OrgNode, **overrides: Any) -> dict[str, Any]:
    data = {
        "node": node.pk,
        "incident_type": "INC_SERIOUS_CRIME",
        "occurred_on": "2025-05-02",
        "place": "Đường Lê Lợi",
        "summary": "Cướp tài sản",
        "source": "police",
    }
    data.update(overrides)
    return data


def test_the_record_form_offers_the_catalogue_in_vietnamese_and_only_recordable_units(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.get(reverse("incidents:create"))
    form = response.context["form"]
    types = dict(form.fields["incident_type"].choices)
    assert types["INC_SERIOUS_CRIME"] == "Tội phạm nghiêm trọng trở lên"
    assert types["INC_ILLEGAL_STRIKE"] == "Đình công, lãn công trái pháp luật"
    nodes = {n.pk for n in form.fields["node"].queryset}
    assert nodes == {tree.commune.pk, tree.unit.pk, tree.school.pk}
    # The excuse flags say, from the data, which types they excuse.
    assert "Tội phạm nghiêm trọng trở lên" in form.fields["timely_handled"].help_text
    assert "Cháy, nổ nghiêm trọng" in form.fields["force_majeure"].help_text


@pytest.mark.parametrize("raw", ["²", "٣x", "1.5", ""])
def test_an_odd_node_in_the_query_string_is_ignored_not_a_500(
    client: Client, tree: Tree, frameworks: None, commune_police: User, raw: str
) -> None:
    client.force_login(commune_police)
    response = client.get(reverse("incidents:create"), {"node": raw})
    assert response.status_code == 200
    assert response.context["form"].initial.get("node") is None
    chosen = client.get(reverse("incidents:create"), {"node": str(tree.school.pk)})
    assert chosen.context["form"].initial["node"] == tree.school.pk


def test_recording_through_the_form_leads_to_the_detail(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    response = client.post(reverse("incidents:create"), form_data(tree.unit, timely_handled="on"))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incidents:detail", args=[incident.pk]
    )
    assert incident.timely_handled is True and incident.recorded_by == commune_police
    page = client.get(response["Location"]).content.decode()
    assert "Tội phạm nghiêm trọng trở lên" in page and "Ghi nhận lần đầu" in page


def test_the_form_refuses_a_future_date_and_a_unit_out_of_reach(
    client: Client, tree: Tree, frameworks: None, commune_police: User
) -> None:
    client.force_login(commune_police)
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(reverse("incidents:create"), form_data(tree.sibling_unit, occurred_on=future))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"node", "occurred_on"}
    assert not Incident.objects.exists()


def test_correcting_through_the_form_keeps_the_history(
    client: Client, tree: Tree, record: RecordFn, commune_police: User
) -> None:
    incident = record(tree.unit)
    client.force_login(commune_police)
    url = reverse("incidents:correct", args=[incident.pk])
    form = client.get(url).context["form"]
    assert form.initial["place"] == "Đường Lê Lợi" and form.initial["expected_revision"] == 1
    data = form_data(tree.unit, place="Chợ Quy Nhơn", reason="Xác minh lại nơi xảy ra", expected_revision=1)
    response = client.post(url, data)
    current = Incident.objects.get(series=incident.series, is_current=True)
    assert response.status_code == 302 and current.revision == 2
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Đường Lê Lợi → Chợ Quy Nhơn" in page and "Xác minh lại nơi xảy ra" in page
    assert "đã được thay bằng lần ghi 2" in page
    # The same stale page posted again: refused with the reason, nothing written.
    stale = client.post(reverse("incidents:correct", args=[current.pk]), {**data, "place": "Khác"})
    assert "bản hiện hành là lần ghi 2" in stale.content.decode()
    assert Incident.objects.filter(series=incident.series).count() == 2


def test_withdrawing_through_the_detail_page(
    client: Client, tree: Tree, record: RecordFn, commune_police: User
) -> None:
    incident = record(tree.unit)
    client.force_login(commune_police)
    response = client.post(
        reverse("incidents:withdraw", args=[incident.pk]), {"reason": "Ghi nhầm", "expected_revision": 1}
    )
    assert response.status_code == 302
    assert Incident.objects.get(series=incident.series, is_current=True).is_withdrawn
    listed = client.get(reverse("incidents:list")).context["page"].items
    assert listed == []
    with_withdrawn = client.get(reverse("incidents:list"), {"include_withdrawn": "on"}).context["page"].items
    assert [i.revision for i in with_withdrawn] == [2]


def test_the_unit_officer_sees_which_incident_affects_which_criterion(
    client: Client, tree: Tree, record: RecordFn, unit_officer: User
) -> None:
    record(tree.unit)
    record(tree.unit, occurred_on=dt.date(2025, 6, 1), timely_handled=True, place="Chợ")
    client.force_login(unit_officer)
    response = client.get(reverse("incidents:effects", args=[tree.unit.pk, 2025]))
    page = response.content.decode()
    assert response.status_code == 200
    assert [e.status for e in response.context["effects"]] == ["counted", "excused"]
    assert "TT124.KDC.4.b" in page and "Làm trượt tiêu chí" in page and "Được miễn trừ" in page
    assert "01/11/2024" in page and "31/10/2025" in page
    assert "Ghi nhận vụ việc" not in page  # view only
    detail = client.get(reverse("incidents:detail", args=[response.context["effects"][0].incident.pk]))
    assert detail.status_code == 200 and "Đính chính" not in detail.content.decode()


def test_the_effects_page_says_when_frameworks_are_missing(
    client: Client, tree: Tree, unit_officer: User
) -> None:
    client.force_login(unit_officer)
    response = client.get(reverse("incidents:effects", args=[tree.unit.pk, 2025]))
    assert response.status_code == 200 and "load_frameworks" in response.content.decode()


def test_the_list_filters_by_unit_type_and_year(
    client: Client, tree: Tree, record: RecordFn, province_officer: User
) -> None:
    record(tree.unit)
    record(tree.school, incident_type="INC_SCHOOL_VIOLENCE", occurred_on=dt.date(2024, 3, 1))
    record(tree.sibling_unit, by=province_officer)
    client.force_login(province_officer)

    def codes(**params: Any) -> list[str]:
        return [i.node.code for i in client.get(reverse("incidents:list"), params).context["page"].items]

    # Newest first; the same day, the later record first.
    assert codes() == ["X21600-KDC01", "X21583-KDC01", "X21583-CSGD01"]
    assert codes(node=tree.commune.pk) == ["X21583-KDC01", "X21583-CSGD01"]
    assert codes(incident_type="INC_SCHOOL_VIOLENCE") == ["X21583-CSGD01"]
    assert set(codes(year=2025)) == {"X21583-KDC01", "X21600-KDC01"}
    fragment = client.get(reverse("incidents:list"), {"year": 2024}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Bạo lực học đường" in fragment


def test_the_list_pages_by_keyset_without_gaps_and_its_queries_do_not_grow(
    client: Client, tree: Tree, record: RecordFn, commune_police: User, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        record(tree.unit, occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=n))
    client.force_login(commune_police)
    client.get(reverse("incidents:list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("incidents:list"))
    # Ours: the catalogue labels, the current node, one page of incidents (with node, commune and
    # recorder joined), the filter's units, the breadcrumb; the rest is session, user, scope and
    # what the base template's context processors read.
    assert sum("incidents_incident" in q["sql"] for q in few.captured_queries) == 1
    for n in range(3, 130):
        record(
            tree.unit if n % 2 else tree.school, occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=n % 40)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        first = client.get(reverse("incidents:list"))
    pages = [first.context["page"]]
    while pages[-1].next_token:
        pages.append(client.get(reverse("incidents:list"), {"after": pages[-1].next_token}).context["page"])
    seen = [i.pk for page in pages for i in page.items]
    assert len(seen) == len(set(seen)) == 130 and len(pages) == 3
    dates = [(i.occurred_on, i.pk) for page in pages for i in page.items]
    assert dates == sorted(dates, reverse=True)
    back = client.get(reverse("incidents:list"), {"before": pages[2].prev_token}).context["page"]
    assert [i.pk for i in back.items] == [i.pk for i in pages[1].items]
