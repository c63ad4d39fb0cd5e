"""XLSX exports of the cycles list and of the review queue (what waits for the reader's review).

Both keep to the job's node: the cycles of its province (or of the provinces below it), the
files waiting from its subtree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.cycles import access, selectors
from antq.cycles.choices import CycleStatus
from antq.cycles.models import Cycle
from antq.exports.building import concerns_job_node, in_job_node, job_scope, labels_of, stream, yes_no
from antq.exports.models import ExportJob
from antq.exports.registry import DATETIME, Exporter, Progress, Table, register


def job_cycles(job: ExportJob) -> list[Cycle]:
    """The cycles the creator may export that concern the job's node (its province's, or those of
    the provinces below a national node)."""
    return [c for c in access.visible_cycles(job_scope(job)) if concerns_job_node(c.province.path, job)]


def build_cycles(job: ExportJob, progress: Progress) -> Table:
    cycles = job_cycles(job)
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
    """Registrations, then assessments, waiting from the job's subtree in every open cycle."""
    scope = job_scope(job)
    registration, assessment = _("Đăng ký phấn đấu"), _("Tự đánh giá, chấm điểm")
    parts: list[tuple[str, Any, tuple[str, ...]]] = []
    total = 0
    for cycle in job_cycles(job):
        if cycle.status != CycleStatus.OPEN:
            continue
        if scope.can_anywhere(Action.REGISTRATION_REVIEW):
            qs = in_job_node(selectors.registration_queue(scope, cycle), job)
            parts.append((registration, (cycle, qs), (*_NODE, "is_late")))
            total += qs.count()
        if scope.can_anywhere(Action.ASSESSMENT_REVIEW):
            reviews = in_job_node(selectors.review_queue(scope, cycle), job)
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
