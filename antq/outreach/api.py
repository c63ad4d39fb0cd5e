"""REST endpoints of the outreach app, mounted under /api/v1/ by `antq.api.urls`.

The same getters, selectors and services as the screens: a record outside the caller's scope
answers 404, an action the role lacks 403, a stale version 409. The attendance import checks the
whole file and answers every bad row (400) or writes all of it (or only checks, with dry_run).
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
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.evidence.models import EvidenceDocument
from antq.org.access import node_for, visible_nodes
from antq.org.models import OrgNode
from antq.outreach import importing, selectors, services
from antq.outreach import serializers as s
from antq.outreach.access import festival_for, session_for
from antq.outreach.models import FESTIVAL_FIELDS, FestivalDay, OutreachSession


class SessionPagination(KeysetPagination):
    """Newest first, like the screen (the date index serves it)."""

    ordering = ("-held_on", "-id")  # type: ignore[assignment]


class FestivalPagination(KeysetPagination):
    ordering = ("-year", "-id")  # type: ignore[assignment]


class AttendeePagination(KeysetPagination):
    ordering = "id"


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


def _node(scope: Scope, pk: int) -> OrgNode:
    """A node named in the body: a field error when it is not in the caller's scope."""
    node = visible_nodes(scope).filter(pk=pk).first()
    if node is None:
        raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
    return node


