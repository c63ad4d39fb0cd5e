"""Background export jobs: one requested file, built by the task worker, kept for a while."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antq.org.models import OrgNode


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang xuất")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Thất bại")
    EXPIRED = "expired", _("Đã hết hạn")


class ExportJob(models.Model):
    """One export of a list, private to its creator; the file is removed after the retention time."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The node the list was exported for: the exporter's action is checked here at start and download.
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại dữ liệu"), max_length=60)
    label = models.CharField(_("tên danh sách"), max_length=200)
    # The list page's filters, as submitted (text values).
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=200, blank=True)
    # Name in the default storage (under "exports/"); empty until done and again once purged.
    stored_file = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        verbose_name = _("tệp xuất")
        verbose_name_plural = _("tệp đã xuất")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "Tệp đã xuất": a user's own jobs, newest first.
            models.Index(fields=["created_by", "-created_at"], name="exports_job_user_recent"),
            # purge_exports: finished jobs past their expiry.
            models.Index(fields=["status", "expires_at"], name="exports_job_expiry"),
        ]

    def __str__(self) -> str:
        # Read in the audit log beside other objects: says what it is, not only which list.
        return gettext("Tệp xuất #%(pk)s: %(label)s") % {"pk": self.pk, "label": self.label}

    @property
    def is_running(self) -> bool:
        return self.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, self.done * 100 // self.total))
