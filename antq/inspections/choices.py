"""Closed vocabularies of the inspections app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionStatus(models.TextChoices):
    """Where an inspection stands: planned → in progress → concluded → closed (workflows.INSPECTION)."""

    PLANNED = "planned", _("Dự kiến")
    IN_PROGRESS = "in_progress", _("Đang kiểm tra")
    CONCLUDED = "concluded", _("Đã kết luận")
    CLOSED = "closed", _("Đã kết thúc")


# An inspection counts against the province's target once it has a conclusion.
DONE_STATUSES: frozenset[str] = frozenset({InspectionStatus.CONCLUDED, InspectionStatus.CLOSED})
# The date, team and basis may change until the inspection starts or while it runs.
EDITABLE_STATUSES: frozenset[str] = frozenset({InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS})
# Findings are recorded during the inspection and in its conclusion.
FINDING_STATUSES: frozenset[str] = frozenset({InspectionStatus.IN_PROGRESS, InspectionStatus.CONCLUDED})


class CheckResult(models.TextChoices):
    """The result of one criterion of the checklist."""

    NOT_CHECKED = "not_checked", _("Chưa kiểm tra")
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Chưa đạt")


class FindingStatus(models.TextChoices):
    """A finding stays open until the inspector closes it with a note (workflows.FINDING)."""

    OPEN = "open", _("Đang khắc phục")
    CLOSED = "closed", _("Đã khắc phục")
