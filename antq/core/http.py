"""A request type for views behind login_required: `request.user` is a real User there."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]


def int_or_none(raw: object) -> int | None:
    """A whole number from the query string or a form, or None. Not `str.isdigit()`: "²" passes it
    and then `int()` raises."""
    try:
        return int(raw or "")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
