"""The notification list and the bell's target: a user sees and changes only their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from antq.core.http import AuthedHttpRequest
from antq.notifications import services
from antq.notifications.access import notification_for
from antq.notifications.selectors import notification_list

PAGE_SIZE = 30


def _safe(request: AuthedHttpRequest, url: str) -> str | None:
    """`url` if it stays on this site (notification links and `next` are never followed off-site)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
@require_GET
def notification_list_view(request: AuthedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    # A plain paginator: one COUNT and one page, both on the user's index; people rarely page deep.
    page = Paginator(notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "here": request.get_full_path(),
            "active_menu": "notifications",
        },
    )


@login_required
@require_GET
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes to what it is about."""
    notification = notification_for(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(_safe(request, notification.url) or reverse("notifications:list"))


@login_required
@require_POST
def notification_mark_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    notification = notification_for(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(_safe(request, request.POST.get("next", "")) or reverse("notifications:list"))


@login_required
@require_POST
def notification_mark_all_read(request: AuthedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return redirect(_safe(request, request.POST.get("next", "")) or reverse("notifications:list"))
