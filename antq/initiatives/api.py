"""REST endpoints of the initiatives app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: an initiative outside the caller's scope
answers 404, an action the role lacks 403, a stale `expected_version` 409.
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
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.initiatives import selectors, services
from antq.initiatives import serializers as s
from antq.initiatives.access import initiative_for
from antq.initiatives.models import Initiative, InitiativeType
from antq.org.access import node_for, visible_nodes
from antq.org.models import OrgNode


class InitiativePagination(KeysetPagination):
    """Oldest record first; the primary key is unique and indexed."""

    ordering = "id"


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _node(scope: Scope, pk: int) -> OrgNode:
    node = visible_nodes(scope).filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Danh mục loại mô hình và chỉ số theo dõi của mỗi loại"),
        responses={200: s.InitiativeTypeSerializer(many=True)},
    ),
)
class InitiativeTypeViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The catalogue of initiative types (read only; administrators extend it on screen)."""

    serializer_class = s.InitiativeTypeSerializer
    queryset = InitiativeType.objects.none()
    pagination_class = None

    def list(self, request: Request) -> Response:
        return Response(self.get_serializer(selectors.type_list(), many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Mô hình trong phạm vi của bạn"),
        parameters=[s.InitiativeFilterSerializer],
        responses={200: s.InitiativeSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một mô hình, kèm thành viên, hoạt động, đánh giá và các bản nhân rộng"),
        responses={200: s.InitiativeDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ghi nhận mô hình của một đơn vị hoặc xã"),
        request=s.InitiativeCreateSerializer,
        responses={201: s.InitiativeSerializer, **ERRORS},
    ),
    activities=extend_schema(
        summary=gettext_lazy("Ghi nhận một hoạt động của mô hình"),
        request=s.ActivityCreateSerializer,
        responses={201: s.ActivitySerializer, **ERRORS},
    ),
    evaluate=extend_schema(
        summary=gettext_lazy("Cấp trên đánh giá mô hình theo năm (sửa đánh giá cần expected_version)"),
        request=s.EvaluationWriteSerializer,
        responses={200: s.EvaluationSerializer, **ERRORS, **CONFLICT},
    ),
)
class InitiativeViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The registry of initiatives: list, read, record; log activity; the superior's evaluation."""

    serializer_class = s.InitiativeSerializer
    queryset = Initiative.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = InitiativePagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.InitiativeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        kind = None
        if data.get("initiative_type"):
            kind = InitiativeType.objects.filter(code=data["initiative_type"]).first()
            if kind is None:
                raise exceptions.ValidationError({"initiative_type": [_("Không có loại mô hình này.")]})
        qs = selectors.initiative_list(
            scope=scope,
            filters=selectors.InitiativeFilters(
                node=node_for(scope, data["node"]) if data.get("node") else None,
                initiative_type=kind,
                status=data.get("status") or "",
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        initiative = initiative_for(scope, pk)
        body = s.InitiativeDetailSerializer(
            initiative,
            context={
                "activities": selectors.initiative_activities(initiative),
                "replicas": selectors.initiative_replicas(initiative, scope),
            },
        )
        return Response(body.data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.ACTIVITY_RECORD):
            raise PermissionDenied
        payload = s.InitiativeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        kind = InitiativeType.objects.filter(code=data["initiative_type"]).first()
        if kind is None:
            raise exceptions.ValidationError({"initiative_type": [_("Không có loại mô hình này.")]})
        data["initiative_type"] = kind
        initiative = services.initiative_create(by=_actor(request), scope=scope, node=node, data=data)
        return Response(self.get_serializer(initiative).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def activities(self, request: Request, pk: str) -> Response:
        """Log an activity (date, content, optional indicator values)."""
        scope = scope_of(request)
        initiative = initiative_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.ActivityCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.activity_add(
            by=_actor(request), scope=scope, initiative=initiative, data=dict(payload.validated_data)
        )
        return Response(s.ActivitySerializer(row).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        """The superior's rating for a year (commune police for units, province for communes)."""
        scope = scope_of(request)
        initiative = initiative_for(scope, pk, Action.ASSESSMENT_REVIEW)
        payload = s.EvaluationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = services.evaluation_save(
            by=_actor(request),
            scope=scope,
            initiative=initiative,
            year=data["year"],
            rating=data["rating"],
            indicator_values=data.get("indicator_values"),
            comment=data.get("comment") or "",
            expected_version=data.get("expected_version"),
        )
        return Response(s.EvaluationSerializer(row).data)


router = SimpleRouter()
router.register("initiative-types", InitiativeTypeViewSet, basename="initiative-type")
router.register("initiatives", InitiativeViewSet, basename="initiative")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
