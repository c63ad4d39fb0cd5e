"""REST endpoints of the forces app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: outside the caller's scope 404, an action
the role lacks 403, a stale version 409, a broken rating rule 400 with every message.
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
from antq.forces import selectors, services
from antq.forces import serializers as s
from antq.forces.access import round_for, team_for
from antq.forces.models import RatingRound, SecurityTeam
from antq.org.access import visible_nodes
from antq.org.models import OrgNode


class IdPagination(KeysetPagination):
    ordering = "id"  # type: ignore[assignment]


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _node(scope: Scope, pk: int, field: str) -> OrgNode:
    node = visible_nodes(scope).filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({field: [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Tổ bảo vệ ANTT và lực lượng bảo vệ trong phạm vi của bạn"),
        responses={200: s.ForcesTeamSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một tổ, lực lượng kèm thành viên"),
        responses={200: s.ForcesTeamDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy(
            "Ghi nhận tổ bảo vệ ANTT (khu dân cư) hoặc lực lượng bảo vệ (cơ quan, DN, trường)"
        ),
        request=s.ForcesTeamCreateSerializer,
        responses={201: s.ForcesTeamSerializer, **ERRORS},
    ),
    members=extend_schema(
        summary=gettext_lazy("Thêm thành viên"),
        request=s.ForcesMemberCreateSerializer,
        responses={201: s.ForcesMemberSerializer, **ERRORS},
    ),
    results=extend_schema(
        summary=gettext_lazy(
            "Ghi, sửa kết quả năm của lực lượng bảo vệ (mức xếp loại hoặc danh hiệu thi đua; sửa cần version)"
        ),
        request=s.ForcesGuardRatingWriteSerializer,
        responses={200: s.ForcesGuardRatingSerializer, **ERRORS, **CONFLICT},
    ),
)
class SecurityTeamViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = s.ForcesTeamSerializer
    queryset = SecurityTeam.objects.none()
    pagination_class = IdPagination

    def list(self, request: Request) -> Response:
        qs = selectors.team_list(scope=scope_of(request), filters=selectors.TeamFilters()).order_by("id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        team = team_for(scope_of(request), pk)
        return Response(s.ForcesTeamDetailSerializer(team).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.ACTIVITY_RECORD):
            raise PermissionDenied
        payload = s.ForcesTeamCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(payload.validated_data)
        node = _node(scope, data.pop("node"), "node")
        team = services.team_create(
            by=_actor(request), scope=scope, node=node, kind=data.pop("kind"), data=data
        )
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        team = team_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.ForcesMemberCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.member_add(
            by=_actor(request), scope=scope, team=team, data=dict(payload.validated_data)
        )
        return Response(s.ForcesMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        team = team_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.ForcesGuardRatingWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        row = services.guard_rating_set(
            by=_actor(request),
            scope=scope,
            team=team,
            year=data.pop("year"),
            expected_version=data.pop("version", None),
            data=data,
        )
        return Response(s.ForcesGuardRatingSerializer(row).data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các đợt xếp loại tổ bảo vệ ANTT trong phạm vi của bạn"),
        responses={200: s.ForcesRoundSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một đợt xếp loại với mức của từng tổ và tổ viên"),
        responses={200: s.ForcesRoundDetailSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Lập đợt xếp loại năm của một xã (Công an xã)"),
        request=s.ForcesRoundOpenSerializer,
        responses={201: s.ForcesRoundDetailSerializer, **ERRORS},
    ),
    ratings=extend_schema(
        summary=gettext_lazy("Lưu mức xếp loại của các dòng (khi đang dự thảo hoặc bị trả lại)"),
        request=s.ForcesRoundSaveSerializer,
        responses={200: s.ForcesRoundDetailSerializer, **ERRORS, **CONFLICT},
    ),
    submit=extend_schema(
        summary=gettext_lazy("Trình Chủ tịch UBND xã (kiểm tra tỷ lệ 20%, 9 tháng, tổ trưởng)"),
        request=s.ForcesVersionSerializer,
        responses={200: s.ForcesRoundSerializer, **ERRORS, **CONFLICT},
    ),
    approve=extend_schema(
        summary=gettext_lazy("Chủ tịch UBND xã phê duyệt"),
        request=s.ForcesVersionSerializer,
        responses={200: s.ForcesRoundSerializer, **ERRORS, **CONFLICT},
    ),
    return_=extend_schema(
        summary=gettext_lazy("Chủ tịch UBND xã trả lại, có lý do"),
        request=s.ForcesReturnSerializer,
        responses={200: s.ForcesRoundSerializer, **ERRORS, **CONFLICT},
    ),
)
class RatingRoundViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = s.ForcesRoundSerializer
    queryset = RatingRound.objects.none()
    pagination_class = IdPagination

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.round_list(scope=scope_of(request)).order_by("id"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _detail(self, rnd: RatingRound) -> Response:
        rnd = (
            RatingRound.objects.select_related("commune")
            .prefetch_related("team_ratings__team", "member_ratings__member")
            .get(pk=rnd.pk)
        )
        return Response(s.ForcesRoundDetailSerializer(rnd).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(round_for(scope_of(request), pk))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.FORCE_RATE):
            raise PermissionDenied
        payload = s.ForcesRoundOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        commune = _node(scope, data["commune"], "commune")
        rnd = services.round_open(
            by=_actor(request),
            scope=scope,
            commune=commune,
            year=data["year"],
            evaluated_on=data.get("evaluated_on"),
        )
        response = self._detail(rnd)
        response.status_code = status.HTTP_201_CREATED
        return response

    @action(detail=True, methods=["post"])
    def ratings(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        rnd = round_for(scope, pk, Action.FORCE_RATE)
        payload = s.ForcesRoundSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)

        def rows(items: list[dict[str, Any]]) -> dict[int, dict[str, str]]:
            return {int(i["id"]): {k: str(v) for k, v in i.items() if k != "id"} for i in items}

        services.round_save(
            by=_actor(request),
            scope=scope,
            round=rnd,
            teams=rows(data.get("teams") or []),
            members=rows(data.get("members") or []),
            evaluated_on=data.get("evaluated_on"),
            expected_version=data["version"],
        )
        return self._detail(rnd)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        rnd = round_for(scope, pk, Action.FORCE_RATE)
        payload = s.ForcesVersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rnd = services.round_submit(
            by=_actor(request), scope=scope, round=rnd, expected_version=payload.validated_data["version"]
        )
        return Response(self.get_serializer(rnd).data)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        rnd = round_for(scope, pk, Action.DECISION_ISSUE)
        payload = s.ForcesVersionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rnd = services.round_approve(
            by=_actor(request), scope=scope, round=rnd, expected_version=payload.validated_data["version"]
        )
        return Response(self.get_serializer(rnd).data)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        rnd = round_for(scope, pk, Action.DECISION_ISSUE)
        payload = s.ForcesReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rnd = services.round_return(
            by=_actor(request),
            scope=scope,
            round=rnd,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(self.get_serializer(rnd).data)


router = SimpleRouter()
router.register("forces/teams", SecurityTeamViewSet, basename="forces-team")
router.register("forces/rounds", RatingRoundViewSet, basename="forces-round")
urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
