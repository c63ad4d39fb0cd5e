"""The login record: every sign-in, sign-out and failure, read from django-axes' own logs.

Axes already writes one `AccessLog` per successful sign-in (its `logout_time` filled at sign-out)
and, with AXES_ENABLE_ACCESS_FAILURE_LOG, one `AccessFailureLog` per failure (wrong password, wrong
two-factor code, attempts while locked). This module turns them into one timeline; it adds no table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from heapq import merge

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ANTQ_TRUSTED_PROXIES proxies the entry our
    nearest proxy appended to X-Forwarded-For (entries to its left may be forged by the client)."""
    proxies = int(getattr(settings, "ANTQ_TRUSTED_PROXIES", 0))
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


@dataclass(frozen=True)
class LoginEvent:
    at: dt.datetime
    kind: str  # "login", "logout" or "failure"
    username: str
    ip_address: str
    user_agent: str

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self.kind])


EVENT_LABELS = {
    "login": _("Đăng nhập"),
    "logout": _("Đăng xuất"),
    "failure": _("Đăng nhập không thành công"),
}


def login_events(username: str, *, limit: int = 50) -> list[LoginEvent]:
    """The latest `limit` events of an account, newest first (three indexed queries on username)."""
    logins = AccessLog.objects.filter(username=username).order_by("-attempt_time")[:limit]
    logouts = AccessLog.objects.filter(username=username, logout_time__isnull=False).order_by("-logout_time")[
        :limit
    ]
    failures = AccessFailureLog.objects.filter(username=username).order_by("-attempt_time")[:limit]

    def event(kind: str, at: dt.datetime, row: AccessLog | AccessFailureLog) -> LoginEvent:
        return LoginEvent(at, kind, row.username or "", row.ip_address or "", row.user_agent)

    streams = [
        [event("login", row.attempt_time, row) for row in logins],
        [event("logout", row.logout_time, row) for row in logouts if row.logout_time],
        [event("failure", row.attempt_time, row) for row in failures],
    ]
    return list(merge(*streams, key=lambda e: e.at, reverse=True))[:limit]
