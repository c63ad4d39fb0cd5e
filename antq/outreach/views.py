"""Screens of the outreach app: sessions (list, record, edit, withdraw, detail with the attendance
list), the attendance import (upload → every bad row, or a preview → confirm or cancel; a stored
upload is deleted once used or cancelled, and after a day if abandoned), the reach page of a node
and year, and the festival days (list, plan, edit, detail, mark held).

Reads go through `access` and `selectors`, writes through `services` (never `.save()` here).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.core.pagination import KeysetPage
from antq.evidence.models import EvidenceDocument
from antq.org.access import node_for
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode, subtree_q
from antq.outreach import importing, selectors, services
from antq.outreach.access import festival_for, outreach_node_for, recordable_nodes, session_for
from antq.outreach.choices import FestivalStatus, SessionKind
from antq.outreach.forms import (
    AttendanceConfirmForm,
    AttendanceUploadForm,
    FestivalFilterForm,
    FestivalForm,
    FestivalHeldForm,
    SessionFilterForm,
    SessionForm,
    WithdrawForm,
)
from antq.outreach.models import FESTIVAL_FIELDS, FestivalDay, OutreachSession
from antq.outreach.targets import targets

MENU = "movement"
PAGE_SIZE = 50
IMPORTS_KEY = "outreach_imports"  # request.session: token → the checked upload awaiting confirmation
PENDING_DIR = "imports/outreach"  # where checked uploads wait (in the default storage)
PENDING_MAX_AGE = dt.timedelta(hours=24)  # an upload older than this was abandoned
ATTENDANCE_SHOWN = 2000  # rows of a list shown on the detail page


def _filter_nodes(within: OrgNode | None) -> QuerySet[OrgNode]:
    """The filter's choices: a commune's units (with itself), or a province's communes."""
    if within is None or within.kind in UNIT_KINDS:
        return OrgNode.objects.none()
    if within.kind == NodeKind.COMMUNE:
        return OrgNode.objects.filter(Q(pk=within.pk) | Q(parent=within)).order_by("path")
    return OrgNode.objects.filter(parent=within, kind=NodeKind.COMMUNE).order_by("path")


# --- Sessions --------------------------------------------------------------------------------


def _paged(qs: QuerySet[OutreachSession], request: AuthedHttpRequest) -> KeysetPage:
    """A page of sessions by date (newest first) after a cursor "<date>.<id>"; no OFFSET."""
    after = request.GET.get("after", "")
    if after:
        day_text, _dot, pk_text = after.partition(".")
        try:
            day, pk = dt.date.fromisoformat(day_text), int(pk_text)
        except ValueError:
            day, pk = None, 0
        if day is not None:
            qs = qs.filter(Q(held_on__lte=day), Q(held_on__lt=day) | Q(pk__lt=pk))
    rows = list(qs[: PAGE_SIZE + 1])
    items = rows[:PAGE_SIZE]
    following = f"{items[-1].held_on.isoformat()}.{items[-1].pk}" if len(rows) > PAGE_SIZE else None
    return KeysetPage(items=items, next_token=following, prev_token=None)


@login_required
def session_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = SessionFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    within = current_node(request)
    node = node_for(scope, data["node"]) if data.get("node") else None
    filters = selectors.SessionFilters(
        within=within if node is None else None,
        node=node,
        kind=data.get("kind") or "",
        year=data.get("year"),
        start=data.get("start"),
        end=data.get("end"),
        include_withdrawn=bool(data.get("include_withdrawn")),
    )
    page = _paged(selectors.session_list(scope=scope, filters=filters), request)
    query = request.GET.copy()
    query.pop("after", None)
    shown = node or within
    return render(
        request,
        "outreach/session_list.html",
        {
            "form": form,
            "filters": filters,
            "shown": shown,
            "page": page,
            "query": query.urlencode(),
            "filter_nodes": _filter_nodes(within),
            "can_record": scope.can_anywhere(Action.ACTIVITY_RECORD),
            "reach_year": data.get("year") or timezone.localdate().year,
            "reach_node": shown if shown is not None and shown.kind in services.OUTREACH_NODE_KINDS else None,
            "active_menu": MENU,
        },
    )


