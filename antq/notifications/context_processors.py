"""`notifications_unread` for the bell in the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from antq.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The user's unread count, counted (one COUNT) only if a template shows it; nothing for anonymous."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
