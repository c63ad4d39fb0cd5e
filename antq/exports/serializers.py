"""Shapes of the exports API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.exports import services
from antq.exports.models import ExportJob, ExportStatus


class ExportJobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(source="node_id", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    expired = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "label",
            "node",
            "node_name",
            "params",
            "status",
            "done",
            "total",
            "percent",
            "file_name",
            "size",
            "created_at",
            "finished_at",
            "expires_at",
            "expired",
            "failure",
            "download_url",
        ]
        read_only_fields = fields

    def get_expired(self, job: ExportJob) -> bool:
        return services.is_expired(job)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportStatus.DONE or services.is_expired(job):
            return None
        return reverse("api:export-download", args=[job.pk])


class ExportStartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(label=_("Loại dữ liệu"), max_length=60)
    node = serializers.IntegerField(
        label=_("Đơn vị"), required=False, help_text=_("Mặc định: cấp cao nhất bạn được xuất dữ liệu.")
    )
    params = serializers.DictField(
        label=_("Bộ lọc"),
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text=_("Các bộ lọc của danh sách, như trên trang danh sách (ví dụ year, kind)."),
    )

    def validate_kind(self, value: str) -> str:
        from antq.exports import registry

        if registry.get(value) is None:
            raise serializers.ValidationError(_("Không có loại dữ liệu “%(kind)s”.") % {"kind": value})
        return value
