"""Screens of the plans app: list, detail (targets, tasks with progress and warnings, child plans and
their roll-up), create and edit a draft, cascade from a superior's plan, issue, cancel, targets and
tasks one at a time, task progress, DOCX and PDF.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.documents import render_docx, render_pdf
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans import selectors, services
from antq.plans.access import (
    creatable_nodes,
    plan_for,
    plannable_nodes,
    target_for,
    task_for,
    visible_plans,
)
from antq.plans.choices import PlanStatus
from antq.plans.documents import plan_document
from antq.plans.forms import (
    CancelForm,
    CascadeForm,
    IssueForm,
    PlanCreateForm,
    PlanFilterForm,
    PlanForm,
    ProgressForm,
    TargetForm,
    TaskForm,
)
from antq.plans.models import Plan
from antq.plans.rules import cascade_rules

MENU = "movement"
EXPANDABLE_KINDS = frozenset({NodeKind.NATION, NodeKind.PROVINCE, NodeKind.COMMUNE})
PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _refused(form: Any, exc: Exception) -> None:
    if isinstance(exc, ConcurrentEditError):
        form.add_error(None, str(exc))
    else:
        add_service_errors(form, exc)


@login_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = PlanFilterForm(request.GET or None, years=selectors.plan_years(scope))
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PlanFilters(
        year=data.get("year"), level=data.get("level") or "", status=data.get("status") or ""
    )
    page = Paginator(selectors.plan_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": scope.can_anywhere(Action.PLAN_MANAGE),
            "active_menu": MENU,
        },
    )


@login_required
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.PLAN_MANAGE):
        raise PermissionDenied
    here = current_node(request)
    # A node picked in the list and "shown below" (a GET), or the one posted: its level below joins
    # the list, so a unit is reached through its commune instead of a list of the whole country.
    chosen_pk = int_or_none(request.POST.get("node") or request.GET.get("node"))
    chosen = OrgNode.objects.filter(pk=chosen_pk).first() if chosen_pk is not None else None
    nodes, more = creatable_nodes(scope, here, chosen)
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    if chosen is not None and nodes.filter(pk=chosen.pk).exists():
        initial["node"] = chosen.pk
    elif here is not None and nodes.filter(pk=here.pk).exists():
        initial["node"] = here.pk
    form = PlanCreateForm(request.POST or None, nodes=nodes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        node = data.pop("node")
        try:
            plan = services.plan_create(by=request.user, scope=scope, node=node, data=data)
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo kế hoạch. Hãy thêm chỉ tiêu và nhiệm vụ."))
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "more_nodes": more,
            "here": here,
            # The listed levels that have levels below them (a unit has none).
            "expandable": [n for n in nodes if n.kind in EXPANDABLE_KINDS],
            "active_menu": MENU,
        },
    )


@login_required
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk)
    targets = selectors.target_rows(plan)
    tasks = selectors.task_rows(plan)
    can_manage = scope.allows(Action.PLAN_MANAGE, plan.node)
    cascade_nodes: list[Any] = []
    if plan.status == PlanStatus.ISSUED:
        # Levels that already implement this plan open their own plan from the list below instead.
        done = Plan.objects.filter(parent=plan, node=OuterRef("pk")).exclude(status=PlanStatus.CANCELLED)
        cascade_nodes = list(plannable_nodes(scope, within=plan.node).exclude(Exists(done))[:50])
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "tasks": tasks,
            "warnings": selectors.plan_warnings(targets, tasks),
            "children": list(selectors.child_plans(plan, scope)),
            "can_manage": can_manage,
            "can_edit": can_manage and plan.is_draft,
            "can_cancel": can_manage and plan.status != PlanStatus.CANCELLED,
            "can_progress": can_manage and plan.is_issued,
            "cascade_nodes": cascade_nodes,
            "cancel_form": CancelForm(initial={"version": plan.version}),
            "active_menu": MENU,
        },
    )


@login_required
def plan_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk, Action.PLAN_MANAGE)
    if not plan.is_draft:
        messages.error(request, _("Kế hoạch đã ban hành hoặc đã hủy: không sửa được."))
        return redirect("plans:detail", plan.pk)
    form = PlanForm(request.POST or None, instance=plan, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or plan.version
        try:
            services.plan_update(by=request.user, scope=scope, plan=plan, data=data, expected_version=version)
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan, "active_menu": MENU})


@login_required
def plan_cascade(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """ "Lập kế hoạch thực hiện" for a node from an issued plan of a level above it."""
    scope = scope_of(request)
    node = node_for(scope, pk, Action.PLAN_MANAGE)
    parents = (
        visible_plans(scope)
        .filter(status=PlanStatus.ISSUED, node__path__in=node.ancestor_paths())
        .select_related("node")
        .order_by("-year", "-issued_on", "-id")
    )
    form = CascadeForm(request.POST or None, parents=parents, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_cascade(
                by=request.user, scope=scope, parent=form.cleaned_data["parent"], node=node
            )
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("Đã lập dự thảo kế hoạch thực hiện: chỉ tiêu và nhiệm vụ được sao từ kế hoạch cấp trên."),
            )
            # A superior's deadline already past is copied as it is (no earlier date is possible):
            # say so, so that the drafter sets a new one.
            past = list(
                plan.tasks.filter(deadline__lt=timezone.localdate())
                .order_by("order")
                .values_list("order", "deadline")
            )
            if past:
                messages.warning(
                    request,
                    _("Thời hạn của kế hoạch cấp trên đã qua nên được sao nguyên, cần xem lại: %(tasks)s.")
                    % {
                        "tasks": "; ".join(
                            _("nhiệm vụ %(order)s (%(date)s)") % {"order": order, "date": f"{day:%d/%m/%Y}"}
                            for order, day in past
                        )
                    },
                )
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/plan_cascade.html",
        {"form": form, "node": node, "lead_times": _lead_times(), "active_menu": MENU},
    )


def _lead_times() -> str:
    """ "xã, phường, đặc khu 10 ngày; khu dân cư 7 ngày; …": each level's lead time, from the rules."""
    days = cascade_rules().lead_days
    return "; ".join(
        _("%(level)s %(days)s ngày") % {"level": str(NodeKind(kind).label).lower(), "days": n}
        for kind, n in days.items()
        if kind in NodeKind.values
    )


