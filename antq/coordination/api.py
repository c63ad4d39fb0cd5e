"""REST endpoints of the coordination app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: a record outside the caller's scope
answers 404, an action the role lacks 403, a stale `version` 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
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
from antq.coordination import selectors, services
from antq.coordination import serializers as s
from antq.coordination.access import agreement_for, campaign_for
from antq.coordination.models import (
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)
from antq.evidence.models import EvidenceDocument
from antq.org.access import node_for, visible_nodes
from antq.org.models import OrgNode


class AgreementPagination(KeysetPagination):
    ordering = ("-signed_on", "-id")  # type: ignore[assignment]


class CampaignPagination(KeysetPagination):
    ordering = ("-took_part_on", "-id")  # type: ignore[assignment]


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _recorder(request: Request) -> Scope:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.ACTIVITY_RECORD):
        raise PermissionDenied
    return scope


def _node(scope: Scope, pk: int) -> OrgNode:
    """A node named in the body: a field error (one message) when it is not in the caller's scope."""
    node = visible_nodes(scope).filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


def _document(node: OrgNode, pk: int | None) -> Any:
    """The node's own document with this id; any other id is passed on for the service to refuse
    (the same message whether or not it exists elsewhere)."""
    if pk is None:
        return None
    return EvidenceDocument.objects.filter(pk=pk, node=node).first() or pk


def _filters(request: Request, scope: Scope) -> selectors.CoordinationFilters:
    query = s.CoordinationFilterSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    pk = query.validated_data.get("node")
    return selectors.CoordinationFilters(within=node_for(scope, pk) if pk else None)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Quy chế, kế hoạch phối hợp với Công an trong phạm vi của bạn (mới nhất trước)"),
        parameters=[s.CoordinationFilterSerializer],
        responses={200: s.AgreementSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một quy chế, kế hoạch phối hợp, kèm nhật ký thực hiện và các cuộc họp"),
        responses={200: s.AgreementDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ghi nhận quy chế, kế hoạch phối hợp (cán bộ đơn vị, Công an xã)"),
        request=s.AgreementCreateSerializer,
        responses={201: s.AgreementSerializer, **ERRORS},
    ),
    end=extend_schema(
        summary=gettext_lazy("Chấm dứt quy chế, kế hoạch phối hợp (ngày và lý do)"),
        request=s.AgreementEndSerializer,
        responses={200: s.AgreementSerializer, **ERRORS, **CONFLICT},
    ),
    executions=extend_schema(
        summary=gettext_lazy("Ghi nhận một lần thực hiện quy chế, kế hoạch"),
        request=s.ExecutionCreateSerializer,
        responses={201: s.ExecutionSerializer, **ERRORS},
    ),
    meetings=extend_schema(
        summary=gettext_lazy("Ghi nhận cuộc họp định kỳ, sơ kết, tổng kết"),
        request=s.MeetingCreateSerializer,
        responses={201: s.MeetingSerializer, **ERRORS},
    ),
)
class AgreementViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Quy chế, kế hoạch phối hợp: list, read, record, end, log executions and meetings."""

    serializer_class = s.AgreementSerializer
    queryset = CoordinationAgreement.objects.none()  # the schema reads the model here; data from Scope
    pagination_class = AgreementPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        qs = selectors.agreement_list(scope=scope, filters=_filters(request, scope)).select_related(
            "recorded_by"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        agreement = agreement_for(scope, pk)
        prefetch_related_objects(
            [agreement],
            Prefetch("executions", queryset=ExecutionEntry.objects.order_by("-occurred_on", "-id")),
            Prefetch("meetings", queryset=ReviewMeeting.objects.order_by("-held_on", "-id")),
        )
        return Response(s.AgreementDetailSerializer(agreement).data)

    def create(self, request: Request) -> Response:
        scope = _recorder(request)
        payload = s.AgreementCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        data["other_parties"] = "\n".join(data.get("other_parties") or [])
        data["document"] = _document(node, data.get("document"))
        agreement = services.agreement_create(by=_actor(request), scope=scope, node=node, data=data)
        return Response(self.get_serializer(agreement).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        """End the agreement: the day, the reason and the version last read."""
        scope = scope_of(request)
        agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.AgreementEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.agreement_end(
            by=_actor(request),
            scope=scope,
            agreement=agreement,
            ended_on=payload.validated_data["ended_on"],
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(self.get_serializer(row).data)

    @action(detail=True, methods=["post"])
    def executions(self, request: Request, pk: str) -> Response:
        """Log one execution of the agreement, on a day it was in force."""
        scope = scope_of(request)
        agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.ExecutionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.execution_add(
            by=_actor(request), scope=scope, agreement=agreement, data=dict(payload.validated_data)
        )
        return Response(s.ExecutionSerializer(entry).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def meetings(self, request: Request, pk: str) -> Response:
        """Record a periodic review, sơ kết or tổng kết of the agreement."""
        scope = scope_of(request)
        agreement = agreement_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.MeetingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["minutes"] = _document(agreement.node, data.get("minutes"))
        meeting = services.meeting_add(by=_actor(request), scope=scope, agreement=agreement, data=data)
        return Response(s.MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Việc tham gia phong trào, cuộc vận động của địa phương (mới nhất trước)"),
        parameters=[s.CoordinationFilterSerializer],
        responses={200: s.CampaignSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một lần tham gia phong trào, cuộc vận động"),
        responses={200: s.CampaignSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ghi nhận việc tham gia phong trào, cuộc vận động của địa phương"),
        request=s.CampaignCreateSerializer,
        responses={201: s.CampaignSerializer, **ERRORS},
    ),
)
class CampaignViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Participation in the locality's movements and campaigns: list, read, record."""

    serializer_class = s.CampaignSerializer
    queryset = CampaignParticipation.objects.none()
    pagination_class = CampaignPagination

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        qs = selectors.campaign_list(scope=scope, filters=_filters(request, scope)).select_related(
            "recorded_by"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(campaign_for(scope_of(request), pk)).data)

    def create(self, request: Request) -> Response:
        scope = _recorder(request)
        payload = s.CampaignCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        data["document"] = _document(node, data.get("document"))
        row = services.campaign_create(by=_actor(request), scope=scope, node=node, data=data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("coordination/agreements", AgreementViewSet, basename="coordination-agreement")
router.register("coordination/campaigns", CampaignViewSet, basename="coordination-campaign")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
