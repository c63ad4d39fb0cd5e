"""Reads of the initiatives app, and the QĐ 510 item 7 fact (`effective_initiative_fact`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.initiatives import selectors, services
from tests.initiatives.conftest import kind

pytestmark = pytest.mark.django_db

START, END = dt.date(2024, 11, 16), dt.date(2025, 11, 15)


def _activity(user, initiative, day=dt.date(2025, 6, 1)):
    services.activity_add(
        by=user,
        scope=Scope.for_user(user),
        initiative=initiative,
        data={"occurred_on": day, "content": "Tuần tra"},
    )


def _rate(user, initiative, rating, year=2025):
    services.evaluation_save(
        by=user,
        scope=Scope.for_user(user),
        initiative=initiative,
        year=year,
        rating=rating,
        indicator_values={},
        comment="",
    )


def test_no_initiative_is_false_with_a_link_to_the_filtered_list(tree):
    fact = selectors.effective_initiative_fact(tree.unit, START, END)
    assert fact.value is False
    assert fact.source == "Chưa có mô hình nào hoạt động trong năm"
    assert fact.url == f"{reverse('initiatives:list')}?node={tree.unit.pk}"


def test_an_initiative_rated_good_for_the_year_counts(tree, commune_police, create):
    initiative = create(tree.unit, name="Camera an ninh")
    _rate(commune_police, initiative, "tot")
    fact = selectors.effective_initiative_fact(tree.unit, START, END)
    assert fact.value is True
    assert fact.source == "Mô hình «Camera an ninh» (đánh giá năm 2025: Tốt)"
    assert fact.url == reverse("initiatives:detail", args=[initiative.pk])


def test_an_unevaluated_initiative_counts_with_activity_in_the_window_only(tree, commune_police, create):
    initiative = create(tree.unit, name="Tổ tự quản")
    _activity(commune_police, initiative, dt.date(2025, 11, 20))  # after the window
    assert selectors.effective_initiative_fact(tree.unit, START, END).value is False
    _activity(commune_police, initiative, dt.date(2025, 11, 15))  # its last day
    fact = selectors.effective_initiative_fact(tree.unit, START, END)
    assert fact.value is True
    assert "«Tổ tự quản»" in fact.source and "1 hoạt động" in fact.source


def test_a_rating_below_effective_does_not_count_whatever_the_activity(tree, commune_police, create):
    initiative = create(tree.unit, name="Tổ hòa giải")
    _activity(commune_police, initiative)
    _rate(commune_police, initiative, "trung_binh")
    fact = selectors.effective_initiative_fact(tree.unit, START, END)
    assert fact.value is False
    assert "Trung bình" in fact.source


def test_a_rating_of_another_year_is_not_this_years(tree, commune_police, create):
    initiative = create(tree.unit, started_on=dt.date(2023, 1, 5))
    _rate(commune_police, initiative, "tot", year=2024)
    assert selectors.effective_initiative_fact(tree.unit, START, END).value is False


def test_retired_before_the_window_or_started_after_it_does_not_count(tree, commune_police, create):
    old = create(tree.unit, name="Cũ", started_on=dt.date(2023, 1, 5))
    _activity(commune_police, old, dt.date(2024, 3, 1))
    services.initiative_retire(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        initiative=old,
        reason="Chỉ trên giấy",
        retired_on=dt.date(2024, 11, 1),
    )
    _rate(commune_police, old, "tot", year=2024)
    # The 2024 window (16/11/2023–15/11/2024): rated Tốt for 2024, retired inside it → counts.
    assert selectors.effective_initiative_fact(tree.unit, dt.date(2023, 11, 16), dt.date(2024, 11, 15)).value
    # The 2025 window starts after the retirement → does not.
    assert selectors.effective_initiative_fact(tree.unit, START, END).value is False
    create(tree.unit, name="Mới", started_on=dt.date(2025, 3, 1))
    assert selectors.effective_initiative_fact(tree.unit, START, dt.date(2025, 2, 28)).value is False


def test_another_nodes_initiative_does_not_count(tree, commune_police, create):
    initiative = create(tree.school)
    _rate(commune_police, initiative, "tot")
    assert selectors.effective_initiative_fact(tree.unit, START, END).value is False


def test_the_fact_costs_one_query_however_many_initiatives(
    tree, commune_police, create, django_assert_num_queries
):
    for i in range(5):
        initiative = create(tree.unit, name=f"Mô hình {i}")
        _activity(commune_police, initiative)
        if i % 2:
            _rate(commune_police, initiative, "kha")
    with django_assert_num_queries(1):
        fact = selectors.effective_initiative_fact(tree.unit, START, END)
    assert fact.value is True
    assert fact.source.count("Mô hình «") == 5


def test_list_is_scoped_filtered_and_counted(tree, commune_police, unit_officer, create):
    create(tree.unit, name="A")
    create(tree.school, name="B", code="to_hoa_giai")
    scope = Scope.for_user(unit_officer)
    names = [i.name for i in selectors.initiative_list(scope=scope, filters=selectors.InitiativeFilters())]
    assert names == ["A"]
    police = Scope.for_user(commune_police)
    qs = selectors.initiative_list(
        scope=police, filters=selectors.InitiativeFilters(initiative_type=kind("to_hoa_giai"))
    )
    assert [i.name for i in qs] == ["B"]
    counts = selectors.initiative_counts(
        selectors.initiative_list(scope=police, filters=selectors.InitiativeFilters())
    )
    assert (counts.total, counts.active, counts.retired) == (2, 2, 0)
    assert dict(counts.by_type) == {"Camera an ninh": 1, "Tổ hòa giải ở cơ sở": 1}
