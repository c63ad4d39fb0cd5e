"""Writes of the annual cycle: opening a cycle, the calendar, registration, self-assessment and
review. Every function checks the actor's scope, runs in one transaction and is audited; status
changes go through `antq.core.workflow.apply_transition` with the tables in `workflows.py`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.conflicts import concurrent_edit_message
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.criteria.models import Framework
from antq.criteria.selectors import active_version
from antq.criteria.services import framework_version_freeze
from antq.cycles import calendar, derived, facts, workflows
from antq.cycles.choices import AssessmentStatus, CycleStatus, DeadlineCode, RegistrationStatus
from antq.cycles.models import Assessment, AssessmentRound, Cycle, DeadlineOverride, Registration
from antq.evidence.models import EvidenceDocument
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.eligibility import exclusion_label
from antq.org.models import OrgNode

ASSESSED_KINDS = UNIT_KINDS | {NodeKind.COMMUNE}


def _require(scope: Scope, action: str, node: OrgNode) -> None:
    if not scope.allows(action, node):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _locked(obj: Model, expected_version: int | None) -> Any:
    """The row locked until the end of the caller's transaction, at the version the user saw.

    The lock makes two saves of the same version queue up: the second one reads the first one's
    version here and is refused, naming who changed what and when (nothing is overwritten)."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise ConcurrentEditError(concurrent_edit_message(locked))
    return locked


def _current(obj: Model, expected_version: int) -> None:
    """Refuse at once when the row has moved past the version the user saw: the checks that run
    before the row is locked (the engine's verdict, missing items) would otherwise judge a stale
    copy and answer with a misleading reason. The locked re-check in the transaction still decides."""
    current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is not None and current != expected_version:
        raise ConcurrentEditError(concurrent_edit_message(type(obj)._default_manager.get(pk=obj.pk)))


def _require_open(cycle: Cycle) -> None:
    """Nothing of a closed year changes any more (its records are the basis of decisions)."""
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(
            _("Kỳ đánh giá năm %(year)s đã kết thúc: hồ sơ không thay đổi được nữa.") % {"year": cycle.year}
        )


def _notify(action: str, node: OrgNode, kind: str, title: str, url: str) -> None:
    from antq.notifications.services import notify_action_holders

    notify_action_holders(action=action, node=node, kind=kind, title=title, body=node.name, url=url)


# ---- cycle and calendar -------------------------------------------------------------------------


def cycle_open(*, by: User, scope: Scope, province: OrgNode, year: int) -> Cycle:
    """Open a province's year and freeze the framework versions in force for it."""
    _require(scope, Action.CYCLE_MANAGE, province)
    if province.kind != NodeKind.PROVINCE:
        raise DomainError(_("Chỉ mở kỳ đánh giá cho một tỉnh, thành phố."))
    if not 2020 <= year <= 2100:
        raise DomainError(_("Năm không hợp lệ."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(province=province, year=year, opened_by=by)
        except IntegrityError:
            raise DomainError(
                _("%(province)s đã có kỳ đánh giá năm %(year)s.") % {"province": province.name, "year": year}
            ) from None
        # The latest window end of the year (15/11): every version in force for any unit type.
        on = dt.date(year, 11, 15)
        versions = []
        for code in Framework.objects.values_list("code", flat=True):
            version = active_version(code, province, on)
            if version is not None:
                versions.append(framework_version_freeze(version, by=by))
        if not any(v.framework.code == "tt124" for v in versions):
            raise DomainError(_("Chưa có bộ tiêu chí TT 124 có hiệu lực cho năm %(year)s.") % {"year": year})
        cycle.frameworks.set(versions)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=cycle,
            node_path=province.path,
            changes={
                "year": [None, year],
                "frameworks": [None, [f"{v.framework.code} {v.label}" for v in versions]],
            },
        )
    return cycle


def cycle_close(*, by: User, scope: Scope, cycle: Cycle, reason: str) -> Cycle:
    _require(scope, Action.CYCLE_MANAGE, cycle.province)
    with transaction.atomic():
        locked = _locked(cycle, None)
        locked.status = CycleStatus.CLOSED
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            node_path=cycle.province.path,
            changes={"status": [CycleStatus.OPEN, CycleStatus.CLOSED]},
            reason=reason,
        )
    return locked


