"""The list's `year` and `rated=good` filters: where the dashboards' "Số mô hình mới" and "mô hình
Khá trở lên" numbers lead (board.record_url), with the same counts as the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from antq.dashboards.board import record_url
from antq.dashboards.figures import node_figures
from antq.initiatives.models import InitiativeEvaluation

pytestmark = pytest.mark.django_db


def _names(body: str, names: list[str]) -> set[str]:
    return {name for name in names if name in body}


def test_year_and_rated_good_match_the_dashboard_numbers(
    client, tree, commune_police, create, django_assert_max_num_queries
):
    old = create(tree.unit, name="Bắt đầu 2024 Tốt 2025", started_on=dt.date(2024, 5, 1))
    new_good = create(tree.school, name="Bắt đầu 2025 Khá 2025", started_on=dt.date(2025, 2, 1))
    new_weak = create(tree.unit, name="Bắt đầu 2025 Yếu 2025", started_on=dt.date(2025, 6, 1))
    later = create(tree.unit, name="Bắt đầu 2026 Tốt 2024", started_on=dt.date(2026, 1, 5))
    names = [i.name for i in (old, new_good, new_weak, later)]
    for initiative, year, rating in (
        (old, 2025, "tot"),
        (old, 2024, "yeu"),
        (new_good, 2025, "kha"),
        (new_weak, 2025, "yeu"),
        (later, 2024, "tot"),  # rated good, but in another year
    ):
        InitiativeEvaluation.objects.create(
            initiative=initiative, year=year, rating=rating, evaluated_by=commune_police
        )
    client.force_login(commune_police)
    commune = tree.commune
    figures = node_figures(commune, 2025)

    with django_assert_max_num_queries(14):
        body = client.get(record_url(commune, 2025, "new_initiatives")).content.decode()
    assert _names(body, names) == {new_good.name, new_weak.name}
    assert figures["new_initiatives"].numerator == 2
    assert "Mô hình bắt đầu năm 2025." in body

    with django_assert_max_num_queries(14):
        body = client.get(record_url(commune, 2025, "initiatives_good")).content.decode()
    assert _names(body, names) == {old.name, new_good.name}
    assert figures["initiatives_good"].numerator == 2
    assert "Mô hình được đánh giá Tốt hoặc Khá năm 2025." in body

    # Through the filter form, with the other filters.
    url = reverse("initiatives:list")
    body = client.get(url, {"year": 2024, "rated": "good"}).content.decode()
    assert _names(body, names) == {later.name}
    body = client.get(url, {"year": 2025, "node": tree.school.pk}).content.decode()
    assert _names(body, names) == {new_good.name}
    # Without a year, "good" is the latest evaluation.
    body = client.get(url, {"rated": "good"}).content.decode()
    assert _names(body, names) == {old.name, new_good.name, later.name}
    body = client.get(url).content.decode()
    assert 'name="year"' in body and 'name="rated"' in body


def test_a_year_out_of_range_is_ignored_not_an_error(client, tree, commune_police, create):
    create(tree.unit, name="Mô hình A")
    client.force_login(commune_police)
    response = client.get(reverse("initiatives:list"), {"year": "abc", "rated": "nope"})
    assert response.status_code == 200
