"""Screens of the forces app: teams (list, record, detail with members and ratings, edit, dissolve),
members, guard-force results, and the commune's rating round (table of levels, submit, approve,
return). Reads go through `access` and `selectors`, writes through `services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import ReasonForm, VersionedReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest, int_or_none
from antq.forces import selectors, services
from antq.forces.access import member_for, rating_communes, round_for, team_for, team_nodes
from antq.forces.choices import POSITIONS_OF_KIND, NotRatedReason, RoundStatus, TeamKind
from antq.forces.forms import (
    DissolveForm,
    GuardRatingForm,
    MemberForm,
    RoundOpenForm,
    TeamFilterForm,
    TeamForm,
)
from antq.forces.models import GuardForceRating, RatingRound
from antq.forces.rules import rules
from antq.org.access import node_for
from antq.org.choices import NodeKind

MENU = "movement"
PAGE_SIZE = 50


def _error_text(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# --- Teams ---------------------------------------------------------------------------------------


@login_required
def team_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    form = TeamFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    node = node_for(scope, data["node"]) if data.get("node") else None
    filters = selectors.TeamFilters(
        within=current_node(request), node=node, kind=data.get("kind") or "", status=data.get("status") or ""
    )
    page = Paginator(selectors.team_list(scope=scope, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forces/team_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_record": scope.can_anywhere(Action.ACTIVITY_RECORD),
            "can_rate": scope.can_anywhere(Action.FORCE_RATE),
            "active_menu": MENU,
        },
    )


@login_required
def team_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    nodes = team_nodes(scope, current_node(request))
    chosen = int_or_none(request.POST.get("node") or request.GET.get("node"))
    node = nodes.filter(pk=chosen).first() if chosen is not None else None
    if node is None:
        only = list(nodes[:2])
        node = only[0] if len(only) == 1 else None  # one unit only (a unit officer): it is fixed
    initial: dict[str, Any] = {"founded_on": timezone.localdate()}
    if node is not None:
        initial["node"] = node.pk
        initial["kind"] = (
            TeamKind.GRASSROOTS_TEAM if node.kind == NodeKind.RESIDENTIAL_AREA else TeamKind.GUARD_FORCE
        )
    # The documents of the unit, or while none is chosen those of every unit offered (the page
    # narrows the list to the unit picked).
    documents = selectors.evidence_choices(node) if node is not None else selectors.evidence_choices_of(nodes)
    form = TeamForm(
        request.POST or None, nodes=nodes, documents=documents, label_units=node is None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            team = services.team_create(
                by=request.user, scope=scope, node=data.pop("node"), kind=data.pop("kind"), data=data
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận “%(name)s”.") % {"name": team.name})
            return redirect("forces:team_detail", team.pk)
    return render(request, "forces/team_form.html", {"form": form, "active_menu": MENU})


@login_required
def team_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk)
    can_record = scope.allows(Action.ACTIVITY_RECORD, team.node)
    r = rules()
    ratings = list(selectors.team_rating_history(team))
    member_ratings = list(selectors.member_rating_history(team))
    return render(
        request,
        "forces/team_detail.html",
        {
            "team": team,
            "members": list(selectors.team_members(team)),
            # A round belongs to its commune: link to it only for whoever sees that commune.
            "ratings": [(row, r.label(row.level), scope.sees(row.round.commune)) for row in ratings],
            "member_ratings": [(row, r.label(row.level)) for row in member_ratings],
            "guard_ratings": [(row, r.label(row.result)) for row in selectors.guard_ratings(team)],
            "can_record": can_record,
            "dissolve_form": DissolveForm(
                initial={"version": team.version, "dissolved_on": timezone.localdate()}
            ),
            "reactivate_form": VersionedReasonForm(initial={"version": team.version}),
            "this_year": timezone.localdate().year,
            "active_menu": MENU,
        },
    )


@login_required
def team_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk, Action.ACTIVITY_RECORD)
    initial = {
        "name": team.name,
        "founded_on": team.founded_on,
        "founding_document": team.founding_document_id,
        "version": team.version,
    }
    form = TeamForm(
        request.POST or None, documents=selectors.evidence_choices(team.node), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.team_update(by=request.user, scope=scope, team=team, data=data, expected_version=version)
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("forces:team_detail", team.pk)
    return render(request, "forces/team_form.html", {"form": form, "team": team, "active_menu": MENU})


@login_required
@require_POST
def team_dissolve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk, Action.ACTIVITY_RECORD)
    form = DissolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nhập ngày giải thể và lý do."))
        return redirect("forces:team_detail", team.pk)
    try:
        services.team_dissolve(
            by=request.user,
            scope=scope,
            team=team,
            on=form.cleaned_data["dissolved_on"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Đã ghi nhận giải thể."))
    return redirect("forces:team_detail", team.pk)


@login_required
@require_POST
def team_reactivate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk, Action.ACTIVITY_RECORD)
    form = VersionedReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do."))
        return redirect("forces:team_detail", team.pk)
    try:
        services.team_reactivate(
            by=request.user,
            scope=scope,
            team=team,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Tổ hoạt động trở lại."))
    return redirect("forces:team_detail", team.pk)


# --- Members -------------------------------------------------------------------------------------


@login_required
def member_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk, Action.ACTIVITY_RECORD)
    form = MemberForm(request.POST or None, kind=team.kind, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            member = services.member_add(by=request.user, scope=scope, team=team, data=data)
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": member.full_name})
            return redirect("forces:team_detail", team.pk)
    return render(request, "forces/member_form.html", {"form": form, "team": team, "active_menu": MENU})


@login_required
def member_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    member = member_for(scope, pk, Action.ACTIVITY_RECORD)
    team = member.team
    initial = {
        "full_name": member.full_name,
        "position": member.position,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "version": member.version,
    }
    form = MemberForm(request.POST or None, kind=team.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.member_update(
                by=request.user, scope=scope, member=member, data=data, expected_version=version
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("forces:team_detail", team.pk)
    return render(
        request,
        "forces/member_form.html",
        {"form": form, "team": team, "member": member, "active_menu": MENU},
    )


# --- Guard-force results -------------------------------------------------------------------------


@login_required
def guard_rating(request: AuthedHttpRequest, pk: int, year: int) -> HttpResponse:
    scope = scope_of(request)
    team = team_for(scope, pk, Action.ACTIVITY_RECORD)
    if team.kind != TeamKind.GUARD_FORCE or not 2000 <= year <= 2100:
        raise Http404
    current = GuardForceRating.objects.filter(team=team, year=year).first()
    initial: dict[str, Any] = {"version": 0}
    if current is not None:
        initial = {
            "result": current.result,
            "evidence": current.evidence_id,
            "note": current.note,
            "version": current.version,
        }
    form = GuardRatingForm(
        request.POST or None, documents=selectors.evidence_choices(team.node), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.guard_rating_set(
                by=request.user, scope=scope, team=team, year=year, data=data, expected_version=version
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kết quả năm %(year)s.") % {"year": year})
            return redirect("forces:team_detail", team.pk)
    return render(
        request,
        "forces/guard_rating_form.html",
        {"form": form, "team": team, "year": year, "current": current, "active_menu": MENU},
    )


# --- Rating rounds -------------------------------------------------------------------------------


@login_required
def round_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    can_open = scope.can_anywhere(Action.FORCE_RATE)
    year = timezone.localdate().year
    form = RoundOpenForm(communes=rating_communes(scope), initial={"year": year}) if can_open else None
    return render(
        request,
        "forces/round_list.html",
        {
            "rounds": selectors.round_list(scope=scope, within=current_node(request)),
            "open_form": form,
            "active_menu": MENU,
        },
    )


@login_required
def round_open(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.FORCE_RATE):
        raise PermissionDenied
    form = RoundOpenForm(
        request.POST or None, communes=rating_communes(scope), initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_open(
                by=request.user,
                scope=scope,
                commune=form.cleaned_data["commune"],
                year=form.cleaned_data["year"],
                evaluated_on=form.cleaned_data["evaluated_on"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lập đợt xếp loại năm %(year)s.") % {"year": rnd.year})
            return redirect("forces:round_detail", rnd.pk)
    return render(request, "forces/round_open.html", {"form": form, "active_menu": MENU})


def _posted_rows(request: AuthedHttpRequest, prefix: str, keys: list[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for key in keys:
        name = f"{prefix}-{key}-"
        if f"{name}level" not in request.POST:
            continue
        out[key] = {
            "level": request.POST.get(f"{name}level", ""),
            "not_rated_reason": request.POST.get(f"{name}reason", ""),
            "note": request.POST.get(f"{name}note", ""),
        }
    return out


def _round_page(
    request: AuthedHttpRequest,
    rnd: RatingRound,
    *,
    typed: dict[str, dict[int, dict[str, str]]] | None = None,
    errors: list[str] | None = None,
    typed_date: str = "",
    status: int = 200,
) -> HttpResponse:
    scope = scope_of(request)
    r = rules()
    teams, members = services.round_rows(rnd)
    typed = typed or {}
    # What the user typed stays on the page after a refusal (stale version, bad value).
    for rows, prefix in ((teams, "team"), (members, "member")):
        for row in rows:
            values = typed.get(prefix, {}).get(row.pk)
            if values:
                row.level, row.not_rated_reason, row.note = (
                    values["level"],
                    values["not_rated_reason"],
                    values["note"],
                )
    problems, counts = services.round_check(rnd, teams, members)
    by_row: dict[tuple[str, int], list[str]] = {}
    general = []
    for p in problems:
        if p.scope == "round":
            general.append(p.message)
        else:
            by_row.setdefault((p.scope, p.key), []).append(p.message)
    members_of: dict[int, list[Any]] = {}
    for m in members:
        members_of.setdefault(m.member.team_id, []).append((m, by_row.get(("member", m.pk), [])))
    period = r.evaluation_period(rnd.year)
    context = {
        "round": rnd,
        "rows": [(t, by_row.get(("team", t.pk), []), members_of.get(t.team_id, [])) for t in teams],
        "general": general,
        "errors": errors or [],
        "counts": counts,
        "levels": r.level_choices(),
        "reasons": NotRatedReason.choices,
        "quota_share": f"{float(r.quota_share * 100):g}",
        "quota_level": r.quota_level,
        "quota_of_level": r.quota_of_level,
        "min_months": r.min_months_active,
        "period": period,
        "evaluated_on": typed_date or rnd.evaluated_on.isoformat(),
        "can_edit": rnd.is_editable and scope.allows(Action.FORCE_RATE, rnd.commune),
        "can_decide": rnd.status == RoundStatus.SUBMITTED
        and scope.allows(Action.DECISION_ISSUE, rnd.commune),
        # The one who submitted may return the round but never approve it.
        "submitted_by_me": services.submitted_by_self(rnd, request.user),
        "return_form": ReasonForm(),
        "leader_positions": sorted(r.leader_positions & set(POSITIONS_OF_KIND[TeamKind.GRASSROOTS_TEAM])),
        "source": r.source,
        "active_menu": MENU,
    }
    return render(request, "forces/round_detail.html", context, status=status)


@login_required
def round_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    rnd = round_for(scope, pk)
    if request.method != "POST":
        return _round_page(request, rnd)
    rnd = round_for(scope, pk, Action.FORCE_RATE)
    teams, members = services.round_rows(rnd)
    typed = {
        "team": _posted_rows(request, "team", [t.pk for t in teams]),
        "member": _posted_rows(request, "member", [m.pk for m in members]),
    }
    raw_date = request.POST.get("evaluated_on", "")
    evaluated_on: dt.date | None = None
    if raw_date:
        try:
            evaluated_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            return _round_page(
                request,
                rnd,
                typed=typed,
                typed_date=raw_date,
                errors=[_("Ngày đánh giá không hợp lệ.")],
                status=400,
            )
    try:
        services.round_save(
            by=request.user,
            scope=scope,
            round=rnd,
            teams=typed["team"],
            members=typed["member"],
            evaluated_on=evaluated_on,
            expected_version=int_or_none(request.POST.get("version")),
        )
    except (DomainError, ValidationError) as exc:
        status = 409 if isinstance(exc, ConcurrentEditError) else 400
        return _round_page(
            request, rnd, typed=typed, typed_date=raw_date, errors=[_error_text(exc)], status=status
        )
    messages.success(request, _("Đã lưu bản xếp loại."))
    return redirect("forces:round_detail", rnd.pk)


def _transition(request: AuthedHttpRequest, pk: int, action: str, verb: str) -> HttpResponse:
    scope = scope_of(request)
    rnd = round_for(scope, pk, action)
    version = int_or_none(request.POST.get("version"))
    try:
        if verb == "submit":
            services.round_submit(by=request.user, scope=scope, round=rnd, expected_version=version)
            messages.success(request, _("Đã trình Chủ tịch UBND xã phê duyệt."))
        elif verb == "approve":
            services.round_approve(by=request.user, scope=scope, round=rnd, expected_version=version)
            messages.success(request, _("Đã phê duyệt kết quả xếp loại."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Vui lòng nêu lý do trả lại."))
                return redirect("forces:round_detail", rnd.pk)
            services.round_return(
                by=request.user,
                scope=scope,
                round=rnd,
                reason=form.cleaned_data["reason"],
                expected_version=version,
            )
            messages.success(request, _("Đã trả lại cho Công an xã."))
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, ValidationError) and verb == "submit":
            # The broken rules are listed on the round page itself (by row, and the quota in the
            # yellow box): say only that the submission was refused, not each rule a second time.
            messages.error(
                request,
                _("Chưa trình được: bản xếp loại còn %(n)s lỗi, xem chi tiết bên dưới.")
                % {"n": len(exc.messages)},
            )
        elif isinstance(exc, ValidationError):
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.error(request, str(exc))
    return redirect("forces:round_detail", rnd.pk)


@login_required
@require_POST
def round_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, Action.FORCE_RATE, "submit")


@login_required
@require_POST
def round_approve(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, Action.DECISION_ISSUE, "approve")


@login_required
@require_POST
def round_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, Action.DECISION_ISSUE, "return")
