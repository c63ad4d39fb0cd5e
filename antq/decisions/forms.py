"""Forms of the decision screens (parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.decisions.authority import TABLE_KINDS
from antq.decisions.choices import AuthorityLevel, AwardKind, DecisionKind, DecisionStatus, SignerPrefix
from antq.org.choices import ManagingAuthority, NodeKind


class DecisionFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("Kỳ đánh giá"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Loại quyết định"), required=False, choices=[("", _("Tất cả")), *DecisionKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *DecisionStatus.choices]
    )

    def __init__(self, *args: Any, cycles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("Tất cả")), *cycles]  # type: ignore[attr-defined]


class DraftChoiceForm(forms.Form):
    """Step one of a new draft: who issues, for which year, which kind (a GET form)."""

    issuer = forms.TypedChoiceField(label=_("Cơ quan ban hành"), coerce=int)
    cycle = forms.TypedChoiceField(label=_("Kỳ đánh giá"), coerce=int)
    kind = forms.ChoiceField(label=_("Loại quyết định"), choices=DecisionKind.choices)

    def __init__(
        self, *args: Any, issuers: list[tuple[int, str]], cycles: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = issuers  # type: ignore[attr-defined]
        self.fields["cycle"].choices = cycles  # type: ignore[attr-defined]


class DraftCreateForm(forms.Form):
    """Step two: the units ticked, and the proposing body's submission."""

    proposal_ref = forms.CharField(
        label=_("Tờ trình đề nghị"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ “Tờ trình số 45/TTr-CAP ngày 10/11/2026”; để trống nếu chưa có."),
    )


class DraftEditForm(forms.Form):
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    proposal_by = forms.CharField(label=_("Cơ quan đề nghị"), max_length=300, required=False)
    proposal_ref = forms.CharField(label=_("Tờ trình đề nghị"), max_length=300, required=False)
    bases = forms.CharField(
        label=_("Căn cứ ban hành (mỗi dòng một căn cứ)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Số"), max_length=20, help_text=_("Chỉ phần số, ví dụ 125."))
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40)
    issued_on = forms.DateField(label=_("Ngày ký"), widget=forms.DateInput(attrs={"type": "date"}))
    signer_prefix = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SignerPrefix.choices, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120)
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class AuthorityRowForm(forms.Form):
    unit_kind = forms.ChoiceField(
        label=_("Loại đơn vị"), choices=[(k, NodeKind(k).label) for k in TABLE_KINDS]
    )
    managing_authority = forms.ChoiceField(
        label=_("Cấp quản lý"), choices=[("", _("Mọi cấp")), *ManagingAuthority.choices], required=False
    )
    level = forms.ChoiceField(label=_("Cấp quyết định"), choices=AuthorityLevel.choices)
    decider_title = forms.CharField(label=_("Người / cơ quan quyết định"), max_length=200)
    routed_via = forms.CharField(label=_("Hồ sơ gửi qua"), max_length=200, required=False)
    basis = forms.CharField(
        label=_("Căn cứ"), max_length=300, help_text=_("Số, ngày văn bản của tỉnh quy định thẩm quyền này.")
    )


class AwardForm(forms.Form):
    node = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=AwardKind.choices)
    recipient_name = forms.CharField(
        label=_("Họ tên cá nhân"),
        max_length=200,
        required=False,
        help_text=_("Chỉ khi đề nghị khen cá nhân."),
    )
    award_title = forms.CharField(
        label=_("Hình thức khen thưởng đề nghị"),
        max_length=300,
        help_text=_("Ví dụ “Giấy khen của Chủ tịch UBND xã”, “Bằng khen của Chủ tịch UBND tỉnh”."),
    )
    content = forms.CharField(label=_("Thành tích"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, nodes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]