def deadline_override_set(
    *,
    by: User,
    scope: Scope,
    cycle: Cycle,
    node: OrgNode,
    code: str,
    due: dt.date,
    reason: str,
    unit_kind: str = "",
) -> DeadlineOverride:
    """Bring a deadline forward for everything under `node` (never later than it already is)."""
    _require(scope, Action.DEADLINE_SET, node)
    if node.kind not in {NodeKind.PROVINCE, NodeKind.COMMUNE} or not node.path.startswith(
        cycle.province.path
    ):
        raise DomainError(_("Chỉ tỉnh hoặc xã thuộc kỳ đánh giá này mới đặt được hạn cho cấp dưới."))
    if code not in DeadlineCode.values:
        raise DomainError(_("Mốc thời gian không hợp lệ."))
    # A level sets dates for the levels below it, never its own (a commune's recognition deadline
    # is the province's to set).
    below = [k for k in calendar.kinds_below(node) if k != node.kind]
    if unit_kind and unit_kind not in below:
        raise DomainError(_("Chỉ đặt hạn cho các đơn vị cấp dưới."))
    kinds = [unit_kind] if unit_kind else below
    inherited = [
        d
        for kind in kinds
        if (d := calendar.deadline(cycle, node.parent or node, code, kind=kind)) is not None  # type: ignore[arg-type]
    ]
    if not inherited:
        raise DomainError(_("Mốc này không áp dụng cho loại đơn vị đã chọn."))
    latest_allowed = min(d.due for d in inherited)
    if due > latest_allowed:
        raise DomainError(
            _(
                "Hạn mới (%(due)s) phải sớm hơn hoặc bằng hạn hiện hành %(current)s: "
                "cấp dưới chỉ được đặt hạn sớm hơn."
            )
            % {"due": date_format(due, "d/m/Y"), "current": date_format(latest_allowed, "d/m/Y")}
        )
    if due.year != cycle.year:
        raise DomainError(_("Hạn phải thuộc năm %(year)s.") % {"year": cycle.year})
    if not reason.strip():
        raise DomainError(_("Cần nêu căn cứ (số kế hoạch, công văn) khi đặt hạn."))
    with transaction.atomic():
        override, created = DeadlineOverride.objects.select_for_update().get_or_create(
            cycle=cycle,
            node=node,
            code=code,
            unit_kind=unit_kind,
            defaults={"due": due, "reason": reason.strip(), "set_by": by},
        )
        old = None if created else override.due.isoformat()
        if not created:
            override.due, override.reason, override.set_by = due, reason.strip(), by
            override.version += 1
            override.save()
        record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=override,
            node_path=node.path,
            changes={"due": [old, due.isoformat()], "code": [None, code], "unit_kind": [None, unit_kind]},
            reason=reason,
        )
    return override


# ---- registration -------------------------------------------------------------------------------


def _check_assessable(node: OrgNode, cycle: Cycle) -> None:
    if node.kind not in ASSESSED_KINDS or not node.path.startswith(cycle.province.path):
        raise DomainError(_("Đơn vị này không thuộc kỳ đánh giá."))
    if node.exclusion_code:
        raise DomainError(
            _("%(name)s không thuộc diện xét công nhận theo Điều 1 Thông tư 124/2021/TT-BCA: %(reason)s.")
            % {"name": node.name, "reason": exclusion_label(node.exclusion_code)}
        )
    if not node.is_active:
        raise DomainError(_("Đơn vị đã ngừng hoạt động."))
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(_("Kỳ đánh giá năm %(year)s đã kết thúc.") % {"year": cycle.year})


def registration_start(*, by: User, scope: Scope, cycle: Cycle, node: OrgNode) -> Registration:
    """The unit's registration for the cycle, created as a draft the first time."""
    _require(scope, Action.REGISTER, node)
    _check_assessable(node, cycle)
    with transaction.atomic():
        registration, created = Registration.objects.get_or_create(
            cycle=cycle,
            node=node,
            defaults={
                "registered_on": timezone.localdate(),
                "commitment_total": node.people_count or node.subunit_count or 0
                if node.kind == NodeKind.RESIDENTIAL_AREA
                else node.subunit_count or 0,
                "has_party_org": True,
            },
        )
        if created:
            record(actor=by, action=AuditAction.CREATE, obj=registration, node_path=node.path)
    return registration


