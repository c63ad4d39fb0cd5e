"""Statuses of the annual cycle's records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Đang diễn ra")
    CLOSED = "closed", _("Đã kết thúc")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ tiếp nhận")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi, chờ cấp trên chấm")
    RETURNED = "returned", _("Bị trả lại để bổ sung")
    APPROVED = "approved", _("Cấp trên đã duyệt")


class DeadlineCode(models.TextChoices):
    REGISTRATION = "registration", _("Đăng ký")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    RECOGNITION = "recognition", _("Công nhận")
    CLASSIFICATION = "classification", _("Phân loại")
