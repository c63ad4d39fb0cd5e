"""Shapes of the report endpoints. Write serializers only validate input; services do the rest."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer
from antq.reports.choices import ReportStatus
from antq.reports.models import Report

# Documented as text: an enum named "status" would collide with other apps' statuses.
REPORT_STATUSES = ", ".join(ReportStatus.values)


class ReportStatisticRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    numerator = serializers.IntegerField(allow_null=True)  # null: the report has no such row
    denominator = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    note = serializers.CharField(allow_blank=True)  # which children lack the row, if any


class ReportNarrativeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    heading = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A report in a list."""

    node = NodeRefSerializer(read_only=True)
    definition = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]
    title = serializers.CharField(source="definition.title", read_only=True)
    status = serializers.CharField(read_only=True, help_text=REPORT_STATUSES)
    is_late = serializers.BooleanField(read_only=True)
    deadline = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "definition",
            "title",
            "year",
            "node",
            "status",
            "deadline",
            "submitted_at",
            "last_submitted_at",
            "is_late",
            "version",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    """A report with its statistics table and narrative."""

    statistics = serializers.SerializerMethodField()
    narratives = ReportNarrativeSerializer(many=True, read_only=True, source="narrative_items")

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "statistics",
            "computed_at",
            "children_expected",
            "children_reported",
            "due_on",
            "narratives",
            "return_reason",
            "reviewed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReportStatisticRowSerializer(many=True))
    def get_statistics(self, obj: Report) -> list[dict[str, Any]]:
        return [
            {
                "key": row.key,
                "label": row.label,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "text": row.text,
                "note": row.note,
            }
            for row in obj.statistic_rows()
        ]


class ReportFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    box = serializers.ChoiceField(choices=["all", "mine", "received"], required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    definition = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)


class ReportCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    definition = serializers.IntegerField(help_text=_("Mã (id) của loại báo cáo."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    node = serializers.IntegerField(help_text=_("Mã (id) của cấp lập báo cáo."))


class ReportUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    texts = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        help_text=_("Nội dung từng phần, theo thứ tự các phần."),
    )
    expected_version = serializers.IntegerField()


class ReportVersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    expected_version = serializers.IntegerField()


class ReportReturnSerializer(ReportVersionSerializer):
    reason = serializers.CharField(help_text=_("Lý do trả lại (bắt buộc)."))


class ReportBoardQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    definition = serializers.IntegerField(required=False, help_text=_("Mặc định: loại báo cáo đầu tiên."))
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    node = serializers.IntegerField(required=False, help_text=_("Mặc định: cấp cao nhất của bạn."))


class ReportBoardRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = NodeRefSerializer()
    state = serializers.CharField(help_text="on_time, late, returned, missing")
    overdue = serializers.BooleanField()
    report = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class ReportLevelRateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    level = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    missing = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)


class ReportBoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    definition = serializers.IntegerField()
    year = serializers.IntegerField()
    node = NodeRefSerializer()
    levels = ReportLevelRateSerializer(many=True)
    rows = ReportBoardRowSerializer(many=True)
