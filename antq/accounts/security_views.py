"""Sign-in security screens: two-factor code and enrolment, the account page with its login
record, password change and reset (docs/security.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts import services, twofactor
from antq.accounts.access import user_for
from antq.accounts.forms import CodeForm
from antq.accounts.login_records import login_events
from antq.accounts.scope import scope_of
from antq.core.errors import DomainError
from antq.core.http import AuthedHttpRequest


def _next(request: HttpRequest) -> str:
    """The page asked for before the code, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse(name)
    if target:
        url += "?" + urlencode({"next": target})
    return url


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # Straight to the code page when the session needs one (the gate would send it there anyway).
        if self.request.session.get(twofactor.SESSION_REQUIRED):
            url = reverse("accounts:otp_verify")
            return url + "?" + urlencode({"next": super().get_success_url()})
        return super().get_success_url()


def _locked(request: HttpRequest, username: str) -> bool:
    return bool(
        getattr(request, "axes_locked_out", False)
        or AxesProxyHandler.is_locked(request, credentials={"username": username})
    )


def _locked_response(request: HttpRequest) -> HttpResponse:
    # A locked account leaves the half-open session: the next try starts from the password again.
    logout(request)
    return render(request, "accounts/locked_out.html", status=429)


@login_required
def otp_verify(request: AuthedHttpRequest) -> HttpResponse:
    """The code page after the password, for a session that needs one."""
    user = request.user
    if twofactor.session_is_verified(request):
        return redirect(_next(request))
    device = twofactor.confirmed_device(user)
    if device is None:
        if twofactor.must_enrol(user):
            return redirect(_with_next("accounts:otp_setup", request))
        return redirect("accounts:account")
    if _locked(request, user.get_username()):
        return _locked_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, user, device, form.cleaned_data["code"]):
            return redirect(_next(request))
        if _locked(request, user.get_username()):
            return _locked_response(request)
        form.add_error(
            "code",
            _("Mã xác thực không đúng hoặc đã được dùng. Vui lòng nhập mã mới trên ứng dụng xác thực."),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def otp_setup(request: AuthedHttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), then confirm with a first code."""
    user = request.user
    if twofactor.confirmed_device(user) is not None and not twofactor.session_is_verified(request):
        # Replacing an authenticator needs the current one: a password alone must not do it.
        return redirect(_with_next("accounts:otp_verify", request))
    if _locked(request, user.get_username()):
        return _locked_response(request)
    device = twofactor.enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(request, user, device, form.cleaned_data["code"]):
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect(_next(request) if request.GET.get("next") else reverse("accounts:account"))
        if _locked(request, user.get_username()):
            return _locked_response(request)
        form.add_error("code", _("Mã xác thực không đúng. Vui lòng kiểm tra giờ trên điện thoại và thử lại."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(device),
            "secret": twofactor.base32_secret(device),
            "required": twofactor.must_enrol(user),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_POST
def otp_disable(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if twofactor.must_enrol(user):
        messages.error(request, _("Vai trò của bạn bắt buộc xác thực hai lớp, không thể tắt."))
    elif twofactor.confirmed_device(user) is not None and not twofactor.session_is_verified(request):
        return redirect("accounts:otp_verify")
    else:
        twofactor.disable(user)
        messages.success(request, _("Đã tắt xác thực hai lớp."))
    return redirect("accounts:account")


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    """The user's own account: two-factor status, password, and their login record."""
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_device": twofactor.confirmed_device(user) is not None,
            "required": twofactor.must_enrol(user),
            "events": login_events(user.get_username(), limit=30),
        },
    )


@login_required
def user_login_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A managed user's login record, for the managers who could have granted their roles."""
    user = user_for(scope_of(request), pk)
    return render(
        request,
        "accounts/user_login_history.html",
        {"subject": user, "events": login_events(user.get_username(), limit=100), "active_menu": "users"},
    )


@login_required
@require_POST
def user_reset_2fa(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    user = user_for(scope, pk)
    try:
        services.user_reset_2fa(by=request.user, scope=scope, user=user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Đã đặt lại xác thực hai lớp: người dùng sẽ đăng ký lại ở lần đăng nhập sau.")
        )
    return redirect("accounts:user_detail", user.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to an account (no enumeration)."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
