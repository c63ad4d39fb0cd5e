"""Demo data of the forces app, created through its services (teams, members, a round, guard forces)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from antq.accounts.models import Membership
from antq.accounts.roles import Action, Role
from antq.accounts.scope import Scope
from antq.forces import services
from antq.forces.choices import Position, TeamKind
from antq.forces.models import MemberRating, TeamRating
from antq.forces.rules import rules
from antq.org.models import OrgNode

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Hải", "Thị Lan", "Văn Minh", "Thị Ngọc")


def _name(i: int) -> str:
    return f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[(i // len(SURNAMES) + i) % len(GIVEN)]}"


def _chairman(commune: OrgNode, actor: User) -> User | None:
    """A user other than `actor` who decides on the commune (its chairman), if the demo has one."""
    for membership in (
        Membership.objects.filter(
            node=commune, role=Role.COMMUNE_LEADER, is_active=True, user__is_active=True
        )
        .exclude(user=actor)
        .select_related("user")
        .order_by("id")
    ):
        if Scope.for_user(membership.user).allows(Action.DECISION_ISSUE, commune):
            return membership.user
    return None


def seed(
    communes: list[OrgNode], kdcs: list[OrgNode], agencies: list[OrgNode], year: int, actor: User
) -> None:
    """One team of four per residential area, a round per commune (submitted by the actor; the
    first approved by the commune's chairman when the demo has one, the others left submitted),
    and a guard force with a result for each agency."""
    scope = Scope.for_user(actor)
    founded = dt.date(year - 3, 3, 1)
    n = 0
    for kdc in kdcs:
        team = services.team_create(
            by=actor,
            scope=scope,
            node=kdc,
            kind=TeamKind.GRASSROOTS_TEAM,
            data={"name": f"Tổ bảo vệ ANTT {kdc.name}", "founded_on": founded},
        )
        for position in (Position.LEADER, Position.DEPUTY, Position.MEMBER, Position.MEMBER):
            services.member_add(
                by=actor,
                scope=scope,
                team=team,
                data={"full_name": _name(n), "position": position, "joined_on": founded},
            )
            n += 1
    r = rules()
    _start, end = r.evaluation_period(year)
    for index, commune in enumerate(communes):
        rnd = services.round_open(by=actor, scope=scope, commune=commune, year=year, evaluated_on=end)
        rows = list(TeamRating.objects.filter(round=rnd).order_by("id"))
        # The last team "hoàn thành", then as many "xuất sắc" as the quota allows beside the "tốt" ones.
        rated = max(len(rows) - 1, 0)
        excellent = max((e for e in range(rated + 1) if e <= r.excellent_allowed(rated - e)), default=0)
        levels: dict[int, str] = {}
        for i, row in enumerate(rows):
            levels[row.pk] = "excellent" if i < excellent else ("good" if i < rated else "completed")
        team_level = {row.team_id: levels[row.pk] for row in rows}
        members = MemberRating.objects.filter(round=rnd).select_related("member")
        member_levels = {}
        for m in members:
            level = team_level.get(m.member.team_id, "completed")
            # Members rated at the team's level, never above it; no "xuất sắc" to keep the quota.
            member_levels[m.pk] = {"level": "good" if level == "excellent" else level, "not_rated_reason": ""}
        rnd = services.round_save(
            by=actor,
            scope=scope,
            round=rnd,
            teams={k: {"level": v, "not_rated_reason": ""} for k, v in levels.items()},
            members=member_levels,
            expected_version=rnd.version,
        )
        if not rows:
            continue
        rnd = services.round_submit(by=actor, scope=scope, round=rnd, expected_version=rnd.version)
        chairman = _chairman(commune, actor) if index == 0 else None
        if chairman is not None:
            # Approved by the commune's chairman: the one who submitted never approves too.
            services.round_approve(
                by=chairman, scope=Scope.for_user(chairman), round=rnd, expected_version=rnd.version
            )
    results = ("collective_advanced", "good", "completed")
    for i, agency in enumerate(agencies):
        team = services.team_create(
            by=actor,
            scope=scope,
            node=agency,
            kind=TeamKind.GUARD_FORCE,
            data={"name": f"Lực lượng bảo vệ {agency.name}", "founded_on": founded},
        )
        for j, position in enumerate((Position.CHIEF, Position.GUARD, Position.GUARD)):
            services.member_add(
                by=actor,
                scope=scope,
                team=team,
                data={"full_name": _name(n + j), "position": position, "joined_on": founded},
            )
        n += 3
        services.guard_rating_set(
            by=actor, scope=scope, team=team, year=year, data={"result": results[i % len(results)]}
        )
