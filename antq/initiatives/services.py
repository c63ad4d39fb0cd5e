"""Writes of the initiatives app: the catalogue, the registry, members, activity, the yearly
evaluation, retirement and replication. Each is atomic and audited; edits check the version the
user saw (a stale form is refused, nothing is overwritten)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.evidence.models import EvidenceDocument
from antq.initiatives.catalogue import KEY_RE, ratings
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import (
    Initiative,
    InitiativeActivity,
    InitiativeEvaluation,
    InitiativeMember,
    InitiativeType,
)
from antq.initiatives.workflows import INITIATIVE, RetireScope
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode

# Initiatives are run by a unit (residential area, agency, enterprise, school) or by a commune.
INITIATIVE_KINDS: frozenset[str] = UNIT_KINDS | {NodeKind.COMMUNE}

EDITABLE = ("name", "description", "founding_decision", "lead_name", "lead_position", "started_on")


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Mô hình đã được người khác thay đổi sau khi bạn mở trang. Các giá trị bạn nhập vẫn được giữ "
            "dưới đây: hãy tải lại trang để xem bản mới nhất rồi nhập lại."
        )
    )


def _nation_path() -> str:
    nation = OrgNode.objects.filter(parent__isnull=True, kind=NodeKind.NATION).order_by("path").first()
    return nation.path if nation is not None else ""


# --- The catalogue ---------------------------------------------------------------------------


def _check_catalogue(scope: Scope) -> None:
    if not scope.can_anywhere(Action.FRAMEWORK_MANAGE):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa danh mục loại mô hình."))


@transaction.atomic
def type_create(
    *, by: User, scope: Scope, code: str, name: str, description: str, indicators: list[dict[str, str]]
) -> InitiativeType:
    """Add a type to the catalogue (system administrator)."""
    _check_catalogue(scope)
    code, name = code.strip().lower(), name.strip()
    errors: dict[str, list[str]] = {}
    if not KEY_RE.match(code):
        errors["code"] = [
            _("Mã loại chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ.")
        ]
    elif InitiativeType.objects.filter(code=code).exists():
        errors["code"] = [_("Đã có loại mô hình với mã này.")]
    if not name:
        errors["name"] = [_("Vui lòng nhập tên loại mô hình.")]
    keys = [item["key"] for item in indicators]
    if len(keys) != len(set(keys)) or any(
        not KEY_RE.match(k) or not item["label"] for k, item in zip(keys, indicators, strict=True)
    ):
        errors["indicators"] = [_("Mỗi chỉ số cần mã (chữ thường, không trùng) và tên.")]
    if errors:
        raise ValidationError(errors)
    last = InitiativeType.objects.order_by("-order").values_list("order", flat=True).first() or 0
    kind = InitiativeType.objects.create(
        code=code, name=name, description=description.strip(), indicators=indicators, order=last + 10
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=kind,
        node_path=_nation_path(),
        changes={"code": [None, code], "name": [None, name], "indicators": [None, indicators]},
    )
    return kind


@transaction.atomic
def type_set_active(*, by: User, scope: Scope, kind: InitiativeType, active: bool) -> InitiativeType:
    """Stop offering a type for new initiatives (those already recorded keep it), or offer it again."""
    _check_catalogue(scope)
    locked = InitiativeType.objects.select_for_update().get(pk=kind.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.version += 1
    locked.save(update_fields=["is_active", "version", "updated_at"])
    record(
        actor=by,
        action=AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE,
        obj=locked,
        node_path=_nation_path(),
        changes={"is_active": [not active, active]},
    )
    return locked


@transaction.atomic
def type_delete(*, by: User, scope: Scope, kind: InitiativeType) -> None:
    """Delete a type that no initiative uses (a type in use can only be deactivated)."""
    _check_catalogue(scope)
    locked = InitiativeType.objects.select_for_update().get(pk=kind.pk)
    if Initiative.objects.filter(initiative_type=locked).exists():
        raise DomainError(
            _("Loại mô hình “%(name)s” đang được sử dụng: không xoá được, chỉ có thể ngừng sử dụng.")
            % {"name": locked.name}
        )
    record(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=locked,
        node_path=_nation_path(),
        changes={"deleted": [False, True], "code": [locked.code, None]},
        reason=_("Xoá loại mô hình chưa được sử dụng"),
    )
    locked.delete()


# --- Indicator values --------------------------------------------------------------------------


def clean_indicator_values(definitions: list[dict[str, str]], raw: dict[str, Any] | None) -> dict[str, int]:
    """Whole numbers ≥ 0 keyed by the initiative's indicator keys; blanks left out. Every error names
    the indicator, in one ValidationError on `indicator_values`."""
    labels = {item["key"]: item["label"] for item in definitions}
    out: dict[str, int] = {}
    errors: list[str] = []
    for key, value in (raw or {}).items():
        if key not in labels:
            errors.append(_("Chỉ số “%(key)s” không thuộc mô hình này.") % {"key": key})
            continue
        if value is None or value == "":
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 0 or isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            errors.append(_("“%(label)s”: cần một số nguyên không âm.") % {"label": labels[key]})
            continue
        out[key] = number
    if errors:
        raise ValidationError({"indicator_values": errors})
    return out


# --- The registry ------------------------------------------------------------------------------


def _check_node(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.ACTIVITY_RECORD, node):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận mô hình tại đơn vị này."))
    if node.kind not in INITIATIVE_KINDS:
        raise ValidationError(
            {"node": [_("Mô hình thuộc một đơn vị (khu dân cư, cơ quan, doanh nghiệp, trường) hoặc một xã.")]}
        )


def _clean(node: OrgNode, data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The editable fields, trimmed and checked against the rules (errors collected by field)."""
    out: dict[str, Any] = {}
    out["name"] = str(data.get("name") or "").strip()
    if not out["name"]:
        errors["name"] = [_("Vui lòng nhập tên mô hình.")]
    elif len(out["name"]) > 300:
        errors["name"] = [_("Tên mô hình tối đa 300 ký tự.")]
    out["description"] = str(data.get("description") or "").strip()
    for name in ("lead_name", "lead_position"):
        out[name] = str(data.get(name) or "").strip()[:200]
    started = data.get("started_on")
    if not isinstance(started, dt.date):
        errors["started_on"] = [_("Vui lòng nhập ngày bắt đầu hoạt động.")]
    elif started > timezone.localdate():
        errors["started_on"] = [_("Ngày bắt đầu hoạt động không được sau ngày hôm nay.")]
    out["started_on"] = started
    decision = data.get("founding_decision")
    if decision is not None and not isinstance(decision, EvidenceDocument):
        decision = EvidenceDocument.objects.filter(pk=decision).first()
        if decision is None:
            errors["founding_decision"] = [_("Không tìm thấy tài liệu.")]
    if isinstance(decision, EvidenceDocument) and decision.node_id != node.pk:
        errors["founding_decision"] = [
            _("Quyết định thành lập phải là tài liệu minh chứng của chính đơn vị này.")
        ]
    out["founding_decision"] = decision if isinstance(decision, EvidenceDocument) else None
    return out


