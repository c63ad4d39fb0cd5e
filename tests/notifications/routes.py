"""Access-matrix expectations for the notifications app (see tests/test_access_matrix.py).

Notifications belong to a user, not to a node: every signed-in persona may use the list and
"mark all read" (action "view"). The routes naming one notification are checked on a notification
of the commune police (the matrix's "own_job" visibility: private to its owner): its owner gets
it, every other persona 404 (never 403, which would reveal that it exists).
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Route


def _police_notification(personas: Any, tree: Any, where: str) -> dict[str, int]:
    from antq.notifications.models import Notification, NotificationKind

    notification = Notification.objects.create(
        user=personas["commune_police"],
        kind=NotificationKind.SUBMITTED,
        title="Đã nộp đăng ký",
        url="/units/",
    )
    return {"pk": notification.pk}


OWNED = {"target": _police_notification, "where": ("own_job",)}

ROUTES: dict[str, Route] = {
    "notifications:list": Route("view"),
    "notifications:mark_all_read": Route("view", method="post", ok=(302,)),
    # Opening one marks it read and follows its link.
    "notifications:open": Route("view", ok=(302,), **OWNED),  # type: ignore[arg-type]
    "notifications:mark_read": Route("view", method="post", ok=(302,), **OWNED),  # type: ignore[arg-type]
    "api:notification-list": Route("view", api=True),
    "api:notification-mark-all-read": Route("view", method="post", api=True),
    "api:notification-detail": Route("view", api=True, **OWNED),  # type: ignore[arg-type]
    "api:notification-mark-read": Route("view", method="post", api=True, **OWNED),  # type: ignore[arg-type]
}
