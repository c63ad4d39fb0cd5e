from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "antq.dashboards"
    verbose_name = _("Bảng điều hành")
