"""The home page (what the user's role works on, at their current node) and the movement hub."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from antq.accounts.navigation import current_node
from antq.accounts.roles import Action, Role
from antq.accounts.scope import scope_of
from antq.audit.selectors import audit_list
from antq.core.http import AuthedHttpRequest
from antq.org.selectors import unit_counts_by_kind


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the load test's ceiling: the process answers, without touching the
    database (a database outage shows on real pages, and must not take every server out of rotation)."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    node = current_node(request)
    if node is None:
        return render(request, "org/no_scope.html")
    context = {
        "node": node,
        "roles": [Role(r).label for r in sorted(scope.roles())],
        "by_kind": {} if node.is_unit else unit_counts_by_kind(root=node, scope=scope),
        "can": {action.value: scope.can_anywhere(action) for action in Action},
        "recent": audit_list(scope=scope)[:8] if scope.can_anywhere(Action.AUDIT_VIEW) else [],
        "active_menu": "home",
    }
    return render(request, "core/home.html", context)


# The movement's areas (issue 5), each an app of its own; the hub lists those the user can open,
# with what each feeds (the hub only names URLs: core imports none of those apps).
MOVEMENT_AREAS = (
    (
        "initiatives:list",
        _("Mô hình tự phòng, tự quản, tự bảo vệ, tự hòa giải"),
        _("Đăng ký, nhật ký hoạt động, đánh giá hằng năm, nhân rộng — mục 7 QĐ 510."),
    ),
    (
        "forces:list",
        _("Tổ bảo vệ ANTT, lực lượng bảo vệ"),
        _("Thành viên, đợt xếp loại của xã (tối đa 20% xuất sắc, đủ 9 tháng) — mục 6 QĐ 510."),
    ),
    (
        "outreach:list",
        _("Tuyên truyền, tập huấn"),
        _("Buổi tuyên truyền, danh sách dự nhập từ Excel, tỷ lệ người được tuyên truyền — mục 2."),
    ),
    (
        "outreach:festival_list",
        _("Ngày hội toàn dân bảo vệ ANTQ (19/8)"),
        _("Kế hoạch, kết quả tổ chức, ảnh và số người tham dự — mục 3."),
    ),
    (
        "coordination:list",
        _("Phối hợp với Công an"),
        _("Quy chế, kế hoạch phối hợp, thực hiện, sơ kết, tham gia phong trào địa phương — mục 4."),
    ),
    (
        "inspections:list",
        _("Kiểm tra phong trào"),
        _("Đoàn kiểm tra, bảng kiểm theo tiêu chí, kiến nghị theo dõi đến khi khắc phục."),
    ),
    (
        "plans:list",
        _("Kế hoạch"),
        _("Kế hoạch các cấp, chỉ tiêu và nhiệm vụ kế thừa từ cấp trên, tiến độ, in DOCX."),
    ),
)


@login_required
def movement(request: AuthedHttpRequest) -> HttpResponse:
    # Every area is readable by whoever sees a node; each app's own pages decide what is shown.
    if not scope_of(request).can_anywhere(Action.VIEW):
        return render(request, "org/no_scope.html")
    areas = [(reverse(name), title, text) for name, title, text in MOVEMENT_AREAS]
    return render(request, "core/movement.html", {"areas": areas, "active_menu": "movement"})
