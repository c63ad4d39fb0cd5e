"""Closed vocabularies of the coordination app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    REGULATION = "regulation", _("Quy chế phối hợp")
    PLAN = "plan", _("Kế hoạch phối hợp")


class AgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", _("Đang hiệu lực")
    ENDED = "ended", _("Đã chấm dứt")


class MeetingKind(models.TextChoices):
    PERIODIC = "periodic", _("Họp định kỳ")
    INTERIM = "interim", _("Sơ kết")
    FINAL = "final", _("Tổng kết")
