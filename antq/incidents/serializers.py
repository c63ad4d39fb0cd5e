"""Shapes of the incident endpoints: representations, write payloads, query-string filters.

Write serializers only validate input; the views pass `validated_data` to the services.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer, UserRefSerializer
from antq.incidents.choices import IncidentSource
from antq.incidents.models import Incident

FACTS = ["incident_type", "occurred_on", "place", "summary", "force_majeure", "timely_handled", "source"]


class IncidentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One revision of an incident; `series` is shared by all revisions, `is_current` marks the one
    that stands."""

    node = NodeRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "series",
            "revision",
            "is_current",
            "status",
            "reason",
            "node",
            *FACTS,
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    """A revision with every revision of its series (oldest first)."""

    revisions = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "revisions"]
        read_only_fields = fields

    def get_revisions(self, obj: Incident) -> list[dict[str, Any]]:
        rows = self.context.get("revisions") or []
        return IncidentSerializer(rows, many=True).data  # type: ignore[return-value]


class IncidentWriteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """The facts of an incident; the type is checked against the TT 124 catalogue by the service."""

    incident_type = serializers.CharField(
        max_length=60, help_text=_("Mã loại vụ việc trong danh mục TT 124, ví dụ INC_SERIOUS_CRIME.")
    )
    source = serializers.ChoiceField(choices=IncidentSource.choices)  # type: ignore[assignment]

    class Meta:
        model = Incident
        fields = FACTS


class IncidentCreateSerializer(IncidentWriteSerializer):
    node = serializers.IntegerField(min_value=1, help_text=_("Đơn vị hoặc xã (id) nơi xảy ra vụ việc."))

    class Meta(IncidentWriteSerializer.Meta):
        fields = ["node", *FACTS]


class IncidentCorrectSerializer(IncidentWriteSerializer):
    """Only the facts that change; the others are kept from the current revision (use partial=True)."""

    node = serializers.IntegerField(required=False, min_value=1, help_text=_("Đơn vị hoặc xã mới (id)."))
    reason = serializers.CharField(max_length=500, help_text=_("Lý do đính chính (bắt buộc)."))
    expected_revision = serializers.IntegerField(
        min_value=1, help_text=_("Lần ghi đã đọc; nếu đã có lần ghi mới hơn, API trả 409.")
    )

    class Meta(IncidentWriteSerializer.Meta):
        fields = ["node", *FACTS, "reason", "expected_revision"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Used with partial=True (a fact left out is kept, even a checkbox missing from a form
        # body): "required" is skipped then, so insist on the two fields every correction needs.
        errors = {
            name: [_("Trường này là bắt buộc.")]
            for name in ("reason", "expected_revision")
            if name not in attrs
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class IncidentWithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500, help_text=_("Lý do rút (ghi nhận nhầm)."))
    expected_revision = serializers.IntegerField(min_value=1, help_text=_("Lần ghi đã đọc."))


class IncidentFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ vụ việc của nút này (id) và các đơn vị trực thuộc.")
    )
    incident_type = serializers.CharField(required=False, allow_blank=True, max_length=60)
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("Năm (dương lịch) xảy ra vụ việc.")
    )
    include_withdrawn = serializers.BooleanField(
        required=False, default=False, help_text=_("Gồm cả vụ việc đã rút (ghi nhận nhầm).")
    )
