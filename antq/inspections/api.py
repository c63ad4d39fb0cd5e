"""REST endpoints of the inspections app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, selectors and services as the screens: an inspection or finding outside the
caller's scope answers 404, an action the role lacks 403, a stale `version` 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.inspections import selectors, services
from antq.inspections import serializers as s
from antq.inspections.access import finding_for, inspection_for
from antq.inspections.models import Finding, FindingUpdate, Inspection
from antq.org.access import node_for


class InspectionPagination(KeysetPagination):
    """Newest first, like the list screen (the date index serves it)."""

    ordering = ("-inspected_on", "-id")  # type: ignore[assignment]


class FindingPagination(KeysetPagination):
    """Earliest due date first: what is late comes first."""

    ordering = ("due_on", "id")  # type: ignore[assignment]


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _context() -> dict[str, Any]:
    return {"today": timezone.localdate()}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các cuộc kiểm tra trong phạm vi của bạn (mới nhất trước)"),
        parameters=[s.InspectionFilterSerializer],
        responses={200: s.InspectionSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một cuộc kiểm tra: thành phần đoàn, kết quả theo tiêu chí, kiến nghị"),
        responses={200: s.InspectionDetailSerializer, 404: ERRORS[404]},
    ),
)
class InspectionViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Inspections: list and read."""

    serializer_class = s.InspectionSerializer
    queryset = Inspection.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = InspectionPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.InspectionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.inspection_list(
            scope=scope,
            filters=selectors.InspectionFilters(
                node=node_for(scope, data["node"]) if data.get("node") else None,
                year=data.get("year"),
                status=data.get("status") or "",
            ),
            today=timezone.localdate(),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        inspection = inspection_for(scope_of(request), pk)
        context = {**_context(), "findings": selectors.findings_of(inspection)}
        body = s.InspectionDetailSerializer(inspection, context=context)
        return Response(body.data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Kiến nghị khắc phục trong phạm vi của bạn (hạn sớm nhất trước)"),
        parameters=[s.FindingFilterSerializer],
        responses={200: s.FindingSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một kiến nghị và nhật ký theo dõi khắc phục"),
        responses={200: s.FindingDetailSerializer, 404: ERRORS[404]},
    ),
    follow_up=extend_schema(
        summary=gettext_lazy("Ghi theo dõi khắc phục cho kiến nghị chưa đóng"),
        request=s.FollowUpSerializer,
        responses={201: s.FindingUpdateSerializer, **ERRORS},
    ),
    close=extend_schema(
        summary=gettext_lazy("Đóng kiến nghị, kèm kết quả khắc phục"),
        request=s.FindingCloseSerializer,
        responses={200: s.FindingSerializer, **ERRORS, **CONFLICT},
    ),
)
class FindingViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Findings of inspections: list, read, follow up, close."""

    serializer_class = s.FindingSerializer
    queryset = Finding.objects.none()
    pagination_class = FindingPagination

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **_context()}

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.FindingFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.finding_list(
            scope=scope,
            filters=selectors.FindingFilters(
                within=node_for(scope, data["node"]) if data.get("node") else None,
                status=data.get("status") or "",
                overdue=bool(data.get("overdue")),
                year=data.get("year"),
            ),
            today=timezone.localdate(),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        finding = finding_for(scope_of(request), pk)
        updates = FindingUpdate.objects.filter(finding=finding).select_related("by").order_by("at", "id")
        finding = (
            Finding.objects.select_related("inspection__node")
            .prefetch_related(Prefetch("updates", queryset=updates))
            .get(pk=finding.pk)
        )
        return Response(s.FindingDetailSerializer(finding, context=_context()).data)

    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        """Add an entry to the finding's follow-up log."""
        scope = scope_of(request)
        finding = finding_for(scope, pk, Action.INSPECT)
        payload = s.FollowUpSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.finding_follow_up(
            by=_actor(request), scope=scope, finding=finding, note=payload.validated_data["note"]
        )
        return Response(s.FindingUpdateSerializer(entry).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close the finding; needs the note and the version last read."""
        scope = scope_of(request)
        finding = finding_for(scope, pk, Action.INSPECT)
        payload = s.FindingCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        closed = services.finding_close(
            by=_actor(request),
            scope=scope,
            finding=finding,
            note=payload.validated_data["note"],
            expected_version=payload.validated_data["version"],
        )
        closed = finding_for(scope, closed.pk)
        return Response(self.get_serializer(closed).data)


router = SimpleRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("inspection-findings", FindingViewSet, basename="inspection-finding")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