# `registered_on` is not among them: it is the date of the registration form document, taken when
# the registration is sent (see `registration_submit`).
REGISTRATION_FIELDS = (
    "has_party_org",
    "commitment_total",
    "commitment_count",
    "uncommitted",
    "resolution",
    "plan",
    "form_document",
    "note",
)


def registration_save(
    *, by: User, scope: Scope, registration: Registration, data: dict[str, Any], expected_version: int
) -> Registration:
    """Save the draft (or returned) registration form."""
    node = registration.node
    _require(scope, Action.REGISTER, node)
    _require_open(registration.cycle)
    with transaction.atomic():
        locked: Registration = _locked(registration, expected_version)
        if not locked.is_editable:
            raise DomainError(_("Bản đăng ký đã gửi không sửa được; cần cấp trên trả lại để bổ sung."))
        before = {f: _plain(getattr(locked, f)) for f in REGISTRATION_FIELDS}
        for field in REGISTRATION_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        _validate_registration(locked)
        locked.version += 1
        locked.save()
        after = {f: _plain(getattr(locked, f)) for f in REGISTRATION_FIELDS}
        record(
            actor=by, action=AuditAction.UPDATE, obj=locked, node_path=node.path, changes=diff(before, after)
        )
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validate_registration(registration: Registration) -> None:
    problems = []
    if registration.commitment_count > registration.commitment_total:
        problems.append(_("Số đã cam kết không được lớn hơn tổng số."))
    for field in ("resolution", "plan", "form_document"):
        document: EvidenceDocument | None = getattr(registration, field)
        if document is not None and (
            document.node_id != registration.node_id
            or document.year != registration.cycle.year
            or not document.is_active
        ):
            problems.append(
                _("Tài liệu “%(title)s” không thuộc hồ sơ của đơn vị này.") % {"title": document.title}
            )
    if problems:
        raise DomainError(" ".join(str(p) for p in problems))


def registration_missing(registration: Registration) -> list[str]:
    """What the dossier still lacks before it can be sent (TT 124 Điều 9.2.a)."""
    missing = []
    if registration.form_document is None:
        missing.append(_("Bản đăng ký phấn đấu"))
    if registration.plan is None:
        missing.append(_("Kế hoạch bảo đảm ANTT"))
    if registration.has_party_org and registration.resolution is None:
        missing.append(_("Nghị quyết của cấp ủy, chi bộ"))
    if registration.commitment_total == 0:
        missing.append(_("Tổng số hộ gia đình / bộ phận"))
    if registration.commitment_count < registration.commitment_total and not registration.uncommitted.strip():
        missing.append(_("Danh sách hộ / bộ phận chưa cam kết"))
    return [str(m) for m in missing]


def registration_submit(
    *, by: User, scope: Scope, registration: Registration, expected_version: int
) -> Registration:
    """Send the registration to the commune police; late ones are accepted but flagged."""
    _require_open(registration.cycle)
    with transaction.atomic():
        # The dossier as it is now, its documents locked: an edit of a cited document waits for
        # this transaction and then sees the registration sent (and is refused).
        fresh: Registration = _locked(registration, expected_version)
        cited = [pk for pk in (fresh.resolution_id, fresh.plan_id, fresh.form_document_id) if pk is not None]
        documents = {d.pk: d for d in EvidenceDocument.objects.select_for_update().filter(pk__in=cited)}
        missing = registration_missing(fresh)
        if missing:
            raise DomainError(_("Chưa gửi được, hồ sơ còn thiếu: %(items)s.") % {"items": "; ".join(missing)})
        _validate_registration(fresh)
        # The registration's day is the date of the signed registration form (bản đăng ký), which
        # the commune police check against the paper before accepting; a sent dossier's documents
        # cannot change any more. Whether it reached ANTQ late is the first sending's date.
        form = documents[fresh.form_document_id]  # type: ignore[index]
        updates: dict[str, Any] = {"return_reason": "", "registered_on": form.issue_date}
        if fresh.submitted_at is None:
            today = timezone.localdate()
            due = calendar.deadline(fresh.cycle, fresh.node, DeadlineCode.REGISTRATION)
            updates.update({"submitted_at": timezone.now(), "is_late": due is not None and today > due.due})
        updated = apply_transition(
            fresh,
            workflow=workflows.REGISTRATION,
            to=RegistrationStatus.SUBMITTED,
            by=by,
            scope=scope,
            node=fresh.node,
            expected_version=expected_version,
            updates=updates,
        )
    url = reverse("cycles:registration", kwargs={"pk": updated.pk})
    title = _("Đăng ký phấn đấu năm %(year)s chờ tiếp nhận") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.REGISTRATION_REVIEW, updated.node, "submitted", title, url))
    return updated


