"""Writes of the reports app: start a report, save its narrative (refreshing its statistics),
submit, accept, return; define a province's own report. Atomic and audited; statuses change only
through `workflows.REPORT`; every form names the version it saw and a stale one is refused.

A report is editable while it is a draft or returned; once submitted it is immutable until the
level above returns it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.dashboards.figures import child_figures
from antq.org.models import OrgNode
from antq.reports import selectors
from antq.reports.choices import ReportStatus
from antq.reports.models import Report, ReportDefinition
from antq.reports.statistics import (
    figure_statistics,
    own_statistics,
    row_snapshot,
    subtract,
    sum_statistics,
)
from antq.reports.workflows import REPORT

YEARS = (2000, 2100)
NARRATIVE_LIMIT = 20000


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Báo cáo đã được người khác thay đổi sau khi bạn mở trang. Nội dung bạn nhập vẫn được giữ "
            "bên dưới: hãy tải lại trang để xem bản mới nhất rồi nhập lại."
        )
    )


def _require(scope: Scope, action: str, node: OrgNode) -> None:
    if not scope.allows(action, node):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def snapshot(report: Report) -> dict[str, Any]:
    """The statistics of the report now (statistics.py says who fills what), its rows and, until
    it is first sent, its deadline. A node some of whose children write the report adds up their
    received reports, plus what of its subtree no reporting child covers; any other node counts
    its subtree (`dashboards.figures`). Constant queries whatever the number of children."""
    definition = report.definition
    keys = list(definition.statistics)
    values: dict[str, Any] = {"computed_at": timezone.now(), "row_keys": row_snapshot(keys)}
    if report.submitted_at is None:
        values["due_on"] = definition.deadline_for(report.level, report.year)
    children = list(selectors.expected_children(definition, report.node))
    if not children:
        values.update(
            statistics=own_statistics(report.node, report.year, keys),
            lacking={},
            children_expected=None,
            children_reported=None,
        )
        return values
    received = selectors.received_child_statistics(report, children)
    per_child = child_figures(report.node, report.year, children)
    rest = subtract(
        own_statistics(report.node, report.year, keys),
        [figure_statistics(per_child[child.pk], keys) for child in children],
    )
    stats, lacking = sum_statistics(received, keys, base=rest)
    values.update(
        statistics=stats, lacking=lacking, children_expected=len(children), children_reported=len(received)
    )
    return values


def with_current_figures(report: Report) -> Report:
    """The report as it is read: a draft or returned one with its statistics taken now (in memory,
    nothing saved), so its figures follow the children's reports sent, returned or accepted since
    it was last saved; a submitted or accepted one with the figures it was sent with. A fixed
    number of queries whatever the number of children (`snapshot`)."""
    if report.is_editable:
        for name, value in snapshot(report).items():
            setattr(report, name, value)
    return report


@transaction.atomic
def report_start(*, by: User, scope: Scope, definition: ReportDefinition, year: int, node: OrgNode) -> Report:
    """Open `node`'s report of `definition` for `year` (its existing one if already started)."""
    _require(scope, Action.REPORT_WRITE, node)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError({"year": [_("Năm báo cáo phải từ 2000 đến 2100.")]})
    if not definition.is_active:
        raise DomainError(_("Loại báo cáo này không còn áp dụng."))
    if not definition.applies_to(node):
        raise DomainError(
            _("%(node)s không phải lập “%(title)s”.") % {"node": node.name, "title": definition.title}
        )
    existing = Report.objects.filter(definition=definition, year=year, node=node).first()
    if existing is not None:
        return existing
    report = Report(
        definition=definition,
        year=year,
        node=node,
        created_by=by,
        narratives=[{"heading": heading, "text": ""} for heading in definition.sections],
    )
    for name, value in snapshot(report).items():
        setattr(report, name, value)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # two clicks at once: the other one created it
        return Report.objects.get(definition=definition, year=year, node=node)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=report,
        node_path=node.path,
        changes={"definition": [None, definition.code], "year": [None, year]},
    )
    return report


def _locked(report: Report, expected_version: int | None) -> Report:
    locked = Report.objects.select_for_update().select_related("definition", "node").get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


def _editable(report: Report) -> None:
    if not report.is_editable:
        raise DomainError(_("Báo cáo đã gửi: không sửa được nữa (cấp trên trả lại thì mới sửa được)."))


def _clean_narratives(report: Report, texts: list[str]) -> list[dict[str, str]]:
    items = report.narrative_items()
    if len(texts) != len(items):
        raise ValidationError(
            {"narratives": [_("Báo cáo có %(n)s phần nội dung: gửi đủ từng phần.") % {"n": len(items)}]}
        )
    out = []
    for item, text in zip(items, texts, strict=True):
        text = str(text or "").strip()
        if len(text) > NARRATIVE_LIMIT:
            raise ValidationError(
                {
                    "narratives": [
                        _("Phần “%(heading)s” dài quá %(n)s ký tự.")
                        % {"heading": item["heading"], "n": NARRATIVE_LIMIT}
                    ]
                }
            )
        out.append({"heading": str(item.get("heading", "")), "text": text})
    return out