def _chosen_node(request: AuthedHttpRequest, nodes: QuerySet[OrgNode]) -> OrgNode | None:
    """The node a new record is for: `?node=` (or the posted node) among `nodes`, or the only one."""
    chosen = int_or_none(request.POST.get("node")) if request.method == "POST" else None
    if chosen is None:
        chosen = int_or_none(request.GET.get("node"))
    node = nodes.filter(pk=chosen).first() if chosen is not None else None
    if node is None and nodes.count() == 1:
        node = nodes.first()
    return node


def _picker_context(nodes: QuerySet[OrgNode], node: OrgNode | None) -> dict[str, Any]:
    """The "choose the unit first" step: the nodes to choose among while none is chosen (the
    documents offered are the chosen node's), and whether the choice may be changed."""
    return {
        "pick_nodes": nodes if node is None else None,
        "chosen_node": node,
        "can_change_node": node is not None and nodes.count() > 1,
    }


def _node_documents(node: OrgNode) -> QuerySet[EvidenceDocument]:
    return EvidenceDocument.objects.filter(node=node, is_active=True).order_by("-issue_date", "-id")


@login_required
def session_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    nodes = recordable_nodes(scope, current_node(request))
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "kind": SessionKind.PROPAGANDA}
    node = _chosen_node(request, nodes)
    if node is not None:
        initial["node"] = node.pk
    form = SessionForm(
        request.POST or None,
        # Once a node is chosen the form records for it (its documents are the ones offered).
        nodes=nodes.filter(pk=node.pk) if node is not None else nodes,
        evidence=_node_documents(node) if node is not None else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                by=request.user, scope=scope, node=form.cleaned_data["node"], data=form.data_for_service()
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận buổi tuyên truyền, tập huấn."))
            if session.is_list:
                return redirect("outreach:import", session.pk)
            return redirect("outreach:detail", session.pk)
    return render(
        request,
        "outreach/session_form.html",
        {"form": form, **_picker_context(nodes, node), "active_menu": MENU},
    )


def reach_year_of(node: OrgNode, day: dt.date) -> int:
    """The evaluation year whose window holds `day` (a session of 20/11/2026 counts in 2027 when
    the window starts on 16/11), or the calendar year when no TT 124 version is stored."""
    from antq.incidents.selectors import evaluation_year

    try:
        return evaluation_year(node=node, on=day)
    except DomainError:
        return day.year


@login_required
def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    session = session_for(scope, pk)
    rows = list(selectors.session_attendance(session)[: ATTENDANCE_SHOWN + 1])
    can_record = scope.allows(Action.ACTIVITY_RECORD, session.node)
    count = session.attendances.count() if session.is_list else session.headcount
    return render(
        request,
        "outreach/session_detail.html",
        {
            "session": session,
            "attendance": rows[:ATTENDANCE_SHOWN],
            "more": len(rows) > ATTENDANCE_SHOWN,
            "count": count,
            "can_record": can_record and not session.is_withdrawn,
            "reach_year": reach_year_of(session.node, session.held_on),
            "withdraw_form": WithdrawForm(initial={"version": session.version}) if can_record else None,
            "active_menu": MENU,
        },
    )


@login_required
def session_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    session = session_for(scope, pk, Action.ACTIVITY_RECORD)
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
    initial["version"] = session.version
    years = (session.held_on.year, session.held_on.year + 1)
    form = SessionForm(
        request.POST or None,
        nodes=OrgNode.objects.none(),
        evidence=selectors.usable_evidence(node=session.node, years=years),
        fixed_node=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                by=request.user,
                scope=scope,
                session=session,
                data=form.data_for_service(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))  # the typed values stay in the form
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("outreach:detail", session.pk)
    return render(
        request, "outreach/session_form.html", {"form": form, "session": session, "active_menu": MENU}
    )


@login_required
@require_POST
def session_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Rút buổi tuyên truyền (tập huấn): kept with its reason, counted nowhere."""
    scope = scope_of(request)
    session = session_for(scope, pk, Action.ACTIVITY_RECORD)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        if session.kind == SessionKind.TRAINING:
            messages.error(request, _("Vui lòng nêu lý do rút buổi tập huấn."))
        else:
            messages.error(request, _("Vui lòng nêu lý do rút buổi tuyên truyền."))
        return redirect("outreach:detail", session.pk)
    try:
        services.session_withdraw(
            by=request.user,
            scope=scope,
            session=session,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Đã rút buổi: buổi không còn được tính vào tỷ lệ tham gia."))
    return redirect("outreach:detail", session.pk)


# --- Attendance import -----------------------------------------------------------------------


def _pending(request: AuthedHttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(IMPORTS_KEY) or {})


def _drop_pending(request: AuthedHttpRequest, token: str) -> None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    request.session[IMPORTS_KEY] = pending
    if entry:
        with contextlib.suppress(OSError):
            default_storage.delete(entry["stored"])


def purge_stale_uploads(now: dt.datetime | None = None) -> int:
    """Delete this app's stored uploads older than `PENDING_MAX_AGE`, whoever uploaded them: an
    upload left unconfirmed (a closed tab, an expired login) holds CCCD numbers and must not stay.
    Returns how many files went."""
    limit = (now or timezone.now()) - PENDING_MAX_AGE
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        with contextlib.suppress(OSError, NotImplementedError):
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed


def _store_pending(request: AuthedHttpRequest, session: OutreachSession, upload: Any) -> str:
    """Keep a checked upload until the user confirms (one per session and user: an older one goes;
    any user's uploads older than a day go too)."""
    for token, entry in _pending(request).items():
        if entry.get("session") == session.pk:
            _drop_pending(request, token)
    purge_stale_uploads()
    token = uuid.uuid4().hex
    upload.seek(0)
    stored = default_storage.save(f"{PENDING_DIR}/{token}.xlsx", ContentFile(upload.read()))
    pending = _pending(request)
    pending[token] = {"session": session.pk, "stored": stored, "name": str(upload.name or "")[:200]}
    request.session[IMPORTS_KEY] = pending
    return token


@login_required
def attendance_import(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Upload → every bad row listed (nothing written), or a preview with a confirm button."""
    scope = scope_of(request)
    session = session_for(scope, pk, Action.ACTIVITY_RECORD)
    form = AttendanceUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"session": session, "form": form, "active_menu": MENU}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = importing.read_attendance(upload)
        except importing.AttendanceFileError as exc:
            form.add_error("file", str(exc))
        else:
            context["checked"] = checked
            if checked.valid:
                context["preview"] = selectors.attendance_preview(session=session, people=checked.people)
                context["confirm"] = AttendanceConfirmForm(
                    initial={"token": _store_pending(request, session, upload)}
                )
                context["file_name"] = upload.name
    context["max_rows"] = importing.max_rows()
    context["max_mb"] = f"{importing.max_bytes() / (1024 * 1024):g}"
    return render(request, "outreach/import.html", context)


@login_required
@require_POST
def attendance_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    session = session_for(scope, pk, Action.ACTIVITY_RECORD)
    form = AttendanceConfirmForm(request.POST)
    entry = _pending(request).get(form.data.get("token", "")) if form.is_valid() else None
    if entry is None or entry.get("session") != session.pk:
        messages.error(
            request,
            _("Không tìm thấy tệp đã kiểm tra (có thể đã nhập hoặc đã hết hạn): hãy tải tệp lên lại."),
        )
        return redirect("outreach:import", session.pk)
    token = form.cleaned_data["token"]
    try:
        with default_storage.open(entry["stored"], "rb") as stored:
            # Read again: the file is the source, and the node's people may have changed since.
            checked = importing.read_attendance(stored)
        if not checked.valid:
            raise DomainError(_("Tệp không còn hợp lệ: hãy tải lên lại để xem các dòng lỗi."))
        result = services.attendance_import(
            by=request.user, scope=scope, session=session, people=checked.people, file_name=entry["name"]
        )
    except FileNotFoundError:
        messages.error(request, _("Tệp đã kiểm tra không còn: hãy tải tệp lên lại."))
        _drop_pending(request, token)
        return redirect("outreach:import", session.pk)
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        _drop_pending(request, token)
        return redirect("outreach:import", session.pk)
    _drop_pending(request, token)
    messages.success(
        request,
        _(
            "Đã nhập danh sách: thêm %(added)s người vào buổi (%(new)s người lần đầu tham dự tại đơn vị, "
            "%(already)s người đã có trong danh sách buổi)."
        )
        % {"added": result.added, "new": result.new_people, "already": result.already_listed},
    )
    return redirect("outreach:detail", session.pk)


@login_required
@require_POST
def attendance_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Give up a checked upload: its stored file is deleted at once."""
    scope = scope_of(request)
    session = session_for(scope, pk, Action.ACTIVITY_RECORD)
    token = str(request.POST.get("token", ""))
    entry = _pending(request).get(token)
    if entry is not None and entry.get("session") == session.pk:
        _drop_pending(request, token)
        messages.info(request, _("Đã huỷ nhập danh sách; tệp đã tải lên đã được xoá."))
    return redirect("outreach:detail", session.pk)


@login_required
def import_template(request: AuthedHttpRequest) -> HttpResponse:
    if not scope_of(request).can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    response = HttpResponse(
        importing.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-tham-du.xlsx"'
    return response


# --- Reach -----------------------------------------------------------------------------------


def evaluation_window(node: OrgNode, year: int) -> tuple[dt.date, dt.date, bool]:
    """(start, end, from TT 124): the node's evaluation window for `year`, or the calendar year
    when no TT 124 version is stored."""
    from antq.incidents.selectors import evaluation_window as tt124_window

    try:
        start, end = tt124_window(node=node, year=year)
    except DomainError:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), False
    return start, end, True


@login_required
def reach_page(request: AuthedHttpRequest, node_pk: int, year: int) -> HttpResponse:
    """The share of the node's people reached in the year's window, against QĐ 510 item 2."""
    scope = scope_of(request)
    node = outreach_node_for(scope, node_pk)
    if not 2000 <= year <= 2100:
        raise Http404
    start, end, from_tt124 = evaluation_window(node, year)
    context = selectors.reach_context(node, start, end)
    festival = selectors.festival_fact(node, start, end)
    context.update(
        node=node,
        year=year,
        start=start,
        end=end,
        from_tt124=from_tt124,
        festival=festival,
        festival_source=targets().festival_source,
        can_record=scope.allows(Action.ACTIVITY_RECORD, node),
        active_menu=MENU,
    )
    return render(request, "outreach/reach.html", context)


# --- Festival days ---------------------------------------------------------------------------


@login_required
def festival_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = FestivalFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    within = current_node(request)
    node = node_for(scope, data["node"]) if data.get("node") else None
    rows = list(
        selectors.festival_list(
            scope=scope, within=None if node else within, node=node, year=data.get("year")
        )[:500]
    )
    return render(
        request,
        "outreach/festival_list.html",
        {
            "form": form,
            "rows": rows,
            "shown": node or within,
            "filter_nodes": _filter_nodes(within),
            "chosen": node,
            "can_record": scope.can_anywhere(Action.ACTIVITY_RECORD),
            "festival_source": targets().festival_source,
            "active_menu": MENU,
        },
    )


def _host_choices(scope: Scope, nodes: QuerySet[OrgNode]) -> QuerySet[OrgNode]:
    """Where a recorded node may have joined a festival day: its commune, or a unit of that commune
    the user sees (the service checks the pair)."""
    communes = OrgNode.objects.filter(
        Q(pk__in=nodes.filter(kind__in=UNIT_KINDS).values("parent_id")), kind=NodeKind.COMMUNE
    )
    paths = list(communes.values_list("path", flat=True))
    units = Q(pk__in=[])
    for path in paths:
        units |= subtree_q(path) & Q(kind__in=UNIT_KINDS)
    return (
        OrgNode.objects.filter(Q(pk__in=communes.values("pk")) | (units & scope.q(Action.VIEW)))
        .select_related("parent")
        .order_by("path")
    )


def _festival_form(
    request: AuthedHttpRequest,
    scope: Scope,
    *,
    festival: FestivalDay | None,
    initial: dict[str, Any],
    nodes: QuerySet[OrgNode] | None = None,
) -> FestivalForm:
    """The festival form: on creation `nodes` are the node choices (one once a node is chosen;
    documents and photos are offered only then, from that node's dossier)."""
    documents: QuerySet[EvidenceDocument] | None
    if festival is None:
        nodes = nodes if nodes is not None else OrgNode.objects.none()
        node = nodes.first() if len(nodes) == 1 else None
        documents = _node_documents(node) if node is not None else None
    else:
        nodes = OrgNode.objects.filter(pk=festival.node_id)
        documents = EvidenceDocument.objects.filter(
            node=festival.node, year=festival.year, is_active=True
        ).order_by("-issue_date", "-id")
    return FestivalForm(
        request.POST or None,
        nodes=nodes,
        hosts=_host_choices(scope, nodes),
        documents=documents,
        photos=documents.filter(content_type__startswith="image/") if documents is not None else None,
        fixed_node=festival is not None,
        initial=initial,
    )


@login_required
def festival_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    year = timezone.localdate().year
    initial: dict[str, Any] = {"year": year, "planned_on": targets().festival_date(year)}
    nodes = recordable_nodes(scope, current_node(request))
    node = _chosen_node(request, nodes)
    if node is not None:
        initial["node"] = node.pk
    form = _festival_form(
        request,
        scope,
        festival=None,
        initial=initial,
        nodes=nodes.filter(pk=node.pk) if node is not None else nodes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            festival = services.festival_create(
                by=request.user,
                scope=scope,
                node=form.cleaned_data["node"],
                year=form.cleaned_data["year"],
                data=form.data_for_service(),
                photos=form.cleaned_data.get("photos") or [],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kế hoạch Ngày hội toàn dân bảo vệ ANTQ."))
            return redirect("outreach:festival_detail", festival.pk)
    return render(
        request,
        "outreach/festival_form.html",
        {"form": form, **_picker_context(nodes, node), "active_menu": MENU},
    )


@login_required
def festival_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    festival = festival_for(scope, pk)
    can_record = scope.allows(Action.ACTIVITY_RECORD, festival.node)
    return render(
        request,
        "outreach/festival_detail.html",
        {
            "festival": festival,
            "photos": selectors.festival_photos(festival),
            "can_record": can_record,
            "can_hold": can_record and festival.status == FestivalStatus.PLANNED,
            "sentence": selectors.festival_sentence(festival) if festival.is_held else "",
            "active_menu": MENU,
        },
    )


@login_required
def festival_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    festival = festival_for(scope, pk, Action.ACTIVITY_RECORD)
    initial: dict[str, Any] = {name: getattr(festival, name) for name in FESTIVAL_FIELDS}
    initial.update(version=festival.version, photos=list(festival.photos.values_list("pk", flat=True)))
    form = _festival_form(request, scope, festival=festival, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.festival_update(
                by=request.user,
                scope=scope,
                festival=festival,
                data=form.data_for_service(),
                photos=form.cleaned_data.get("photos") or [],
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("outreach:festival_detail", festival.pk)
    return render(
        request, "outreach/festival_form.html", {"form": form, "festival": festival, "active_menu": MENU}
    )


@login_required
def festival_held(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """planned → held, with the day and the attendance."""
    scope = scope_of(request)
    festival = festival_for(scope, pk, Action.ACTIVITY_RECORD)
    if festival.status != FestivalStatus.PLANNED:
        messages.info(request, _("Ngày hội đã được ghi nhận là đã tổ chức."))
        return redirect("outreach:festival_detail", festival.pk)
    initial = {
        "held_on": festival.planned_on,
        "place": festival.place,
        "activities": festival.activities,
        "version": festival.version,
    }
    form = FestivalHeldForm(request.POST or None, initial=initial, year=festival.year)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.festival_mark_held(
                by=request.user,
                scope=scope,
                festival=festival,
                data=data,
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận Ngày hội đã tổ chức."))
            return redirect("outreach:festival_detail", festival.pk)
    return render(
        request, "outreach/festival_held.html", {"form": form, "festival": festival, "active_menu": MENU}
    )
