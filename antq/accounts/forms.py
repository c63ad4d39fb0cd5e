from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.org.models import OrgNode


def _role_choices(scope: Scope) -> list[tuple[str, str]]:
    allowed = scope.grantable_roles()
    return [(value, str(label)) for value, label in Role.choices if value in allowed]


class MembershipForm(forms.Form):
    # A code, not a drop-down: a province has thousands of units to grant roles on.
    node = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=40,
        help_text=_("Mã trong Danh bạ đơn vị, ví dụ T52 (tỉnh), X21001 (xã) hoặc mã của đơn vị cơ sở."),
    )
    role = forms.ChoiceField(label=_("Vai trò"))
    include_descendants = forms.BooleanField(
        label=_("Áp dụng cho cả các đơn vị cấp dưới"), required=False, initial=True
    )

    def __init__(self, *args: Any, scope: Scope, nodes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nodes = nodes
        self.fields["role"].choices = _role_choices(scope)  # type: ignore[attr-defined]

    def clean_node(self) -> OrgNode:
        code = self.cleaned_data["node"].strip()
        node = self.nodes.filter(code__iexact=code).first()
        if node is None:
            raise forms.ValidationError(
                _("Không có đơn vị mã “%(code)s” trong phạm vi bạn được phân quyền."), params={"code": code}
            )
        return node  # type: ignore[no-any-return]


class UserCreateForm(MembershipForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        widget=forms.PasswordInput,
        min_length=10,
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản."),
    )
    field_order = ["username", "full_name", "email", "password", "node", "role", "include_descendants"]


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput, min_length=10)


class CodeForm(forms.Form):
    """The six digits shown by the authenticator app."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
