"""Writes of the coordination app: agreements (record, edit, end), their execution log and review
meetings, and the unit's part in local campaigns. Atomic and audited; an edit names the version
the user saw, so a page opened before someone else's change cannot overwrite it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.coordination.choices import AgreementKind, AgreementStatus, MeetingKind
from antq.coordination.models import (
    AGREEMENT_FIELDS,
    CAMPAIGN_FIELDS,
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)
from antq.coordination.workflows import AGREEMENT
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.evidence.models import EvidenceDocument
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

# Who keeps coordination records: the agencies, enterprises and schools that QĐ 510 item 4 scores,
# and a commune for its own dossier (the commune committee's quy chế with its police).
COORDINATION_KINDS: frozenset[str] = frozenset(
    {NodeKind.AGENCY, NodeKind.ENTERPRISE, NodeKind.SCHOOL, NodeKind.COMMUNE}
)

Errors = dict[str, list[str]]
M = TypeVar("M", bound=models.Model)


def _date(value: Any) -> str:
    return f"{value:%d/%m/%Y}"


def _check_scope(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.ACTIVITY_RECORD, node):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận hoạt động phối hợp của đơn vị này."))


def check_node(scope: Scope, node: OrgNode) -> None:
    """The user may record for `node`, and `node` keeps coordination records."""
    _check_scope(scope, node)
    if node.kind not in COORDINATION_KINDS:
        raise ValidationError(
            {
                "node": [
                    _(
                        "Hồ sơ phối hợp được ghi cho cơ quan, doanh nghiệp, cơ sở giáo dục hoặc cho "
                        "một xã, phường."
                    )
                ]
            }
        )


def _text(data: dict[str, Any], name: str, errors: Errors, *, limit: int, required: str = "") -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors[name] = [required]
    elif limit and len(value) > limit:
        errors[name] = [_("Dài quá %(n)s ký tự.") % {"n": limit}]
    return value


def _day(data: dict[str, Any], name: str, errors: Errors, *, label: str, required: str) -> dt.date | None:
    """A date that is given and not in the future; `label` names the field in the message."""
    value = data.get(name)
    if not isinstance(value, dt.date):
        errors[name] = [required]
        return None
    if value > timezone.localdate():
        errors[name] = [_("%(label)s không được sau ngày hôm nay.") % {"label": label}]
        return None
    return value


def _document(node: OrgNode, value: Any, name: str, errors: Errors) -> EvidenceDocument | None:
    """An optional document of the node's own evidence register, in force."""
    if value in (None, ""):
        return None
    if not isinstance(value, EvidenceDocument) or value.node_id != node.pk:
        errors[name] = [_("Tài liệu phải thuộc hồ sơ minh chứng của chính đơn vị này.")]
        return None
    if not value.is_active:
        errors[name] = [_("Tài liệu này đã bị thu hồi khỏi hồ sơ minh chứng.")]
        return None
    return value


def _lock(obj: M, expected_version: int | None) -> M:
    locked = type(obj)._default_manager.select_for_update().select_related("node").get(pk=obj.pk)  # type: ignore[attr-defined]
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise ConcurrentEditError(
            _(
                "Bản ghi đã được người khác thay đổi sau khi bạn mở trang. Các giá trị bạn nhập vẫn còn "
                "trên biểu mẫu: hãy tải lại trang để xem bản mới nhất rồi nhập lại."
            )
        )
    return locked


# --- Agreements ------------------------------------------------------------------------------


def _clean_agreement(node: OrgNode, data: dict[str, Any]) -> dict[str, Any]:
    errors: Errors = {}
    out: dict[str, Any] = {}
    out["kind"] = data.get("kind")
    if out["kind"] not in AgreementKind.values:
        errors["kind"] = [_("Vui lòng chọn loại văn bản (quy chế hoặc kế hoạch phối hợp).")]
    out["number_symbol"] = _text(data, "number_symbol", errors, limit=60)
    out["title"] = _text(data, "title", errors, limit=500)
    out["police_party"] = _text(
        data, "police_party", errors, limit=255, required=_("Vui lòng nhập đơn vị Công an phối hợp.")
    )
    lines = [line.strip() for line in str(data.get("other_parties") or "").splitlines()]
    out["other_parties"] = "\n".join(line for line in lines if line)
    signed = _day(data, "signed_on", errors, label=_("Ngày ký"), required=_("Vui lòng nhập ngày ký."))
    out["signed_on"] = signed
    start = data.get("term_start") or signed
    end = data.get("term_end") or None
    if not isinstance(start, dt.date):
        errors.setdefault("term_start", [_("Vui lòng nhập ngày bắt đầu hiệu lực.")])
    elif signed is not None and start < signed:
        errors["term_start"] = [_("Ngày bắt đầu hiệu lực không được trước ngày ký.")]
    if end is not None and isinstance(start, dt.date) and end < start:
        errors["term_end"] = [_("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")]
    out["term_start"], out["term_end"] = start, end
    out["document"] = _document(node, data.get("document"), "document", errors)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def agreement_create(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> CoordinationAgreement:
    """Record a quy chế or kế hoạch phối hợp signed by `node` with the police."""
    check_node(scope, node)
    fields = _clean_agreement(node, data)
    agreement = CoordinationAgreement.objects.create(node=node, recorded_by=by, **fields)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=agreement,
        node_path=node.path,
        changes=diff({}, agreement.snapshot()),
    )
    return agreement


