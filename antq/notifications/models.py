"""In-app notifications: one row per user and event, optionally mirrored by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")
    DECISION = "decision", _("Quyết định")
    REMINDER = "reminder", _("Nhắc hạn")
    OVERDUE = "overdue", _("Quá hạn")


K = NotificationKind
# Workflow events: each is mailed on its own, right after the transaction that caused it commits.
EVENT_KINDS = frozenset({K.SUBMITTED, K.RETURNED, K.APPROVED, K.DECISION})
# Deadline notices: gathered into one daily digest e-mail per user (`services.send_daily_digests`).
DIGEST_KINDS = frozenset({K.REMINDER, K.OVERDUE})


class NotificationQuerySet(models.QuerySet["Notification"]):
    def of(self, user: User) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know or do; `key` keeps the same notice from being created twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # notif_user_recent starts with the user: a separate index on the column alone would be dead weight.
        db_index=False,
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    # A path inside the site ("/cycles/registrations/12/"); opening the notification goes there.
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    # Path of the node the notice is about, so that it can be scoped like the audit log.
    node_path = models.CharField(max_length=120, blank=True)
    # Blank for one-off events; otherwise unique per user, so running the daily job twice creates
    # nothing new (e.g. "reminder:registration:register:42:2026-03-31@2026-03-17").
    key = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Null until the e-mail went out: the mail task and the digest stamp it, so a rerun sends nothing twice.
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~Q(key=""),
                name="%(app_label)s_%(class)s_unique_key_per_user",
            ),
        ]
        indexes = [
            # The list page and the API: a user's notifications, newest first (paged).
            models.Index(fields=["user", "-created_at", "-id"], name="notif_user_recent"),
            # The bell on every page (COUNT of a user's unread) and the unread filter, newest first;
            # partial, so it holds only the few unread rows.
            models.Index(
                fields=["user", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notif_user_unread_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.get_kind_display()} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
