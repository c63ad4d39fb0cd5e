"""Writes of the inspections app: plan, edit, fill the checklist, move through the workflow, record
findings and their follow-up, close them, set a province's target. Atomic and audited.

Every status change goes through `antq.core.workflow.apply_transition` with the tables of
`workflows.py`; every other write checks the version the user saw (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.criteria.engine.schema import TT124Framework
from antq.criteria.evaluation import TT124_CODE
from antq.criteria.models import FrameworkVersion
from antq.criteria.selectors import active_version, engine_framework
from antq.inspections import workflows
from antq.inspections.choices import (
    EDITABLE_STATUSES,
    FINDING_STATUSES,
    CheckResult,
    FindingStatus,
    InspectionStatus,
)
from antq.inspections.models import (
    Finding,
    FindingUpdate,
    Inspection,
    InspectionCheck,
    InspectionMember,
    InspectionTarget,
)
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode

# What may be inspected: a unit (by the commune police or the province) or a commune (by the province).
INSPECTABLE_KINDS: frozenset[str] = UNIT_KINDS | {NodeKind.COMMUNE}
# Where the inspecting level sits.
INSPECTOR_KINDS: frozenset[str] = frozenset({NodeKind.COMMUNE, NodeKind.PROVINCE})

STALE = _(
    "Cuộc kiểm tra đã được người khác thay đổi sau khi bạn mở trang. Nội dung bạn nhập vẫn được giữ "
    "bên dưới: hãy xem lại bản mới nhất rồi lưu lại."
)


@dataclass(frozen=True)
class Member:
    """A line of the team: name and position."""

    name: str
    position: str


def _require(scope: Scope, action: str, node: OrgNode, message: str) -> None:
    if not scope.allows(action, node):
        raise PermissionDenied(message)


def acts_for_inspector(scope: Scope, inspection: Inspection) -> bool:
    """Whether one of the user's `INSPECT` grants covers the inspecting level
    (`inspection.inspector_node`): the commune police act only for inspections their commune leads,
    a province officer for those of their province, an administrator for all. Node kind limits do
    not apply here: they bound what is inspected, not who leads."""
    path = inspection.inspector_node.path
    return any(
        Action.INSPECT in ROLE_ACTIONS.get(grant.role, frozenset()) and grant.covers(path)
        for grant in scope.grants
    )


def may_inspect(scope: Scope, inspection: Inspection) -> bool:
    """The one rule for acting on an inspection (team, checklist, workflow, findings): `INSPECT` on
    the inspected node and acting for the inspecting level. Viewing needs neither."""
    return scope.allows(Action.INSPECT, inspection.node) and acts_for_inspector(scope, inspection)


def _require_inspector(scope: Scope, inspection: Inspection, message: str) -> None:
    if not scope.allows(Action.INSPECT, inspection.node):
        raise PermissionDenied(message)
    if not acts_for_inspector(scope, inspection):
        raise PermissionDenied(
            _("Cuộc kiểm tra này do %(level)s thực hiện: chỉ cấp kiểm tra đó được thao tác.")
            % {"level": inspection.inspector_node.name}
        )


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(str(STALE))


def _lock(inspection: Inspection, expected_version: int | None) -> Inspection:
    locked = (
        Inspection.objects.select_for_update().select_related("node", "inspector_node").get(pk=inspection.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


def _bump(inspection: Inspection) -> None:
    inspection.version += 1
    inspection.save(update_fields=["version", "updated_at"])


# --- Checklist source -------------------------------------------------------------------------


def tt124_on(node: OrgNode, day: dt.date) -> tuple[TT124Framework, str] | None:
    """The TT 124 framework in force on `day` where `node` is (its province's variant, else the
    national version; the earliest version for a day before any took effect), with its version
    label. None when no TT 124 version is stored."""
    version = active_version(TT124_CODE, node, day)
    if version is None:
        version = (
            FrameworkVersion.objects.filter(framework__code=TT124_CODE, province__isnull=True)
            .order_by("effective_from", "id")
            .first()
        )
    if version is None:
        return None
    framework = engine_framework(version)
    if not isinstance(framework, TT124Framework):
        return None
    return framework, version.label


def checklist_for(node: OrgNode, day: dt.date) -> tuple[list[tuple[str, str]], str]:
    """(criterion id, text) of every TT 124 criterion of the node's kind, and the version label."""
    found = tt124_on(node, day)
    if found is None:
        raise DomainError(
            _(
                "Chưa có bộ tiêu chí TT 124 nào trong cơ sở dữ liệu, nên chưa lập được danh mục tiêu chí "
                "kiểm tra: hãy liên hệ quản trị hệ thống (lệnh `antq load_frameworks`)."
            )
        )
    framework, label = found
    if node.kind not in framework.unit_types:
        return [], label
    return [(c.id, c.text_vi) for c in framework.criteria_for(node.kind).criteria], label


