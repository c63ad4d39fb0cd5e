"""API shapes of decisions and award proposals (reading) and of the requests that change them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from antq.decisions.choices import AwardKind, DecisionKind, DecisionStatus, SignerPrefix
from antq.decisions.models import AwardProposal, Decision, DecisionItem, DocumentFile


class DecisionNodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A unit, commune or province named in a decision or a proposal."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class DecisionItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = DecisionNodeSerializer()
    assessment = serializers.IntegerField(source="assessment_id")

    class Meta:
        model = DecisionItem
        fields = [
            "id",
            "position",
            "node",
            "assessment",
            "level",
            "level_label",
            "self_total",
            "total",
            "in_force",
        ]


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    issuer = DecisionNodeSerializer()
    year = serializers.IntegerField(source="cycle.year")
    code = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    bases = serializers.ListField(child=serializers.CharField(), source="base_lines")
    recipients = serializers.ListField(child=serializers.CharField(), source="recipient_lines")
    unit_count = serializers.IntegerField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "cycle",
            "year",
            "issuer",
            "number",
            "symbol",
            "code",
            "issued_on",
            "place",
            "signer_prefix",
            "signer_title",
            "signer_name",
            "proposal_by",
            "proposal_ref",
            "bases",
            "recipients",
            "revoke_reason",
            "revoked_on",
            "unit_count",
            "version",
            "created_at",
            "updated_at",
        ]


class DecisionDetailSerializer(DecisionSerializer):
    items = DecisionItemSerializer(many=True)

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "items"]


class DecisionFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField(required=False, help_text=_("Mã kỳ đánh giá"))
    kind = serializers.ChoiceField(choices=DecisionKind.choices, required=False)
    status = serializers.ChoiceField(choices=DecisionStatus.choices, required=False)


class DraftFieldsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    symbol = serializers.CharField(max_length=40, required=False)
    issued_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=100, required=False)
    signer_prefix = serializers.ChoiceField(choices=SignerPrefix.choices, required=False, allow_blank=True)
    signer_title = serializers.CharField(max_length=100, required=False)
    signer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    proposal_by = serializers.CharField(max_length=300, required=False, allow_blank=True)
    proposal_ref = serializers.CharField(max_length=300, required=False, allow_blank=True)
    bases = serializers.ListField(child=serializers.CharField(), required=False)
    recipients = serializers.ListField(child=serializers.CharField(), required=False)


class DecisionCreateSerializer(DraftFieldsSerializer):
    cycle = serializers.IntegerField()
    issuer = serializers.IntegerField(help_text=_("Xã hoặc tỉnh ban hành"))
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    node_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class DecisionIssueSerializer(DraftFieldsSerializer):
    version = serializers.IntegerField()


class DecisionRevokeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class DecisionCancelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RefusalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    node = serializers.IntegerField(source="node_id")
    name = serializers.CharField()
    reason = serializers.CharField()


class DocumentQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.ChoiceField(choices=DocumentFile.choices, default=DocumentFile.DECISION_PDF)


class DocumentJobSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.CharField()
    status = serializers.CharField()
    percent = serializers.IntegerField()
    message = serializers.CharField()


class AwardProposalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = DecisionNodeSerializer()
    year = serializers.IntegerField(source="cycle.year")
    proposer = serializers.CharField(source="proposer.username")
    recognition_decision = serializers.SerializerMethodField()
    classification_decision = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()

    class Meta:
        model = AwardProposal
        fields = [
            "id",
            "cycle",
            "year",
            "node",
            "kind",
            "recipient_name",
            "award_title",
            "content",
            "status",
            "reason",
            "proposer",
            "recognition_decision",
            "classification_decision",
            "level",
            "version",
            "created_at",
        ]

    def get_recognition_decision(self, obj: AwardProposal) -> str | None:
        return obj.recognition.decision.code if obj.recognition is not None else None

    def get_classification_decision(self, obj: AwardProposal) -> str | None:
        return obj.classification.decision.code if obj.classification is not None else None

    def get_level(self, obj: AwardProposal) -> str | None:
        return obj.classification.level if obj.classification is not None else None


class AwardFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False)


class AwardCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cycle = serializers.IntegerField()
    node = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AwardKind.choices, default=AwardKind.COLLECTIVE)
    recipient_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    award_title = serializers.CharField(max_length=300)
    content = serializers.CharField(required=False, allow_blank=True)


class AwardWithdrawSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)
