"""Screens of the incident register: list, record, detail with history, correct, withdraw, and the
"incidents affecting the unit" page that explains each incident's effect on the criteria.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.incidents import selectors, services
from antq.incidents.access import incident_for, recordable_nodes
from antq.incidents.catalogue import excused_types, framework_on, type_choices, type_labels
from antq.incidents.forms import CorrectForm, IncidentFilterForm, IncidentForm, WithdrawForm
from antq.incidents.models import FACT_FIELDS
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

MENU = "incidents"
PAGE_SIZE = 50


def _catalogue(node: OrgNode | None) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The type choices and the excuses each flag allows, from the TT 124 version in force today."""
    framework = framework_on(node, timezone.localdate())
    return type_choices(framework), excused_types(framework)


def _filters(
    request: AuthedHttpRequest, scope: Scope, labels: dict[str, str]
) -> tuple[IncidentFilterForm, selectors.IncidentFilters]:
    form = IncidentFilterForm(request.GET or None, type_choices=list(labels.items()))
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    within = node_for(scope, data["within"]) if data.get("within") else current_node(request)
    node = node_for(scope, data["node"]) if data.get("node") else None
    return form, selectors.IncidentFilters(
        within=within,
        node=node,
        incident_type=data.get("incident_type") or "",
        year=data.get("year"),
        include_withdrawn=bool(data.get("include_withdrawn")),
    )


@login_required
def incident_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    labels = type_labels()
    form, filters = _filters(request, scope, labels)
    qs = selectors.incident_list(scope=scope, filters=filters)
    page = selectors.incident_page(
        qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=PAGE_SIZE
    )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "labels": labels,
        "query": query.urlencode(),
        "filter_nodes": selectors.filter_nodes(filters.within),
        "can_record": scope.can_anywhere(Action.INCIDENT_RECORD),
        # The calendar year: in November and December that is the window just closed, the one
        # being assessed. (Finding the window that holds today costs the framework look-ups.)
        "effects_year": timezone.localdate().year
        if filters.within is not None and filters.within.kind in selectors.ENGINE_UNIT_TYPES
        else None,
        "active_menu": MENU,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(
        request, "incidents/_results.html" if fragment else "incidents/incident_list.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def incident_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.INCIDENT_RECORD):
        raise PermissionDenied
    within = current_node(request)
    nodes = recordable_nodes(scope, within)
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    chosen = int_or_none(request.GET.get("node"))
    if chosen is not None and nodes.filter(pk=chosen).exists():
        initial["node"] = chosen
    choices, excused = _catalogue(within)
    form = IncidentForm(
        request.POST or None, nodes=nodes, type_choices=choices, excused=excused, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.facts()
        try:
            incident = services.incident_record(
                by=request.user, scope=scope, node=data.pop("node"), data=data
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận vụ việc."))
            return redirect("incidents:detail", incident.pk)
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "no_catalogue": not choices, "active_menu": MENU},
    )


def _year_of(node: OrgNode | None, day: dt.date) -> int | None:
    """The node's evaluation year whose window holds `day`, for a link to the effects page; None
    when the node is not evaluated (a province) or no framework is loaded."""
    if node is None or node.kind not in selectors.ENGINE_UNIT_TYPES:
        return None
    try:
        return selectors.evaluation_year(node=node, on=day)
    except DomainError:
        return None


@login_required
def incident_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    incident = incident_for(scope, pk)
    labels = type_labels()
    # Only the revisions on nodes the reader sees: an incident moved here from another unit does not
    # show what was recorded there.
    revisions = selectors.incident_revisions(incident, labels, scope=scope)
    current = next((r.row for r in revisions if r.row.is_current), None) or selectors.current_revision(
        incident
    )
    can_record = scope.allows(Action.INCIDENT_RECORD, current.node)
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": current,
            "viewed": incident,
            "type_label": labels.get(current.incident_type, current.incident_type),
            "revisions": revisions,
            "can_correct": can_record and not current.is_withdrawn,
            "withdraw_form": WithdrawForm(initial={"expected_revision": current.revision}),
            "effects_year": _year_of(current.node, current.occurred_on),
            "active_menu": MENU,
        },
    )


@login_required
def incident_correct(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    incident = incident_for(scope, pk, Action.INCIDENT_RECORD)
    current = selectors.current_revision(incident)
    if current.pk != incident.pk:
        return redirect("incidents:correct", current.pk)
    # Moving the incident to another node: within the same commune (the usual mistake is the unit).
    node = current.node
    commune = node if node.kind == NodeKind.COMMUNE else node.parent
    within = commune if commune is not None and commune.kind == NodeKind.COMMUNE else node
    nodes = recordable_nodes(scope, within, keep=node)
    choices, excused = _catalogue(current.node)
    initial = {name: getattr(current, name) for name in FACT_FIELDS if name != "node"}
    initial.update(node=current.node_id, expected_revision=current.revision)
    form = CorrectForm(
        request.POST or None, nodes=nodes, type_choices=choices, excused=excused, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = services.incident_correct(
                by=request.user,
                scope=scope,
                incident=current,
                data=form.facts(),
                reason=form.cleaned_data["reason"],
                expected_revision=form.cleaned_data["expected_revision"],
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đính chính vụ việc (lần ghi %(n)s).") % {"n": row.revision})
            return redirect("incidents:detail", row.pk)
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "incident": current, "no_catalogue": not choices, "active_menu": MENU},
    )


@login_required
@require_POST
def incident_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    incident = incident_for(scope, pk, Action.INCIDENT_RECORD)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do rút vụ việc."))
        return redirect("incidents:detail", incident.pk)
    try:
        row = services.incident_withdraw(
            by=request.user,
            scope=scope,
            incident=incident,
            reason=form.cleaned_data["reason"],
            expected_revision=form.cleaned_data["expected_revision"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("incidents:detail", incident.pk)
    messages.success(request, _("Đã rút vụ việc (ghi nhận nhầm)."))
    return redirect("incidents:detail", row.pk)


@login_required
def incident_effects(request: AuthedHttpRequest, node_pk: int, year: int) -> HttpResponse:
    """ "Vụ việc ảnh hưởng đến đơn vị": each incident of the window and the criteria it affects."""
    scope = scope_of(request)
    node = node_for(scope, node_pk)
    if node.kind not in selectors.ENGINE_UNIT_TYPES:
        raise Http404
    if not 2000 <= year <= 2100:
        raise Http404
    window: tuple[dt.date, dt.date] | None = None
    effects: list[selectors.IncidentEffect] = []
    problem = ""
    try:
        window = selectors.evaluation_window(node=node, year=year)
        effects = selectors.incident_effects(node=node, year=year)
    except DomainError as exc:
        problem = str(exc)
    return render(
        request,
        "incidents/incident_effects.html",
        {
            "node": node,
            "year": year,
            "window": window,
            "effects": effects,
            "failing": sum(1 for e in effects if e.fails),
            "problem": problem,
            "can_record": scope.allows(Action.INCIDENT_RECORD, node),
            "active_menu": MENU,
        },
    )
