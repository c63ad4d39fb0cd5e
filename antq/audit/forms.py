"""The filters of the audit log's list (its page, its XLSX and its background export)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from antq.audit.models import AuditAction


def type_names() -> dict[str, str]:
    """ "exports.exportjob" → "Tệp xuất": every model's name in the current language (the log
    stores the model's key)."""
    return {
        model._meta.label_lower: str(model._meta.verbose_name).capitalize() for model in apps.get_models()
    }


class DateInput(forms.DateInput):
    input_type = "date"


class AuditFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    action = forms.ChoiceField(
        label=_("Thao tác"), required=False, choices=[("", _("Tất cả")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("Tên đăng nhập người thực hiện"), required=False, max_length=150)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DateInput(format="%Y-%m-%d"))
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DateInput(format="%Y-%m-%d"))
    node = forms.ChoiceField(label=_("Đơn vị"), required=False)

    def __init__(self, *args: Any, nodes: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = sorted(type_names().items(), key=lambda item: item[1])
        self.fields["type"].choices = [("", _("Tất cả")), *names]  # type: ignore[attr-defined]
        # The node is checked against the scope by the view (an id from elsewhere is a 404), so any
        # id is accepted here; `nodes` are only the ones offered in the list.
        offered = list(nodes or [])
        chosen = self.data.get("node") if self.is_bound else None
        if chosen and chosen not in {pk for pk, _name in offered}:
            offered.append((str(chosen), str(chosen)))
        self.fields["node"].choices = [("", _("Tất cả")), *offered]  # type: ignore[attr-defined]
