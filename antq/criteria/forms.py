"""Forms of the framework screens: derive a variant, edit it, confirm thresholds, import or create a
sheet."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from antq.criteria.selectors import OutlineSection, threshold_levels
from antq.criteria.sheet_import import MAX_BYTES, MAX_ROWS, UNIT_TYPE_CODES, XLSX_CONTENT_TYPE
from antq.org.models import OrgNode

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProvinceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        return obj.name


class DeriveForm(forms.Form):
    province = ProvinceChoiceField(label=_("Tỉnh, thành phố"), queryset=OrgNode.objects.none())
    label = forms.CharField(
        label=_("Tên phiên bản"), max_length=40, help_text=_("Ví dụ “2021.1-gl”: phiên bản gốc và mã tỉnh.")
    )

    def __init__(self, *args: Any, provinces: QuerySet[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]


class RewordForm(forms.Form):
    op = forms.CharField(widget=forms.HiddenInput, initial="reword")
    item_id = forms.ChoiceField(label=_("Tiêu chí hoặc mục"))
    text = forms.CharField(label=_("Nội dung mới"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sections: list[OutlineSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_id"].choices = [  # type: ignore[attr-defined]
            (row.key, f"{row.key}: {row.text[:80]}") for section in sections for row in section.rows
        ]


class ReweightForm(forms.Form):
    """One number per sheet item and sub-item; only those that change are sent to the service."""

    op = forms.CharField(widget=forms.HiddenInput, initial="reweight")

    def __init__(self, *args: Any, sections: list[OutlineSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current: dict[str, int | None] = {}
        for section in sections:
            for row in section.rows:
                if row.points is None:
                    continue
                self.current[row.key] = row.points
                self.fields[f"pts:{row.key}"] = forms.IntegerField(
                    label=f"{row.key}: {row.text[:60]}", min_value=0, initial=row.points
                )

    def changed_points(self) -> dict[str, int]:
        data = self.cleaned_data
        return {key: data[f"pts:{key}"] for key, old in self.current.items() if data.get(f"pts:{key}") != old}


class ThresholdsForm(forms.Form):
    op = forms.CharField(widget=forms.HiddenInput, initial="thresholds")

    def __init__(self, *args: Any, content: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes: list[str] = []
        for level in threshold_levels(content):
            code = str(level.get("code"))
            self.codes.append(code)
            self.fields[f"min:{code}"] = forms.IntegerField(
                label=_("Ngưỡng tối thiểu: %(label)s") % {"label": level.get("label_vi", code)},
                min_value=0,
                initial=level.get("min"),
            )

    def minimums(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"min:{code}"] for code in self.codes}


class AddCriterionForm(forms.Form):
    """A local criterion (TT 124 Điều 8) answered by one yes/no question."""

    op = forms.CharField(widget=forms.HiddenInput, initial="add")
    criteria_set = forms.ChoiceField(label=_("Bộ tiêu chí"))
    # The service checks the province's namespace and collisions; blank gets the next free id.
    criterion_id = forms.CharField(
        label=_("Mã tiêu chí"),
        max_length=60,
        required=False,
        help_text=_("Bắt đầu bằng mã tỉnh, ví dụ “T52.KDC.GL1”; để trống để hệ thống tự đặt."),
    )
    text = forms.CharField(label=_("Nội dung tiêu chí"), widget=forms.Textarea(attrs={"rows": 3}))
    question = forms.CharField(
        label=_("Câu hỏi đánh giá (có/không)"),
        max_length=300,
        required=False,
        help_text=_("Để trống thì dùng chính nội dung tiêu chí."),
    )

    def __init__(self, *args: Any, content: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].choices = [  # type: ignore[attr-defined]
            (name, name) for name in (content.get("criteria_sets") or {})
        ]

    def criterion(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "id": data["criterion_id"],
            "text_vi": data["text"],
            "checks": [{"key": "dat", "type": "bool", "label_vi": data["question"] or data["text"]}],
        }


class ConfirmForm(forms.Form):
    document_number = forms.CharField(
        label=_("Số văn bản"), max_length=120, help_text=_("Ví dụ “1234/QĐ-UBND”.")
    )
    document_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SheetMetaForm(forms.Form):
    """What a sheet is, whether its rows come from a file (import) or from the table (creation)."""

    unit_type = forms.ChoiceField(
        label=_("Áp dụng cho"),
        choices=[("residential_area", _("Khu dân cư")), ("commune", _("Xã, phường, đặc khu"))],
    )
    destination = forms.ChoiceField(label=_("Lưu thành"))
    label = forms.CharField(label=_("Tên phiên bản"), max_length=40, help_text=_("Ví dụ “2025.1-gl”."))
    title = forms.CharField(label=_("Tên bảng"), max_length=300)
    effective_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE_INPUT)
    source_document = forms.CharField(
        label=_("Văn bản gốc (số, ngày)"),
        max_length=300,
        required=False,
        help_text=_("Văn bản mà bảng được chép từ đó, ví dụ “510/QĐ-BCA-V05 ngày 20/01/2022”."),
    )
    verified = forms.BooleanField(
        label=_("Tôi xác nhận bảng khớp từng chữ, từng điểm với văn bản gốc đã dẫn"), required=False
    )

    def __init__(self, *args: Any, provinces: QuerySet[OrgNode], national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), str(_("Biến thể của %(name)s") % {"name": p.name})) for p in provinces]
        if national:
            choices.insert(0, ("national", str(_("Bản nháp quốc gia (chưa xác minh)"))))
        self.fields["destination"].choices = choices  # type: ignore[attr-defined]
        self.provinces = {str(p.pk): p for p in provinces}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verified") and not (data.get("source_document") or "").strip():
            self.add_error("source_document", _("Muốn đánh dấu đã xác minh, hãy dẫn văn bản gốc (số, ngày)."))
        return data

    def province(self) -> OrgNode | None:
        return self.provinces.get(self.cleaned_data["destination"])

    def unit_code(self) -> str:
        return UNIT_TYPE_CODES[self.cleaned_data["unit_type"]]


class SheetImportForm(SheetMetaForm):
    file = forms.FileField(
        label=_("Tệp bảng chấm điểm (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
        help_text=_("Bốn cột như tệp mẫu: Mục, Tiểu mục, Nội dung, Điểm tối đa."),
    )

    field_order = ["file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx."))
        return upload


class SheetCreateForm(SheetMetaForm):
    """The sheet's description; its rows come from `SheetRowFormSet`."""


