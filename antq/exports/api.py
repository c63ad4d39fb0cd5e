"""REST endpoints of the exports app, mounted under /api/v1/ by `antq.api.urls`.

The same scope, services and audit trail as the screens: a job is its creator's only (another
user's answers 404), starting one needs the exporter's action on the node (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import FileResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from antq.accounts.scope import scope_of
from antq.api.views import ERRORS, ApiErrorsMixin
from antq.core.xlsx import XLSX_CONTENT_TYPE
from antq.exports import registry, services
from antq.exports import serializers as s
from antq.exports.access import job_for, own_jobs, requested_node, start_node
from antq.exports.models import ExportJob


def _job_id(pk: Any) -> int:
    """The job id of the path; anything but digits names no job (404, not a server error)."""
    if not (str(pk).isascii() and str(pk).isdigit()):
        raise exceptions.NotFound
    return int(pk)


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated ran before any handler
    return user


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Các lần xuất tệp của bạn, mới nhất trước"),
        responses={200: s.ExportJobSerializer(many=True), 403: ERRORS[403]},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Một lần xuất tệp: trạng thái, tiến độ, đường dẫn tải"),
        responses={200: s.ExportJobSerializer, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary=gettext_lazy("Yêu cầu xuất một danh sách ra Excel (chạy nền)"),
        request=s.ExportStartSerializer,
        responses={201: s.ExportJobSerializer, **ERRORS},
    ),
    download=extend_schema(
        summary=gettext_lazy("Tải tệp đã xuất"),
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
            404: ERRORS[404],
            410: OpenApiResponse(description=gettext_lazy("Tệp đã hết hạn lưu và đã bị xoá.")),
        },
    ),
)
class ExportJobViewSet(ApiErrorsMixin, viewsets.ViewSet):
    # For the schema only (the id's type); every read goes through `access`.
    queryset = ExportJob.objects.none()

    def list(self, request: Request) -> Response:
        jobs = own_jobs(scope_of(request), request.user)
        return Response(s.ExportJobSerializer(jobs, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        job = job_for(scope_of(request), request.user, _job_id(pk))
        return Response(s.ExportJobSerializer(job).data)

    def create(self, request: Request) -> Response:
        serializer = s.ExportStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        exporter = registry.get(data["kind"])
        assert exporter is not None  # noqa: S101 - validate_kind checked it
        scope = scope_of(request)
        params = services.clean_params(exporter, data.get("params") or {})
        # The node named, else the list's node filter among the params (as the screens do).
        pk = data.get("node") or requested_node(exporter, params)
        node = start_node(scope, exporter, pk=pk, default=None)
        job = services.export_start(
            by=_actor(request), scope=scope, exporter=exporter, node=node, params=params
        )
        return Response(s.ExportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: int) -> FileResponse | Response:
        job = job_for(scope_of(request), request.user, _job_id(pk))
        if services.is_expired(job):
            return Response({"detail": str(gettext_lazy("Tệp đã hết hạn lưu và đã bị xoá."))}, status=410)
        if job.status != "done":
            raise exceptions.NotFound(gettext_lazy("Tệp chưa xuất xong."))
        try:
            stored = services.open_file(job)
        except OSError:
            return Response({"detail": str(gettext_lazy("Tệp đã hết hạn lưu và đã bị xoá."))}, status=410)
        services.export_download_record(by=_actor(request), job=job)
        return FileResponse(
            stored, as_attachment=True, filename=job.file_name, content_type=XLSX_CONTENT_TYPE
        )


router = SimpleRouter()
router.register("exports", ExportJobViewSet, basename="export")
urlpatterns = router.urls
