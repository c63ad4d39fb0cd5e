"""Screens of the initiatives app: list, detail, create/edit, members, activity, the superior's
yearly evaluation, retirement, replication, and the catalogue of types.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.evidence.models import EvidenceDocument
from antq.initiatives import selectors, services
from antq.initiatives.access import initiative_for, member_for, recordable_nodes
from antq.initiatives.catalogue import ratings
from antq.initiatives.forms import (
    PREFIX,
    ActivityForm,
    EvaluationForm,
    InitiativeFilterForm,
    InitiativeForm,
    MemberForm,
    MemberRemoveForm,
    ReplicateForm,
    RetireForm,
    TypeForm,
)
from antq.initiatives.models import Initiative, InitiativeEvaluation, InitiativeType
from antq.initiatives.workflows import RETIRE, may_retire
from antq.org.access import node_for
from antq.org.models import OrgNode

MENU = "movement"
PAGE_SIZE = 50


def _documents(node: OrgNode) -> Any:
    """Documents of the node's evidence register a founding decision may be (in force, any year)."""
    return EvidenceDocument.objects.filter(node=node, is_active=True).order_by("-issue_date", "-id")


class ListFilterForm(InitiativeFilterForm):
    """The list's filters, with the year and the rating the dashboards' links carry."""

    year = forms.IntegerField(label=gettext_lazy("Năm"), required=False, min_value=2000, max_value=2100)
    rated = forms.ChoiceField(
        label=gettext_lazy("Đánh giá"),
        required=False,
        choices=[
            ("", gettext_lazy("Tất cả")),
            (selectors.RATED_GOOD, gettext_lazy("Tốt, Khá (hoạt động hiệu quả)")),
        ],
    )


@login_required
def initiative_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = ListFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    within = node_for(scope, data["within"]) if data.get("within") else current_node(request)
    node = node_for(scope, data["node"]) if data.get("node") else None
    filters = selectors.InitiativeFilters(
        within=within,
        node=node,
        initiative_type=data.get("initiative_type"),
        status=data.get("status") or "",
        year=data.get("year"),
        rated=data.get("rated") or "",
    )
    qs = selectors.initiative_list(scope=scope, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "counts": selectors.initiative_counts(qs),
            "ratings": ratings(),
            "query": query.urlencode(),
            "can_record": scope.can_anywhere(Action.ACTIVITY_RECORD),
            "can_manage_types": scope.can_anywhere(Action.FRAMEWORK_MANAGE),
            "active_menu": MENU,
        },
    )


@login_required
def initiative_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    all_nodes = nodes = recordable_nodes(scope, current_node(request))
    # The node comes from `?node=` (or the posted form once chosen), or is the only one.
    chosen = int_or_none(request.POST.get("node")) if request.method == "POST" else None
    if chosen is None:
        chosen = int_or_none(request.GET.get("node"))
    fixed = nodes.filter(pk=chosen).first() if chosen is not None else None
    if fixed is None and nodes.count() == 1:
        fixed = nodes.first()
    initial: dict[str, Any] = {"started_on": timezone.localdate()}
    if fixed is not None:
        nodes = nodes.filter(pk=fixed.pk)
        initial["node"] = fixed.pk
    form = InitiativeForm(
        request.POST or None,
        nodes=nodes,
        types=selectors.type_list(active_only=True),
        documents=_documents(fixed) if fixed is not None else None,
        pick_node_first=fixed is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(
                by=request.user, scope=scope, node=form.cleaned_data["node"], data=form.facts()
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận mô hình."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/initiative_form.html",
        {
            "form": form,
            "fixed": fixed,
            "pick_nodes": all_nodes if fixed is None else None,
            "can_change_node": fixed is not None and all_nodes.count() > 1,
            "active_menu": MENU,
        },
    )


@login_required
def initiative_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk)
    node = initiative.node
    levels = ratings()
    evaluations = selectors.initiative_evaluations(initiative)
    can_record = scope.allows(Action.ACTIVITY_RECORD, node) and not initiative.is_retired
    activities = selectors.initiative_activities(initiative)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "members": selectors.initiative_members(initiative),
            "activities": [
                (a, selectors.indicator_rows(initiative.indicators, a.indicator_values)) for a in activities
            ],
            "evaluations": [
                (
                    e,
                    levels.label(e.rating),
                    e.rating in levels.effective_codes,
                    selectors.indicator_rows(initiative.indicators, e.indicator_values),
                )
                for e in evaluations
            ],
            "replicas": selectors.initiative_replicas(initiative, scope),
            "original_visible": initiative.replicated_from is not None
            and scope.sees(initiative.replicated_from.node),
            "can_record": can_record,
            "can_evaluate": scope.allows(Action.ASSESSMENT_REVIEW, node),
            "can_retire": not initiative.is_retired and may_retire(scope, node),
            "can_replicate": not initiative.is_retired
            and initiative.initiative_type.is_active
            and scope.can_anywhere(Action.ACTIVITY_RECORD),
            "remove_form": MemberRemoveForm(),
            "active_menu": MENU,
        },
    )


