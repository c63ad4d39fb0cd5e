"""Getters of the template screens: a province the user may manage templates for, and one upload.

Only a system administrator holds TEMPLATE_MANAGE (accounts/roles.py). A province out of the user's
scope answers 404; a province in scope without the action answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.doctemplates.models import DocumentTemplate
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


def province_for(scope: Scope, pk: int | str, action: str = Action.TEMPLATE_MANAGE) -> OrgNode:
    """The province (404 if unseen or not a province, 403 without `action` on it)."""
    try:
        province = OrgNode.objects.get(pk=pk, kind=NodeKind.PROVINCE)
    except (OrgNode.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(province):
        raise Http404
    if not scope.allows(action, province):
        raise PermissionDenied
    return province


def template_for(scope: Scope, pk: int | str, action: str = Action.TEMPLATE_MANAGE) -> DocumentTemplate:
    """One upload, through its province's rules (404 / 403)."""
    try:
        template = DocumentTemplate.objects.select_related("province", "uploaded_by").get(pk=pk)
    except (DocumentTemplate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not scope.sees(template.province):
        raise Http404
    if not scope.allows(action, template.province):
        raise PermissionDenied
    return template


def managed_provinces(scope: Scope) -> QuerySet[OrgNode]:
    """Provinces in force whose templates the user may replace (the provinces merged away by the
    2025 reform keep their names and would otherwise be listed twice)."""
    return OrgNode.objects.filter(
        scope.q(Action.TEMPLATE_MANAGE), kind=NodeKind.PROVINCE, valid_to__isnull=True, is_active=True
    ).order_by("name")
