"""Writes to the evidence register: every change is atomic, permission-checked and audited.

The file is checked (type by content, size) and its metadata and criteria validated before
anything is written; the file is stored just before the row, and removed again if the row cannot
be saved, so a refused upload leaves neither a row nor a file.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import diff, record
from antq.core.errors import ConcurrentEditError, DomainError
from antq.evidence.criteria import Catalogue, catalogue_for
from antq.evidence.files import check_count, check_upload
from antq.evidence.models import AUDITED_FIELDS, MAX_YEAR, MIN_YEAR, EvidenceDocument, EvidenceLink
from antq.evidence.selectors import evidence_in_use
from antq.evidence.storage import evidence_storage
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode

logger = logging.getLogger(__name__)

# Fields a form or an API payload may set (the file's own facts come from the checks).
METADATA_FIELDS = AUDITED_FIELDS
# Where a dossier is kept: assessed units, and communes for their own recognition.
EVIDENCE_NODE_KINDS: frozenset[str] = frozenset(UNIT_KINDS | {NodeKind.COMMUNE})


def _require_manage(scope: Scope, node: OrgNode) -> None:
    if not scope.allows(Action.EVIDENCE_MANAGE, node):
        raise PermissionDenied(_("Bạn không có quyền quản lý tài liệu minh chứng của đơn vị này."))


def _check_node_and_year(node: OrgNode, year: int) -> None:
    if node.kind not in EVIDENCE_NODE_KINDS:
        raise DomainError(
            _("Chỉ đơn vị (khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục) và xã có hồ sơ minh chứng.")
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_("Năm đánh giá phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})


def _stale() -> ConcurrentEditError:
    return ConcurrentEditError(
        _("Tài liệu đã được người khác thay đổi sau khi bạn mở. Hãy tải lại trang rồi thực hiện lại.")
    )


def _metadata(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(METADATA_FIELDS)
    if unknown:
        raise DomainError(_("Trường không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def checked_criteria(catalogue: Catalogue, criterion_ids: Iterable[str]) -> list[str]:
    """The ids, deduplicated in the frameworks' order; ValidationError naming those not in force."""
    ids = [str(i).strip() for i in criterion_ids if str(i).strip()]
    unknown = catalogue.unknown(ids)
    if unknown:
        if catalogue.empty:
            message = _(
                "Chưa có bộ tiêu chí nào áp dụng cho đơn vị này năm %(year)s: không liên kết được "
                "với %(ids)s."
            ) % {"year": catalogue.year, "ids": ", ".join(unknown)}
        else:
            message = _("Không có trong bộ tiêu chí áp dụng cho đơn vị này năm %(year)s: %(ids)s.") % {
                "year": catalogue.year,
                "ids": ", ".join(unknown),
            }
        raise ValidationError({"criterion_ids": [message]})
    return catalogue.sort_ids(ids)


def _stored_name(year: int, extension: str) -> str:
    """Random, never the user's name: `<year>/<uuid>.<detected extension>`."""
    return f"{year}/{uuid.uuid4().hex}.{extension}"


def _delete_quietly(name: str) -> None:
    try:
        evidence_storage.delete(name)
    except OSError:
        logger.warning("could not delete evidence file %s", name, exc_info=True)


