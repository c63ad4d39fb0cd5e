"""The wording of generated documents, and a system administrator's replacement of it per province.

`wording(kind, node, context)` is what every document builder calls: the fields of the template in
force for the node's province (its latest upload, or the default file), with `$placeholders` filled
from `context`. Uploads are checked in full before they are stored, so a document never meets a
template it cannot fill.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.doctemplates import files
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.models import DocumentTemplate
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


def active_template(kind: str, node: OrgNode | None) -> DocumentTemplate | None:
    """The upload in force for the province of `node` (a province or any node under it), if any."""
    if node is None:
        return None
    paths = [*node.ancestor_paths(), node.path]
    return (
        DocumentTemplate.objects.filter(kind=kind, is_active=True, province__path__in=paths)
        .order_by("-province__depth")
        .first()
    )


def template_text(kind: str, node: OrgNode | None) -> str:
    """The YAML text in force for the node's province (the default file when none was uploaded)."""
    current = active_template(kind, node)
    return current.content if current is not None else files.default_text(kind)


def wording(kind: str, province: OrgNode | None, context: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of `kind`'s template in force for `province` (or any node under it), filled in.

    Strings, lists and mappings keep the template's shape. Each declared placeholder takes
    `str(context[name])`; one missing from `context` is left empty; keys that are not declared are
    ignored (the caller may pass more than a kind uses).
    """
    kind = TemplateKind(kind).value
    checked = files.parse(kind, template_text(kind, province), fill_missing=True)
    values = {name: "" if context.get(name) is None else str(context[name]) for name in checked.placeholders}
    filled: dict[str, Any] = files.fill(dict(checked.fields), values)
    return filled


def province_of(node: OrgNode) -> OrgNode:
    """The province a node belongs to (itself when it is one)."""
    if node.kind == NodeKind.PROVINCE:
        return node
    province = OrgNode.objects.filter(path__in=node.ancestor_paths(), kind=NodeKind.PROVINCE).first()
    if province is None:
        raise ValidationError(_("Mẫu văn bản chỉ thay được cho một tỉnh, thành phố."))
    return province


def _deactivate(kind: str, province: OrgNode, *, replaced_by: DocumentTemplate | None) -> None:
    DocumentTemplate.objects.filter(province=province, kind=kind, is_active=True).update(
        is_active=False, replaced_by=replaced_by, deactivated_at=timezone.now()
    )


def _require(scope: Scope, province: OrgNode) -> None:
    if not scope.allows(Action.TEMPLATE_MANAGE, province):
        raise PermissionDenied(_("Bạn không có quyền thay mẫu văn bản của tỉnh này."))


def template_upload(
    *, scope: Scope, province: OrgNode, kind: str, content: bytes | str, by: User
) -> DocumentTemplate:
    """Check and put in force a province's replacement of a template; the previous one is kept."""
    _require(scope, province)
    if province.kind != NodeKind.PROVINCE:
        raise ValidationError(_("Mẫu văn bản chỉ thay được cho một tỉnh, thành phố."))
    kind = TemplateKind(kind).value
    if isinstance(content, bytes):
        if len(content) > files.MAX_BYTES:
            raise ValidationError(_("Tệp mẫu quá lớn: tối đa %(kb)s KB.") % {"kb": files.MAX_BYTES // 1024})
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("Tệp mẫu phải là văn bản mã hóa UTF-8 (tệp .yaml).")) from exc
    else:
        text = content
    text = text.replace("\r\n", "\n")
    files.parse(kind, text)  # raises ValidationError naming every bad line and field
    with transaction.atomic():
        # Lock the province row: two uploads at once must not both become the one in force.
        OrgNode.objects.select_for_update().filter(pk=province.pk).first()
        last = DocumentTemplate.objects.filter(province=province, kind=kind).order_by("-number").first()
        previous = DocumentTemplate.objects.filter(province=province, kind=kind, is_active=True).first()
        if previous is not None:
            DocumentTemplate.objects.filter(pk=previous.pk).update(is_active=False)
        template = DocumentTemplate.objects.create(
            province=province,
            kind=kind,
            content=text,
            uploaded_by=by,
            number=(last.number + 1) if last is not None else 1,
        )
        if previous is not None:
            DocumentTemplate.objects.filter(pk=previous.pk).update(
                replaced_by=template, deactivated_at=timezone.now()
            )
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=template,
            node_path=province.path,
            changes={"kind": kind, "number": template.number, "replaces": previous.pk if previous else None},
        )
    return template


def template_revert(*, scope: Scope, province: OrgNode, kind: str, by: User) -> DocumentTemplate | None:
    """Put the default file back in force for a province; returns the upload it stopped (if any)."""
    _require(scope, province)
    kind = TemplateKind(kind).value
    with transaction.atomic():
        OrgNode.objects.select_for_update().filter(pk=province.pk).first()
        previous = DocumentTemplate.objects.filter(province=province, kind=kind, is_active=True).first()
        if previous is None:
            return None
        _deactivate(kind, province, replaced_by=None)
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=previous,
            node_path=province.path,
            changes={"kind": kind, "number": previous.number, "is_active": False},
            reason=_("Trở lại mẫu mặc định"),
        )
    return previous
