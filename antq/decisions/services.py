"""Writes of the decisions app: the approval-authority table, drafting, issuing, revoking and
cancelling decisions, and award proposals.

Every function checks the actor's scope, runs in one transaction and is audited; status changes go
through `antq.core.workflow.apply_transition` with the tables in `workflows.py`. Issued and revoked
decisions never change again (only their status, by the workflow). Units are notified after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.workflow import apply_transition
from antq.cycles.choices import AssessmentStatus, CycleStatus
from antq.cycles.models import Assessment, Cycle
from antq.decisions import authority, files, texts, workflows
from antq.decisions.choices import (
    AuthorityLevel,
    AwardKind,
    AwardStatus,
    DecisionKind,
    DecisionStatus,
    SignerPrefix,
)
from antq.decisions.models import NUMBERED, ApprovalAuthority, AwardProposal, Decision, DecisionItem
from antq.decisions.selectors import (
    DECIDED_KINDS,
    SheetVersions,
    award_check,
    in_force_items,
    thresholds_problem,
)
from antq.org.choices import ManagingAuthority, NodeKind
from antq.org.eligibility import exclusion_label
from antq.org.models import OrgNode

STALE = gettext_lazy("Hồ sơ đã được người khác thay đổi sau khi bạn mở. Hãy tải lại trang rồi thực hiện lại.")
ISSUER_KINDS = (NodeKind.COMMUNE, NodeKind.PROVINCE)
# Fields of a draft the officer fills in (number, date and signer may wait until issue).
DRAFT_FIELDS = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "signer_prefix",
    "signer_title",
    "signer_name",
    "proposal_by",
    "proposal_ref",
    "bases",
    "recipients",
)
TEXT_LIMITS = {
    "number": 20,
    "symbol": 40,
    "place": 100,
    "signer_prefix": 40,
    "signer_title": 100,
    "signer_name": 120,
    "proposal_by": 300,
    "proposal_ref": 300,
}


def _require(scope: Scope, action: str, node: OrgNode) -> None:
    if not scope.allows(action, node):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---- approval authority -------------------------------------------------------------------------


def authority_set(
    *,
    by: User,
    scope: Scope,
    province: OrgNode,
    year: int,
    unit_kind: str,
    managing_authority: str,
    level: str,
    decider_title: str,
    routed_via: str,
    basis: str,
) -> ApprovalAuthority:
    """Set the province's own row of the approval-authority table for a year (overrides the default)."""
    _require(scope, Action.CYCLE_MANAGE, province)
    if province.kind != NodeKind.PROVINCE:
        raise DomainError(_("Bảng thẩm quyền được đặt cho một tỉnh, thành phố."))
    problems = []
    if not 2020 <= year <= 2100:
        problems.append(_("Năm không hợp lệ."))
    if unit_kind not in authority.TABLE_KINDS:
        problems.append(_("Loại đơn vị không hợp lệ."))
    if managing_authority and managing_authority not in ManagingAuthority.values:
        problems.append(_("Cấp quản lý không hợp lệ."))
    if level not in AuthorityLevel.values:
        problems.append(_("Cấp quyết định không hợp lệ."))
    if not decider_title.strip():
        problems.append(_("Cần nêu người hoặc cơ quan quyết định."))
    if not basis.strip():
        problems.append(_("Cần nêu căn cứ (số, ngày văn bản của tỉnh) khi đặt thẩm quyền."))
    if problems:
        raise DomainError(" ".join(str(p) for p in problems))
    values = {
        "level": level,
        "decider_title": decider_title.strip()[:200],
        "routed_via": routed_via.strip()[:200],
        "basis": basis.strip()[:300],
    }
    with transaction.atomic():
        row = (
            ApprovalAuthority.objects.select_for_update()
            .filter(province=province, year=year, unit_kind=unit_kind, managing_authority=managing_authority)
            .first()
        )
        if row is None:
            try:
                with transaction.atomic():
                    row = ApprovalAuthority.objects.create(
                        province=province,
                        year=year,
                        unit_kind=unit_kind,
                        managing_authority=managing_authority,
                        set_by=by,
                        **values,
                    )
            except IntegrityError:
                raise DomainError(_("Dòng này vừa được người khác đặt; hãy tải lại trang.")) from None
            changes: dict[str, list[Any]] = {k: [None, v] for k, v in values.items()}
            changes.update({"year": [None, year], "unit_kind": [None, unit_kind]})
            changes["managing_authority"] = [None, managing_authority]
            record(actor=by, action=AuditAction.CREATE, obj=row, node_path=province.path, changes=changes)
            return row
        before = {k: getattr(row, k) for k in values}
        for key, value in values.items():
            setattr(row, key, value)
        row.set_by = by
        row.version += 1
        row.save()
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=row,
            node_path=province.path,
            changes=diff(before, values),
        )
    return row


