from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.models import OrgNode
from antq.org.services import UNIT_FIELDS, suggest_unit_code


class ParentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        return obj.name if obj.kind == NodeKind.COMMUNE else f"{obj.name} ({_('cấp tỉnh')})"


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    """Registry form; the same form serves create and edit (kind is fixed once created)."""

    parent = ParentChoiceField(
        label=_("Trực thuộc (xã, phường, đặc khu hoặc tỉnh)"), queryset=OrgNode.objects.none()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OrgNode
        # The services' field list, with the parent placed after the identity fields.
        fields = [*UNIT_FIELDS[:4], "parent", *UNIT_FIELDS[4:]]
        # Attributes that only one kind of unit has; antq.js hides them for the other kinds.
        widgets = {
            "enterprise_size": forms.Select(attrs={"data-kinds": "enterprise"}),
            "tax_code": forms.TextInput(attrs={"data-kinds": "enterprise"}),
            "education_level": forms.Select(attrs={"data-kinds": "school"}),
            "is_armed_forces": forms.CheckboxInput(attrs={"data-kinds": "agency"}),
            "subunit_count": forms.NumberInput(attrs={"data-kinds": "agency enterprise school"}),
        }
        help_texts = {
            "code": _("Mã duy nhất trong toàn quốc, dùng khi nhập lại từ tệp Excel."),
            "people_count": _(
                "Khu dân cư: số hộ gia đình; cơ quan, doanh nghiệp, trường học: số cán bộ, người lao động."
            ),
            "enterprise_size": _("Doanh nghiệp nhỏ, siêu nhỏ không thuộc diện xét theo TT 124/2021/TT-BCA."),
            "education_level": _("Tiểu học, mầm non, nhà trẻ không thuộc diện xét theo TT 124/2021/TT-BCA."),
        }

    def __init__(self, *args: Any, parents: Any, code_editable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["code"].required = False
            self.fields["code"].help_text = _(
                "Để trống để hệ thống tự đặt theo mẫu mã xã + loại + số thứ tự, ví dụ X21583-KDC05."
            )
        elif not code_editable:
            # Imports find units by code; only an administrator corrects a mistyped one.
            self.fields["code"].disabled = True
        self.fields["kind"].choices = [(v, label) for v, label in NodeKind.choices if v in UNIT_KINDS]  # type: ignore[attr-defined]
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["version"].initial = self.instance.version
            # Without the version the lost-update check would be skipped.
            self.fields["version"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A blank code on a new unit gets the next free one before the model is validated.
        if not self.instance.pk and not data.get("code") and data.get("parent") and data.get("kind"):
            data["code"] = suggest_unit_code(data["parent"], data["kind"])
        return data


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Tên hoặc mã, gõ có dấu hoặc không dấu"), "type": "search"}
        ),
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    eligibility = forms.ChoiceField(
        label=_("Diện xét"),
        required=False,
        choices=[("", _("Tất cả")), ("eligible", _("Thuộc diện xét")), ("excluded", _("Không thuộc diện"))],
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("active", _("Đang hoạt động")), ("inactive", _("Ngừng hoạt động"))],
    )
    commune = forms.IntegerField(required=False, widget=forms.HiddenInput)
    within = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả"))] + [  # type: ignore[attr-defined]
            (v, label) for v, label in NodeKind.choices if v in UNIT_KINDS
        ]
