"""Inspections of the movement: a superior inspects a unit or a commune (team, checklist of TT 124
criteria, findings with an owner and a due date, follow-up until closed), and a province's yearly
target of inspections.

The checklist copies each criterion's id and text from the TT 124 version in force on the day of the
inspection: a later framework version never rewrites what was checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.inspections.choices import CheckResult, FindingStatus, InspectionStatus
from antq.org.models import OrgNode


class Inspection(TimeStampedModel):
    """One inspection of a unit or a commune by the level above."""

    node = models.ForeignKey(
        OrgNode, verbose_name=_("đơn vị được kiểm tra"), on_delete=models.PROTECT, related_name="inspections"
    )
    # The commune the inspected node belonged to when the inspection was created (the node itself for
    # a commune): the per-commune breakdown of a province's count is one grouped query on it.
    commune = models.ForeignKey(
        OrgNode, verbose_name=_("xã"), on_delete=models.PROTECT, related_name="inspections_in_commune"
    )
    inspector_node = models.ForeignKey(
        OrgNode, verbose_name=_("cấp kiểm tra"), on_delete=models.PROTECT, related_name="inspections_made"
    )
    inspected_on = models.DateField(_("ngày kiểm tra"))
    basis = models.TextField(_("căn cứ kiểm tra"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    conclusion = models.TextField(_("kết luận"), blank=True)
    # The TT 124 version the checklist was built from (e.g. "2021.1").
    framework_version = models.CharField(_("phiên bản bộ tiêu chí"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in InspectionStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            # selectors.inspection_list: newest first within a scope, keyset pages on (date, id).
            models.Index(fields=["-inspected_on", "-id"], name="inspections_recent"),
            # selectors.target_progress: a commune's inspections of a year (grouped per commune).
            models.Index(fields=["commune", "inspected_on"], name="inspections_commune_date"),
        ]

    def __str__(self) -> str:
        return gettext("Kiểm tra %(node)s ngày %(date)s") % {
            "node": self.node.name if self.node_id else "",
            "date": f"{self.inspected_on:%d/%m/%Y}" if self.inspected_on else "",
        }

    def snapshot(self) -> dict[str, Any]:
        """The editable facts, for the audit log's old → new comparison."""
        return {
            "inspected_on": self.inspected_on.isoformat() if self.inspected_on else None,
            "basis": self.basis,
            "team": [f"{m.name} — {m.position}" for m in self.members.all()] if self.pk else [],
        }


class InspectionMember(models.Model):
    """One member of the inspection team: name and position, in the order typed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ"), max_length=200)

    class Meta:
        verbose_name = _("thành viên đoàn kiểm tra")
        verbose_name_plural = _("thành viên đoàn kiểm tra")
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "order"], name="%(app_label)s_%(class)s_unique_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.position}"


class InspectionCheck(models.Model):
    """One TT 124 criterion of the checklist, with the id and text copied when the inspection was
    created, and what the team found."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    criterion_id = models.CharField(_("mã tiêu chí"), max_length=60)
    label = models.TextField(_("nội dung tiêu chí"))
    result = models.CharField(
        _("kết quả"), max_length=20, choices=CheckResult.choices, default=CheckResult.NOT_CHECKED
    )
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("tiêu chí kiểm tra")
        verbose_name_plural = _("danh mục tiêu chí kiểm tra")
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "criterion_id"], name="%(app_label)s_%(class)s_unique_criterion"
            ),
            models.CheckConstraint(
                condition=Q(result__in=[r.value for r in CheckResult]),
                name="%(app_label)s_%(class)s_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.get_result_display()}"


class Finding(TimeStampedModel):
    """Something the inspection found to fix: who must fix it, by when; open until closed with a note."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    description = models.TextField(_("nội dung tồn tại, hạn chế"))
    # Optional: a criterion id of the inspection's checklist.
    criterion_id = models.CharField(_("tiêu chí liên quan"), max_length=60, blank=True)
    owner = models.CharField(_("người, bộ phận chịu trách nhiệm khắc phục"), max_length=300)
    due_on = models.DateField(_("hạn khắc phục"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closing_note = models.TextField(_("kết quả khắc phục"), blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kiến nghị khắc phục")
        verbose_name_plural = _("kiến nghị khắc phục")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in FindingStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            # selectors.open_findings: open findings by due date (overdue first).
            models.Index(fields=["due_on"], condition=Q(status="open"), name="inspections_finding_open_due"),
        ]

    def __str__(self) -> str:
        return gettext("Kiến nghị: %(text)s") % {"text": self.description[:80]}

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == FindingStatus.OPEN and self.due_on < today

    def snapshot(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "criterion_id": self.criterion_id,
            "owner": self.owner,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "status": self.status,
        }


class FindingUpdate(models.Model):
    """One entry of a finding's follow-up log (what was done, what remains). Only ever inserted."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("nội dung theo dõi"))

    class Meta:
        verbose_name = _("theo dõi khắc phục")
        verbose_name_plural = _("theo dõi khắc phục")
        ordering = ["finding", "at", "id"]

    def __str__(self) -> str:
        return gettext("Theo dõi: %(text)s") % {"text": self.note[:80]}


class InspectionTarget(TimeStampedModel):
    """How many inspections a province plans for a year (set by whoever manages its plan)."""

    province = models.ForeignKey(
        OrgNode, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="inspection_targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    count = models.PositiveIntegerField(_("số cuộc kiểm tra theo chỉ tiêu"))
    basis = models.TextField(_("căn cứ giao chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu kiểm tra")
        verbose_name_plural = _("chỉ tiêu kiểm tra")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="%(app_label)s_%(class)s_one_per_year"),
        ]

    def __str__(self) -> str:
        return gettext("Chỉ tiêu kiểm tra năm %(year)s: %(count)s cuộc") % {
            "year": self.year,
            "count": self.count,
        }

    def snapshot(self) -> dict[str, Any]:
        return {"count": self.count, "basis": self.basis}
