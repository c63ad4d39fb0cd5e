"""Session timestamps for the idle and absolute limits (enforced in `middleware.py`).

Written at sign-in, so the first request of a session does not have to save it again.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

SESSION_LAST_SEEN = "antq_last_seen"
SESSION_SIGNED_IN = "antq_signed_in"


@receiver(user_logged_in, dispatch_uid="antq_session_timestamps")
def _on_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_SIGNED_IN] = now
        request.session[SESSION_LAST_SEEN] = now