def authority_clear(
    *,
    by: User,
    scope: Scope,
    province: OrgNode,
    year: int,
    unit_kind: str,
    managing_authority: str,
    reason: str,
) -> None:
    """Remove the province's own row: the default applies again."""
    _require(scope, Action.CYCLE_MANAGE, province)
    if not reason.strip():
        raise DomainError(_("Cần nêu lý do."))
    with transaction.atomic():
        row = (
            ApprovalAuthority.objects.select_for_update()
            .filter(province=province, year=year, unit_kind=unit_kind, managing_authority=managing_authority)
            .first()
        )
        if row is None:
            raise DomainError(_("Tỉnh chưa đặt dòng này; đang áp dụng mặc định."))
        record(
            actor=by,
            action=AuditAction.DEACTIVATE,
            obj=row,
            node_path=province.path,
            changes={"level": [row.level, None], "decider_title": [row.decider_title, None]},
            reason=reason.strip(),
        )
        row.delete()


# ---- checking the units of a decision -----------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A unit that cannot go into the decision, and why (Vietnamese)."""

    node_id: int
    name: str
    reason: str


class UnitsRefused(DomainError):
    """Some units cannot go into the decision; nothing was written."""

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        super().__init__(
            _("Không đưa được %(n)s đơn vị vào quyết định: %(items)s")
            % {"n": len(refusals), "items": "; ".join(f"{r.name}: {r.reason}" for r in refusals)}
        )


@dataclass(frozen=True)
class Checked:
    """The result of checking units for a decision: those that may go in (in the order given,
    with their approved assessment) and those refused."""

    accepted: list[tuple[OrgNode, Assessment]]
    refusals: list[Refusal]


def _not_found(pk: int) -> Refusal:
    """A unit the caller may not learn anything about: neither its name nor why it is refused."""
    return Refusal(pk, f"#{pk}", _("Không tìm thấy đơn vị #%(id)s trong phạm vi của bạn.") % {"id": pk})


def check_units(
    *, cycle: Cycle, issuer: OrgNode, kind: str, node_ids: Iterable[int], scope: Scope | None = None
) -> Checked:
    """Check each unit against the rules of a decision of `kind` by `issuer` in `cycle`: under the
    issuer, in force and eligible (TT 124 Điều 1), within the issuer's authority (the table),
    approved assessment, not already in a decision of this kind in force, and recognized
    (recognition) or scored and classified with confirmed thresholds (classification). A handful of
    queries whatever the number of units.

    A unit outside the issuer's area, or that the caller (`scope`, when given) does not see, is
    refused without its name ("#id") and with one neutral reason, whether it exists or not."""
    ids = list(dict.fromkeys(int(i) for i in node_ids))
    nodes = {
        n.pk: n
        for n in OrgNode.objects.filter(pk__in=ids)
        if n.pk == issuer.pk or (n.path.startswith(issuer.path) and (scope is None or scope.sees(n)))
    }
    assessments = {a.node_id: a for a in Assessment.objects.filter(cycle=cycle, node_id__in=ids)}
    covered = {
        item.node_id: item
        for item in in_force_items(cycle, kind).filter(node_id__in=ids).select_related("decision")
    }
    rules = authority.rules_for(cycle.province, cycle.year)
    sheets = SheetVersions(cycle) if kind == DecisionKind.CLASSIFICATION else None
    accepted: list[tuple[OrgNode, Assessment]] = []
    refusals: list[Refusal] = []
    for pk in ids:
        node = nodes.get(pk)
        if node is None:
            refusals.append(_not_found(pk))
            continue
        reason = _refusal(cycle, issuer, kind, node, assessments.get(pk), covered.get(pk), rules, sheets)
        if reason:
            refusals.append(Refusal(pk, node.name, reason))
        else:
            accepted.append((node, assessments[pk]))
    return Checked(accepted, refusals)


