"""Closed vocabularies of the plans app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.org.choices import NodeKind


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    CANCELLED = "cancelled", _("Đã hủy")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class TargetMeasure(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ (%)")
    COUNT = "count", _("Số lượng")


class Comparison(models.TextChoices):
    """How the actual value must compare to the target: "từ 70% trở lên" (≥) or "trên 80%" (>)."""

    AT_LEAST = "at_least", _("Từ … trở lên (≥)")
    ABOVE = "above", _("Trên (>)")


class UnitType(models.TextChoices):
    """The kinds of unit a target counts (the abbreviations of TT 124 and the seeds)."""

    KDC = "KDC", _("Khu dân cư")
    XA = "XA", _("Xã, phường, đặc khu")
    CQ = "CQ", _("Cơ quan")
    DN = "DN", _("Doanh nghiệp")
    CSGD = "CSGD", _("Cơ sở giáo dục")


class PlanLevel(models.TextChoices):
    """The list's level filter: the kind of node that issues the plan, units grouped."""

    NATION = "nation", _("Toàn quốc")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    UNIT = "unit", _("Đơn vị cơ sở")


UNIT_TYPE_OF_KIND = {
    NodeKind.RESIDENTIAL_AREA: UnitType.KDC,
    NodeKind.COMMUNE: UnitType.XA,
    NodeKind.AGENCY: UnitType.CQ,
    NodeKind.ENTERPRISE: UnitType.DN,
    NodeKind.SCHOOL: UnitType.CSGD,
}
