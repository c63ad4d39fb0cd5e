"""Reads of the outreach app, and the facts it gives the score sheet (docs/movement.md).

`reach_fact` and `festival_fact` answer, for a unit and its evaluation window, what the records say
about QĐ 510 items 2 and 3; each costs a fixed number of queries, whatever the number of sessions
or people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from antq.outreach.services import match_participants
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
    include_withdrawn: bool = False  # withdrawn sessions are left out unless asked for


def session_list(*, scope: Scope, filters: SessionFilters) -> QuerySet[OutreachSession]:
    """Sessions the user sees, filtered (withdrawn ones only when asked), newest first, with the
    size of each list (one query)."""
    qs = OutreachSession.objects.filter(scope.q(Action.VIEW, field="node__path"))
    if not filters.include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
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
    # (row, name, identifier in the file): the same person recorded earlier without an identifier,
    # found by name and year of birth (services.match_participants).
    matched_by_name: list[tuple[int, str, str]] = field(default_factory=list)


def attendance_preview(*, session: OutreachSession, people: list[Person]) -> ImportPreview:
    """Compare a checked file with the node's participants and the session's list, as
    `services.attendance_import` would (a query per 500 people, and one for the list)."""
    matches = match_participants(session.node, people)
    known = matches.known
    listed = set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
    participants = set(known[p.key].pk for p in people if p.key in known)
    already = len(participants & listed)
    renamed = [
        (p.row, p.full_name, known[p.key].full_name)
        for p in people
        if p.key in known and known[p.key].full_name != p.full_name
    ]
    new_people = sum(1 for p in people if p.key not in known)
    return ImportPreview(
        people=len(people),
        new_people=new_people,
        already_listed=already,
        to_add=new_people + len(participants) - already,
        renamed=renamed,
        matched_by_name=[(p.row, p.full_name, p.identifier) for p in people if p.key in matches.by_name],
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
    def counted(self) -> int:
        """The larger of the two figures: a headcount cannot be told apart from the people on the
        lists (they may be the same people), so adding them could count someone twice."""
        return max(self.listed_people, self.largest_headcount)

    @property
    def reached(self) -> int:
        return min(self.counted, self.total) if self.total else self.counted

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
        return bool(self.total) and self.counted > self.total


def reach(node: OrgNode, start: dt.date, end: dt.date) -> Reach:
    """The node's reach in [start, end], tuyên truyền and training apart; withdrawn sessions do
    not count. Three queries."""
    window = Q(
        session__node=node,
        session__held_on__gte=start,
        session__held_on__lte=end,
        session__withdrawn_at__isnull=True,
    )
    people = (
        Attendance.objects.filter(window)
        .values("session__kind")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    distinct = {row["session__kind"]: row["n"] for row in people}
    sessions = OutreachSession.objects.filter(
        node=node, held_on__gte=start, held_on__lte=end, withdrawn_at__isnull=True
    )
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
    if figures.list_sessions and figures.headcount_sessions:
        text += _(
            "; số lượng không loại trùng được với danh sách (có thể là cùng những người đó), nên chỉ "
            "tính số lớn hơn trong hai số: %(people)s người"
        ) % {"people": figures.counted}
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
    each. Of the sessions with only a headcount, the largest headcount is the most that is surely
    true (a headcount cannot be de-duplicated, across sessions or against the lists: its people
    may be the listed ones). Conservatively, the reach is the larger of the two figures, never
    their sum, capped at the node's people. Withdrawn sessions and training classes (they train
    the force) do not count. Three queries."""
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
