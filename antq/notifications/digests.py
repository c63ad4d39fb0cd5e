"""Deadline reminders and overdue notices: which obligation is due today, and for whom.

`due_items` is pure (no database): given what is still to be done and a date, it says which
obligations get a reminder (the number of days left is one of the obligation's `remind_days`) and
which an overdue notice (every day after the due date). `build_digests` adds the recipients, the
holders of the obligation's action on its node, and groups everything per user: one digest a day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from antq.accounts.models import Membership
from antq.accounts.roles import ROLE_ACTIONS, Role
from antq.accounts.scope import Grant, Scope
from antq.notifications.models import NotificationKind
from antq.org.models import OrgNode

# Rows per `IN (...)` list: well under SQLite's bound-parameter limit, cheap on PostgreSQL.
CHUNK = 500


class Obligation(Protocol):
    """What `antq.cycles.calendar.Obligation` provides (read-only), as far as reminders need it."""

    @property
    def node_id(self) -> int: ...
    @property
    def node_path(self) -> str: ...
    @property
    def node_name(self) -> str: ...
    @property
    def deadline_code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def due(self) -> dt.date: ...
    @property
    def action(self) -> str: ...
    @property
    def remind_days(self) -> tuple[int, ...]: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: a reminder (`days` left, 0 = due today) or an overdue notice (`days` late)."""

    kind: NotificationKind
    obligation: Obligation
    days: int
    on: dt.date

    @property
    def key(self) -> str:
        """Dedup key of the notification: the same notice for the same user at most once a day."""
        o = self.obligation
        return (
            f"{self.kind}:{o.deadline_code}:{o.action}:{o.node_id}:{o.due.isoformat()}@{self.on.isoformat()}"
        )

    def sort_key(self) -> tuple[int, int, str, str]:
        # Overdue first (the latest first), then reminders by nearest due date.
        if self.kind == NotificationKind.OVERDUE:
            return (0, -self.days, self.obligation.node_name, self.obligation.label)
        return (1, self.days, self.obligation.node_name, self.obligation.label)


@dataclass
class Digest:
    """Everything one user is told on one day."""

    user_id: int
    on: dt.date
    items: list[DigestItem] = field(default_factory=list)


def due_items(obligations: Iterable[Obligation], on: dt.date) -> list[DigestItem]:
    """The obligations that get a notice on `on`; pure."""
    items = []
    for obligation in obligations:
        days_left = (obligation.due - on).days
        if days_left < 0:
            items.append(DigestItem(NotificationKind.OVERDUE, obligation, -days_left, on))
        elif days_left in obligation.remind_days:
            items.append(DigestItem(NotificationKind.REMINDER, obligation, days_left, on))
    return items


def build_digests(obligations: Iterable[Obligation], on: dt.date) -> dict[int, Digest]:
    """Per user id, the day's reminders and overdue notices for the obligations they must act on."""
    items = due_items(obligations, on)
    holders = _holders({(i.obligation.action, i.obligation.node_id) for i in items})
    digests: dict[int, Digest] = {}
    seen: set[tuple[int, str]] = set()
    for item in items:
        for user_id in holders.get((item.obligation.action, item.obligation.node_id), ()):
            if (user_id, item.key) in seen:  # the same obligation listed twice
                continue
            seen.add((user_id, item.key))
            digests.setdefault(user_id, Digest(user_id, on)).items.append(item)
    for digest in digests.values():
        digest.items.sort(key=DigestItem.sort_key)
    return digests


T = TypeVar("T")


def _chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _holders(pairs: set[tuple[str, int]]) -> dict[tuple[str, int], list[int]]:
    """Per (action, node id), the users `users_allowed(action, node, exclude_roles={admin})` would
    return, for many nodes at once: two queries (per 500 nodes) instead of one per node.

    The decision itself is `Scope.allows`, asked one membership at a time, so the daily job and
    the screens can never disagree about who must act; tests check it against `users_allowed`.
    """
    if not pairs:
        return {}
    nodes: dict[int, OrgNode] = {}
    for ids in _chunks(sorted({node_id for _action, node_id in pairs})):
        nodes.update({n.pk: n for n in OrgNode.objects.filter(pk__in=ids).only("id", "path", "kind")})
    paths = sorted({p for n in nodes.values() for p in [n.path, *n.ancestor_paths()]})
    actions = {action for action, _node_id in pairs}
    # Not the system administrators (as in `services.notify_action_holders`): they may act on every
    # node and would get the whole country's reminders.
    roles = sorted(
        str(role) for role, allowed in ROLE_ACTIONS.items() if allowed & actions and role != Role.SYSTEM_ADMIN
    )
    grants: dict[str, list[tuple[int, Grant]]] = defaultdict(list)
    for chunk in _chunks(paths):
        rows = Membership.objects.filter(
            is_active=True, user__is_active=True, role__in=roles, node__path__in=chunk
        ).values_list("user_id", "role", "node__path", "include_descendants", "node_id")
        for user_id, role, path, include_descendants, node_id in rows:
            grants[path].append((user_id, Grant(role, path, include_descendants, node_id)))
    found: dict[tuple[str, int], list[int]] = {}
    for action, node_id in pairs:
        node = nodes.get(node_id)
        if node is None:  # removed since the obligations were listed
            continue
        users = {
            user_id
            for path in [*node.ancestor_paths(), node.path]
            for user_id, grant in grants.get(path, ())
            if Scope(user_id=user_id, grants=(grant,)).allows(action, node)
        }
        found[(action, node_id)] = sorted(users)
    return found
