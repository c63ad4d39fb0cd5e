"""API v1 endpoints: the same scope, the same services and the same audit trail as the screens.

Every read goes through `Scope` (directly or via `antq.org.access` / `antq.accounts.access`), so
an object outside the caller's scope answers 404 and an action the role lacks answers 403.
Every write calls a service, which validates, saves and audits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import user_logged_in
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from antq.accounts import services as account_services
from antq.accounts import twofactor
from antq.accounts.access import can_manage_user, managed_users, membership_for
from antq.accounts.models import Membership
from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.api import serializers as s
from antq.api.pagination import MembershipPagination
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.text import search_tokens
from antq.org import services as org_services
from antq.org.access import node_for, unit_for, visible_nodes
from antq.org.models import OrgNode, OrgNodeQuerySet
from antq.org.selectors import UnitFilters, unit_list

# --- Errors ----------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Refused(exceptions.APIException):
    """A domain rule refused the operation: 400 with {"detail": message}."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


def _as_api_error(exc: Exception) -> Exception:
    """Domain and model errors as DRF errors; Vietnamese texts where DRF's catalogue has none."""
    if isinstance(exc, ConcurrentEditError):
        return Conflict(str(exc))
    if isinstance(exc, DomainError):
        return Refused(str(exc))
    if isinstance(exc, DjangoValidationError):
        detail = serializers.as_serializer_error(exc)
        if "__all__" in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
        return exceptions.ValidationError(detail)
    if isinstance(exc, exceptions.NotAuthenticated):
        return exceptions.NotAuthenticated(_("Bạn chưa đăng nhập: gửi kèm Authorization: Token <token>."))
    if isinstance(exc, exceptions.AuthenticationFailed):
        return exceptions.AuthenticationFailed(
            _("Mã xác thực (token) không hợp lệ hoặc tài khoản đã bị khóa.")
        )
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    return exc


class ApiErrorsMixin:
    """Turn DomainError into 400, ConcurrentEditError into 409, model ValidationError into 400."""

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(_as_api_error(exc))  # type: ignore[misc]


def _error(description: str | Promise) -> OpenApiResponse:
    return OpenApiResponse(s.ErrorSerializer, description=description)  # type: ignore[arg-type]


ERRORS = {
    400: _error(gettext_lazy("Dữ liệu không hợp lệ (lỗi theo trường) hoặc bị quy tắc nghiệp vụ từ chối.")),
    403: _error(gettext_lazy("Vai trò của bạn không được làm thao tác này ở đây.")),
    404: _error(gettext_lazy("Không tồn tại, hoặc nằm ngoài phạm vi của bạn.")),
}
CONFLICT = {
    409: _error(gettext_lazy("Người khác vừa sửa bản ghi sau phiên bản bạn đã đọc; tải lại rồi sửa lại.")),
}


