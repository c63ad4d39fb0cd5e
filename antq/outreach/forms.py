"""Forms of the outreach screens: sessions, the list's filters, imports, festival days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from antq.evidence.models import EvidenceDocument
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.outreach.choices import AttendanceMode, Audience, DeliveryForm, Participation, SessionKind
from antq.outreach.models import MAX_YEAR, MIN_YEAR


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit shows its commune ("Tổ dân phố 1 — Phường Quy Nhơn"); a commune says it is one."""

    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        if obj.kind == NodeKind.COMMUNE:
            return f"{obj.name} ({_('toàn xã')})"
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name  # type: ignore[union-attr]


NO_NODE_HINT = _("Chọn đơn vị trước để chọn tài liệu.")


def document_label(obj: EvidenceDocument) -> str:
    """Number (or the document's type when it has none), date, title: "12/KH-CAX · 10/03/2025 · …"."""
    number = obj.number_symbol or obj.get_doc_type_display()
    return f"{number} · {obj.issue_date:%d/%m/%Y} · {obj.title}"


class EvidenceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: EvidenceDocument) -> str:  # type: ignore[override]
        return document_label(obj)


class PhotoChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: EvidenceDocument) -> str:  # type: ignore[override]
        return document_label(obj)


def no_node_yet(field: forms.Field) -> None:
    """A document picker before the node is known: no list, a hint instead."""
    field.queryset = EvidenceDocument.objects.none()  # type: ignore[attr-defined]
    field.disabled = True
    field.help_text = NO_NODE_HINT


def count_messages(label: Any, minimum: int) -> dict[str, Any]:
    """Errors of a whole-number input that name it ("Số người tham dự không được âm.")."""
    low = (
        format_lazy(_("{label} không được âm."), label=label)
        if minimum == 0
        else format_lazy(_("{label} phải từ {min} trở lên."), label=label, min=minimum)
    )
    return {
        "min_value": low,
        "max_value": format_lazy(_("{label} quá lớn."), label=label),
        "invalid": format_lazy(_("{label} phải là số nguyên."), label=label),
    }


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionForm(forms.Form):
    """A session's facts; the service checks them together (and the evidence's node and year)."""

    node = NodeChoiceField(label=_("Đơn vị (hoặc xã)"), queryset=OrgNode.objects.none())
    kind = forms.ChoiceField(label=_("Loại hoạt động"), choices=SessionKind.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label=_("Ngày tổ chức"), widget=DateInput())
    topic = forms.CharField(label=_("Chủ đề, nội dung"), max_length=300)
    audiences = forms.MultipleChoiceField(
        label=_("Đối tượng"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=300)
    delivery = forms.ChoiceField(
        label=_("Hình thức"), choices=[("", "—"), *DeliveryForm.choices], required=False
    )
    attendance_mode = forms.ChoiceField(
        label=_("Cách ghi người tham dự"),
        choices=AttendanceMode.choices,
        widget=forms.RadioSelect,
        initial=AttendanceMode.HEADCOUNT,
        help_text=_(
            "Danh sách (nhập từ tệp Excel) cho phép tính mỗi người một lần qua nhiều buổi; số lượng thì "
            "không: khi tính tỷ lệ, chỉ cộng số lượng của buổi đông nhất."
        ),
    )
    headcount = forms.IntegerField(
        label=_("Số người tham dự"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        error_messages=count_messages(_("Số người tham dự"), 1),
    )
    evidence = EvidenceChoiceField(
        label=_("Tài liệu minh chứng (ảnh, biên bản)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
        help_text=_("Tài liệu đã nộp vào hồ sơ minh chứng của chính đơn vị."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, nodes: Any, evidence: Any, fixed_node: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
        if evidence is None:
            no_node_yet(self.fields["evidence"])
        else:
            self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if fixed_node:
            # The node of a recorded session does not change (its list's people belong to it).
            del self.fields["node"]

    def clean_held_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("Ngày tổ chức không được sau ngày hôm nay: chỉ ghi buổi đã diễn ra.")
            )
        return day

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"node", "version"}}


class SessionFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả")), *SessionKind.choices]
    )
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput())
    include_withdrawn = forms.BooleanField(label=_("Gồm cả buổi đã rút"), required=False)


class WithdrawForm(forms.Form):
    """Withdraw a session recorded in error: why, and the version the user saw."""

    reason = forms.CharField(label=_("Lý do rút buổi"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (.xlsx)"),
        help_text=_("Cột: Họ và tên; Số CCCD / Mã nhân viên; Bộ phận / Lớp / Tổ; Năm sinh."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class AttendanceConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class FestivalForm(forms.Form):
    """Plan (or edit) a festival day; photos and the plan come from the node's evidence dossier."""

    node = NodeChoiceField(label=_("Đơn vị (hoặc xã)"), queryset=OrgNode.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    participation = forms.ChoiceField(
        label=_("Hình thức tham gia"),
        choices=Participation.choices,
        widget=forms.RadioSelect,
        initial=Participation.HOSTED,
    )
    host = NodeChoiceField(
        label=_("Nơi tổ chức Ngày hội mà đơn vị tham gia"),
        queryset=OrgNode.objects.none(),
        required=False,
        help_text=_("Chỉ khi tham gia Ngày hội do xã hoặc đơn vị khác cùng xã tổ chức."),
    )
    plan_document = EvidenceChoiceField(
        label=_("Kế hoạch tổ chức (tài liệu minh chứng)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
    )
    planned_on = forms.DateField(label=_("Ngày dự kiến"), required=False, widget=DateInput())
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    activities = forms.CharField(
        label=_("Các hoạt động"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotoChoiceField(
        label=_("Ảnh (từ hồ sơ minh chứng)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        nodes: Any,
        hosts: Any,
        documents: Any,
        photos: Any,
        fixed_node: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]
        if documents is None:
            no_node_yet(self.fields["plan_document"])
            no_node_yet(self.fields["photos"])
        else:
            self.fields["plan_document"].queryset = documents  # type: ignore[attr-defined]
            self.fields["photos"].queryset = photos  # type: ignore[attr-defined]
        if fixed_node:
            del self.fields["node"]
            del self.fields["year"]

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"node", "year", "version", "photos"}}


class FestivalHeldForm(forms.Form):
    """planned → held: when it was held and how many took part."""

    held_on = forms.DateField(label=_("Ngày tổ chức"), widget=DateInput())
    attendance = forms.IntegerField(
        label=_("Số người tham dự"),
        min_value=1,
        max_value=10_000_000,
        error_messages=count_messages(_("Số người tham dự"), 1),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    activities = forms.CharField(
        label=_("Các hoạt động đã tổ chức"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The festival day (19/8) is a calendar-year event: its day lies in the festival's own year.
        held_on = self.fields["held_on"]
        held_on.label = _("Ngày tổ chức (trong năm %(year)s)") % {"year": year}
        held_on.help_text = _(
            "Ngày hội năm %(year)s: chọn một ngày từ 01/01/%(year)s đến 31/12/%(year)s."
        ) % {"year": year}
        last = min(dt.date(year, 12, 31), timezone.localdate())
        held_on.widget.attrs.update(min=dt.date(year, 1, 1).isoformat(), max=last.isoformat())


class FestivalFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
