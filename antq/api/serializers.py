"""Shapes of the API v1: representations, write payloads and query-string filters.

Write serializers only validate input; views pass `validated_data` to the services, which save
and audit. No serializer here is ever `.save()`d.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.validators import UniqueValidator

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.org.choices import UNIT_KINDS, EducationLevel, EnterpriseSize, ManagingAuthority, NodeKind
from antq.org.eligibility import exclusion_label
from antq.org.models import OrgNode
from antq.org.services import UNIT_FIELDS

UNIT_KIND_CHOICES = [(value, label) for value, label in NodeKind.choices if value in UNIT_KINDS]


# --- Errors (for the schema) -----------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Every refusal that is not a field error: {"detail": "<thông báo>"}."""

    detail = serializers.CharField()


# --- Token ---------------------------------------------------------------------------------


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_(
            "Mã 6 số của ứng dụng xác thực: bắt buộc với tài khoản dùng xác thực hai lớp "
            "(cấp tỉnh, quản trị, hoặc người dùng đã tự bật)."
        ),
    )


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text=_("Gửi kèm mỗi yêu cầu: Authorization: Token <token>"))


# --- Nodes ---------------------------------------------------------------------------------


class NodeRefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A node named from another object (a unit's parent, a membership's node)."""

    class Meta:
        model = OrgNode
        fields = ["id", "code", "name"]


class NodeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent = NodeRefSerializer(read_only=True, allow_null=True)
    is_unit = serializers.BooleanField(read_only=True)

    class Meta:
        model = OrgNode
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "division",
            "parent",
            "depth",
            "is_unit",
            "valid_from",
            "valid_to",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields


class NodeFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # Declared fields are popped off the class, so naming one like Field.parent is fine at runtime.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text=_("Mã số (id) của nút cấp trên.")
    )
    kind = serializers.ChoiceField(choices=NodeKind.choices, required=False, allow_blank=True)
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Tìm theo tên hoặc mã, gõ có dấu hoặc không dấu."),
    )


# --- Units ---------------------------------------------------------------------------------


class ContactsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The unit's contact person; stored flat on the unit, shown as one object."""

    name = serializers.CharField(source="contact_name", max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(source="contact_phone", max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(source="contact_email", required=False, allow_blank=True)


class UnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A unit as the API shows it (responses only)."""

    parent = NodeRefSerializer(read_only=True)
    contacts = ContactsSerializer(source="*", read_only=True)
    eligible = serializers.BooleanField(source="is_eligible", read_only=True)
    exclusion_reason = serializers.SerializerMethodField()
    # Blank on the kinds they do not apply to: say so in the schema (a read-only model field
    # loses its `blank`, and clients validating the enum would reject "").
    managing_authority = serializers.ChoiceField(
        choices=ManagingAuthority.choices, allow_blank=True, read_only=True
    )
    enterprise_size = serializers.ChoiceField(
        choices=EnterpriseSize.choices, allow_blank=True, read_only=True
    )
    education_level = serializers.ChoiceField(
        choices=EducationLevel.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = OrgNode
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "address",
            "managing_authority",
            "enterprise_size",
            "tax_code",
            "education_level",
            "is_armed_forces",
            "people_count",
            "subunit_count",
            "contacts",
            "is_active",
            "eligible",
            "exclusion_code",
            "exclusion_reason",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def get_exclusion_reason(self, obj: OrgNode) -> str:
        """Why TT 124 leaves the unit out (blank when eligible), in the request's language."""
        return exclusion_label(obj.exclusion_code) if obj.exclusion_code else ""


# Registry fields a client may write: the services' own list, less the kind (fixed once created)
# and the contact fields (written through the nested `contacts` object).
_UNIT_WRITE_FIELDS = [f for f in UNIT_FIELDS if f != "kind" and not f.startswith("contact_")]


class _UnitWriteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text=_("Mã số (id) của xã, phường, đặc khu hoặc tỉnh trực thuộc.")
    )
    parent_code = serializers.CharField(
        required=False, max_length=40, help_text=_("Hoặc mã của đơn vị cấp trên (thay cho parent).")
    )
    contacts = ContactsSerializer(source="*", required=False)

    class Meta:
        model = OrgNode
        fields: list[str] = []
        extra_kwargs = {
            "code": {
                "validators": [
                    UniqueValidator(
                        queryset=OrgNode.objects.all(),
                        message=_("Mã này đã được dùng cho một đơn vị khác."),
                    )
                ]
            },
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "parent" in attrs and "parent_code" in attrs:
            raise serializers.ValidationError(
                {"parent_code": _("Chỉ gửi một trong hai trường parent hoặc parent_code.")}
            )
        # Same rule as the registry form: eligibility depends on these, so they cannot be blank.
        instance: OrgNode | None = self.instance
        kind = attrs.get("kind") or (instance.kind if instance else "")

        def value(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(instance, name, "")

        if kind == NodeKind.ENTERPRISE and not value("enterprise_size"):
            raise serializers.ValidationError({"enterprise_size": _("Vui lòng chọn quy mô doanh nghiệp.")})
        if kind == NodeKind.SCHOOL and not value("education_level"):
            raise serializers.ValidationError({"education_level": _("Vui lòng chọn cấp học.")})
        return attrs


class UnitCreateSerializer(_UnitWriteSerializer):
    """Register a unit: give the parent by `parent` (id) or `parent_code`."""

    # One "kind" choice set across the schema (clients get a single enum); the unit kinds are
    # enforced below.
    kind = serializers.ChoiceField(
        choices=NodeKind.choices,
        help_text=_("Một trong các loại đơn vị: residential_area, agency, enterprise, school."),
    )

    class Meta:
        model = OrgNode
        fields = ["kind", *_UNIT_WRITE_FIELDS, "contacts", "parent", "parent_code"]
        extra_kwargs = _UnitWriteSerializer.Meta.extra_kwargs

    def validate_kind(self, value: str) -> str:
        if value not in UNIT_KINDS:
            raise serializers.ValidationError(_("Loại đơn vị không hợp lệ."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "parent" not in attrs and "parent_code" not in attrs:
            raise serializers.ValidationError({"parent": _("Vui lòng chọn đơn vị cấp trên.")})
        return super().validate(attrs)


class UnitUpdateSerializer(_UnitWriteSerializer):
    """Change some fields of a unit; `version` is the one the client last read (kind is fixed)."""

    version = serializers.IntegerField(
        min_value=1, help_text=_("Phiên bản đã đọc; nếu người khác đã sửa trước, API trả 409.")
    )

    class Meta:
        model = OrgNode
        fields = [*_UNIT_WRITE_FIELDS, "contacts", "parent", "parent_code", "version"]
        extra_kwargs = _UnitWriteSerializer.Meta.extra_kwargs

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # PATCH skips "required"; the version is what makes concurrent edits safe, so insist.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": _("Vui lòng gửi phiên bản (version) đã đọc.")})
        return super().validate(attrs)


class UnitStatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500, help_text=_("Lý do (ghi vào nhật ký)."))
    version = serializers.IntegerField(min_value=1, help_text=_("Phiên bản đã đọc."))


class UnitFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Query-string filters of the unit list; the same as the registry screen's."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Tìm theo tên hoặc mã, gõ có dấu hoặc không dấu."),
    )
    kind = serializers.ChoiceField(choices=UNIT_KIND_CHOICES, required=False, allow_blank=True)
    commune = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ đơn vị trực thuộc nút này (id).")
    )
    eligibility = serializers.ChoiceField(
        choices=[("eligible", _("Thuộc diện xét")), ("excluded", _("Không thuộc diện"))],
        required=False,
        allow_blank=True,
    )
    status = serializers.ChoiceField(
        choices=[("active", _("Đang hoạt động")), ("inactive", _("Ngừng hoạt động"))],
        required=False,
        allow_blank=True,
    )
    within = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Chỉ đơn vị thuộc cây con của nút này (id).")
    )


# --- Memberships ---------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class MembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    user = UserRefSerializer(read_only=True)
    node = NodeRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "node",
            "role",
            "role_label",
            "include_descendants",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user = serializers.IntegerField(min_value=1, help_text=_("Người dùng (id) trong phạm vi bạn quản lý."))
    node = serializers.IntegerField(min_value=1, help_text=_("Nút (id) được cấp quyền."))
    role = serializers.ChoiceField(choices=Role.choices)
    include_descendants = serializers.BooleanField(default=True)


class MembershipFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user = serializers.IntegerField(required=False, min_value=1)
    node = serializers.IntegerField(required=False, min_value=1)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500, help_text=_("Lý do (ghi vào nhật ký)."))


# --- Me ------------------------------------------------------------------------------------


class OwnMembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    node = NodeRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "node", "role", "role_label", "include_descendants"]
        read_only_fields = fields


class RoleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # Named "role" like the membership field, so the schema has a single role enum.
    role = serializers.ChoiceField(choices=Role.choices)
    label = serializers.CharField()  # type: ignore[assignment]

    @staticmethod
    def items(codes: set[str]) -> list[dict[str, str]]:
        return [{"role": role.value, "label": str(role.label)} for role in Role if role in codes]


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    # Blank when the account has none: an EmailField would promise an address ("format: email").
    email = serializers.CharField(allow_blank=True, help_text=_("Thư điện tử; để trống nếu chưa có."))
    roles = RoleSerializer(many=True)
    grantable_roles = RoleSerializer(many=True, help_text=_("Vai trò bạn được cấp cho người khác."))
    actions = serializers.ListField(
        child=serializers.CharField(), help_text=_("Các thao tác bạn được làm ở ít nhất một nơi.")
    )
    memberships = OwnMembershipSerializer(many=True)
