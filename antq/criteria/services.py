"""Writes to framework versions: freezing, province variants, threshold confirmation.

Every write is atomic and audited. National versions change only through data files
(`antq load_frameworks`); here a province edits its own variant, and every edit is validated by
running the engine's `load_framework` on the new content (its Vietnamese problems are the answer).
A frozen version (used by a cycle) is never changed.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.core.errors import DomainError
from antq.criteria.access import MANAGE, version_for
from antq.criteria.engine import FrameworkError, Problem, load_framework
from antq.criteria.loader import to_json
from antq.criteria.models import (
    FrameworkKind,
    FrameworkVersion,
    FrozenVersionError,
    ThresholdConfirmation,
    classification_fingerprint,
)
from antq.criteria.selectors import audit_node_path, nation_node, thresholds_verified
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


class FrameworkContentError(DomainError):
    """The edited content does not pass the engine's validation; `problems` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = [_("Nội dung bộ tiêu chí sau khi sửa không hợp lệ (%(n)d lỗi):") % {"n": len(self.problems)}]
        lines += [f"  - {p.path or '(gốc)'}: {p.message}" for p in self.problems]
        super().__init__("\n".join(lines))


def validate_content(content: dict[str, Any]) -> None:
    """Run the engine on the document; raise `FrameworkContentError` with its problems."""
    try:
        load_framework(content)
    except FrameworkError as exc:
        raise FrameworkContentError(exc.problems) from exc


def _frozen_error(version: FrameworkVersion) -> FrozenVersionError:
    return FrozenVersionError(
        _("Phiên bản %(v)s đã bị khóa (đã được dùng trong một kỳ đánh giá), không sửa được.") % {"v": version}
    )


# --- Freezing -----------------------------------------------------------------------------------


@transaction.atomic
def framework_version_freeze(version: FrameworkVersion, *, by: User | None = None) -> FrameworkVersion:
    """Freeze the version (a cycle starts using it). Freezing twice is harmless."""
    locked = (
        FrameworkVersion.objects.select_for_update(of=("self",)).select_related("province").get(pk=version.pk)
    )
    if not locked.frozen:
        locked.frozen = True
        locked.save(update_fields=["frozen", "updated_at"])
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            node_path=audit_node_path(locked),
            changes={"frozen": [False, True]},
            reason=_("Khóa phiên bản: đã được dùng trong kỳ đánh giá"),
        )
    version.frozen = True
    return locked


# --- Province variants --------------------------------------------------------------------------


@transaction.atomic
def framework_variant_create(
    *, by: User, scope: Scope, base_version: FrameworkVersion, province: OrgNode, label: str
) -> FrameworkVersion:
    """Copy `base_version` (national, or an earlier variant of the same province) under `province`.

    The copy is not frozen; its `version` field becomes `label`."""
    base = version_for(scope, base_version.pk)
    province = node_for(scope, province.pk, MANAGE)
    if province.kind != NodeKind.PROVINCE:
        raise DomainError(_("Biến thể chỉ được tạo cho một tỉnh, thành phố."))
    if province.valid_to is not None:
        raise DomainError(_("Tỉnh này đã hết hiệu lực sau sắp xếp đơn vị hành chính."))
    if base.province_id is not None and base.province_id != province.pk:
        raise DomainError(_("Chỉ tạo biến thể từ phiên bản quốc gia hoặc từ biến thể của chính tỉnh này."))
    label = label.strip()
    if not label:
        raise DomainError(_("Vui lòng nhập tên phiên bản, ví dụ “2021.1-gl”."))
    taken = FrameworkVersion.objects.filter(framework=base.framework, province=province, label=label)
    if taken.exists():
        raise DomainError(_("Tỉnh đã có phiên bản %(label)s của bộ tiêu chí này.") % {"label": label})
    content = copy.deepcopy(base.content)
    content["version"] = label
    validate_content(content)
    variant = FrameworkVersion(
        framework=base.framework, label=label, content=content, province=province, derived_from=base
    )
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:  # the same label created meanwhile
        raise DomainError(
            _("Tỉnh đã có phiên bản %(label)s của bộ tiêu chí này.") % {"label": label}
        ) from exc
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=variant,
        node_path=province.path,
        changes={"derived_from": [None, str(base)], "content_hash": [None, variant.content_hash]},
        reason=_("Tạo biến thể của tỉnh"),
    )
    return variant


