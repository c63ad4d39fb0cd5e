"""Getters that views and API endpoints use to reach plans, targets and tasks: scope is enforced here.

Whoever sees a plan's node reads the plan. A superior's plan is addressed to the levels below it,
so an **issued** plan is also read by everyone who sees a node under its issuer (the commune police
read the province's plan they implement); drafts and cancelled plans stay with their own level.
Changing a plan needs `PLAN_MANAGE` on its node (403 otherwise); a plan the user does not read
answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from antq.accounts.roles import ROLE_ACTIONS, Action
from antq.accounts.scope import Scope
from antq.org.models import OrgNode, subtree_q
from antq.plans.choices import PlanStatus
from antq.plans.models import Plan, PlanTarget, PlanTask

PLAN_RELATED = ("node", "parent", "parent__node", "created_by", "issued_by")


def ancestor_paths(scope: Scope) -> set[str]:
    """Paths of the nodes above the ones the user sees (the prefixes of each reading grant)."""
    paths: set[str] = set()
    for grant in scope.grants:
        if Action.VIEW in ROLE_ACTIONS.get(grant.role, frozenset()):
            node = OrgNode(path=grant.path)
            paths.update(node.ancestor_paths())
    return paths


def plans_q(scope: Scope, *, prefix: str = "") -> Q:
    """Filter of the plans the user reads (`prefix` names the plan relation, e.g. "plan__")."""
    own = scope.q(Action.VIEW, field=f"{prefix}node__path")
    above = ancestor_paths(scope)
    if not above:
        return own
    return own | Q(**{f"{prefix}node__path__in": sorted(above), f"{prefix}status": PlanStatus.ISSUED})


def visible_plans(scope: Scope) -> QuerySet[Plan]:
    """Plans the user reads: on nodes they see, plus issued plans of the levels above them."""
    return Plan.objects.filter(plans_q(scope))


def reads(scope: Scope, plan: Plan) -> bool:
    """The single decision behind `plans_q`, for one plan already loaded."""
    if scope.sees(plan.node):
        return True
    return plan.status == PlanStatus.ISSUED and plan.node.path in ancestor_paths(scope)


def plan_for(scope: Scope, pk: int | str, action: str = Action.VIEW) -> Plan:
    """The plan if the user reads it (else 404) and may do `action` on its node (else 403)."""
    try:
        plan = Plan.objects.select_related(*PLAN_RELATED).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not reads(scope, plan):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, plan.node):
        raise PermissionDenied
    return plan


def target_for(scope: Scope, pk: int | str, action: str = Action.PLAN_MANAGE) -> PlanTarget:
    """A target through its plan's rules (404 / 403)."""
    try:
        target = PlanTarget.objects.select_related("plan", "plan__node", "inherited_from").get(pk=pk)
    except (PlanTarget.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    _check(scope, target.plan, action)
    return target


def task_for(scope: Scope, pk: int | str, action: str = Action.PLAN_MANAGE) -> PlanTask:
    """A task through its plan's rules (404 / 403)."""
    try:
        task = PlanTask.objects.select_related("plan", "plan__node", "inherited_from").get(pk=pk)
    except (PlanTask.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    _check(scope, task.plan, action)
    return task


def _check(scope: Scope, plan: Plan, action: str) -> None:
    if not reads(scope, plan):
        raise Http404
    if action != Action.VIEW and not scope.allows(action, plan.node):
        raise PermissionDenied


def plannable_nodes(scope: Scope, within: OrgNode | None = None) -> QuerySet[OrgNode]:
    """Nodes in force where the user may draft a plan (strictly under `within` when given)."""
    qs = OrgNode.objects.filter(scope.q(Action.PLAN_MANAGE), valid_to__isnull=True, is_active=True)
    if within is not None:
        qs = qs.filter(subtree_q(within.path)).exclude(pk=within.pk)
    return qs.select_related("parent").only("id", "name", "kind", "path", "parent__name").order_by("path")


# The "new plan" list never holds more than this many nodes (a <select> of thousands is unusable).
CREATE_CHOICES_CAP = 300


def creatable_nodes(
    scope: Scope, here: OrgNode | None, chosen: OrgNode | None = None
) -> tuple[QuerySet[OrgNode], bool]:
    """The nodes offered when drafting a new plan, and whether the user may plan for others not
    listed. Never the whole country in one <select>: the node the user works on (the breadcrumb's
    current node) and the level just below it (for an administrator at the top: the provinces),
    plus, when a node under it is `chosen`, the levels on the way down to it and the level below it
    (a province chosen: its communes; a commune: the province's communes and the commune's units),
    and the nodes the user's own planning roles sit on. Only nodes the user may plan for
    (PLAN_MANAGE with its node kinds), capped."""
    plannable = plannable_nodes(scope)
    if here is None:
        return plannable.none(), False
    near = Q(pk=here.pk) | Q(parent_id=here.pk)
    if chosen is not None and chosen.is_descendant_of(here):
        # The levels on the way down to the chosen node stay listed (the province's communes when
        # a commune is chosen), with the chosen node's own level below.
        way = [p for p in chosen.ancestor_paths() if p.startswith(here.path)]
        near |= Q(pk=chosen.pk) | Q(parent__path__in=[*way, chosen.path])
    own = [g.node_id for g in scope.grants if Action.PLAN_MANAGE in ROLE_ACTIONS.get(g.role, frozenset())]
    picked = list(
        plannable.filter((near & subtree_q(here.path)) | Q(pk__in=own))
        .order_by("path")
        .values_list("pk", flat=True)[:CREATE_CHOICES_CAP]
    )
    more = plannable.exclude(pk__in=picked).exists()
    return plannable.filter(pk__in=picked), more
