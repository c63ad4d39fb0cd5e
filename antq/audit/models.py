"""The audit log: who changed what, when, from what to what, and why."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.core.errors import DomainError


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DEACTIVATE = "deactivate", _("Ngừng hoạt động")
    REACTIVATE = "reactivate", _("Hoạt động lại")
    IMPORT = "import", _("Nhập từ tệp")
    TRANSITION = "transition", _("Chuyển trạng thái")
    CORRECT = "correct", _("Đính chính")
    DOWNLOAD = "download", _("Tải xuống")


class AppendOnlyError(DomainError):
    """An attempt to change or remove an audit event."""


def _refuse() -> NoReturn:
    raise AppendOnlyError(_("Nhật ký chỉ được ghi thêm, không được sửa hay xóa."))


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """No bulk UPDATE or DELETE of the log (PostgreSQL also refuses them with triggers)."""

    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()


class AuditEvent(models.Model):
    """One recorded change. Rows are only ever inserted, each chained to the one before it.

    Write through `audit.services` (`record`, `record_many`, `chained_rows`): they fill
    `prev_hash` and `hash` (see `audit.chain`) under the chain's lock.
    """

    # Set when the instance is built, not on save (as `auto_now_add` would): the hash covers it.
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
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
    # The hash chain (`audit.chain`): the previous event's hash, and this event's own.
    prev_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        if self.hash:  # chained by its writer, or restored as it was
            super().save(*args, **kwargs)
            return
        # Created directly (`objects.create`): chained as `record` does it, so that no writer
        # leaves a hole in the chain. The lock taken by `chain_events` lasts until the commit.
        from antq.audit.services import chain_events

        with transaction.atomic(using=kwargs.get("using")):
            chain_events([self])
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse()
