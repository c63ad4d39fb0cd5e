"""Screens of the coordination app: the list (agreements and campaigns of a node or a subtree),
an agreement's page with its execution log and review meetings, the forms, and ending an agreement.

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.coordination import selectors, services
from antq.coordination.access import agreement_for, campaign_for, node_documents, recordable_nodes
from antq.coordination.forms import (
    AgreementForm,
    CampaignForm,
    EndForm,
    ExecutionForm,
    FilterForm,
    MeetingForm,
)
from antq.coordination.models import AGREEMENT_FIELDS, CAMPAIGN_FIELDS, CoordinationAgreement
from antq.coordination.rules import rules
from antq.core.errors import DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.org.access import node_for
from antq.org.models import OrgNode

MENU = "movement"
PAGE_SIZE = 50


@login_required
def coordination_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = FilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    node = node_for(scope, data["node"]) if data.get("node") else None
    within = node_for(scope, data["within"]) if data.get("within") else current_node(request)
    filters = selectors.CoordinationFilters(within=within, node=node)
    agreements = Paginator(selectors.agreement_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    campaigns = Paginator(selectors.campaign_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("cpage")
    )
    query = request.GET.copy()
    for key in ("page", "cpage"):
        query.pop(key, None)
    # Offer the record buttons only where the forms would have a node to offer: an agency,
    # enterprise, school or commune where the user may record (a residential-area officer has none).
    can_record = (
        scope.allows(Action.ACTIVITY_RECORD, node) and node.kind in services.COORDINATION_KINDS
        if node is not None
        else recordable_nodes(scope, within).exists()
    )
    return render(
        request,
        "coordination/coordination_list.html",
        {
            "filters": filters,
            "shown": node or within,
            "agreements": agreements,
            "campaigns": campaigns,
            "query": query.urlencode(),
            "can_record": can_record,
            "node_kind_ok": node is None or node.kind in services.COORDINATION_KINDS,
            "rules": rules(),
            "active_menu": MENU,
        },
    )


def _chosen(request: AuthedHttpRequest, nodes: Any) -> tuple[Any, OrgNode | None]:
    """The node named by ?node= (or the only one possible): the form is then for that node only."""
    chosen = int_or_none(request.GET.get("node"))
    fixed = nodes.filter(pk=chosen).first() if chosen is not None else None
    if fixed is None and chosen is None and nodes.count() == 1:
        fixed = nodes.first()
    if fixed is not None:
        nodes = nodes.filter(pk=fixed.pk)
    return nodes, fixed


def _recorder(request: AuthedHttpRequest) -> Scope:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    return scope


@login_required
def agreement_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = _recorder(request)
    nodes, fixed = _chosen(request, recordable_nodes(scope, current_node(request)))
    initial: dict[str, Any] = {"signed_on": timezone.localdate()}
    if fixed is not None:
        initial["node"] = fixed.pk
    form = AgreementForm(
        request.POST or None,
        nodes=nodes,
        documents=node_documents(fixed) if fixed is not None else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                by=request.user, scope=scope, node=form.cleaned_data["node"], data=form.facts()
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            # "Kế hoạch phối hợp số 05/KH-PH" → "kế hoạch phối hợp số 05/KH-PH": only the first
            # letter goes lower case, the number stays as typed.
            name = str(agreement)
            messages.success(request, _("Đã ghi nhận %(name)s.") % {"name": name[:1].lower() + name[1:]})
            return redirect("coordination:agreement_detail", agreement.pk)
    return render(
        request,
        "coordination/agreement_form.html",
        {"form": form, "fixed": fixed, "no_nodes": not nodes.exists(), "active_menu": MENU},
    )


def _detail_context(
    scope: Scope,
    agreement: CoordinationAgreement,
    *,
    execution_form: ExecutionForm | None = None,
    meeting_form: MeetingForm | None = None,
    end_form: EndForm | None = None,
) -> dict[str, Any]:
    can_record = scope.allows(Action.ACTIVITY_RECORD, agreement.node)
    documents = node_documents(agreement.node) if can_record else None
    return {
        "agreement": agreement,
        "executions": selectors.agreement_executions(agreement),
        "meetings": selectors.agreement_meetings(agreement),
        "label": selectors.agreement_label(agreement),
        "can_record": can_record,
        "execution_form": execution_form or ExecutionForm(initial={"occurred_on": timezone.localdate()}),
        "meeting_form": meeting_form or MeetingForm(documents=documents),
        "end_form": end_form
        or EndForm(initial={"ended_on": timezone.localdate(), "version": agreement.version}),
        "in_force_today": agreement.in_force_on(timezone.localdate()),
        "list_url": selectors.node_url(agreement.node),
        "active_menu": MENU,
    }


@login_required
def agreement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    agreement = agreement_for(scope, pk)
    return render(request, "coordination/agreement_detail.html", _detail_context(scope, agreement))


@login_required
def agreement_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
    if agreement.is_ended:
        messages.error(request, _("Quy chế, kế hoạch đã chấm dứt: không sửa được."))
        return redirect("coordination:agreement_detail", agreement.pk)
    initial: dict[str, Any] = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    initial["version"] = agreement.version
    form = AgreementForm(request.POST or None, documents=node_documents(agreement.node), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                by=request.user,
                scope=scope,
                agreement=agreement,
                data=form.facts(),
                expected_version=form.cleaned_data["version"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("coordination:agreement_detail", agreement.pk)
    return render(
        request,
        "coordination/agreement_form.html",
        {"form": form, "agreement": agreement, "fixed": agreement.node, "active_menu": MENU},
    )


@login_required
@require_POST
def agreement_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_end(
                by=request.user,
                scope=scope,
                agreement=agreement,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã chấm dứt quy chế, kế hoạch phối hợp."))
            return redirect("coordination:agreement_detail", agreement.pk)
    context = _detail_context(scope, agreement, end_form=form)
    return render(request, "coordination/agreement_detail.html", context, status=400)


@login_required
@require_POST
def execution_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
    form = ExecutionForm(request.POST)
    if form.is_valid():
        try:
            services.execution_add(by=request.user, scope=scope, agreement=agreement, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận lần thực hiện."))
            return redirect("coordination:agreement_detail", agreement.pk)
    context = _detail_context(scope, agreement, execution_form=form)
    return render(request, "coordination/agreement_detail.html", context, status=400)


@login_required
@require_POST
def meeting_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
    form = MeetingForm(request.POST, documents=node_documents(agreement.node))
    if form.is_valid():
        try:
            services.meeting_add(by=request.user, scope=scope, agreement=agreement, data=form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận cuộc họp."))
            return redirect("coordination:agreement_detail", agreement.pk)
    context = _detail_context(scope, agreement, meeting_form=form)
    return render(request, "coordination/agreement_detail.html", context, status=400)


@login_required
def campaign_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = _recorder(request)
    nodes, fixed = _chosen(request, recordable_nodes(scope, current_node(request)))
    initial: dict[str, Any] = {"took_part_on": timezone.localdate()}
    if fixed is not None:
        initial["node"] = fixed.pk
    form = CampaignForm(
        request.POST or None,
        nodes=nodes,
        documents=node_documents(fixed) if fixed is not None else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        node = form.cleaned_data["node"]
        try:
            services.campaign_create(by=request.user, scope=scope, node=node, data=form.facts())
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận việc tham gia phong trào, cuộc vận động."))
            return redirect(selectors.node_url(node))
    return render(
        request,
        "coordination/campaign_form.html",
        {"form": form, "fixed": fixed, "no_nodes": not nodes.exists(), "active_menu": MENU},
    )


@login_required
def campaign_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    row = campaign_for(scope, pk, Action.ACTIVITY_RECORD)
    initial: dict[str, Any] = {name: getattr(row, name) for name in CAMPAIGN_FIELDS}
    initial["version"] = row.version
    form = CampaignForm(request.POST or None, documents=node_documents(row.node), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                by=request.user,
                scope=scope,
                participation=row,
                data=form.facts(),
                expected_version=form.cleaned_data["version"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(selectors.node_url(row.node))
    return render(
        request,
        "coordination/campaign_form.html",
        {"form": form, "participation": row, "fixed": row.node, "active_menu": MENU},
    )
