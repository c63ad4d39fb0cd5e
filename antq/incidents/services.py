"""Writes to the incident register: record, correct, withdraw. Atomic, audited, never in place.

A correction or a withdrawal inserts a new revision of the incident's series and takes the
`is_current` flag off the revision it replaces, in one transaction; nothing else of an old row ever
changes. The caller names the revision it saw (`expected_revision`): a page opened before someone
else's correction cannot overwrite it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.criteria.evaluation import FrameworksNotLoaded
from antq.incidents.catalogue import framework_on
from antq.incidents.choices import IncidentSource, IncidentStatus
from antq.incidents.models import FACT_FIELDS, Incident
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode

# Where an incident may be recorded: an assessed unit, or a commune itself (TT 124 XA.2 judges
# the whole commune, so an incident in a street belongs to the commune's own record).
RECORDABLE_KINDS: frozenset[str] = UNIT_KINDS | {NodeKind.COMMUNE}


def _stale(seen: int, current: int) -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Vụ việc này đã được người khác đính chính hoặc rút sau khi bạn mở trang (bạn đang xem lần "
            "ghi %(seen)s, bản hiện hành là lần ghi %(current)s). Vui lòng tải lại trang để xem bản "
            "mới nhất."
        )
        % {"seen": seen, "current": current}
    )


def _check_node(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.INCIDENT_RECORD, node):
        raise PermissionDenied(_("Bạn không có quyền ghi nhận vụ việc tại đơn vị này."))
    if node.kind not in RECORDABLE_KINDS:
        raise ValidationError(
            {
                "node": [
                    _(
                        "Vụ việc được ghi cho một đơn vị (khu dân cư, cơ quan, doanh nghiệp, trường) "
                        "hoặc một xã."
                    )
                ]
            }
        )


def _clean_facts(node: OrgNode, facts: dict[str, Any]) -> dict[str, Any]:
    """Check the facts against the rules and the TT 124 catalogue; field errors all at once."""
    errors: dict[str, list[str]] = {}
    occurred_on = facts.get("occurred_on")
    if not isinstance(occurred_on, dt.date):
        errors["occurred_on"] = [_("Vui lòng nhập ngày xảy ra.")]
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("Ngày xảy ra không được sau ngày hôm nay.")]
    for name, message in (
        ("place", _("Vui lòng nhập nơi xảy ra.")),
        ("summary", _("Vui lòng nhập tóm tắt vụ việc.")),
    ):
        facts[name] = str(facts.get(name) or "").strip()
        if not facts[name]:
            errors[name] = [message]
    limit = Incident._meta.get_field("place").max_length or 0
    if len(facts["place"]) > limit:
        errors["place"] = [_("Nơi xảy ra dài quá %(n)s ký tự.") % {"n": limit}]
    if facts.get("source") not in IncidentSource.values:
        errors["source"] = [_("Vui lòng chọn nguồn tin.")]
    facts["force_majeure"] = bool(facts.get("force_majeure"))
    facts["timely_handled"] = bool(facts.get("timely_handled"))
    if isinstance(occurred_on, dt.date):
        framework = framework_on(node, occurred_on)
        if framework is None:
            raise FrameworksNotLoaded(
                _(
                    "Chưa có bộ tiêu chí TT 124 nào trong cơ sở dữ liệu, nên chưa có danh mục loại vụ "
                    "việc: hãy chạy `antq load_frameworks`."
                )
            )
        if facts.get("incident_type") not in framework.incident_types:
            errors["incident_type"] = [
                _(
                    "Loại vụ việc “%(code)s” không có trong danh mục của bộ tiêu chí TT 124 phiên bản "
                    "%(version)s (áp dụng ngày %(date)s)."
                )
                % {
                    "code": facts.get("incident_type") or "",
                    "version": framework.version,
                    "date": f"{occurred_on:%d/%m/%Y}",
                }
            ]
        # An excuse the type does not accept is still recorded (facts are facts): the engine,
        # and `selectors.incident_effects`, say that it does not excuse the incident.
    if errors:
        raise ValidationError(errors)
    return facts


def _facts(data: dict[str, Any], base: Incident | None = None) -> dict[str, Any]:
    """The new revision's facts: those given in `data`, the others taken from `base`."""
    out: dict[str, Any] = {}
    for name in FACT_FIELDS:
        if name in data:
            out[name] = data[name]
        elif base is not None:
            out[name] = getattr(base, name)
    return out


