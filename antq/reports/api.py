"""REST endpoints of the reports app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: a report whose node the caller does not
see answers 404, an action the role lacks 403, a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
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
from antq.reports import selectors, services
from antq.reports import serializers as s
from antq.reports.access import report_for
from antq.reports.models import Report


class ReportPagination(PageNumberPagination):
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


def _detail(report: Report) -> dict[str, Any]:
    return s.ReportDetailSerializer(report).data  # type: ignore[return-value]


def _board(scope: Scope, data: dict[str, Any]) -> dict[str, Any]:
    definitions = selectors.visible_definitions(scope).filter(is_active=True).order_by("node__path", "code")
    definition = (
        definitions.filter(pk=data["definition"]).first() if data.get("definition") else definitions.first()
    )
    if definition is None:
        raise exceptions.ValidationError({"definition": [_("Không tìm thấy loại báo cáo.")]})
    node: OrgNode | None
    if data.get("node"):
        node = _node(scope, data["node"])
    else:
        node = visible_nodes(scope).filter(pk__in=scope.root_nodes()).order_by("depth", "path").first()
    if node is None:
        raise PermissionDenied
    year = data.get("year") or timezone.localdate().year
    found = selectors.board(definition, year, node)
    return {
        "definition": definition.pk,
        "year": year,
        "node": node,
        "levels": [
            {
                "level": lv.level,
                "deadline": lv.deadline,
                "expected": lv.expected,
                "on_time": lv.on_time,
                "late": lv.late,
                "returned": lv.returned,
                "missing": lv.missing,
                "rate": float(lv.rate) if lv.rate is not None else None,
                "on_time_rate": float(lv.on_time_rate) if lv.on_time_rate is not None else None,
            }
            for lv in found.levels
        ],
        "rows": [
            {
                "node": row.node,
                "state": row.state,
                "overdue": row.overdue,
                "report": row.report.pk if row.report else None,
                "submitted_at": row.report.submitted_at if row.report else None,
            }
            for row in found.rows
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Báo cáo định kỳ bạn được xem (của đơn vị mình, cấp dưới gửi)"),
        parameters=[s.ReportFilterSerializer],
        responses={200: s.ReportSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một báo cáo với số liệu và nội dung"),
        responses={200: s.ReportDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Lập báo cáo của một cấp (trả về báo cáo đã có nếu đã lập)"),
        request=s.ReportCreateSerializer,
        responses={201: s.ReportDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Viết nội dung báo cáo (số liệu được tính lại)"),
        request=s.ReportUpdateSerializer,
        responses={200: s.ReportDetailSerializer, **ERRORS, **CONFLICT},
    ),
    submit=extend_schema(
        summary=gettext_lazy("Gửi báo cáo lên cấp trên"),
        request=s.ReportVersionSerializer,
        responses={200: s.ReportDetailSerializer, **ERRORS, **CONFLICT},
    ),
    accept=extend_schema(
        summary=gettext_lazy("Cấp trên tiếp nhận báo cáo"),
        request=s.ReportVersionSerializer,
        responses={200: s.ReportDetailSerializer, **ERRORS, **CONFLICT},
    ),
    return_=extend_schema(
        summary=gettext_lazy("Cấp trên trả lại báo cáo (cần lý do)"),
        request=s.ReportReturnSerializer,
        responses={200: s.ReportDetailSerializer, **ERRORS, **CONFLICT},
    ),
    board=extend_schema(
        summary=gettext_lazy("Tình hình báo cáo của cấp dưới: đúng hạn, muộn, chưa gửi; tỷ lệ theo cấp"),
        parameters=[s.ReportBoardQuerySerializer],
        responses={200: s.ReportBoardSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    ),
)
class ReportViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Periodic reports: list, read, start, write, submit, accept, return; the reporting board."""

    serializer_class = s.ReportSerializer
    queryset = Report.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = ReportPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.ReportFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.report_list(
            scope=scope,
            filters=selectors.ReportFilters(
                box=data.get("box") or "all",
                year=data.get("year"),
                definition=data.get("definition"),
                status=data.get("status") or "",
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(services.with_current_figures(report_for(scope_of(request), pk))))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.REPORT_WRITE):
            raise PermissionDenied
        payload = s.ReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        definition = selectors.visible_definitions(scope).filter(pk=data["definition"]).first()
        if definition is None:
            raise exceptions.ValidationError({"definition": [_("Không tìm thấy loại báo cáo.")]})
        node = _node(scope, data["node"])
        report = services.report_start(
            by=_actor(request), scope=scope, definition=definition, year=data["year"], node=node
        )
        return Response(_detail(report), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        report = report_for(scope, pk, Action.REPORT_WRITE)
        payload = s.ReportUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.report_update(
            by=_actor(request),
            scope=scope,
            report=report,
            texts=list(payload.validated_data["texts"]),
            expected_version=payload.validated_data["expected_version"],
        )
        return Response(_detail(done))

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        report = report_for(scope, pk, Action.REPORT_WRITE)
        payload = s.ReportVersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.report_submit(
            by=_actor(request),
            scope=scope,
            report=report,
            expected_version=payload.validated_data["expected_version"],
        )
        return Response(_detail(done))

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        report = report_for(scope, pk, Action.REPORT_REVIEW)
        payload = s.ReportVersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.report_accept(
            by=_actor(request),
            scope=scope,
            report=report,
            expected_version=payload.validated_data["expected_version"],
        )
        return Response(_detail(done))

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        report = report_for(scope, pk, Action.REPORT_REVIEW)
        payload = s.ReportReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = services.report_return(
            by=_actor(request),
            scope=scope,
            report=report,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["expected_version"],
        )
        return Response(_detail(done))

    @action(detail=False, methods=["get"])
    def board(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.VIEW):
            raise PermissionDenied
        query = s.ReportBoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(s.ReportBoardSerializer(_board(scope, dict(query.validated_data))).data)


router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
