"""Shapes of the plan endpoints: representations (with targets, tasks, warnings and roll-up), write
payloads and the list's filters. Write serializers only validate input; services do the rest."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer
from antq.plans.choices import PlanLevel, PlanStatus, TaskStatus
from antq.plans.models import Plan, PlanTarget, PlanTask

# Statuses are documented as text: their enum names would collide with other apps' "status".
PLAN_STATUSES = ", ".join(PlanStatus.values)
TASK_STATUSES = ", ".join(TaskStatus.values)

PLAN_FIELDS = [
    "id",
    "node",
    "year",
    "status",
    "code",
    "number",
    "symbol",
    "issued_on",
    "issuer_name",
    "title",
    "parent",
]


class PlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A plan in a list: its level, number, status, parent, and the count of child plans."""

    node = NodeRefSerializer(read_only=True)
    code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=PLAN_STATUSES)
    children_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Plan
        fields = [*PLAN_FIELDS, "children_count"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    warning = serializers.CharField(read_only=True, default="")

    class Meta:
        model = PlanTarget
        fields = [
            "id",
            "order",
            "label",
            "measure",
            "value",
            "of_what",
            "metric",
            "comparison",
            "unit_types",
            "inherited_from",
            "warning",
        ]
        read_only_fields = fields


class RollupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    status = serializers.CharField(read_only=True, help_text=TASK_STATUSES)
    warning = serializers.CharField(read_only=True, default="")
    rollup = RollupSerializer(read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlanTask
        fields = [
            "id",
            "order",
            "content",
            "measures",
            "lead_unit",
            "coordinating_units",
            "deadline",
            "status",
            "progress",
            "check_method",
            "inherited_from",
            "version",
            "warning",
            "rollup",
        ]
        read_only_fields = fields


class PlanDetailSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A plan with its text, targets and tasks (with warnings and the roll-up of child plans)."""

    node = NodeRefSerializer(read_only=True)
    code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=PLAN_STATUSES)
    targets = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            *PLAN_FIELDS,
            "version",
            "issuer_parent",
            "place",
            "bases",
            "purpose",
            "organisation",
            "recipients",
            "signer_prefix",
            "signer_title",
            "signer_name",
            "cancel_reason",
            "targets",
            "tasks",
            "warnings",
        ]
        read_only_fields = fields

    def _rows(self, name: str) -> list[Any]:
        return list(self.context.get(name) or [])

    @extend_schema_field(TargetSerializer(many=True))
    def get_targets(self, obj: Plan) -> list[dict[str, Any]]:
        out = []
        for row in self._rows("targets"):
            data = dict(TargetSerializer(row.target).data)
            data["warning"] = row.warning
            out.append(data)
        return out

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, obj: Plan) -> list[dict[str, Any]]:
        out = []
        for row in self._rows("tasks"):
            data = dict(TaskSerializer(row.task).data)
            data["warning"] = row.warning
            data["rollup"] = RollupSerializer(row.rollup).data if row.rollup.total else None
            out.append(data)
        return out

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, obj: Plan) -> list[str]:
        return [str(w) for w in self.context.get("warnings") or []]


class PlanFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    level = serializers.ChoiceField(choices=PlanLevel.choices, required=False)
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)


class PlanCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(help_text=_("Mã (id) của cấp ban hành."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=500)
    purpose = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True)
    bases = serializers.CharField(required=False, allow_blank=True)
    recipients = serializers.CharField(required=False, allow_blank=True)


class PlanCascadeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    parent = serializers.IntegerField(  # type: ignore[assignment]
        help_text=_("Kế hoạch cấp trên (đã ban hành) cần thực hiện.")
    )
    node = serializers.IntegerField(
        help_text=_("Cấp lập kế hoạch thực hiện (cấp dưới của kế hoạch cấp trên).")
    )


class ProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.CharField(help_text=TASK_STATUSES)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    expected_version = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