def _lock_current(incident: Incident, expected_revision: int) -> Incident:
    current = (
        Incident.objects.select_for_update()
        .select_related("node")
        .filter(series=incident.series, is_current=True)
        .first()
    )
    if current is None:
        # PostgreSQL: we waited for another correction's lock, and the row it replaced is no longer
        # current when the lock is granted (re-checked against the WHERE clause).
        latest = (
            Incident.objects.filter(series=incident.series)
            .order_by("-revision")
            .values_list("revision", flat=True)
        ).first()
        raise _stale(expected_revision, latest or expected_revision + 1)
    if current.revision != expected_revision:
        raise _stale(expected_revision, current.revision)
    return current


def _supersede(current: Incident, *, by: User, facts: dict[str, Any], status: str, reason: str) -> Incident:
    """Insert the next revision of `current`'s series and take the flag off `current`."""
    # Only the flag of the row being replaced changes, and only if it is still the current one.
    flipped = Incident.objects.filter(pk=current.pk, is_current=True).update(is_current=False)
    if flipped != 1:
        raise _stale(current.revision, current.revision + 1)
    row = Incident(
        series=current.series,
        revision=current.revision + 1,
        status=status,
        reason=reason,
        recorded_by=by,
        **facts,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        # Another correction of the same revision got in first (unique series + revision).
        raise _stale(current.revision, current.revision + 1) from exc
    return row


@transaction.atomic
def incident_record(*, by: User, scope: Scope, node: OrgNode, data: dict[str, Any]) -> Incident:
    """Record a new incident against a unit or a commune (revision 1 of a new series)."""
    _check_node(scope, node)
    facts = _clean_facts(node, {**_facts(data), "node": node})
    incident = Incident.objects.create(recorded_by=by, **facts)
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=incident,
        node_path=node.path,
        changes=diff({}, incident.snapshot()),
    )
    return incident


@transaction.atomic
def incident_correct(
    *,
    by: User,
    scope: Scope,
    incident: Incident,
    data: dict[str, Any],
    reason: str,
    expected_revision: int,
) -> Incident:
    """Correct an incident: a new revision with the changed facts and the reason; the old one stays."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do đính chính.")]})
    current = _lock_current(incident, expected_revision)
    _check_node(scope, current.node)
    if current.is_withdrawn:
        raise DomainError(_("Vụ việc đã được rút (ghi nhận nhầm): không đính chính được."))
    facts = _facts(data, current)
    node = facts["node"]
    if not isinstance(node, OrgNode):
        raise ValidationError({"node": [_("Vui lòng chọn đơn vị.")]})
    if node.pk != current.node_id:
        _check_node(scope, node)
    facts = _clean_facts(node, facts)
    before = current.snapshot()
    probe = Incident(**facts, status=current.status)
    changes = diff(before, probe.snapshot())
    if not changes:
        raise DomainError(_("Không có thay đổi nào so với bản hiện hành: không cần đính chính."))
    row = _supersede(current, by=by, facts=facts, status=current.status, reason=reason)
    record(
        actor=by,
        action=AuditAction.CORRECT,
        obj=row,
        node_path=node.path,
        changes={"revision": [current.revision, row.revision], **changes},
        reason=reason,
    )
    return row


@transaction.atomic
def incident_withdraw(
    *, by: User, scope: Scope, incident: Incident, reason: str, expected_revision: int
) -> Incident:
    """Withdraw an incident recorded in error: a new revision with status "withdrawn" and the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do rút vụ việc.")]})
    current = _lock_current(incident, expected_revision)
    _check_node(scope, current.node)
    if current.is_withdrawn:
        raise DomainError(_("Vụ việc đã được rút trước đó."))
    facts = {name: getattr(current, name) for name in FACT_FIELDS}
    row = _supersede(current, by=by, facts=facts, status=IncidentStatus.WITHDRAWN, reason=reason)
    record(
        actor=by,
        action=AuditAction.TRANSITION,
        obj=row,
        node_path=current.node.path,
        changes={
            "revision": [current.revision, row.revision],
            "status": [current.status, IncidentStatus.WITHDRAWN.value],
        },
        reason=reason,
    )
    return row
