"""REST endpoints of the evidence app, mounted under /api/v1/ by `antq.api.urls`.

The same getters, selectors and services as the screens: a document outside the caller's scope
answers 404, an action the role lacks 403, a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.api.pagination import KeysetPagination
from antq.api.views import CONFLICT, ERRORS, ApiErrorsMixin
from antq.evidence import serializers as s
from antq.evidence import services
from antq.evidence.access import dossier_node_for, evidence_for
from antq.evidence.downloads import file_response
from antq.evidence.models import EvidenceDocument
from antq.evidence.selectors import evidence_search
from antq.org.access import visible_nodes


class EvidencePagination(KeysetPagination):
    """Newest first; the id is unique and indexed."""

    ordering = "-id"


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


DOWNLOAD = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description=gettext_lazy(
            "Tệp đính kèm (Content-Disposition: attachment), Content-Type theo loại nhận dạng khi tải lên."
        ),
    ),
    404: ERRORS[404],
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Tài liệu minh chứng trong phạm vi của bạn"),
        parameters=[s.EvidenceFilterSerializer],
        responses={200: s.EvidenceSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một tài liệu minh chứng"),
        responses={200: s.EvidenceSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Tải lên tài liệu minh chứng (multipart/form-data)"),
        request={"multipart/form-data": s.EvidenceCreateSerializer},
        responses={201: s.EvidenceSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Sửa thông tin tài liệu (bắt buộc gửi version)"),
        request=s.EvidenceUpdateSerializer,
        responses={200: s.EvidenceSerializer, **ERRORS, **CONFLICT},
    ),
    links=extend_schema(
        summary=gettext_lazy("Đặt các tiêu chí tài liệu làm minh chứng (bắt buộc gửi version)"),
        request=s.EvidenceLinksSerializer,
        responses={200: s.EvidenceSerializer, **ERRORS, **CONFLICT},
    ),
    withdraw=extend_schema(
        summary=gettext_lazy("Thu hồi tài liệu, không xoá (bắt buộc gửi version)"),
        request=s.EvidenceWithdrawSerializer,
        responses={200: s.EvidenceSerializer, **ERRORS, **CONFLICT},
    ),
    download=extend_schema(summary=gettext_lazy("Tải xuống tệp của tài liệu"), responses=DOWNLOAD),
)
class EvidenceViewSet(ApiErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The evidence register: list, upload, read, edit, link to criteria, withdraw, download."""

    serializer_class = s.EvidenceSerializer
    queryset = EvidenceDocument.objects.none()
    pagination_class = EvidencePagination
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _represent(self, document: EvidenceDocument, **kwargs: Any) -> Response:
        # Re-read through the selector: links prefetched, as in the list.
        fresh = evidence_search(scope=scope_of(self.request), include_withdrawn=True).get(pk=document.pk)
        return Response(self.get_serializer(fresh).data, **kwargs)

    def list(self, request: Request) -> Response:
        scope = scope_of(request)
        filters = s.EvidenceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        node = dossier_node_for(scope, data["node"]) if data.get("node") else None
        qs = evidence_search(
            scope=scope,
            node=node,
            year=data.get("year"),
            criterion_id=data.get("criterion") or None,
            doc_type=data.get("doc_type") or "",
            include_withdrawn=data.get("include_withdrawn", False),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._represent(evidence_for(scope_of(request), pk))

    def create(self, request: Request) -> Response:
        scope = scope_of(request)
        if not scope.can_anywhere(Action.EVIDENCE_MANAGE):
            raise PermissionDenied
        payload = s.EvidenceCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # A node the caller cannot see is a field error, whether it exists or not.
        node = visible_nodes(scope).filter(pk=data["node"]).first()
        if node is None:
            raise exceptions.ValidationError({"node": [_("Không tìm thấy đơn vị trong phạm vi của bạn.")]})
        document = services.evidence_create(
            by=_actor(request),
            scope=scope,
            node=node,
            year=data["year"],
            data={k: data[k] for k in services.METADATA_FIELDS},
            upload=data["file"],
            criterion_ids=data["criterion_ids"],
        )
        return self._represent(document, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        scope = scope_of(request)
        document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
        payload = s.EvidenceUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.evidence_update(
            by=_actor(request),
            scope=scope,
            document=document,
            data=payload.metadata(),
            expected_version=payload.validated_data["version"],
        )
        return self._represent(document)

    @action(detail=True, methods=["post"])
    def links(self, request: Request, pk: str) -> Response:
        """Replace the criteria the document supports (ids in force for its node and year)."""
        scope = scope_of(request)
        document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
        payload = s.EvidenceLinksSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.evidence_link(
            by=_actor(request),
            scope=scope,
            document=document,
            criterion_ids=payload.validated_data["criterion_ids"],
            expected_version=payload.validated_data["version"],
        )
        return self._represent(document)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw the document; it stays readable for the records that point at it."""
        scope = scope_of(request)
        document = evidence_for(scope, pk, Action.EVIDENCE_MANAGE)
        payload = s.EvidenceWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.evidence_withdraw(
            by=_actor(request),
            scope=scope,
            document=document,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return self._represent(document)

    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        """The file, as an attachment with the content type detected at upload; audited."""
        scope = scope_of(request)
        document = evidence_for(scope, pk)
        response = file_response(document)
        services.evidence_download_record(by=_actor(request), scope=scope, document=document)
        return response


router = SimpleRouter()
router.register("evidence", EvidenceViewSet, basename="evidence")

urlpatterns: list[Any] = [*router.urls]
