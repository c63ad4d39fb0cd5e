"""Fixtures of the reports app: the national 6-month definition (loaded at migrate), and helpers
that start, write and submit reports through the services (as a user would)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.org.models import OrgNode
from antq.reports import services
from antq.reports.models import Report, ReportDefinition

YEAR = timezone.localdate().year


@pytest.fixture
def six_month(db: None) -> ReportDefinition:
    return ReportDefinition.objects.get(node__isnull=True, code="so-ket-6-thang")


@pytest.fixture
def annual(db: None) -> ReportDefinition:
    return ReportDefinition.objects.get(node__isnull=True, code="tong-ket-nam")


def start(user: User, node: OrgNode, definition: ReportDefinition, year: int = YEAR) -> Report:
    return services.report_start(
        by=user, scope=Scope.for_user(user), definition=definition, year=year, node=node
    )


def write(user: User, report: Report, text: str = "Nội dung") -> Report:
    report.refresh_from_db()
    texts = [f"{text} {i + 1}." for i in range(len(report.narrative_items()))]
    return services.report_update(
        by=user, scope=Scope.for_user(user), report=report, texts=texts, expected_version=report.version
    )


def submit(user: User, report: Report) -> Report:
    report.refresh_from_db()
    return services.report_submit(
        by=user, scope=Scope.for_user(user), report=report, expected_version=report.version
    )


def send(user: User, node: OrgNode, definition: ReportDefinition, year: int = YEAR) -> Report:
    """Start, write and submit `node`'s report."""
    return submit(user, write(user, start(user, node, definition, year)))


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run as if the clock showed `moment` (the services stamp submissions with timezone.now)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())
