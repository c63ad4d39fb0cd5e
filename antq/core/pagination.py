"""Keyset pagination for server-rendered lists ordered by (search_text, id).

OFFSET pagination reads and throws away every row before the page; at 200,000 units a deep page
costs a full scan. A keyset page starts from the last row seen, using the ordering index.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


def _encode(row: Any) -> str:
    raw = json.dumps([row.search_text, row.pk], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[str, int] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        text, pk = json.loads(raw)
        return str(text), int(pk)
    except (ValueError, TypeError):
        return None


# A list's total is counted up to this many rows: past it the page says "more than 10,000". Counting
# a national search exactly reads every matching row (200,000 units), which is most of the page's
# cost, and nobody pages through ten thousand rows: they narrow the filter or export.
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Total:
    count: int
    more: bool  # the list has more than `count` rows


def capped_count(qs: QuerySet[Any], limit: int | None = None) -> Total:
    """How many rows `qs` has, counting no further than `limit` (one bounded query)."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = qs.select_related(None).order_by().values("pk")[: limit + 1].count()
    return Total(count=min(counted, limit), more=counted > limit)


@dataclass
class KeysetPage:
    items: list[Any]
    next_token: str | None
    prev_token: str | None


def keyset_page(qs: QuerySet[Any], *, after: str = "", before: str = "", size: int = 50) -> KeysetPage:
    """One page of `qs` (ordered by search_text, id) after or before a cursor token."""
    cursor_after = _decode(after) if after else None
    cursor_before = _decode(before) if before and not cursor_after else None
    if cursor_before:
        text, pk = cursor_before
        rows = list(
            qs.filter(Q(search_text__lte=text), Q(search_text__lt=text) | Q(pk__lt=pk)).order_by(
                "-search_text", "-pk"
            )[: size + 1]
        )
        has_more_before = len(rows) > size
        items = list(reversed(rows[:size]))
        return KeysetPage(
            items=items,
            next_token=_encode(items[-1]) if items else None,
            prev_token=_encode(items[0]) if items and has_more_before else None,
        )
    if cursor_after:
        text, pk = cursor_after
        # The redundant `>=` gives the planner an index range; the OR alone forces a scan.
        qs = qs.filter(Q(search_text__gte=text), Q(search_text__gt=text) | Q(pk__gt=pk))
    rows = list(qs[: size + 1])
    items = rows[:size]
    return KeysetPage(
        items=items,
        next_token=_encode(items[-1]) if len(rows) > size else None,
        prev_token=_encode(items[0]) if cursor_after and items else None,
    )
