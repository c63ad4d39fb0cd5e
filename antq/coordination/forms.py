"""Forms of the coordination app: agreements, execution log, review meetings, ending, campaigns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.coordination.choices import AgreementKind, MeetingKind
from antq.evidence.models import EvidenceDocument
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


class DescribedBoundField(BoundField):
    """Points the widget at its error list (`<id>_error`, rendered by core/_form.html) as well as
    its help text, so a screen reader reads the message with the field."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            ids = [f"{self.auto_id}_error"]
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class BaseForm(forms.Form):
    bound_field_class = DescribedBoundField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit shows its commune ("Trường THCS Nguyễn Du — Phường Quy Nhơn"); a commune says it is one."""

    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        if obj.kind == NodeKind.COMMUNE:
            return f"{obj.name} ({_('toàn xã')})"
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name  # type: ignore[union-attr]


class DocumentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: EvidenceDocument) -> str:  # type: ignore[override]
        number = f"{obj.number_symbol} — " if obj.number_symbol else ""
        return f"{number}{obj.title} ({obj.issue_date:%d/%m/%Y})"


def _documents_field(label: Any, documents: Any) -> DocumentChoiceField:
    field = DocumentChoiceField(
        label=label,
        queryset=documents if documents is not None else EvidenceDocument.objects.none(),
        required=False,
        empty_label=_("— Không đính kèm —"),
    )
    if documents is None:
        field.widget = forms.HiddenInput()
    return field


class AgreementForm(BaseForm):
    """A quy chế / kế hoạch phối hợp. `nodes` is given on creation only (the node never changes);
    `documents` (the node's evidence register) once the node is known."""

    node = NodeChoiceField(label=_("Đơn vị"), queryset=OrgNode.objects.none())
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=[("", "—"), *AgreementKind.choices])
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"), max_length=60, required=False, help_text=_("Ví dụ: 12/QC-PH, 05/KH-CAP.")
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    signed_on = _date_field(_("Ngày ký"))
    police_party = forms.CharField(
        label=_("Đơn vị Công an phối hợp"), max_length=255, help_text=_("Ví dụ: Công an phường Quy Nhơn.")
    )
    other_parties = forms.CharField(
        label=_("Các bên phối hợp khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một cơ quan, tổ chức."),
    )
    term_start = _date_field(
        _("Hiệu lực từ ngày"), required=False, help_text=_("Để trống: có hiệu lực từ ngày ký.")
    )
    term_end = _date_field(
        _("Hiệu lực đến ngày"), required=False, help_text=_("Để trống nếu không thời hạn.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, nodes: Any = None, documents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nodes is None:
            del self.fields["node"]
            self.fields["version"].required = True
        else:
            self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
            del self.fields["version"]
        self.fields["document"] = _documents_field(_("Văn bản trong hồ sơ minh chứng"), documents)
        self.fields["signed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def facts(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"node", "version"}}


class ExecutionForm(BaseForm):
    occurred_on = _date_field(_("Ngày thực hiện"))
    content = forms.CharField(label=_("Nội dung thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Kết quả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "execution")
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class MeetingForm(BaseForm):
    held_on = _date_field(_("Ngày họp"))
    kind = forms.ChoiceField(label=_("Hình thức"), choices=[("", "—"), *MeetingKind.choices])
    summary = forms.CharField(label=_("Nội dung, kết luận"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, documents: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "meeting")
        super().__init__(*args, **kwargs)
        self.fields["minutes"] = _documents_field(_("Biên bản, báo cáo (hồ sơ minh chứng)"), documents)
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class EndForm(BaseForm):
    ended_on = _date_field(_("Ngày chấm dứt"))
    reason = forms.CharField(label=_("Lý do chấm dứt"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "end")
        super().__init__(*args, **kwargs)


class CampaignForm(BaseForm):
    """The unit's part in a local movement or campaign; `nodes` on creation only."""

    node = NodeChoiceField(label=_("Đơn vị"), queryset=OrgNode.objects.none())
    campaign = forms.CharField(
        label=_("Tên phong trào, cuộc vận động"),
        max_length=300,
        help_text=_("Ví dụ: Ngày hội toàn dân bảo vệ ANTQ; Toàn dân đoàn kết xây dựng đời sống văn hóa."),
    )
    organizer = forms.CharField(
        label=_("Cơ quan phát động"), max_length=255, help_text=_("Ví dụ: UBND phường Quy Nhơn.")
    )
    took_part_on = _date_field(_("Ngày tham gia"))
    contribution = forms.CharField(
        label=_("Vai trò, đóng góp"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, nodes: Any = None, documents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nodes is None:
            del self.fields["node"]
            self.fields["version"].required = True
        else:
            self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
            del self.fields["version"]
        self.fields["document"] = _documents_field(_("Tài liệu minh chứng"), documents)
        self.fields["took_part_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def facts(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"node", "version"}}


class FilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    within = forms.IntegerField(required=False, widget=forms.HiddenInput)
