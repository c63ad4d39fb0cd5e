"""Reads of the forces app: lists for the screens and the facts the score sheet reads
(docs/movement.md). Each function owns its select_related / annotations; the fact functions cost a
fixed number of queries (one each), whatever the number of teams or members.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.facts import RecordFact
from antq.evidence.models import EvidenceDocument
from antq.forces.choices import RoundStatus, TeamKind, TeamStatus
from antq.forces.models import (
    GuardForceRating,
    MemberRating,
    RatingRound,
    SecurityTeam,
    TeamMember,
    TeamRating,
)
from antq.forces.rules import rules
from antq.org.models import OrgNode, subtree_q


@dataclass(frozen=True)
class TeamFilters:
    within: OrgNode | None = None
    node: OrgNode | None = None
    kind: str = ""
    status: str = ""


def team_list(*, scope: Scope, filters: TeamFilters) -> QuerySet[SecurityTeam]:
    """Teams the user sees, filtered, with their unit, commune and current member count: one query."""
    qs = SecurityTeam.objects.filter(scope.q(Action.VIEW, field="node__path"))
    if filters.within is not None:
        qs = qs.filter(subtree_q(filters.within.path, field="node__path"))
    if filters.node is not None:
        qs = qs.filter(subtree_q(filters.node.path, field="node__path"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return (
        qs.select_related("node", "node__parent")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("node__path", "name", "id")
    )


def team_members(team: SecurityTeam) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(team=team).order_by("left_on", "position", "full_name", "id")


def team_rating_history(team: SecurityTeam) -> QuerySet[TeamRating]:
    """The team's rows in every round of its commune, newest year first."""
    return (
        TeamRating.objects.filter(team=team)
        .select_related("round", "round__commune")
        .order_by("-round__year")
    )


def member_rating_history(team: SecurityTeam) -> QuerySet[MemberRating]:
    return (
        MemberRating.objects.filter(member__team=team)
        .select_related("round", "member")
        .order_by("-round__year", "member__full_name")
    )


def guard_ratings(team: SecurityTeam) -> QuerySet[GuardForceRating]:
    return (
        GuardForceRating.objects.filter(team=team).select_related("evidence", "recorded_by").order_by("-year")
    )


def evidence_choices(node: OrgNode) -> QuerySet[EvidenceDocument]:
    """Documents in force of the unit (any year) that a team or result may cite."""
    return EvidenceDocument.objects.filter(node=node, is_active=True).order_by("-issue_date", "id")


def evidence_choices_of(nodes: QuerySet[OrgNode]) -> QuerySet[EvidenceDocument]:
    """Documents in force of any of `nodes`, by unit then newest first."""
    return (
        EvidenceDocument.objects.filter(node__in=nodes.values("pk"), is_active=True)
        .select_related("node")
        .order_by("node__path", "-issue_date", "id")
    )


def round_list(*, scope: Scope, within: OrgNode | None = None) -> QuerySet[RatingRound]:
    """Rounds the user sees (under `within`), with the number of teams rated: one query."""
    qs = RatingRound.objects.filter(scope.q(Action.VIEW, field="commune__path"))
    if within is not None:
        qs = qs.filter(subtree_q(within.path, field="commune__path"))
    return (
        qs.select_related("commune")
        .annotate(team_count=Count("team_ratings"))
        .order_by("-year", "commune__path")
    )


# --- Facts for the score sheet (docs/movement.md) ------------------------------------------------


def _in_force_at(end: dt.date) -> Q:
    """Founded by `end` and not dissolved by then."""
    return Q(founded_on__lte=end) & (Q(status=TeamStatus.ACTIVE) | Q(dissolved_on__gt=end))


def _team_url(team: SecurityTeam) -> str:
    return reverse("forces:team_detail", kwargs={"pk": team.pk})


def _list_url(node: OrgNode) -> str:
    return f"{reverse('forces:list')}?node={node.pk}"


