"""Session limits and the two-factor gate, applied to every request of a signed-in browser.

API calls authenticated by token carry no session: DRF authenticates them in the view, after this
middleware, so neither limit applies to them (tokens are issued and revoked separately).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from antq.accounts import twofactor
from antq.accounts.session_limits import SESSION_LAST_SEEN, SESSION_SIGNED_IN

# The last-seen time is written at most once a minute: a session write on every request would be a
# database write per click.
_TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    """Sign out after ANTQ_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE after
    signing in whatever the activity (saving the session would otherwise push its expiry forever)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in = session.setdefault(SESSION_SIGNED_IN, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.ANTQ_IDLE_TIMEOUT
            if idle or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
                message = (
                    _("Phiên làm việc đã hết hạn vì quá lâu không thao tác. Vui lòng đăng nhập lại.")
                    if idle
                    else _("Phiên làm việc đã hết thời hạn. Vui lòng đăng nhập lại.")
                )
                return _to_login(request, message)
            if now - last_seen >= _TOUCH_EVERY or SESSION_LAST_SEEN not in session:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _to_login(request: HttpRequest, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message}, status=401)
    messages.warning(request, message)
    target = reverse(settings.LOGIN_URL)
    if request.method == "GET" and not _is_htmx(request):
        target += "?" + urlencode({"next": request.get_full_path()})
    response = redirect(target)
    if _is_htmx(request):
        # A fragment request must move the whole page to the login form, not swap it into a div.
        response["HX-Redirect"] = target
    return response


def _is_htmx(request: HttpRequest) -> bool:
    # django-htmx's middleware runs before this one (config/settings.py).
    return bool(getattr(request, "htmx", False))


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class TwoFactorMiddleware:
    """A session that must pass the code page (twofactor.SESSION_REQUIRED) reaches only the
    two-factor pages, sign-out and the language switch until it has."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated or twofactor.session_is_verified(request):
            return self.get_response(request)
        required = request.session.get(twofactor.SESSION_REQUIRED)
        if required is None:
            # A session opened before this gate existed: decide once, as at sign-in.
            required = twofactor.needs_verification(request.user)
            request.session[twofactor.SESSION_REQUIRED] = required
        if not required or request.path_info.startswith(_open_prefixes()):
            return self.get_response(request)
        if _is_api(request):
            if "HTTP_AUTHORIZATION" in request.META:
                # Token authentication: the session cookie plays no part in it.
                return self.get_response(request)
            return JsonResponse({"detail": _("Cần xác thực hai lớp trước khi dùng API.")}, status=403)
        target = reverse("accounts:otp_verify")
        if request.method == "GET" and not _is_htmx(request):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if _is_htmx(request):
            response["HX-Redirect"] = target
        return response


def _open_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:otp_verify"),
        reverse("accounts:otp_setup"),
        reverse("accounts:logout"),
        "/i18n/",
        "/healthz",
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
    )