@login_required
def plan_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk, Action.PLAN_MANAGE)
    if not plan.is_draft:
        messages.error(request, _("Kế hoạch này không còn là dự thảo."))
        return redirect("plans:detail", plan.pk)
    initial = {
        "version": plan.version,
        "issued_on": timezone.localdate(),
        "signer_prefix": plan.signer_prefix,
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
    }
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.plan_issue(
                by=request.user, scope=scope, plan=plan, data=data, expected_version=data.pop("version")
            )
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Đã ban hành kế hoạch."))
            return redirect("plans:detail", plan.pk)
    targets = selectors.target_rows(plan)
    tasks = selectors.task_rows(plan)
    return render(
        request,
        "plans/plan_issue.html",
        {
            "form": form,
            "plan": plan,
            "warnings": selectors.plan_warnings(targets, tasks),
            "active_menu": MENU,
        },
    )


@login_required
@require_POST
def plan_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk, Action.PLAN_MANAGE)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do hủy kế hoạch."))
        return redirect("plans:detail", plan.pk)
    try:
        services.plan_cancel(
            by=request.user,
            scope=scope,
            plan=plan,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Đã hủy kế hoạch."))
    return redirect("plans:detail", plan.pk)


def _item_form(
    request: AuthedHttpRequest, *, plan: Plan, form: Any, save: Any, title: str, template_item: Any = None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            row = save(data, version)
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            warning = getattr(row, "is_late", False)
            if warning:
                messages.warning(
                    request,
                    selectors.deadline_warning(row.deadline, row.inherited_from.deadline),
                )
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/item_form.html",
        {"form": form, "plan": plan, "title": title, "item": template_item, "active_menu": MENU},
    )


def _draft(request: AuthedHttpRequest, plan: Plan) -> HttpResponse | None:
    if plan.is_draft:
        return None
    messages.error(request, _("Kế hoạch đã ban hành hoặc đã hủy: không sửa được."))
    return redirect("plans:detail", plan.pk)


@login_required
def target_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk, Action.PLAN_MANAGE)
    if (refused := _draft(request, plan)) is not None:
        return refused
    form = TargetForm(request.POST or None)
    return _item_form(
        request,
        plan=plan,
        form=form,
        title=_("Thêm chỉ tiêu"),
        save=lambda data, _v: services.target_save(by=request.user, scope=scope, plan=plan, data=data),
    )


