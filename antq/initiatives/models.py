"""Mô hình tự phòng, tự quản, tự bảo vệ, tự hòa giải: the catalogue of types and the registry.

An initiative belongs to a unit or a commune (`node`). Its indicators (what is counted: cameras
installed, disputes mediated…) are copied from its type when it is created, so a later change of
the catalogue does not change the meaning of values already recorded; a replica copies them too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.core.models import TimeStampedModel
from antq.initiatives.choices import InitiativeStatus


class InitiativeType(TimeStampedModel):
    """A kind of initiative of the catalogue (seeded from `data/types.yaml`, extended by an admin)."""

    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại mô hình"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    # [{"key": "cameras_installed", "label": "Số camera đã lắp đặt", "unit": "camera"}, …]
    indicators = models.JSONField(_("chỉ số theo dõi"), default=list, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("loại mô hình")
        verbose_name_plural = _("loại mô hình")
        ordering = ["order", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Initiative(TimeStampedModel):
    """One initiative of a unit or a commune."""

    node = models.ForeignKey(
        "org.OrgNode", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="initiatives"
    )
    initiative_type = models.ForeignKey(
        InitiativeType, verbose_name=_("loại mô hình"), on_delete=models.PROTECT, related_name="initiatives"
    )
    name = models.CharField(_("tên mô hình"), max_length=300)
    description = models.TextField(_("mô tả, cách thức hoạt động"), blank=True)
    indicators = models.JSONField(_("chỉ số theo dõi"), default=list, blank=True)
    founding_decision = models.ForeignKey(
        "evidence.EvidenceDocument",
        verbose_name=_("quyết định thành lập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_name = models.CharField(_("họ tên người phụ trách"), max_length=200, blank=True)
    lead_position = models.CharField(_("chức vụ người phụ trách"), max_length=200, blank=True)
    started_on = models.DateField(_("ngày bắt đầu hoạt động"))
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.ACTIVE
    )
    retired_on = models.DateField(_("ngày thanh loại"), null=True, blank=True)
    retirement_reason = models.CharField(_("lý do thanh loại"), max_length=500, blank=True)
    replicated_from = models.ForeignKey(
        "self",
        verbose_name=_("nhân rộng từ mô hình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replicas",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mô hình")
        verbose_name_plural = _("mô hình")
        ordering = ["node__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in InitiativeStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            # A retired initiative always says when and why; an active one has no retirement date.
            models.CheckConstraint(
                condition=Q(status=InitiativeStatus.ACTIVE, retired_on__isnull=True)
                | (Q(status=InitiativeStatus.RETIRED, retired_on__isnull=False) & ~Q(retirement_reason="")),
                name="%(app_label)s_%(class)s_retirement_complete",
            ),
        ]
        indexes = [
            # selectors.effective_initiative_fact: a node's initiatives started before a date.
            models.Index(fields=["node", "started_on"], name="initiatives_node_started"),
        ]

    def __str__(self) -> str:
        return gettext("Mô hình «%(name)s»") % {"name": self.name}

    @property
    def is_retired(self) -> bool:
        return self.status == InitiativeStatus.RETIRED

    def snapshot(self) -> dict[str, Any]:
        """The edited fields, for the audit log's old → new comparison."""
        return {
            "name": self.name,
            "description": self.description,
            "initiative_type": self.initiative_type_id,
            "founding_decision": self.founding_decision_id,
            "lead_name": self.lead_name,
            "lead_position": self.lead_position,
            "started_on": self.started_on.isoformat() if self.started_on else None,
        }


class InitiativeMember(models.Model):
    """A person taking part in the initiative."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("họ tên"), max_length=200)
    role = models.CharField(_("vai trò"), max_length=200, blank=True)
    joined_on = models.DateField(_("ngày tham gia"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên mô hình")
        verbose_name_plural = _("thành viên mô hình")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InitiativeActivity(models.Model):
    """One entry of the activity log (a patrol, a mediation, a meeting…), with optional indicators."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="activities"
    )
    occurred_on = models.DateField(_("ngày hoạt động"))
    content = models.TextField(_("nội dung hoạt động"))
    indicator_values = models.JSONField(_("giá trị chỉ số"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hoạt động của mô hình")
        verbose_name_plural = _("hoạt động của mô hình")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # selectors.effective_initiative_fact and the detail page: an initiative's entries by date.
            models.Index(fields=["initiative", "occurred_on"], name="initiatives_activity_date"),
        ]

    def __str__(self) -> str:
        return gettext("Hoạt động ngày %(date)s") % {"date": f"{self.occurred_on:%d/%m/%Y}"}


class InitiativeEvaluation(TimeStampedModel):
    """The superior's yearly evaluation of an initiative (one per initiative per year)."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("mô hình"), on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    # A level code of `data/ratings.yaml` (checked by the service: the levels are data).
    rating = models.CharField(_("xếp loại"), max_length=20)
    indicator_values = models.JSONField(_("giá trị chỉ số cả năm"), default=dict, blank=True)
    comment = models.TextField(_("nhận xét"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đánh giá"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("đánh giá mô hình")
        verbose_name_plural = _("đánh giá mô hình")
        ordering = ["-year", "id"]
        constraints = [
            # Also the index of selectors.effective_initiative_fact (an initiative's rating of a year).
            models.UniqueConstraint(
                fields=["initiative", "year"], name="%(app_label)s_%(class)s_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Đánh giá năm %(year)s") % {"year": self.year}
