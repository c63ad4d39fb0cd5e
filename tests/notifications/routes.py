"""Access-matrix expectations for the notifications app (see tests/test_access_matrix.py).

Notifications belong to a user, not to a node: every signed-in persona may use the list and
"mark all read" (action "view"). The routes naming one notification are checked here against a
notification of someone outside the personas: every persona gets 404 (never 403, which would
reveal that it exists). That its owner gets it is checked in test_views.py
(`test_someone_elses_notification_is_404_and_stays_unread`, `test_api_marks_read_only_my_own`).
"""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.matrix import Route


def _someone_elses(personas: Any, tree: Any, where: str) -> dict[str, int]:
    from antq.accounts.roles import Role
    from antq.notifications.models import Notification, NotificationKind

    owner = f.user_with_role("nguoi.khac", Role.UNIT_OFFICER, getattr(tree, where))
    notification = Notification.objects.create(
        user=owner, kind=NotificationKind.SUBMITTED, title="Đã nộp đăng ký", url="/units/"
    )
    return {"pk": notification.pk}


NOT_YOURS = {"target": _someone_elses, "where": ("unit",), "ok": (404,)}

ROUTES: dict[str, Route] = {
    "notifications:list": Route("view"),
    "notifications:mark_all_read": Route("view", method="post", ok=(302,)),
    "notifications:open": Route("view", **NOT_YOURS),  # type: ignore[arg-type]
    "notifications:mark_read": Route("view", method="post", **NOT_YOURS),  # type: ignore[arg-type]
    "api:notification-list": Route("view", api=True),
    "api:notification-mark-all-read": Route("view", method="post", api=True),
    "api:notification-detail": Route("view", api=True, **NOT_YOURS),  # type: ignore[arg-type]
    "api:notification-mark-read": Route("view", method="post", api=True, **NOT_YOURS),  # type: ignore[arg-type]
}