# --- Inspections ------------------------------------------------------------------------------


def _ancestors(node: OrgNode) -> dict[str, OrgNode]:
    """The node's ancestors by path (one query)."""
    return {a.path: a for a in OrgNode.objects.filter(path__in=node.ancestor_paths())}


def _commune_of(node: OrgNode, ancestors: dict[str, OrgNode]) -> OrgNode:
    if node.kind == NodeKind.COMMUNE:
        return node
    for path in sorted(ancestors, key=len, reverse=True):
        if ancestors[path].kind == NodeKind.COMMUNE:
            return ancestors[path]
    raise ValidationError({"node": [_("Đơn vị được kiểm tra không thuộc xã, phường, đặc khu nào.")]})


def _inspector_node(scope: Scope, node: OrgNode, ancestors: dict[str, OrgNode]) -> OrgNode:
    """The level that inspects: the node of the user's own grant allowing the inspection (their
    commune, their province); for a grant held higher up (a system administrator), the province."""
    for grant in sorted(scope.grants, key=lambda g: len(g.path), reverse=True):
        kinds = grant.kinds_for(Action.INSPECT)
        if Action.INSPECT not in ROLE_ACTIONS.get(grant.role, frozenset()):
            continue
        if not grant.covers(node.path) or (kinds is not None and node.kind not in kinds):
            continue
        holder = ancestors.get(grant.path)
        if holder is not None and holder.kind in INSPECTOR_KINDS:
            return holder
    for path in sorted(ancestors, key=len):
        if ancestors[path].kind == NodeKind.PROVINCE:
            return ancestors[path]
    raise ValidationError({"node": [_("Không xác định được cấp kiểm tra của đơn vị này.")]})


def _member(raw: Any) -> tuple[str, str]:
    if isinstance(raw, dict):
        return str(raw.get("name") or "").strip(), str(raw.get("position") or "").strip()
    return str(getattr(raw, "name", "") or "").strip(), str(getattr(raw, "position", "") or "").strip()


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check the date, the basis and the team; field errors all at once."""
    errors: dict[str, list[str]] = {}
    day = data.get("inspected_on")
    if not isinstance(day, dt.date):
        errors["inspected_on"] = [_("Vui lòng nhập ngày kiểm tra.")]
    basis = str(data.get("basis") or "").strip()
    if not basis:
        errors["basis"] = [_("Vui lòng nêu căn cứ kiểm tra (kế hoạch, quyết định thành lập đoàn…).")]
    team: list[Member] = []
    for index, raw in enumerate(data.get("team") or [], start=1):
        name, position = _member(raw)
        if not name or not position:
            errors.setdefault("team", []).append(
                _("Thành viên thứ %(n)s: cần có cả họ tên và chức vụ.") % {"n": index}
            )
            continue
        if len(name) > 120 or len(position) > 200:
            errors.setdefault("team", []).append(
                _("Thành viên thứ %(n)s: họ tên tối đa 120 ký tự, chức vụ tối đa 200 ký tự.") % {"n": index}
            )
            continue
        team.append(Member(name, position))
    if not team and "team" not in errors:
        errors["team"] = [_("Vui lòng ghi ít nhất một thành viên đoàn kiểm tra.")]
    if errors:
        raise ValidationError(errors)
    return {"inspected_on": day, "basis": basis, "team": team}


def _save_team(inspection: Inspection, team: list[Member]) -> None:
    inspection.members.all().delete()
    InspectionMember.objects.bulk_create(
        InspectionMember(inspection=inspection, order=i, name=m.name, position=m.position)
        for i, m in enumerate(team, start=1)
    )


@transaction.atomic
def inspection_create(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> Inspection:
    """Plan an inspection of a unit or a commune; its checklist is the TT 124 criteria of the
    node's kind in force on the day of the inspection."""
    _require(scope, Action.INSPECT, node, _("Bạn không có quyền kiểm tra đơn vị này."))
    if node.kind not in INSPECTABLE_KINDS:
        raise ValidationError(
            {"node": [_("Chỉ kiểm tra một đơn vị (khu dân cư, cơ quan, doanh nghiệp, trường) hoặc một xã.")]}
        )
    clean = _clean(data)
    criteria, version_label = checklist_for(node, clean["inspected_on"])
    ancestors = _ancestors(node)
    inspection = Inspection.objects.create(
        node=node,
        commune=_commune_of(node, ancestors),
        inspector_node=_inspector_node(scope, node, ancestors),
        inspected_on=clean["inspected_on"],
        basis=clean["basis"],
        framework_version=version_label,
        created_by=by,
    )
    _save_team(inspection, clean["team"])
    InspectionCheck.objects.bulk_create(
        InspectionCheck(inspection=inspection, order=i, criterion_id=cid, label=text)
        for i, (cid, text) in enumerate(criteria, start=1)
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=inspection,
        node_path=node.path,
        changes={
            **diff({}, inspection.snapshot()),
            "inspector_node": [None, inspection.inspector_node.name],
            "checklist": [None, [cid for cid, _text in criteria]],
        },
    )
    return inspection