def _refusal(
    cycle: Cycle,
    issuer: OrgNode,
    kind: str,
    node: OrgNode,
    assessment: Assessment | None,
    covered: DecisionItem | None,
    rules: dict[tuple[str, str], authority.AuthorityRule],
    sheets: SheetVersions | None,
) -> str:
    """Why `node` (the issuer itself, or a node under it) cannot go into the decision, or "" (the
    first rule it fails)."""
    if node.pk == issuer.pk:
        return _("Không thuộc địa bàn của %(issuer)s.") % {"issuer": issuer.name}
    if node.kind not in DECIDED_KINDS:
        return _("Không phải đơn vị được xét công nhận, phân loại.")
    if node.valid_to is not None:
        return _("Đơn vị đã hết hiệu lực từ ngày %(date)s (sáp nhập, chia tách hoặc giải thể).") % {
            "date": f"{node.valid_to:%d/%m/%Y}"
        }
    if not node.is_active:
        return _("Đơn vị đã ngừng hoạt động.")
    if node.exclusion_code:
        return _("Không thuộc diện xét công nhận, phân loại: %(reason)s.") % {
            "reason": exclusion_label(node.exclusion_code)
        }
    rule = authority.resolve(rules, node, cycle.province)
    if rule is None:
        return _("Bảng thẩm quyền năm %(year)s không có dòng cho loại đơn vị này.") % {"year": cycle.year}
    if rule.level != issuer.kind:
        return _("Thuộc thẩm quyền của %(decider)s (%(level)s), không phải của %(issuer)s.") % {
            "decider": rule.decider_title,
            "level": AuthorityLevel(rule.level).label,
            "issuer": issuer.name,
        }
    if assessment is None:
        return _("Chưa có bản đánh giá năm %(year)s.") % {"year": cycle.year}
    if assessment.status != AssessmentStatus.APPROVED:
        return _("Kết quả đánh giá chưa được cấp trên duyệt (đang ở trạng thái “%(status)s”).") % {
            "status": AssessmentStatus(assessment.status).label
        }
    if covered is not None:
        return _("Đã có trong Quyết định số %(code)s còn hiệu lực.") % {"code": covered.decision.code}
    if kind == DecisionKind.RECOGNITION:
        if assessment.recognized is None:
            return _(
                "Kết quả đánh giá chưa đủ dữ liệu để kết luận đạt tiêu chuẩn “An toàn về an ninh, trật tự”."
            )
        if not assessment.recognized:
            summary = ((assessment.result or {}).get("tt124") or {}).get("summary_vi") or ""
            return (
                _("Kết quả đánh giá: chưa đạt tiêu chuẩn “An toàn về an ninh, trật tự”. %(summary)s")
                % {"summary": summary}
            ).strip()
        return ""
    if assessment.superior_total is None or not assessment.classification:
        return _("Chưa có điểm cấp trên chấm và xếp loại phong trào.")
    assert sheets is not None  # noqa: S101 - built for every classification check
    return thresholds_problem(assessment, sheets) or ""


def _check_issuer(cycle: Cycle, issuer: OrgNode, kind: str) -> None:
    if kind not in DecisionKind.values:
        raise DomainError(_("Loại quyết định không hợp lệ."))
    if issuer.kind not in ISSUER_KINDS or not issuer.path.startswith(cycle.province.path):
        raise DomainError(_("Quyết định do UBND xã hoặc UBND tỉnh thuộc kỳ đánh giá này ban hành."))
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(_("Kỳ đánh giá năm %(year)s đã kết thúc.") % {"year": cycle.year})


def _item_values(kind: str, node: OrgNode, assessment: Assessment) -> dict[str, Any]:
    values: dict[str, Any] = {"node": node, "assessment": assessment}
    if kind == DecisionKind.CLASSIFICATION:
        qd510 = (assessment.result or {}).get("qd510") or {}
        totals = qd510.get("totals") or {}
        label = (qd510.get("classification") or {}).get("label_vi") or assessment.classification
        values.update(
            level=assessment.classification,
            level_label=str(label),
            total=assessment.superior_total,
            self_total=Decimal(str(totals["self"])) if totals.get("self") is not None else None,
        )
    return values


# The annex lists residential areas, agencies, enterprises, schools, then communes; by name in each.
ANNEX_ORDER = {kind: index for index, kind in enumerate(texts.texts()["kind_words"])}