def _actor(request: Request) -> User:
    """The authenticated user (every endpoint but the token one requires authentication)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    """Validated query-string filters (400 with field errors on bad values)."""
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


# --- Token -----------------------------------------------------------------------------------


class TokenView(ApiErrorsMixin, ObtainAuthToken):
    """Exchange username and password (and the 6-digit code for accounts with two-factor) for an API
    token; failures count towards the axes lockout."""

    serializer_class = s.TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        summary=gettext_lazy("Lấy mã xác thực (token) bằng tên đăng nhập và mật khẩu"),
        request=s.TokenRequestSerializer,
        responses={
            200: s.TokenSerializer,
            400: _error(gettext_lazy("Sai tên đăng nhập hoặc mật khẩu.")),
            429: _error(gettext_lazy("Tài khoản tạm khóa do đăng nhập sai nhiều lần.")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # The axes backend saw the DRF request (AuthTokenSerializer passes it to authenticate)
            # and flagged it; the axes middleware only looks at the Django request, so answer here,
            # in JSON rather than the HTML lockout page.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(
                    _(
                        "Đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau 15 phút "
                        "hoặc liên hệ quản trị viên."
                    )
                )
            errors = serializer.errors
            if set(errors) == {api_settings.NON_FIELD_ERRORS_KEY}:
                # "Wrong username or password" is a refusal, not a field error.
                raise Refused(errors[api_settings.NON_FIELD_ERRORS_KEY][0])
            raise exceptions.ValidationError(errors)
        user = serializer.validated_data["user"]
        self._check_second_factor(request, user, serializer.validated_data.get("otp", ""))
        # A token login is a login: axes resets the failure count (AXES_RESET_ON_SUCCESS) and
        # Django stamps last_login, exactly as after the login form.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @staticmethod
    def _check_second_factor(request: Request, user: User, code: str) -> None:
        """A token is a login: an account whose web sign-in needs a code needs one here too."""
        if not twofactor.needs_verification(user):
            return
        device = twofactor.confirmed_device(user)
        if device is None:
            raise Refused(
                _(
                    "Tài khoản này phải dùng xác thực hai lớp: hãy đăng nhập trên trang web để cài đặt "
                    "ứng dụng xác thực trước khi lấy token."
                )
            )
        code = code.strip().replace(" ", "")
        if not (code.isdigit() and device.verify_token(code)):
            twofactor.record_failure(request._request, user)
            raise Refused(_("Thiếu hoặc sai mã xác thực 6 số (trường otp)."))


# --- Nodes -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các nút của cây (tỉnh, xã, đơn vị) trong phạm vi của bạn"),
        parameters=[s.NodeFilterSerializer],
        responses={200: s.NodeSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một nút của cây"), responses={200: s.NodeSerializer, 404: ERRORS[404]}
    ),
)
class NodeViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The administrative tree and its units, as far as the caller may see."""

    serializer_class = s.NodeSerializer
    queryset = OrgNode.objects.none()  # the schema reads the model from here; data comes from Scope

    def get_queryset(self) -> OrgNodeQuerySet:
        return visible_nodes(scope_of(self.request)).select_related("parent")

    def list(self, request: Request) -> Response:
        filters = _query(s.NodeFilterSerializer, request)
        qs = self.get_queryset()
        if filters.get("parent"):
            qs = qs.filter(parent_id=filters["parent"])
        if filters.get("kind"):
            qs = qs.filter(kind=filters["kind"])
        if filters.get("q"):
            qs = qs.search(search_tokens(filters["q"]))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(node_for(scope_of(request), pk)).data)


# --- Units -----------------------------------------------------------------------------------


def _parent_for(scope: Scope, attrs: dict[str, Any]) -> OrgNode | None:
    """The parent named by `parent` (id) or `parent_code`, if any; 400 if the caller cannot see it."""
    if "parent" in attrs:
        lookup, field = {"pk": attrs["parent"]}, "parent"
    elif "parent_code" in attrs:
        lookup, field = {"code": attrs["parent_code"]}, "parent_code"
    else:
        return None
    # A body field that names something unseen is a field error, with one message whether the
    # node does not exist or is out of scope (its existence is not revealed).
    node = visible_nodes(scope).filter(**lookup).first()
    if node is None:
        raise exceptions.ValidationError(
            {field: [_("Không tìm thấy đơn vị cấp trên trong phạm vi của bạn.")]}
        )
    return node