@transaction.atomic
def inspection_update(
    *, by: User, scope: Scope, inspection: Inspection, data: dict[str, Any], expected_version: int
) -> Inspection:
    """Change the date, the basis or the team of a planned or running inspection."""
    locked = _lock(inspection, expected_version)
    _require_inspector(scope, locked, _("Bạn không có quyền sửa cuộc kiểm tra này."))
    if locked.status not in EDITABLE_STATUSES:
        raise DomainError(_("Cuộc kiểm tra đã kết luận: không sửa được ngày, căn cứ và thành phần đoàn."))
    clean = _clean(data)
    before = locked.snapshot()
    after = {
        "inspected_on": clean["inspected_on"].isoformat(),
        "basis": clean["basis"],
        "team": [f"{m.name} — {m.position}" for m in clean["team"]],
    }
    changes: dict[str, Any] = diff(before, after)
    if not changes:
        # Nothing changed: no new version (other open pages stay valid), no audit entry.
        return locked
    if "inspected_on" in changes:
        changes.update(_recheck_checklist(locked, clean["inspected_on"]))
    locked.inspected_on = clean["inspected_on"]
    locked.basis = clean["basis"]
    locked.version += 1
    locked.save(update_fields=["inspected_on", "basis", "framework_version", "version", "updated_at"])
    if "team" in changes:
        _save_team(locked, clean["team"])
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


def _recheck_checklist(inspection: Inspection, day: dt.date) -> dict[str, list[Any]]:
    """On a new inspection date, the checklist must come from the TT 124 version in force that day:
    the same version keeps the checklist; another one rebuilds it while no result is recorded, and
    is refused once results (or findings tied to a criterion) exist. Returns the audit changes and
    sets `framework_version` on the (unsaved) inspection."""
    criteria, label = checklist_for(inspection.node, day)
    if label == inspection.framework_version:
        return {}
    checks = list(inspection.checks.all())
    recorded = any(c.result != CheckResult.NOT_CHECKED or c.note for c in checks)
    if recorded or inspection.findings.exclude(criterion_id="").exists():
        raise ValidationError(
            {
                "inspected_on": [
                    _(
                        "Ngày kiểm tra mới thuộc thời gian áp dụng bộ tiêu chí TT 124 phiên bản %(new)s, "
                        "khác phiên bản %(old)s của danh mục đã lập, nhưng danh mục đã có kết quả kiểm "
                        "tra (hoặc kiến nghị gắn với tiêu chí) nên không lập lại được. Hãy giữ ngày cũ, "
                        "hoặc lập cuộc kiểm tra mới cho ngày này."
                    )
                    % {"new": label, "old": inspection.framework_version or "—"}
                ]
            }
        )
    inspection.checks.all().delete()
    InspectionCheck.objects.bulk_create(
        InspectionCheck(inspection=inspection, order=i, criterion_id=cid, label=text)
        for i, (cid, text) in enumerate(criteria, start=1)
    )
    old_version = inspection.framework_version
    inspection.framework_version = label
    return {
        "framework_version": [old_version, label],
        "checklist": [[c.criterion_id for c in checks], [cid for cid, _text in criteria]],
    }