def _write_items(decision: Decision, accepted: list[tuple[OrgNode, Assessment]]) -> None:
    accepted = sorted(
        accepted, key=lambda pair: (ANNEX_ORDER.get(pair[0].kind, 99), pair[0].search_text, pair[0].pk)
    )
    DecisionItem.objects.bulk_create(
        [
            DecisionItem(
                decision=decision,
                cycle=decision.cycle,
                kind=decision.kind,
                position=position,
                **_item_values(decision.kind, node, assessment),
            )
            for position, (node, assessment) in enumerate(accepted, start=1)
        ]
    )


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in DRAFT_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "issued_on":
            values[field] = value or None
            continue
        value = str(value or "").strip()
        if field in {"bases", "recipients"}:
            value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        limit = TEXT_LIMITS.get(field)
        if limit is not None and len(value) > limit:
            raise DomainError(_("Nội dung quá dài (tối đa %(n)s ký tự).") % {"n": limit})
        values[field] = value
    if "signer_prefix" in values and values["signer_prefix"] not in SignerPrefix.values:
        raise DomainError(_("Thẩm quyền ký không hợp lệ."))
    if values.get("number") and "/" in values["number"]:
        raise DomainError(_("Chỉ nhập phần số (ví dụ 125); ký hiệu nhập ở ô riêng."))
    return values


# ---- drafting -----------------------------------------------------------------------------------


def decision_draft_create(
    *,
    by: User,
    scope: Scope,
    cycle: Cycle,
    issuer: OrgNode,
    kind: str,
    node_ids: Iterable[int],
    data: dict[str, Any] | None = None,
) -> Decision:
    """Draft a decision for a batch of units; if any unit is refused, nothing is written and
    `UnitsRefused` lists every refused unit with its reason."""
    _require(scope, Action.DECISION_DRAFT, issuer)
    _check_issuer(cycle, issuer, kind)
    ids = list(node_ids)
    if not ids:
        raise DomainError(_("Chọn ít nhất một đơn vị."))
    fields = {**texts.default_draft_fields(issuer, kind), **_clean_fields(data or {})}
    with transaction.atomic():
        checked = check_units(cycle=cycle, issuer=issuer, kind=kind, node_ids=ids, scope=scope)
        if checked.refusals:
            raise UnitsRefused(checked.refusals)
        decision = Decision.objects.create(kind=kind, cycle=cycle, issuer=issuer, created_by=by, **fields)
        _write_items(decision, checked.accepted)
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=decision,
            node_path=issuer.path,
            changes={
                "kind": [None, kind],
                "units": [None, [node.name for node, _a in checked.accepted]],
            },
        )
    return decision