@login_required
def initiative_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, Action.ACTIVITY_RECORD)
    if initiative.is_retired:
        messages.error(request, _("Mô hình đã thanh loại: không sửa được."))
        return redirect("initiatives:detail", initiative.pk)
    initial = {name: getattr(initiative, name) for name in services.EDITABLE}
    initial["version"] = initiative.version
    form = InitiativeForm(
        request.POST or None, documents=_documents(initiative.node), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(
                by=request.user,
                scope=scope,
                initiative=initiative,
                data=form.facts(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin mô hình."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "initiative": initiative, "active_menu": MENU},
    )


@login_required
def member_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, Action.ACTIVITY_RECORD)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(by=request.user, scope=scope, initiative=initiative, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/simple_form.html",
        {
            "form": form,
            "initiative": initiative,
            "title": _("Thêm thành viên"),
            "submit": _("Thêm thành viên"),
            "active_menu": MENU,
        },
    )


@login_required
@require_POST
def member_remove(request: AuthedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, Action.ACTIVITY_RECORD)
    member = member_for(scope, initiative, member_pk)
    form = MemberRemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.member_remove(by=request.user, scope=scope, member=member, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xoá %(name)s khỏi danh sách thành viên.") % {"name": member.name})
    return redirect("initiatives:detail", initiative.pk)


@login_required
def activity_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, Action.ACTIVITY_RECORD)
    form = ActivityForm(
        request.POST or None, indicators=initiative.indicators, initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "indicator_values": form.indicator_values()}
        try:
            services.activity_add(by=request.user, scope=scope, initiative=initiative, data=data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận hoạt động."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/simple_form.html",
        {
            "form": form,
            "initiative": initiative,
            "title": _("Ghi nhận hoạt động"),
            "submit": _("Ghi nhận"),
            "active_menu": MENU,
        },
    )


@login_required
def evaluate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, Action.ASSESSMENT_REVIEW)
    today = timezone.localdate()
    first = initiative.started_on.year
    last = min(today.year, initiative.retired_on.year) if initiative.retired_on else today.year
    years = list(range(last, first - 1, -1))
    year = int_or_none(request.POST.get("year") or request.GET.get("year")) or last
    if year not in years:
        year = last
    existing = InitiativeEvaluation.objects.filter(initiative=initiative, year=year).first()
    initial: dict[str, Any] = {"year": year}
    if existing is not None:
        initial.update(rating=existing.rating, comment=existing.comment, version=existing.version)
        initial.update({PREFIX + k: v for k, v in existing.indicator_values.items()})
    form = EvaluationForm(request.POST or None, indicators=initiative.indicators, initial=initial)
    form.fields["year"].widget = form.fields["year"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_save(
                by=request.user,
                scope=scope,
                initiative=initiative,
                year=form.cleaned_data["year"],
                rating=form.cleaned_data["rating"],
                indicator_values=form.indicator_values(),
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data.get("version"),
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Đã lưu đánh giá năm %(year)s.") % {"year": form.cleaned_data["year"]}
            )
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/evaluation_form.html",
        {
            "form": form,
            "initiative": initiative,
            "year": year,
            "years": years,
            "existing": existing,
            "active_menu": MENU,
        },
    )


