"""The facts the score sheet reads (docs/movement.md), in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from antq.accounts.scope import Scope
from antq.core.facts import RecordFact
from antq.forces import selectors, services
from antq.forces.models import TeamRating
from tests.forces.conftest import YEAR

START, END = dt.date(YEAR - 1, 11, 16), dt.date(YEAR, 11, 15)


def test_guard_force_facts_without_any_force(agency, django_assert_num_queries):
    with django_assert_num_queries(1):
        facts = selectors.guard_force_facts(agency, START, END)
    assert facts["guard_force_assigned"].value is False
    assert facts["guard_force_rated_good"].value is False
    assert "chưa ghi nhận lực lượng bảo vệ" in facts["guard_force_assigned"].source


def test_guard_force_facts_with_members_and_a_good_title(
    agency, commune_police, make_team, make_member, django_assert_num_queries
):
    team = make_team(agency, "Đội bảo vệ cơ quan")
    make_member(team, "Đỗ Văn E", "chief")
    for i in range(5):
        make_member(team, f"Bảo vệ {i}", "guard")
    services.guard_rating_set(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        team=team,
        year=YEAR,
        data={"result": "collective_advanced"},
    )
    with django_assert_num_queries(1):
        facts = selectors.guard_force_facts(agency, START, END)
    assigned, good = facts["guard_force_assigned"], facts["guard_force_rated_good"]
    assert isinstance(assigned, RecordFact) and assigned.value is True
    assert good.value is True and "Tập thể lao động tiên tiến" in good.source
    assert good.url == f"/forces/teams/{team.pk}/"


def test_guard_force_rated_only_completed_is_not_good(agency, commune_police, make_team, make_member):
    team = make_team(agency)
    make_member(team, "Đỗ Văn E", "guard")
    services.guard_rating_set(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        team=team,
        year=YEAR,
        data={"result": "completed"},
    )
    facts = selectors.guard_force_facts(agency, START, END)
    assert facts["guard_force_assigned"].value is True
    assert facts["guard_force_rated_good"].value is False
    assert "dưới mức hoàn thành tốt" in facts["guard_force_rated_good"].source


def test_a_force_without_members_is_not_assigned(agency, make_team):
    make_team(agency)
    assert selectors.guard_force_facts(agency, START, END)["guard_force_assigned"].value is False


def test_grassroots_fact_needs_an_approved_round(
    tree, commune_police, commune_leader, make_team, django_assert_num_queries
):
    make_team(tree.unit, "Tổ An Phú")
    make_team(tree.unit, "Tổ An Khánh")
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 11, 1),
    )
    rows = {r.team.name: r.pk for r in TeamRating.objects.filter(round=rnd).select_related("team")}
    rnd = services.round_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        round=rnd,
        teams={rows["Tổ An Phú"]: {"level": "good"}, rows["Tổ An Khánh"]: {"level": "completed"}},
        expected_version=rnd.version,
    )
    rnd = services.round_submit(
        by=commune_police, scope=Scope.for_user(commune_police), round=rnd, expected_version=rnd.version
    )
    kdc_start, kdc_end = dt.date(YEAR - 1, 11, 1), dt.date(YEAR, 10, 31)
    assert selectors.grassroots_teams_fact(tree.unit, kdc_start, kdc_end).value is False  # not approved yet
    services.round_approve(
        by=commune_leader, scope=Scope.for_user(commune_leader), round=rnd, expected_version=rnd.version
    )
    with django_assert_num_queries(1):
        fact = selectors.grassroots_teams_fact(tree.unit, kdc_start, kdc_end)
    assert fact.value is True and "Hoàn thành tốt nhiệm vụ" in fact.source


def test_grassroots_fact_fails_when_a_team_is_not_completed(tree, commune_police, commune_leader, make_team):
    make_team(tree.unit, "Tổ An Phú")
    rnd = services.round_open(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        commune=tree.commune,
        year=YEAR,
        evaluated_on=dt.date(YEAR, 11, 1),
    )
    row = TeamRating.objects.get(round=rnd)
    rnd = services.round_save(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        round=rnd,
        teams={row.pk: {"level": "not_completed"}},
        expected_version=rnd.version,
    )
    rnd = services.round_submit(
        by=commune_police, scope=Scope.for_user(commune_police), round=rnd, expected_version=rnd.version
    )
    services.round_approve(
        by=commune_leader, scope=Scope.for_user(commune_leader), round=rnd, expected_version=rnd.version
    )
    fact = selectors.grassroots_teams_fact(tree.unit, dt.date(YEAR - 1, 11, 1), dt.date(YEAR, 10, 31))
    assert fact.value is False and "Không hoàn thành nhiệm vụ" in fact.source


def test_team_list_costs_the_same_for_many_teams(
    tree, kdcs, make_team, make_member, commune_police, django_assert_num_queries
):
    for node in kdcs:
        make_member(make_team(node))
    teams = selectors.team_list(scope=Scope.for_user(commune_police), filters=selectors.TeamFilters())
    with django_assert_num_queries(1):
        rows = [(t.name, t.node.parent.name, t.member_count) for t in teams]
    assert len(rows) == 12 and all(r[2] == 1 for r in rows)