def registration_accept(
    *, by: User, scope: Scope, registration: Registration, expected_version: int
) -> Registration:
    _require_open(registration.cycle)
    with transaction.atomic():
        updated = apply_transition(
            registration,
            workflow=workflows.REGISTRATION,
            to=RegistrationStatus.ACCEPTED,
            by=by,
            scope=scope,
            node=registration.node,
            expected_version=expected_version,
        )
    url = reverse("cycles:registration", kwargs={"pk": updated.pk})
    title = _("Đăng ký phấn đấu năm %(year)s đã được tiếp nhận") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.REGISTER, updated.node, "approved", title, url))
    return updated


def registration_return(
    *, by: User, scope: Scope, registration: Registration, reason: str, expected_version: int
) -> Registration:
    _require_open(registration.cycle)
    with transaction.atomic():
        updated = apply_transition(
            registration,
            workflow=workflows.REGISTRATION,
            to=RegistrationStatus.RETURNED,
            by=by,
            scope=scope,
            node=registration.node,
            reason=reason,
            expected_version=expected_version,
            updates={"return_reason": reason.strip()},
        )
    url = reverse("cycles:registration", kwargs={"pk": updated.pk})
    title = _("Đăng ký phấn đấu năm %(year)s bị trả lại") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.REGISTER, updated.node, "returned", title, url))
    return updated


# ---- assessment ---------------------------------------------------------------------------------


def registration_of(assessment: Assessment) -> Registration | None:
    # By the ids: a freshly locked row has not loaded its cycle and node (a query each).
    return (
        Registration.objects.filter(cycle_id=assessment.cycle_id, node_id=assessment.node_id)
        .select_related("resolution", "plan", "form_document")
        .first()
    )


def assessment_start(*, by: User, scope: Scope, cycle: Cycle, node: OrgNode) -> Assessment:
    """The unit's assessment for the cycle, created the first time with the engine's first result."""
    _require(scope, Action.SELF_ASSESS, node)
    _check_assessable(node, cycle)
    with transaction.atomic():
        assessment, created = Assessment.objects.get_or_create(cycle=cycle, node=node)
        if created:
            _refresh_result(assessment)
            assessment.save()
            record(actor=by, action=AuditAction.CREATE, obj=assessment, node_path=node.path)
    return assessment


def _result_fields(result: dict[str, Any] | None) -> dict[str, Any]:
    """The columns an assessment keeps from the engine's result (read by lists and decisions)."""
    result = result or {}
    totals = (result.get("qd510") or {}).get("totals") or {}
    superior = totals.get("superior")
    return {
        "result": result,
        "recognized": result.get("recognized") if result else None,
        "classification": result.get("classification") or "",
        "superior_total": Decimal(str(superior)) if superior is not None else None,
    }


def _refresh_result(assessment: Assessment, registration: Registration | None = None) -> list[dict[str, str]]:
    """Re-run the engine and store its result on the row (not saved here); `registration` is the
    unit's registration when the caller has just read it."""
    if registration is None:
        registration = registration_of(assessment)
    evaluation = facts.evaluate(assessment, registration)
    for field, value in _result_fields(evaluation.result).items():
        setattr(assessment, field, value)
    return evaluation.problems


SELF_FIELDS = ("unit_facts", "answers", "self_scores", "self_reasons", "notes", "evidence")


