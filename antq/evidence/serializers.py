"""Shapes of the evidence API: representation, write payloads, query-string filters.

Write serializers only validate input; the viewset passes `validated_data` to the services.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer, UserRefSerializer
from antq.evidence.criteria import CatalogueCache
from antq.evidence.models import MAX_YEAR, MIN_YEAR, DocType, EvidenceDocument
from antq.evidence.selectors import evidence_warnings


class EvidenceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    doc_type_label = serializers.CharField(source="get_doc_type_display", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)
    criteria = serializers.SerializerMethodField(help_text=_("Mã các tiêu chí tài liệu làm minh chứng."))
    warnings = serializers.SerializerMethodField(
        help_text=_("Lưu ý theo quy định (ví dụ ngày ngoài Quý I): chỉ cảnh báo, không chặn.")
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceDocument
        fields = [
            "id",
            "node",
            "year",
            "doc_type",
            "doc_type_label",
            "number_symbol",
            "issue_date",
            "issuer",
            "title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "criteria",
            "warnings",
            "is_active",
            "withdrawn_reason",
            "withdrawn_at",
            "uploaded_by",
            "download_url",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _catalogues(self) -> CatalogueCache:
        cache = self.context.get("catalogues")
        if cache is None:
            cache = self.context["catalogues"] = CatalogueCache()
        return cache  # type: ignore[no-any-return]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_criteria(self, obj: EvidenceDocument) -> list[str]:
        catalogue = self._catalogues().get(obj.node, obj.year)
        return catalogue.sort_ids([link.criterion_id for link in obj.links.all()])

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, obj: EvidenceDocument) -> list[str]:
        catalogue = self._catalogues().get(obj.node, obj.year)
        return [w.message for w in evidence_warnings(obj, catalogue=catalogue)]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, obj: EvidenceDocument) -> str:
        url = reverse("api:evidence-download", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class EvidenceFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(required=False, min_value=1, help_text=_("Đơn vị hoặc xã (id)."))
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    criterion = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Mã tiêu chí, ví dụ TT124.KDC.1.")
    )
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False, allow_blank=True)
    include_withdrawn = serializers.BooleanField(required=False, default=False)


class _MetadataSerializer(serializers.Serializer):  # type: ignore[type-arg]
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    number_symbol = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issue_date = serializers.DateField()
    issuer = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=500)


class EvidenceCreateSerializer(_MetadataSerializer):
    node = serializers.IntegerField(min_value=1, help_text=_("Đơn vị hoặc xã (id) lập hồ sơ."))
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, help_text=_("Năm đánh giá."))
    file = serializers.FileField(
        help_text=_(
            "PDF, DOCX, XLSX, JPEG hoặc PNG, nhận dạng theo nội dung tệp; dung lượng tối đa theo cấu hình "
            "(mặc định 20 MB)."
        )
    )
    criterion_ids = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        default=list,
        help_text=_("Mã các tiêu chí (lặp lại trường cho mỗi tiêu chí)."),
    )


class EvidenceUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False)
    number_symbol = serializers.CharField(max_length=60, required=False, allow_blank=True)
    issue_date = serializers.DateField(required=False)
    issuer = serializers.CharField(max_length=255, required=False, allow_blank=True)
    title = serializers.CharField(max_length=500, required=False)
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản bạn đã đọc (chống ghi đè)."))

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if k != "version"}


class EvidenceLinksSerializer(serializers.Serializer):  # type: ignore[type-arg]
    criterion_ids = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        default=list,
        help_text=_(
            "Toàn bộ danh sách mã tiêu chí sau khi sửa; danh sách rỗng (hoặc bỏ trống) là bỏ mọi liên kết."
        ),
    )
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản bạn đã đọc (chống ghi đè)."))


class EvidenceWithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500, help_text=_("Lý do thu hồi (ghi vào nhật ký)."))
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản bạn đã đọc (chống ghi đè)."))
