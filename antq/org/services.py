"""Writes to the tree and the unit registry: every change is atomic and audited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from antq.audit.conflicts import concurrent_edit_message
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.org.choices import UNIT_KINDS, UNIT_PARENT_KINDS, NodeKind
from antq.org.eligibility import exclusion_code
from antq.org.models import MAX_CHILDREN, SEGMENT_WIDTH, OrgNode

# Fields a registry form or import may set on a unit.
UNIT_FIELDS = (
    "kind",
    "name",
    "short_name",
    "code",
    "address",
    "managing_authority",
    "enterprise_size",
    "tax_code",
    "education_level",
    "is_armed_forces",
    "people_count",
    "subunit_count",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def allocate_child_paths(parent: OrgNode | None, count: int) -> list[str]:
    """Reserve `count` new child paths under `parent` (None: a root). Call inside a transaction."""
    if parent is None:
        # Roots have no row holding a counter, and counting them reuses a path as soon as they are
        # not numbered 1..n: take the highest path + 1. Two creations at once would both read the
        # same highest path, so the existing roots (a handful) are locked first, until the caller's
        # transaction ends: a concurrent creation waits there, and the highest path is then read
        # by a new statement, which sees the root that creation committed.
        roots = OrgNode.objects.filter(parent__isnull=True)
        list(roots.select_for_update().values_list("pk", flat=True))
        highest = roots.aggregate(highest=Max("path"))["highest"]
        start = int(highest) + 1 if highest else 1
        prefix = ""
        if start + count - 1 > MAX_CHILDREN:
            raise DomainError(_("Đã đạt số đơn vị gốc tối đa."))
    else:
        locked = OrgNode.objects.select_for_update().only("path", "child_counter").get(pk=parent.pk)
        start = locked.child_counter + 1
        prefix = locked.path
        if start + count - 1 > MAX_CHILDREN:
            raise DomainError(_("Đơn vị cấp trên đã đạt số đơn vị trực thuộc tối đa."))
        OrgNode.objects.filter(pk=parent.pk).update(child_counter=F("child_counter") + count)
    return [f"{prefix}{n:0{SEGMENT_WIDTH}d}" for n in range(start, start + count)]


# Parents per counter UPDATE (a CASE of two parameters per row: within SQLite's 999).
COUNTER_BATCH = 400


def allocate_child_paths_many(counts: Mapping[int, int]) -> dict[int, list[str]]:
    """`allocate_child_paths` for many parents at once ({parent pk: count} -> {parent pk: paths}).

    Bulk loaders (the unit import) add children under hundreds of communes: one locking read and
    one counter update for all of them instead of two queries per parent. Same rule as the single
    version: the counters are read under a row lock held until the caller's transaction ends, so
    two writers never hand out the same path. Call inside a transaction.
    """
    wanted = {pk: n for pk, n in counts.items() if n > 0}
    if not wanted:
        return {}
    # Locked in primary-key order: two bulk writers then wait for each other instead of deadlocking.
    locked = list(
        OrgNode.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .only("pk", "path", "child_counter")
    )
    if len(locked) != len(wanted):
        raise OrgNode.DoesNotExist("parent not found")
    paths: dict[int, list[str]] = {}
    for parent in locked:
        start = parent.child_counter + 1
        count = wanted[parent.pk]
        if start + count - 1 > MAX_CHILDREN:
            raise DomainError(_("Đơn vị cấp trên đã đạt số đơn vị trực thuộc tối đa."))
        paths[parent.pk] = [f"{parent.path}{n:0{SEGMENT_WIDTH}d}" for n in range(start, start + count)]
        # The rows are locked: the new value is exactly what `F("child_counter") + count` would give.
        parent.child_counter += count
    OrgNode.objects.bulk_update(locked, ["child_counter"], batch_size=COUNTER_BATCH)
    return paths


def prepare_node(node: OrgNode, *, path: str) -> OrgNode:
    """Fill the derived columns of an unsaved node (also used by bulk loaders)."""
    # Codes are typed by hand and re-typed in spreadsheets: one spelling, whatever the case.
    node.code = node.code.strip().upper()
    node.path = path
    node.depth = len(path) // SEGMENT_WIDTH - 1
    node.refresh_search_text()
    if node.kind in UNIT_KINDS:
        node.exclusion_code = exclusion_code(node.kind, _attrs(node))
    return node


def _attrs(node: OrgNode) -> dict[str, Any]:
    return {name: getattr(node, name) for name in UNIT_FIELDS}


def _save_checked(node: OrgNode) -> None:
    """Save a node whose `full_clean` passed, turning a code taken meanwhile into a field error.

    `full_clean` checks that the code is free, but another request may take it between that check
    and the INSERT/UPDATE: the unique index then refuses the row. That is the same mistake as a
    duplicate code, so it gets the same field error instead of a 500. The savepoint keeps the
    caller's transaction usable (PostgreSQL aborts a transaction on an error otherwise).
    """
    try:
        with transaction.atomic():
            node.save()
    except IntegrityError as exc:
        taken = OrgNode.objects.filter(code=node.code)
        if node.pk is not None:
            taken = taken.exclude(pk=node.pk)
        if not taken.exists():
            raise  # another constraint: a bug, not the user's input
        raise ValidationError({"code": [_("Mã đơn vị đã tồn tại.")]}) from exc


def _check_unit_parent(kind: str, parent: OrgNode) -> None:
    if kind not in UNIT_KINDS:
        raise DomainError(_("Loại đơn vị không hợp lệ."))
    if parent.kind not in UNIT_PARENT_KINDS:
        raise DomainError(_("Đơn vị phải trực thuộc một xã, phường, đặc khu hoặc một tỉnh."))
    if parent.valid_to is not None:
        raise DomainError(_("Đơn vị cấp trên đã hết hiệu lực sau sắp xếp hành chính."))


@transaction.atomic
def node_create(*, by: User | None, parent: OrgNode | None, **fields: Any) -> OrgNode:
    """Create a node of any kind under `parent`."""
    node = OrgNode(parent=parent, **fields)
    prepare_node(node, path=allocate_child_paths(parent, 1)[0])
    node.full_clean(exclude=["path", "depth"])
    _save_checked(node)
    record(
        actor=by, action=AuditAction.CREATE, obj=node, node_path=node.path, changes=diff({}, node.snapshot())
    )
    return node


@transaction.atomic
def unit_create(*, by: User | None, parent: OrgNode, data: dict[str, Any]) -> OrgNode:
    """Register a new assessed unit under a commune or a province (a blank code is assigned)."""
    _check_unit_parent(data.get("kind", ""), parent)
    fields = {k: v for k, v in data.items() if k in UNIT_FIELDS}
    if not str(fields.get("code") or "").strip():
        fields["code"] = suggest_unit_code(parent, fields["kind"])
    return node_create(by=by, parent=parent, **fields)


UNIT_CODE_PREFIX: dict[str, str] = {
    NodeKind.RESIDENTIAL_AREA: "KDC",
    NodeKind.AGENCY: "CQ",
    NodeKind.ENTERPRISE: "DN",
    NodeKind.SCHOOL: "CSGD",
}


def suggest_unit_code(parent: OrgNode, kind: str) -> str:
    """The next free code of the demo/registry pattern: X21583-KDC05 = commune code, kind, number."""
    prefix = f"{parent.code}-{UNIT_CODE_PREFIX[kind]}"
    pattern = re.compile(re.escape(prefix) + r"(\d+)")
    taken = OrgNode.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(m.group(1)) for code in taken if (m := pattern.fullmatch(code))]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _lock_for_change(unit: OrgNode, expected_version: int | None) -> OrgNode:
    current = OrgNode.objects.select_for_update().get(pk=unit.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(concurrent_edit_message(current))
    return current


@transaction.atomic
def unit_update(
    *,
    by: User | None,
    unit: OrgNode,
    data: dict[str, Any],
    parent: OrgNode | None = None,
    expected_version: int | None = None,
    allow_code_change: bool = False,
) -> OrgNode:
    """Change registry attributes (and optionally the parent commune) of a unit."""
    current = _lock_for_change(unit, expected_version)
    before = current.snapshot()
    new_code = str(data.get("code", current.code)).strip().upper()
    if new_code != current.code and not allow_code_change:
        # Imports match units by code: a silently changed code would make the next import
        # create a duplicate. Only an administrator corrects a mistyped code.
        raise ValidationError({"code": [_("Chỉ quản trị hệ thống được sửa mã đơn vị.")]})
    for name, value in data.items():
        if name in UNIT_FIELDS and name != "kind":
            setattr(current, name, value)
    if parent is not None and parent.pk != current.parent_id:
        _check_unit_parent(current.kind, parent)
        current.parent = parent
        # Units are leaves of the tree, so moving one rewrites only its own path.
        prepare_node(current, path=allocate_child_paths(parent, 1)[0])
    else:
        prepare_node(current, path=current.path)
    current.full_clean(exclude=["path", "depth"])
    changes = diff(before, current.snapshot())
    if not changes:
        return current
    current.version += 1
    _save_checked(current)
    record(actor=by, action=AuditAction.UPDATE, obj=current, node_path=current.path, changes=changes)
    return current


@transaction.atomic
def unit_set_active(
    *, by: User | None, unit: OrgNode, active: bool, reason: str, expected_version: int | None = None
) -> OrgNode:
    """Deactivate (or reactivate) a unit; units with history are never deleted."""
    if not reason.strip():
        raise DomainError(_("Vui lòng nêu lý do."))
    current = _lock_for_change(unit, expected_version)
    if current.is_active == active:
        return current
    current.is_active = active
    current.version += 1
    current.save(update_fields=["is_active", "version", "updated_at"])
    record(
        actor=by,
        action=AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE,
        obj=current,
        node_path=current.path,
        changes={"is_active": [not active, active]},
        reason=reason,
    )
    return current


# Fields an administrator may correct on an administrative node (names change with reforms;
# codes come from the official list and never change).
ADMIN_NODE_FIELDS = ("name", "short_name", "division", "valid_from", "valid_to")


@transaction.atomic
def node_update(
    *, by: User | None, node: OrgNode, data: dict[str, Any], expected_version: int | None = None
) -> OrgNode:
    """Correct an administrative node (province, district, commune): names and validity dates."""
    if node.is_unit:
        raise DomainError(_("Đơn vị cơ sở được sửa trong Danh bạ đơn vị."))
    current = _lock_for_change(node, expected_version)
    before = current.snapshot()
    for name in ADMIN_NODE_FIELDS:
        if name in data:
            setattr(current, name, data[name])
    current.refresh_search_text()
    current.full_clean(exclude=["path", "depth"])
    changes = diff(before, current.snapshot())
    if not changes:
        return current
    current.version += 1
    current.save()
    record(actor=by, action=AuditAction.UPDATE, obj=current, node_path=current.path, changes=changes)
    return current
