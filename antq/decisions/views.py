"""Decision screens: list, new draft (candidates with their result), detail with history, edit,
issue, revoke, cancel; files (DOCX, PDF, certificates); a unit's official status; the province's
approval-authority table; award proposals."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.audit.selectors import object_history
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import VersionedReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.cycles.access import visible_cycles
from antq.cycles.models import Cycle
from antq.decisions import authority, files, selectors, services
from antq.decisions.access import (
    certificate_item_for,
    decision_for,
    drafting_issuers,
    proposal_for,
    province_for,
)
from antq.decisions.choices import AwardStatus, DecisionKind, DecisionStatus
from antq.decisions.forms import (
    AuthorityRowForm,
    AwardForm,
    DecisionFilterForm,
    DraftChoiceForm,
    DraftCreateForm,
    DraftEditForm,
    IssueForm,
    VersionForm,
)
from antq.decisions.models import DecisionItem, DocumentFile, DocumentJob
from antq.org.access import node_for
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

PAGE_SIZE = 50
MENU = "decisions"


def _cycle_label(cycle: Cycle) -> str:
    return f"{cycle.year} · {cycle.province.name}"


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- list -----------------------------------------------------------------------------------------


@login_required
def decision_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    cycles = visible_cycles(scope)
    form = DecisionFilterForm(request.GET or None, cycles=[(c.pk, _cycle_label(c)) for c in cycles])
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    cycle = next((c for c in cycles if c.pk == data.get("cycle")), None)
    filters = selectors.DecisionFilters(
        cycle=cycle, kind=data.get("kind") or "", status=data.get("status") or ""
    )
    page = Paginator(selectors.decision_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    manage = None
    if scope.can_anywhere(Action.CYCLE_MANAGE):
        manage = (
            OrgNode.objects.filter(scope.q(Action.CYCLE_MANAGE), kind=NodeKind.PROVINCE)
            .order_by("path")
            .first()
        )
    return render(
        request,
        "decisions/decision_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_draft": scope.can_anywhere(Action.DECISION_DRAFT),
            "can_award": scope.can_anywhere(Action.AWARD_PROPOSE),
            "authority_province": manage,
            "active_menu": MENU,
        },
    )


# ---- new draft ------------------------------------------------------------------------------------


def _issuer_choices(request: AuthedHttpRequest, scope: Scope) -> list[OrgNode]:
    """Where the user may draft: the current node, their own nodes, else the provinces they reach
    (an administrator picks a commune by switching to it in the breadcrumb)."""
    allowed = drafting_issuers(scope)
    found: list[OrgNode] = []
    node = current_node(request)
    if node is not None and node.kind in services.ISSUER_KINDS and scope.allows(Action.DECISION_DRAFT, node):
        found.append(node)
    found += [n for n in allowed.filter(pk__in=scope.root_nodes()) if n not in found]
    if not found:
        found = list(allowed.filter(kind=NodeKind.PROVINCE)[:100])
    chosen = int_or_none(request.GET.get("issuer"))
    if chosen is not None and all(n.pk != chosen for n in found):
        extra = allowed.filter(pk=chosen).first()
        if extra is not None:
            found.insert(0, extra)
    return found


def _cycles_of(node: OrgNode) -> list[Cycle]:
    province_path = node.path[: selectors.PROVINCE_PATH]
    return list(
        Cycle.objects.filter(province__path=province_path).select_related("province").order_by("-year")
    )


@login_required
def decision_create(request: AuthedHttpRequest) -> HttpResponse:
    """Choose the issuer, year and kind; tick units among the candidates (each shown with its
    result, and the reason it would be refused); create the draft."""
    scope = scope_of(request)
    if not scope.can_anywhere(Action.DECISION_DRAFT):
        raise PermissionDenied
    issuers = _issuer_choices(request, scope)
    if not issuers:
        raise PermissionDenied
    issuer = next((n for n in issuers if str(n.pk) == request.GET.get("issuer")), issuers[0])
    cycles = _cycles_of(issuer)
    choice = DraftChoiceForm(
        request.GET or None,
        issuers=[(n.pk, n.name) for n in issuers],
        cycles=[(c.pk, _cycle_label(c)) for c in cycles],
        initial={
            "issuer": issuer.pk,
            "cycle": cycles[0].pk if cycles else None,
            "kind": DecisionKind.RECOGNITION,
        },
    )
    kind = (
        request.GET.get("kind")
        if request.GET.get("kind") in DecisionKind.values
        else DecisionKind.RECOGNITION
    )
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), cycles[0] if cycles else None)
    form = DraftCreateForm(request.POST or None)
    refusals: list[services.Refusal] = []
    ticked: set[int] = set()
    if request.method == "POST" and cycle is not None and form.is_valid():
        ticked = {pk for v in request.POST.getlist("units") if (pk := int_or_none(v)) is not None}
        try:
            decision = services.decision_draft_create(
                by=request.user,
                scope=scope,
                cycle=cycle,
                issuer=issuer,
                kind=kind,  # type: ignore[arg-type]
                node_ids=sorted(ticked),
                data={"proposal_ref": form.cleaned_data["proposal_ref"]},
            )
        except services.UnitsRefused as exc:
            refusals = exc.refusals
            form.add_error(
                None,
                _("Chưa tạo được dự thảo: có đơn vị không đưa được vào quyết định (xem lý do bên dưới)."),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo dự thảo quyết định với %(n)s đơn vị.") % {"n": len(ticked)})
            return redirect("decisions:detail", decision.pk)
    candidates = _candidates(cycle, issuer, kind) if cycle is not None else []  # type: ignore[arg-type]
    # A reason shared by several candidates (unconfirmed thresholds) is said once, above the table.
    counts = Counter(c["reason"] for c in candidates if c["reason"])
    shared = [reason for reason, n in counts.items() if n > 1]
    return render(
        request,
        "decisions/decision_create.html",
        {
            "choice": choice,
            "form": form,
            "issuer": issuer,
            "cycle": cycle,
            "kind": kind,
            "kind_label": DecisionKind(kind).label,  # type: ignore[arg-type]
            "candidates": candidates,
            "shared_reasons": shared,
            "ticked": ticked,
            "refusals": refusals,
            "active_menu": MENU,
        },
    )


def _candidates(cycle: Cycle, issuer: OrgNode, kind: str) -> list[dict[str, Any]]:
    """Approved assessments under the issuer, each with the reason it would be refused (if any)."""
    assessments = list(selectors.eligible_for_decision(cycle, issuer, kind))
    checked = services.check_units(
        cycle=cycle, issuer=issuer, kind=kind, node_ids=[a.node_id for a in assessments]
    )
    reasons = {r.node_id: r.reason for r in checked.refusals}
    return [{"assessment": a, "node": a.node, "reason": reasons.get(a.node_id, "")} for a in assessments]


# ---- detail and workflow --------------------------------------------------------------------------


@login_required
def decision_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    decision = decision_for(scope, pk)
    items = list(decision.items.select_related("node").order_by("position", "id"))
    draft = decision.status == DecisionStatus.DRAFT
    issued = decision.status == DecisionStatus.ISSUED
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "items": items,
            "history": object_history(decision, scope=scope).select_related("actor")[:50],
            "can_edit": draft and scope.allows(Action.DECISION_DRAFT, decision.issuer),
            "can_issue": draft and scope.allows(Action.DECISION_ISSUE, decision.issuer),
            "can_revoke": issued and scope.allows(Action.DECISION_ISSUE, decision.issuer),
            "files": [
                (what, DocumentFile(what).label)
                for what in DocumentFile.values
                if files.available(decision, what)
            ],
            "certificates": decision.kind == DecisionKind.RECOGNITION and issued,
            "cancel_form": VersionForm(initial={"version": decision.version}),
            "active_menu": MENU,
        },
    )


@login_required
def decision_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's wording and drop units from it."""
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_DRAFT)
    if not decision.is_draft:
        messages.error(request, _("Quyết định đã ban hành hoặc đã hủy không sửa được."))
        return redirect("decisions:detail", decision.pk)
    items = list(decision.items.select_related("node").order_by("position", "id"))
    initial = {
        f: getattr(decision, f)
        for f in ("symbol", "place", "proposal_by", "proposal_ref", "bases", "recipients")
    }
    form = DraftEditForm(request.POST or None, initial={**initial, "version": decision.version})
    if request.method == "POST" and form.is_valid():
        kept = [item.node_id for item in items if str(item.node_id) in request.POST.getlist("units")]
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.decision_update_draft(
                by=request.user,
                scope=scope,
                decision=decision,
                data=data,
                expected_version=form.cleaned_data["version"],
                node_ids=kept if len(kept) != len(items) else None,
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("decisions:detail", decision.pk)
    return render(
        request,
        "decisions/decision_edit.html",
        {"decision": decision, "items": items, "form": form, "active_menu": MENU},
    )


@login_required
def decision_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Sign and issue: number, date and signer."""
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_ISSUE)
    if not decision.is_draft:
        messages.error(request, _("Chỉ ban hành được quyết định đang ở dạng dự thảo."))
        return redirect("decisions:detail", decision.pk)
    initial = {
        f: getattr(decision, f)
        for f in ("number", "symbol", "issued_on", "signer_prefix", "signer_title", "signer_name")
    }
    form = IssueForm(request.POST or None, initial={**initial, "version": decision.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.decision_issue(
                by=request.user,
                scope=scope,
                decision=decision,
                expected_version=form.cleaned_data["version"],
                data=data,
            )
        except services.UnitsRefused as exc:
            for refusal in exc.refusals:
                form.add_error(None, f"{refusal.name}: {refusal.reason}")
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ban hành quyết định."))
            return redirect("decisions:detail", decision.pk)
    return render(
        request,
        "decisions/decision_issue.html",
        {"decision": decision, "form": form, "unit_count": decision.items.count(), "active_menu": MENU},
    )


@login_required
def decision_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Revoke an issued decision, with a reason."""
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_ISSUE)
    if decision.status != DecisionStatus.ISSUED:
        messages.error(request, _("Chỉ thu hồi được quyết định đã ban hành."))
        return redirect("decisions:detail", decision.pk)
    form = VersionedReasonForm(request.POST or None, initial={"version": decision.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_revoke(
                by=request.user,
                scope=scope,
                decision=decision,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thu hồi quyết định."))
            return redirect("decisions:detail", decision.pk)
    return render(
        request,
        "decisions/decision_revoke.html",
        {"decision": decision, "form": form, "unit_count": decision.items.count(), "active_menu": MENU},
    )


@login_required
@require_POST
def decision_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_DRAFT)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ; hãy tải lại trang."))
        return redirect("decisions:detail", decision.pk)
    try:
        services.decision_cancel(
            by=request.user,
            scope=scope,
            decision=decision,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except ConcurrentEditError as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã hủy dự thảo."))
    return redirect("decisions:detail", decision.pk)


# ---- files ----------------------------------------------------------------------------------------


@login_required
def decision_file(request: AuthedHttpRequest, pk: int, what: str) -> HttpResponse:
    """The decision (or its certificates) as DOCX or PDF: at once when ready or quick to make,
    otherwise a page that follows the background job and then offers the download."""
    scope = scope_of(request)
    decision = decision_for(scope, pk)
    if not files.available(decision, what):
        raise Http404
    prepared = files.prepare(decision, what, by=request.user)
    if prepared.content is not None:
        return _attachment(prepared.content, files.filename(decision, what), files.content_type(what))
    return render(
        request,
        "decisions/file_wait.html",
        {
            "decision": decision,
            "what": what,
            "label": DocumentFile(what).label,
            "job": prepared.job,
            "progress": files.progress(prepared.job),
            "active_menu": MENU,
        },
    )


@login_required
def decision_file_status(request: AuthedHttpRequest, pk: int, what: str) -> HttpResponse:
    """The progress block htmx polls; status 286 (stop polling) once the job has ended."""
    scope = scope_of(request)
    decision = decision_for(scope, pk)
    if not files.available(decision, what):
        raise Http404
    job = DocumentJob.objects.filter(
        decision=decision,
        what=what,
        decision_version=decision.version,
        template_key=files.template_key(decision),
    ).first()
    response = render(
        request,
        "decisions/_file_status.html",
        {
            "decision": decision,
            "what": what,
            "job": job,
            "progress": files.progress(job) if job is not None else None,
        },
    )
    if job is None or not job.is_running:
        response.status_code = 286
    return response


@login_required
def unit_certificate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One unit's Giấy công nhận (PDF), for whoever sees the unit."""
    item = certificate_item_for(scope_of(request), pk)
    name = f"{files.filename(item.decision, DocumentFile.CERTIFICATES_PDF)[:-4]}-{item.node.code.lower()}.pdf"
    return _attachment(files.certificate_pdf(item), name, files.content_type(DocumentFile.CERTIFICATES_PDF))


# ---- a unit's official status ---------------------------------------------------------------------


@login_required
def unit_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What the decisions in force say about one unit (or commune), year by year."""
    scope = scope_of(request)
    node = node_for(scope, pk)
    if node.kind not in selectors.DECIDED_KINDS:
        raise Http404
    years = []
    for cycle in _cycles_of(node):
        check = selectors.award_check(cycle, node)
        years.append({"cycle": cycle, "status": check.status, "award": check})
    return render(request, "decisions/unit_status.html", {"node": node, "years": years, "active_menu": MENU})


# ---- approval-authority table ---------------------------------------------------------------------


def _year(request: AuthedHttpRequest, province: OrgNode) -> int:
    year = int_or_none(request.POST.get("year") or request.GET.get("year"))
    if year is not None and 2020 <= year <= 2100:
        return year
    latest = Cycle.objects.filter(province=province).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


@login_required
def authority_table(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The province's effective approval-authority table for a year; set or clear its own rows."""
    scope = scope_of(request)
    province = province_for(scope, pk, Action.CYCLE_MANAGE)
    year = _year(request, province)
    form = AuthorityRowForm(request.POST or None if request.POST.get("op") != "clear" else None)
    if request.method == "POST":
        try:
            if request.POST.get("op") == "clear":
                services.authority_clear(
                    by=request.user,
                    scope=scope,
                    province=province,
                    year=year,
                    unit_kind=request.POST.get("unit_kind", ""),
                    managing_authority=request.POST.get("managing_authority", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Đã bỏ dòng riêng của tỉnh; áp dụng lại mặc định."))
                return redirect(f"{request.path}?year={year}")
            if form.is_valid():
                services.authority_set(
                    by=request.user, scope=scope, province=province, year=year, **form.cleaned_data
                )
                messages.success(request, _("Đã lưu thẩm quyền."))
                return redirect(f"{request.path}?year={year}")
        except DomainError as exc:
            if request.POST.get("op") == "clear":
                messages.error(request, str(exc))
                return redirect(f"{request.path}?year={year}")
            add_service_errors(form, exc)
    return render(
        request,
        "decisions/authority_table.html",
        {
            "province": province,
            "year": year,
            "rows": authority.authority_table(province, year),
            "note": authority.default_note(),
            "form": form,
            "active_menu": MENU,
        },
    )


# ---- award proposals ------------------------------------------------------------------------------


@login_required
def award_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    cycles = visible_cycles(scope)
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    status = request.GET.get("status") if request.GET.get("status") in AwardStatus.values else ""
    qs = selectors.award_list(scope=scope, cycle=cycle, status=status or "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "decisions/award_list.html",
        {
            "page": page,
            "cycles": cycles,
            "cycle": cycle,
            "status": status,
            "statuses": AwardStatus.choices,
            "query": query.urlencode(),
            "can_propose": scope.can_anywhere(Action.AWARD_PROPOSE),
            "withdraw_form": VersionForm(),
            "active_menu": MENU,
        },
    )


@login_required
def award_create(request: AuthedHttpRequest) -> HttpResponse:
    """Propose an award: the units of the cycle with a decision in force, each with whether it is
    eligible and why not; the service refuses an ineligible unit with that reason."""
    scope = scope_of(request)
    if not scope.can_anywhere(Action.AWARD_PROPOSE):
        raise PermissionDenied
    cycles = visible_cycles(scope)
    wanted = request.POST.get("cycle") or request.GET.get("cycle")
    cycle = next((c for c in cycles if str(c.pk) == wanted), cycles[0] if cycles else None)
    candidates: list[dict[str, Any]] = []
    if cycle is not None:
        nodes = list(
            OrgNode.objects.filter(scope.q(Action.AWARD_PROPOSE))
            .filter(pk__in=DecisionItem.objects.filter(cycle=cycle, in_force=True).values("node_id"))
            .order_by("path")[:500]
        )
        checks = selectors.award_checks(cycle, nodes)
        candidates = [{"node": n, "check": checks[n.pk]} for n in nodes]
    form = AwardForm(
        request.POST or None,
        nodes=[(c["node"].pk, c["node"].name) for c in candidates],
        initial={"node": request.GET.get("node")},
    )
    if request.method == "POST" and cycle is not None and form.is_valid():
        node = next(c["node"] for c in candidates if c["node"].pk == form.cleaned_data["node"])
        try:
            services.award_propose(
                by=request.user,
                scope=scope,
                cycle=cycle,
                node=node,
                data={k: v for k, v in form.cleaned_data.items() if k != "node"},
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi đề nghị khen thưởng cho %(name)s.") % {"name": node.name})
            return redirect(f"{_award_list_url()}?cycle={cycle.pk}")
    return render(
        request,
        "decisions/award_create.html",
        {"form": form, "cycle": cycle, "cycles": cycles, "candidates": candidates, "active_menu": MENU},
    )


def _award_list_url() -> str:
    return reverse("decisions:award_list")


@login_required
@require_POST
def award_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    proposal = proposal_for(scope, pk, Action.AWARD_PROPOSE)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ; hãy tải lại trang."))
    else:
        try:
            services.award_withdraw(
                by=request.user,
                scope=scope,
                proposal=proposal,
                reason=form.cleaned_data.get("reason") or "",
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã rút đề nghị khen thưởng."))
    return redirect(f"{_award_list_url()}?cycle={proposal.cycle_id}")
