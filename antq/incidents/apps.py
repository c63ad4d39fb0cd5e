from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "antq.incidents"
    verbose_name = _("Vụ việc về an ninh, trật tự")
