"""Evidence screens: a dossier's documents for a year, upload, detail (links, withdrawal, history),
metadata edit and download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.audit.selectors import object_history
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import VersionedReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.evidence import services
from antq.evidence.access import dossier_node_for, evidence_for
from antq.evidence.criteria import Catalogue, catalogue_for
from antq.evidence.downloads import file_response
from antq.evidence.forms import EvidenceEditForm, EvidenceFilterForm, EvidenceLinksForm, EvidenceUploadForm
from antq.evidence.models import MAX_YEAR, MIN_YEAR, EvidenceDocument
from antq.evidence.selectors import evidence_in_use, evidence_list, evidence_warnings
from antq.evidence.services import EVIDENCE_NODE_KINDS

ACTIVE_MENU = "evidence"


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _criteria(document: EvidenceDocument, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Linked criteria in the frameworks' order, with their text (or a note for stale links)."""
    rows = []
    for cid in catalogue.sort_ids([link.criterion_id for link in document.links.all()]):
        option = catalogue.get(cid)
        rows.append({"id": cid, "text": option.text if option else "", "known": option is not None})
    return rows


@login_required
def evidence_index(request: AuthedHttpRequest) -> HttpResponse:
    """The current node's dossier for this year, or a pointer to choose a unit."""
    node = current_node(request)
    if node is not None and node.kind in EVIDENCE_NODE_KINDS:
        return redirect("evidence:list", node.pk, timezone.localdate().year)
    return render(request, "evidence/evidence_index.html", {"node": node, "active_menu": ACTIVE_MENU})


@login_required
def evidence_list_view(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    scope = scope_of(request)
    node = dossier_node_for(scope, pk)
    year = _year(year)
    catalogue = catalogue_for(node, year)
    form = EvidenceFilterForm(request.GET or None, catalogue=catalogue)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    documents = evidence_list(
        scope=scope,
        node=node,
        year=year,
        criterion_id=data.get("criterion") or None,
        doc_type=data.get("doc_type") or "",
        include_withdrawn=data.get("status") == "all",
    )
    rows = [
        {
            "doc": doc,
            "criteria": _criteria(doc, catalogue),
            "warnings": evidence_warnings(doc, catalogue=catalogue),
        }
        for doc in documents
    ]
    context = {
        "node": node,
        "year": year,
        "years": [y for y in (year - 1, year + 1) if MIN_YEAR <= y <= MAX_YEAR],
        "form": form,
        "rows": rows,
        "catalogue": catalogue,
        "can_manage": scope.allows(Action.EVIDENCE_MANAGE, node),
        "criterion": data.get("criterion") or "",
        "active_menu": ACTIVE_MENU,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    fragment = bool(htmx) and not htmx.history_restore_request
    response = render(request, "evidence/_rows.html" if fragment else "evidence/evidence_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def evidence_upload(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    scope = scope_of(request)
    node = dossier_node_for(scope, pk, Action.EVIDENCE_MANAGE)
    year = _year(year)
    catalogue = catalogue_for(node, year)
    initial = {"criterion_ids": [c for c in request.GET.getlist("criterion") if c in catalogue]}
    form = EvidenceUploadForm(
        request.POST or None, request.FILES or None, catalogue=catalogue, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.evidence_create(
                by=request.user,
                scope=scope,
                node=node,
                year=year,
                data=form.metadata(),
                upload=form.cleaned_data["file"],
                criterion_ids=form.cleaned_data["criterion_ids"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu tài liệu “%(title)s”.") % {"title": document.title})
            for warning in evidence_warnings(document, catalogue=catalogue):
                messages.warning(request, warning.message)
            return redirect("evidence:detail", document.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {
            "form": form,
            "catalogue": catalogue,
            "node": node,
            "year": year,
            "upload": True,
            "active_menu": ACTIVE_MENU,
        },
    )


@login_required
def evidence_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    document = evidence_for(scope, pk)
    prefetch_related_objects([document], "links")
    catalogue = catalogue_for(document.node, document.year)
    may_manage = scope.allows(Action.EVIDENCE_MANAGE, document.node) and document.is_active
    # Cited by a sent registration or assessment: shown why, and nothing offered that would be refused.
    in_use = evidence_in_use(document) if may_manage else ""
    can_manage = may_manage and not in_use
    linked = [link.criterion_id for link in document.links.all()]
    context = {
        "document": document,
        "node": document.node,
        "criteria": _criteria(document, catalogue),
        "catalogue": catalogue,
        "warnings": evidence_warnings(document, catalogue=catalogue),
        "can_manage": can_manage,
        "in_use": in_use,
        "links_form": EvidenceLinksForm(
            initial={"criterion_ids": linked, "version": document.version}, catalogue=catalogue
        )
        if can_manage
        else None,
        "withdraw_form": VersionedReasonForm(initial={"version": document.version}) if can_manage else None,
        "history": object_history(document, scope=scope)[:50]
        if scope.allows(Action.AUDIT_VIEW, document.node)
        else None,
        "active_menu": ACTIVE_MENU,
    }
    return render(request, "evidence/evidence_detail.html", context)


@login_required
def evidence_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
    if not document.is_active:
        messages.error(request, _("Tài liệu đã bị thu hồi, không thay đổi được."))
        return redirect("evidence:detail", document.pk)
    in_use = evidence_in_use(document)
    if in_use:
        messages.error(request, in_use)
        return redirect("evidence:detail", document.pk)
    initial = {**document.snapshot(), "issue_date": document.issue_date, "version": document.version}
    form = EvidenceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(
                by=request.user,
                scope=scope,
                document=document,
                data=form.metadata(),
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("evidence:detail", document.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {
            "form": form,
            "document": document,
            "node": document.node,
            "year": document.year,
            "upload": False,
            "active_menu": ACTIVE_MENU,
        },
    )


@login_required
@require_POST
def evidence_links(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
    form = EvidenceLinksForm(request.POST, catalogue=catalogue_for(document.node, document.year))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("evidence:detail", document.pk)
    try:
        services.evidence_link(
            by=request.user,
            scope=scope,
            document=document,
            criterion_ids=form.cleaned_data["criterion_ids"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã lưu các tiêu chí của tài liệu."))
    return redirect("evidence:detail", document.pk)


@login_required
@require_POST
def evidence_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
    form = VersionedReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do thu hồi."))
        return redirect("evidence:detail", document.pk)
    try:
        services.evidence_withdraw(
            by=request.user,
            scope=scope,
            document=document,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã thu hồi tài liệu."))
    return redirect("evidence:detail", document.pk)


@login_required
def evidence_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    scope = scope_of(request)
    document = evidence_for(scope, pk)
    response = file_response(document)
    services.evidence_download_record(by=request.user, scope=scope, document=document)
    return response
