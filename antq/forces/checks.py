"""The HD 01/HD-BCA-V05 rules applied to a rating round's rows: completeness, 9 months, the 20%
quota and the leader cap. Pure computation on rows already loaded (no query): the services refuse a
submission while any problem remains, the round screen shows each problem beside its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from antq.forces.choices import NotRatedReason
from antq.forces.rules import Rules, rules, whole_months


class _Team(Protocol):
    pk: int
    name: str
    founded_on: dt.date


class _Member(Protocol):
    pk: int
    full_name: str
    position: str
    joined_on: dt.date
    left_on: dt.date | None
    team_id: int

    def get_position_display(self) -> str: ...


@dataclass
class TeamRow:
    """A team of the round with the values being checked (saved or just typed)."""

    key: int
    team: _Team
    level: str = ""
    not_rated_reason: str = ""


@dataclass
class MemberRow:
    key: int
    member: _Member
    team_name: str
    level: str = ""
    not_rated_reason: str = ""
    # The team's founding date: a member's months never start before the team existed.
    team_founded_on: dt.date | None = None


@dataclass
class Problem:
    """A rule broken: `scope` is "team", "member" or "round"; `key` the row's id (0 for the round)."""

    scope: str
    key: int
    message: str


@dataclass
class Counts:
    """How many rows got each level, and how many "xuất sắc" the quota allows."""

    teams: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    teams_allowed: int = 0
    members_allowed: int = 0


def team_months(team: _Team, on: dt.date) -> int:
    """Whole months a team has operated by the evaluation date."""
    return whole_months(team.founded_on, on)


def member_since(member: _Member, year_start: dt.date, team_founded_on: dt.date | None = None) -> dt.date:
    """The day a member's months are counted from: the latest of the day they joined, the day the
    team was founded (a joining date typed before it counts for nothing) and the period's start."""
    return max(member.joined_on, year_start, team_founded_on or member.joined_on)


def member_months(
    member: _Member, year_start: dt.date, on: dt.date, team_founded_on: dt.date | None = None
) -> int:
    """Whole months a member took part in the year (and in the team) up to the evaluation date."""
    start = member_since(member, year_start, team_founded_on)
    end = min(member.left_on, on) if member.left_on else on
    return whole_months(start, end)


