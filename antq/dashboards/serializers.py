"""Shapes of the dashboard API (read only): a node's figures for a year and the targets they meet."""

from __future__ import annotations

from rest_framework import serializers


class DashboardYearSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(
        required=False, min_value=2020, max_value=2100, help_text="Năm (mặc định: năm nay)"
    )


class DashboardKindPartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text="Loại đơn vị (NodeKind)")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)


class DashboardTargetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit_type = serializers.CharField(help_text="KDC, XA, CQ, DN, CSGD; rỗng = mọi loại")
    comparison = serializers.CharField(help_text="at_least (≥) hoặc above (>)")
    value = serializers.DecimalField(max_digits=9, decimal_places=2)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True)
    shown = serializers.CharField(
        help_text="Giá trị như trên bảng điều hành (làm tròn nửa lên, không che kết quả)"
    )
    status = serializers.CharField(help_text="met, not_met, no_data")
    plan = serializers.IntegerField(help_text="Kế hoạch giao chỉ tiêu")
    plan_code = serializers.CharField()
    plan_node = serializers.CharField()


class DashboardFigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    metric = serializers.CharField(help_text="Khóa chỉ số (plans/data/metrics.yaml)")
    metric_label = serializers.CharField()
    measure = serializers.CharField(help_text="percent hoặc count")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(allow_null=True, help_text="null với chỉ số đếm")
    shown = serializers.CharField(help_text="Giá trị như trên bảng điều hành, ví dụ 80,5% hoặc 1.204")
    by_kind = DashboardKindPartSerializer(many=True)
    status = serializers.CharField(help_text="met, not_met, no_target, no_data (chung của các chỉ tiêu)")
    targets = DashboardTargetSerializer(many=True)


class DashboardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField()
    node_name = serializers.CharField()
    year = serializers.IntegerField()
    figures = DashboardFigureSerializer(many=True)
