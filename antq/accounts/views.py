from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts import services
from antq.accounts.access import managed_users, membership_for, memberships_in, user_for
from antq.accounts.forms import MembershipForm, SetPasswordForm, UserCreateForm
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import DomainError
from antq.core.forms import ReasonForm, add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.org.access import visible_nodes


def _require_manager(scope: Scope) -> None:
    if not scope.can_anywhere(Action.MEMBERSHIP_MANAGE):
        raise PermissionDenied


def _grant_nodes(scope: Scope):  # type: ignore[no-untyped-def]
    return visible_nodes(scope, Action.MEMBERSHIP_MANAGE).current()


@login_required
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    _require_manager(scope)
    # Only memberships the manager can see are shown: roles elsewhere in the country are not theirs.
    visible = memberships_in(scope).filter(is_active=True).select_related("node").order_by("node__path")
    users = (
        managed_users(scope).order_by("username").prefetch_related(Prefetch("memberships", queryset=visible))
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "active_menu": "users"})


@login_required
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    _require_manager(scope)
    form = UserCreateForm(
        request.POST or None,
        scope=scope,
        nodes=_grant_nodes(scope),
        initial={"node": request.GET.get("node", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                by=request.user,
                scope=scope,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                node=data["node"],
                role=data["role"],
                include_descendants=data["include_descendants"],
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user.username})
            return redirect("accounts:user_detail", user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "active_menu": "users"})


@login_required
def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    user = user_for(scope, pk)
    form = MembershipForm(request.POST or None, scope=scope, nodes=_grant_nodes(scope))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(
                by=request.user,
                scope=scope,
                user=user,
                node=form.cleaned_data["node"],
                role=form.cleaned_data["role"],
                include_descendants=form.cleaned_data["include_descendants"],
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã cấp quyền."))
            return redirect("accounts:user_detail", user.pk)
    memberships = (
        memberships_in(scope).filter(user=user).select_related("node").order_by("-is_active", "node__path")
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "memberships": memberships,
            "form": form,
            "password_form": SetPasswordForm(),
            "reason_form": ReasonForm(),
            "active_menu": "users",
        },
    )


@login_required
@require_POST
def membership_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    membership = membership_for(scope, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do thu hồi quyền."))
    else:
        try:
            services.membership_revoke(
                by=request.user, scope=scope, membership=membership, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã thu hồi quyền."))
    return redirect("accounts:user_detail", membership.user_id)


@login_required
@require_POST
def user_set_password(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    user = user_for(scope, pk)
    form = SetPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                by=request.user, scope=scope, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã đặt mật khẩu mới."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("accounts:user_detail", user.pk)