@login_required
def retire(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk, RETIRE)
    if initiative.is_retired:
        messages.error(request, _("Mô hình đã được thanh loại trước đó."))
        return redirect("initiatives:detail", initiative.pk)
    form = RetireForm(
        request.POST or None, initial={"retired_on": timezone.localdate(), "version": initiative.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_retire(
                by=request.user,
                scope=scope,
                initiative=initiative,
                reason=form.cleaned_data["reason"],
                retired_on=form.cleaned_data["retired_on"],
                expected_version=form.cleaned_data["version"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thanh loại mô hình."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/simple_form.html",
        {
            "form": form,
            "initiative": initiative,
            "title": _("Thanh loại mô hình"),
            "note": _(
                "Mô hình không bị xoá: hệ thống ghi ngày, lý do và người thanh loại; mô hình không còn "
                "được tính từ sau ngày thanh loại."
            ),
            "submit": _("Thanh loại"),
            "active_menu": MENU,
        },
    )


@login_required
def replicate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    initiative = initiative_for(scope, pk)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    if initiative.is_retired or not initiative.initiative_type.is_active:
        messages.error(
            request, _("Mô hình đã thanh loại hoặc loại mô hình đã ngừng sử dụng: không nhân rộng được.")
        )
        return redirect("initiatives:detail", initiative.pk)
    already = Initiative.objects.filter(replicated_from=initiative).values("node_id")
    nodes = (
        recordable_nodes(scope, current_node(request)).exclude(pk=initiative.node_id).exclude(pk__in=already)
    )
    form = ReplicateForm(request.POST or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        try:
            copies = services.initiative_replicate(
                by=request.user, scope=scope, initiative=initiative, nodes=form.cleaned_data["nodes"]
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã nhân rộng mô hình đến %(n)s đơn vị.") % {"n": len(copies)})
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/simple_form.html",
        {
            "form": form,
            "initiative": initiative,
            "title": _("Nhân rộng mô hình"),
            "note": _(
                "Mỗi đơn vị được chọn nhận một mô hình mới cùng loại, tên, mô tả và chỉ số theo dõi; thành "
                "viên và nhật ký hoạt động không được sao chép. Ngày bắt đầu là hôm nay, sửa lại nếu cần."
            ),
            "submit": _("Nhân rộng"),
            "empty": not nodes.exists(),
            "active_menu": MENU,
        },
    )


# --- The catalogue -----------------------------------------------------------------------------


@login_required
def type_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    return render(
        request,
        "initiatives/type_list.html",
        {
            "types": selectors.type_list(),
            "can_manage": scope.can_anywhere(Action.FRAMEWORK_MANAGE),
            "active_menu": MENU,
        },
    )


@login_required
def type_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.FRAMEWORK_MANAGE):
        raise PermissionDenied
    form = TypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.type_create(by=request.user, scope=scope, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm loại mô hình “%(name)s”.") % {"name": kind.name})
            return redirect("initiatives:types")
    return render(
        request,
        "initiatives/simple_form.html",
        {"form": form, "title": _("Thêm loại mô hình"), "submit": _("Thêm"), "active_menu": MENU},
    )


def _posted_type(request: AuthedHttpRequest) -> InitiativeType | None:
    pk = int_or_none(request.POST.get("type"))
    return InitiativeType.objects.filter(pk=pk).first() if pk is not None else None


@login_required
@require_POST
def type_toggle(request: AuthedHttpRequest) -> HttpResponse:
    """Deactivate (or reactivate) the type named in the body."""
    scope = scope_of(request)
    if not scope.can_anywhere(Action.FRAMEWORK_MANAGE):
        raise PermissionDenied
    kind = _posted_type(request)
    if kind is None:
        messages.error(request, _("Không tìm thấy loại mô hình."))
        return redirect("initiatives:types")
    active = request.POST.get("active") == "1"
    services.type_set_active(by=request.user, scope=scope, kind=kind, active=active)
    if active:
        messages.success(request, _("Đã dùng lại loại mô hình “%(name)s”.") % {"name": kind.name})
    else:
        messages.success(request, _("Đã ngừng sử dụng loại mô hình “%(name)s”.") % {"name": kind.name})
    return redirect("initiatives:types")


@login_required
@require_POST
def type_delete(request: AuthedHttpRequest) -> HttpResponse:
    """Delete the type named in the body, if no initiative uses it."""
    scope = scope_of(request)
    if not scope.can_anywhere(Action.FRAMEWORK_MANAGE):
        raise PermissionDenied
    kind = _posted_type(request)
    if kind is None:
        messages.error(request, _("Không tìm thấy loại mô hình."))
        return redirect("initiatives:types")
    try:
        services.type_delete(by=request.user, scope=scope, kind=kind)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xoá loại mô hình “%(name)s”.") % {"name": kind.name})
    return redirect("initiatives:types")