def _locked_assessment(assessment: Assessment, expected_version: int) -> Assessment:
    """The row locked at the version the user saw, with the unit and cycle already read with
    `assessment` (a lock changes neither; reading them again cost two queries per save)."""
    locked: Assessment = _locked(assessment, expected_version)
    if locked.node_id == assessment.node_id and Assessment.node.is_cached(assessment):  # type: ignore[attr-defined]
        locked.node = assessment.node
    if locked.cycle_id == assessment.cycle_id and Assessment.cycle.is_cached(assessment):  # type: ignore[attr-defined]
        locked.cycle = assessment.cycle
    return locked


def assessment_save_self(
    *, by: User, scope: Scope, assessment: Assessment, data: dict[str, Any], expected_version: int
) -> tuple[Assessment, list[dict[str, str]]]:
    """Save the self column (checklist answers, points, notes, evidence); returns the engine's
    problems with the input, if any (the draft is saved anyway so nothing typed is lost)."""
    _require(scope, Action.SELF_ASSESS, assessment.node)
    _require_open(assessment.cycle)
    with transaction.atomic(), facts.reuse():
        locked = _locked_assessment(assessment, expected_version)
        if not locked.self_editable:
            raise DomainError(_("Bản tự đánh giá đã gửi không sửa được; cần cấp trên trả lại để bổ sung."))
        _check_evidence(locked, data.get("evidence", {}))
        before = {f: getattr(locked, f) for f in SELF_FIELDS}
        for field in SELF_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        # Read once for the reasons and the result (the records are the same within this save).
        registration = registration_of(locked)
        locked.self_reasons = _override_reasons(locked, registration)
        problems = _refresh_result(locked, registration)
        locked.version += 1
        locked.save()
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            node_path=locked.node.path,
            changes=diff(before, {f: getattr(locked, f) for f in SELF_FIELDS}),
        )
    return locked, problems


def _check_evidence(assessment: Assessment, evidence: dict[str, list[int]]) -> None:
    ids = {pk for pks in evidence.values() for pk in pks}
    if not ids:
        return
    mine = set(
        EvidenceDocument.objects.filter(
            pk__in=ids, node=assessment.node, year=assessment.cycle.year, is_active=True
        ).values_list("pk", flat=True)
    )
    if ids - mine:
        raise DomainError(_("Có tài liệu minh chứng không thuộc hồ sơ của đơn vị này."))


def assessment_submit(*, by: User, scope: Scope, assessment: Assessment, expected_version: int) -> Assessment:
    """Send the self-assessment up; it is locked until the superior returns it."""
    _require_open(assessment.cycle)
    _current(assessment, expected_version)
    # The records are read once for the check, the suggestions frozen now and the stored result:
    # the result is the one of the points frozen now (a record may have changed since the last
    # save), so totals and the frozen suggestions never disagree.
    with facts.reuse():
        registration = registration_of(assessment)
        evaluation = facts.evaluate(assessment, registration)
        problems = evaluation.problems
        if problems:
            raise DomainError(
                _("Chưa gửi được, phiếu còn %(n)s lỗi: %(items)s")
                % {"n": len(problems), "items": "; ".join(p["message"] for p in problems[:5])}
            )
        suggested = facts.suggested_scores(assessment, registration)
        _check_overrides(assessment, suggested)
    now = timezone.now()
    with transaction.atomic():
        updated = apply_transition(
            assessment,
            workflow=workflows.ASSESSMENT,
            to=AssessmentStatus.SUBMITTED,
            by=by,
            scope=scope,
            node=assessment.node,
            expected_version=expected_version,
            # The points the records suggest are frozen with the submission: the superior judges
            # what the unit saw, even if a record changes while the review is under way.
            updates={
                "submitted_at": now,
                "return_reason": "",
                "derived_scores": derived.snapshot(suggested),
                **_result_fields(evaluation.result),
            },
            unaudited=frozenset({"derived_scores", "result"}),
        )
        AssessmentRound.objects.create(
            assessment=updated,
            number=updated.round,
            submitted_at=now,
            submitted_by=by,
            snapshot={f: getattr(updated, f) for f in (*SELF_FIELDS, "derived_scores", "result")},
        )
    url = reverse("cycles:assessment", kwargs={"pk": updated.pk})
    title = _("Bản tự đánh giá năm %(year)s chờ cấp trên chấm") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.ASSESSMENT_REVIEW, updated.node, "submitted", title, url))
    return updated


