"""Registry screens: list with filters and accent-insensitive search, detail, create, edit, deactivate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.audit.conflicts import concurrent_edit_message
from antq.audit.selectors import object_history
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import VersionedReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.core.pagination import capped_count, keyset_page
from antq.org import services
from antq.org.access import node_for, unit_for
from antq.org.models import OrgNode
from antq.org.selectors import UnitFilters, communes_for_filter, unit_list, unit_parent_choices
from antq.units.forms import UnitFilterForm, UnitForm

PAGE_SIZE = 50


def filters_from_request(request: AuthedHttpRequest) -> tuple[UnitFilterForm, UnitFilters]:
    """Parse the list filters; `within` defaults to the user's current node. Shared with exports."""
    form = UnitFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    scope = scope_of(request)
    within = node_for(scope, data["within"]) if data.get("within") else current_node(request)
    return form, UnitFilters(
        q=data.get("q") or "",
        kind=data.get("kind") or "",
        commune=data.get("commune"),
        eligibility=data.get("eligibility") or "",
        status=data.get("status") or "",
        within=within,
    )


@login_required
def unit_list_view(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    form, filters = filters_from_request(request)
    qs = unit_list(scope=scope, filters=filters)
    page = keyset_page(
        qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=PAGE_SIZE
    )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "total": capped_count(qs),
        "query": query.urlencode(),
        "communes": communes_for_filter(filters.within),
        "can_create": scope.can_anywhere(Action.UNIT_CREATE),
        "can_export": scope.can_anywhere(Action.EXPORT),
        "active_menu": "units",
    }
    # A history-restore request (Back button after htmx pushed the URL) needs the whole page.
    htmx = request.htmx  # type: ignore[attr-defined]
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(request, "units/_results.html" if fragment else "units/unit_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    unit = unit_for(scope, pk)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "history": object_history(unit, scope=scope)[:50],
            "can_edit": scope.allows(Action.UNIT_EDIT, unit),
            "can_deactivate": scope.allows(Action.UNIT_DEACTIVATE, unit),
            "can_grant": scope.allows(Action.MEMBERSHIP_MANAGE, unit),
            "reason_form": VersionedReasonForm(initial={"version": unit.version}),
            "active_menu": "units",
        },
    )


@login_required
def unit_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.UNIT_CREATE):
        raise PermissionDenied
    parents = unit_parent_choices(scope)
    initial = {}
    node = current_node(request)
    if node is not None and parents.filter(pk=node.pk).exists():
        initial["parent"] = node.pk
    form = UnitForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"parent", "version"}}
        try:
            unit = services.unit_create(by=request.user, parent=form.cleaned_data["parent"], data=data)  # type: ignore[arg-type]
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
            return redirect("units:detail", unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "active_menu": "units"})


@login_required
def unit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    unit = unit_for(scope, pk, Action.UNIT_EDIT)
    # Moving a unit to another commune needs the right to create units there; the current
    # parent stays selectable for an officer who may only edit.
    parents = unit_parent_choices(scope) | OrgNode.objects.filter(pk=unit.parent_id or 0)
    can_change_code = scope.allows(Action.NODE_EDIT, unit)
    form = UnitForm(
        request.POST or None,
        instance=unit,
        parents=parents.distinct(),
        initial={"parent": unit.parent_id},
        code_editable=can_change_code,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"parent", "version", "kind"}}
        try:
            unit = services.unit_update(
                by=request.user,
                unit=unit,
                data=data,  # type: ignore[arg-type]
                parent=form.cleaned_data["parent"],
                expected_version=form.cleaned_data["version"],
                allow_code_change=can_change_code,
            )
        except ConcurrentEditError:
            # Keep what the user typed, tell them who changed what and when, and carry the
            # current version: saving again now is a deliberate choice, not a silent overwrite.
            fresh = OrgNode.objects.get(pk=unit.pk)
            retyped = request.POST.copy()
            retyped["version"] = str(fresh.version)
            form = UnitForm(
                retyped,
                instance=OrgNode.objects.get(pk=unit.pk),  # validating writes the input into it
                parents=parents.distinct(),
                initial={"parent": fresh.parent_id},
                code_editable=can_change_code,
            )
            form.is_valid()
            form.add_error(None, concurrent_edit_message(fresh))
            unit = fresh
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("units:detail", unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "active_menu": "units"})


@login_required
@require_POST
def unit_set_active(request: AuthedHttpRequest, pk: int, active: bool) -> HttpResponse:
    scope = scope_of(request)
    unit = unit_for(scope, pk, Action.UNIT_DEACTIVATE)
    form = VersionedReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do."))
        return redirect("units:detail", unit.pk)
    try:
        services.unit_set_active(
            by=request.user,
            unit=unit,
            active=active,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError:
        messages.error(request, concurrent_edit_message(OrgNode.objects.get(pk=unit.pk)))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Đã chuyển đơn vị sang hoạt động.") if active else _("Đã ngừng hoạt động đơn vị.")
        )
    return redirect("units:detail", unit.pk)
