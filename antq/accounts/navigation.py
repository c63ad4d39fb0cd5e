"""The user's current node (shown in the breadcrumb and used as the default filter) and menu."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from antq.accounts.roles import Action, Role
from antq.accounts.scope import Scope, scope_of
from antq.org.models import OrgNode

SESSION_KEY = "antq_current_node"


def current_node(request: HttpRequest) -> OrgNode | None:
    """The node the user is working on: chosen in the breadcrumb, else their highest membership."""
    scope = scope_of(request)
    if not scope.grants:
        return None
    cached: OrgNode | None = getattr(request, "_antq_current_node", None)
    if cached is not None:
        return cached
    visible = OrgNode.objects.filter(scope.q(Action.VIEW)).select_related("parent")
    node = None
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        node = visible.filter(pk=chosen).first()
    if node is None:
        node = visible.filter(pk__in=scope.root_nodes()).order_by("depth", "path").first()
    request._antq_current_node = node  # type: ignore[attr-defined]
    return node


def set_current_node(request: HttpRequest, node: OrgNode) -> None:
    request.session[SESSION_KEY] = node.pk


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    key: str


def menu(scope: Scope) -> list[MenuItem]:
    """Menu entries the user's roles allow, in a fixed order."""
    items = [MenuItem(str(_("Trang chủ")), reverse("home"), "home")]
    if scope.can_anywhere(Action.VIEW):
        # Units follow their own year from their home page; the dashboard is for the levels above.
        if scope.roles() - {Role.UNIT_OFFICER}:
            items.append(MenuItem(str(_("Bảng điều hành")), reverse("dashboards:home"), "dashboards"))
        items.append(MenuItem(str(_("Danh bạ đơn vị")), reverse("units:list"), "units"))
        # A unit officer's scope is one unit: a tree of one leaf is no help to them.
        if scope.roles() - {Role.UNIT_OFFICER}:
            items.append(MenuItem(str(_("Cây hành chính")), reverse("org:browse"), "org"))
        items.append(MenuItem(str(_("Kỳ đánh giá")), reverse("cycles:list"), "cycles"))
        if scope.can_anywhere(Action.REGISTRATION_REVIEW) or scope.can_anywhere(Action.ASSESSMENT_REVIEW):
            items.append(MenuItem(str(_("Chờ xử lý")), reverse("cycles:review"), "review"))
        items.append(MenuItem(str(_("Minh chứng")), reverse("evidence:index"), "evidence"))
        items.append(MenuItem(str(_("Vụ việc")), reverse("incidents:list"), "incidents"))
        items.append(MenuItem(str(_("Phong trào")), reverse("movement"), "movement"))
        items.append(MenuItem(str(_("Báo cáo định kỳ")), reverse("reports:list"), "reports"))
        # Decisions are seen through their issuer (commune or province); a unit officer follows
        # the unit's own result from its year page instead.
        if scope.roles() - {Role.UNIT_OFFICER}:
            items.append(MenuItem(str(_("Quyết định")), reverse("decisions:list"), "decisions"))
        # National versions are visible to every role.
        items.append(MenuItem(str(_("Bộ tiêu chí")), reverse("criteria:list"), "criteria"))
    if scope.can_anywhere(Action.UNIT_IMPORT):
        items.append(MenuItem(str(_("Nhập từ tệp")), reverse("units:import"), "import"))
    if scope.can_anywhere(Action.MEMBERSHIP_MANAGE):
        items.append(MenuItem(str(_("Người dùng")), reverse("accounts:user_list"), "users"))
    if scope.can_anywhere(Action.TEMPLATE_MANAGE):
        items.append(MenuItem(str(_("Mẫu văn bản")), reverse("doctemplates:list"), "templates"))
    if scope.can_anywhere(Action.EXPORT):
        items.append(MenuItem(str(_("Tệp đã xuất")), reverse("exports:list"), "exports"))
    if scope.can_anywhere(Action.AUDIT_VIEW):
        items.append(MenuItem(str(_("Nhật ký")), reverse("audit:list"), "audit"))
    return items
