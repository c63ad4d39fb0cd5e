"""Screens of the annual cycle: cycles and their calendar, a unit's year, registration,
self-assessment, superior review and the reviewers' queue.

Every read goes through `antq.cycles.access` (or `antq.org.access` for nodes), every write through
`antq.cycles.services`; a stale version re-renders the form with what the user typed and a
conflict message, so nothing is lost.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import VersionedReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.criteria.evaluation import FrameworksNotLoaded
from antq.cycles import access, calendar, facts, selectors, services
from antq.cycles.choices import AssessmentStatus, CycleStatus, DeadlineCode, RegistrationStatus
from antq.cycles.forms import CycleOpenForm, DeadlineForm, RegistrationForm, VersionForm
from antq.cycles.models import Assessment, AssessmentRound, Cycle, Registration
from antq.cycles.sheet import READ, REVIEW, SELF, AssessmentSheet
from antq.evidence.selectors import evidence_list
from antq.incidents.selectors import incident_effects
from antq.org.access import node_for, visible_nodes
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.eligibility import exclusion_label
from antq.org.models import OrgNode

MIN_YEAR, MAX_YEAR = 2020, 2100
ACTIVE_MENU = "cycles"
QUEUE_LIMIT = 200
ASSESSED_KINDS = UNIT_KINDS | {NodeKind.COMMUNE}


def url_or_empty(name: str, *args: Any) -> str:
    """A link into another app when its screen exists (the apps land one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# ---- cycles and calendar ----------------------------------------------------------------------


def _managed_provinces(scope: Scope) -> Any:
    return visible_nodes(scope, Action.CYCLE_MANAGE).filter(kind=NodeKind.PROVINCE).order_by("search_text")


@login_required
@require_GET
def cycle_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    can_open = scope.can_anywhere(Action.CYCLE_MANAGE)
    form = None
    if can_open:
        provinces = _managed_provinces(scope)
        node = current_node(request)
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        if node is not None and (path := calendar.province_path(node)):
            initial["province"] = provinces.filter(path=path).values_list("pk", flat=True).first()
        form = CycleOpenForm(provinces=provinces, initial=initial)
    return render(
        request,
        "cycles/cycle_list.html",
        {
            "cycles": access.visible_cycles(scope),
            "form": form,
            "can_review": _can_review(scope),
            "active_menu": ACTIVE_MENU,
        },
    )


@login_required
@require_POST
def cycle_open(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.CYCLE_MANAGE):
        raise PermissionDenied
    provinces = _managed_provinces(scope)
    form = CycleOpenForm(request.POST, provinces=provinces)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("cycles:list")
    province = form.cleaned_data["province"]
    if province is None:
        node = current_node(request)
        path = calendar.province_path(node) if node is not None else None
        province = provinces.filter(path=path).first() if path else None
        if province is None and provinces.count() == 1:
            province = provinces.first()
    if province is None:
        messages.error(request, _("Chọn tỉnh, thành phố cần mở kỳ đánh giá."))
        return redirect("cycles:list")
    try:
        cycle = services.cycle_open(
            by=request.user, scope=scope, province=province, year=form.cleaned_data["year"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("cycles:list")
    messages.success(
        request,
        _("Đã mở kỳ đánh giá năm %(year)s của %(province)s; các bộ tiêu chí áp dụng đã được cố định.")
        % {"year": cycle.year, "province": province.name},
    )
    return redirect("cycles:cycle", cycle.pk)


def _calendar_node(request: AuthedHttpRequest, cycle: Cycle) -> OrgNode:
    """The node whose calendar the user reads: their current node when it is inside the cycle's
    province, else the province."""
    node = current_node(request)
    if node is not None and node.path.startswith(cycle.province.path):
        return node
    return cycle.province


def _kind_choices(node: OrgNode) -> list[tuple[str, str]]:
    labels = dict(NodeKind.choices)
    return [(kind, str(labels.get(kind, kind))) for kind in calendar.kinds_below(node)]


def _cycle_page(
    request: AuthedHttpRequest, cycle: Cycle, *, deadline_form: DeadlineForm | None = None, status: int = 200
) -> HttpResponse:
    scope = scope_of(request)
    node = _calendar_node(request, cycle)
    can_set = node.kind in {NodeKind.PROVINCE, NodeKind.COMMUNE} and scope.allows(Action.DEADLINE_SET, node)
    if can_set and deadline_form is None:
        deadline_form = DeadlineForm(kinds=_kind_choices(node))
    registrations = selectors.registrations(scope, cycle).order_by().values("status").annotate(n=Count("pk"))
    assessments = selectors.assessments(scope, cycle).order_by().values("status").annotate(n=Count("pk"))
    reg_counts = {row["status"]: row["n"] for row in registrations}
    ass_counts = {row["status"]: row["n"] for row in assessments}
    return render(
        request,
        "cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "node": node,
            "deadlines": _calendar_rows(cycle, node),
            "today": timezone.localdate(),
            "frameworks": cycle.frameworks.select_related("framework").order_by("framework__code"),
            "deadline_form": deadline_form if can_set else None,
            "can_review": _can_review(scope),
            "registration_counts": [
                (label, reg_counts.get(value, 0)) for value, label in RegistrationStatus.choices
            ],
            "assessment_counts": [
                (label, ass_counts.get(value, 0)) for value, label in AssessmentStatus.choices
            ],
            "unit_year_url": reverse("cycles:unit_year", kwargs={"node": node.pk, "year": cycle.year})
            if node.kind in ASSESSED_KINDS
            else "",
            "active_menu": ACTIVE_MENU,
        },
        status=status,
    )


def _calendar_rows(cycle: Cycle, node: OrgNode) -> list[tuple[calendar.Deadline, list[str]]]:
    """The calendar of `node` with, for each date, the kinds of node it applies to (one query)."""
    overrides = calendar.overrides_above(cycle, node)
    labels = dict(NodeKind.choices)
    rows = []
    for item in calendar.calendar(cycle, node):
        kinds = [
            str(labels.get(kind, kind))
            for kind in calendar.kinds_below(node)
            if (found := calendar.deadline(cycle, node, item.code, kind=kind, overrides=overrides))
            is not None
            and found.due == item.due
        ]
        rows.append((item, kinds))
    return rows


@login_required
@require_GET
def cycle_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _cycle_page(request, access.cycle_for(scope_of(request), pk))


@login_required
@require_POST
def deadline_set(request: AuthedHttpRequest, pk: int, node: int) -> HttpResponse:
    scope = scope_of(request)
    cycle = access.cycle_for(scope, pk)
    target = node_for(scope, node, Action.DEADLINE_SET)
    form = DeadlineForm(request.POST, kinds=_kind_choices(target))
    if form.is_valid():
        try:
            override = services.deadline_override_set(
                by=request.user,
                scope=scope,
                cycle=cycle,
                node=target,
                code=form.cleaned_data["code"],
                due=form.cleaned_data["due"],
                reason=form.cleaned_data["reason"],
                unit_kind=form.cleaned_data["unit_kind"] or "",
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã đặt hạn “%(code)s” ngày %(due)s cho %(node)s và các đơn vị trực thuộc.")
                % {
                    "code": DeadlineCode(override.code).label,
                    "due": date_format(override.due, "d/m/Y"),
                    "node": target.name,
                },
            )
            return redirect("cycles:cycle", cycle.pk)
    return _cycle_page(request, cycle, deadline_form=form)


# ---- a unit's year --------------------------------------------------------------------------------


@login_required
@require_GET
def unit_year(request: AuthedHttpRequest, node: int, year: int) -> HttpResponse:
    scope = scope_of(request)
    target = node_for(scope, node)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    if target.kind not in ASSESSED_KINDS:
        raise Http404
    cycle = calendar.cycle_for(target, year)
    context: dict[str, Any] = {
        "node": target,
        "year": year,
        "cycle": cycle,
        "exclusion": exclusion_label(target.exclusion_code) if target.exclusion_code else "",
        "today": timezone.localdate(),
        "evidence_url": url_or_empty("evidence:list", target.pk, year),
        "incidents_url": url_or_empty("incidents:effects", target.pk, year),
        "active_menu": ACTIVE_MENU,
    }
    if cycle is not None:
        overrides = calendar.overrides_above(cycle, target)
        context["deadlines"] = [
            d
            for code in DeadlineCode.values
            if (d := calendar.deadline(cycle, target, code, overrides=overrides))
        ]
        found = selectors.unit_year(cycle, target)
        context["registration"] = found.registration
        context["assessment"] = found.assessment
        context["missing"] = services.registration_missing(found.registration) if found.registration else []
        open_cycle = cycle.status == CycleStatus.OPEN and not target.exclusion_code and target.is_active
        context["can_register"] = (
            open_cycle and found.registration is None and scope.allows(Action.REGISTER, target)
        )
        context["can_assess"] = (
            open_cycle and found.assessment is None and scope.allows(Action.SELF_ASSESS, target)
        )
    context["effects"], context["effects_problem"] = _incident_effects(target, year)
    return render(request, "cycles/unit_year.html", context)


def _incident_effects(node: OrgNode, year: int) -> tuple[list[Any], str]:
    """The incidents of the node's window and what they cost it (the incident register's reading)."""
    try:
        return list(incident_effects(node=node, year=year)), ""
    except (DomainError, FrameworksNotLoaded) as exc:
        return [], str(exc)


# ---- the reviewers' queue -------------------------------------------------------------------------


def _can_review(scope: Scope) -> bool:
    """Whether the review queue has anything for this user (the button is shown only then)."""
    return scope.can_anywhere(Action.REGISTRATION_REVIEW) or scope.can_anywhere(Action.ASSESSMENT_REVIEW)


@login_required
@require_GET
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    can_registrations = scope.can_anywhere(Action.REGISTRATION_REVIEW)
    can_assessments = scope.can_anywhere(Action.ASSESSMENT_REVIEW)
    if not can_registrations and not can_assessments:
        raise PermissionDenied
    queues = []
    for cycle in access.visible_cycles(scope):
        if cycle.status != CycleStatus.OPEN:
            continue
        registrations = _limited(selectors.registration_queue(scope, cycle)) if can_registrations else ([], 0)
        assessments = _limited(selectors.review_queue(scope, cycle)) if can_assessments else ([], 0)
        queues.append(
            {
                "cycle": cycle,
                "registrations": registrations[0],
                "registration_count": registrations[1],
                "assessments": assessments[0],
                "assessment_count": assessments[1],
            }
        )
    return render(
        request,
        "cycles/review_queue.html",
        {
            "queues": queues,
            "can_registrations": can_registrations,
            "can_assessments": can_assessments,
            "limit": QUEUE_LIMIT,
            "active_menu": "review",
        },
    )


def _limited(qs: Any) -> tuple[list[Any], int]:
    """The first rows of a queue and its length, with a COUNT only when the list is cut."""
    rows = list(qs[: QUEUE_LIMIT + 1])
    if len(rows) <= QUEUE_LIMIT:
        return rows, len(rows)
    return rows[:QUEUE_LIMIT], qs.count()


# ---- registration -----------------------------------------------------------------------------------


@login_required
@require_POST
def registration_start(request: AuthedHttpRequest, cycle: int, node: int) -> HttpResponse:
    scope = scope_of(request)
    found = access.cycle_for(scope, cycle)
    target = node_for(scope, node, Action.REGISTER)
    try:
        registration = services.registration_start(by=request.user, scope=scope, cycle=found, node=target)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("cycles:unit_year", node=target.pk, year=found.year)
    return redirect("cycles:registration", registration.pk)


def _registration_page(
    request: AuthedHttpRequest,
    registration: Registration,
    *,
    form: RegistrationForm | None = None,
    return_form: VersionedReasonForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    scope = scope_of(request)
    node, cycle = registration.node, registration.cycle
    can_edit = registration.is_editable and scope.allows(Action.REGISTER, node)
    can_review = registration.status == RegistrationStatus.SUBMITTED and scope.allows(
        Action.REGISTRATION_REVIEW, node
    )
    if can_edit and form is None:
        form = RegistrationForm(registration=registration)
    if can_review and return_form is None:
        return_form = VersionedReasonForm(initial={"version": registration.version})
    due = calendar.deadline(cycle, node, DeadlineCode.REGISTRATION)
    today = timezone.localdate()
    return render(
        request,
        "cycles/registration.html",
        {
            "registration": registration,
            "node": node,
            "cycle": cycle,
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "can_review": can_review,
            "return_form": return_form if can_review else None,
            "accept_form": VersionForm(initial={"version": registration.version}) if can_review else None,
            "missing": services.registration_missing(registration),
            "deadline": due,
            "overdue": due is not None and today > due.due and registration.is_editable,
            "uncommitted_lines": [line for line in registration.uncommitted.splitlines() if line.strip()],
            "upload_url": url_or_empty("evidence:upload", node.pk, cycle.year),
            "evidence_url": url_or_empty("evidence:list", node.pk, cycle.year),
            "conflict": conflict,
            "active_menu": ACTIVE_MENU,
        },
        status=status,
    )


@login_required
def registration_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    registration = access.registration_for(scope, pk)
    if request.method != "POST":
        return _registration_page(request, registration)
    if not scope.allows(Action.REGISTER, registration.node):
        raise PermissionDenied
    if not registration.is_editable:
        messages.error(request, _("Bản đăng ký đã gửi không sửa được; cần cấp trên trả lại để bổ sung."))
        return redirect("cycles:registration", registration.pk)
    form = RegistrationForm(request.POST, registration=registration)
    if not form.is_valid():
        return _registration_page(request, registration, form=form)
    try:
        saved = services.registration_save(
            by=request.user,
            scope=scope,
            registration=registration,
            data=form.service_data(),
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        fresh = access.registration_for(scope, pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        form = RegistrationForm(data, registration=fresh)
        form.is_valid()
        return _registration_page(request, fresh, form=form, conflict=_conflict_text(exc))
    except DomainError as exc:
        add_service_errors(form, exc)
        return _registration_page(request, registration, form=form)
    if request.POST.get("op") != "submit":
        messages.success(request, _("Đã lưu bản đăng ký."))
        return redirect("cycles:registration", saved.pk)
    try:
        sent = services.registration_submit(
            by=request.user, scope=scope, registration=saved, expected_version=saved.version
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("cycles:registration", saved.pk)
    if sent.is_late:
        messages.warning(
            request, _("Đã gửi bản đăng ký. Bản đăng ký được gửi sau hạn nên được đánh dấu đăng ký muộn.")
        )
    else:
        messages.success(request, _("Đã gửi bản đăng ký tới Công an xã."))
    return redirect("cycles:registration", sent.pk)


def _conflict_text(exc: Exception) -> str:
    """The service's refusal (who changed what, and when) plus what happens to the user's input."""
    return _(
        "%(message)s Những gì bạn vừa nhập vẫn được giữ dưới đây (chưa lưu) cùng phiên bản mới nhất; "
        "hãy kiểm tra rồi lưu lại."
    ) % {"message": str(exc)}


@login_required
@require_POST
def registration_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    registration = access.registration_for(scope, pk, Action.REGISTRATION_REVIEW)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiếu phiên bản hồ sơ; hãy tải lại trang."))
        return redirect("cycles:registration", registration.pk)
    try:
        services.registration_accept(
            by=request.user,
            scope=scope,
            registration=registration,
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Đã tiếp nhận bản đăng ký của %(name)s.") % {"name": registration.node.name}
        )
    return redirect("cycles:registration", registration.pk)


@login_required
@require_POST
def registration_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    registration = access.registration_for(scope, pk, Action.REGISTRATION_REVIEW)
    form = VersionedReasonForm(request.POST)
    if not form.is_valid():
        return _registration_page(request, registration, return_form=form)
    try:
        services.registration_return(
            by=request.user,
            scope=scope,
            registration=registration,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        fresh = access.registration_for(scope, pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        return _registration_page(
            request,
            fresh,
            return_form=VersionedReasonForm(data),
            conflict=_conflict_text(exc),
        )
    except DomainError as exc:
        add_service_errors(form, exc)
        return _registration_page(request, registration, return_form=form)
    messages.success(request, _("Đã trả lại bản đăng ký kèm lý do."))
    return redirect("cycles:registration", registration.pk)


# ---- assessment -------------------------------------------------------------------------------------


@login_required
@require_POST
def assessment_start(request: AuthedHttpRequest, cycle: int, node: int) -> HttpResponse:
    scope = scope_of(request)
    found = access.cycle_for(scope, cycle)
    target = node_for(scope, node, Action.SELF_ASSESS)
    try:
        assessment = services.assessment_start(by=request.user, scope=scope, cycle=found, node=target)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("cycles:unit_year", node=target.pk, year=found.year)
    return redirect("cycles:assessment", assessment.pk)


def _mode(scope: Scope, assessment: Assessment) -> str:
    if assessment.self_editable and scope.allows(Action.SELF_ASSESS, assessment.node):
        return SELF
    if assessment.review_editable and scope.allows(Action.ASSESSMENT_REVIEW, assessment.node):
        return REVIEW
    return READ


def _load(scope: Scope, pk: int, action: str = Action.VIEW) -> Assessment:
    # The engine's library of the cycle's frozen versions is built once per cycle instance from
    # parsed versions kept in memory (`facts.library`): the documents themselves are not read here.
    return access.assessment_for(scope, pk, action)


def _documents(scope: Scope, assessment: Assessment) -> list[Any]:
    return list(evidence_list(scope=scope, node=assessment.node, year=assessment.cycle.year))


def _hypothetical(assessment: Assessment, registration: Registration | None, **fields: Any) -> Assessment:
    """An unsaved copy of the assessment with some fields replaced (the preview never saves)."""
    values = {
        name: fields.get(name, getattr(assessment, name))
        for name in (
            "unit_facts",
            "answers",
            "self_scores",
            "self_reasons",
            "derived_scores",
            "superior_scores",
            "notes",
            "evidence",
        )
    }
    return Assessment(cycle=assessment.cycle, node=assessment.node, status=assessment.status, **values)


def _preview(
    assessment: Assessment,
    registration: Registration | None,
    mode: str,
    sheet: AssessmentSheet | None = None,
    stored: facts.Evaluation | None = None,
) -> dict[str, Any]:
    """The engine's verdict on the values in the form (or the stored ones), without saving.

    In the self mode there is no superior column yet: the classification shown is the one the
    unit's own points would give (labelled as such), so the officer sees where the year stands.
    `stored` is the engine's verdict on the stored values when the caller has it already."""
    fields: dict[str, Any] = {}
    if sheet is not None and sheet.bound:
        if not sheet.is_valid():
            return {"errors": sheet.all_errors, "mode": mode}
        cleaned = sheet.cleaned
        if mode == SELF:
            fields = {k: cleaned[k] for k in ("answers", "unit_facts", "self_scores")}
        elif mode == REVIEW:
            fields = {"superior_scores": cleaned["superior_scores"]}
    hypothetical = mode == SELF
    if hypothetical:
        self_scores = fields.get("self_scores", assessment.self_scores)
        suggested = facts.suggested_scores(assessment, registration)
        derived = facts.score_prefills(assessment.cycle, assessment.node, registration)
        column = {leaf: p.value for leaf, p in suggested.items()}
        column.update({leaf: p.value for leaf, p in derived.items()})
        column.update(self_scores)
        fields["superior_scores"] = column
    if fields or stored is None:
        evaluation = facts.evaluate(_hypothetical(assessment, registration, **fields), registration)
    else:
        evaluation = stored  # nothing replaced: the verdict on the stored values
    return {
        "result": evaluation.result,
        "problems": evaluation.problems,
        "mode": mode,
        "hypothetical": hypothetical,
        "no_sheet": facts.sheet_for(assessment.cycle, assessment.node) is None,
    }


def _assessment_page(
    request: AuthedHttpRequest,
    assessment: Assessment,
    *,
    sheet: AssessmentSheet | None = None,
    return_form: VersionedReasonForm | None = None,
    conflict: str = "",
    version: int | None = None,
    status: int = 200,
) -> HttpResponse:
    # The page evaluates up to three times (stored result, form, preview) and renders: the unit's
    # records are read once for all of it (nothing here writes them).
    with facts.reuse():
        return _render_assessment_page(
            request,
            assessment,
            sheet=sheet,
            return_form=return_form,
            conflict=conflict,
            version=version,
            status=status,
        )


def _render_assessment_page(
    request: AuthedHttpRequest,
    assessment: Assessment,
    *,
    sheet: AssessmentSheet | None,
    return_form: VersionedReasonForm | None,
    conflict: str,
    version: int | None,
    status: int,
) -> HttpResponse:
    scope = scope_of(request)
    mode = _mode(scope, assessment)
    registration = services.registration_of(assessment)
    evaluation = facts.evaluate(assessment, registration)
    result = evaluation.result or assessment.result or {}
    if sheet is None:
        sheet = AssessmentSheet(
            assessment=assessment,
            registration=registration,
            documents=_documents(scope, assessment),
            result=result,
            mode=mode,
        )
    if mode == REVIEW and return_form is None:
        return_form = VersionedReasonForm(initial={"version": assessment.version})
    rounds = AssessmentRound.objects.filter(assessment=assessment).select_related(
        "submitted_by", "outcome_by"
    )
    return render(
        request,
        "cycles/assessment.html",
        {
            "assessment": assessment,
            "node": assessment.node,
            "cycle": assessment.cycle,
            "registration": registration,
            "mode": mode,
            "sheet": sheet,
            "version": version if version is not None else assessment.version,
            "preview": _preview(assessment, registration, mode, sheet if sheet.bound else None, evaluation),
            "engine_problems": evaluation.problems,
            "return_form": return_form if mode == REVIEW else None,
            "rounds": list(rounds),
            "conflict": conflict,
            "deadline": calendar.deadline(assessment.cycle, assessment.node, DeadlineCode.SELF_ASSESSMENT),
            "upload_url": url_or_empty("evidence:upload", assessment.node.pk, assessment.cycle.year),
            "evidence_url": url_or_empty("evidence:list", assessment.node.pk, assessment.cycle.year),
            "incidents_url": url_or_empty("incidents:effects", assessment.node.pk, assessment.cycle.year),
            "active_menu": ACTIVE_MENU,
        },
        status=status,
    )


SELF_OPS = {"save", "submit"}
REVIEW_OPS = {"review", "copy_self", "approve"}


@login_required
def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    assessment = _load(scope, pk)
    if request.method != "POST":
        return _assessment_page(request, assessment)
    op = request.POST.get("op", "save")
    if op not in SELF_OPS | REVIEW_OPS:
        op = "save"
    wanted = SELF if op in SELF_OPS else REVIEW
    action = Action.SELF_ASSESS if wanted == SELF else Action.ASSESSMENT_REVIEW
    if not scope.allows(action, assessment.node):
        raise PermissionDenied
    if _mode(scope, assessment) != wanted:
        messages.error(
            request,
            _("Phiếu đang ở trạng thái “%(status)s”: không sửa được lúc này.")
            % {"status": assessment.get_status_display()},
        )
        return redirect("cycles:assessment", assessment.pk)
    try:
        # The version the user opened: without it a save could silently overwrite someone else's.
        version = int(request.POST["version"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest(_("Thiếu phiên bản của phiếu (version): hãy tải lại trang."))
    registration = services.registration_of(assessment)
    documents = _documents(scope, assessment)
    sheet = AssessmentSheet(
        assessment=assessment,
        registration=registration,
        documents=documents,
        data=request.POST,
        mode=wanted,
        copy_self=op == "copy_self",
    )
    if op == "copy_self":
        messages.info(request, _("Đã chép cột tự chấm sang cột cấp trên chấm (chưa lưu)."))
        return _assessment_page(request, assessment, sheet=sheet, version=version)
    if not sheet.is_valid():
        return _assessment_page(request, assessment, sheet=sheet, version=version)
    try:
        if wanted == SELF:
            saved, problems = services.assessment_save_self(
                by=request.user,
                scope=scope,
                assessment=assessment,
                data=sheet.self_data(),
                expected_version=version,
            )
        else:
            saved, problems = services.assessment_review_save(
                by=request.user,
                scope=scope,
                assessment=assessment,
                superior_scores=sheet.cleaned["superior_scores"],
                reasons=sheet.cleaned["reasons"],
                expected_version=version,
            )
    except ConcurrentEditError as exc:
        fresh = _load(scope, pk)
        retyped = AssessmentSheet(
            assessment=fresh, registration=registration, documents=documents, data=request.POST, mode=wanted
        )
        return _assessment_page(
            request,
            fresh,
            sheet=retyped,
            conflict=_conflict_text(exc),
            version=fresh.version,
        )
    except DomainError as exc:
        if wanted == REVIEW:
            sheet.mark_unexplained()
        sheet.errors.append(str(exc))
        return _assessment_page(request, assessment, sheet=sheet, version=version)
    for problem in problems:
        messages.warning(request, f"{problem['path']}: {problem['message']}")
    if op == "save":
        messages.success(request, _("Đã lưu bản tự đánh giá (chưa gửi)."))
    elif op == "review":
        messages.success(request, _("Đã lưu cột cấp trên chấm."))
    else:
        _transition(request, scope, saved, op)
    return redirect("cycles:assessment", saved.pk)


def _transition(request: AuthedHttpRequest, scope: Scope, assessment: Assessment, op: str) -> None:
    try:
        if op == "submit":
            services.assessment_submit(
                by=request.user, scope=scope, assessment=assessment, expected_version=assessment.version
            )
            messages.success(request, _("Đã gửi bản tự đánh giá lên cấp trên; phiếu đã được khoá."))
        else:
            services.assessment_approve(
                by=request.user, scope=scope, assessment=assessment, expected_version=assessment.version
            )
            messages.success(request, _("Đã duyệt bản đánh giá."))
    except DomainError as exc:
        messages.error(
            request,
            _("Đã lưu, nhưng chưa %(what)s được: %(why)s")
            % {
                "what": _("gửi") if op == "submit" else _("duyệt"),
                "why": str(exc),
            },
        )


@login_required
@require_POST
def assessment_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    assessment = _load(scope, pk, Action.ASSESSMENT_REVIEW)
    form = VersionedReasonForm(request.POST)
    if not form.is_valid():
        return _assessment_page(request, assessment, return_form=form)
    try:
        services.assessment_return(
            by=request.user,
            scope=scope,
            assessment=assessment,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ConcurrentEditError as exc:
        fresh = _load(scope, pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        return _assessment_page(
            request,
            fresh,
            return_form=VersionedReasonForm(data),
            conflict=_conflict_text(exc),
        )
    except DomainError as exc:
        add_service_errors(form, exc)
        return _assessment_page(request, assessment, return_form=form)
    messages.success(request, _("Đã trả lại bản tự đánh giá kèm lý do; đơn vị sẽ bổ sung và gửi lại."))
    return redirect("cycles:assessment", assessment.pk)


@login_required
@require_POST
def assessment_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The live total: the engine on the posted values, never saved (an htmx fragment)."""
    scope = scope_of(request)
    assessment = _load(scope, pk)
    mode = request.POST.get("mode", READ)
    if mode not in {SELF, REVIEW}:
        mode = READ
    registration = services.registration_of(assessment)
    sheet = None
    if mode != READ:
        sheet = AssessmentSheet(
            assessment=assessment,
            registration=registration,
            documents=_documents(scope, assessment),
            data=request.POST,
            mode=mode,
        )
    return render(
        request, "cycles/_preview.html", {"preview": _preview(assessment, registration, mode, sheet)}
    )
