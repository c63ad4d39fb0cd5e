"""Writes to plans: create, edit a draft, cascade from a superior's plan, issue, cancel, and the
tasks' progress. Atomic and audited; statuses change only through `workflows` tables.

A draft is edited freely by whoever holds `PLAN_MANAGE` on its node; an issued plan is immutable
except its tasks' progress and status. Every form names the version it saw: a stale one is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.documents.dates import vietnamese_date
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.choices import Comparison, PlanStatus, TargetMeasure, TaskStatus, UnitType
from antq.plans.metrics import metrics
from antq.plans.models import Plan, PlanTarget, PlanTask
from antq.plans.rules import cascade_rules
from antq.plans.workflows import PLAN, TASK

PLAN_FIELDS = (
    "year",
    "title",
    "issuer_parent",
    "issuer_name",
    "place",
    "symbol",
    "bases",
    "purpose",
    "organisation",
    "recipients",
    "signer_prefix",
    "signer_title",
    "signer_name",
)
TARGET_FIELDS = ("order", "label", "measure", "value", "of_what", "unit_types", "metric", "comparison")
TASK_FIELDS = (
    "order",
    "content",
    "measures",
    "lead_unit",
    "coordinating_units",
    "deadline",
    "check_method",
)
_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Kế hoạch đã được người khác thay đổi sau khi bạn mở trang. Các giá trị bạn nhập vẫn được "
            "giữ bên dưới: hãy tải lại trang để xem bản mới nhất rồi nhập lại."
        )
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _require(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.PLAN_MANAGE, node):
        raise PermissionDenied(_("Bạn không có quyền lập kế hoạch của cấp này."))


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name else name


def place_of(node: OrgNode) -> str:
    """The place name of the dateline: "Gia Lai" for "Tỉnh Gia Lai"; a unit takes its commune's."""
    if node.kind not in (NodeKind.NATION, NodeKind.PROVINCE, NodeKind.COMMUNE) and node.parent is not None:
        node = node.parent
    for prefix in _PLACE_PREFIXES:
        if node.name.startswith(prefix):
            return node.name[len(prefix) :]
    return node.name


def plan_defaults(node: OrgNode, year: int) -> dict[str, Any]:
    """What a new plan of this level starts with (the seeds' wording); everything stays editable."""
    administrative = node.kind in (NodeKind.PROVINCE, NodeKind.COMMUNE)
    issuer = (
        _("Ủy ban nhân dân %(name)s") % {"name": _lower_first(node.name)} if administrative else node.name
    )
    return {
        "year": year,
        "issuer_name": issuer,
        "issuer_parent": "",
        "place": place_of(node),
        "symbol": "KH-UBND" if administrative else "KH",
        "signer_prefix": _("TM. ỦY BAN NHÂN DÂN") if administrative else "",
        "signer_title": _("CHỦ TỊCH") if administrative else _("THỦ TRƯỞNG ĐƠN VỊ"),
        "recipients": _("Lưu: VT"),
    }


def default_lead(node: OrgNode) -> str:
    """The lead unit of a task copied to this level: its police for a commune or province, the unit
    itself otherwise."""
    if node.kind in (NodeKind.PROVINCE, NodeKind.COMMUNE):
        return _("Công an %(name)s") % {"name": _lower_first(node.name)}
    return node.name


# --- Cleaning --------------------------------------------------------------------------------