# Changes a copy of the variant's content (given with the locked variant) and returns the audit changes.
Edit = Callable[[dict[str, Any], FrameworkVersion], dict[str, list[Any]]]


@transaction.atomic
def _edit_variant(
    *, by: User, scope: Scope, version: FrameworkVersion, kinds: tuple[str, ...], edit: Edit, reason: str
) -> FrameworkVersion:
    """Apply `edit` to a copy of the variant's content (it returns the audit changes), validate with
    the engine, save. The row is locked, so two editors never overwrite each other."""
    version_for(scope, version.pk, MANAGE)
    locked = (
        FrameworkVersion.objects.select_for_update(of=("self",)).select_related("province").get(pk=version.pk)
    )
    if locked.province_id is None:
        raise DomainError(
            _(
                "Phiên bản quốc gia chỉ thay đổi bằng tệp dữ liệu (antq load_frameworks); "
                "hãy tạo biến thể của tỉnh để sửa."
            )
        )
    if locked.frozen:
        raise _frozen_error(locked)
    if locked.framework.kind not in kinds:
        raise DomainError(
            _("Thao tác này không áp dụng cho loại bộ tiêu chí %(kind)s.") % {"kind": locked.framework.kind}
        )
    content = copy.deepcopy(locked.content)
    changes = edit(content, locked)
    validate_content(content)
    old_hash = locked.content_hash
    locked.content = content
    locked.save()
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        node_path=audit_node_path(locked),
        changes={**changes, "content_hash": [old_hash, locked.content_hash]},
        reason=reason,
    )
    version.content, version.content_hash = locked.content, locked.content_hash
    return locked


def _criterion_ids(content: dict[str, Any]) -> set[str]:
    """Every criterion id of a TT 124 document (all criteria sets) and its sub-items' full ids."""
    ids: set[str] = set()
    for body in (content.get("criteria_sets") or {}).values():
        for crit in (body or {}).get("criteria") or []:
            if isinstance(crit, dict) and crit.get("id"):
                cid = str(crit["id"])
                ids.add(cid)
                ids.update(
                    f"{cid}.{sub.get('id')}" for sub in crit.get("sub_items") or [] if isinstance(sub, dict)
                )
    return ids


def _set_code(criteria_set: str, body: dict[str, Any]) -> str:
    """The short code of a criteria set, read from its criteria ids (`TT124.KDC.1` → `KDC`)."""
    for crit in body.get("criteria") or []:
        parts = str(crit.get("id", "")).split(".") if isinstance(crit, dict) else []
        if len(parts) >= 3 and parts[1]:
            return parts[1]
    return "".join(ch for ch in criteria_set.upper() if ch.isalnum()) or "TC"