@transaction.atomic
def report_update(
    *, by: User, scope: Scope, report: Report, texts: list[str], expected_version: int
) -> Report:
    """Save the narrative of a draft or returned report; its statistics are taken again."""
    _require(scope, Action.REPORT_WRITE, report.node)
    locked = _locked(report, expected_version)
    _editable(locked)
    narratives = _clean_narratives(locked, texts)
    before = {item["heading"]: item.get("text", "") for item in locked.narrative_items()}
    after = {item["heading"]: item["text"] for item in narratives}
    locked.narratives = narratives
    for name, value in snapshot(locked).items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        node_path=locked.node.path,
        changes=diff(before, after),
    )
    return locked


def _notify(action: str, report: Report, kind: str, title: Any) -> None:
    from antq.notifications.services import notify_action_holders

    notify_action_holders(
        action=action,
        node=report.node,
        kind=kind,
        title=title,
        body=f"{report.definition.title} {report.year} · {report.node.name}",
        url=reverse("reports:detail", args=[report.pk]),
    )


def report_submit(
    *, by: User, scope: Scope, report: Report, expected_version: int, now: dt.datetime | None = None
) -> Report:
    """Send the report up: every section written; the statistics are taken a last time. `now`
    (default: the current time) stamps the submission; the demo replays a year with it."""
    from antq.notifications.models import NotificationKind

    with transaction.atomic():
        _require(scope, Action.REPORT_WRITE, report.node)
        locked = _locked(report, expected_version)
        _editable(locked)
        empty = [
            item["heading"] for item in locked.narrative_items() if not str(item.get("text", "")).strip()
        ]
        if empty:
            raise ValidationError(
                {
                    "narratives": [
                        _("Vui lòng viết phần “%(heading)s” trước khi gửi.") % {"heading": heading}
                        for heading in empty
                    ]
                }
            )
        now = now or timezone.now()
        updates: dict[str, Any] = {
            **snapshot(locked),
            "submitted_at": locked.submitted_at or now,
            "last_submitted_at": now,
            "submitted_by": by,
            "return_reason": "",
        }
        done = apply_transition(
            locked,
            workflow=REPORT,
            to=ReportStatus.SUBMITTED,
            by=by,
            scope=scope,
            node=locked.node,
            expected_version=expected_version,
            updates=updates,
            unaudited=frozenset({"statistics", "computed_at"}),
        )
        _notify(
            Action.REPORT_REVIEW, done, NotificationKind.SUBMITTED, gettext_lazy("Báo cáo định kỳ mới gửi")
        )
    return done


def _require_receiver(scope: Scope, report: Report) -> None:
    from antq.reports.access import receives

    if not receives(scope, report):
        raise PermissionDenied(_("Chỉ cấp nhận báo cáo (cấp trên trực tiếp) mới tiếp nhận, trả lại được."))


def report_accept(*, by: User, scope: Scope, report: Report, expected_version: int) -> Report:
    """The level above takes the report in: its figures now count in the superior's report."""
    from antq.notifications.models import NotificationKind

    _require_receiver(scope, report)
    with transaction.atomic():
        done = apply_transition(
            report,
            workflow=REPORT,
            to=ReportStatus.ACCEPTED,
            by=by,
            scope=scope,
            node=report.node,
            expected_version=expected_version,
            updates={"reviewed_at": timezone.now(), "reviewed_by": by},
        )
        _notify(
            Action.REPORT_WRITE, done, NotificationKind.APPROVED, gettext_lazy("Báo cáo đã được tiếp nhận")
        )
    return done


def report_return(*, by: User, scope: Scope, report: Report, reason: str, expected_version: int) -> Report:
    """The level above returns the report for corrections, saying why."""
    from antq.notifications.models import NotificationKind

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do trả lại báo cáo.")]})
    _require_receiver(scope, report)
    with transaction.atomic():
        done = apply_transition(
            report,
            workflow=REPORT,
            to=ReportStatus.RETURNED,
            by=by,
            scope=scope,
            node=report.node,
            reason=reason,
            expected_version=expected_version,
            updates={"reviewed_at": timezone.now(), "reviewed_by": by, "return_reason": reason},
        )
        _notify(Action.REPORT_WRITE, done, NotificationKind.RETURNED, gettext_lazy("Báo cáo bị trả lại"))
    return done


# --- A province's own definitions ------------------------------------------------------------

DEFINITION_FIELDS = (
    "code",
    "title",
    "period_start",
    "period_end",
    "deadlines",
    "sections",
    "statistics",
    "basis",
    "is_active",
)


