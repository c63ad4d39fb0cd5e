"""Shapes of the coordination endpoints: representations, write payloads, query-string filters.

Write serializers only validate input; the views pass `validated_data` to the services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer, UserRefSerializer
from antq.coordination.choices import AgreementKind, MeetingKind
from antq.coordination.models import (
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)


class ExecutionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ExecutionEntry
        fields = ["id", "occurred_on", "content", "result"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ReviewMeeting
        fields = ["id", "held_on", "kind", "summary", "minutes"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    other_parties = serializers.ListField(child=serializers.CharField(), source="party_lines", read_only=True)
    effective_end = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = CoordinationAgreement
        fields = [
            "id",
            "node",
            "kind",
            "number_symbol",
            "title",
            "signed_on",
            "police_party",
            "other_parties",
            "term_start",
            "term_end",
            "effective_end",
            "document",
            "status",
            "ended_on",
            "end_reason",
            "version",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class AgreementDetailSerializer(AgreementSerializer):
    """An agreement with its execution log and review meetings (newest first)."""

    executions = ExecutionSerializer(many=True, read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "executions", "meetings"]
        read_only_fields = fields


class AgreementCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(min_value=1, help_text=_("Cơ quan, doanh nghiệp, trường hoặc xã (id)."))
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    number_symbol = serializers.CharField(max_length=60, required=False, allow_blank=True)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    signed_on = serializers.DateField()
    police_party = serializers.CharField(max_length=255, help_text=_("Ví dụ: Công an phường Quy Nhơn."))
    other_parties = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, help_text=_("Các bên phối hợp khác.")
    )
    term_start = serializers.DateField(required=False, allow_null=True, help_text=_("Mặc định: ngày ký."))
    term_end = serializers.DateField(required=False, allow_null=True, help_text=_("Trống: không thời hạn."))
    document = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("Tài liệu trong hồ sơ minh chứng của đơn vị."),
    )


class AgreementEndSerializer(serializers.Serializer):  # type: ignore[type-arg]
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=500, help_text=_("Lý do chấm dứt (bắt buộc)."))
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản đã đọc; nếu đã đổi, API trả 409."))


class ExecutionCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    occurred_on = serializers.DateField()
    content = serializers.CharField()
    result = serializers.CharField(required=False, allow_blank=True)


class MeetingCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    summary = serializers.CharField()
    minutes = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CampaignSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = CampaignParticipation
        fields = [
            "id",
            "node",
            "campaign",
            "organizer",
            "took_part_on",
            "contribution",
            "document",
            "version",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(min_value=1, help_text=_("Cơ quan, doanh nghiệp, trường hoặc xã (id)."))
    campaign = serializers.CharField(max_length=300)
    organizer = serializers.CharField(max_length=255)
    took_part_on = serializers.DateField()
    contribution = serializers.CharField(required=False, allow_blank=True)
    document = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class CoordinationFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ hồ sơ của nút này (id) và các đơn vị trực thuộc.")
    )
