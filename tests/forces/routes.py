"""Access-matrix expectations of the forces app's routes (see tests/test_access_matrix.py).

Teams are built on the case's unit (`where`); a guard force needs an agency, so its builder turns
the case's unit into one. Rounds are built on the case's commune.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.forces.choices import Position, RoundStatus, TeamKind
from antq.forces.models import RatingRound, SecurityTeam, TeamMember
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests.matrix import Route

UNITS = ("unit", "sibling_unit", "other_unit")
COMMUNES = ("commune", "sibling_commune", "other_commune")


def _make_team(personas: dict[str, Any], node: OrgNode, kind: str) -> SecurityTeam:
    """A team recorded directly (a fixture, not a use case) on the node."""
    return SecurityTeam.objects.create(
        node=node,
        kind=kind,
        name="Tổ bảo vệ ANTT số 1",
        founded_on=dt.date(2020, 1, 1),
        created_by=personas["admin"],
    )


def _team(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _make_team(personas, getattr(tree, where), TeamKind.GRASSROOTS_TEAM).pk}


def _member(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    team = _make_team(personas, getattr(tree, where), TeamKind.GRASSROOTS_TEAM)
    member = TeamMember.objects.create(
        team=team, full_name="Nguyễn Văn A", position=Position.MEMBER, joined_on=dt.date(2020, 1, 1)
    )
    return {"pk": member.pk}


def _guard(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    node = getattr(tree, where)
    OrgNode.objects.filter(pk=node.pk).update(kind=NodeKind.AGENCY)
    node.refresh_from_db()
    return {"pk": _make_team(personas, node, TeamKind.GUARD_FORCE).pk, "year": 2025}


def _guard_api(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _guard(personas, tree, where)["pk"]}


def _round(status: str) -> Any:
    def build(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
        rnd = RatingRound.objects.create(
            commune=getattr(tree, where),
            year=2025,
            evaluated_on=dt.date(2025, 11, 1),
            status=status,
            created_by=personas["admin"],
        )
        return {"pk": rnd.pk}

    return build


DRAFT, SUBMITTED = _round(RoundStatus.DRAFT), _round(RoundStatus.SUBMITTED)
VERSION = {"version": 1}

ROUTES: dict[str, Route] = {
    "forces:list": Route("view"),
    "forces:team_create": Route("activity_record"),
    "forces:team_detail": Route("view", target=_team, where=UNITS),
    "forces:team_edit": Route("activity_record", target=_team, where=UNITS),
    "forces:team_dissolve": Route(
        "activity_record",
        target=_team,
        where=UNITS,
        method="post",
        data={"dissolved_on": "2025-06-01", "reason": "Sáp nhập", "version": 1},
        ok=(302,),
    ),
    "forces:team_reactivate": Route(
        "activity_record",
        target=_team,
        where=UNITS,
        method="post",
        data={"reason": "Nhầm", "version": 1},
        ok=(302,),
    ),
    "forces:member_create": Route("activity_record", target=_team, where=UNITS),
    "forces:member_edit": Route("activity_record", target=_member, where=UNITS),
    "forces:guard_rating": Route("activity_record", target=_guard, where=UNITS),
    "forces:round_list": Route("view"),
    "forces:round_open": Route("force_rate"),
    "forces:round_detail": Route("view", target=DRAFT, where=COMMUNES),
    "forces:round_submit": Route(
        "force_rate", target=DRAFT, where=COMMUNES, method="post", data=VERSION, ok=(302,)
    ),
    "forces:round_approve": Route(
        "decision_issue", target=SUBMITTED, where=COMMUNES, method="post", data=VERSION, ok=(302,)
    ),
    "forces:round_return": Route(
        "decision_issue",
        target=SUBMITTED,
        where=COMMUNES,
        method="post",
        data={"reason": "Xem lại", "version": 1},
        ok=(302,),
    ),
    "api:forces-team-list": Route("view", api=True),
    # No body: whoever may record (rate) somewhere gets the field errors, the others 403.
    "api:forces-team-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:forces-team-detail": Route("view", target=_team, where=UNITS, api=True),
    "api:forces-team-members": Route(
        "activity_record",
        target=_team,
        where=UNITS,
        method="post",
        api=True,
        ok=(201,),
        data={"full_name": "Trần Văn B", "position": "member", "joined_on": "2024-01-01"},
    ),
    "api:forces-team-results": Route(
        "activity_record",
        target=_guard_api,
        where=UNITS,
        method="post",
        api=True,
        data={"year": 2025, "result": "good"},
    ),
    "api:forces-round-list": Route("view", api=True),
    "api:forces-round-list POST": Route("force_rate", method="post", ok=(400,), api=True),
    "api:forces-round-detail": Route("view", target=DRAFT, where=COMMUNES, api=True),
    "api:forces-round-ratings": Route(
        "force_rate", target=DRAFT, where=COMMUNES, method="post", api=True, data=VERSION
    ),
    "api:forces-round-submit": Route(
        "force_rate", target=DRAFT, where=COMMUNES, method="post", api=True, data=VERSION, ok=(400,)
    ),
    "api:forces-round-approve": Route(
        "decision_issue", target=SUBMITTED, where=COMMUNES, method="post", api=True, data=VERSION
    ),
    "api:forces-round-return": Route(
        "decision_issue",
        target=SUBMITTED,
        where=COMMUNES,
        method="post",
        api=True,
        data={"reason": "Xem lại", "version": 1},
    ),
}
