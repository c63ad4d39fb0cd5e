"""Forms of the incident register: record, correct, withdraw, and the list's filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antq.incidents.choices import IncidentSource
from antq.incidents.models import Incident
from antq.org.choices import NodeKind
from antq.org.models import OrgNode


class NodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit shows its commune ("Tổ dân phố 1 — Phường Quy Nhơn"); a commune says it is one."""

    def label_from_instance(self, obj: OrgNode) -> str:  # type: ignore[override]
        if obj.kind == NodeKind.COMMUNE:
            return f"{obj.name} ({_('toàn xã')})"
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name  # type: ignore[union-attr]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IncidentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The facts of an incident. The type list is the TT 124 catalogue in force (labels in Vietnamese);
    the service checks the type against the version in force on the date of occurrence."""

    node = NodeChoiceField(label=_("Đơn vị (hoặc xã)"), queryset=OrgNode.objects.none())
    incident_type = forms.ChoiceField(label=_("Loại vụ việc (danh mục TT 124)"))

    class Meta:
        model = Incident
        fields = [
            "node",
            "incident_type",
            "occurred_on",
            "place",
            "summary",
            "source",
            "force_majeure",
            "timely_handled",
        ]
        widgets = {"occurred_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        nodes: Any,
        type_choices: list[tuple[str, str]],
        excused: dict[str, list[str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = nodes  # type: ignore[attr-defined]
        choices = list(type_choices)
        current = self.initial.get("incident_type") or getattr(self.instance, "incident_type", "")
        if current and current not in dict(choices):
            # A type of an older catalogue stays selectable on a correction (the service re-checks it).
            choices.append((current, current))
        self.fields["incident_type"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["source"].choices = [("", "—"), *IncidentSource.choices]  # type: ignore[attr-defined]
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        for flag in ("force_majeure", "timely_handled"):
            kinds = excused.get(flag)
            if kinds:
                self.fields[flag].help_text = _(
                    "Theo TT 124, chỉ được miễn trừ với: %(kinds)s. Với loại khác, vẫn ghi nhận nhưng "
                    "không được miễn trừ."
                ) % {"kinds": "; ".join(kinds)}
            elif flag in excused:
                self.fields[flag].help_text = _(
                    "Theo TT 124, không loại vụ việc nào được miễn trừ vì lý do này."
                )

    def clean_occurred_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày xảy ra không được sau ngày hôm nay."))
        return day

    def facts(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CorrectForm(IncidentForm):
    """The facts prefilled from the current revision, plus why, plus the revision the user saw."""

    reason = forms.CharField(
        label=_("Lý do đính chính"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)

    def facts(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"reason", "expected_revision"}}


class WithdrawForm(forms.Form):
    """Withdraw an incident recorded in error: why, and the revision the user saw."""

    reason = forms.CharField(label=_("Lý do rút (ghi nhận nhầm)"), max_length=500)
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)


class IncidentFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    incident_type = forms.ChoiceField(label=_("Loại vụ việc"), required=False)
    year = forms.IntegerField(label=_("Năm xảy ra"), required=False, min_value=2000, max_value=2100)
    include_withdrawn = forms.BooleanField(label=_("Gồm cả vụ việc đã rút"), required=False)
    within = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, type_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident_type"].choices = [("", _("Tất cả")), *type_choices]  # type: ignore[attr-defined]