def evidence_create(
    *,
    by: User,
    scope: Scope,
    node: OrgNode,
    year: int,
    data: Mapping[str, Any],
    upload: File,  # type: ignore[type-arg]
    criterion_ids: Iterable[str] = (),
) -> EvidenceDocument:
    """File a document (metadata + upload) in `node`'s dossier for `year`, linked to criteria."""
    _require_manage(scope, node)
    _check_node_and_year(node, year)
    try:
        check_count(EvidenceDocument.objects.filter(node=node, year=year, withdrawn_at__isnull=True).count())
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = EvidenceDocument(
        node=node,
        year=year,
        **_metadata(data),
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    document.full_clean(exclude=["file"])
    ids = checked_criteria(catalogue_for(node, year), criterion_ids)
    name = evidence_storage.save(_stored_name(year, checked.kind.extension), upload)
    try:
        with transaction.atomic():
            document.file.name = name
            document.save()
            EvidenceLink.objects.bulk_create(EvidenceLink(document=document, criterion_id=i) for i in ids)
            changes = diff({}, document.snapshot())
            changes.update(
                {
                    "original_name": [None, document.original_name],
                    "content_type": [None, document.content_type],
                    "size": [None, document.size],
                    "sha256": [None, document.sha256],
                }
            )
            if ids:
                changes["criteria"] = [[], ids]
            record(actor=by, action=AuditAction.CREATE, obj=document, node_path=node.path, changes=changes)
    except BaseException:
        _delete_quietly(name)
        raise
    return document


def _locked(document: EvidenceDocument, expected_version: int) -> EvidenceDocument:
    locked = (
        EvidenceDocument.objects.select_for_update(of=("self",)).select_related("node").get(pk=document.pk)
    )
    if locked.version != expected_version:
        raise _stale()
    return locked


def _require_active(document: EvidenceDocument) -> None:
    if not document.is_active:
        raise DomainError(_("Tài liệu đã bị thu hồi, không thay đổi được."))


def _require_unsent(document: EvidenceDocument) -> None:
    """A document cited by a registration or an assessment that has been sent is part of what was
    sent: its facts (the resolution's date decides "Quý I"), its criteria and its being in force
    stay as they were until the record is returned."""
    reason = evidence_in_use(document)
    if reason:
        raise DomainError(reason)


@transaction.atomic
def evidence_update(
    *,
    by: User,
    scope: Scope,
    document: EvidenceDocument,
    data: Mapping[str, Any],
    expected_version: int,
) -> EvidenceDocument:
    """Change a document's metadata (not its file, node or year); refused on a stale version."""
    _require_manage(scope, document.node)
    fields = _metadata(data)
    locked = _locked(document, expected_version)
    _require_active(locked)
    before = locked.snapshot()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["file"])
    changes = diff(before, locked.snapshot())
    if not changes:
        return locked
    _require_unsent(locked)
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    record(actor=by, action=AuditAction.UPDATE, obj=locked, node_path=locked.node.path, changes=changes)
    return locked


@transaction.atomic
def evidence_link(
    *,
    by: User,
    scope: Scope,
    document: EvidenceDocument,
    criterion_ids: Iterable[str],
    expected_version: int,
) -> EvidenceDocument:
    """Set the criteria the document supports (the same document may serve several criteria);
    refused on a stale version, or while a sent registration or assessment cites the document."""
    _require_manage(scope, document.node)
    locked = _locked(document, expected_version)
    _require_active(locked)
    new = checked_criteria(catalogue_for(locked.node, locked.year), criterion_ids)
    old = sorted(EvidenceLink.objects.filter(document=locked).values_list("criterion_id", flat=True))
    if set(new) == set(old):
        return locked
    _require_unsent(locked)
    EvidenceLink.objects.filter(document=locked).exclude(criterion_id__in=new).delete()
    EvidenceLink.objects.bulk_create(
        EvidenceLink(document=locked, criterion_id=i) for i in new if i not in set(old)
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        node_path=locked.node.path,
        changes={"criteria": [old, new]},
    )
    return locked


@transaction.atomic
def evidence_withdraw(
    *,
    by: User,
    scope: Scope,
    document: EvidenceDocument,
    reason: str,
    expected_version: int,
) -> EvidenceDocument:
    """Withdraw a document (it is kept, with its file, for the records that point at it); refused on
    a stale version, or while a sent registration or assessment cites the document."""
    _require_manage(scope, document.node)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Cần nêu lý do thu hồi."))
    locked = _locked(document, expected_version)
    _require_active(locked)
    _require_unsent(locked)
    locked.is_active = False
    locked.withdrawn_reason = reason[:500]
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.version += 1
    locked.save(
        update_fields=[
            "is_active",
            "withdrawn_reason",
            "withdrawn_at",
            "withdrawn_by",
            "version",
            "updated_at",
        ]
    )
    record(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=locked,
        node_path=locked.node.path,
        changes={"is_active": [True, False]},
        reason=reason,
    )
    return locked


def evidence_download_record(*, by: User, scope: Scope, document: EvidenceDocument) -> None:
    """Log who took a copy of the file (after the view has opened it)."""
    if not scope.allows(Action.VIEW, document.node):
        raise PermissionDenied
    record(
        actor=by,
        action=AuditAction.DOWNLOAD,
        obj=document,
        node_path=document.node.path,
        changes={"original_name": document.original_name, "sha256": document.sha256},
    )
