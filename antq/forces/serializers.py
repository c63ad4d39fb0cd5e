"""Shapes of the forces endpoints: representations and write payloads (validation of input only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from antq.api.serializers import NodeRefSerializer
from antq.forces.choices import NotRatedReason
from antq.forces.models import (
    GuardForceRating,
    MemberRating,
    RatingRound,
    SecurityTeam,
    TeamMember,
    TeamRating,
)
from antq.forces.rules import level_choices


class ForcesMemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = TeamMember
        fields = ["id", "full_name", "position", "joined_on", "left_on", "version"]
        read_only_fields = fields


class ForcesTeamSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("grassroots_team hoặc guard_force."))
    status = serializers.CharField(read_only=True, help_text=_("active hoặc dissolved."))

    class Meta:
        model = SecurityTeam
        fields = [
            "id",
            "node",
            "kind",
            "name",
            "founded_on",
            "founding_document",
            "status",
            "dissolved_on",
            "dissolved_reason",
            "version",
        ]
        read_only_fields = fields


class ForcesTeamDetailSerializer(ForcesTeamSerializer):
    members = ForcesMemberSerializer(many=True, read_only=True)

    class Meta(ForcesTeamSerializer.Meta):
        fields = [*ForcesTeamSerializer.Meta.fields, "members"]
        read_only_fields = fields


class ForcesTeamCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(
        min_value=1, help_text=_("Khu dân cư, cơ quan, doanh nghiệp, trường (id).")
    )
    kind = serializers.CharField(max_length=20, help_text=_("grassroots_team (khu dân cư) hoặc guard_force."))
    name = serializers.CharField(max_length=255)
    founded_on = serializers.DateField()


class ForcesMemberCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    full_name = serializers.CharField(max_length=120)
    position = serializers.CharField(
        max_length=20, help_text=_("leader, deputy, member; chief, deputy_chief, guard.")
    )
    joined_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True)


class ForcesTeamRatingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    team_name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = TeamRating
        fields = ["id", "team", "team_name", "level", "not_rated_reason", "note"]
        read_only_fields = fields


class ForcesMemberRatingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    full_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = MemberRating
        fields = ["id", "member", "full_name", "level", "not_rated_reason", "note"]
        read_only_fields = fields


class ForcesRoundSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    commune = NodeRefSerializer(read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("draft, submitted, approved hoặc returned."))

    class Meta:
        model = RatingRound
        fields = ["id", "commune", "year", "evaluated_on", "status", "return_reason", "version"]
        read_only_fields = fields


class ForcesRoundDetailSerializer(ForcesRoundSerializer):
    team_ratings = ForcesTeamRatingSerializer(many=True, read_only=True)
    member_ratings = ForcesMemberRatingSerializer(many=True, read_only=True)

    class Meta(ForcesRoundSerializer.Meta):
        fields = [*ForcesRoundSerializer.Meta.fields, "team_ratings", "member_ratings"]
        read_only_fields = fields


class ForcesRoundOpenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    commune = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    evaluated_on = serializers.DateField(required=False, allow_null=True)


class ForcesRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(min_value=1, help_text=_("Mã dòng (id của team_ratings / member_ratings)."))
    level = serializers.ChoiceField(choices=level_choices(), required=False, allow_blank=True)
    not_rated_reason = serializers.ChoiceField(
        choices=NotRatedReason.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ForcesRoundSaveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    teams = ForcesRowSerializer(many=True, required=False)
    members = ForcesRowSerializer(many=True, required=False)
    evaluated_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản đã đọc; nếu đã cũ, API trả 409."))


class ForcesVersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)


class ForcesReturnSerializer(ForcesVersionSerializer):
    reason = serializers.CharField(max_length=500)


class ForcesGuardRatingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    result = serializers.CharField(read_only=True)

    class Meta:
        model = GuardForceRating
        fields = ["id", "team", "year", "result", "evidence", "note", "version"]
        read_only_fields = fields


class ForcesGuardRatingWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    result = serializers.CharField(
        max_length=30,
        help_text=_(
            "Mã kết quả trong rating_rules.yaml: excellent, good, completed, not_completed, "
            "collective_excellent, collective_advanced."
        ),
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    version = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text=_(
            "Phiên bản đã đọc (0 hoặc bỏ trống khi ghi lần đầu); bắt buộc khi sửa kết quả đã có: nếu "
            "thiếu hoặc đã cũ, API trả 409."
        ),
    )
