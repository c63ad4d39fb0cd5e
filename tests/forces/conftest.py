"""Fixtures of the forces app: more residential areas in the commune, and helpers that record teams
and members through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.scope import Scope
from antq.forces import services
from antq.forces.choices import Position, TeamKind
from antq.forces.models import SecurityTeam, TeamMember
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree

YEAR = 2025
OLD = dt.date(2020, 1, 10)


@pytest.fixture
def agency(tree: Tree) -> OrgNode:
    return f.unit(tree.commune, "Sở Kế hoạch và Đầu tư", "X21583-CQ01", kind=NodeKind.AGENCY)


TeamFn = Callable[..., SecurityTeam]
MemberFn = Callable[..., TeamMember]


@pytest.fixture
def make_team(commune_police: User) -> TeamFn:
    def _make(
        node: OrgNode, name: str = "Tổ bảo vệ ANTT số 1", *, founded_on: dt.date = OLD, **kw: Any
    ) -> SecurityTeam:
        kind = kw.pop(
            "kind",
            TeamKind.GRASSROOTS_TEAM if node.kind == NodeKind.RESIDENTIAL_AREA else TeamKind.GUARD_FORCE,
        )
        return services.team_create(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            node=node,
            kind=kind,
            data={"name": name, "founded_on": founded_on},
        )

    return _make


@pytest.fixture
def make_member(commune_police: User) -> MemberFn:
    def _make(
        team: SecurityTeam,
        name: str = "Nguyễn Văn A",
        position: str = Position.MEMBER,
        joined_on: dt.date = OLD,
        **kw: Any,
    ) -> TeamMember:
        return services.member_add(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            team=team,
            data={"full_name": name, "position": position, "joined_on": joined_on, **kw},
        )

    return _make


@pytest.fixture
def kdcs(tree: Tree) -> list[OrgNode]:
    """Twelve more residential areas of the commune (the quota needs a dozen teams)."""
    return [f.unit(tree.commune, f"Tổ dân phố {i}", f"X21583-KDC{i:02d}") for i in range(2, 14)]
