"""Forms of the inspections app. They parse input; the services check the rules and save."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.inspections.choices import CheckResult, InspectionStatus
from antq.inspections.models import InspectionCheck
from antq.inspections.services import Member
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

# "Nguyễn Văn An - Phó Trưởng Công an xã": the name, a dash (or a vertical bar), the position.
TEAM_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*\|\s*")


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


def team_text(members: list[Any]) -> str:
    """The team as the form shows it: one "name - position" per line."""
    return "\n".join(f"{m.name} - {m.position}" for m in members)


class InspectionForm(forms.Form):
    """The facts of an inspection: who is inspected (on creation), when, on what basis, by whom."""

    node = NodeChoiceField(label=_("Đơn vị được kiểm tra"), queryset=OrgNode.objects.none())
    inspected_on = forms.DateField(label=_("Ngày kiểm tra"), widget=DateInput())
    basis = forms.CharField(
        label=_("Căn cứ kiểm tra"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kế hoạch, quyết định thành lập đoàn kiểm tra (số, ngày, cơ quan ban hành)."),
    )
    team = forms.CharField(
        label=_("Thành phần đoàn kiểm tra"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một người: Họ và tên - Chức vụ. Ví dụ: Nguyễn Văn An - Phó Trưởng Công an xã."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, nodes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nodes is None:
            del self.fields["node"]
        else:
            self.fields["node"].queryset = nodes  # type: ignore[attr-defined]

    def clean_team(self) -> list[Member]:
        members: list[Member] = []
        errors: list[str] = []
        for number, line in enumerate(self.cleaned_data["team"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = TEAM_SEPARATOR.split(line.strip(), maxsplit=1)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                errors.append(
                    str(
                        _("Dòng %(n)s: cần ghi “Họ và tên - Chức vụ” (ví dụ: Nguyễn Văn An - Cán bộ).")
                        % {"n": number}
                    )
                )
                continue
            members.append(Member(parts[0].strip(), parts[1].strip()))
        if errors:
            raise forms.ValidationError(errors)
        if not members:
            raise forms.ValidationError(_("Vui lòng ghi ít nhất một thành viên đoàn kiểm tra."))
        return members

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("inspected_on", "basis", "team")}


class ChecklistForm(forms.Form):
    """One result and one note per criterion of the checklist, plus the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, checks: list[InspectionCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            # The table's headers label the columns; each control names its criterion for screen readers.
            result_label = _("Kết quả tiêu chí %(id)s") % {"id": check.criterion_id}
            note_label = _("Ghi chú tiêu chí %(id)s") % {"id": check.criterion_id}
            self.fields[f"result_{check.pk}"] = forms.ChoiceField(
                label=result_label,
                choices=CheckResult.choices,
                initial=check.result,
                widget=forms.Select(attrs={"aria-label": result_label}),
            )
            self.fields[f"note_{check.pk}"] = forms.CharField(
                label=note_label,
                required=False,
                max_length=1000,
                initial=check.note,
                widget=forms.Textarea(attrs={"rows": 2, "aria-label": note_label}),
            )

    def rows(self) -> list[tuple[InspectionCheck, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"result_{c.pk}"], self[f"note_{c.pk}"]) for c in self.checks]

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            c.pk: (self.cleaned_data[f"result_{c.pk}"], self.cleaned_data.get(f"note_{c.pk}") or "")
            for c in self.checks
        }


class TransitionForm(forms.Form):
    """Move the inspection on: the target status, the version the user saw, and the conclusion
    (required to conclude)."""

    to = forms.ChoiceField(choices=InspectionStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    conclusion = forms.CharField(
        label=_("Kết luận kiểm tra"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class FindingForm(forms.Form):
    """A finding: what must be fixed, the related criterion (optional), who fixes it, by when."""

    description = forms.CharField(
        label=_("Nội dung tồn tại, hạn chế cần khắc phục"), widget=forms.Textarea(attrs={"rows": 3})
    )
    criterion_id = forms.ChoiceField(label=_("Tiêu chí liên quan"), required=False)
    owner = forms.CharField(label=_("Người, bộ phận chịu trách nhiệm khắc phục"), max_length=300)
    due_on = forms.DateField(label=_("Hạn khắc phục"), widget=DateInput())

    def __init__(self, *args: Any, checks: list[InspectionCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion_id"].choices = [  # type: ignore[attr-defined]
            ("", _("Không gắn tiêu chí")),
            *((c.criterion_id, f"{c.criterion_id} — {c.label[:90]}") for c in checks),
        ]


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("Nội dung theo dõi khắc phục"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseFindingForm(forms.Form):
    note = forms.CharField(
        label=_("Kết quả khắc phục"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Kết quả khắc phục là bắt buộc để đóng kiến nghị.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetForm(forms.Form):
    count = forms.IntegerField(
        label=_("Số cuộc kiểm tra theo chỉ tiêu"),
        min_value=0,
        max_value=100000,
        error_messages={
            "min_value": _("Số cuộc kiểm tra theo chỉ tiêu không được âm."),
            "max_value": _("Số cuộc kiểm tra theo chỉ tiêu quá lớn (tối đa 100.000)."),
            "invalid": _("Số cuộc kiểm tra theo chỉ tiêu phải là số nguyên."),
            "required": _("Vui lòng nhập số cuộc kiểm tra theo chỉ tiêu."),
        },
    )
    basis = forms.CharField(
        label=_("Căn cứ giao chỉ tiêu"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kế hoạch hoặc văn bản giao chỉ tiêu (số, ngày, cơ quan ban hành)."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InspectionFilterForm(forms.Form):
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Năm kiểm tra"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *InspectionStatus.choices]
    )
