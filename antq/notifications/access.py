"""The getter views and the API use to reach a notification: only its owner does."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import Http404

from antq.notifications.models import Notification


def notification_for(user: User, pk: int | str) -> Notification:
    """The user's own notification; anyone else's answers 404 (its existence is not revealed)."""
    try:
        return Notification.objects.get(pk=pk, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
