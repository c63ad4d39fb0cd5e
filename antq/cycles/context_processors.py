"""`due_next` for the "Sắp đến hạn" banner on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from antq.accounts.navigation import current_node
from antq.cycles import calendar
from antq.org.choices import UNIT_KINDS, NodeKind

ASSESSED_KINDS = UNIT_KINDS | {NodeKind.COMMUNE}


def _due_next(request: HttpRequest) -> dict[str, Any] | None:
    node = current_node(request)
    if node is None:
        return None
    today = timezone.localdate()
    found = calendar.next_due(node, today)
    if found is None:
        return None
    cycle, deadline = found
    if node.kind in ASSESSED_KINDS:
        url = reverse("cycles:unit_year", kwargs={"node": node.pk, "year": cycle.year})
    else:
        url = reverse("cycles:cycle", kwargs={"pk": cycle.pk})
    return {
        "cycle": cycle,
        "deadline": deadline,
        "days_left": deadline.days_left(today),
        "node": node,
        "url": url,
    }


def due_next(request: HttpRequest) -> dict[str, Any]:
    """The next deadline of this year's cycle at or below the user's current node, computed (two
    queries: the cycle, the overrides above the node) only if a template shows it; nothing for
    anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"due_next": SimpleLazyObject(lambda: _due_next(request))}
