"""The roll-up of child plans' progress, the list, and the query counts of the plan pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.plans import selectors, services
from antq.plans.choices import TaskStatus
from antq.plans.selectors import PlanFilters
from tests import factories as f
from tests.plans.conftest import YEAR, issue, make_plan

pytestmark = pytest.mark.django_db


def _child(user, parent, node, number):  # type: ignore[no-untyped-def]
    plan = services.plan_cascade(
        by=user, scope=Scope.for_user(user), parent=parent, node=node, today=dt.date(YEAR, 1, 5)
    )
    return issue(user, plan, number=number)


def _progress(user, task, status, progress):  # type: ignore[no-untyped-def]
    task.refresh_from_db()
    services.task_progress(
        by=user,
        scope=Scope.for_user(user),
        task=task,
        status=status,
        progress=progress,
        expected_version=task.version,
    )


@pytest.fixture
def rolled(tree, province_plan, admin, commune_police):  # type: ignore[no-untyped-def]
    """Two issued commune plans and a draft one: first task done in one, 40% in the other."""
    one = _child(commune_police, province_plan, tree.commune, "1")
    two = _child(admin, province_plan, tree.sibling_commune, "2")
    _progress(commune_police, one.tasks.order_by("order").first(), TaskStatus.DONE, 100)
    _progress(admin, two.tasks.order_by("order").first(), TaskStatus.IN_PROGRESS, 40)
    third = f.node("commune", "Xã Ia Hrú", "X21700", tree.province)
    services.plan_cascade(
        by=admin, scope=Scope.for_user(admin), parent=province_plan, node=third, today=dt.date(YEAR, 1, 5)
    )
    return one, two


def test_a_parent_task_shows_the_average_and_the_count_done_of_issued_child_plans(rolled, province_plan):
    rows = selectors.task_rows(province_plan)
    first, second, _third = rows
    assert (first.rollup.total, first.rollup.done, first.rollup.average) == (2, 1, Decimal("70.0"))
    assert (second.rollup.total, second.rollup.done, second.rollup.average) == (2, 0, Decimal("0.0"))


def test_the_rollup_is_one_query_whatever_the_number_of_tasks(
    rolled, province_plan, django_assert_num_queries
):
    with django_assert_num_queries(1):
        selectors.rollup(province_plan)


def test_child_plans_carry_their_progress_and_late_count(rolled, province_plan, admin):
    children = {c.node.name: c for c in selectors.child_plans(province_plan, Scope.for_user(admin))}
    assert children["Phường Quy Nhơn"].done_count == 1
    assert children["Phường Quy Nhơn"].tasks_count == 3
    assert children["Xã Ia Hrú"].status == "draft"
    assert all(c.late_count == 0 for c in children.values())


def test_the_commune_police_read_the_province_plan_but_not_the_sibling_commune_plan(
    rolled, province_plan, commune_police
):
    scope = Scope.for_user(commune_police)
    names = {p.node.name for p in selectors.plan_list(scope=scope, filters=PlanFilters())}
    assert names == {"Tỉnh Gia Lai", "Phường Quy Nhơn"}
    assert [c.node.name for c in selectors.child_plans(province_plan, scope)] == ["Phường Quy Nhơn"]


def test_list_filters_by_level_year_and_status(rolled, admin):
    scope = Scope.for_user(admin)
    communes = selectors.plan_list(scope=scope, filters=PlanFilters(level="commune"))
    assert {p.node.kind for p in communes} == {"commune"}
    assert selectors.plan_list(scope=scope, filters=PlanFilters(year=YEAR - 5)).count() == 0
    drafts = selectors.plan_list(scope=scope, filters=PlanFilters(status="draft"))
    assert [p.node.name for p in drafts] == ["Xã Ia Hrú"]
    province = selectors.plan_list(scope=scope, filters=PlanFilters(level="province")).get()
    assert province.children_count == 3


def test_plan_page_runs_a_fixed_number_of_queries(
    client, rolled, province_plan, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    url = reverse("plans:detail", args=[province_plan.pk])
    client.get(url)
    # Session, user, memberships, the plan, targets, roll-up, tasks, cascade nodes, child plans,
    # the breadcrumb and the notification badge: the same with 3 tasks as with 300.
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert "1/2 hoàn thành · bình quân 70,0%" in response.content.decode()


def test_list_page_runs_a_fixed_number_of_queries(client, tree, rolled, admin, django_assert_max_num_queries):
    client.force_login(admin)
    client.get(reverse("plans:list"))
    for index in range(5):  # more rows, same queries
        make_plan(admin, f.node("commune", f"Xã thêm {index}", f"X2180{index}", tree.province))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plans:list"))
    assert response.status_code == 200