def _local_criterion_id(raw: Any, prefix: str, set_code: str, taken: set[str]) -> str:
    """The id of a local criterion: `<province code>.` then the province's own number; a blank id
    becomes the next free `<province code>.<set code>.<n>`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        n = 1
        while f"{prefix}{set_code}.{n}" in taken:
            n += 1
        return f"{prefix}{set_code}.{n}"
    cid = raw.strip() if isinstance(raw, str) else ""
    example = f"{prefix}{set_code}.1"
    if not cid.startswith(prefix) or len(cid) == len(prefix) or any(ch.isspace() for ch in cid):
        raise DomainError(
            _(
                "Mã tiêu chí (id) “%(id)s” không hợp lệ: tiêu chí của địa phương phải có mã bắt đầu "
                "bằng mã tỉnh “%(prefix)s”, ví dụ “%(example)s”; để trống thì hệ thống tự đặt mã."
            )
            % {"id": raw, "prefix": prefix, "example": example}
        )
    if cid in taken:
        raise DomainError(
            _("Mã tiêu chí (id) “%(id)s” đã được dùng trong bộ tiêu chí này; hãy chọn mã khác.") % {"id": cid}
        )
    return cid


def framework_variant_add_criterion(
    *, by: User, scope: Scope, version: FrameworkVersion, criteria_set: str, criterion: Mapping[str, Any]
) -> FrameworkVersion:
    """Add a local criterion (TT 124 Điều 8) at the end of a criteria set of a TT 124 variant.

    `criterion` has the shape of the data file: `id`, `text_vi`, and `checks` and/or `sub_items`.
    The id is in the province's own namespace: it starts with the province code and a dot
    (`T52.KDC.1`), is generated so when blank, and never reuses an id of the document."""
    new = to_json(dict(criterion))

    def edit(content: dict[str, Any], variant: FrameworkVersion) -> dict[str, list[Any]]:
        sets = content.get("criteria_sets") or {}
        if criteria_set not in sets:
            raise DomainError(
                _("Không có bộ tiêu chí “%(name)s”; chọn một trong: %(names)s.")
                % {"name": criteria_set, "names": ", ".join(sets)}
            )
        prefix = f"{variant.province.code}."  # type: ignore[union-attr]  # a variant has a province
        body = sets[criteria_set]
        new["id"] = _local_criterion_id(
            new.get("id"), prefix, _set_code(criteria_set, body), _criterion_ids(content)
        )
        body.setdefault("criteria", []).append(new)
        return {f"criteria_sets.{criteria_set}.criteria[+]": [None, new]}

    return _edit_variant(
        by=by,
        scope=scope,
        version=version,
        kinds=(FrameworkKind.TT124,),
        edit=edit,
        reason=_("Thêm tiêu chí của địa phương (TT 124 Điều 8)"),
    )


def _find(content: dict[str, Any], item_id: str) -> tuple[dict[str, Any], str]:
    """The criterion / sheet item (or its sub-item: `<id>.<sub id>`) with this id, and its text key."""
    if content.get("framework") == FrameworkKind.TT124:
        text_key = "text_vi"
        parents = [c for s in (content.get("criteria_sets") or {}).values() for c in s.get("criteria") or []]
    else:
        text_key = "label_vi"
        parents = list(content.get("items") or [])
    for parent in parents:
        if isinstance(parent, dict) and parent.get("id") == item_id:
            return parent, text_key
    head, _dot, sub_id = item_id.rpartition(".")
    for parent in parents:
        if isinstance(parent, dict) and parent.get("id") == head:
            for sub in parent.get("sub_items") or []:
                if isinstance(sub, dict) and sub.get("id") == sub_id:
                    return sub, text_key
    raise DomainError(_("Không tìm thấy tiêu chí hoặc mục “%(id)s”.") % {"id": item_id})


def framework_variant_reword(
    *, by: User, scope: Scope, version: FrameworkVersion, item_id: str, text: str
) -> FrameworkVersion:
    """Reword a criterion, sub-item or sheet item (`TT124.KDC.1`, `TT124.KDC.4.a`, `QD510.CQ.5.c`)."""
    text = text.strip()
    if not text:
        raise DomainError(_("Vui lòng nhập nội dung mới."))

    def edit(content: dict[str, Any], _version: FrameworkVersion) -> dict[str, list[Any]]:
        target, key = _find(content, item_id)
        old = target.get(key)
        target[key] = text
        return {f"{item_id}.{key}": [old, text]}

    return _edit_variant(
        by=by,
        scope=scope,
        version=version,
        kinds=tuple(FrameworkKind),
        edit=edit,
        reason=_("Sửa câu chữ tiêu chí"),
    )


def framework_variant_reweight(
    *, by: User, scope: Scope, version: FrameworkVersion, max_points: Mapping[str, int]
) -> FrameworkVersion:
    """Change the maximum points of sheet items / sub-items (`QD510.CQ.7`, `QD510.CQ.5.c`) at once.

    The sheet total (`total_max`) does not change: move points between items in one edit. The
    engine refuses sums that no longer add up (sub-items to their item, items to the total)."""

    def edit(content: dict[str, Any], _version: FrameworkVersion) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for item_id, points in max_points.items():
            target, _key = _find(content, item_id)
            changes[f"{item_id}.max_points"] = [target.get("max_points"), points]
            target["max_points"] = points
        return changes

    if not max_points:
        raise DomainError(_("Chưa có mục nào được đổi điểm."))
    return _edit_variant(
        by=by,
        scope=scope,
        version=version,
        kinds=(FrameworkKind.QD510,),
        edit=edit,
        reason=_("Đổi điểm tối đa của bảng chấm điểm"),
    )


def framework_variant_set_thresholds(
    *, by: User, scope: Scope, version: FrameworkVersion, minimums: Mapping[str, int]
) -> FrameworkVersion:
    """Set the classification thresholds of a sheet variant (level code → minimum points), e.g.
    from a provincial decision. They stop being illustrative but stay unverified until
    `thresholds_confirm` cites the document."""

    def edit(content: dict[str, Any], _version: FrameworkVersion) -> dict[str, list[Any]]:
        classification = content.get("classification")
        if not isinstance(classification, dict):
            raise DomainError(_("Bảng chấm điểm này không có phần phân loại."))
        levels = {lv.get("code"): lv for lv in classification.get("levels") or [] if isinstance(lv, dict)}
        changes: dict[str, list[Any]] = {}
        for code, minimum in minimums.items():
            if code not in levels:
                raise DomainError(
                    _("Không có mức phân loại “%(code)s”; chọn một trong: %(codes)s.")
                    % {"code": code, "codes": ", ".join(str(c) for c in levels)}
                )
            changes[f"classification.{code}.min"] = [levels[code].get("min"), minimum]
            levels[code]["min"] = minimum
        if classification.get("illustrative"):
            changes["classification.illustrative"] = [True, False]
        classification["illustrative"] = False
        classification["verified"] = False
        return changes

    return _edit_variant(
        by=by,
        scope=scope,
        version=version,
        kinds=(FrameworkKind.QD510,),
        edit=edit,
        reason=_("Nhập ngưỡng phân loại theo văn bản"),
    )


# --- Thresholds ---------------------------------------------------------------------------------


@transaction.atomic
def thresholds_confirm(
    *,
    by: User,
    scope: Scope,
    version: FrameworkVersion,
    document_number: str,
    document_date: dt.date,
    note: str = "",
) -> ThresholdConfirmation:
    """Record that the version's classification thresholds match a document (number, date).

    The confirmation stores the fingerprint of the classification section it covers: a later
    threshold edit voids it, and the new thresholds may then be confirmed again. Allowed on frozen
    versions (the content does not change); refused when the thresholds are illustrative
    placeholders, or already confirmed as they are now."""
    version_for(scope, version.pk, MANAGE)
    # Locked: the thresholds cannot change between the checks and the fingerprint.
    version = (
        FrameworkVersion.objects.select_for_update(of=("self",)).select_related("province").get(pk=version.pk)
    )
    classification = version.content.get("classification")
    if not isinstance(classification, dict):
        raise DomainError(_("Phiên bản này không có ngưỡng phân loại để xác nhận."))
    if classification.get("illustrative"):
        raise DomainError(
            _(
                "Ngưỡng hiện tại chỉ là số minh họa: hãy nhập ngưỡng theo văn bản (trên biến thể của tỉnh) "
                "rồi mới xác nhận."
            )
        )
    if thresholds_verified(version):
        raise DomainError(_("Ngưỡng phân loại của phiên bản này đã được xác nhận."))
    document_number = document_number.strip()
    if not document_number:
        raise DomainError(_("Vui lòng nhập số văn bản, ví dụ “1234/QĐ-UBND”."))
    if document_date > timezone.localdate():
        raise DomainError(_("Ngày văn bản không được sau ngày hôm nay."))
    confirmation = ThresholdConfirmation.objects.create(
        version=version,
        confirmed_by=by,
        document_number=document_number,
        document_date=document_date,
        note=note.strip(),
        classification_hash=classification_fingerprint(version.content),
    )
    record(
        actor=by,
        action=AuditAction.CREATE,
        obj=confirmation,
        node_path=audit_node_path(version),
        changes={
            "version": [None, str(version)],
            "document_number": [None, document_number],
            "document_date": [None, document_date.isoformat()],
            "note": [None, confirmation.note],
            "classification_hash": [None, confirmation.classification_hash],
        },
        reason=_("Xác nhận ngưỡng phân loại theo văn bản"),
    )
    return confirmation


# --- Sheets imported from a table ---------------------------------------------------------------


def _covered_by_verified_sheet(unit_type: str) -> bool:
    """Whether a verified QĐ 510 sheet (national) already covers the unit type: then the official
    sheet is known and a typed-in copy would only compete with it."""
    versions = FrameworkVersion.objects.filter(
        framework__kind=FrameworkKind.QD510, province__isnull=True, verified=True
    ).values_list("content", flat=True)
    return any(unit_type in (content.get("applies_to") or []) for content in versions)


@transaction.atomic
def sheet_import_create(
    *,
    by: User,
    scope: Scope,
    content: dict[str, Any],
    province: OrgNode | None,
    source: str,
    typed: bool = False,
) -> FrameworkVersion:
    """Store a sheet read from a table (`sheet_import.parse_sheet_table`) as a new, not frozen
    version: a province variant when `province` is given, else a national draft.

    Only for unit types without a verified national sheet. The content is validated again here
    (nothing is written on a problem) and carries `verified: false` unless the administrator cited
    the document it was typed from. `typed`: the rows were entered in the creation form (audited as
    a creation, not a file import)."""
    from antq.criteria.loader import framework_code
    from antq.criteria.models import Framework

    if province is not None:
        province = node_for(scope, province.pk, MANAGE)
        if province.kind != NodeKind.PROVINCE:
            raise DomainError(_("Biến thể chỉ được tạo cho một tỉnh, thành phố."))
        if province.valid_to is not None:
            raise DomainError(_("Tỉnh này đã hết hiệu lực sau sắp xếp đơn vị hành chính."))
    else:
        nation = nation_node()
        if nation is None or not scope.allows(MANAGE, nation):
            raise PermissionDenied
    applies = content.get("applies_to") or []
    if not applies or any(_covered_by_verified_sheet(unit_type) for unit_type in applies):
        raise DomainError(
            _("Loại đơn vị này đã có bảng chấm điểm đã xác minh; chỉ nhập bảng cho loại chưa có.")
        )
    validate_content(content)
    parsed = load_framework(content)
    code, label = framework_code(parsed), parsed.version
    framework, created = Framework.objects.get_or_create(
        code=code, defaults={"kind": FrameworkKind.QD510, "title": parsed.title_vi}
    )
    if framework.kind != FrameworkKind.QD510:
        raise DomainError(_("Mã bộ tiêu chí %(code)s đã dùng cho loại khác.") % {"code": code})
    taken = FrameworkVersion.objects.filter(framework=framework, province=province, label=label)
    if taken.exists():
        raise DomainError(_("Đã có phiên bản %(label)s của bảng này.") % {"label": label})
    version = FrameworkVersion(
        framework=framework, label=label, content=content, province=province, source=source
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as exc:  # the same label created meanwhile
        raise DomainError(_("Đã có phiên bản %(label)s của bảng này.") % {"label": label}) from exc
    record(
        actor=by,
        action=AuditAction.CREATE if typed else AuditAction.IMPORT,
        obj=version,
        node_path=audit_node_path(version),
        changes={
            "content_hash": [None, version.content_hash],
            "source": [None, source],
            "verified": [None, version.verified],
            "framework_created": [None, created],
        },
        reason=_("Tạo bảng chấm điểm trên giao diện") if typed else _("Nhập bảng chấm điểm từ tệp XLSX"),
    )
    return version