def _logged_range(agreement: CoordinationAgreement) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day something was recorded under the agreement (two aggregates)."""
    executions = ExecutionEntry.objects.filter(agreement=agreement).aggregate(
        first=models.Min("occurred_on"), last=models.Max("occurred_on")
    )
    meetings = ReviewMeeting.objects.filter(agreement=agreement).aggregate(first=models.Min("held_on"))
    firsts = [d for d in (executions["first"], meetings["first"]) if d is not None]
    return (min(firsts) if firsts else None), executions["last"]


@transaction.atomic
def agreement_update(
    *,
    by: User,
    scope: Scope,
    agreement: CoordinationAgreement,
    data: dict[str, Any],
    expected_version: int,
) -> CoordinationAgreement:
    """Correct the facts of an agreement in force (not its node)."""
    locked = _lock(agreement, expected_version)
    _check_scope(scope, locked.node)
    if locked.is_ended:
        raise DomainError(_("Quy chế, kế hoạch đã chấm dứt: không sửa được."))
    current = {name: getattr(locked, name) for name in AGREEMENT_FIELDS}
    fields = _clean_agreement(locked.node, {**current, **data})
    first, last = _logged_range(locked)
    errors: Errors = {}
    if first is not None and fields["term_start"] > first:
        errors["term_start"] = [
            _("Đã có hoạt động ghi ngày %(date)s, trước ngày bắt đầu hiệu lực mới.") % {"date": _date(first)}
        ]
    if last is not None and fields["term_end"] is not None and fields["term_end"] < last:
        errors["term_end"] = [
            _("Đã có lần thực hiện ngày %(date)s, sau ngày hết hiệu lực mới.") % {"date": _date(last)}
        ]
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


@transaction.atomic
def agreement_end(
    *,
    by: User,
    scope: Scope,
    agreement: CoordinationAgreement,
    ended_on: dt.date | None,
    reason: str,
    expected_version: int,
) -> CoordinationAgreement:
    """End an agreement before its term (replaced, the unit dissolved…): the day and the reason.

    The agreement is locked before anything is checked: an execution logged meanwhile (which locks
    it too) is either seen here or refused there, never written after the end day."""
    agreement = _lock(agreement, expected_version)
    _check_scope(scope, agreement.node)
    if agreement.status != AgreementStatus.IN_FORCE:
        raise DomainError(_("Quy chế, kế hoạch đã chấm dứt trước đó."))
    errors: Errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Vui lòng nêu lý do chấm dứt.")]
    if not isinstance(ended_on, dt.date):
        errors["ended_on"] = [_("Vui lòng nhập ngày chấm dứt.")]
    elif ended_on > timezone.localdate():
        errors["ended_on"] = [_("Ngày chấm dứt không được sau ngày hôm nay.")]
    elif ended_on < agreement.term_start:
        errors["ended_on"] = [_("Ngày chấm dứt không được trước ngày bắt đầu hiệu lực.")]
    else:
        _first, last = _logged_range(agreement)
        if last is not None and ended_on < last:
            errors["ended_on"] = [
                _("Đã có lần thực hiện ngày %(date)s, sau ngày chấm dứt.") % {"date": _date(last)}
            ]
    if errors:
        raise ValidationError(errors)
    return apply_transition(
        agreement,
        workflow=AGREEMENT,
        to=AgreementStatus.ENDED,
        by=by,
        scope=scope,
        node=agreement.node,
        reason=reason,
        expected_version=expected_version,
        updates={"ended_on": ended_on, "end_reason": reason[:500]},
    )


# --- Execution log and review meetings --------------------------------------------------------


@transaction.atomic
def execution_add(
    *, by: User, scope: Scope, agreement: CoordinationAgreement, data: dict[str, Any]
) -> ExecutionEntry:
    """Log one thing done under the agreement, on a day it was in force (checked on the agreement
    as it stands, locked: an end or an edit cannot slip in between)."""
    agreement = _lock(agreement, None)
    _check_scope(scope, agreement.node)
    errors: Errors = {}
    day = _day(
        data, "occurred_on", errors, label=_("Ngày thực hiện"), required=_("Vui lòng nhập ngày thực hiện.")
    )
    content = _text(data, "content", errors, limit=0, required=_("Vui lòng nhập nội dung thực hiện."))
    result = _text(data, "result", errors, limit=0)
    if day is not None and not agreement.in_force_on(day):
        end = agreement.effective_end
        errors["occurred_on"] = [
            _("Ngày thực hiện nằm ngoài thời gian hiệu lực của văn bản (từ %(start)s đến %(end)s).")
            % {"start": _date(agreement.term_start), "end": _date(end) if end else _("nay")}
        ]
    if errors or day is None:
        raise ValidationError(errors)
    entry = ExecutionEntry.objects.create(
        agreement=agreement, occurred_on=day, content=content, result=result, recorded_by=by
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=entry,
        node_path=agreement.node.path,
        changes=diff({}, entry.snapshot()),
    )
    return entry


@transaction.atomic
def meeting_add(
    *, by: User, scope: Scope, agreement: CoordinationAgreement, data: dict[str, Any]
) -> ReviewMeeting:
    """Record a periodic review, sơ kết or tổng kết (a tổng kết may come after the term ends),
    checked on the agreement as it stands, locked."""
    agreement = _lock(agreement, None)
    _check_scope(scope, agreement.node)
    errors: Errors = {}
    day = _day(data, "held_on", errors, label=_("Ngày họp"), required=_("Vui lòng nhập ngày họp."))
    kind = data.get("kind")
    if kind not in MeetingKind.values:
        errors["kind"] = [_("Vui lòng chọn hình thức (định kỳ, sơ kết hoặc tổng kết).")]
    summary = _text(data, "summary", errors, limit=0, required=_("Vui lòng nhập nội dung, kết luận."))
    minutes = _document(agreement.node, data.get("minutes"), "minutes", errors)
    if day is not None and day < agreement.term_start:
        errors["held_on"] = [
            _("Ngày họp không được trước ngày bắt đầu hiệu lực (%(date)s).")
            % {"date": _date(agreement.term_start)}
        ]
    if errors or day is None:
        raise ValidationError(errors)
    meeting = ReviewMeeting.objects.create(
        agreement=agreement, held_on=day, kind=str(kind), summary=summary, minutes=minutes, recorded_by=by
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=meeting,
        node_path=agreement.node.path,
        changes=diff({}, meeting.snapshot()),
    )
    return meeting


# --- Campaigns -------------------------------------------------------------------------------


def _clean_campaign(node: OrgNode, data: dict[str, Any]) -> dict[str, Any]:
    errors: Errors = {}
    out: dict[str, Any] = {
        "campaign": _text(
            data, "campaign", errors, limit=300, required=_("Vui lòng nhập tên phong trào, cuộc vận động.")
        ),
        "organizer": _text(
            data, "organizer", errors, limit=255, required=_("Vui lòng nhập cơ quan phát động.")
        ),
        "took_part_on": _day(
            data, "took_part_on", errors, label=_("Ngày tham gia"), required=_("Vui lòng nhập ngày tham gia.")
        ),
        "contribution": _text(data, "contribution", errors, limit=0),
        "document": _document(node, data.get("document"), "document", errors),
    }
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def campaign_create(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> CampaignParticipation:
    """Record the unit's part in a movement or campaign of the locality."""
    check_node(scope, node)
    row = CampaignParticipation.objects.create(node=node, recorded_by=by, **_clean_campaign(node, data))
    record(
        actor=by, action=AuditAction.CREATE, obj=row, node_path=node.path, changes=diff({}, row.snapshot())
    )
    return row


@transaction.atomic
def campaign_update(
    *,
    by: User,
    scope: Scope,
    participation: CampaignParticipation,
    data: dict[str, Any],
    expected_version: int,
) -> CampaignParticipation:
    """Correct a participation (not its node)."""
    locked = _lock(participation, expected_version)
    _check_scope(scope, locked.node)
    current = {name: getattr(locked, name) for name in CAMPAIGN_FIELDS}
    fields = _clean_campaign(locked.node, {**current, **data})
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