def _limit(model: type[Model], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", 0) or 0)


def _text(data: dict[str, Any], name: str) -> str:
    return str(data.get(name) or "").strip()


def _clean_plan(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {name: _text(data, name) for name in PLAN_FIELDS if name != "year"}
    try:
        year = int(data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Năm của kế hoạch phải từ 2000 đến 2100.")]
    out["year"] = year
    for name, message in (
        ("title", _("Vui lòng nhập trích yếu của kế hoạch.")),
        ("issuer_name", _("Vui lòng nhập cơ quan ban hành.")),
        ("symbol", _("Vui lòng nhập ký hiệu (ví dụ KH-UBND).")),
    ):
        if not out[name]:
            errors[name] = [message]
    for name in ("title", "issuer_name", "issuer_parent", "place", "symbol"):
        limit = _limit(Plan, name)
        if len(out[name]) > limit:
            errors[name] = [_("Dài quá %(n)s ký tự.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    return out


def _clean_target(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {"label": _text(data, "label"), "of_what": _text(data, "of_what")}
    if not out["label"]:
        errors["label"] = [_("Vui lòng nhập tên chỉ tiêu.")]
    if not out["of_what"]:
        errors["of_what"] = [_("Vui lòng nói rõ chỉ tiêu đếm cái gì (ví dụ: khu dân cư đăng ký).")]
    out["measure"] = data.get("measure")
    if out["measure"] not in TargetMeasure.values:
        errors["measure"] = [_("Vui lòng chọn tỷ lệ (%) hoặc số lượng.")]
    try:
        value = Decimal(str(data.get("value")))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["value"] = [_("Giá trị chỉ tiêu phải là một số.")]
    else:
        if value < 0:
            errors["value"] = [_("Giá trị chỉ tiêu không được âm.")]
        elif out["measure"] == TargetMeasure.PERCENT and value > 100:
            errors["value"] = [_("Tỷ lệ không được vượt quá 100%.")]
        elif value != value.quantize(Decimal("0.01")):
            errors["value"] = [_("Giá trị chỉ tiêu có nhiều nhất 2 chữ số thập phân.")]
        out["value"] = value
    unit_types = list(data.get("unit_types") or [])
    unknown = [code for code in unit_types if code not in UnitType.values]
    if unknown:
        errors["unit_types"] = [_("Loại đơn vị không hợp lệ: %(codes)s.") % {"codes": ", ".join(unknown)}]
    out["unit_types"] = [code for code in UnitType.values if code in unit_types]
    out["metric"] = str(data.get("metric") or "")
    catalogue = metrics()
    if out["metric"] and out["metric"] not in catalogue:
        errors["metric"] = [_("Số liệu đo chỉ tiêu không hợp lệ: %(key)s.") % {"key": out["metric"]}]
    elif out["metric"] and catalogue[out["metric"]].measure != out["measure"]:
        errors["measure"] = [
            _("“%(metric)s” là %(measure)s: chọn lại cách đo.")
            % {
                "metric": catalogue[out["metric"]].label,
                "measure": TargetMeasure(catalogue[out["metric"]].measure).label,
            }
        ]
    out["comparison"] = data.get("comparison") or Comparison.AT_LEAST
    if out["comparison"] not in Comparison.values:
        errors["comparison"] = [_("Vui lòng chọn cách so sánh.")]
    out["order"] = _order(data, errors)
    if errors:
        raise ValidationError(errors)
    return out


def _order(data: dict[str, Any], errors: dict[str, list[str]]) -> int | None:
    raw = data.get("order")
    if raw is None or raw == "":
        return None
    try:
        order = int(raw)
    except (TypeError, ValueError):
        order = 0
    if not 1 <= order <= 999:
        errors["order"] = [_("Thứ tự phải là số từ 1 đến 999.")]
    return order


def _check_deadline(
    deadline: dt.date, *, year: int, today: dt.date, before: dt.date | None, errors: dict[str, list[str]]
) -> None:
    """The deadline rule of a task in a draft: within the plan's year (01/01 to 31/12), and not
    before the day it is set — a deadline left unchanged (for instance one copied from the superior's
    plan that has since passed) is kept as it is."""
    if deadline.year != year:
        errors["deadline"] = [
            _("Thời hạn phải trong năm %(year)s của kế hoạch (từ 01/01/%(year)s đến 31/12/%(year)s).")
            % {"year": year}
        ]
    elif deadline < today and deadline != before:
        errors["deadline"] = [
            _("Thời hạn không được trước ngày hôm nay (%(today)s).") % {"today": f"{today:%d/%m/%Y}"}
        ]


def _clean_task(
    data: dict[str, Any], *, year: int, today: dt.date, before: dt.date | None = None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        name: _text(data, name)
        for name in ("content", "measures", "lead_unit", "coordinating_units", "check_method")
    }
    if not out["content"]:
        errors["content"] = [_("Vui lòng nhập nội dung nhiệm vụ.")]
    if not out["lead_unit"]:
        errors["lead_unit"] = [_("Vui lòng nhập đơn vị chủ trì.")]
    for name in ("content", "lead_unit", "coordinating_units", "check_method"):
        limit = _limit(PlanTask, name)
        if len(out[name]) > limit:
            errors[name] = [_("Dài quá %(n)s ký tự.") % {"n": limit}]
    deadline = data.get("deadline")
    if deadline is not None and not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Thời hạn phải là một ngày (ngày/tháng/năm).")]
    elif deadline is not None:
        _check_deadline(deadline, year=year, today=today, before=before, errors=errors)
    out["deadline"] = deadline
    out["order"] = _order(data, errors)
    if errors:
        raise ValidationError(errors)
    return out


# --- Plans -----------------------------------------------------------------------------------


def _locked_plan(plan: Plan, expected_version: int | None) -> Plan:
    locked = Plan.objects.select_for_update().select_related("node").get(pk=plan.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


def _draft_only(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(
            _("Kế hoạch đã ban hành hoặc đã hủy: không sửa được (chỉ cập nhật tiến độ nhiệm vụ).")
        )


@transaction.atomic
def plan_create(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> Plan:
    """Draft a plan of `node`'s level (not implementing any superior plan)."""
    _require(scope, node)
    given = {name: value for name, value in data.items() if value not in (None, "")}
    values = _clean_plan({**plan_defaults(node, 0), **given})
    plan = Plan.objects.create(node=node, created_by=by, **values)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=plan,
        node_path=node.path,
        changes=diff({}, _snapshot(plan, PLAN_FIELDS)),
    )
    return plan


@transaction.atomic
def plan_update(*, by: User, scope: Scope, plan: Plan, data: dict[str, Any], expected_version: int) -> Plan:
    """Edit a draft plan's text."""
    _require(scope, plan.node)
    locked = _locked_plan(plan, expected_version)
    _draft_only(locked)
    before = _snapshot(locked, PLAN_FIELDS)
    values = _clean_plan({**before, **data})
    if values["year"] != locked.year and locked.parent_id is not None:
        raise ValidationError({"year": [_("Kế hoạch thực hiện kế hoạch cấp trên phải cùng năm với nó.")]})
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(before, _snapshot(locked, PLAN_FIELDS))
    if not changes:
        return locked
    locked.version += 1
    locked.save()
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


def check_parent(node: OrgNode, parent: Plan) -> None:
    """A plan implements an issued plan of an ancestor level, of the same year."""
    if not (node.path.startswith(parent.node.path) and node.path != parent.node.path):
        raise ValidationError(
            {"parent": [_("Kế hoạch cấp trên phải là kế hoạch của một cấp trên của đơn vị này.")]}
        )
    if parent.status != PlanStatus.ISSUED:
        raise ValidationError({"parent": [_("Chỉ lập kế hoạch thực hiện từ kế hoạch cấp trên đã ban hành.")]})


@transaction.atomic
def plan_cascade(
    *, by: User, scope: Scope, parent: Plan, node: OrgNode, today: dt.date | None = None
) -> Plan:
    """ "Lập kế hoạch thực hiện": a draft for `node` implementing `parent`, with the parent's targets
    (inherited, editable) and tasks (deadlines back-scheduled by `data/cascade.yaml`) copied."""
    _require(scope, node)
    parent = Plan.objects.select_for_update().select_related("node").get(pk=parent.pk)
    check_parent(node, parent)
    if Plan.objects.filter(node=node, parent=parent).exclude(status=PlanStatus.CANCELLED).exists():
        raise DomainError(
            _("%(node)s đã có kế hoạch thực hiện kế hoạch này: hãy mở kế hoạch đó để sửa.")
            % {"node": node.name}
        )
    today = today or timezone.localdate()
    rules = cascade_rules()
    values = plan_defaults(node, parent.year)
    values.update(
        title=parent.title,
        bases=_("Thực hiện Kế hoạch số %(code)s %(date)s của %(issuer)s về %(title)s")
        % {
            "code": parent.code,
            "date": vietnamese_date(parent.issued_on) if parent.issued_on else "",
            "issuer": parent.issuer_name,
            "title": _lower_first(parent.title),
        },
        purpose=parent.purpose,
        organisation=parent.organisation,
        recipients="\n".join([_("%(issuer)s (để báo cáo)") % {"issuer": parent.issuer_name}, _("Lưu: VT")]),
    )
    try:
        with transaction.atomic():
            plan = Plan.objects.create(node=node, parent=parent, created_by=by, **values)
    except IntegrityError as exc:
        raise DomainError(_("%(node)s đã có kế hoạch thực hiện kế hoạch này.") % {"node": node.name}) from exc
    targets = [
        PlanTarget(
            plan=plan,
            order=t.order,
            label=t.label,
            measure=t.measure,
            value=t.value,
            of_what=t.of_what,
            unit_types=list(t.unit_types),
            metric=t.metric,
            comparison=t.comparison,
            inherited_from=t,
        )
        for t in parent.targets.all()
    ]
    PlanTarget.objects.bulk_create(targets)
    lead = default_lead(node)
    tasks = [
        PlanTask(
            plan=plan,
            order=t.order,
            content=t.content,
            measures=t.measures,
            lead_unit=lead,
            check_method=t.check_method,
            deadline=rules.back_schedule(t.deadline, node.kind, today),
            inherited_from=t,
        )
        for t in parent.tasks.all()
    ]
    PlanTask.objects.bulk_create(tasks)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=plan,
        node_path=node.path,
        changes={
            **diff({}, _snapshot(plan, PLAN_FIELDS)),
            "parent": [None, parent.pk],
            "targets": [0, len(targets)],
            "tasks": [0, len(tasks)],
        },
        reason=_("Lập từ kế hoạch cấp trên %(code)s") % {"code": parent.code},
    )
    return plan


def issue_problems(plan: Plan, values: dict[str, Any]) -> dict[str, list[str]]:
    """What stops a draft from being issued (field → messages). Late deadlines do not: see
    `selectors.plan_warnings`."""
    errors: dict[str, list[str]] = {}
    if not values.get("number"):
        errors["number"] = [_("Vui lòng nhập số của kế hoạch.")]
    elif "/" in values["number"] or len(values["number"]) > 20:
        errors["number"] = [
            _("Chỉ nhập số (ví dụ 45), không kèm ký hiệu: ký hiệu “%(symbol)s” sửa ở trang Sửa kế hoạch.")
            % {"symbol": plan.symbol}
        ]
    issued_on = values.get("issued_on")
    if not isinstance(issued_on, dt.date):
        errors["issued_on"] = [_("Vui lòng nhập ngày ban hành.")]
    elif issued_on > timezone.localdate():
        errors["issued_on"] = [_("Ngày ban hành không được sau ngày hôm nay.")]
    elif plan.parent is not None and plan.parent.issued_on and issued_on < plan.parent.issued_on:
        errors["issued_on"] = [_("Ngày ban hành không được trước ngày ban hành của kế hoạch cấp trên.")]
    if not values.get("signer_title"):
        errors["signer_title"] = [_("Vui lòng nhập chức vụ người ký.")]
    if not values.get("signer_name"):
        errors["signer_name"] = [_("Vui lòng nhập họ tên người ký.")]
    if not plan.purpose.strip():
        errors.setdefault("__all__", []).append(_("Kế hoạch chưa có mục đích, yêu cầu."))
    if not plan.tasks.exists():
        errors.setdefault("__all__", []).append(_("Kế hoạch chưa có nhiệm vụ nào."))
    return errors


def plan_issue(*, by: User, scope: Scope, plan: Plan, data: dict[str, Any], expected_version: int) -> Plan:
    """Issue a draft with its number, date and signer. Allowed even when some deadlines are later
    than the superior's: the warning stays on the plan (see docs in selectors.plan_warnings)."""
    values = {
        "number": _text(data, "number"),
        "issued_on": data.get("issued_on"),
        "signer_prefix": _text(data, "signer_prefix"),
        "signer_title": _text(data, "signer_title"),
        "signer_name": _text(data, "signer_name"),
    }
    with transaction.atomic():
        _require(scope, plan.node)
        locked = _locked_plan(plan, expected_version)
        _draft_only(locked)
        errors = issue_problems(locked, values)
        if errors:
            raise ValidationError(errors)
        taken = (
            Plan.objects.filter(
                node=locked.node, year=locked.year, number=values["number"], symbol=locked.symbol
            )
            .exclude(pk=locked.pk)
            .exists()
        )
        if taken:
            raise ValidationError({"number": [_("Số này đã dùng cho một kế hoạch khác của cấp này.")]})
        return apply_transition(
            locked,
            workflow=PLAN,
            to=PlanStatus.ISSUED,
            by=by,
            scope=scope,
            node=locked.node,
            expected_version=expected_version,
            updates={**values, "issued_by": by},
        )


def plan_cancel(*, by: User, scope: Scope, plan: Plan, reason: str, expected_version: int) -> Plan:
    """Cancel a draft or an issued plan, with a reason (kept, like every state change)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do hủy kế hoạch.")]})
    return apply_transition(
        plan,
        workflow=PLAN,
        to=PlanStatus.CANCELLED,
        by=by,
        scope=scope,
        node=plan.node,
        reason=reason,
        expected_version=expected_version,
        updates={"cancel_reason": reason},
    )


# --- Targets and tasks of a draft ------------------------------------------------------------


def _next_order(qs: Any) -> int:
    return int(qs.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def target_save(
    *,
    by: User,
    scope: Scope,
    plan: Plan,
    data: dict[str, Any],
    target: PlanTarget | None = None,
    expected_version: int | None = None,
) -> PlanTarget:
    """Add a target to a draft, or change one (an inherited target may be raised or lowered)."""
    _require(scope, plan.node)
    locked_plan = _locked_plan(plan, None)
    _draft_only(locked_plan)
    values = _clean_target(data)
    if target is None:
        values["order"] = values["order"] or _next_order(locked_plan.targets)
        row = PlanTarget.objects.create(plan=locked_plan, **values)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=row,
            node_path=locked_plan.node.path,
            changes=diff({}, _snapshot(row, TARGET_FIELDS)),
        )
        return row
    row = PlanTarget.objects.select_for_update().get(pk=target.pk, plan=locked_plan)
    if expected_version is not None and row.version != expected_version:
        raise _stale()
    before = _snapshot(row, TARGET_FIELDS)
    values["order"] = values["order"] or row.order
    for name, value in values.items():
        setattr(row, name, value)
    changes = diff(before, _snapshot(row, TARGET_FIELDS))
    if changes:
        row.version += 1
        row.save()
        record(actor=by, action=AuditAction.UPDATE, obj=row, node_path=locked_plan.node.path, changes=changes)
    return row


@transaction.atomic
def task_save(
    *,
    by: User,
    scope: Scope,
    plan: Plan,
    data: dict[str, Any],
    task: PlanTask | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> PlanTask:
    """Add a task to a draft, or change one. Its deadline must fall within the plan's year and not
    before `today` (default: the current date) unless left unchanged; it may be later than the
    superior's: the plan then shows a warning."""
    _require(scope, plan.node)
    locked_plan = _locked_plan(plan, None)
    _draft_only(locked_plan)
    was_due = task.deadline if task is not None else None
    values = _clean_task(data, year=locked_plan.year, today=today or timezone.localdate(), before=was_due)
    if task is None:
        values["order"] = values["order"] or _next_order(locked_plan.tasks)
        row = PlanTask.objects.create(plan=locked_plan, **values)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=row,
            node_path=locked_plan.node.path,
            changes=diff({}, _snapshot(row, TASK_FIELDS)),
        )
        return row
    row = PlanTask.objects.select_for_update().get(pk=task.pk, plan=locked_plan)
    if expected_version is not None and row.version != expected_version:
        raise _stale()
    before = _snapshot(row, TASK_FIELDS)
    values["order"] = values["order"] or row.order
    for name, value in values.items():
        setattr(row, name, value)
    changes = diff(before, _snapshot(row, TASK_FIELDS))
    if changes:
        row.version += 1
        row.save()
        record(actor=by, action=AuditAction.UPDATE, obj=row, node_path=locked_plan.node.path, changes=changes)
    return row


@transaction.atomic
def item_delete(*, by: User, scope: Scope, item: PlanTarget | PlanTask) -> None:
    """Remove a target or a task from a draft (audited with what it said)."""
    plan = item.plan
    _require(scope, plan.node)
    locked_plan = _locked_plan(plan, None)
    _draft_only(locked_plan)
    fields = TARGET_FIELDS if isinstance(item, PlanTarget) else TASK_FIELDS
    before = _snapshot(item, fields)
    record(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=item,
        node_path=locked_plan.node.path,
        changes={name: [value, None] for name, value in before.items()},
        reason=_("Xóa khỏi dự thảo"),
    )
    type(item)._default_manager.filter(pk=item.pk).delete()


# --- Progress of an issued plan --------------------------------------------------------------


def task_progress(
    *,
    by: User,
    scope: Scope,
    task: PlanTask,
    status: str,
    progress: int,
    expected_version: int,
    reason: str = "",
) -> PlanTask:
    """Record a task's progress (and status) on an issued plan; a status change goes through the
    TASK workflow, a progress change alone is an audited update."""
    errors: dict[str, list[str]] = {}
    if status not in TaskStatus.values:
        errors["status"] = [_("Vui lòng chọn tình trạng.")]
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = [_("Tiến độ phải là số nguyên từ 0 đến 100.")]
    elif status == TaskStatus.DONE:
        progress = 100
    elif progress == 100:
        errors["progress"] = [_("Tiến độ 100%: hãy chọn tình trạng “Hoàn thành”.")]
    elif status == TaskStatus.NOT_STARTED and progress > 0:
        errors["progress"] = [_("Nhiệm vụ chưa thực hiện thì tiến độ là 0%.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PlanTask.objects.select_for_update().select_related("plan", "plan__node").get(pk=task.pk)
        node = locked.plan.node
        _require(scope, node)
        if locked.plan.status != PlanStatus.ISSUED:
            raise DomainError(_("Chỉ cập nhật tiến độ nhiệm vụ của kế hoạch đã ban hành."))
        if locked.version != expected_version:
            raise _stale()
        if status != locked.status:
            return apply_transition(
                locked,
                workflow=TASK,
                to=status,
                by=by,
                scope=scope,
                node=node,
                reason=reason,
                expected_version=expected_version,
                updates={"progress": progress},
            )
        if progress == locked.progress:
            raise DomainError(_("Không có thay đổi nào về tiến độ."))
        before = locked.progress
        locked.progress = progress
        locked.version += 1
        locked.save(update_fields=["progress", "version", "updated_at"])
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            node_path=node.path,
            changes={"progress": [before, progress]},
            reason=reason.strip(),
        )
        return locked