@transaction.atomic
def initiative_create(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> Initiative:
    """Register an initiative of a unit or a commune; its indicators are copied from its type."""
    _check_node(scope, node)
    errors: dict[str, list[str]] = {}
    kind = data.get("initiative_type")
    if not isinstance(kind, InitiativeType):
        kind = InitiativeType.objects.filter(pk=kind).first() if kind else None
    if kind is None:
        errors["initiative_type"] = [_("Vui lòng chọn loại mô hình.")]
    elif not kind.is_active:
        errors["initiative_type"] = [_("Loại mô hình “%(name)s” đã ngừng sử dụng.") % {"name": kind.name}]
    fields = _clean(node, data, errors)
    if errors:
        raise ValidationError(errors)
    assert kind is not None  # noqa: S101 - checked above
    initiative = Initiative.objects.create(
        node=node, initiative_type=kind, indicators=list(kind.indicators), created_by=by, **fields
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=initiative,
        node_path=node.path,
        changes=diff({}, initiative.snapshot()),
    )
    return initiative


def _lock(initiative: Initiative, expected_version: int | None) -> Initiative:
    locked = Initiative.objects.select_for_update().select_related("node").get(pk=initiative.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


@transaction.atomic
def initiative_update(
    *, by: User, scope: Scope, initiative: Initiative, data: dict[str, Any], expected_version: int
) -> Initiative:
    """Edit the registry facts of an active initiative (not its type, nor its node)."""
    locked = _lock(initiative, expected_version)
    _check_node(scope, locked.node)
    if locked.is_retired:
        raise DomainError(_("Mô hình đã thanh loại: không sửa được."))
    errors: dict[str, list[str]] = {}
    fields = _clean(locked.node, {**{k: getattr(locked, k) for k in EDITABLE}, **data}, errors)
    if errors:
        raise ValidationError(errors)
    before = locked.snapshot()
    for name, value in fields.items():
        setattr(locked, name, value)
    changes = diff(before, locked.snapshot())
    if not changes:
        return locked
    locked.version += 1
    locked.save()
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


def _check_active(initiative: Initiative, scope: Scope, action: str = Action.ACTIVITY_RECORD) -> None:
    if not scope.allows(action, initiative.node):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    if initiative.is_retired:
        raise DomainError(_("Mô hình đã thanh loại: không ghi thêm được."))


@transaction.atomic
def member_add(*, by: User, scope: Scope, initiative: Initiative, data: dict[str, Any]) -> InitiativeMember:
    """Add a member (name, role in the initiative, date joined)."""
    locked = _lock(initiative, None)
    _check_active(locked, scope)
    name = str(data.get("name") or "").strip()
    joined = data.get("joined_on")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Vui lòng nhập họ tên thành viên.")]
    if isinstance(joined, dt.date) and joined > timezone.localdate():
        errors["joined_on"] = [_("Ngày tham gia không được sau ngày hôm nay.")]
    if errors:
        raise ValidationError(errors)
    member = InitiativeMember.objects.create(
        initiative=locked,
        name=name[:200],
        role=str(data.get("role") or "").strip()[:200],
        joined_on=joined if isinstance(joined, dt.date) else None,
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=member,
        node_path=locked.node.path,
        changes={
            "initiative": [None, locked.pk],
            "name": [None, member.name],
            "role": [None, member.role],
            "joined_on": [None, member.joined_on.isoformat() if member.joined_on else None],
        },
    )
    return member


@transaction.atomic
def member_remove(*, by: User, scope: Scope, member: InitiativeMember, reason: str = "") -> None:
    """Take a member off the list (audited with the member's details)."""
    locked = _lock(member.initiative, None)
    _check_active(locked, scope)
    record(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=member,
        node_path=locked.node.path,
        changes={"initiative": [locked.pk, None], "name": [member.name, None], "role": [member.role, None]},
        reason=reason.strip(),
    )
    member.delete()


@transaction.atomic
def activity_add(
    *, by: User, scope: Scope, initiative: Initiative, data: dict[str, Any]
) -> InitiativeActivity:
    """Log an activity of the initiative (date, content, optional indicator values)."""
    locked = _lock(initiative, None)
    _check_active(locked, scope)
    errors: dict[str, list[str]] = {}
    day = data.get("occurred_on")
    if not isinstance(day, dt.date):
        errors["occurred_on"] = [_("Vui lòng nhập ngày hoạt động.")]
    elif day > timezone.localdate():
        errors["occurred_on"] = [_("Ngày hoạt động không được sau ngày hôm nay.")]
    elif day < locked.started_on:
        errors["occurred_on"] = [
            _("Ngày hoạt động không được trước ngày mô hình bắt đầu hoạt động (%(date)s).")
            % {"date": f"{locked.started_on:%d/%m/%Y}"}
        ]
    content = str(data.get("content") or "").strip()
    if not content:
        errors["content"] = [_("Vui lòng nhập nội dung hoạt động.")]
    values: dict[str, int] = {}
    try:
        values = clean_indicator_values(locked.indicators, data.get("indicator_values"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert isinstance(day, dt.date)  # noqa: S101 - checked above
    activity = InitiativeActivity.objects.create(
        initiative=locked, occurred_on=day, content=content, indicator_values=values, recorded_by=by
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=activity,
        node_path=locked.node.path,
        changes={
            "initiative": [None, locked.pk],
            "occurred_on": [None, day.isoformat()],
            "content": [None, content],
            "indicator_values": [None, values],
        },
    )
    return activity


# --- The superior's yearly evaluation ----------------------------------------------------------


@transaction.atomic
def evaluation_save(
    *,
    by: User,
    scope: Scope,
    initiative: Initiative,
    year: int,
    rating: str,
    indicator_values: dict[str, Any] | None,
    comment: str,
    expected_version: int | None = None,
) -> InitiativeEvaluation:
    """Record (or revise) the superior's rating of the initiative for `year`; one per year.

    Revising an existing evaluation needs the version the user saw (`expected_version`)."""
    locked = _lock(initiative, None)
    if not scope.allows(Action.ASSESSMENT_REVIEW, locked.node):
        raise PermissionDenied(_("Chỉ cấp trên trực tiếp được đánh giá mô hình này."))
    levels = ratings()
    errors: dict[str, list[str]] = {}
    if rating not in dict(levels.choices()):
        errors["rating"] = [_("Vui lòng chọn mức xếp loại.")]
    today = timezone.localdate()
    if year < locked.started_on.year or year > today.year:
        errors["year"] = [
            _("Năm đánh giá phải từ năm mô hình bắt đầu (%(start)s) đến năm nay (%(now)s).")
            % {"start": locked.started_on.year, "now": today.year}
        ]
    elif locked.retired_on is not None and year > locked.retired_on.year:
        errors["year"] = [_("Mô hình đã thanh loại năm %(y)s.") % {"y": locked.retired_on.year}]
    values: dict[str, int] = {}
    try:
        values = clean_indicator_values(locked.indicators, indicator_values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    comment = comment.strip()
    row = InitiativeEvaluation.objects.select_for_update().filter(initiative=locked, year=year).first()
    if row is None:
        if expected_version:
            # The user saw an evaluation that no longer exists: refuse rather than guess.
            raise _stale()
        row = InitiativeEvaluation.objects.create(
            initiative=locked,
            year=year,
            rating=rating,
            indicator_values=values,
            comment=comment,
            evaluated_by=by,
        )
        before: dict[str, Any] = {}
        action = AuditAction.CREATE
    else:
        if expected_version is None or row.version != expected_version:
            raise ConcurrentEditError(
                _(
                    "Mô hình đã có đánh giá năm %(year)s (do người khác ghi hoặc sửa sau khi bạn mở trang). "
                    "Các giá trị bạn nhập vẫn được giữ: hãy tải lại trang để xem đánh giá hiện có."
                )
                % {"year": year}
            )
        before = {"rating": row.rating, "indicator_values": row.indicator_values, "comment": row.comment}
        row.rating, row.indicator_values, row.comment, row.evaluated_by = rating, values, comment, by
        row.version += 1
        row.save()
        action = AuditAction.UPDATE
    changes = diff(before, {"rating": rating, "indicator_values": values, "comment": comment})
    record(
        actor=by,
        action=action,
        obj=row,
        node_path=locked.node.path,
        changes={"initiative": [locked.pk, locked.pk], "year": [year, year], **changes},
    )
    return row


# --- Retirement and replication ----------------------------------------------------------------


def initiative_retire(
    *,
    by: User,
    scope: Scope,
    initiative: Initiative,
    reason: str,
    retired_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Initiative:
    """Retire an initiative that exists only on paper (or was dissolved), with the reason."""
    reason = reason.strip()
    day = retired_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Vui lòng nêu lý do thanh loại mô hình.")]
    if day > timezone.localdate():
        errors["retired_on"] = [_("Ngày thanh loại không được sau ngày hôm nay.")]
    elif day < initiative.started_on:
        errors["retired_on"] = [_("Ngày thanh loại không được trước ngày mô hình bắt đầu hoạt động.")]
    if errors:
        raise ValidationError(errors)
    if initiative.is_retired:
        raise DomainError(_("Mô hình đã được thanh loại trước đó."))
    return apply_transition(
        initiative,
        workflow=INITIATIVE,
        to=InitiativeStatus.RETIRED,
        by=by,
        scope=RetireScope(scope),
        node=initiative.node,
        reason=reason,
        expected_version=expected_version,
        updates={"retired_on": day, "retirement_reason": reason},
    )


@transaction.atomic
def initiative_replicate(
    *, by: User, scope: Scope, initiative: Initiative, nodes: Iterable[OrgNode]
) -> list[Initiative]:
    """Copy the initiative (type, name, description, indicators; not members nor activity) to each
    of `nodes`, where the user records activity; all or nothing. Each copy names its original."""
    original = Initiative.objects.select_related("initiative_type", "node").get(pk=initiative.pk)
    if not scope.sees(original.node):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    targets = list(nodes)
    if not targets:
        raise ValidationError({"nodes": [_("Vui lòng chọn ít nhất một đơn vị để nhân rộng.")]})
    if original.is_retired:
        raise DomainError(_("Mô hình đã thanh loại: không nhân rộng được."))
    if not original.initiative_type.is_active:
        raise DomainError(_("Loại mô hình đã ngừng sử dụng: không nhân rộng được."))
    already = set(
        Initiative.objects.filter(
            replicated_from=original, node__in=targets, status=InitiativeStatus.ACTIVE
        ).values_list("node_id", flat=True)
    )
    errors: list[str] = []
    for node in targets:
        if node.pk == original.node_id:
            errors.append(_("“%(node)s” là đơn vị của chính mô hình gốc.") % {"node": node.name})
        elif not scope.allows(Action.ACTIVITY_RECORD, node) or node.kind not in INITIATIVE_KINDS:
            errors.append(_("Bạn không ghi nhận mô hình tại “%(node)s” được.") % {"node": node.name})
        elif node.pk in already:
            errors.append(_("“%(node)s” đã có bản nhân rộng của mô hình này.") % {"node": node.name})
    if errors:
        raise ValidationError({"nodes": errors})
    today = timezone.localdate()
    copies = []
    for node in targets:
        copy = Initiative.objects.create(
            node=node,
            initiative_type=original.initiative_type,
            name=original.name,
            description=original.description,
            indicators=list(original.indicators),
            started_on=today,
            replicated_from=original,
            created_by=by,
        )
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=copy,
            node_path=node.path,
            changes={**diff({}, copy.snapshot()), "replicated_from": [None, original.pk]},
            reason=_("Nhân rộng từ %(name)s của %(node)s") % {"name": original, "node": original.node.name},
        )
        copies.append(copy)
    return copies
