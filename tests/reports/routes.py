"""Access-matrix expectations of the reports app's routes (see tests/test_access_matrix.py).

Object routes build a report of the case's unit (`where`) on the national 6-month definition: a
unit's report is read by whoever sees the unit, written by whoever holds REPORT_WRITE there (the
unit officer, the administrator) and reviewed by whoever holds REPORT_REVIEW there (the commune
police, the administrator). A province's own definition is changed with REPORT_DEFINE on it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from antq.reports.choices import ReportStatus
from antq.reports.models import Report, ReportDefinition
from tests.matrix import Route

WHERE = ("unit", "sibling_unit", "other_unit")


def _six_month() -> ReportDefinition:
    return ReportDefinition.objects.get(node__isnull=True, code="so-ket-6-thang")


def _report(personas: dict[str, Any], tree: Any, where: str, status: str = ReportStatus.DRAFT) -> Report:
    """A report of the case's unit, every section written (directly: a fixture, not a use case)."""
    definition = _six_month()
    sent = timezone.now() if status != ReportStatus.DRAFT else None
    return Report.objects.create(
        definition=definition,
        year=timezone.localdate().year,
        node=getattr(tree, where),
        status=status,
        narratives=[{"heading": h, "text": "Nội dung."} for h in definition.sections],
        submitted_at=sent,
        last_submitted_at=sent,
        created_by=personas["admin"],
    )


def _draft(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _report(personas, tree, where).pk}


def _submitted(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"pk": _report(personas, tree, where, ReportStatus.SUBMITTED).pk}


def _open(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    node = getattr(tree, where)
    return {"definition": _six_month().pk, "year": timezone.localdate().year, "pk": node.pk}


def _definition(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    definition = ReportDefinition.objects.create(
        node=getattr(tree, where),
        code="bao-cao-quy",
        title="Báo cáo quý",
        period_start="01-01",
        period_end="03-31",
        deadlines={"commune": "04-05"},
        sections=["Kết quả"],
        statistics=["registered"],
    )
    return {"pk": definition.pk}


VERSION = {"version": 1, "expected_version": 1}
RETURN = {**VERSION, "reason": "Thiếu số liệu"}


def _texts(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    """One text per section of the definition, and the version read."""
    return {"texts": ["Nội dung mới."] * len(_six_month().sections), "expected_version": 1}


ROUTES: dict[str, Route] = {
    "reports:list": Route("view"),
    "reports:board": Route("view"),
    "reports:board_xlsx": Route("export"),
    "reports:open": Route("report_write", target=_open, where=WHERE),
    "reports:detail": Route("view", target=_draft, where=WHERE),
    "reports:edit": Route("report_write", target=_draft, where=WHERE),
    "reports:submit": Route(
        "report_write", target=_draft, where=WHERE, method="post", data=VERSION, ok=(302,)
    ),
    "reports:accept": Route(
        "report_review", target=_submitted, where=WHERE, method="post", data=VERSION, ok=(302,)
    ),
    "reports:return": Route(
        "report_review", target=_submitted, where=WHERE, method="post", data=RETURN, ok=(302,)
    ),
    "reports:docx": Route("view", target=_draft, where=WHERE),
    "reports:pdf": Route("view", target=_draft, where=WHERE),
    "reports:definitions": Route("view"),
    "reports:definition_create": Route("report_define"),
    "reports:definition_edit": Route(
        "report_define", target=_definition, where=("province", "other_province")
    ),
    "api:report-list": Route("view", api=True),
    # No body: whoever may write a report somewhere gets the field errors, the others 403.
    "api:report-list POST": Route("report_write", method="post", ok=(400,), api=True),
    "api:report-detail PATCH": Route(
        "report_write", target=_draft, where=WHERE, method="patch", data=_texts, api=True
    ),
    "api:report-detail": Route("view", target=_draft, where=WHERE, api=True),
    "api:report-submit": Route(
        "report_write", target=_draft, where=WHERE, method="post", data=VERSION, api=True
    ),
    "api:report-accept": Route(
        "report_review", target=_submitted, where=WHERE, method="post", data=VERSION, api=True
    ),
    "api:report-return": Route(
        "report_review", target=_submitted, where=WHERE, method="post", data=RETURN, api=True
    ),
    "api:report-board": Route("view", api=True),
}
