"""Shapes of the initiatives endpoints: representations, write payloads, query-string filters.

Write serializers only validate input; the views pass `validated_data` to the services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import (
    Initiative,
    InitiativeActivity,
    InitiativeEvaluation,
    InitiativeMember,
    InitiativeType,
)


class IndicatorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField(allow_blank=True)


class InitiativeTypeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = InitiativeType
        fields = ["id", "code", "name", "description", "indicators", "is_active"]
        read_only_fields = fields


class InitiativeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    initiative_type = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    indicators = IndicatorSerializer(many=True, read_only=True)
    # A plain string rather than an enum: the schema's enum names would collide with other apps'
    # "status" (settings.SPECTACULAR_SETTINGS › ENUM_NAME_OVERRIDES is not this app's file).
    status = serializers.CharField(
        read_only=True, help_text=_("active (đang hoạt động) | retired (đã thanh loại)")
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "node",
            "initiative_type",
            "name",
            "description",
            "indicators",
            "founding_decision",
            "lead_name",
            "lead_position",
            "started_on",
            "status",
            "retired_on",
            "retirement_reason",
            "replicated_from",
            "version",
        ]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InitiativeMember
        fields = ["id", "name", "role", "joined_on"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    indicator_values = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = InitiativeActivity
        fields = ["id", "occurred_on", "content", "indicator_values"]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    indicator_values = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = InitiativeEvaluation
        fields = ["id", "year", "rating", "indicator_values", "comment", "version"]
        read_only_fields = fields


class InitiativeDetailSerializer(InitiativeSerializer):
    """An initiative with its members, recent activity, evaluations and the replicas the caller sees."""

    members = MemberSerializer(many=True, read_only=True)
    activities = serializers.SerializerMethodField()
    evaluations = EvaluationSerializer(many=True, read_only=True)
    replicas = serializers.SerializerMethodField()

    class Meta(InitiativeSerializer.Meta):
        fields = [*InitiativeSerializer.Meta.fields, "members", "activities", "evaluations", "replicas"]
        read_only_fields = fields

    @extend_schema_field(ActivitySerializer(many=True))
    def get_activities(self, obj: Initiative) -> list[dict[str, object]]:
        rows = self.context.get("activities") or []
        return ActivitySerializer(rows, many=True).data  # type: ignore[return-value]

    def get_replicas(self, obj: Initiative) -> list[int]:
        return [r.pk for r in self.context.get("replicas") or []]


class InitiativeCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(min_value=1, help_text=_("Đơn vị hoặc xã (id) có mô hình."))
    initiative_type = serializers.SlugField(
        help_text=_("Mã loại mô hình trong danh mục, ví dụ camera_an_ninh.")
    )
    name = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    founding_decision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Tài liệu minh chứng (id) của chính đơn vị."),
    )
    lead_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    lead_position = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    started_on = serializers.DateField()


class ActivityCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    occurred_on = serializers.DateField()
    content = serializers.CharField()
    indicator_values = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )


class EvaluationWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    rating = serializers.CharField(
        max_length=20, help_text=_("Mã mức xếp loại (data/ratings.yaml): tot, kha…")
    )
    indicator_values = serializers.DictField(
        child=serializers.IntegerField(min_value=0), required=False, default=dict
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text=_("Phiên bản đánh giá đã đọc khi sửa.")
    )


class InitiativeFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ mô hình của nút này (id) và các đơn vị trực thuộc.")
    )
    initiative_type = serializers.SlugField(required=False, help_text=_("Mã loại mô hình."))
    status = serializers.CharField(required=False, help_text=_("active | retired"))

    def validate_status(self, value: str) -> str:
        if value not in InitiativeStatus.values:
            raise serializers.ValidationError(_("Tình trạng phải là active hoặc retired."))
        return value
