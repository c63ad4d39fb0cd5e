"""Shapes of the inspection endpoints: representations, write payloads, query-string filters.

Write serializers only validate input; the views pass `validated_data` to the services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer, UserRefSerializer
from antq.inspections.choices import FindingStatus, InspectionStatus
from antq.inspections.models import Finding, FindingUpdate, Inspection, InspectionCheck, InspectionMember


class InspectionMemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InspectionMember
        fields = ["name", "position"]
        read_only_fields = fields


class CheckSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One criterion of the checklist, with the id and text copied when the inspection was created."""

    class Meta:
        model = InspectionCheck
        fields = ["id", "criterion_id", "label", "result", "note"]
        read_only_fields = fields


class FindingUpdateSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    by = UserRefSerializer(read_only=True)

    class Meta:
        model = FindingUpdate
        fields = ["id", "at", "by", "note"]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A finding; `overdue` is true while it is open after its due date."""

    overdue = serializers.SerializerMethodField()
    node = NodeRefSerializer(source="inspection.node", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "node",
            "description",
            "criterion_id",
            "owner",
            "due_on",
            "status",
            "overdue",
            "closing_note",
            "closed_on",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Finding) -> bool:
        return obj.is_overdue(self.context["today"])


class FindingDetailSerializer(FindingSerializer):
    """A finding with its follow-up log (oldest first)."""

    updates = FindingUpdateSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "updates"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    inspector_node = NodeRefSerializer(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "node",
            "inspector_node",
            "inspected_on",
            "basis",
            "status",
            "conclusion",
            "framework_version",
            "version",
        ]
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    """An inspection with its team, its checklist and its findings."""

    members = InspectionMemberSerializer(many=True, read_only=True)
    checks = CheckSerializer(many=True, read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "members", "checks", "findings"]
        read_only_fields = fields

    @extend_schema_field(FindingDetailSerializer(many=True))
    def get_findings(self, obj: Inspection) -> list[dict[str, object]]:
        rows = self.context.get("findings") or []
        return FindingDetailSerializer(rows, many=True, context=self.context).data  # type: ignore[return-value]


class InspectionFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Chỉ cuộc kiểm tra của nút này (id) và các đơn vị trực thuộc."),
    )
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("Năm (dương lịch) của ngày kiểm tra.")
    )
    status = serializers.ChoiceField(required=False, choices=InspectionStatus.choices)


class FindingFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Chỉ kiến nghị của đơn vị này (id) và các đơn vị trực thuộc."),
    )
    status = serializers.ChoiceField(required=False, choices=FindingStatus.choices)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text=_("Chỉ kiến nghị chưa khắc phục đã quá hạn.")
    )
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("Năm của cuộc kiểm tra.")
    )


class FollowUpSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(help_text=_("Nội dung theo dõi khắc phục."))


class FindingCloseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(help_text=_("Kết quả khắc phục (bắt buộc)."))
    version = serializers.IntegerField(
        min_value=1, help_text=_("Phiên bản kiến nghị đã đọc; nếu đã có thay đổi mới hơn, API trả 409.")
    )
