"""Demo data of the outreach app, created through its services: per unit, two tuyên truyền sessions
with attendance lists (some people on both), one session with only a headcount, a training class,
and the festival day 19/8 (held by most units, joined from the commune's by some)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.outreach import services
from antq.outreach.choices import (
    AttendanceMode,
    Audience,
    DeliveryForm,
    Participation,
    SessionKind,
)
from antq.outreach.importing import Person, person_key
from antq.outreach.targets import targets

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Hải", "Thị Lan", "Văn Minh", "Thị Ngọc")


def _people(unit_index: int, first: int, count: int) -> list[Person]:
    out = []
    for i in range(first, first + count):
        name = f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[(i // len(SURNAMES) + i) % len(GIVEN)]}"
        identifier = f"0{52 + unit_index % 40:02d}{i:09d}"
        out.append(
            Person(
                row=i + 2,
                full_name=name,
                identifier=identifier,
                group=f"Tổ {i % 5 + 1}",
                birth_year=1960 + i % 45,
                key=person_key(full_name=name, identifier=identifier, birth_year=None),
            )
        )
    return out


def _day(year: int, month: int, day: int) -> dt.date:
    """A date of the year, never after today (sessions are recorded once held)."""
    return min(dt.date(year, month, day), timezone.localdate())


def seed(units: list[OrgNode], year: int, actor: User) -> None:
    """Outreach records of `year` for each unit (the actor needs ACTIVITY_RECORD on them)."""
    scope = Scope.for_user(actor)
    festival_on = targets().festival_date(year)
    for index, unit in enumerate(units):
        size = max(min(unit.people_count or 60, 200), 10)
        first_list = int(size * 0.6)
        second_list = int(size * 0.5)
        # The two lists together name 95% of the unit's people (up to 200), some on both: the
        # headcount session below adds nobody (a headcount is never added to the lists).
        reached = -(-size * 95 // 100)
        sessions = (
            (_day(year, 3, 10), "Phổ biến Luật Phòng, chống ma túy", first_list, 0),
            (_day(year, 6, 12), "Phòng, chống lừa đảo qua mạng", second_list, reached - second_list),
        )
        for held_on, topic, count, offset in sessions:
            session = services.session_create(
                by=actor,
                scope=scope,
                node=unit,
                data={
                    "kind": SessionKind.PROPAGANDA,
                    "held_on": held_on,
                    "topic": topic,
                    "audiences": [Audience.RESIDENTS]
                    if unit.kind == NodeKind.RESIDENTIAL_AREA
                    else [Audience.OFFICIALS, Audience.WORKERS],
                    "place": f"Hội trường {unit.name}",
                    "delivery": DeliveryForm.CONFERENCE,
                    "attendance_mode": AttendanceMode.LIST,
                },
            )
            # The second list repeats some of the first one's people: they count once.
            services.attendance_import(
                by=actor,
                scope=scope,
                session=session,
                people=_people(index, offset, count),
                file_name="danh-sach-demo.xlsx",
            )
        services.session_create(
            by=actor,
            scope=scope,
            node=unit,
            data={
                "kind": SessionKind.PROPAGANDA,
                "held_on": _day(year, 4, 20),
                "topic": "Tuyên truyền trên loa phát thanh về phòng cháy, chữa cháy",
                "audiences": [Audience.RESIDENTS],
                "place": unit.name,
                "delivery": DeliveryForm.LOUDSPEAKER,
                "attendance_mode": AttendanceMode.HEADCOUNT,
                "headcount": max(size // 4, 1),
            },
        )
        services.session_create(
            by=actor,
            scope=scope,
            node=unit,
            data={
                "kind": SessionKind.TRAINING,
                "held_on": _day(year, 5, 8),
                "topic": "Tập huấn nghiệp vụ bảo vệ cho lực lượng bảo vệ",
                "audiences": [Audience.SECURITY_FORCE, Audience.INITIATIVE_MEMBERS],
                "place": f"Hội trường {unit.name}",
                "delivery": DeliveryForm.CLASS,
                "attendance_mode": AttendanceMode.HEADCOUNT,
                "headcount": 12,
            },
        )
        joined = index % 4 == 3 and unit.parent is not None
        festival = services.festival_create(
            by=actor,
            scope=scope,
            node=unit,
            year=year,
            data={
                "participation": Participation.JOINED if joined else Participation.HOSTED,
                "host": unit.parent if joined else None,
                "planned_on": festival_on,
                "place": f"Sân {unit.parent.name if joined and unit.parent else unit.name}",
                "activities": "Văn nghệ, thi tìm hiểu pháp luật, biểu dương điển hình",
            },
        )
        held_on = dt.date(year, 8, 15)
        if held_on <= timezone.localdate():
            services.festival_mark_held(
                by=actor,
                scope=scope,
                festival=festival,
                data={"held_on": held_on, "attendance": max(size // 2, 1)},
                expected_version=festival.version,
            )