@login_required
def target_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    target = target_for(scope, pk)
    plan = target.plan
    if (refused := _draft(request, plan)) is not None:
        return refused
    form = TargetForm(request.POST or None, instance=target, initial={"version": target.version})
    return _item_form(
        request,
        plan=plan,
        form=form,
        title=_("Sửa chỉ tiêu"),
        template_item=target,
        save=lambda data, version: services.target_save(
            by=request.user, scope=scope, plan=plan, data=data, target=target, expected_version=version
        ),
    )


@login_required
def task_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    plan = plan_for(scope, pk, Action.PLAN_MANAGE)
    if (refused := _draft(request, plan)) is not None:
        return refused
    form = TaskForm(request.POST or None)
    return _item_form(
        request,
        plan=plan,
        form=form,
        title=_("Thêm nhiệm vụ"),
        save=lambda data, _v: services.task_save(by=request.user, scope=scope, plan=plan, data=data),
    )


@login_required
def task_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    task = task_for(scope, pk)
    plan = task.plan
    if (refused := _draft(request, plan)) is not None:
        return refused
    form = TaskForm(request.POST or None, instance=task, initial={"version": task.version})
    return _item_form(
        request,
        plan=plan,
        form=form,
        title=_("Sửa nhiệm vụ"),
        template_item=task,
        save=lambda data, version: services.task_save(
            by=request.user, scope=scope, plan=plan, data=data, task=task, expected_version=version
        ),
    )


@login_required
@require_POST
def target_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    target = target_for(scope, pk)
    return _delete(request, target)


@login_required
@require_POST
def task_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    task = task_for(scope, pk)
    return _delete(request, task)


def _delete(request: AuthedHttpRequest, item: Any) -> HttpResponse:
    plan = item.plan
    try:
        services.item_delete(by=request.user, scope=scope_of(request), item=item)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa khỏi dự thảo."))
    return redirect("plans:detail", plan.pk)


@login_required
def task_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    task = task_for(scope, pk)
    plan = task.plan
    if not plan.is_issued:
        messages.error(request, _("Chỉ cập nhật tiến độ nhiệm vụ của kế hoạch đã ban hành."))
        return redirect("plans:detail", plan.pk)
    initial = {"version": task.version, "status": task.status, "progress": task.progress}
    form = ProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_progress(
                by=request.user,
                scope=scope,
                task=task,
                status=data["status"],
                progress=data["progress"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except (DomainError, ValidationError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Đã cập nhật tiến độ."))
            return redirect("plans:detail", plan.pk)
    return render(
        request, "plans/task_progress.html", {"form": form, "task": task, "plan": plan, "active_menu": MENU}
    )


def _filename(plan: Plan, ext: str) -> str:
    code = plan.code.replace("/", "-") if plan.code else f"du-thao-{plan.pk}"
    return f"ke-hoach-{code}.{ext}"


@login_required
def plan_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(scope_of(request), pk)
    response = HttpResponse(render_docx(plan_document(plan)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "docx")}"'
    return response


@login_required
def plan_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = plan_for(scope_of(request), pk)
    response = HttpResponse(render_pdf(plan_document(plan)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "pdf")}"'
    return response
