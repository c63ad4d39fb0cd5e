"""REST endpoints of the incidents app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: an incident outside the caller's scope
answers 404, an action the role lacks 403, a stale `expected_revision` 409.
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
from antq.incidents import selectors, services
from antq.incidents import serializers as s
from antq.incidents.access import incident_for
from antq.incidents.models import Incident
from antq.org.access import node_for, visible_nodes
from antq.org.models import OrgNode


class IncidentPagination(KeysetPagination):
    """Newest first, like the register screen (the date index serves it)."""

    ordering = ("-occurred_on", "-id")  # type: ignore[assignment]


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _node(scope: Scope, pk: int) -> OrgNode:
    """A node named in the body: a field error (one message) when it is not in the caller's scope."""
    node = visible_nodes(scope).filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Sổ vụ việc trong phạm vi của bạn (bản hiện hành, mới nhất trước)"),
        parameters=[s.IncidentFilterSerializer],
        responses={200: s.IncidentSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy(
            "Một lần ghi của vụ việc, kèm các lần ghi của vụ việc đó tại đơn vị trong phạm vi của bạn"
        ),
        responses={200: s.IncidentDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ghi nhận vụ việc (Công an xã, cán bộ tỉnh)"),
        request=s.IncidentCreateSerializer,
        responses={201: s.IncidentSerializer, **ERRORS},
    ),
    correct=extend_schema(
        summary=gettext_lazy("Đính chính vụ việc: tạo lần ghi mới, lần ghi cũ giữ nguyên"),
        request=s.IncidentCorrectSerializer,
        responses={200: s.IncidentSerializer, **ERRORS, **CONFLICT},
    ),
    withdraw=extend_schema(
        summary=gettext_lazy("Rút vụ việc ghi nhận nhầm (lần ghi mới, có lý do)"),
        request=s.IncidentWithdrawSerializer,
        responses={200: s.IncidentSerializer, **ERRORS, **CONFLICT},
    ),
)
class IncidentViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The incident register: list, read, record, correct, withdraw."""

    serializer_class = s.IncidentSerializer
    queryset = Incident.objects.none()  # the schema reads the model from here; data comes from Scope
    pagination_class = IncidentPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.IncidentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.incident_list(
            scope=scope,
            filters=selectors.IncidentFilters(
                node=node_for(scope, data["node"]) if data.get("node") else None,
                incident_type=data.get("incident_type") or "",
                year=data.get("year"),
                include_withdrawn=bool(data.get("include_withdrawn")),
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        incident = incident_for(scope, pk)
        # Only the revisions recorded on nodes the caller sees (see `incident_revisions`).
        revisions = [r.row for r in selectors.incident_revisions(incident, {}, scope=scope)]
        body = s.IncidentDetailSerializer(incident, context={"revisions": revisions})
        return Response(body.data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.INCIDENT_RECORD):
            raise PermissionDenied
        payload = s.IncidentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        incident = services.incident_record(by=_actor(request), scope=scope, node=node, data=data)
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        """Correct some facts of the incident; needs a reason and the revision last read."""
        scope = scope_of(request)
        incident = incident_for(scope, pk, Action.INCIDENT_RECORD)
        payload = s.IncidentCorrectSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason, expected = data.pop("reason"), data.pop("expected_revision")
        if "node" in data:
            data["node"] = _node(scope, data["node"])
        row = services.incident_correct(
            by=_actor(request),
            scope=scope,
            incident=incident,
            data=data,
            reason=reason,
            expected_revision=expected,
        )
        return Response(self.get_serializer(row).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw an incident recorded in error; needs a reason and the revision last read."""
        scope = scope_of(request)
        incident = incident_for(scope, pk, Action.INCIDENT_RECORD)
        payload = s.IncidentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.incident_withdraw(
            by=_actor(request),
            scope=scope,
            incident=incident,
            reason=payload.validated_data["reason"],
            expected_revision=payload.validated_data["expected_revision"],
        )
        return Response(self.get_serializer(row).data)


router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
