"""Access-matrix expectations of the outreach app's routes (see tests/test_access_matrix.py).

Object routes build a session or a festival day on the case's node (`where`): visibility is that
node's, and recording needs `activity_record` there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from antq.outreach.choices import AttendanceMode, SessionKind
from antq.outreach.models import FestivalDay, OutreachSession
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")


def _session(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    """A session recorded (directly: a fixture, not a use case) on the case's unit."""
    session = OutreachSession.objects.create(
        node=getattr(tree, where),
        kind=SessionKind.PROPAGANDA,
        held_on=dt.date(2025, 3, 10),
        topic="Phòng, chống lừa đảo qua mạng",
        audiences=["residents"],
        place="Nhà văn hóa",
        attendance_mode=AttendanceMode.HEADCOUNT,
        headcount=40,
        recorded_by=personas["admin"],
    )
    return {"pk": session.pk}


def _festival(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    festival = FestivalDay.objects.create(
        node=getattr(tree, where), year=2025, planned_on=dt.date(2025, 8, 19), recorded_by=personas["admin"]
    )
    return {"pk": festival.pk}


def _reach(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"node_pk": getattr(tree, where).pk, "year": 2025}


HELD = {"held_on": "2025-08-15", "attendance": 120, "version": 1}

ROUTES: dict[str, Route] = {
    "outreach:list": Route("view"),
    "outreach:create": Route("activity_record"),
    "outreach:detail": Route("view", target=_session, where=WHERE),
    "outreach:edit": Route("activity_record", target=_session, where=WHERE),
    "outreach:import": Route("activity_record", target=_session, where=WHERE),
    # Without a checked upload awaiting confirmation, the confirm step sends back to the import page.
    "outreach:import_confirm": Route(
        "activity_record", target=_session, where=WHERE, method="post", data={"token": "x"}, ok=(302,)
    ),
    # Without a checked upload of that token, cancelling just goes back to the session.
    "outreach:import_cancel": Route(
        "activity_record", target=_session, where=WHERE, method="post", data={"token": "x"}, ok=(302,)
    ),
    # Withdrawing redirects to the session's page (done, or the reason is missing).
    "outreach:withdraw": Route(
        "activity_record",
        target=_session,
        where=WHERE,
        method="post",
        data={"reason": "Ghi nhầm", "version": 1},
        ok=(302,),
    ),
    "outreach:import_template": Route("activity_record"),
    "outreach:reach": Route("view", target=_reach, where=WHERE),
    "outreach:festival_list": Route("view"),
    "outreach:festival_create": Route("activity_record"),
    "outreach:festival_detail": Route("view", target=_festival, where=WHERE),
    "outreach:festival_edit": Route("activity_record", target=_festival, where=WHERE),
    "outreach:festival_held": Route("activity_record", target=_festival, where=WHERE),
    "api:outreach-session-list": Route("view", api=True),
    # No body: whoever may record somewhere gets the field errors, the others 403.
    "api:outreach-session-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:outreach-session-detail PATCH": Route(
        "activity_record", target=_session, where=WHERE, method="patch", data={"version": 1}, api=True
    ),
    "api:outreach-session-detail": Route("view", target=_session, where=WHERE, api=True),
    "api:outreach-session-attendees": Route("view", target=_session, where=WHERE, api=True),
    # An empty body: the file is missing (400) once scope and action allow.
    "api:outreach-session-attendance-import": Route(
        "activity_record", target=_session, where=WHERE, method="post", ok=(400,), api=True
    ),
    "api:festival-day-list": Route("view", api=True),
    "api:festival-day-list POST": Route("activity_record", method="post", ok=(400,), api=True),
    "api:festival-day-detail PATCH": Route(
        "activity_record", target=_festival, where=WHERE, method="patch", data={"version": 1}, api=True
    ),
    "api:festival-day-detail": Route("view", target=_festival, where=WHERE, api=True),
    "api:festival-day-held": Route(
        "activity_record", target=_festival, where=WHERE, method="post", data=HELD, api=True
    ),
}