def _locked(decision: Decision, expected_version: int | None) -> Decision:
    locked = (
        Decision.objects.select_for_update()
        .select_related("cycle", "cycle__province", "issuer")
        .get(pk=decision.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(str(STALE))
    return locked


def decision_update_draft(
    *,
    by: User,
    scope: Scope,
    decision: Decision,
    data: dict[str, Any],
    expected_version: int,
    node_ids: Iterable[int] | None = None,
) -> Decision:
    """Change a draft's fields and, if `node_ids` is given, its units (checked as at creation)."""
    _require(scope, Action.DECISION_DRAFT, decision.issuer)
    values = _clean_fields(data)
    with transaction.atomic():
        locked = _locked(decision, expected_version)
        if not locked.is_draft:
            raise DomainError(_("Quyết định đã ban hành hoặc đã hủy không sửa được."))
        before = {f: _plain(getattr(locked, f)) for f in values}
        for field, value in values.items():
            setattr(locked, field, value)
        changes = diff(before, {f: _plain(v) for f, v in values.items()})
        if node_ids is not None:
            ids = list(node_ids)
            if not ids:
                raise DomainError(_("Chọn ít nhất một đơn vị."))
            old = list(locked.items.order_by("position").values_list("node__name", flat=True))
            checked = check_units(
                cycle=locked.cycle, issuer=locked.issuer, kind=locked.kind, node_ids=ids, scope=scope
            )
            if checked.refusals:
                raise UnitsRefused(checked.refusals)
            locked.items.all().delete()
            _write_items(locked, checked.accepted)
            new = [node.name for node, _a in checked.accepted]
            if new != old:
                changes["units"] = [old, new]
        locked.version += 1
        locked.save()
        record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.issuer.path, changes=changes)
    return locked


# ---- issue, revoke, cancel ----------------------------------------------------------------------


def _issue_problems(decision: Decision, values: dict[str, Any]) -> list[str]:
    problems = []
    missing = [
        str(label)
        for field, label in (
            ("number", _("số")),
            ("symbol", _("ký hiệu")),
            ("issued_on", _("ngày ký")),
            ("signer_title", _("chức vụ người ký")),
            ("signer_name", _("họ tên người ký")),
        )
        if not values.get(field)
    ]
    if missing:
        problems.append(_("Chưa ban hành được, còn thiếu: %(items)s.") % {"items": ", ".join(missing)})
    issued_on = values.get("issued_on")
    if issued_on is not None:
        if issued_on > timezone.localdate():
            problems.append(_("Ngày ký không được sau ngày hôm nay."))
        if issued_on.year < decision.cycle.year:
            problems.append(_("Ngày ký phải thuộc năm %(year)s trở về sau.") % {"year": decision.cycle.year})
    return [str(p) for p in problems]


def decision_issue(
    *,
    by: User,
    scope: Scope,
    decision: Decision,
    expected_version: int,
    data: dict[str, Any] | None = None,
) -> Decision:
    """Issue a draft: number, date and signer are required (from `data` or the draft); the number
    and symbol are unique per issuer and year; every unit is checked again, and the decision comes
    into force for all of them at once."""
    _require(scope, Action.DECISION_ISSUE, decision.issuer)
    values = _clean_fields(data or {})
    with transaction.atomic():
        locked = _locked(decision, expected_version)
        if not locked.is_draft:
            workflows.DECISION.find(locked.status, DecisionStatus.ISSUED)  # raises the refusal
        if locked.cycle.status != CycleStatus.OPEN:
            raise DomainError(_("Kỳ đánh giá năm %(year)s đã kết thúc.") % {"year": locked.cycle.year})
        merged = {f: values.get(f, getattr(locked, f)) for f in DRAFT_FIELDS}
        problems = _issue_problems(locked, merged)
        if problems:
            raise DomainError(" ".join(problems))
        year = merged["issued_on"].year
        taken = Decision.objects.filter(
            issuer=locked.issuer,
            number_year=year,
            number=merged["number"],
            symbol=merged["symbol"],
            status__in=NUMBERED,
        ).exclude(pk=locked.pk)
        if taken.exists():
            raise DomainError(
                _("Số %(code)s đã được dùng cho một quyết định khác của %(issuer)s trong năm %(year)s.")
                % {
                    "code": f"{merged['number']}/{merged['symbol']}",
                    "issuer": locked.issuer.name,
                    "year": year,
                }
            )
        node_ids = list(locked.items.order_by("position").values_list("node_id", flat=True))
        if not node_ids:
            raise DomainError(_("Quyết định chưa có đơn vị nào."))
        # Lock the assessments: a second decision naming the same unit waits here, then sees this
        # one in force and is refused (the partial unique index is the last line of defence).
        list(
            Assessment.objects.select_for_update(of=("self",))
            .filter(decision_items__decision=locked)
            .values_list("pk", flat=True)
        )
        checked = check_units(cycle=locked.cycle, issuer=locked.issuer, kind=locked.kind, node_ids=node_ids)
        if checked.refusals:
            raise UnitsRefused(checked.refusals)
        updates = {f: merged[f] for f in DRAFT_FIELDS if merged[f] != getattr(locked, f)}
        updates.update(number_year=year, issued_by=by)
        try:
            with transaction.atomic():
                updated = apply_transition(
                    locked,
                    workflow=workflows.DECISION,
                    to=DecisionStatus.ISSUED,
                    by=by,
                    scope=scope,
                    node=locked.issuer,
                    updates=updates,
                )
                DecisionItem.objects.filter(decision=updated).update(in_force=True)
        except IntegrityError as exc:
            raise DomainError(
                _("Không ban hành được: số quyết định hoặc một đơn vị vừa được dùng trong quyết định khác.")
            ) from exc
        files.pin_wording(updated)
        files.queue_issued_files(updated)
    _notify_units(updated, gettext_noop("Quyết định số %(code)s đã ban hành"))
    return updated


def decision_revoke(
    *, by: User, scope: Scope, decision: Decision, reason: str, expected_version: int
) -> Decision:
    """Revoke an issued decision (reason required): its units lose the recognition or
    classification it gave them, and every result that reads the decisions follows."""
    with transaction.atomic():
        updated = apply_transition(
            decision,
            workflow=workflows.DECISION,
            to=DecisionStatus.REVOKED,
            by=by,
            scope=scope,
            node=decision.issuer,
            reason=reason,
            expected_version=expected_version,
            updates={"revoke_reason": reason.strip(), "revoked_on": timezone.localdate(), "revoked_by": by},
        )
        DecisionItem.objects.filter(decision=updated).update(in_force=False)
    _notify_units(updated, gettext_noop("Quyết định số %(code)s đã bị thu hồi"))
    return updated


def decision_cancel(
    *, by: User, scope: Scope, decision: Decision, expected_version: int, reason: str = ""
) -> Decision:
    """Abandon a draft (kept for the record, never issued)."""
    return apply_transition(
        decision,
        workflow=workflows.DECISION,
        to=DecisionStatus.CANCELLED,
        by=by,
        scope=scope,
        node=decision.issuer,
        reason=reason,
        expected_version=expected_version,
    )


def _notify_units(decision: Decision, title_template: str) -> None:
    """After commit: tell each unit in the decision (those who run its year) and point to its status.
    The texts are written in the site language, whoever issued the decision."""
    nodes = [item.node for item in decision.items.select_related("node")]

    def send() -> None:
        from antq.notifications.services import notify_action_holders

        with translation.override(settings.LANGUAGE_CODE):
            title = _(title_template) % {"code": decision.code}
            body = _("%(kind)s năm %(year)s của %(issuer)s, ngày %(date)s.") % {
                "kind": DecisionKind(decision.kind).label,
                "year": decision.cycle.year,
                "issuer": decision.issuer.name,
                "date": date_format(decision.issued_on, "d/m/Y") if decision.issued_on else "",
            }
        for node in nodes:
            notify_action_holders(
                action=Action.SELF_ASSESS,
                node=node,
                kind="decision",
                title=title,
                body=body,
                url=reverse("decisions:unit_status", kwargs={"pk": node.pk}),
                key=f"decision-{decision.pk}-{decision.status}-{node.pk}",
            )

    transaction.on_commit(send)


# ---- award proposals ----------------------------------------------------------------------------


def award_propose(
    *, by: User, scope: Scope, cycle: Cycle, node: OrgNode, data: dict[str, Any]
) -> AwardProposal:
    """Propose an award for a unit; only a unit recognized by a decision in force and classified at
    the sheet's award level or better (Khá) is accepted, otherwise the refusal says why."""
    _require(scope, Action.AWARD_PROPOSE, node)
    if node.kind not in DECIDED_KINDS or not node.path.startswith(cycle.province.path):
        raise DomainError(_("Đơn vị này không thuộc kỳ đánh giá."))
    kind = str(data.get("kind") or AwardKind.COLLECTIVE)
    if kind not in AwardKind.values:
        raise DomainError(_("Hình thức đề nghị không hợp lệ."))
    recipient = str(data.get("recipient_name") or "").strip()[:200]
    title = str(data.get("award_title") or "").strip()[:300]
    problems = []
    if not title:
        problems.append(
            _("Cần nêu hình thức khen thưởng đề nghị (ví dụ “Bằng khen của Chủ tịch UBND tỉnh”).")
        )
    if kind == AwardKind.INDIVIDUAL and not recipient:
        problems.append(_("Cần nêu họ tên cá nhân được đề nghị."))
    if problems:
        raise DomainError(" ".join(str(p) for p in problems))
    if kind == AwardKind.COLLECTIVE:
        recipient = ""
    eligibility = award_check(cycle, node)
    if not eligibility.eligible:
        raise DomainError(eligibility.reason)
    try:
        with transaction.atomic():
            proposal = AwardProposal.objects.create(
                cycle=cycle,
                node=node,
                proposer=by,
                kind=kind,
                recipient_name=recipient,
                award_title=title,
                content=str(data.get("content") or "").strip(),
                recognition=eligibility.status.recognition,
                classification=eligibility.status.classification,
            )
            record(
                actor=by,
                action=AuditAction.CREATE,
                obj=proposal,
                node_path=node.path,
                changes={
                    "award_title": [None, title],
                    "kind": [None, kind],
                    "recipient_name": [None, recipient],
                },
                reason=eligibility.reason,
            )
    except IntegrityError:
        raise DomainError(_("Đơn vị đã có đề nghị khen thưởng này.")) from None
    return proposal


def award_withdraw(
    *, by: User, scope: Scope, proposal: AwardProposal, reason: str, expected_version: int
) -> AwardProposal:
    """Withdraw a proposal (reason required)."""
    return apply_transition(
        proposal,
        workflow=workflows.AWARD,
        to=AwardStatus.WITHDRAWN,
        by=by,
        scope=scope,
        node=proposal.node,
        reason=reason,
        expected_version=expected_version,
        updates={"reason": reason.strip()},
    )