def guard_force_facts(node: OrgNode, start: dt.date, end: dt.date) -> dict[str, RecordFact]:
    """QĐ 510 items 6a and 6b of an agency / enterprise / school: one query.

    * guard_force_assigned: a guard force of the unit in force at the end of the window with at
      least one member during the window;
    * guard_force_rated_good: such a force rated "hoàn thành tốt nhiệm vụ" or better for year
      `end.year` (or given an emulation title worth as much, `rating_rules.yaml`).
    """
    r = rules()
    members = TeamMember.objects.filter(team=OuterRef("pk"), joined_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    result = GuardForceRating.objects.filter(team=OuterRef("pk"), year=end.year).values("result")[:1]
    teams = list(
        SecurityTeam.objects.filter(node=node, kind=TeamKind.GUARD_FORCE)
        .filter(_in_force_at(end))
        .annotate(has_members=Exists(members), result=Subquery(result))
        .order_by("id")
    )
    manned = [t for t in teams if t.has_members]  # type: ignore[attr-defined]
    if manned:
        team = manned[0]
        assigned = RecordFact(
            True,
            _("Lực lượng bảo vệ “%(name)s” thành lập ngày %(date)s, có thành viên trong kỳ đánh giá")
            % {"name": team.name, "date": f"{team.founded_on:%d/%m/%Y}"},
            _team_url(team),
        )
    elif teams:
        assigned = RecordFact(
            False,
            _("Lực lượng bảo vệ “%(name)s” không có thành viên nào trong kỳ đánh giá")
            % {"name": teams[0].name},
            _team_url(teams[0]),
        )
    else:
        assigned = RecordFact(False, _("Đơn vị chưa ghi nhận lực lượng bảo vệ"), _list_url(node))
    good = set(r.good_results())
    rated = [t for t in manned if t.result in good]  # type: ignore[attr-defined]
    if rated:
        team = rated[0]
        rated_good = RecordFact(
            True,
            _("Lực lượng bảo vệ “%(name)s” năm %(year)s: %(result)s")
            % {"name": team.name, "year": end.year, "result": r.label(team.result)},  # type: ignore[attr-defined]
            _team_url(team),
        )
    elif manned and manned[0].result:  # type: ignore[attr-defined]
        team = manned[0]
        rated_good = RecordFact(
            False,
            _("Lực lượng bảo vệ “%(name)s” năm %(year)s: %(result)s (dưới mức hoàn thành tốt nhiệm vụ)")
            % {"name": team.name, "year": end.year, "result": r.label(team.result)},  # type: ignore[attr-defined]
            _team_url(team),
        )
    elif manned:
        rated_good = RecordFact(
            False,
            _("Lực lượng bảo vệ “%(name)s” chưa có kết quả xếp loại năm %(year)s")
            % {"name": manned[0].name, "year": end.year},
            _team_url(manned[0]),
        )
    else:
        rated_good = RecordFact(False, assigned.source, assigned.url)
    return {"guard_force_assigned": assigned, "guard_force_rated_good": rated_good}


def grassroots_teams_fact(node: OrgNode, start: dt.date, end: dt.date) -> RecordFact:
    """TT 124 KDC.5 of a residential area: True when every team in force at the end of the window
    was rated at least "hoàn thành nhiệm vụ" in an approved round of year `end.year`. One query."""
    r = rules()
    level = TeamRating.objects.filter(
        team=OuterRef("pk"), round__year=end.year, round__status=RoundStatus.APPROVED
    ).values("level")[:1]
    teams = list(
        SecurityTeam.objects.filter(node=node, kind=TeamKind.GRASSROOTS_TEAM)
        .filter(_in_force_at(end))
        .annotate(level=Subquery(level))
        .order_by("id")
    )
    if not teams:
        return RecordFact(False, _("Khu dân cư chưa ghi nhận tổ bảo vệ ANTT ở cơ sở"), _list_url(node))
    enough = set(r.kdc5_levels())
    failing = [t for t in teams if t.level not in enough]  # type: ignore[attr-defined]
    if not failing:
        names = ", ".join(f"“{t.name}”: {r.label(t.level)}" for t in teams)  # type: ignore[attr-defined]
        return RecordFact(
            True,
            _("Xếp loại năm %(year)s đã được Chủ tịch UBND xã phê duyệt: %(teams)s")
            % {"year": end.year, "teams": names},
            _team_url(teams[0]),
        )
    team = failing[0]
    if team.level:  # type: ignore[attr-defined]
        text = _("Tổ “%(name)s” năm %(year)s: %(level)s") % {
            "name": team.name,
            "year": end.year,
            "level": r.label(team.level),  # type: ignore[attr-defined]
        }
    else:
        text = _("Tổ “%(name)s” chưa được xếp loại năm %(year)s trong đợt đã phê duyệt") % {
            "name": team.name,
            "year": end.year,
        }
    return RecordFact(False, text, _team_url(team))