def _document(node: OrgNode, pk: int | None, field: str) -> EvidenceDocument | None:
    """The node's own document with this id (the service checks it is in force, of the year). Any
    other id answers the same "not found", whether or not it exists in another unit's dossier."""
    if pk is None:
        return None
    document = EvidenceDocument.objects.filter(pk=pk, node=node).first()
    if document is None:
        raise exceptions.ValidationError({field: [_("Không tìm thấy tài liệu minh chứng.")]})
    return document


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Buổi tuyên truyền, lớp tập huấn trong phạm vi của bạn (mới nhất trước)"),
        parameters=[s.SessionFilterSerializer],
        responses={200: s.SessionSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một buổi tuyên truyền, tập huấn"),
        responses={200: s.SessionSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Ghi nhận buổi tuyên truyền, tập huấn"),
        request=s.SessionCreateSerializer,
        responses={201: s.SessionSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Sửa buổi (chỉ các trường gửi lên; bắt buộc gửi version)"),
        request=s.SessionUpdateSerializer,
        responses={200: s.SessionSerializer, **ERRORS, **CONFLICT},
    ),
    attendees=extend_schema(
        summary=gettext_lazy("Danh sách người tham dự của buổi"),
        responses={200: s.AttendeeSerializer(many=True), 404: ERRORS[404]},
    ),
    attendance_import=extend_schema(
        summary=gettext_lazy(
            "Nhập danh sách người tham dự từ tệp .xlsx: kiểm tra cả tệp, ghi tất cả hoặc không ghi gì"
        ),
        request={"multipart/form-data": s.AttendanceImportSerializer},
        responses={200: s.AttendanceImportResultSerializer, **ERRORS},
    ),
)
class SessionViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Tuyên truyền sessions and training classes: list, read, record, edit, attendance list."""

    serializer_class = s.SessionSerializer
    queryset = OutreachSession.objects.none()  # the schema reads the model from here; data from Scope
    pagination_class = SessionPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.SessionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(filters.validated_data)
        qs = selectors.session_list(
            scope=scope,
            filters=selectors.SessionFilters(
                node=node_for(scope, data["node"]) if data.get("node") else None,
                kind=data.get("kind") or "",
                year=data.get("year"),
                start=data.get("start"),
                end=data.get("end"),
                include_withdrawn=bool(data.get("include_withdrawn")),
            ),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(session_for(scope_of(request), pk)).data)

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.ACTIVITY_RECORD):
            raise PermissionDenied
        payload = s.SessionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        data["evidence"] = _document(node, data.get("evidence"), "evidence")
        session = services.session_create(by=_actor(request), scope=scope, node=node, data=data)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        session = session_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.SessionUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "version" not in data:
            raise exceptions.ValidationError({"version": [_("Trường này là bắt buộc.")]})
        version = data.pop("version")
        merged: dict[str, Any] = {name: getattr(session, name) for name in services.SESSION_FIELDS}
        if "evidence" in data:
            data["evidence"] = _document(session.node, data["evidence"], "evidence")
        merged.update(data)
        session = services.session_update(
            by=_actor(request), scope=scope, session=session, data=merged, expected_version=version
        )
        return Response(self.get_serializer(session).data)

    @action(detail=True, methods=["get"], pagination_class=AttendeePagination)
    def attendees(self, request: Request, pk: str) -> Response:
        """The session's attendance list."""
        session = session_for(scope_of(request), pk)
        qs = selectors.session_attendance(session).order_by("id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.AttendeeSerializer(page, many=True).data)

    @action(detail=True, methods=["post"], url_path="attendance-import")
    def attendance_import(self, request: Request, pk: str) -> Response:
        """Check a .xlsx list; every bad row is answered (400); a valid file is written at once
        (or only checked, with dry_run=true)."""
        scope = scope_of(request)
        session = session_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.AttendanceImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            checked = importing.read_attendance(upload)
        except importing.AttendanceFileError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        body: dict[str, Any] = {
            "valid": checked.valid,
            "written": False,
            "people": len(checked.people),
            "added": 0,
            "new_people": 0,
            "already_listed": 0,
            "bad_rows": [e.__dict__ for e in checked.errors],
            "notices": [n.__dict__ for n in checked.notices],
        }
        if not checked.valid:
            return Response(s.AttendanceImportResultSerializer(body).data, status=status.HTTP_400_BAD_REQUEST)
        if payload.validated_data["dry_run"]:
            preview = selectors.attendance_preview(session=session, people=checked.people)
            body.update(
                added=preview.to_add, new_people=preview.new_people, already_listed=preview.already_listed
            )
        else:
            result = services.attendance_import(
                by=_actor(request),
                scope=scope,
                session=session,
                people=checked.people,
                file_name=str(upload.name or ""),
            )
            body.update(
                written=True,
                added=result.added,
                new_people=result.new_people,
                already_listed=result.already_listed,
            )
        return Response(s.AttendanceImportResultSerializer(body).data)


def _festival_data(node: OrgNode, data: dict[str, Any]) -> dict[str, Any]:
    if "host" in data:
        host = data["host"]
        data["host"] = OrgNode.objects.filter(pk=host).first() if host else None
        if host and data["host"] is None:
            raise exceptions.ValidationError({"host": [_("Không tìm thấy nơi tổ chức.")]})
    if "plan_document" in data:
        data["plan_document"] = _document(node, data["plan_document"], "plan_document")
    return data


def _photos(node: OrgNode, ids: list[int] | None) -> list[EvidenceDocument] | None:
    """The node's own documents with these ids; as `_document`, a foreign id is "not found"."""
    if ids is None:
        return None
    found = list(EvidenceDocument.objects.filter(pk__in=ids, node=node))
    if len(found) != len(set(ids)):
        raise exceptions.ValidationError({"photos": [_("Không tìm thấy tài liệu minh chứng.")]})
    return found


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Ngày hội toàn dân bảo vệ ANTQ trong phạm vi của bạn"),
        parameters=[s.FestivalFilterSerializer],
        responses={200: s.FestivalSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một Ngày hội"), responses={200: s.FestivalSerializer, 404: ERRORS[404]}
    ),
    create=extend_schema(
        summary=gettext_lazy("Lập kế hoạch Ngày hội (mỗi đơn vị một Ngày hội mỗi năm)"),
        request=s.FestivalCreateSerializer,
        responses={201: s.FestivalSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Sửa Ngày hội (chỉ các trường gửi lên; bắt buộc gửi version)"),
        request=s.FestivalUpdateSerializer,
        responses={200: s.FestivalSerializer, **ERRORS, **CONFLICT},
    ),
    held=extend_schema(
        summary=gettext_lazy("Ghi nhận Ngày hội đã tổ chức (cần ngày tổ chức và số người tham dự)"),
        request=s.FestivalHeldSerializer,
        responses={200: s.FestivalSerializer, **ERRORS, **CONFLICT},
    ),
)
class FestivalViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Festival days 19/8: list, read, plan, edit, mark held."""

    serializer_class = s.FestivalSerializer
    queryset = FestivalDay.objects.none()
    pagination_class = FestivalPagination

    def _represent(self, festival: FestivalDay, **kwargs: Any) -> Response:
        fresh = festival_for(scope_of(self.request), festival.pk)
        return Response(self.get_serializer(fresh).data, **kwargs)

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.FestivalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = selectors.festival_list(
            scope=scope,
            node=node_for(scope, data["node"]) if data.get("node") else None,
            year=data.get("year"),
        ).prefetch_related("photos")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._represent(festival_for(scope_of(request), pk))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.ACTIVITY_RECORD):
            raise PermissionDenied
        payload = s.FestivalCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        node = _node(scope, data.pop("node"))
        data = _festival_data(node, data)
        year = data.pop("year")
        photos = _photos(node, data.pop("photos", None)) or []
        festival = services.festival_create(
            by=_actor(request), scope=scope, node=node, year=year, data=data, photos=photos
        )
        return self._represent(festival, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        festival = festival_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.FestivalUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "version" not in data:
            raise exceptions.ValidationError({"version": [_("Trường này là bắt buộc.")]})
        version = data.pop("version")
        photos = _photos(festival.node, data.pop("photos", None))
        merged: dict[str, Any] = {name: getattr(festival, name) for name in FESTIVAL_FIELDS}
        merged.update(_festival_data(festival.node, data))
        festival = services.festival_update(
            by=_actor(request),
            scope=scope,
            festival=festival,
            data=merged,
            photos=photos,
            expected_version=version,
        )
        return self._represent(festival)

    @action(detail=True, methods=["post"])
    def held(self, request: Request, pk: str) -> Response:
        """planned → held."""
        scope = scope_of(request)
        festival = festival_for(scope, pk, Action.ACTIVITY_RECORD)
        payload = s.FestivalHeldSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = data.pop("version")
        festival = services.festival_mark_held(
            by=_actor(request), scope=scope, festival=festival, data=data, expected_version=version
        )
        return self._represent(festival)


router = SimpleRouter()
router.register("outreach-sessions", SessionViewSet, basename="outreach-session")
router.register("festival-days", FestivalViewSet, basename="festival-day")

urlpatterns: list = [*router.urls]  # type: ignore[type-arg]
