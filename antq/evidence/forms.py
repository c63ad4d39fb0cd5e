"""Forms of the evidence screens. They only parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.evidence.criteria import Catalogue
from antq.evidence.files import ACCEPT_ATTRIBUTE, format_size, max_bytes
from antq.evidence.models import DocType, EvidenceDocument
from antq.evidence.services import METADATA_FIELDS


def _metadata_fields() -> dict[str, forms.Field]:
    """The model's own fields (labels, lengths, choices), without binding a model instance."""
    fields = forms.fields_for_model(
        EvidenceDocument,
        fields=list(METADATA_FIELDS),
        widgets={"issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    )
    return {name: field for name, field in fields.items() if field is not None}


def _criteria_field(catalogue: Catalogue) -> forms.MultipleChoiceField:
    field = forms.MultipleChoiceField(
        label=gettext_lazy("Minh chứng cho tiêu chí"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=catalogue.choices(),
    )
    if catalogue.empty:
        field.help_text = _("Chưa có bộ tiêu chí nào áp dụng cho đơn vị này năm %(year)s.") % {
            "year": catalogue.year
        }
    else:
        field.help_text = _("Một tài liệu có thể dùng cho nhiều tiêu chí.")
    return field


class MetadataMixin:
    cleaned_data: dict[str, Any]

    def metadata(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in METADATA_FIELDS}


class EvidenceUploadForm(MetadataMixin, forms.Form):
    """A new document: the file, what it is, and the criteria it supports."""

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        upload = forms.FileField(
            label=gettext_lazy("Tệp"),
            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
            help_text=_(
                "PDF, DOCX, XLSX, JPEG hoặc PNG, tối đa %(limit)s. Loại tệp được nhận dạng theo nội dung tệp."
            )
            % {"limit": format_size(max_bytes())},
        )
        self.fields = {"file": upload, **_metadata_fields(), "criterion_ids": _criteria_field(catalogue)}


class EvidenceEditForm(MetadataMixin, forms.Form):
    """A document's metadata, with the version the user saw (a stale page cannot overwrite)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {**_metadata_fields(), "version": forms.IntegerField(widget=forms.HiddenInput)}


class EvidenceLinksForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion_ids"] = _criteria_field(catalogue)


class EvidenceFilterForm(forms.Form):
    criterion = forms.ChoiceField(label=gettext_lazy("Tiêu chí"), required=False)
    doc_type = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", gettext_lazy("Còn hiệu lực")), ("all", gettext_lazy("Cả tài liệu đã thu hồi"))],
    )

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Short texts: a select is as wide as its longest option.
        self.fields["criterion"].choices = [("", _("Tất cả")), *catalogue.choices(limit=60)]  # type: ignore[attr-defined]
        self.fields["doc_type"].choices = [("", _("Tất cả")), *DocType.choices]  # type: ignore[attr-defined]
