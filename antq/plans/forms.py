"""Forms of the plans screens: one small form per thing (usable on a phone), never a formset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.plans.choices import PlanLevel, PlanStatus, TargetMeasure, TaskStatus, UnitType
from antq.plans.metrics import metric_choices
from antq.plans.models import Plan, PlanTarget, PlanTask


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit shows its commune ("Tổ dân phố 1 — Phường Quy Nhơn")."""

    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        if obj.kind in (NodeKind.COMMUNE, NodeKind.PROVINCE, NodeKind.NATION) or not obj.parent_id:
            return obj.name
        return f"{obj.name} — {obj.parent.name}"  # type: ignore[union-attr]


class FieldsOnly:
    """ModelForms here only borrow the model's labels and widgets: the services validate and save
    (skipping the model's own checks, whose constraint messages are not written for users)."""

    def _post_clean(self) -> None:
        return None


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=[("", _("Tất cả")), *PlanLevel.choices])
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *PlanStatus.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tất cả")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]


_TEXTAREA = forms.Textarea(attrs={"rows": 5})


class PlanForm(FieldsOnly, forms.ModelForm):  # type: ignore[type-arg]
    """The text of a draft plan (the number, date and signer are given when it is issued)."""

    version = VersionField(required=False)

    class Meta:
        model = Plan
        fields = [
            "year",
            "title",
            "issuer_parent",
            "issuer_name",
            "place",
            "symbol",
            "bases",
            "purpose",
            "organisation",
            "recipients",
            "signer_prefix",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "bases": _TEXTAREA,
            "purpose": forms.Textarea(attrs={"rows": 8}),
            "organisation": forms.Textarea(attrs={"rows": 6}),
            "recipients": _TEXTAREA,
        }
        help_texts = {
            "bases": _("Mỗi dòng một căn cứ: “Thực hiện Kế hoạch số …”, “Căn cứ …”."),
            "recipients": _("Mỗi dòng một nơi nhận, ví dụ “Công an tỉnh”, “Lưu: VT”."),
            "purpose": _("Mỗi dòng một đoạn: 1. Mục đích …; 2. Yêu cầu …"),
            "issuer_parent": _("Chỉ điền khi cơ quan ban hành có cơ quan chủ quản (ví dụ UBND tỉnh)."),
        }


class PlanCreateForm(PlanForm):
    node = NodeChoiceField(label=_("Cấp ban hành"), queryset=OrgNode.objects.none())

    class Meta(PlanForm.Meta):
        fields = ["node", "year", "title", "purpose", "organisation"]

    def __init__(self, *args: Any, nodes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
        del self.fields["version"]


class CascadeForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("Kế hoạch cấp trên"), queryset=Plan.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = lambda p: f"{p.code} · {p.node.name} · {p.title}"  # type: ignore[attr-defined]


class TargetForm(FieldsOnly, forms.ModelForm):  # type: ignore[type-arg]
    version = VersionField(required=False)
    unit_types = forms.MultipleChoiceField(
        label=_("Áp dụng cho loại đơn vị"),
        choices=UnitType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanTarget
        fields = ["order", "label", "metric", "measure", "comparison", "value", "of_what", "unit_types"]
        help_texts = {
            "of_what": _("Ví dụ: “khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký phong trào”."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["comparison"].required = False  # blank = "từ … trở lên"
        self.fields["measure"].choices = [("", "—"), *TargetMeasure.choices]  # type: ignore[attr-defined]
        self.fields["metric"] = forms.ChoiceField(
            label=_("Đo bằng số liệu"),
            choices=[("", _("— không tính tự động —")), *metric_choices()],
            required=False,
            help_text=_("Chọn để bảng điều hành tự tính kết quả thực hiện chỉ tiêu này."),
        )


class TaskForm(FieldsOnly, forms.ModelForm):  # type: ignore[type-arg]
    version = VersionField(required=False)

    class Meta:
        model = PlanTask
        fields = [
            "order",
            "content",
            "measures",
            "lead_unit",
            "coordinating_units",
            "deadline",
            "check_method",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 5}),
            "deadline": DateInput(),
        }
        help_texts = {
            "deadline": _(
                "Trong năm của kế hoạch và không trước ngày hôm nay. Để trống nếu là nhiệm vụ thường xuyên."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False


class IssueForm(forms.Form):
    version = VersionField()
    number = forms.CharField(label=_("Số"), max_length=20, help_text=_("Chỉ nhập số, ví dụ 45."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DateInput())
    signer_prefix = forms.CharField(label=_("Thẩm quyền ký"), max_length=60, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120)


class CancelForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    version = VersionField()
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    reason = forms.CharField(
        label=_("Ghi chú"),
        max_length=500,
        required=False,
        help_text=_("Bắt buộc khi mở lại một nhiệm vụ đã hoàn thành."),
    )
