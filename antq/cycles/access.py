"""Getters for cycle records with scope enforced: out of scope → 404, in scope without the action → 403.

A registration or an assessment belongs to its unit's node; a cycle to its province (every user
working inside the province sees the cycle).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404

from antq.accounts.roles import Action
from antq.accounts.scope import Scope
from antq.cycles.models import Assessment, Cycle, Registration
from antq.org.models import subtree_q

M = TypeVar("M", bound=Model)


def visible_cycles(scope: Scope) -> list[Cycle]:
    """Cycles of the provinces the user works in (holds a node in, above or below)."""
    cycles = Cycle.objects.select_related("province").order_by("-year", "province__path")
    return [c for c in cycles if _sees_province(scope, c)]


def _sees_province(scope: Scope, cycle: Cycle) -> bool:
    path = cycle.province.path
    return any(g.path.startswith(path) or path.startswith(g.path) for g in scope.grants)


def cycle_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Cycle:
    try:
        cycle = Cycle.objects.select_related("province").get(pk=pk)
    except (Cycle.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not _sees_province(scope, cycle):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, cycle.province):
        raise PermissionDenied
    return cycle


def _get(model: type[M], scope: Scope, pk: int | str, action: str) -> M:
    try:
        obj = (
            model._default_manager.filter(scope.q(Action.VIEW, field="node__path"))
            .select_related("node", "node__parent", "cycle", "cycle__province")
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
    if action != Action.VIEW and not scope.allows(action, obj.node):  # type: ignore[attr-defined]
        raise PermissionDenied
    return obj


def registration_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Registration:
    return _get(Registration, scope, pk, action)


def assessment_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Assessment:
    return _get(Assessment, scope, pk, action)


def in_subtree_q(scope: Scope, action: str, field: str = "node__path"):  # type: ignore[no-untyped-def]
    """The queryset filter for records on nodes where the user may do `action`."""
    return scope.q(action, field=field)


__all__ = ["assessment_for", "cycle_for", "in_subtree_q", "registration_for", "subtree_q", "visible_cycles"]
