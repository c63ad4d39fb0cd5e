"""Screens of the inspections app: list, plan, detail (checklist, findings, follow-up, workflow),
edit, checklist, finding, and a province's count against its target.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.inspections import selectors, services, workflows
from antq.inspections.access import finding_for, inspectable_nodes, inspection_for, may_act, province_for
from antq.inspections.choices import EDITABLE_STATUSES, FINDING_STATUSES, FindingStatus, InspectionStatus
from antq.inspections.forms import (
    ChecklistForm,
    CloseFindingForm,
    FindingForm,
    FollowUpForm,
    InspectionFilterForm,
    InspectionForm,
    TargetForm,
    TransitionForm,
    team_text,
)
from antq.inspections.models import Finding, Inspection
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

MENU = "movement"


@dataclass
class FindingRow:
    finding: Finding
    overdue: bool
    close_form: CloseFindingForm
    follow_up_form: FollowUpForm


PAGE_SIZE = 50


def _province_of(node: OrgNode | None) -> OrgNode | None:
    """The province of the user's current node, for the link to the target page (no query: the
    current node comes with its parent)."""
    if node is None:
        return None
    if node.kind == NodeKind.PROVINCE:
        return node
    parent = node.parent
    return parent if parent is not None and parent.kind == NodeKind.PROVINCE else None


@login_required
def inspection_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = InspectionFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    within = current_node(request)
    node = node_for(scope, data["node"]) if data.get("node") else None
    filters = selectors.InspectionFilters(
        within=within, node=node, year=data.get("year"), status=data.get("status") or ""
    )
    today = timezone.localdate()
    province = _province_of(within)
    qs = selectors.inspection_list(scope=scope, filters=filters, today=today)
    page = selectors.inspection_page(
        qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=PAGE_SIZE
    )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "filter_nodes": selectors.filter_nodes(within),
            "can_inspect": scope.can_anywhere(Action.INSPECT),
            # The target page answers 404 to whoever does not see the province: no link for them.
            "province": province if province is not None and scope.sees(province) else None,
            "year": filters.year or today.year,
            "active_menu": MENU,
        },
    )


@login_required
def inspection_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.INSPECT):
        raise PermissionDenied
    nodes = inspectable_nodes(scope, current_node(request))
    initial: dict[str, Any] = {"inspected_on": timezone.localdate()}
    chosen = int_or_none(request.GET.get("node"))
    if chosen is not None and nodes.filter(pk=chosen).exists():
        initial["node"] = chosen
    form = InspectionForm(request.POST or None, nodes=nodes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(
                by=request.user, scope=scope, node=form.cleaned_data["node"], data=form.service_data()
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lập cuộc kiểm tra."))
            return redirect("inspections:detail", inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "active_menu": MENU})


def _detail_page(
    request: AuthedHttpRequest,
    inspection: Inspection,
    *,
    transition_form: TransitionForm | None = None,
    close_forms: dict[int, CloseFindingForm] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    scope = scope_of(request)
    today = timezone.localdate()
    can_inspect = may_act(scope, inspection)
    findings = selectors.findings_of(inspection)
    close_forms = close_forms or {}
    rows: list[FindingRow] = []
    for f in findings:
        close_form = close_forms.get(f.pk) or CloseFindingForm(initial={"version": f.version})
        close_form.auto_id = f"id_c{f.pk}_%s"
        rows.append(
            FindingRow(
                finding=f,
                overdue=f.is_overdue(today),
                close_form=close_form,
                follow_up_form=FollowUpForm(auto_id=f"id_f{f.pk}_%s"),
            )
        )
    open_count = sum(1 for f in findings if f.status == FindingStatus.OPEN)
    moves = [
        {"to": t.target, "label": workflows.INSPECTION.label(t.target), "verb": t.verb}
        for t in workflows.INSPECTION.targets(inspection.status)
    ]
    conclude_form = transition_form or TransitionForm(
        initial={"to": InspectionStatus.CONCLUDED, "version": inspection.version}
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "members": list(inspection.members.all()),
            "checks": list(inspection.checks.all()),
            "findings": rows,
            "open_count": open_count,
            "overdue_count": sum(1 for r in rows if r.overdue),
            "can_inspect": can_inspect,
            "can_edit": can_inspect and inspection.status in EDITABLE_STATUSES,
            "can_checklist": can_inspect and inspection.status == InspectionStatus.IN_PROGRESS,
            "can_add_finding": can_inspect and inspection.status in FINDING_STATUSES,
            "moves": moves if can_inspect else [],
            "conclude_form": conclude_form,
            "conflict": conflict,
            "active_menu": MENU,
        },
        status=status,
    )


@login_required
def inspection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, inspection_for(scope_of(request), pk))


@login_required
def inspection_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    inspection = inspection_for(scope, pk, Action.INSPECT)
    initial = {
        "inspected_on": inspection.inspected_on,
        "basis": inspection.basis,
        "team": team_text(list(inspection.members.all())),
        "version": inspection.version,
    }
    form = InspectionForm(request.POST or None, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                by=request.user,
                scope=scope,
                inspection=inspection,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ConcurrentEditError as exc:
            fresh = inspection_for(scope, pk, Action.INSPECT)
            data = request.POST.copy()
            data["version"] = str(fresh.version)
            form = InspectionForm(data, initial=initial)
            form.is_valid()
            conflict = str(exc)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi cuộc kiểm tra."))
            return redirect("inspections:detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "inspection": inspection, "conflict": conflict, "active_menu": MENU},
    )


@login_required
def inspection_checklist(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    inspection = inspection_for(scope, pk, Action.INSPECT)
    checks = list(inspection.checks.all())
    form = ChecklistForm(request.POST or None, checks=checks, initial={"version": inspection.version})
    conflict = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_save(
                by=request.user,
                scope=scope,
                inspection=inspection,
                results=form.results(),
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as exc:
            fresh = inspection_for(scope, pk, Action.INSPECT)
            data = request.POST.copy()
            data["version"] = str(fresh.version)
            checks = list(fresh.checks.all())
            form = ChecklistForm(data, checks=checks)
            form.is_valid()
            conflict = str(exc)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kết quả kiểm tra theo tiêu chí."))
            return redirect("inspections:detail", inspection.pk)
    return render(
        request,
        "inspections/inspection_checklist.html",
        {
            "form": form,
            "inspection": inspection,
            "editable": inspection.status == InspectionStatus.IN_PROGRESS,
            "conflict": conflict,
            "active_menu": MENU,
        },
    )


@login_required
@require_POST
def inspection_transition(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    inspection = inspection_for(scope, pk, Action.INSPECT)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu chuyển trạng thái không hợp lệ: hãy tải lại trang."))
        return redirect("inspections:detail", inspection.pk)
    to = form.cleaned_data["to"]
    try:
        services.inspection_transition(
            by=request.user,
            scope=scope,
            inspection=inspection,
            to=to,
            expected_version=form.cleaned_data["version"],
            conclusion=form.cleaned_data.get("conclusion") or "",
        )
    except ConcurrentEditError as exc:
        fresh = inspection_for(scope, pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        retyped = TransitionForm(data)
        retyped.is_valid()
        return _detail_page(request, fresh, transition_form=retyped, conflict=str(exc), status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail_page(request, inspection, transition_form=form, status=400)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("inspections:detail", inspection.pk)
    messages.success(
        request,
        _("Cuộc kiểm tra chuyển sang “%(status)s”.") % {"status": workflows.INSPECTION.label(to)},
    )
    return redirect("inspections:detail", inspection.pk)


@login_required
def finding_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    inspection = inspection_for(scope, pk, Action.INSPECT)
    checks = list(inspection.checks.all())
    initial: dict[str, Any] = {}
    chosen = request.GET.get("criterion", "")
    if any(c.criterion_id == chosen for c in checks):
        initial["criterion_id"] = chosen
    form = FindingForm(request.POST or None, checks=checks, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_add(by=request.user, scope=scope, inspection=inspection, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kiến nghị khắc phục."))
            return redirect("inspections:detail", inspection.pk)
    return render(
        request,
        "inspections/finding_form.html",
        {
            "form": form,
            "inspection": inspection,
            "open_for_findings": inspection.status in FINDING_STATUSES,
            "active_menu": MENU,
        },
    )


def _finding_anchor(finding_pk: int, inspection_pk: int) -> str:
    return reverse("inspections:detail", args=[inspection_pk]) + f"#finding-{finding_pk}"


@login_required
@require_POST
def finding_follow_up(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    finding = finding_for(scope, pk, Action.INSPECT)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng ghi nội dung theo dõi khắc phục."))
        return redirect(_finding_anchor(finding.pk, finding.inspection_id))
    try:
        services.finding_follow_up(
            by=request.user, scope=scope, finding=finding, note=form.cleaned_data["note"]
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Đã ghi theo dõi khắc phục."))
    return redirect(_finding_anchor(finding.pk, finding.inspection_id))


@login_required
@require_POST
def finding_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    finding = finding_for(scope, pk, Action.INSPECT)
    form = CloseFindingForm(request.POST)
    inspection = inspection_for(scope, finding.inspection_id)
    if not form.is_valid():
        messages.error(
            request,
            _("Chưa đóng kiến nghị “%(finding)s”: %(errors)s")
            % {
                "finding": Truncator(finding.description).chars(80),
                "errors": " ".join(str(e) for errors in form.errors.values() for e in errors),
            },
        )
        return _detail_page(request, inspection, close_forms={finding.pk: form}, status=400)
    try:
        services.finding_close(
            by=request.user,
            scope=scope,
            finding=finding,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        fresh = finding_for(scope, pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        retyped = CloseFindingForm(data)
        retyped.is_valid()
        return _detail_page(
            request, inspection, close_forms={finding.pk: retyped}, conflict=str(exc), status=409
        )
    except (DomainError, ValidationError) as exc:
        add_service_errors(form, exc)
        return _detail_page(request, inspection, close_forms={finding.pk: form}, status=400)
    messages.success(request, _("Đã đóng kiến nghị."))
    return redirect(_finding_anchor(finding.pk, finding.inspection_id))


# --- Target ---------------------------------------------------------------------------------------


def _target_page(
    request: AuthedHttpRequest,
    province: OrgNode,
    year: int,
    *,
    form: TargetForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    scope = scope_of(request)
    today = timezone.localdate()
    progress = selectors.target_progress(province=province, year=year, today=today)
    open_findings = list(
        selectors.finding_list(
            scope=scope,
            filters=selectors.FindingFilters(within=province, status=FindingStatus.OPEN, year=year),
            today=today,
        )[:200]
    )
    can_set = scope.allows(Action.PLAN_MANAGE, province)
    if form is None and can_set:
        target = progress.target
        form = TargetForm(
            initial={"count": target.count, "basis": target.basis, "version": target.version}
            if target is not None
            else {}
        )
    return render(
        request,
        "inspections/target.html",
        {
            "province": province,
            "year": year,
            "progress": progress,
            "open_findings": [{"finding": f, "overdue": f.is_overdue(today)} for f in open_findings],
            "overdue_count": sum(1 for f in open_findings if f.is_overdue(today)),
            "form": form if can_set else None,
            "conflict": conflict,
            "active_menu": MENU,
        },
        status=status,
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404


@login_required
def target(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    return _target_page(request, province_for(scope_of(request), pk), year)


@login_required
@require_POST
def target_set(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    scope = scope_of(request)
    province = province_for(scope, pk, Action.PLAN_MANAGE)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return _target_page(request, province, year, form=form, status=400)
    try:
        services.target_set(
            by=request.user,
            scope=scope,
            province=province,
            year=year,
            count=form.cleaned_data["count"],
            basis=form.cleaned_data["basis"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        data = request.POST.copy()
        current = selectors.target_progress(province=province, year=year, today=timezone.localdate()).target
        data["version"] = str(current.version) if current is not None else ""
        retyped = TargetForm(data)
        retyped.is_valid()
        return _target_page(request, province, year, form=retyped, conflict=str(exc), status=409)
    except (DomainError, ValidationError) as exc:
        add_service_errors(form, exc)
        return _target_page(request, province, year, form=form, status=400)
    messages.success(request, _("Đã lưu chỉ tiêu kiểm tra năm %(year)s.") % {"year": year})
    return redirect("inspections:target", province.pk, year)
