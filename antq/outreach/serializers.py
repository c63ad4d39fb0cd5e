"""Shapes of the outreach endpoints: representations, write payloads, query-string filters.

Write serializers only validate input; the views pass `validated_data` to the services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer, UserRefSerializer
from antq.outreach.choices import AttendanceMode, Audience, DeliveryForm, Participation, SessionKind
from antq.outreach.models import MAX_YEAR, MIN_YEAR, FestivalDay, OutreachSession


class SessionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A session; `attendance` is the list's length for a list session, else the headcount."""

    node = NodeRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    audiences = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices))
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = OutreachSession
        fields = [
            "id",
            "node",
            "kind",
            "held_on",
            "topic",
            "audiences",
            "place",
            "delivery",
            "attendance_mode",
            "headcount",
            "attendance",
            "evidence",
            "note",
            "withdrawn_at",
            "withdrawn_reason",
            "recorded_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_attendance(self, obj: OutreachSession) -> int:
        if obj.is_list:
            listed = getattr(obj, "listed", None)
            return int(listed) if listed is not None else obj.attendances.count()
        return obj.headcount or 0


class SessionWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    held_on = serializers.DateField()
    topic = serializers.CharField(max_length=300)
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), allow_empty=False, max_length=len(Audience)
    )
    place = serializers.CharField(max_length=300)
    delivery = serializers.ChoiceField(choices=DeliveryForm.choices, required=False, allow_blank=True)
    attendance_mode = serializers.ChoiceField(
        choices=AttendanceMode.choices, default=AttendanceMode.HEADCOUNT
    )
    headcount = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    evidence = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Tài liệu minh chứng (id) của chính đơn vị."),
    )
    note = serializers.CharField(required=False, allow_blank=True)


class SessionCreateSerializer(SessionWriteSerializer):
    node = serializers.IntegerField(min_value=1, help_text=_("Đơn vị hoặc xã (id) tổ chức buổi."))


class SessionUpdateSerializer(SessionWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("Phiên bản đã đọc; nếu đã có người sửa sau đó, API trả 409.")
    )


class SessionFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ buổi của nút này (id) và các đơn vị trực thuộc.")
    )
    kind = serializers.ChoiceField(choices=SessionKind.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    start = serializers.DateField(required=False, help_text=_("Từ ngày (gồm ngày này)."))
    end = serializers.DateField(required=False, help_text=_("Đến ngày (gồm ngày này)."))
    include_withdrawn = serializers.BooleanField(
        required=False, default=False, help_text=_("Gồm cả buổi đã rút (mặc định: không).")
    )


class AttendanceImportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(
        help_text=_("Tệp .xlsx: Họ và tên; Số CCCD / Mã nhân viên; Bộ phận / Lớp / Tổ; Năm sinh.")
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=_("Chỉ kiểm tra, không ghi (true).")
    )


class RowErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class AttendanceImportResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField()
    written = serializers.BooleanField()
    people = serializers.IntegerField(help_text=_("Số người khác nhau trong tệp."))
    added = serializers.IntegerField(help_text=_("Số người thêm vào danh sách buổi."))
    new_people = serializers.IntegerField(help_text=_("Số người lần đầu tham dự tại đơn vị."))
    already_listed = serializers.IntegerField(help_text=_("Số người đã có trong danh sách buổi."))
    bad_rows = RowErrorSerializer(many=True, help_text=_("Mọi dòng lỗi: số dòng, cột, lý do."))
    notices = RowErrorSerializer(many=True)


class AttendeeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="participant.id")
    full_name = serializers.CharField(source="participant.full_name")
    identifier = serializers.CharField(source="participant.identifier")
    group = serializers.CharField(source="participant.group")
    birth_year = serializers.IntegerField(source="participant.birth_year", allow_null=True)


class FestivalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    host = NodeRefSerializer(read_only=True, allow_null=True)
    recorded_by = UserRefSerializer(read_only=True)
    photos: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(  # type: ignore[type-arg]
        many=True, read_only=True
    )

    class Meta:
        model = FestivalDay
        fields = [
            "id",
            "node",
            "year",
            "status",
            "participation",
            "host",
            "plan_document",
            "planned_on",
            "held_on",
            "place",
            "activities",
            "attendance",
            "photos",
            "note",
            "recorded_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class FestivalWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    participation = serializers.ChoiceField(choices=Participation.choices, default=Participation.HOSTED)
    host = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Nơi tổ chức (id) khi tham gia Ngày hội nơi khác."),
    )
    plan_document = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    planned_on = serializers.DateField(required=False, allow_null=True)
    held_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    activities = serializers.CharField(required=False, allow_blank=True)
    attendance = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    photos = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Ảnh (id tài liệu minh chứng)."),
    )
    note = serializers.CharField(required=False, allow_blank=True)


class FestivalCreateSerializer(FestivalWriteSerializer):
    node = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


class FestivalUpdateSerializer(FestivalWriteSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản đã đọc (409 nếu đã cũ)."))


class FestivalHeldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    held_on = serializers.DateField()
    attendance = serializers.IntegerField(min_value=1)
    place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    activities = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản đã đọc (409 nếu đã cũ)."))


class FestivalFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
