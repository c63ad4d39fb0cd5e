"""E-mail for notifications: one message per workflow event, one digest per user per day.

Each send first stamps `emailed_at` on rows still unstamped, under a row lock, then sends inside the
same transaction: a second run (or a second worker) finds nothing to send, and a failed send rolls
the stamp back so that the next run tries again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.notifications.digests import DigestItem
from antq.notifications.models import Notification


def absolute_url(url: str) -> str:
    """A link usable from a mail client: the site's address (setting SITE_URL) before a local path."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if not url or not url.startswith("/") or not base:
        return url
    return base + url


def send_event_emails(*, notification_ids: Sequence[int]) -> int:
    """Mail each notification to its user once; returns how many were sent. Idempotent."""
    sent = 0
    connection = get_connection()
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(pk=pk, emailed_at__isnull=True, user__is_active=True)
                .exclude(user__email="")
                .first()
            )
            if notification is None:  # already mailed, deleted, or nobody to mail
                continue
            Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
            message = render_to_string(
                "notifications/email/event.txt",
                {"notification": notification, "link": absolute_url(notification.url)},
            )
            send_mail(
                _("ANTQ: %(title)s") % {"title": notification.title},
                message,
                None,
                [notification.user.email],
                connection=connection,
            )
            sent += 1
    return sent


def send_digest_email(
    *, user: User, on: dt.date, items: Sequence[DigestItem], connection: BaseEmailBackend | None = None
) -> bool:
    """One e-mail listing the day's notices of `user` not mailed yet; False if there were none."""
    if not user.email:
        return False
    with transaction.atomic():
        pending = set(
            Notification.objects.select_for_update()
            .filter(user=user, key__in=[item.key for item in items], emailed_at__isnull=True)
            .values_list("key", flat=True)
        )
        todo = [item for item in items if item.key in pending]
        if not todo:
            return False
        Notification.objects.filter(user=user, key__in=pending).update(emailed_at=timezone.now())
        message = render_to_string(
            "notifications/email/digest.txt",
            {
                "user": user,
                "on": on,
                "items": [(item, absolute_url(item.obligation.url)) for item in todo],
                "list_link": absolute_url(reverse("notifications:list")),
            },
        )
        send_mail(
            _("ANTQ: %(n)d việc cần làm ngày %(date)s") % {"n": len(todo), "date": on.strftime("%d/%m/%Y")},
            message,
            None,
            [user.email],
            connection=connection,
        )
    return True