def _clean_definition(data: dict[str, Any]) -> dict[str, Any]:
    from django.utils.text import slugify

    from antq.reports.choices import LEVEL_ORDER, ReportLevel
    from antq.reports.definitions import month_day_problem
    from antq.reports.statistics import ROW_KEYS

    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {"title": str(data.get("title") or "").strip()}
    if not out["title"]:
        errors["title"] = [_("Vui lòng nhập tên báo cáo.")]
    elif len(out["title"]) > 300:
        errors["title"] = [_("Dài quá %(n)s ký tự.") % {"n": 300}]
    out["code"] = slugify(str(data.get("code") or "").strip() or out["title"])[:40]
    if not out["code"]:
        errors["code"] = [_("Vui lòng nhập mã (chữ không dấu, số, gạch nối).")]
    for name, label in (("period_start", _("Kỳ báo cáo từ")), ("period_end", _("Kỳ báo cáo đến"))):
        out[name] = str(data.get(name) or "").strip()
        if month_day_problem(out[name]):
            errors[name] = [_("%(label)s: nhập tháng-ngày, ví dụ 06-30.") % {"label": label}]
    if (
        "period_start" not in errors
        and "period_end" not in errors
        and out["period_start"] > out["period_end"]
    ):
        errors["period_end"] = [_("Kỳ báo cáo phải kết thúc sau ngày bắt đầu (trong cùng một năm).")]
    deadlines: dict[str, str] = {}
    for level in LEVEL_ORDER:
        due = str((data.get("deadlines") or {}).get(level) or "").strip()
        if not due:
            continue
        if month_day_problem(due):
            errors.setdefault("deadlines", []).append(
                _("Hạn của %(level)s: nhập tháng-ngày, ví dụ 10-30.")
                % {"level": str(ReportLevel(level).label).lower()}
            )
        deadlines[str(level)] = due
    if not deadlines and "deadlines" not in errors:
        errors["deadlines"] = [_("Vui lòng nhập hạn gửi của ít nhất một cấp.")]
    out["deadlines"] = deadlines
    sections = data.get("sections") or []
    if isinstance(sections, str):
        sections = sections.splitlines()
    out["sections"] = [str(s).strip() for s in sections if str(s).strip()]
    if not out["sections"]:
        errors["sections"] = [_("Vui lòng nhập ít nhất một phần nội dung (mỗi dòng một phần).")]
    if any(len(s) > 200 for s in out["sections"]):
        errors["sections"] = [_("Mỗi tên phần dài tối đa 200 ký tự.")]
    statistics = [str(k) for k in data.get("statistics") or []]
    unknown = [k for k in statistics if k not in ROW_KEYS]
    if unknown:
        errors["statistics"] = [_("Chỉ số không hợp lệ: %(keys)s.") % {"keys": ", ".join(unknown)}]
    out["statistics"] = [k for k in ROW_KEYS if k in statistics]
    out["basis"] = str(data.get("basis") or "").strip()
    out["is_active"] = bool(data.get("is_active", True))
    if errors:
        raise ValidationError(errors)
    return out


def _definition_snapshot(obj: ReportDefinition) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in DEFINITION_FIELDS}


@transaction.atomic
def definition_save(
    *,
    by: User,
    scope: Scope,
    province: OrgNode | None = None,
    data: dict[str, Any],
    definition: ReportDefinition | None = None,
    expected_version: int | None = None,
) -> ReportDefinition:
    """Create a province's own report definition, or change one. The national ones come from
    `data/definitions.yaml` and are changed there."""
    from antq.org.choices import NodeKind

    if definition is not None:
        if definition.node is None:
            raise DomainError(
                _("Báo cáo mặc định toàn quốc được quy định trong tệp dữ liệu, không sửa ở đây.")
            )
        province = definition.node
    if province is None or province.kind != NodeKind.PROVINCE:
        raise ValidationError({"province": [_("Vui lòng chọn tỉnh quy định báo cáo.")]})
    _require(scope, Action.REPORT_DEFINE, province)
    values = _clean_definition(data)
    taken = ReportDefinition.objects.filter(node=province, code=values["code"])
    if definition is not None:
        taken = taken.exclude(pk=definition.pk)
    if taken.exists():
        raise ValidationError({"code": [_("Mã này đã dùng cho một báo cáo khác của tỉnh.")]})
    if definition is None:
        obj = ReportDefinition.objects.create(node=province, **values)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=obj,
            node_path=province.path,
            changes=diff({}, _definition_snapshot(obj)),
        )
        return obj
    locked = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _("Loại báo cáo đã được người khác thay đổi sau khi bạn mở trang. Hãy tải lại trang rồi sửa lại.")
        )
    before = _definition_snapshot(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(before, _definition_snapshot(locked))
    if changes:
        locked.version += 1
        locked.save()
        record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=province.path, changes=changes)
    return locked
