from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoctemplatesConfig(AppConfig):
    name = "antq.doctemplates"
    verbose_name = _("Mẫu văn bản")