class SheetRowForm(forms.Form):
    """One row of the table, kept as typed: `sheet_import` checks it as it checks an XLSX row."""

    mark = forms.CharField(label=_("Mục"), max_length=40, required=False)
    sub = forms.CharField(label=_("Tiểu mục"), max_length=40, required=False)
    text = forms.CharField(label=_("Nội dung"), max_length=1000, required=False)
    points = forms.CharField(label=_("Điểm tối đa"), max_length=20, required=False)

    CELLS = ("mark", "sub", "text", "points")


class BaseSheetRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[tuple[int, tuple[Any, ...]]]:
        """The non-blank rows as `(row number, (Mục, Tiểu mục, Nội dung, Điểm tối đa))`, numbered
        as on the screen (1 = first row of the table), the shape `read_rows` gives for a file."""
        out: list[tuple[int, tuple[Any, ...]]] = []
        for number, form in enumerate(self.forms, start=1):
            cells = tuple((form.cleaned_data.get(name) or "").strip() for name in SheetRowForm.CELLS)
            if any(cells):
                out.append((number, cells))
        return out


SHEET_ROWS = 30
SheetRowFormSet = cast(
    "type[BaseSheetRowFormSet]",
    forms.formset_factory(
        SheetRowForm,
        formset=BaseSheetRowFormSet,
        extra=SHEET_ROWS,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    ),
)
