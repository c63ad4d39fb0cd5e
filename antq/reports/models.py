"""Periodic reports of the movement: what each level must report (a definition) and each report.

A definition is national (no node: the defaults of `data/definitions.yaml`, loaded at every
`migrate`) or a province's own (its node). It applies to the whole tree or the province's subtree,
says which levels write it and by when (month-day per level), its narrative sections and which
statistics rows it carries. A report is one node's answer for one year: its statistics snapshot,
the officer's narrative and its status (workflows.REPORT).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.reports.choices import EDITABLE, LEVEL_ORDER, RECEIVED, ReportLevel, ReportStatus, level_of


def month_day(value: str, year: int) -> dt.date:
    """ "10-30" in `year`; 29 February falls back to the 28th in a common year."""
    month, day = (int(part) for part in value.split("-"))
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def day_month(value: str) -> str:
    """ "06-30" as "30/06", the Vietnamese order; anything else unchanged."""
    month, _sep, day = value.partition("-")
    return f"{day}/{month}" if day else value


class ReportDefinition(TimeStampedModel):
    """A periodic report that a subtree must send up: title, period, deadlines, sections, rows."""

    # Blank: a national definition; otherwise the province that defined it.
    node = models.ForeignKey(
        OrgNode,
        verbose_name=_("cấp quy định"),
        on_delete=models.PROTECT,
        related_name="report_definitions",
        null=True,
        blank=True,
    )
    code = models.SlugField(_("mã"), max_length=40)
    title = models.CharField(_("tên báo cáo"), max_length=300)
    # Month-day of the first and last day of the period, within the report's year.
    period_start = models.CharField(_("kỳ báo cáo từ (tháng-ngày)"), max_length=5)
    period_end = models.CharField(_("kỳ báo cáo đến (tháng-ngày)"), max_length=5)
    # {level: "MM-DD"}: the levels that write the report and when it is due to their superior.
    deadlines = models.JSONField(_("hạn gửi theo cấp"), default=dict)
    sections = models.JSONField(_("các phần nội dung"), default=list)
    # Keys of plans/data/metrics.yaml and "units_<kind>" counts, in the order printed.
    statistics = models.JSONField(_("các chỉ số thống kê"), default=list)
    basis = models.TextField(_("căn cứ các mốc thời gian"), blank=True)
    # Dates no text fixes (the law leaves report dates to the provinces): shown as examples.
    illustrative = models.BooleanField(_("mốc thời gian minh họa"), default=False)
    from_file = models.BooleanField(_("nạp từ tệp mặc định"), default=False, editable=False)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("loại báo cáo định kỳ")
        verbose_name_plural = _("loại báo cáo định kỳ")
        ordering = ["node__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["node", "code"], name="reports_reportdefinition_code_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(node__isnull=True), name="reports_reportdefinition_national_code"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def levels(self) -> list[str]:
        """The levels that write it, top-down."""
        return [str(level) for level in LEVEL_ORDER if level in self.deadlines]

    def deadline_labels(self) -> list[tuple[str, str]]:
        """[("Cấp xã", "05/11"), …] top-down, for display."""
        return [(str(ReportLevel(level).label), day_month(self.deadlines[level])) for level in self.levels()]

    def deadline_for(self, level: str | None, year: int) -> dt.date | None:
        due = self.deadlines.get(level or "")
        return month_day(due, year) if due else None

    def period(self, year: int) -> tuple[dt.date, dt.date]:
        return month_day(self.period_start, year), month_day(self.period_end, year)

    def period_text(self, year: int) -> str:
        """ "01/01/2026 – 30/06/2026": the period as people read it (the API keeps ISO)."""
        start, end = self.period(year)
        return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"

    @property
    def period_label(self) -> str:
        """ "01/01 – 30/06": the period of any year, for the list of definitions."""
        return f"{day_month(self.period_start)} – {day_month(self.period_end)}"

    @property
    def is_national(self) -> bool:
        return self.node_id is None

    def applies_to(self, node: OrgNode) -> bool:
        """Whether `node` writes this report: a level that sends it up, or the top of the
        definition's reach (the nation, the province), which writes the summary of its subtree."""
        if self.node is None:
            return node.kind == NodeKind.NATION or level_of(node.kind) in self.deadlines
        if not node.path.startswith(self.node.path):
            return False
        return node.pk == self.node_id or level_of(node.kind) in self.deadlines


class Report(TimeStampedModel):
    """One node's periodic report for one year."""

    definition = models.ForeignKey(
        ReportDefinition, verbose_name=_("loại báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    node = models.ForeignKey(
        OrgNode, verbose_name=_("cấp báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # {row key: [numerator, denominator or null]}: figures of the node's own subtree, or the sum of
    # its children's received reports (statistics.py); refreshed at every save until submitted.
    statistics = models.JSONField(_("số liệu"), default=dict)
    # [[key, label], …]: the rows of the definition when the report was last written, so a
    # definition changed later never changes a report already sent.
    row_keys = models.JSONField(_("các dòng số liệu"), default=list)
    # {row key: [names of the children whose report lacks the row]}: that row's sum is incomplete.
    lacking = models.JSONField(_("số liệu còn thiếu"), default=dict, blank=True)
    # The deadline of the report's level when it was written (fixed at the first submission):
    # on time or late is judged against it, whatever the definition says later.
    due_on = models.DateField(_("hạn gửi"), null=True, blank=True)
    computed_at = models.DateTimeField(_("số liệu tính lúc"), null=True, blank=True)
    # For a report summing its children: how many were expected and how many had reported.
    children_expected = models.PositiveIntegerField(_("số cấp dưới phải báo cáo"), null=True, blank=True)
    children_reported = models.PositiveIntegerField(_("số cấp dưới đã báo cáo"), null=True, blank=True)
    # [{"heading": …, "text": …}] in the definition's order at creation.
    narratives = models.JSONField(_("nội dung"), default=list)
    # The first submission decides whether it was on time: a return for corrections does not make
    # a report late; `last_submitted_at` is the latest one.
    submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("gửi lần cuối lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("tiếp nhận / trả lại lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-year", "definition_id", "node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "year", "node"], name="reports_report_once_per_node"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="reports_report_sent_has_time",
            ),
        ]
        indexes = [
            # selectors.board: the reports of a definition and year under a node, by status.
            models.Index(fields=["definition", "year", "status"], name="reports_report_board"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.title} {self.year} · {self.node.name}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_received(self) -> bool:
        return self.status in RECEIVED

    @property
    def level(self) -> str | None:
        return level_of(self.node.kind)

    @property
    def deadline(self) -> dt.date | None:
        if self.due_on is not None:
            return self.due_on
        return self.definition.deadline_for(self.level, self.year)

    @property
    def is_late(self) -> bool:
        """Sent after the deadline (judged by the first submission), or not sent and overdue."""
        due = self.deadline
        if due is None:
            return False
        if self.submitted_at is None:
            return timezone.localdate() > due
        return timezone.localtime(self.submitted_at).date() > due

    @property
    def period_text(self) -> str:
        return self.definition.period_text(self.year)

    def statistic_rows(self) -> list[Any]:
        """The printed table (statistics.Row), in the snapshotted order and wording."""
        from antq.reports.statistics import rows

        return rows(self.statistics, self.row_keys or self.definition.statistics, self.lacking)

    def narrative_items(self) -> list[dict[str, Any]]:
        return [item for item in self.narratives if isinstance(item, dict)]
