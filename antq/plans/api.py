"""REST endpoints of the plans app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: a plan the caller does not read answers
404, an action the role lacks 403, a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.org.access import visible_nodes
from antq.org.models import OrgNode
from antq.plans import selectors, services
from antq.plans import serializers as s
from antq.plans.access import plan_for, task_for, visible_plans
from antq.plans.models import Plan, PlanTask


class PlanPagination(PageNumberPagination):
    page_size = 50


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _node(scope: Scope, pk: int) -> OrgNode:
    node = visible_nodes(scope).select_related("parent").filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


def _detail(plan: Plan) -> dict[str, Any]:
    targets = selectors.target_rows(plan)
    tasks = selectors.task_rows(plan)
    context = {"targets": targets, "tasks": tasks, "warnings": selectors.plan_warnings(targets, tasks)}
    return s.PlanDetailSerializer(plan, context=context).data  # type: ignore[return-value]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy(
            "Kế hoạch bạn được xem (của cấp mình, cấp dưới, và kế hoạch đã ban hành của cấp trên)"
        ),
        parameters=[s.PlanFilterSerializer],
        responses={200: s.PlanSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một kế hoạch với chỉ tiêu, nhiệm vụ, cảnh báo và tiến độ của cấp dưới"),
        responses={200: s.PlanDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Lập dự thảo kế hoạch của một cấp"),
        request=s.PlanCreateSerializer,
        responses={201: s.PlanDetailSerializer, **ERRORS},
    ),
    cascade=extend_schema(
        summary=gettext_lazy(
            "Lập kế hoạch thực hiện từ kế hoạch cấp trên (kế thừa chỉ tiêu, lùi hạn nhiệm vụ)"
        ),
        request=s.PlanCascadeSerializer,
        responses={201: s.PlanDetailSerializer, **ERRORS},
    ),
)
class PlanViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Plans: list, read, create a draft, cascade from a superior's plan."""

    serializer_class = s.PlanSerializer
    queryset = Plan.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = PlanPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.PlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.plan_list(
            scope=scope,
            filters=selectors.PlanFilters(
                year=data.get("year"), level=data.get("level") or "", status=data.get("status") or ""
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(plan_for(scope_of(request), pk)))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.PLAN_MANAGE):
            raise PermissionDenied
        payload = s.PlanCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        plan = services.plan_create(by=_actor(request), scope=scope, node=node, data=data)
        return Response(_detail(plan), status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def cascade(self, request: Request) -> Response:
        """Draft the plan of `node` implementing the issued plan `parent`."""
        scope = scope_of(request)
        if not scope.can_anywhere(Action.PLAN_MANAGE):
            raise PermissionDenied
        payload = s.PlanCascadeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        parent = visible_plans(scope).filter(pk=payload.validated_data["parent"]).first()
        if parent is None:
            raise exceptions.ValidationError(
                {"parent": [_("Không tìm thấy kế hoạch trong phạm vi của bạn.")]}
            )
        node = _node(scope, payload.validated_data["node"])
        plan = services.plan_cascade(by=_actor(request), scope=scope, parent=parent, node=node)
        return Response(_detail(plan), status=status.HTTP_201_CREATED)


@extend_schema_view(
    progress=extend_schema(
        summary=gettext_lazy("Cập nhật tiến độ, tình trạng một nhiệm vụ của kế hoạch đã ban hành"),
        request=s.ProgressSerializer,
        responses={200: s.TaskSerializer, **ERRORS, **CONFLICT},
    ),
)
class PlanTaskViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Tasks of plans: progress updates."""

    serializer_class = s.TaskSerializer
    queryset = PlanTask.objects.none()

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        """Record the progress (and status) of a task; needs the version last read."""
        scope = scope_of(request)
        task = task_for(scope, pk)
        payload = s.ProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = services.task_progress(
            by=_actor(request),
            scope=scope,
            task=task,
            status=data["status"],
            progress=data["progress"],
            reason=data.get("reason", ""),
            expected_version=data["expected_version"],
        )
        return Response(s.TaskSerializer(row).data)


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-tasks", PlanTaskViewSet, basename="plan-task")
urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
