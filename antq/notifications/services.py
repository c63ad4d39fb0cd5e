"""Writes of the notifications app: tell users, mark read, and the daily digest of deadlines.

Other apps call `notify` / `notify_action_holders` from their services, inside their transaction:
the rows are written with the event, and the e-mail goes out only once the event is committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from antq.accounts.roles import Role
from antq.accounts.scope import users_allowed
from antq.notifications import mail, tasks
from antq.notifications.digests import CHUNK, DigestItem, Obligation, build_digests
from antq.notifications.models import DIGEST_KINDS, EVENT_KINDS, Notification, NotificationKind
from antq.org.models import OrgNode

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length or 255


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str | Promise,
    body: str | Promise,
    url: str,
    node: OrgNode | None,
    key: str | None = None,
) -> int:
    """Tell each active user in `users` once: rows now, and for workflow events (submitted,
    returned, approved, decision) one e-mail each after the current transaction commits.

    Texts are stored in the site language (LANGUAGE_CODE), whoever triggered the event: pass lazy
    strings to have them translated here. With a `key`, users who already have a notification
    with that key are skipped. Returns the number of notifications created.
    """
    recipients = {user.pk: user for user in users if user.is_active}
    if key:
        taken = Notification.objects.filter(key=key, user_id__in=list(recipients)).values_list(
            "user_id", flat=True
        )
        for user_id in set(taken):
            del recipients[user_id]
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title)[:TITLE_MAX], str(body)
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            url=url,
            node_path=node.path if node is not None else "",
            key=key or "",
        )
        for user_id in sorted(recipients)
    ]
    # Two events racing on the same key: the unique (user, key) constraint keeps one row.
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if kind in EVENT_KINDS:
        if key:  # ignore_conflicts leaves the primary keys unset
            ids = list(
                Notification.objects.filter(
                    key=key, user_id__in=list(recipients), emailed_at__isnull=True
                ).values_list("pk", flat=True)
            )
        else:
            ids = [row.pk for row in created]
        transaction.on_commit(partial(tasks.send_notification_emails.enqueue, ids))
    return len(rows)


def notify_action_holders(
    *,
    action: str,
    node: OrgNode,
    kind: str,
    title: str | Promise,
    body: str | Promise,
    url: str,
    key: str | None = None,
) -> int:
    """Tell everyone who may do `action` on `node` (e.g. the reviewers of a submitted registration).

    Not the system administrators: they may do everything everywhere, and would get every notice of
    the country; they are told only as holders of another role."""
    return notify(
        users=users_allowed(action, node, exclude_roles=frozenset({Role.SYSTEM_ADMIN})).only(
            "id", "is_active"
        ),
        kind=kind,
        title=title,
        body=body,
        url=url,
        node=node,
        key=key,
    )


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (again: nothing changes)."""
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        # Conditional, so the first reading time stays when two tabs race.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.of(user).unread().update(read_at=timezone.now())


# --- The daily digest of deadlines -------------------------------------------------------------


@dataclass(frozen=True)
class DigestRun:
    """What one run of the daily job did."""

    users: int  # users with at least one notice today
    created: int  # new notifications (0 on a second run the same day)
    emails: int  # digest e-mails sent (0 on a second run the same day)
    failed: int = 0  # e-mails that could not be sent (left unstamped: the next run retries them)


def _texts(item: DigestItem) -> tuple[str, str]:
    o = item.obligation
    due = o.due.strftime("%d/%m/%Y")
    if item.kind == NotificationKind.OVERDUE:
        title = _("Quá hạn: %(label)s") % {"label": o.label}
        body = _("%(node)s: hạn %(due)s, đã quá %(days)d ngày.") % {
            "node": o.node_name,
            "due": due,
            "days": item.days,
        }
    elif item.days == 0:
        title = _("Nhắc hạn: %(label)s") % {"label": o.label}
        body = _("%(node)s: hôm nay (%(due)s) là hạn cuối.") % {"node": o.node_name, "due": due}
    else:
        title = _("Nhắc hạn: %(label)s") % {"label": o.label}
        body = _("%(node)s: hạn %(due)s, còn %(days)d ngày.") % {
            "node": o.node_name,
            "due": due,
            "days": item.days,
        }
    return title[:TITLE_MAX], body


def send_daily_digests(*, on: dt.date, obligations: Iterable[Obligation]) -> DigestRun:
    """Create the day's reminder and overdue notifications and mail each user one digest.

    Idempotent: a second run the same day creates no row (the key holds the date) and sends no
    e-mail (rows are stamped when mailed). If the obligations changed between two runs, the second
    run mails only the notices that are new.
    """
    digests = build_digests(obligations, on)
    if not digests:
        return DigestRun(users=0, created=0, emails=0)
    user_ids = sorted(digests)
    suffix = f"@{on.isoformat()}"
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(user_ids), CHUNK):
        existing.update(
            Notification.objects.filter(
                user_id__in=user_ids[start : start + CHUNK], kind__in=DIGEST_KINDS, key__endswith=suffix
            ).values_list("user_id", "key")
        )
    with translation.override(settings.LANGUAGE_CODE):
        rows = []
        for user_id, digest in digests.items():
            for item in digest.items:
                if (user_id, item.key) in existing:
                    continue
                title, body = _texts(item)
                rows.append(
                    Notification(
                        user_id=user_id,
                        kind=item.kind,
                        title=title,
                        body=body,
                        url=item.obligation.url,
                        node_path=item.obligation.node_path,
                        key=item.key,
                    )
                )
        # A concurrent run may have written some rows meanwhile: the unique key skips them.
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
        emails = failed = 0
        connection = get_connection()
        for start in range(0, len(user_ids), CHUNK):
            chunk = user_ids[start : start + CHUNK]
            # Only users with something not mailed yet today (none on a second run).
            unmailed = Notification.objects.filter(
                user_id__in=chunk, kind__in=DIGEST_KINDS, key__endswith=suffix, emailed_at__isnull=True
            ).values("user_id")
            users = User.objects.filter(pk__in=unmailed, is_active=True).exclude(email="")
            for user in users:
                # One bad address or a mail server hiccup must not cost everyone else their digest.
                try:
                    sent = mail.send_digest_email(
                        user=user, on=on, items=digests[user.pk].items, connection=connection
                    )
                except Exception:
                    logger.exception("Digest e-mail to user %s failed", user.pk)
                    failed += 1
                else:
                    emails += int(sent)
    return DigestRun(users=len(digests), created=len(rows), emails=emails, failed=failed)
