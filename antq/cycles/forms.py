"""Forms of the annual cycle's screens (the assessment sheet itself is `sheet.AssessmentSheet`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from antq.cycles.choices import DeadlineCode
from antq.cycles.models import Registration
from antq.evidence.models import DocType, EvidenceDocument
from antq.evidence.selectors import evidence_of_type
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionForm(forms.Form):
    """Only the version the user saw (accept, approve: actions without other input)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CycleOpenForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=OrgNode.objects.none(), required=False, empty_label=None
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)

    def __init__(self, *args: Any, provinces: QuerySet[OrgNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]


class DeadlineForm(forms.Form):
    code = forms.ChoiceField(label=_("Mốc"), choices=DeadlineCode.choices)
    unit_kind = forms.ChoiceField(
        label=_("Áp dụng cho"),
        required=False,
        help_text=_("Để trống: mọi loại đơn vị có mốc này."),
    )
    due = forms.DateField(label=_("Hạn mới"), widget=DateInput(), input_formats=DATE_INPUTS)
    reason = forms.CharField(
        label=_("Căn cứ"),
        max_length=300,
        help_text=_("Số, ngày kế hoạch hoặc công văn quy định hạn này."),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_kind"].choices = [("", _("Mọi loại đơn vị")), *kinds]  # type: ignore[attr-defined]


class DocumentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        document: EvidenceDocument = obj
        return f"{document} ({document.issue_date:%d/%m/%Y})"


class RegistrationForm(forms.Form):
    """The registration dossier: the form, the documents chosen from the unit's evidence, the commitments."""

    has_party_org = forms.BooleanField(label=_("Đơn vị có tổ chức Đảng (chi bộ, đảng bộ)"), required=False)
    commitment_total = forms.IntegerField(label=_("Tổng số hộ / bộ phận"), min_value=0, max_value=1_000_000)
    commitment_count = forms.IntegerField(
        label=_("Số hộ / bộ phận đã cam kết"), min_value=0, max_value=1_000_000
    )
    uncommitted = forms.CharField(
        label=_("Hộ / bộ phận chưa cam kết"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một hộ hoặc một bộ phận, kèm lý do nếu có."),
    )
    resolution = DocumentChoiceField(
        label=_("Nghị quyết của cấp ủy, chi bộ"), queryset=EvidenceDocument.objects.none(), required=False
    )
    plan = DocumentChoiceField(
        label=_("Kế hoạch bảo đảm ANTT"), queryset=EvidenceDocument.objects.none(), required=False
    )
    form_document = DocumentChoiceField(
        label=_("Bản đăng ký phấn đấu"), queryset=EvidenceDocument.objects.none(), required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    DOCUMENTS = {
        "resolution": DocType.NGHI_QUYET,
        "plan": DocType.KE_HOACH,
        "form_document": DocType.BAN_DANG_KY,
    }

    def __init__(self, *args: Any, registration: Registration, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    "has_party_org": registration.has_party_org,
                    "commitment_total": registration.commitment_total,
                    "commitment_count": registration.commitment_count,
                    "uncommitted": registration.uncommitted,
                    "resolution": registration.resolution_id,
                    "plan": registration.plan_id,
                    "form_document": registration.form_document_id,
                    "note": registration.note,
                    "version": registration.version,
                },
            )
        super().__init__(*args, **kwargs)
        node, year = registration.node, registration.cycle.year
        for name, doc_type in self.DOCUMENTS.items():
            chosen = getattr(registration, f"{name}_id")
            queryset = evidence_of_type(node=node, year=year, doc_type=doc_type)
            if chosen:  # a document chosen earlier stays selectable even if withdrawn since
                queryset = queryset | EvidenceDocument.objects.filter(pk=chosen)
            self.fields[name].queryset = queryset.order_by("issue_date", "id")  # type: ignore[attr-defined]
            self.fields[name].empty_label = _("— Chưa chọn —")  # type: ignore[attr-defined]
        if node.kind == NodeKind.RESIDENTIAL_AREA:
            self.fields["commitment_total"].label = _("Tổng số hộ gia đình đang cư trú")
            self.fields["commitment_count"].label = _("Số hộ đã cam kết")
            self.fields["uncommitted"].label = _("Hộ chưa cam kết")
        else:
            self.fields["commitment_total"].label = _("Tổng số phòng, ban, tổ, đội (đầu mối trực thuộc)")
            self.fields["commitment_count"].label = _("Số đầu mối đã cam kết")
            self.fields["uncommitted"].label = _("Đầu mối chưa cam kết")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        total, count = cleaned.get("commitment_total"), cleaned.get("commitment_count")
        if total is not None and count is not None and count > total:
            self.add_error("commitment_count", _("Số đã cam kết không được lớn hơn tổng số."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The `data` of `services.registration_save` (every field but the version)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["uncommitted"] = "\n".join(
            line.strip() for line in data["uncommitted"].splitlines() if line.strip()
        )
        return data
