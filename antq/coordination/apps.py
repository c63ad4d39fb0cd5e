from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "antq.coordination"
    verbose_name = _("Phối hợp với Công an")
