"""Demo data of the coordination app, created through its services: per agency, enterprise or
school, a quy chế phối hợp with the commune police signed in February (every third one a kế hoạch
of the year), its execution log, a sơ kết and a tổng kết, and the unit's part in local campaigns.
Every fifth unit carries its agreement out only once, so the demo also shows item 4b not met.
Events dated after today are not recorded (a record says what has happened)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.coordination import services
from antq.coordination.choices import AgreementKind, MeetingKind
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

EXECUTIONS = (
    (3, 15, "Phối hợp tuần tra, kiểm soát khu vực cổng và bãi xe", "Không phát sinh vụ việc"),
    (6, 20, "Trao đổi thông tin về tình hình an ninh, trật tự quý II", "Nắm 2 tin, đã chuyển Công an xử lý"),
    (9, 10, "Phối hợp tuyên truyền phòng, chống lừa đảo qua mạng", "120 lượt người dự"),
    (11, 5, "Diễn tập phương án phòng cháy, chữa cháy", "Hoàn thành, rút kinh nghiệm 3 nội dung"),
)
MEETINGS = (
    (
        7,
        8,
        MeetingKind.INTERIM,
        "Sơ kết 6 tháng: thực hiện đủ nội dung phối hợp; cần tăng trao đổi thông tin",
    ),
    (12, 12, MeetingKind.FINAL, "Tổng kết năm: hoàn thành quy chế; thống nhất nội dung phối hợp năm sau"),
)
CAMPAIGNS = (
    (8, 19, "Ngày hội toàn dân bảo vệ an ninh Tổ quốc", "Cử 15 người tham gia, biểu diễn văn nghệ"),
    (4, 25, "Toàn dân tham gia phòng cháy, chữa cháy", "Tổ chức tổng vệ sinh, kiểm tra thiết bị PCCC"),
)


def _past(year: int, month: int, day: int) -> dt.date | None:
    """The date in `year`, or None when it is still to come."""
    day_of = dt.date(year, month, day)
    return day_of if day_of <= timezone.localdate() else None


def _lower_first(name: str) -> str:
    """ "Phường Quy Nhơn" → "phường Quy Nhơn", as written after "Công an", "UBND"."""
    return name[:1].lower() + name[1:]


def seed(units: list[OrgNode], year: int, actor: User) -> None:
    """Coordination records of `year` for the agencies, enterprises and schools among `units` (other
    kinds are skipped); the actor needs ACTIVITY_RECORD on them."""
    scope = Scope.for_user(actor)
    for index, unit in enumerate(
        u for u in units if u.kind in services.COORDINATION_KINDS - {NodeKind.COMMUNE}
    ):
        signed = _past(year, 2, 10)
        if signed is None:
            continue
        police = f"Công an {_lower_first(unit.parent.name)}" if unit.parent is not None else "Công an xã"
        plan = index % 3 == 2
        agreement = services.agreement_create(
            by=actor,
            scope=scope,
            node=unit,
            data={
                "kind": AgreementKind.PLAN if plan else AgreementKind.REGULATION,
                "number_symbol": f"{index + 1:02d}/{'KH' if plan else 'QC'}-PH",
                "title": "Phối hợp bảo đảm an ninh, trật tự và xây dựng phong trào toàn dân bảo vệ ANTQ",
                "signed_on": signed,
                "police_party": police,
                "other_parties": "Ban Chỉ huy Quân sự\nCông đoàn cơ sở" if index % 2 == 0 else "",
                "term_start": signed,
                "term_end": dt.date(year, 12, 31) if plan else None,
            },
        )
        executions = EXECUTIONS[:1] if index % 5 == 4 else EXECUTIONS
        for month, day, content, result in executions:
            when = _past(year, month, day)
            if when is not None:
                services.execution_add(
                    by=actor,
                    scope=scope,
                    agreement=agreement,
                    data={"occurred_on": when, "content": content, "result": result},
                )
        for month, day, kind, summary in MEETINGS:
            when = _past(year, month, day)
            if when is not None:
                services.meeting_add(
                    by=actor,
                    scope=scope,
                    agreement=agreement,
                    data={"held_on": when, "kind": kind, "summary": summary},
                )
        for month, day, campaign, contribution in CAMPAIGNS[: 1 + index % 2]:
            when = _past(year, month, day)
            if when is not None:
                services.campaign_create(
                    by=actor,
                    scope=scope,
                    node=unit,
                    data={
                        "campaign": campaign,
                        "organizer": f"UBND {_lower_first(unit.parent.name)}"
                        if unit.parent is not None
                        else "UBND xã",
                        "took_part_on": when,
                        "contribution": contribution,
                    },
                )