@transaction.atomic
def checklist_save(
    *,
    by: User,
    scope: Scope,
    inspection: Inspection,
    results: dict[int, tuple[str, str]],
    expected_version: int,
) -> Inspection:
    """Record the result and note of checklist rows ({check id: (result, note)}) during the inspection."""
    locked = _lock(inspection, expected_version)
    _require_inspector(scope, locked, _("Bạn không có quyền ghi kết quả kiểm tra."))
    if locked.status != InspectionStatus.IN_PROGRESS:
        raise DomainError(_("Chỉ ghi kết quả theo tiêu chí khi cuộc kiểm tra đang tiến hành."))
    checks = {c.pk: c for c in locked.checks.all()}
    errors: dict[str, list[str]] = {}
    changed: list[InspectionCheck] = []
    changes: dict[str, list[Any]] = {}
    for pk, (result, note) in results.items():
        check = checks.get(pk)
        if check is None:
            raise ValidationError(_("Danh mục tiêu chí không khớp với cuộc kiểm tra: hãy tải lại trang."))
        note = (note or "").strip()
        if result not in CheckResult.values:
            errors[f"result_{pk}"] = [
                _("Tiêu chí %(id)s: kết quả không hợp lệ.") % {"id": check.criterion_id}
            ]
            continue
        if result == CheckResult.NOT_MET and not note:
            errors[f"note_{pk}"] = [
                _("Tiêu chí %(id)s chưa đạt: vui lòng ghi rõ lý do.") % {"id": check.criterion_id}
            ]
            continue
        if len(note) > 1000:
            errors[f"note_{pk}"] = [
                _("Tiêu chí %(id)s: ghi chú tối đa 1000 ký tự.") % {"id": check.criterion_id}
            ]
            continue
        if (check.result, check.note) != (result, note):
            changes[check.criterion_id] = [
                {"result": check.result, "note": check.note},
                {"result": result, "note": note},
            ]
            check.result, check.note = result, note
            changed.append(check)
    if errors:
        raise ValidationError(errors)
    if changed:
        InspectionCheck.objects.bulk_update(changed, ["result", "note"])
        _bump(locked)
        record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


@transaction.atomic
def inspection_transition(
    *,
    by: User,
    scope: Scope,
    inspection: Inspection,
    to: str,
    expected_version: int,
    conclusion: str = "",
    reason: str = "",
) -> Inspection:
    """Start, conclude (with the conclusion text) or close (once every finding is closed)."""
    locked = _lock(inspection, expected_version)
    _require_inspector(scope, locked, _("Bạn không có quyền thực hiện thao tác này."))
    updates: dict[str, Any] = {}
    if to == InspectionStatus.CONCLUDED:
        conclusion = conclusion.strip()
        if not conclusion:
            raise ValidationError({"conclusion": [_("Vui lòng ghi kết luận kiểm tra.")]})
        updates["conclusion"] = conclusion
    if to == InspectionStatus.CLOSED:
        still_open = locked.findings.filter(status=FindingStatus.OPEN).count()
        if still_open:
            raise DomainError(
                _(
                    "Còn %(n)s kiến nghị chưa khắc phục xong: chỉ kết thúc cuộc kiểm tra khi mọi kiến "
                    "nghị đã được đóng."
                )
                % {"n": still_open}
            )
    return apply_transition(
        locked,
        workflow=workflows.INSPECTION,
        to=to,
        by=by,
        scope=scope,
        node=locked.node,
        reason=reason,
        expected_version=expected_version,
        updates=updates,
    )


# --- Findings ---------------------------------------------------------------------------------


def _clean_finding(inspection: Inspection, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    description = str(data.get("description") or "").strip()
    if not description:
        errors["description"] = [_("Vui lòng ghi nội dung tồn tại, hạn chế cần khắc phục.")]
    owner = str(data.get("owner") or "").strip()
    if not owner:
        errors["owner"] = [_("Vui lòng ghi người hoặc bộ phận chịu trách nhiệm khắc phục.")]
    elif len(owner) > 300:
        errors["owner"] = [_("Người, bộ phận chịu trách nhiệm: tối đa 300 ký tự.")]
    due_on = data.get("due_on")
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("Vui lòng nhập hạn khắc phục.")]
    elif due_on < inspection.inspected_on:
        errors["due_on"] = [
            _("Hạn khắc phục không được trước ngày kiểm tra (%(date)s).")
            % {"date": f"{inspection.inspected_on:%d/%m/%Y}"}
        ]
    criterion_id = str(data.get("criterion_id") or "").strip()
    if criterion_id and not inspection.checks.filter(criterion_id=criterion_id).exists():
        errors["criterion_id"] = [
            _("Tiêu chí “%(id)s” không có trong danh mục của cuộc kiểm tra này.") % {"id": criterion_id}
        ]
    if errors:
        raise ValidationError(errors)
    return {"description": description, "owner": owner, "due_on": due_on, "criterion_id": criterion_id}


