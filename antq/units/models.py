"""Background import jobs for the unit registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from antq.org.models import OrgNode


class ImportJob(models.Model):
    """One uploaded file: validated in the background, then applied all-or-nothing once confirmed."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Đang kiểm tra")
        INVALID = "invalid", _("Có lỗi, không nhập")
        READY = "ready", _("Sẵn sàng nhập")
        APPLYING = "applying", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Thất bại")
        CANCELLED = "cancelled", _("Đã huỷ")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The node the user imported into; every row must fall inside the user's scope anyway.
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    original_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # [{"row": 12, "column": "Mã", "message": "..."}], capped: a user fixes the first few hundred.
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_key(self) -> str:
        return f"import-progress:{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.APPLYING}
