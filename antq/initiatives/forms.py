"""Forms of the initiatives app: registry, members, activity, evaluation, retirement, replication,
the catalogue, and the list's filters. Indicator inputs are built from the initiative's own
definitions (`ind_<key>` fields)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from antq.evidence.models import EvidenceDocument
from antq.initiatives.catalogue import KEY_RE, ratings
from antq.initiatives.choices import InitiativeStatus
from antq.initiatives.models import InitiativeType
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

PREFIX = "ind_"


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit shows its commune ("Tổ dân phố 1 — Phường Quy Nhơn"); a commune says it is one."""

    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        if obj.kind == NodeKind.COMMUNE:
            return f"{obj.name} ({_('toàn xã')})"
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name  # type: ignore[union-attr]


class DocumentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Number (or the document's type when it has none), date, title."""

    def label_from_instance(self, obj: EvidenceDocument) -> str:  # type: ignore[override]
        number = obj.number_symbol or obj.get_doc_type_display()
        return f"{number} · {obj.issue_date:%d/%m/%Y} · {obj.title}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today_max(field: forms.Field) -> None:
    field.widget.attrs["max"] = timezone.localdate().isoformat()


class IndicatorFieldsMixin:
    """Adds one optional whole-number input per indicator of the initiative."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_indicators(self, definitions: list[dict[str, str]]) -> None:
        self.indicator_keys = [d["key"] for d in definitions]
        for d in definitions:
            label = f"{d['label']} ({d['unit']})" if d.get("unit") else d["label"]
            self.fields[PREFIX + d["key"]] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                error_messages={
                    "min_value": format_lazy(_("{label} không được âm."), label=d["label"]),
                    "invalid": format_lazy(_("{label} phải là số nguyên."), label=d["label"]),
                },
            )

    def indicator_values(self) -> dict[str, int]:
        return {
            key: self.cleaned_data[PREFIX + key]
            for key in self.indicator_keys
            if self.cleaned_data.get(PREFIX + key) is not None
        }


class InitiativeForm(forms.Form):
    """The registry facts of an initiative; node and type only when it is created."""

    node = NodeChoiceField(label=_("Đơn vị (hoặc xã)"), queryset=OrgNode.objects.none())
    initiative_type = forms.ModelChoiceField(label=_("Loại mô hình"), queryset=InitiativeType.objects.none())
    name = forms.CharField(label=_("Tên mô hình"), max_length=300)
    description = forms.CharField(
        label=_("Mô tả, cách thức hoạt động"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    founding_decision = DocumentChoiceField(
        label=_("Quyết định thành lập (tài liệu minh chứng của đơn vị)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
    )
    lead_name = forms.CharField(label=_("Họ tên người phụ trách"), max_length=200, required=False)
    lead_position = forms.CharField(label=_("Chức vụ người phụ trách"), max_length=200, required=False)
    started_on = forms.DateField(label=_("Ngày bắt đầu hoạt động"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        nodes: Any = None,
        types: Any = None,
        documents: Any = None,
        editing: bool = False,
        pick_node_first: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["node"]
            del self.fields["initiative_type"]
        else:
            self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
            self.fields["initiative_type"].queryset = types  # type: ignore[attr-defined]
        if pick_node_first:
            # No list before the node is known: only that node's documents may be cited.
            field = self.fields["founding_decision"]
            field.disabled = True
            field.help_text = _("Chọn đơn vị trước để chọn tài liệu.")
        elif documents is None:
            del self.fields["founding_decision"]
        else:
            self.fields["founding_decision"].queryset = documents  # type: ignore[attr-defined]
            self.fields["founding_decision"].help_text = _(
                "Tải quyết định lên sổ tài liệu minh chứng của đơn vị trước, rồi chọn ở đây."
            )
        _today_max(self.fields["started_on"])

    def clean_started_on(self) -> Any:
        day = self.cleaned_data["started_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày bắt đầu hoạt động không được sau ngày hôm nay."))
        return day

    def facts(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"node", "version"}}


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Họ tên thành viên"), max_length=200)
    role = forms.CharField(label=_("Vai trò trong mô hình"), max_length=200, required=False)
    joined_on = forms.DateField(label=_("Ngày tham gia"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_max(self.fields["joined_on"])


class ActivityForm(IndicatorFieldsMixin, forms.Form):
    occurred_on = forms.DateField(label=_("Ngày hoạt động"), widget=DateInput())
    content = forms.CharField(label=_("Nội dung hoạt động"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, indicators: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_max(self.fields["occurred_on"])
        self.add_indicators(indicators)


class EvaluationForm(IndicatorFieldsMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    rating = forms.ChoiceField(label=_("Xếp loại"))
    comment = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, indicators: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = ratings()
        self.fields["rating"].choices = [("", "—"), *levels.choices()]  # type: ignore[attr-defined]
        effective = ", ".join(level.label for level in levels.levels if level.effective)
        self.fields["rating"].help_text = _(
            "Được tính là hoạt động hiệu quả (QĐ 510 mục 7): %(levels)s. Căn cứ: %(source)s."
        ) % {"levels": effective, "source": levels.source}
        self.add_indicators(indicators)
        for key in self.indicator_keys:
            self.fields[PREFIX + key].help_text = _("Số liệu cả năm.")


class RetireForm(forms.Form):
    retired_on = forms.DateField(label=_("Ngày thanh loại"), widget=DateInput())
    reason = forms.CharField(
        label=_("Lý do thanh loại"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: mô hình chỉ tồn tại trên giấy, không còn hoạt động từ tháng 3."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _today_max(self.fields["retired_on"])


class NodeMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        return NodeChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class ReplicateForm(forms.Form):
    nodes = NodeMultipleChoiceField(
        label=_("Nhân rộng đến các đơn vị"),
        queryset=OrgNode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vui lòng chọn ít nhất một đơn vị để nhân rộng.")},
    )

    def __init__(self, *args: Any, nodes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nodes"].queryset = nodes  # type: ignore[attr-defined]


class MemberRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


INDICATOR_LINE = re.compile(r"^\s*([^|]+?)\s*\|\s*([^|]+?)\s*(?:\|\s*([^|]*?)\s*)?$")


class TypeForm(forms.Form):
    """A new type of the catalogue; indicators one a line: `key | label | unit`."""

    code = forms.CharField(
        label=_("Mã loại"),
        max_length=40,
        help_text=_("Chữ thường không dấu, chữ số, dấu gạch dưới; ví dụ: nha_van_hoa_an_toan."),
    )
    name = forms.CharField(label=_("Tên loại mô hình"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    indicators = forms.CharField(
        label=_("Chỉ số theo dõi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một chỉ số: mã | tên chỉ số | đơn vị. Ví dụ: so_hoi_vien | Số hội viên | người"
        ),
    )

    def clean_indicators(self) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        errors: list[str] = []
        for number, line in enumerate(str(self.cleaned_data.get("indicators") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = INDICATOR_LINE.match(line)
            if match is None or not KEY_RE.match(match.group(1)):
                errors.append(
                    str(
                        _("Dòng %(n)s: cần “mã | tên chỉ số | đơn vị”, mã chỉ gồm chữ thường, số, gạch dưới.")
                    )
                    % {"n": number}
                )
                continue
            key = match.group(1)
            if any(item["key"] == key for item in out):
                errors.append(str(_("Dòng %(n)s: mã “%(key)s” bị trùng.")) % {"n": number, "key": key})
                continue
            out.append({"key": key, "label": match.group(2), "unit": match.group(3) or ""})
        if errors:
            raise forms.ValidationError(errors)
        return out


class InitiativeFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    initiative_type = forms.ModelChoiceField(
        label=_("Loại mô hình"),
        queryset=InitiativeType.objects.none(),
        required=False,
        empty_label=_("Tất cả"),
    )
    status = forms.ChoiceField(label=_("Tình trạng"), required=False)
    within = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative_type"].queryset = InitiativeType.objects.order_by("order", "name")  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", _("Tất cả")), *InitiativeStatus.choices]  # type: ignore[attr-defined]