def _date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _count(levels: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for level in levels:
        if level:
            out[level] = out.get(level, 0) + 1
    return out


def _quota(r: Rules, counts: dict[str, int], what: str) -> tuple[int, str]:
    good = counts.get(r.quota_of_level, 0)
    excellent = counts.get(r.quota_level, 0)
    allowed = r.excellent_allowed(good)
    if excellent <= allowed:
        return allowed, ""
    message = _(
        "Số %(what)s xếp loại %(excellent_label)s (%(excellent)s) vượt %(share)s%% số %(what)s "
        "%(good_label)s (%(good)s): tối đa %(allowed)s."
    ) % {
        "what": what,
        "excellent_label": _short(r.label(r.quota_level)),
        "excellent": excellent,
        "share": f"{float(r.quota_share * 100):g}",
        "good_label": _short(r.label(r.quota_of_level)),
        "good": good,
        "allowed": allowed,
    }
    return allowed, message


def _short(label: str) -> str:
    """ "Hoàn thành xuất sắc nhiệm vụ" → "Hoàn thành xuất sắc", as the guidance writes the quota."""
    suffix = " nhiệm vụ"
    return label[: -len(suffix)] if label.endswith(suffix) else label


def check_round(
    *, year: int, evaluated_on: dt.date, teams: list[TeamRow], members: list[MemberRow]
) -> tuple[list[Problem], Counts]:
    """Every problem of the round's rows, in table order, and the counters."""
    r = rules()
    problems: list[Problem] = []
    start, end = r.evaluation_period(year)
    if not start <= evaluated_on <= end:
        problems.append(
            Problem(
                "round",
                0,
                _("Ngày đánh giá phải trong kỳ đánh giá năm %(year)s (từ %(start)s đến %(end)s).")
                % {"year": year, "start": _date(start), "end": _date(end)},
            )
        )
    team_levels: dict[int, str] = {}
    for row in teams:
        name = row.team.name
        team_levels[row.team.pk] = row.level
        if row.level and row.not_rated_reason:
            problems.append(
                Problem(
                    "team",
                    row.key,
                    _("Tổ %(name)s có lý do không xếp loại nhưng vẫn được chọn mức.") % {"name": name},
                )
            )
        elif not row.level and not row.not_rated_reason:
            problems.append(
                Problem(
                    "team",
                    row.key,
                    _("Tổ %(name)s chưa được xếp loại (hoặc ghi lý do không xếp loại).") % {"name": name},
                )
            )
        months = team_months(row.team, evaluated_on)
        if row.not_rated_reason == NotRatedReason.TOO_NEW and months >= r.min_months_active:
            # Left unrated as "too new", a team that is not would shrink the 20% quota's base.
            problems.append(
                Problem(
                    "team",
                    row.key,
                    _(
                        "Tổ %(name)s đã hoạt động %(months)s tháng (từ %(since)s), đủ %(min)s tháng: không "
                        "được ghi lý do “chưa đủ thời gian hoạt động”, phải xếp loại."
                    )
                    % {
                        "name": name,
                        "months": months,
                        "since": _date(row.team.founded_on),
                        "min": r.min_months_active,
                    },
                )
            )
        if row.level and months < r.min_months_active:
            problems.append(
                Problem(
                    "team",
                    row.key,
                    _(
                        "Tổ %(name)s mới hoạt động %(months)s tháng (từ %(since)s), chưa đủ %(min)s tháng "
                        "để xếp loại."
                    )
                    % {
                        "name": name,
                        "months": months,
                        "since": _date(row.team.founded_on),
                        "min": r.min_months_active,
                    },
                )
            )
    for mrow in members:
        m = mrow.member
        who = _("%(position)s %(name)s (tổ %(team)s)") % {
            "position": m.get_position_display(),
            "name": m.full_name,
            "team": mrow.team_name,
        }
        if mrow.level and mrow.not_rated_reason:
            problems.append(
                Problem(
                    "member",
                    mrow.key,
                    _("%(who)s có lý do không xếp loại nhưng vẫn được chọn mức.") % {"who": who},
                )
            )
        elif not mrow.level and not mrow.not_rated_reason:
            problems.append(
                Problem(
                    "member",
                    mrow.key,
                    _("%(who)s chưa được xếp loại (hoặc ghi lý do không xếp loại).") % {"who": who},
                )
            )
        months = member_months(m, start, evaluated_on, mrow.team_founded_on)
        since = member_since(m, start, mrow.team_founded_on)
        if mrow.not_rated_reason == NotRatedReason.TOO_NEW and months >= r.min_months_active:
            problems.append(
                Problem(
                    "member",
                    mrow.key,
                    _(
                        "%(who)s đã tham gia %(months)s tháng trong năm (từ %(since)s), đủ %(min)s tháng: "
                        "không được ghi lý do “chưa đủ thời gian tham gia”, phải xếp loại."
                    )
                    % {"who": who, "months": months, "since": _date(since), "min": r.min_months_active},
                )
            )
        if mrow.level and months < r.min_months_active:
            problems.append(
                Problem(
                    "member",
                    mrow.key,
                    _(
                        "%(who)s mới tham gia %(months)s tháng trong năm (từ %(since)s), chưa đủ %(min)s "
                        "tháng để xếp loại."
                    )
                    % {
                        "who": who,
                        "months": months,
                        "since": _date(since),
                        "min": r.min_months_active,
                    },
                )
            )
        team_level = team_levels.get(m.team_id, "")
        if (
            mrow.level
            and team_level
            and m.position in r.leader_positions
            and r.rank(mrow.level) > r.rank(team_level)
        ):
            problems.append(
                Problem(
                    "member",
                    mrow.key,
                    _(
                        "%(who)s xếp loại “%(level)s”, cao hơn mức của tổ (“%(team_level)s”): tổ trưởng, "
                        "tổ phó phụ trách không được xếp loại cao hơn tổ."
                    )
                    % {"who": who, "level": r.label(mrow.level), "team_level": r.label(team_level)},
                )
            )
    counts = Counts(teams=_count(t.level for t in teams), members=_count(m.level for m in members))
    counts.teams_allowed, message = _quota(r, counts.teams, _("tổ"))
    if message:
        problems.append(Problem("round", 0, message))
    counts.members_allowed, message = _quota(r, counts.members, _("tổ viên"))
    if message:
        problems.append(Problem("round", 0, message))
    return problems, counts


def too_new_reason(months: int) -> str:
    """The reason prefilled on a new row when the team or member is too new to be rated."""
    return NotRatedReason.TOO_NEW.value if months < rules().min_months_active else ""
