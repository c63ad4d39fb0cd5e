"""XLSX exports of the cycles list and of the review queue (what waits for the reader's review)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.cycles import access, selectors
from antq.cycles.choices import CycleStatus
from antq.exports.building import job_scope, labels_of, stream, yes_no
from antq.exports.models import ExportJob
from antq.exports.registry import DATETIME, Exporter, Progress, Table, register


def build_cycles(job: ExportJob, progress: Progress) -> Table:
    cycles = access.visible_cycles(job_scope(job))
    statuses = labels_of(CycleStatus)
    rows = [
        [c.year, c.province.code, c.province.name, statuses.get(c.status, c.status), c.created_at]
        for c in cycles
    ]
    return Table(
        title=_("Kỳ đánh giá"),
        headers=[_("Năm"), _("Mã tỉnh"), _("Tỉnh, thành phố"), _("Trạng thái"), _("Mở lúc")],
        rows=rows,
        formats={0: "0", 4: DATETIME},
        total=len(rows),
    )


_NODE = ("node__code", "node__name", "node__parent__name", "submitted_at")


def _queue_rows(job: ExportJob) -> tuple[Iterator[list[Any]], int]:
    """Registrations, then assessments, waiting in every open cycle the reader sees."""
    scope = job_scope(job)
    registration, assessment = _("Đăng ký phấn đấu"), _("Tự đánh giá, chấm điểm")
    parts: list[tuple[str, Any, tuple[str, ...]]] = []
    total = 0
    for cycle in access.visible_cycles(scope):
        if cycle.status != CycleStatus.OPEN:
            continue
        if scope.can_anywhere(Action.REGISTRATION_REVIEW):
            qs = selectors.registration_queue(scope, cycle)
            parts.append((registration, (cycle, qs), (*_NODE, "is_late")))
            total += qs.count()
        if scope.can_anywhere(Action.ASSESSMENT_REVIEW):
            reviews = selectors.review_queue(scope, cycle)
            parts.append((assessment, (cycle, reviews), (*_NODE, "round")))
            total += reviews.count()

    def rows() -> Iterator[list[Any]]:
        for label, (cycle, qs), fields in parts:
            for values in stream(qs, fields):
                code, name, parent, submitted, extra = values
                late = yes_no(extra) if fields[-1] == "is_late" else ""
                round_ = extra if fields[-1] == "round" else None
                yield [label, cycle.year, cycle.province.name, code, name, parent, submitted, round_, late]

    return rows(), total


def build_queue(job: ExportJob, progress: Progress) -> Table:
    rows, total = _queue_rows(job)
    return Table(
        title=_("Chờ xử lý"),
        headers=[
            _("Hồ sơ"),
            _("Năm"),
            _("Tỉnh"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trực thuộc"),
            _("Gửi lúc"),
            _("Lần gửi"),
            _("Đăng ký muộn"),
        ],
        rows=rows,
        formats={1: "0", 6: DATETIME, 7: "0"},
        total=total,
    )


register(Exporter(kind="cycles", label=gettext_lazy("Kỳ đánh giá"), action=Action.EXPORT, build=build_cycles))
register(
    Exporter(
        kind="review_queue", label=gettext_lazy("Hồ sơ chờ xử lý"), action=Action.EXPORT, build=build_queue
    )
)
