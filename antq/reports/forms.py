"""Forms of the reports screens: small, one thing each (usable on a phone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.reports.choices import LEVEL_ORDER, ReportLevel, ReportStatus
from antq.reports.models import Report, ReportDefinition
from antq.reports.statistics import row_choices


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput


BOXES = [
    ("all", _("Tất cả báo cáo được xem")),
    ("mine", _("Báo cáo của đơn vị mình")),
    ("received", _("Báo cáo cấp dưới gửi")),
]


class ReportFilterForm(forms.Form):
    box = forms.ChoiceField(label=_("Xem"), choices=BOXES, required=False)
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    definition = forms.TypedChoiceField(label=_("Loại báo cáo"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *ReportStatus.choices]
    )

    def __init__(
        self, *args: Any, years: list[int], definitions: list[ReportDefinition], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tất cả")), *[(y, str(y)) for y in years]]  # type: ignore[attr-defined]
        self.fields["definition"].choices = [("", _("Tất cả")), *[(d.pk, d.title) for d in definitions]]  # type: ignore[attr-defined]


class BoardForm(forms.Form):
    definition = forms.TypedChoiceField(label=_("Loại báo cáo"), coerce=int, required=False, empty_value=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    node = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, definitions: list[ReportDefinition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].choices = [(d.pk, d.title) for d in definitions]  # type: ignore[attr-defined]


class NarrativeForm(forms.Form):
    """One textarea per section of the report, under the section's heading."""

    version = VersionField()

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index, item in enumerate(report.narrative_items()):
            self.fields[f"text_{index}"] = forms.CharField(
                label=f"{index + 1}. {item.get('heading', '')}",
                required=False,
                initial=item.get("text", ""),
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        self.count = len(report.narrative_items())

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(f"text_{i}", "") for i in range(self.count)]


class VersionForm(forms.Form):
    version = VersionField()


class ReturnForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StartForm(forms.Form):
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True, required=False)


_MONTH_DAY = {"placeholder": "MM-DD", "pattern": r"\d{2}-\d{2}", "inputmode": "numeric"}


class DefinitionForm(forms.Form):
    """A province's own periodic report."""

    version = VersionField(required=False)
    title = forms.CharField(label=_("Tên báo cáo"), max_length=300)
    code = forms.CharField(
        label=_("Mã"), max_length=40, required=False, help_text=_("Để trống: tạo từ tên báo cáo.")
    )
    period_start = forms.CharField(
        label=_("Kỳ báo cáo từ (tháng-ngày)"), max_length=5, widget=forms.TextInput(attrs=_MONTH_DAY)
    )
    period_end = forms.CharField(
        label=_("Kỳ báo cáo đến (tháng-ngày)"), max_length=5, widget=forms.TextInput(attrs=_MONTH_DAY)
    )
    sections = forms.CharField(
        label=_("Các phần nội dung"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mỗi dòng một phần, ví dụ “Tình hình chung”, “Kết quả thực hiện”."),
    )
    statistics = forms.MultipleChoiceField(
        label=_("Các chỉ số thống kê"), required=False, widget=forms.CheckboxSelectMultiple
    )
    basis = forms.CharField(
        label=_("Căn cứ các mốc thời gian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

    def __init__(self, *args: Any, provinces: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statistics"].choices = row_choices()  # type: ignore[attr-defined]
        for level in LEVEL_ORDER:
            self.fields[f"deadline_{level}"] = forms.CharField(
                label=_("Hạn gửi của %(level)s (tháng-ngày)")
                % {"level": str(ReportLevel(level).label).lower()},
                max_length=5,
                required=False,
                widget=forms.TextInput(attrs=_MONTH_DAY),
                help_text=_("Để trống nếu cấp này không lập báo cáo."),
            )
        if provinces is not None:
            self.fields["province"] = forms.ModelChoiceField(label=_("Tỉnh quy định"), queryset=provinces)
            self.order_fields(["province"])

    @staticmethod
    def initial_for(definition: ReportDefinition) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": definition.version,
            "title": definition.title,
            "code": definition.code,
            "period_start": definition.period_start,
            "period_end": definition.period_end,
            "sections": "\n".join(definition.sections),
            "statistics": list(definition.statistics),
            "basis": definition.basis,
            "is_active": definition.is_active,
        }
        for level, due in definition.deadlines.items():
            initial[f"deadline_{level}"] = due
        return initial

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["deadlines"] = {str(level): data.pop(f"deadline_{level}", "") for level in LEVEL_ORDER}
        data.pop("version", None)
        data.pop("province", None)
        return data