def _differs(points: Any, fact: Any) -> bool:
    """Whether typed points set an item apart from what its records suggest."""
    if fact is None or points is None or isinstance(points, dict):
        return False
    return Decimal(str(points)) != Decimal(str(fact.value))


def _override_reasons(assessment: Assessment, registration: Registration | None) -> dict[str, str]:
    """The unit's reasons, kept only for items it actually set apart from the suggestion (a reason
    on an unchanged item would tell the superior of an override that is not there)."""
    reasons = {str(k): str(v).strip() for k, v in (assessment.self_reasons or {}).items() if str(v).strip()}
    if not reasons:
        return {}
    suggested = facts.suggested_scores(assessment, registration)
    return {
        leaf: reason
        for leaf, reason in reasons.items()
        if _differs(assessment.self_scores.get(leaf), suggested.get(leaf))
    }


def _check_overrides(assessment: Assessment, suggested: dict[str, Any]) -> None:
    """Every point the unit sets apart from what its records suggest needs the unit's reason."""
    unexplained = [
        leaf
        for leaf, fact in suggested.items()
        if _differs(assessment.self_scores.get(leaf), fact)
        and not str((assessment.self_reasons or {}).get(leaf, "")).strip()
    ]
    if unexplained:
        raise DomainError(
            _("Cần ghi lý do sửa điểm theo hồ sơ cho: %(items)s.") % {"items": ", ".join(sorted(unexplained))}
        )


def assessment_review_save(
    *,
    by: User,
    scope: Scope,
    assessment: Assessment,
    superior_scores: dict[str, Any],
    reasons: dict[str, str],
    expected_version: int,
) -> tuple[Assessment, list[dict[str, str]]]:
    """Save the superior column; every point taken off the unit's own score needs a reason."""
    _require(scope, Action.ASSESSMENT_REVIEW, assessment.node)
    _require_open(assessment.cycle)
    reasons = {str(k): str(v).strip() for k, v in reasons.items() if v and str(v).strip()}
    superior_scores = {str(k): _points(k, v) for k, v in superior_scores.items() if v not in (None, "")}
    with transaction.atomic():
        locked = _locked_assessment(assessment, expected_version)
        if not locked.review_editable:
            raise DomainError(_("Chỉ chấm được bản tự đánh giá đang chờ cấp trên chấm."))
        _check_deductions(_self_column(locked), superior_scores, reasons)
        before = {"superior_scores": locked.superior_scores, "superior_reasons": locked.superior_reasons}
        locked.superior_scores = {k: v for k, v in superior_scores.items() if v is not None}
        locked.superior_reasons = reasons
        problems = _refresh_result(locked)
        locked.version += 1
        locked.save()
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            node_path=locked.node.path,
            changes=diff(before, {"superior_scores": locked.superior_scores, "superior_reasons": reasons}),
        )
    return locked, problems


def _points(leaf: Any, value: Any) -> int | float:
    """A score as a number (the engine checks the maximum); anything else is refused by name."""
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or isinstance(value, bool):
        raise DomainError(_("Điểm mục %(item)s không hợp lệ: “%(value)s”.") % {"item": leaf, "value": value})
    return int(number) if number == number.to_integral_value() else float(number)


def _check_deductions(self_column: dict[str, Any], superior: dict[str, Any], reasons: dict[str, str]) -> None:
    """Every point the superior takes off the unit's own score needs a reason."""
    unexplained = [
        leaf
        for leaf, points in superior.items()
        if points is not None
        and self_column.get(leaf) is not None
        and Decimal(str(points)) < Decimal(str(self_column[leaf]))
        and not reasons.get(leaf)
    ]
    if unexplained:
        raise DomainError(
            _("Cần ghi lý do trừ điểm cho: %(items)s.") % {"items": ", ".join(sorted(unexplained))}
        )


