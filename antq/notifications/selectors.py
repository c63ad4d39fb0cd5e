"""Reads of a user's own notifications (they are per user, not per node: no scope involved)."""

from __future__ import annotations

from django.contrib.auth.models import User

from antq.notifications.models import Notification, NotificationQuerySet


def notification_list(*, user: User, unread_only: bool = False) -> NotificationQuerySet:
    """The user's notifications, newest first (index notif_user_recent / notif_user_unread_recent)."""
    qs = Notification.objects.of(user)
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """The number on the bell: one COUNT on the partial index of unread rows."""
    return Notification.objects.of(user).unread().count()
