"""A request type for views behind login_required: `request.user` is a real User there."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