@transaction.atomic
def finding_add(*, by: User, scope: Scope, inspection: Inspection, data: dict[str, Any]) -> Finding:
    """Record a finding of a running or concluded inspection."""
    locked = _lock(inspection, None)
    _require_inspector(scope, locked, _("Bạn không có quyền ghi kiến nghị cho cuộc kiểm tra này."))
    if locked.status not in FINDING_STATUSES:
        raise DomainError(_("Chỉ ghi kiến nghị khi cuộc kiểm tra đang tiến hành hoặc đã kết luận."))
    finding = Finding.objects.create(inspection=locked, created_by=by, **_clean_finding(locked, data))
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=finding,
        node_path=locked.node.path,
        changes=diff({}, finding.snapshot()),
    )
    return finding


def _lock_finding(finding: Finding, expected_version: int | None) -> Finding:
    locked = (
        Finding.objects.select_for_update()
        .select_related("inspection", "inspection__node", "inspection__inspector_node")
        .get(pk=finding.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Kiến nghị đã được người khác cập nhật sau khi bạn mở trang. Hãy tải lại trang rồi thực "
                "hiện lại."
            )
        )
    return locked


@transaction.atomic
def finding_follow_up(*, by: User, scope: Scope, finding: Finding, note: str) -> FindingUpdate:
    """Add an entry to an open finding's follow-up log."""
    locked = _lock_finding(finding, None)
    node = locked.inspection.node
    _require_inspector(scope, locked.inspection, _("Bạn không có quyền ghi theo dõi kiến nghị này."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Vui lòng ghi nội dung theo dõi khắc phục.")]})
    if locked.status != FindingStatus.OPEN:
        raise DomainError(_("Kiến nghị đã đóng: không ghi thêm theo dõi."))
    entry = FindingUpdate.objects.create(finding=locked, by=by, note=note)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=entry,
        node_path=node.path,
        changes={"finding": [None, locked.pk], "note": [None, note]},
    )
    return entry


@transaction.atomic
def finding_close(*, by: User, scope: Scope, finding: Finding, note: str, expected_version: int) -> Finding:
    """Close a finding with the note of what was done (the audit entry's reason)."""
    locked = _lock_finding(finding, expected_version)
    _require_inspector(scope, locked.inspection, _("Bạn không có quyền đóng kiến nghị này."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Vui lòng ghi kết quả khắc phục khi đóng kiến nghị.")]})
    return apply_transition(
        locked,
        workflow=workflows.FINDING,
        to=FindingStatus.CLOSED,
        by=by,
        scope=scope,
        node=locked.inspection.node,
        reason=note,
        expected_version=expected_version,
        updates={"closing_note": note, "closed_on": timezone.localdate()},
    )


# --- Targets ----------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    by: User,
    scope: Scope,
    province: OrgNode,
    year: int,
    count: int,
    basis: str,
    expected_version: int | None,
) -> InspectionTarget:
    """Set (or change) how many inspections the province plans for the year."""
    _require(scope, Action.PLAN_MANAGE, province, _("Bạn không có quyền giao chỉ tiêu kiểm tra của tỉnh."))
    if province.kind != NodeKind.PROVINCE:
        raise ValidationError({"province": [_("Chỉ tiêu kiểm tra được giao cho một tỉnh.")]})
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Năm không hợp lệ.")]
    if not isinstance(count, int) or count < 0:
        errors["count"] = [_("Số cuộc kiểm tra phải là số nguyên không âm.")]
    basis = basis.strip()
    if not basis:
        errors["basis"] = [_("Vui lòng nêu căn cứ giao chỉ tiêu (kế hoạch, văn bản…).")]
    if errors:
        raise ValidationError(errors)
    target = InspectionTarget.objects.select_for_update().filter(province=province, year=year).first()
    if target is None:
        if expected_version:
            raise ConcurrentEditError(
                _("Chỉ tiêu đã thay đổi sau khi bạn mở trang. Hãy tải lại trang rồi thực hiện lại.")
            )
        target = InspectionTarget.objects.create(province=province, year=year, count=count, basis=basis)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=target,
            node_path=province.path,
            changes={"year": [None, year], **diff({}, target.snapshot())},
        )
        return target
    if expected_version != target.version:
        raise ConcurrentEditError(
            _(
                "Chỉ tiêu đã được người khác thay đổi sau khi bạn mở trang (hiện là %(n)s cuộc). Nội dung "
                "bạn nhập vẫn được giữ: hãy xem lại rồi lưu lại."
            )
            % {"n": target.count}
        )
    before = target.snapshot()
    target.count, target.basis = count, basis
    changes = diff(before, target.snapshot())
    if changes:
        target.version += 1
        target.save(update_fields=["count", "basis", "version", "updated_at"])
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=target,
            node_path=province.path,
            changes={"year": [year, year], **changes},
        )
    return target
