"""REST endpoints of the decisions app, mounted under /api/v1/ by `antq.api.urls`.

The same getters, selectors and services as the screens: a decision outside the caller's scope
answers 404, an action the role lacks 403, a stale version 409, a refused unit 400 with the list of
refused units and their reasons.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.cycles.access import cycle_for
from antq.decisions import files, selectors, services
from antq.decisions import serializers as s
from antq.decisions.access import decision_for, proposal_for
from antq.decisions.models import AwardProposal, Decision
from antq.org.access import node_for

DRAFT_FIELD_NAMES = set(s.DraftFieldsSerializer().fields)


class NewestFirst(KeysetPagination):
    ordering = "-id"


def _refused(error: services.UnitsRefused) -> Response:
    """400 with the refused units: {"detail": "...", "refused": [{"node", "name", "reason"}]}."""
    return Response(
        {"detail": str(error), "refused": s.RefusalSerializer(error.refusals, many=True).data},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


def _fields(payload: s.DraftFieldsSerializer) -> dict[str, Any]:
    data = {k: v for k, v in payload.validated_data.items() if k in DRAFT_FIELD_NAMES}
    for key in ("bases", "recipients"):
        if key in data:
            data[key] = "\n".join(data[key])
    return data


def _detail(decision: Decision) -> dict[str, Any]:
    decision = (
        Decision.objects.select_related("cycle", "issuer")
        .prefetch_related("items__node")
        .annotate(unit_count=Count("items"))
        .get(pk=decision.pk)
    )
    return s.DecisionDetailSerializer(decision).data  # type: ignore[return-value]


REFUSED = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=gettext_lazy("Có đơn vị không đưa được vào quyết định: danh sách kèm lý do (refused)."),
    )
}
FILE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description=gettext_lazy("Tệp DOCX hoặc PDF (Content-Disposition: attachment).")
    ),
    202: OpenApiResponse(
        s.DocumentJobSerializer, description=gettext_lazy("Tệp lớn đang được tạo ở chế độ nền; gọi lại sau.")
    ),
    404: ERRORS[404],
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Quyết định công nhận, phân loại trong phạm vi của bạn"),
        parameters=[s.DecisionFilterSerializer],
        responses={200: s.DecisionSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một quyết định với danh sách đơn vị"),
        responses={200: s.DecisionDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Dự thảo quyết định cho một nhóm đơn vị"),
        request=s.DecisionCreateSerializer,
        responses={201: s.DecisionDetailSerializer, **ERRORS, **REFUSED},
    ),
    issue=extend_schema(
        summary=gettext_lazy("Ký ban hành (số, ngày, người ký bắt buộc)"),
        request=s.DecisionIssueSerializer,
        responses={200: s.DecisionDetailSerializer, **ERRORS, **CONFLICT, **REFUSED},
    ),
    revoke=extend_schema(
        summary=gettext_lazy("Thu hồi quyết định đã ban hành (bắt buộc nêu lý do)"),
        request=s.DecisionRevokeSerializer,
        responses={200: s.DecisionDetailSerializer, **ERRORS, **CONFLICT},
    ),
    cancel=extend_schema(
        summary=gettext_lazy("Hủy dự thảo"),
        request=s.DecisionCancelSerializer,
        responses={200: s.DecisionDetailSerializer, **ERRORS, **CONFLICT},
    ),
    document=extend_schema(
        summary=gettext_lazy("Tải quyết định (DOCX, PDF) hoặc giấy công nhận của các đơn vị"),
        parameters=[s.DocumentQuerySerializer],
        responses=FILE,
    ),
)
class DecisionViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Recognition and classification decisions: draft, issue, revoke, download."""

    serializer_class = s.DecisionSerializer
    queryset = Decision.objects.none()
    pagination_class = NewestFirst

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        data = _query(s.DecisionFilterSerializer, request)
        cycle = cycle_for(scope, data["cycle"]) if data.get("cycle") else None
        qs = selectors.decision_list(
            scope=scope,
            filters=selectors.DecisionFilters(
                cycle=cycle, kind=data.get("kind", ""), status=data.get("status", "")
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.DecisionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(decision_for(scope_of(request), pk)))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.DECISION_DRAFT):
            raise PermissionDenied
        payload = s.DecisionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        cycle = cycle_for(scope, data["cycle"])
        issuer = node_for(scope, data["issuer"], Action.DECISION_DRAFT)
        try:
            decision = services.decision_draft_create(
                by=_actor(request),
                scope=scope,
                cycle=cycle,
                issuer=issuer,
                kind=data["kind"],
                node_ids=data["node_ids"],
                data=_fields(payload),
            )
        except services.UnitsRefused as exc:
            return _refused(exc)
        return Response(_detail(decision), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        """Issue a draft; fields given here (number, date, signer…) are saved with it."""
        scope = scope_of(request)
        decision = decision_for(scope, pk, Action.DECISION_ISSUE)
        payload = s.DecisionIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            decision = services.decision_issue(
                by=_actor(request),
                scope=scope,
                decision=decision,
                expected_version=payload.validated_data["version"],
                data=_fields(payload),
            )
        except services.UnitsRefused as exc:
            return _refused(exc)
        return Response(_detail(decision))

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """Revoke an issued decision; its units lose what it gave them."""
        scope = scope_of(request)
        decision = decision_for(scope, pk, Action.DECISION_ISSUE)
        payload = s.DecisionRevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = services.decision_revoke(
            by=_actor(request),
            scope=scope,
            decision=decision,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(_detail(decision))

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Abandon a draft."""
        scope = scope_of(request)
        decision = decision_for(scope, pk, Action.DECISION_DRAFT)
        payload = s.DecisionCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = services.decision_cancel(
            by=_actor(request),
            scope=scope,
            decision=decision,
            expected_version=payload.validated_data["version"],
            reason=payload.validated_data.get("reason", ""),
        )
        return Response(_detail(decision))

    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: str) -> HttpResponse | Response:
        """The file at once when ready or quick to make; 202 with the progress while the worker makes it."""
        decision = decision_for(scope_of(request), pk)
        what = _query(s.DocumentQuerySerializer, request)["file"]
        if not files.available(decision, what):
            raise exceptions.NotFound
        prepared = files.prepare(decision, what, by=_actor(request))
        if prepared.content is None:
            progress = files.progress(prepared.job)
            return Response(
                {
                    "file": what,
                    "status": prepared.job.status,
                    "percent": progress["percent"],
                    "message": str(progress["phrase"]),
                },
                status=status.HTTP_202_ACCEPTED,
            )
        response = HttpResponse(prepared.content, content_type=files.content_type(what))
        response["Content-Disposition"] = f'attachment; filename="{files.filename(decision, what)}"'
        return response


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Đề nghị khen thưởng trong phạm vi của bạn"),
        parameters=[s.AwardFilterSerializer],
        responses={200: s.AwardProposalSerializer(many=True), 400: ERRORS[400]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Đề nghị khen thưởng (chỉ đơn vị đạt chuẩn ATANTT và xếp loại Khá trở lên)"),
        request=s.AwardCreateSerializer,
        responses={201: s.AwardProposalSerializer, **ERRORS},
    ),
    withdraw=extend_schema(
        summary=gettext_lazy("Rút đề nghị khen thưởng (bắt buộc nêu lý do)"),
        request=s.AwardWithdrawSerializer,
        responses={200: s.AwardProposalSerializer, **ERRORS, **CONFLICT},
    ),
)
class AwardProposalViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Award proposals for units recognized and classified by decisions in force."""

    serializer_class = s.AwardProposalSerializer
    queryset = AwardProposal.objects.none()
    pagination_class = NewestFirst

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        data = _query(s.AwardFilterSerializer, request)
        cycle = cycle_for(scope, data["cycle"]) if data.get("cycle") else None
        page = self.paginate_queryset(
            selectors.award_list(scope=scope, cycle=cycle, status=data.get("status", ""))
        )
        return self.get_paginated_response(s.AwardProposalSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.AWARD_PROPOSE):
            raise PermissionDenied
        payload = s.AwardCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        cycle = cycle_for(scope, data.pop("cycle"))
        node = node_for(scope, data.pop("node"), Action.AWARD_PROPOSE)
        proposal = services.award_propose(by=_actor(request), scope=scope, cycle=cycle, node=node, data=data)
        return Response(s.AwardProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        proposal = proposal_for(scope, pk, Action.AWARD_PROPOSE)
        payload = s.AwardWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = services.award_withdraw(
            by=_actor(request),
            scope=scope,
            proposal=proposal,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(s.AwardProposalSerializer(proposal).data)


router = SimpleRouter()
router.register("decisions", DecisionViewSet, basename="decision")
router.register("award-proposals", AwardProposalViewSet, basename="award-proposal")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
