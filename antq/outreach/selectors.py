"""Reads of the outreach app, and the facts it gives the score sheet (docs/movement.md).

`reach_fact` and `festival_fact` answer, for a unit and its evaluation window, what the records say
about QĐ 510 items 2 and 3; each costs a fixed number of queries, whatever the number of sessions
or people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.core.facts import RecordFact
from antq.evidence.models import EvidenceDocument
from antq.org.models import OrgNode, subtree_q
from antq.outreach.choices import AttendanceMode, FestivalStatus, Participation, SessionKind
from antq.outreach.importing import Person
from antq.outreach.models import Attendance, FestivalDay, OutreachSession
from antq.outreach.services import participants_by_key
from antq.outreach.targets import targets

# --- Sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFilters:
    within: OrgNode | None = None  # the user's current node: sessions of its subtree
    node: OrgNode | None = None  # a node chosen in the filter (its subtree)
    kind: str = ""
    year: int | None = None  # calendar year of the session's date
    start: dt.date | None = None  # or an explicit window (the facts' links use it)
    end: dt.date | None = None


def session_list(*, scope: Scope, filters: SessionFilters) -> QuerySet[OutreachSession]:
    """Sessions the user sees, filtered, newest first, with the size of each list (one query)."""
    qs = OutreachSession.objects.filter(scope.q(Action.VIEW, field="node__path"))
    for node in (filters.within, filters.node):
        if node is not None:
            qs = qs.filter(subtree_q(node.path, field="node__path"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(held_on__gte=dt.date(filters.year, 1, 1), held_on__lt=dt.date(filters.year + 1, 1, 1))
    if filters.start:
        qs = qs.filter(held_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(held_on__lte=filters.end)
    return (
        qs.select_related("node", "node__parent", "recorded_by")
        .annotate(listed=Count("attendances"))
        .order_by("-held_on", "-id")
    )


def session_attendance(session: OutreachSession) -> QuerySet[Attendance]:
    """The session's list, by name (the participant joined in the same query)."""
    return (
        Attendance.objects.filter(session=session)
        .select_related("participant")
        .order_by("participant__full_name", "participant_id")
    )


def session_count(session: OutreachSession) -> int:
    """How many attended: the list's length, or the headcount."""
    if session.is_list:
        listed = getattr(session, "listed", None)
        return int(listed) if listed is not None else session.attendances.count()
    return session.headcount or 0


def usable_evidence(*, node: OrgNode, years: tuple[int, ...]) -> QuerySet[EvidenceDocument]:
    """Documents a session or festival day of `node` may cite: in force, of that node and of those
    dossier years. No scope: callers reached `node` through an access getter."""
    return EvidenceDocument.objects.filter(node=node, year__in=years, is_active=True).order_by(
        "-issue_date", "-id"
    )


@dataclass(frozen=True)
class ImportPreview:
    """What confirming an import would do (read only)."""

    people: int  # distinct people in the file
    new_people: int  # not yet known at the node
    already_listed: int  # already on this session's list
    to_add: int
    renamed: list[tuple[int, str, str]]  # (row, name in the file, name already recorded)


def attendance_preview(*, session: OutreachSession, people: list[Person]) -> ImportPreview:
    """Compare a checked file with the node's participants and the session's list (a query per
    500 people, and one for the list)."""
    known = participants_by_key(session.node, [p.key for p in people])
    listed = set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
    already = sum(1 for p in people if p.key in known and known[p.key].pk in listed)
    renamed = [
        (p.row, p.full_name, known[p.key].full_name)
        for p in people
        if p.key in known and known[p.key].full_name != p.full_name
    ]
    return ImportPreview(
        people=len(people),
        new_people=sum(1 for p in people if p.key not in known),
        already_listed=already,
        to_add=len(people) - already,
        renamed=renamed,
    )


# --- Reach (QĐ 510 item 2) -------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """How many of a node's people its tuyên truyền sessions reached in a window, and how."""

    listed_people: int  # distinct people on the lists
    list_sessions: int
    headcount_sessions: int
    largest_headcount: int  # the largest headcount of a session without a list
    total: int  # node.people_count (0 when unknown)
    training_sessions: int
    training_people: int  # distinct people on training lists
    training_headcount: int  # sum of headcounts of training classes without a list

    @property
    def reached(self) -> int:
        value = self.listed_people + self.largest_headcount
        return min(value, self.total) if self.total else value

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.reached, self.total) if self.total else None

    @property
    def target(self) -> Fraction:
        return targets().reach_share

    @property
    def met(self) -> bool:
        share = self.share
        return share is not None and share >= self.target

    @property
    def capped(self) -> bool:
        return bool(self.total) and self.listed_people + self.largest_headcount > self.total


