"""Forms of the forces app: teams, members, dissolution, guard-force results, rounds and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.evidence.models import EvidenceDocument
from antq.forces.choices import POSITIONS_OF_KIND, Position, TeamKind, TeamStatus
from antq.forces.rules import rules
from antq.org.models import OrgNode


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name  # type: ignore[union-attr]


class DocumentSelect(forms.Select):
    """Each document option carries its unit (`data-node`) so the form can show only the chosen unit's."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if isinstance(instance, EvidenceDocument):
            option["attrs"]["data-node"] = str(instance.node_id)
        return option


class DocumentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    widget = DocumentSelect
    with_node = False

    def label_from_instance(self, obj: EvidenceDocument) -> str:  # type: ignore[override]
        number = f"{obj.number_symbol}, " if obj.number_symbol else ""
        label = f"{number}{obj.issue_date:%d/%m/%Y} — {obj.title}"
        return f"{obj.node.name}: {label}" if self.with_node else label


class TeamForm(forms.Form):
    """A team's facts; on creation also its unit and kind."""

    node = NodeChoiceField(label=_("Đơn vị"), queryset=OrgNode.objects.none())
    kind = forms.ChoiceField(label=_("Loại lực lượng"), choices=TeamKind.choices)
    name = forms.CharField(label=_("Tên tổ, lực lượng"), max_length=255)
    founded_on = forms.DateField(label=_("Ngày thành lập"), widget=DateInput())
    founding_document = DocumentChoiceField(
        label=_("Quyết định thành lập (trong hồ sơ minh chứng)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        node, document = data.get("node"), data.get("founding_document")
        if node is not None and document is not None and document.node_id != node.pk:
            self.add_error(
                "founding_document",
                _("Quyết định thành lập phải là tài liệu trong hồ sơ minh chứng của đơn vị đã chọn."),
            )
        return data

    def __init__(
        self,
        *args: Any,
        nodes: Any = None,
        documents: Any = None,
        editing: bool = False,
        label_units: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["node"]
            del self.fields["kind"]
        else:
            self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
            del self.fields["version"]
        if documents is not None:
            field = self.fields["founding_document"]
            field.queryset = documents  # type: ignore[attr-defined]
            # Documents of several units on offer (no unit chosen yet): say whose each one is.
            field.with_node = label_units  # type: ignore[attr-defined]
        self.fields["founded_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    position = forms.ChoiceField(label=_("Chức danh"))
    joined_on = forms.DateField(label=_("Ngày tham gia"), widget=DateInput())
    left_on = forms.DateField(label=_("Ngày thôi tham gia"), widget=DateInput(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(p, Position(p).label) for p in POSITIONS_OF_KIND[kind]],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("joined_on"), data.get("left_on")
        if isinstance(joined, dt.date) and isinstance(left, dt.date) and left < joined:
            self.add_error("left_on", _("Ngày thôi tham gia không được trước ngày tham gia."))
        return data


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("Ngày giải thể"), widget=DateInput())
    reason = forms.CharField(label=_("Lý do giải thể"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class GuardRatingForm(forms.Form):
    result = forms.ChoiceField(label=_("Kết quả xếp loại hoặc danh hiệu thi đua"))
    evidence = DocumentChoiceField(
        label=_("Tài liệu minh chứng (quyết định công nhận)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "—"), *rules().result_choices()]  # type: ignore[attr-defined]
        self.fields["evidence"].queryset = documents  # type: ignore[attr-defined]


class RoundOpenForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Xã, phường, đặc khu"), queryset=OrgNode.objects.none())
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    evaluated_on = forms.DateField(
        label=_("Ngày đánh giá"),
        widget=DateInput(),
        required=False,
        help_text=_("Bỏ trống: hôm nay, hoặc ngày cuối kỳ đánh giá nếu kỳ đã kết thúc."),
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]


class TeamFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Loại lực lượng"), required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *TeamKind.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", _("Tất cả")), *TeamStatus.choices]  # type: ignore[attr-defined]
