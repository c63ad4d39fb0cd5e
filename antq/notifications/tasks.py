"""Background tasks of the notifications app (Django Tasks API: a database queue in production).

Both are safe to run twice: rows are stamped when mailed, and digests are keyed by user and day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from antq.notifications import mail


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Mail workflow notifications (enqueued by `services.notify` once the event is committed)."""
    with translation.override(settings.LANGUAGE_CODE):
        return mail.send_event_emails(notification_ids=notification_ids)


@task()
def send_reminders(on: str | None = None) -> dict[str, int]:
    """The daily reminders and overdue notices for `on` (ISO date; default today, local time)."""
    # Imported here: `reminders` uses `services`, which enqueues the task above.
    from antq.notifications import reminders

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return asdict(reminders.run(on=day))