def reach(node: OrgNode, start: dt.date, end: dt.date) -> Reach:
    """The node's reach in [start, end], tuyên truyền and training apart. Three queries."""
    window = Q(session__node=node, session__held_on__gte=start, session__held_on__lte=end)
    people = (
        Attendance.objects.filter(window)
        .values("session__kind")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    distinct = {row["session__kind"]: row["n"] for row in people}
    sessions = OutreachSession.objects.filter(node=node, held_on__gte=start, held_on__lte=end)
    propaganda = Q(kind=SessionKind.PROPAGANDA)
    training = Q(kind=SessionKind.TRAINING)
    headcount = Q(attendance_mode=AttendanceMode.HEADCOUNT)
    figures = sessions.aggregate(
        list_sessions=Count("pk", filter=propaganda & ~headcount),
        headcount_sessions=Count("pk", filter=propaganda & headcount),
        largest=Max("headcount", filter=propaganda & headcount),
        training_sessions=Count("pk", filter=training),
        training_headcount=Sum("headcount", filter=training & headcount),
    )
    return Reach(
        listed_people=distinct.get(SessionKind.PROPAGANDA.value, 0),
        list_sessions=figures["list_sessions"] or 0,
        headcount_sessions=figures["headcount_sessions"] or 0,
        largest_headcount=figures["largest"] or 0,
        total=node.people_count or 0,
        training_sessions=figures["training_sessions"] or 0,
        training_people=distinct.get(SessionKind.TRAINING.value, 0),
        training_headcount=figures["training_headcount"] or 0,
    )


def sessions_url(node: OrgNode, start: dt.date, end: dt.date, kind: str = SessionKind.PROPAGANDA) -> str:
    """The session list filtered to the node, the kind and the window."""
    query = {"node": node.pk, "kind": kind, "start": start.isoformat(), "end": end.isoformat()}
    return f"{reverse('outreach:list')}?{urlencode(query)}"


def reach_sentence(figures: Reach) -> str:
    """How the reach was counted, in Vietnamese (the fact's `source`)."""
    parts: list[str] = []
    if figures.list_sessions:
        parts.append(
            ngettext(
                "%(people)s người khác nhau theo danh sách %(n)s buổi",
                "%(people)s người khác nhau theo danh sách %(n)s buổi",
                figures.list_sessions,
            )
            % {"people": figures.listed_people, "n": figures.list_sessions}
        )
    if figures.headcount_sessions:
        parts.append(
            _("%(people)s người theo số lượng của buổi lớn nhất chỉ ghi số lượng")
            % {"people": figures.largest_headcount}
        )
    text = _(", và ").join(parts) if parts else _("Chưa ghi nhận buổi tuyên truyền nào trong kỳ")
    if figures.total:
        text += _("; trên %(total)s người của đơn vị") % {"total": figures.total}
        if figures.capped:
            text += _(" (tính tối đa bằng số người của đơn vị)")
    else:
        text += _("; đơn vị chưa khai số người (danh bạ đơn vị)")
    return text


def reach_fact(node: OrgNode, start: dt.date, end: dt.date) -> RecordFact:
    """QĐ 510 item 2: {"met": distinct people reached, "total": node.people_count or 0}.

    People on the lists of the node's tuyên truyền sessions dated in [start, end] are counted once
    each; sessions with only a headcount add the largest such headcount (a headcount cannot be
    de-duplicated, and the largest is the least that is surely true); the sum is capped at the
    node's people. Training classes do not count (they train the force). Three queries."""
    figures = reach(node, start, end)
    return RecordFact(
        value={"met": figures.reached, "total": figures.total},
        source=reach_sentence(figures),
        url=sessions_url(node, start, end),
    )


# --- Festival days (QĐ 510 item 3) -----------------------------------------------------------


def festival_list(
    *, scope: Scope, within: OrgNode | None = None, node: OrgNode | None = None, year: int | None = None
) -> QuerySet[FestivalDay]:
    """Festival days the user sees, latest year first (one query; photos counted)."""
    qs = FestivalDay.objects.filter(scope.q(Action.VIEW, field="node__path"))
    for chosen in (within, node):
        if chosen is not None:
            qs = qs.filter(subtree_q(chosen.path, field="node__path"))
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("node", "node__parent", "host", "recorded_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-year", "node__path", "id")
    )


def festival_sentence(festival: FestivalDay) -> str:
    day = date_format(festival.held_on, "d/m/Y") if festival.held_on else ""
    if festival.participation == Participation.JOINED and festival.host is not None:
        return _(
            "Tham gia Ngày hội toàn dân bảo vệ ANTQ do %(host)s tổ chức ngày %(date)s, %(n)s người tham dự"
        ) % {"host": festival.host.name, "date": day, "n": festival.attendance or 0}
    return _("Ngày hội toàn dân bảo vệ ANTQ tổ chức ngày %(date)s, %(n)s người tham dự") % {
        "date": day,
        "n": festival.attendance or 0,
    }


def festival_fact(node: OrgNode, start: dt.date, end: dt.date) -> RecordFact:
    """QĐ 510 item 3: True when the node held its festival day, or took part in the festival day of
    its commune or of another unit of the commune (`Participation.JOINED`), with `held_on` in
    [start, end]. One query."""
    held = (
        FestivalDay.objects.filter(
            node=node, status=FestivalStatus.HELD, held_on__gte=start, held_on__lte=end
        )
        .select_related("host")
        .order_by("-held_on", "-id")
        .first()
    )
    if held is not None:
        return RecordFact(True, festival_sentence(held), reverse("outreach:festival_detail", args=[held.pk]))
    list_url = f"{reverse('outreach:festival_list')}?{urlencode({'node': node.pk})}"
    return RecordFact(
        False,
        _("Chưa ghi nhận Ngày hội toàn dân bảo vệ ANTQ đã tổ chức hoặc tham gia từ %(start)s đến %(end)s")
        % {"start": date_format(start, "d/m/Y"), "end": date_format(end, "d/m/Y")},
        list_url,
    )


def festival_photos(festival: FestivalDay) -> list[EvidenceDocument]:
    return list(festival.photos.order_by("issue_date", "id"))


def as_percent(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{float(value * 100):.1f}".replace(".", ",") + "%"


def reach_context(node: OrgNode, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What the reach page shows (three queries)."""
    figures = reach(node, start, end)
    return {
        "reach": figures,
        "sentence": reach_sentence(figures),
        "share": as_percent(figures.share),
        "target": as_percent(figures.target),
        "target_source": targets().reach_source,
        "propaganda_url": sessions_url(node, start, end),
        "training_url": sessions_url(node, start, end, SessionKind.TRAINING),
    }