def _unit_data(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k not in {"parent", "parent_code", "version"}}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Danh bạ đơn vị trong phạm vi của bạn"),
        parameters=[s.UnitFilterSerializer],
        responses={200: s.UnitSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một đơn vị"), responses={200: s.UnitSerializer, 404: ERRORS[404]}
    ),
    create=extend_schema(
        summary=gettext_lazy("Thêm đơn vị (cần quyền thêm đơn vị tại đơn vị cấp trên)"),
        request=s.UnitCreateSerializer,
        responses={201: s.UnitSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Sửa đơn vị (bắt buộc gửi version)"),
        request=s.UnitUpdateSerializer,
        responses={200: s.UnitSerializer, **ERRORS, **CONFLICT},
    ),
    deactivate=extend_schema(
        summary=gettext_lazy("Ngừng hoạt động đơn vị"),
        request=s.UnitStatusSerializer,
        responses={200: s.UnitSerializer, **ERRORS, **CONFLICT},
    ),
    reactivate=extend_schema(
        summary=gettext_lazy("Cho đơn vị hoạt động lại"),
        request=s.UnitStatusSerializer,
        responses={200: s.UnitSerializer, **ERRORS, **CONFLICT},
    ),
)
class UnitViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The unit registry: list, read, register, edit, deactivate and reactivate."""

    serializer_class = s.UnitSerializer
    queryset = OrgNode.objects.none()

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        data = _query(s.UnitFilterSerializer, request)
        filters = UnitFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            commune=data.get("commune"),
            eligibility=data.get("eligibility") or "",
            status=data.get("status") or "",
            # Unlike the screens there is no "current node" in a session: no `within` means the
            # whole scope.
            within=node_for(scope, data["within"]) if data.get("within") else None,
        )
        page = self.paginate_queryset(unit_list(scope=scope, filters=filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(unit_for(scope_of(request), pk)).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.UNIT_CREATE):
            raise PermissionDenied
        payload = s.UnitCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attrs = dict(payload.validated_data)
        parent = _parent_for(scope, attrs)
        assert parent is not None  # noqa: S101 - UnitCreateSerializer requires one of the two fields
        if not scope.allows(Action.UNIT_CREATE, parent):
            raise PermissionDenied
        unit = org_services.unit_create(by=_actor(request), parent=parent, data=_unit_data(attrs))
        return Response(self.get_serializer(unit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        unit = unit_for(scope, pk, Action.UNIT_EDIT)
        payload = s.UnitUpdateSerializer(instance=unit, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        attrs = dict(payload.validated_data)
        # Moving a unit needs the right to create units under the new parent (as on the screen).
        # Naming the current parent again is not a move, even for a unit officer who cannot see it.
        parent = None
        assert unit.parent is not None  # noqa: S101 - units always hang under a commune or province
        if attrs.get("parent", unit.parent_id) != unit.parent_id or (
            attrs.get("parent_code", unit.parent.code) != unit.parent.code
        ):
            parent = _parent_for(scope, attrs)
            if parent is not None and parent.pk == unit.parent_id:
                parent = None
            if parent is not None and not scope.allows(Action.UNIT_CREATE, parent):
                raise PermissionDenied
        unit = org_services.unit_update(
            by=_actor(request),
            unit=unit,
            data=_unit_data(attrs),
            parent=parent,
            expected_version=attrs["version"],
            allow_code_change=scope.allows(Action.NODE_EDIT, unit),
        )
        return Response(self.get_serializer(unit).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        """Stop a unit (it stays in the registry and its history); needs a reason."""
        return self._set_active(request, pk, active=False)

    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str) -> Response:
        """Bring a stopped unit back; needs a reason."""
        return self._set_active(request, pk, active=True)

    def _set_active(self, request: Request, pk: str, *, active: bool) -> Response:
        unit = unit_for(scope_of(request), pk, Action.UNIT_DEACTIVATE)
        payload = s.UnitStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        unit = org_services.unit_set_active(
            by=_actor(request),
            unit=unit,
            active=active,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(self.get_serializer(unit).data)


# --- Memberships -----------------------------------------------------------------------------


def _require_manager(scope: Scope) -> None:
    """As on the user screens: lists and grants need the right somewhere. A single membership
    answers 404 outside the scope before 403 without the right (`membership_for`)."""
    if not scope.can_anywhere(Action.MEMBERSHIP_MANAGE):
        raise PermissionDenied


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Phân quyền bạn được quản lý"),
        parameters=[s.MembershipFilterSerializer],
        responses={200: s.MembershipSerializer(many=True), 403: ERRORS[403]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một phân quyền"),
        responses={200: s.MembershipSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Cấp quyền cho người dùng tại một nút"),
        request=s.MembershipCreateSerializer,
        responses={201: s.MembershipSerializer, **ERRORS},
    ),
    revoke=extend_schema(
        summary=gettext_lazy("Thu hồi quyền"),
        request=s.ReasonSerializer,
        responses={200: s.MembershipSerializer, **ERRORS},
    ),
)
class MembershipViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Roles granted on nodes, for users who manage memberships (province officers, administrators)."""

    serializer_class = s.MembershipSerializer
    queryset = Membership.objects.none()
    pagination_class = MembershipPagination

    def list(self, request: Request) -> Response:
        _require_manager(scope_of(request))
        filters = _query(s.MembershipFilterSerializer, request)
        qs = Membership.objects.filter(
            scope_of(request).q(Action.MEMBERSHIP_MANAGE, field="node__path")
        ).select_related("user", "node")
        if filters.get("user"):
            qs = qs.filter(user_id=filters["user"])
        if filters.get("node"):
            qs = qs.filter(node_id=filters["node"])
        if filters.get("role"):
            qs = qs.filter(role=filters["role"])
        if filters.get("is_active") is not None:
            qs = qs.filter(is_active=filters["is_active"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(membership_for(scope_of(request), pk)).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        _require_manager(scope)
        payload = s.MembershipCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = managed_users(scope).filter(pk=data["user"]).first()
        if user is not None and not can_manage_user(scope, user):
            user = None  # same answer as "not found": a more senior account is not the caller's
        node = visible_nodes(scope, Action.MEMBERSHIP_MANAGE).current().filter(pk=data["node"]).first()
        errors: dict[str, list[str]] = {}
        if user is None:
            errors["user"] = [_("Không tìm thấy người dùng trong phạm vi bạn quản lý.")]
        if node is None:
            errors["node"] = [_("Không tìm thấy đơn vị trong phạm vi bạn được phân quyền.")]
        if user is None or node is None:
            raise exceptions.ValidationError(errors)
        membership = account_services.membership_grant(
            by=_actor(request),
            scope=scope,
            user=user,
            node=node,
            role=data["role"],
            include_descendants=data["include_descendants"],
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """End a membership (the row stays for the record); needs a reason."""
        scope = scope_of(request)
        membership = membership_for(scope, pk)
        payload = s.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = account_services.membership_revoke(
            by=_actor(request), scope=scope, membership=membership, reason=payload.validated_data["reason"]
        )
        return Response(self.get_serializer(membership).data)


# --- Me --------------------------------------------------------------------------------------


class MeView(ApiErrorsMixin, APIView):
    """The caller's account, active memberships and what they may do."""

    @extend_schema(
        summary=gettext_lazy("Tài khoản của bạn, vai trò và phân quyền"),
        responses={200: s.MeSerializer},
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        user = _actor(request)
        scope = scope_of(request)
        memberships = user.memberships.filter(is_active=True).select_related("node").order_by("node__path")  # type: ignore[attr-defined]
        data = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.get_full_name(),
            "email": user.email,
            "roles": s.RoleSerializer.items(scope.roles()),
            "grantable_roles": s.RoleSerializer.items(scope.grantable_roles()),
            "actions": sorted(a for a in Action if scope.can_anywhere(a)),
            "memberships": memberships,
        }
        return Response(s.MeSerializer(data).data)


# --- Anything else under /api/ ---------------------------------------------------------------


@csrf_exempt  # a token client's POST to a wrong path gets this 404, not the CSRF page
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A path under /api/ that names no endpoint (e.g. a malformed id, `/units/abc.1/`): the JSON
    404 every endpoint gives, never the site's HTML page."""
    return JsonResponse({"detail": _("Không tìm thấy địa chỉ này trong API.")}, status=404)