def _self_column(assessment: Assessment) -> dict[str, Any]:
    """The unit's own points per leaf, as the engine saw them (prefills included)."""
    column: dict[str, Any] = {}
    for item in (assessment.result.get("qd510") or {}).get("items", []):
        for leaf in item.get("sub_items") or [item]:
            column[leaf["id"]] = leaf.get("self")
    return column


def assessment_return(
    *, by: User, scope: Scope, assessment: Assessment, reason: str, expected_version: int
) -> Assessment:
    """Send the assessment back for revision: a new round opens, the old one stays in history."""
    _require_open(assessment.cycle)
    with transaction.atomic():
        updated = apply_transition(
            assessment,
            workflow=workflows.ASSESSMENT,
            to=AssessmentStatus.RETURNED,
            by=by,
            scope=scope,
            node=assessment.node,
            reason=reason,
            expected_version=expected_version,
            updates={"return_reason": reason.strip(), "round": assessment.round + 1},
        )
        previous = (
            AssessmentRound.objects.select_for_update()
            .filter(assessment=updated, number=updated.round - 1)
            .first()
        )
        # A submitted assessment has its round (`assessment_submit` writes it); rows made otherwise
        # (imports, fixtures) may not: the audit event still records the return.
        if previous is not None:
            previous.outcome, previous.outcome_at, previous.outcome_by = (
                AssessmentStatus.RETURNED,
                timezone.now(),
                by,
            )
            previous.outcome_reason = reason.strip()
            # The reviewer's column as it stood when returned: the round history keeps both columns.
            previous.snapshot = {
                **previous.snapshot,
                "superior_scores": updated.superior_scores,
                "superior_reasons": updated.superior_reasons,
            }
            previous.save()
    url = reverse("cycles:assessment", kwargs={"pk": updated.pk})
    title = _("Bản tự đánh giá năm %(year)s bị trả lại") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.SELF_ASSESS, updated.node, "returned", title, url))
    return updated


def assessment_approve(
    *, by: User, scope: Scope, assessment: Assessment, expected_version: int
) -> Assessment:
    """Approve the superior column; the assessment becomes the basis of the decisions.

    The engine runs again here, on the records as they are now (an incident recorded since the last
    save counts), and its result is what the approval stores."""
    _require_open(assessment.cycle)
    _current(assessment, expected_version)
    _check_deductions(_self_column(assessment), assessment.superior_scores, assessment.superior_reasons)
    registration = registration_of(assessment)
    evaluation = facts.evaluate(assessment, registration)
    if evaluation.problems or evaluation.result is None:
        raise DomainError(_("Phiếu còn lỗi, chưa duyệt được."))
    sheet = facts.sheet_for(assessment.cycle, assessment.node)
    if sheet is not None:
        derived = {item.id for item in sheet.items if item.derived_from} | {
            item.sub_item_id(sub) for item in sheet.items for sub in item.sub_items if sub.derived_from
        }
        derived |= set(facts.score_prefills(assessment.cycle, assessment.node, registration))
        missing = [
            leaf
            for leaf in sheet.leaf_ids()
            if leaf not in assessment.superior_scores and leaf not in derived
        ]
        if missing:
            raise DomainError(
                _("Cột cấp trên chấm còn thiếu %(n)s mục: %(items)s.")
                % {"n": len(missing), "items": ", ".join(missing)}
            )
    with transaction.atomic():
        updated = apply_transition(
            assessment,
            workflow=workflows.ASSESSMENT,
            to=AssessmentStatus.APPROVED,
            by=by,
            scope=scope,
            node=assessment.node,
            expected_version=expected_version,
            updates={"approved_at": timezone.now(), "approved_by": by, **_result_fields(evaluation.result)},
            unaudited=frozenset({"result"}),
        )
        AssessmentRound.objects.filter(assessment=updated, number=updated.round).update(
            outcome=AssessmentStatus.APPROVED, outcome_at=timezone.now(), outcome_by=by
        )
    url = reverse("cycles:assessment", kwargs={"pk": updated.pk})
    title = _("Bản đánh giá năm %(year)s đã được cấp trên duyệt") % {"year": updated.cycle.year}
    transaction.on_commit(lambda: _notify(Action.SELF_ASSESS, updated.node, "approved", title, url))
    return updated
