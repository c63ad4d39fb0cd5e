"""The audit log: who changed what, when, from what to what, and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DEACTIVATE = "deactivate", _("Ngừng hoạt động")
    REACTIVATE = "reactivate", _("Hoạt động lại")
    IMPORT = "import", _("Nhập từ tệp")
    TRANSITION = "transition", _("Chuyển trạng thái")
    CORRECT = "correct", _("Đính chính")
    DOWNLOAD = "download", _("Tải xuống")


class AuditEvent(models.Model):
    """One recorded change. Rows are only ever inserted."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    # Path of the node the object belongs to, so the log is scoped like everything else.
    node_path = models.CharField(max_length=120)
    changes = models.JSONField(_("thay đổi"), default=dict)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            # Audit list within a scope, newest first.
            models.Index(fields=["node_path", "-at"], name="audit_event_scope_recent"),
            # History panel of one object.
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
