from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "antq.accounts"
    label = "accounts"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self) -> None:
        # Connects the sign-in receivers: session timestamps, and whether the session needs a code.
        from antq.accounts import session_limits, twofactor  # noqa: F401
