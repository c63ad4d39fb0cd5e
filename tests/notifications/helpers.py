"""Shared builders for the notifications tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from antq.notifications.models import Notification, NotificationKind
from antq.org.models import OrgNode

PERSONAS = [
    "admin",
    "province_officer",
    "province_leader",
    "inspector",
    "commune_police",
    "commune_leader",
    "unit_officer",
]


@dataclass(frozen=True)
class Obligation:
    """The shape of `antq.cycles.calendar.Obligation`, built by hand so these tests stand alone."""

    node_id: int
    node_path: str
    node_name: str
    deadline_code: str
    label: str
    due: dt.date
    action: str
    remind_days: tuple[int, ...]
    url: str


def obligation(
    node: OrgNode,
    *,
    due: dt.date,
    action: str = "register",
    code: str = "registration",
    remind_days: tuple[int, ...] = (14, 3),
    label: str = "Đăng ký phấn đấu đạt tiêu chuẩn ATANTT năm 2026",
) -> Obligation:
    return Obligation(
        node_id=node.pk,
        node_path=node.path,
        node_name=node.name,
        deadline_code=code,
        label=label,
        due=due,
        action=action,
        remind_days=remind_days,
        url=f"/cycles/registration/{node.pk}/",
    )


def note(user: User, title: str = "Đơn vị đã nộp đăng ký", **fields: object) -> Notification:
    """A notification created directly (no e-mail): fixtures, not a use case."""
    return Notification.objects.create(
        user=user,
        kind=fields.pop("kind", NotificationKind.SUBMITTED),
        title=title,
        body=fields.pop("body", "Tổ dân phố 1 đã nộp đăng ký phấn đấu."),
        url=fields.pop("url", "/units/"),
        **fields,
    )
